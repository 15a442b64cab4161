// Package patchset reads kernel patches (git format-patch files, mboxes of a
// whole series, directories of *.patch files, plain unified diffs) and
// applies them in memory to files of a tree with git apply's rules, giving
// the state of the tree after each patch of the series.
//
// # API
//
//	ps, err := patchset.ReadPath(path)             // file, directory of *.patch, or "-" for stdin
//	ps, err := patchset.ReadInput(name, r)         // one input from a reader; name is used in errors
//	ps, err := patchset.Parse(name, data)          // the same on bytes
//	states, err := patchset.Apply(tree, ps)        // tree is a Reader: DirReader(dir), MapReader{...} or your own
//	p, err := patchset.CleanPath(path)             // the path safety rule
//
// Each *Patch has Source (the input, or "series.mbox: mail 3"), Subject
// (full, decoded, unfolded), Title (the subject without "Re:" and [...]
// prefixes), Index/Total/Version (from "[PATCH v2 3/7]"), From, Date,
// MessageID, InReplyTo, References, To, Cc, Body (the commit message) and
// Files ([]*diff.FileDiff of github.com/sourcegraph/go-diff).
//
// Apply returns one *State per patch: Files holds the full contents after
// that patch of every file touched so far, Touched the paths the patch
// touched, Removed the paths it deleted or renamed away, Base the original
// tree contents of every file touched so far. Nothing is written to disk.
// On failure Apply returns the states of the patches before the failing one
// and the error.
//
// Every error is an *Error whose text is one line "INPUT: PLACE: MSG", for
// example
//
//	0003-x.patch: hunk 2 of arch/s390/net/bpf_jit_comp.c: does not apply at line 812
//	series.mbox: mail 3: line 57: hunk 1 is truncated: 2 old and 2 new lines missing before this line
//	x.patch: line 12: binary patches are not supported
//
// # Input formats
//
// ReadInput looks at the first line. An mbox starts with a separator line:
// git format-patch's "From <sha> Mon Sep 17 00:00:00 2001" or an mbox
// "From addr date" line; later separators must follow an empty line. Lines
// ">From ", ">>From "... lose one '>' (mboxrd quoting). An input starting
// with mail header fields including From: or Subject: is a single mail.
// Anything else is a plain unified diff ("diff -u", "diff -ru", "git diff").
//
// In a mail the commit message ends at a "---" line or at the first diff.
// "From:", "Subject:" and "Date:" lines at the top of the body replace the
// mail's (git format-patch writes them for someone else's patch).
// Subject, From, To and Cc are RFC 2047 decoded (mime.WordDecoder; a
// header with an unknown charset is kept as written). Bodies with
// Content-Transfer-Encoding quoted-printable or base64 are decoded; the text
// parts of a multipart body (text/*, application/x-patch) are decoded and
// joined. The charset is not converted: kernel files are bytes, so any
// bytes except NUL are accepted. Errors in decoded bodies are placed at
// "decoded body line N".
//
// Skipped mails: a cover letter ("[PATCH 0/N]", even with an interdiff), the
// first mail of a multi-mail input when it has no diff (a cover letter
// without a 0/N prefix) and, in a multi-mail input, replies ("Re:", "Aw:",
// "Fwd:"). Any other mail without a diff is an error. An input of only a
// cover letter is an error; in a directory a cover-letter file is skipped.
//
// CRLF: when every line of an input (or of a decoded body) ends with CRLF,
// the input went through a DOS or mail conversion and all CRs before LF are
// removed, as git am does by default. Otherwise a CR is part of its line and
// must match the file's bytes.
//
// # Diff syntax
//
// A file diff starts at "diff --git" or at a "--- " line followed by "+++ "
// and "@@ -". git's extended headers (modes, new/deleted file, rename, copy,
// similarity, index) are recognised. Each hunk ends when the counts of its
// header are used up, as in git: an empty line in a hunk is an empty context
// line; "\ No newline at end of file" marks an incomplete line. Lines
// between and after file diffs (a diffstat, "-- " and a version, "diff -ru"
// command lines) are skipped. The exact text of each file diff is then
// parsed by go-diff. Errors: a hunk cut short by the end of the input or by
// a line that cannot be in a hunk (truncated), a header that counts fewer
// lines than follow (corrupt), a malformed "@@" line, a hunk without a file
// header, a "---" without "+++", "GIT binary patch" and "Binary files ...
// differ" (binary patches are not supported).
//
// Paths lose their first component ("a/", "b/": git apply -p1) except in
// rename and copy headers, which have none. CleanPath then refuses empty
// and absolute paths and ".." components; DirReader also refuses, through
// os.Root, symbolic links leading outside the tree.
//
// # Application rules
//
// Hunks of a file apply in order to the file as changed by the hunks before,
// as in git apply (without --unidiff-zero, -C or whitespace options):
//
//   - a hunk is tried at the line its "+" side states, then at the nearest
//     lines after and before, alternately (line, +1, -1, +2, -2, ...), with
//     exact byte comparison and no fuzz (context is never reduced);
//   - a hunk starting at old line 0 or 1 must match at the beginning of the
//     file, a hunk without trailing context at the end;
//   - lines changed by an earlier hunk of the same file diff never match;
//   - a hunk that matches nowhere fails: "hunk K of FILE: does not apply at
//     line L" (L is the old line the hunk states);
//   - a hunk without any context lines that does not start the file (diff
//     -U0) is refused: git apply would silently put it at the end.
//
// File operations: a new file ("--- /dev/null" or "new file mode") must not
// exist yet; a deleted file ("+++ /dev/null" or "deleted file mode") must
// become empty and leaves the state; a rename moves the (possibly changed)
// contents and removes the old path; a copy keeps it; a mode-only change
// keeps the contents and counts as touched. A file the tree lacks is an
// error ("file not found in the tree"). Patches apply in order; a file a
// patch created, changed or deleted is seen in that state by the next.
//
// # Limits
//
// MaxInputSize bytes per input, MaxPatches per input or directory,
// MaxHunks per patch and MaxLineLength per line; beyond them the input is
// refused with an *Error.
package patchset
