// Package patchset reads kernel patches (git format-patch files, mboxes of a
// whole series, directories of *.patch files, plain unified diffs) and
// applies them in memory to files of a tree with git apply's rules, giving
// the state of the tree after each patch of the series.
//
// # API
//
//	ps, err := patchset.ReadPath(path)      // a file, a directory of *.patch, or "-" for stdin
//	ps, err := patchset.ReadInput(name, r)  // one input from a reader; name is used in Source and errors
//	ps, err := patchset.Parse(name, data)   // the same on bytes
//	states, err := patchset.Apply(tree, ps) // tree: a treefs.Dir, MapReader{...} or any Reader
//	p, err := patchset.CleanPath(path)      // the path safety rule
//
// Each *Patch has Source (the input, or "series.mbox: mail 3"), Subject
// (full, decoded, unfolded), Title (the subject without "Re:" and [...]
// prefixes), Index, Total and Version (from "[PATCH v2 3/7]"), From, Date,
// MessageID, InReplyTo, References, To, Cc, Body (the commit message) and
// Files ([]*diff.FileDiff of github.com/sourcegraph/go-diff).
//
// Apply returns one *State per patch, in order:
//
//   - Files: the full contents, after this patch, of every file touched so
//     far by the series (deleted files and rename sources are absent);
//   - Touched: the paths this patch touched, in diff order;
//   - Removed: the paths this patch deleted or renamed away;
//   - Added: per changed or created file, the 1-based lines of its new
//     contents that this patch's "+" lines produced (for "report only on
//     lines the patch touched");
//   - Base: the original tree contents of every file touched so far (files
//     the series created are absent).
//
// Nothing is written to disk; the byte slices are shared between states and
// must not be modified. On failure Apply returns the states of the patches
// before the failing one, and the error.
//
// Every error is an *Error{Input, Place, Msg} whose text is one line,
// "INPUT: PLACE: MSG" (or "INPUT: MSG"), for example:
//
//	0003-x.patch: hunk 2 of arch/s390/net/bpf_jit_comp.c: does not apply at line 812
//	series.mbox: mail 3: line 57: hunk 1 is truncated: 2 old and 2 new lines missing at the end of the input
//	x.patch: line 12: binary patch of arch/s390/x.bin is not supported
//	x.patch: arch/s390/net/foo.c: file not found in the tree
//
// Parse errors name the line of the input (counted in the whole file, also
// for the mails of an mbox), or "decoded body line N" inside a
// quoted-printable, base64 or multipart body. Apply errors name the hunk and
// file, or the file.
//
// # Input formats
//
// ReadInput looks at the first line. An mbox starts with a separator line:
// git format-patch's "From <sha> Mon Sep 17 00:00:00 2001" or an mbox
// "From addr date" line; later separators must follow an empty line. When an
// mbox has ">From " lines and no unquoted "From " line in any body, it is
// taken as mboxrd and ">From ", ">>From "... lose one '>'; git format-patch
// without --pretty=mboxrd quotes nothing and is left alone. An input
// starting with mail header fields including From: or Subject: is a single
// mail. Anything else is a plain unified diff ("diff -u", "diff -ru", "git
// diff"); its Body is the text before the first diff.
//
// In a mail the commit message ends at a "---" line or at the first diff
// (git mailinfo's rule). "From:", "Subject:" and "Date:" lines at the top of
// the body replace the mail's (git format-patch writes them for someone
// else's patch). Subject, From, To and Cc are RFC 2047 decoded
// (mime.WordDecoder; a header with an unknown charset is kept as written);
// To and Cc are split at commas outside quotes and angle brackets. Bodies
// with Content-Transfer-Encoding quoted-printable or base64 are decoded; of
// a multipart body the text/plain, text/x-patch, text/x-diff and
// application/x-patch parts are decoded and joined (HTML alternatives and
// signatures are dropped). The charset is not converted: kernel files are
// bytes, so any bytes except NUL are accepted.
//
// Skipped mails: a cover letter ("[PATCH 0/N]", even with an interdiff), the
// first mail of a multi-mail input when it has no diff (a cover letter
// without a 0/N prefix) and, in a multi-mail input, replies ("Re:", "Aw:",
// "Fwd:"). Any other mail without a diff is an error. An input of only a
// cover letter is an error; in a directory a cover-letter file is skipped.
//
// Series: when every patch of an input (or directory) has an N/M index with
// the same M, the patches are put in N order (list archives are not always
// in order). Two patches with the same N, or with different vN, are an
// error. Index and Total are 0 without "N/M"; Version is 1 for a prefix
// without "vN" and 0 without a prefix.
//
// CRLF: when every line of an input, of one mail of an mbox or of a decoded
// body ends with CRLF, it went through a DOS or mail conversion and all CRs
// before LF are removed, as git am does by default. Otherwise a CR is part of its line and
// must match the file's bytes (a kernel file has none, so the hunk fails).
//
// # Diff syntax
//
// A file diff starts at "diff --git" or at a "--- " line followed by "+++ "
// and "@@ -". git's extended headers (modes, new/deleted file, rename, copy,
// similarity, index) are recognised; text after a tab in "---"/"+++" lines
// (diff -u's timestamps) is ignored. Each hunk ends when the counts of its
// header are used up, as in git: an empty line in a hunk is an empty context
// line; "\ No newline at end of file" marks an incomplete line. Lines
// between and after file diffs (a diffstat, "-- " and a version, "diff -ru"
// command lines, "Only in") are skipped. The exact text of each file diff is
// then parsed by go-diff. Errors: a hunk cut short by the end of the input
// or by a line that cannot be in a hunk (truncated), change or context lines
// right after a hunk's counted lines (corrupt counts), a malformed "@@"
// line, a hunk without a file header, a "---" without "+++", a file diff
// header without changes, "GIT binary patch" and "Binary files ... differ"
// (binary patches are not supported; the error names the file diff's first
// line).
//
// Paths lose their first component ("a/", "b/": git apply -p1) except in
// rename and copy headers, which have none. CleanPath then refuses empty
// and absolute paths and ".." components; the tree reader of a directory
// (driver/treefs.Dir) also refuses symbolic links leading outside the
// tree.
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
//   - lines produced by an earlier hunk of the same file diff never match;
//   - a hunk that matches nowhere fails: "hunk K of FILE: does not apply at
//     line L" (L is the old line the hunk states);
//   - a hunk without any context lines that does not start the file (diff
//     -U0) is refused: git apply would silently put it at the end;
//   - stricter than git: a hunk whose last line has no newline ("\ No
//     newline at end of file") does not match a last line that has one (git
//     matches it and drops the newline).
//
// File operations: a new file ("--- /dev/null" or "new file mode") must not
// exist yet; a deleted file ("+++ /dev/null" or "deleted file mode") must be
// matched as a whole and leaves the state; a rename moves the (possibly
// changed) contents and removes the old path; a copy keeps it; rename and
// copy sources are read as they were before the patch, as git does; a
// mode-only change keeps the contents and counts as touched. A file the tree
// lacks is an error ("file not found in the tree"). Patches apply in order;
// the next patch sees the files a patch created, changed or deleted.
//
// # Limits
//
// MaxInputSize bytes per input, MaxPatches per input or directory,
// MaxHunks per patch and MaxLineLength per line; beyond them the input is
// refused with an *Error.
package patchset
