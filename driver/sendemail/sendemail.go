// Package sendemail is trampcheck's git send-email integration: the
// sendemail-validate hook that checks every mail before it is sent. It
// installs the hook (Install), collects the mails of a series as git
// 2.42 and later hand them over one by one (Counters, Collect), and finds
// the state the series applies to in the repository (Base): HEAD when
// the series applies to it, else the parent of the commit that holds the
// first patch (by patch-id), else HEAD with the series applied in
// reverse; nothing in the work tree changes. The series is then checked
// with package series (series.CheckPatches with Base's contents).
package sendemail

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/trampcheck/trampcheck/cparse/patchset"
	"github.com/trampcheck/trampcheck/driver/treefs"
)

// Signature marks hooks written by trampcheck; Install replaces only
// hooks that carry it.
const Signature = "# trampcheck sendemail-validate hook"

// Install writes the sendemail-validate hook into the hooks directory of
// the repository at repo (core.hooksPath is honoured) and returns its
// path. The hook runs binary ("" for the running executable); a hook that
// trampcheck did not write is replaced only with force.
func Install(repo, binary string, force bool) (string, error) {
	out, err := git(repo, nil, nil, "rev-parse", "--git-path", "hooks")
	if err != nil {
		return "", fmt.Errorf("--repo %s: %w", repo, err)
	}
	dir := strings.TrimSpace(string(out))
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(repo, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("%s: %w", dir, errors.Unwrap(err))
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	path := filepath.Join(dir, "sendemail-validate")
	if old, err := os.ReadFile(path); err == nil {
		if !bytes.Contains(old, []byte(Signature)) && !force {
			return "", fmt.Errorf("%s: a hook trampcheck did not write is in place; use --force to replace it", path)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s: %w", path, errors.Unwrap(err))
	}
	self := binary
	if self == "" {
		exe, err := os.Executable()
		if err != nil {
			return "", fmt.Errorf("cannot find the trampcheck binary: %w", err)
		}
		self = exe
		if real, err := filepath.EvalSymlinks(self); err == nil {
			self = real
		}
	}
	tmp, err := os.CreateTemp(dir, ".sendemail-validate-*")
	if err != nil {
		return "", fmt.Errorf("%s: %w", dir, errors.Unwrap(err))
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // gone after the rename
	if _, err := tmp.WriteString(Script(self)); err != nil {
		_ = tmp.Close() // the write error is the one to report
		return "", err
	}
	if err := tmp.Chmod(0o755); err != nil {
		_ = tmp.Close() // the chmod error is the one to report
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("%s: %w", path, errors.Unwrap(err))
	}
	return path, nil
}

// Script is the hook: it runs binary, the trampcheck that installed it,
// or the one on PATH when that binary is gone.
func Script(binary string) string {
	return "#!/bin/sh\n" +
		Signature + " (written by \"trampcheck hook install\"; delete it to uninstall)\n" +
		"# Checks each mail git send-email is about to send; a non-zero exit stops the sending.\n" +
		"tc=" + ShellQuote(binary) + "\n" +
		"[ -x \"$tc\" ] || tc=trampcheck\n" +
		"exec \"$tc\" hook run \"$@\"\n"
}

// ShellQuote quotes s for sh.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Collect reads the patches of one mail as git send-email hands it to
// the hook (name names it in errors). When total > 1 (Counters) the mail
// is stored in the repository's git directory and, at the last one, the
// whole series is returned. Nil patches mean nothing to check yet: a
// mail before the last, a cover letter or a mail without a diff. mails
// are the collected mails, for Base.
func Collect(name string, data []byte, counter, total int) (patches []*patchset.Patch, mails [][]byte, err error) {
	mails = [][]byte{data}
	if total > 1 {
		var done bool
		mails, done, err = collectMail(data, counter, total)
		if err != nil || !done {
			return nil, nil, err
		}
		name = fmt.Sprintf("series of %d mails", total)
	}
	mbox := joinMbox(mails)
	patches, err = patchset.Parse(name, mbox)
	if err != nil {
		var pe *patchset.Error
		if errors.As(err, &pe) && (strings.Contains(pe.Msg, "only a cover letter") || pe.Msg == "no diff found") {
			return nil, nil, nil // a cover letter or a mail without a diff: nothing to check
		}
		return nil, nil, err
	}
	return patches, mails, nil
}

// Counters reads GIT_SENDEMAIL_FILE_COUNTER and _TOTAL, which git
// send-email 2.42 and later set for the hook (0, 0 when unset or
// malformed).
func Counters() (counter, total int) {
	c, err1 := strconv.Atoi(os.Getenv("GIT_SENDEMAIL_FILE_COUNTER"))
	t, err2 := strconv.Atoi(os.Getenv("GIT_SENDEMAIL_FILE_TOTAL"))
	if err1 != nil || err2 != nil || c < 1 || t < 1 || c > t {
		return 0, 0
	}
	return c, t
}

// collectMail stores mail counter of total in the repository's git dir and,
// at the last one, returns all of them in order.
func collectMail(data []byte, counter, total int) ([][]byte, bool, error) {
	out, err := git("", nil, nil, "rev-parse", "--git-path", "trampcheck-sendemail")
	if err != nil {
		return nil, false, fmt.Errorf("collecting the series: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	if counter == 1 {
		if err := os.RemoveAll(dir); err != nil {
			return nil, false, err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("%s: %w", dir, errors.Unwrap(err))
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.eml", counter)), data, 0o600); err != nil {
		return nil, false, fmt.Errorf("%s: %w", dir, errors.Unwrap(err))
	}
	if counter < total {
		return nil, false, nil
	}
	defer func() { _ = os.RemoveAll(dir) }() // best effort: the next series starts afresh
	var mails [][]byte
	for i := 1; i <= total; i++ {
		m, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%04d.eml", i)))
		if err != nil {
			return nil, false, fmt.Errorf("mail %d of %d was not collected (did git send-email run the hook for every mail?): %w", i, total, errors.Unwrap(err))
		}
		mails = append(mails, m)
	}
	return mails, true, nil
}

// mboxFromLine separates the mails joined by joinMbox.
const mboxFromLine = "From trampcheck Mon Sep 17 00:00:00 2001\n"

var quotedFrom = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^(>*From )`) })

// joinMbox makes one mboxrd input of mails: a mail that is already an mbox
// (git format-patch's "From <sha>" line) keeps its separator; "From " lines
// inside a mail are quoted.
func joinMbox(mails [][]byte) []byte {
	if len(mails) == 1 {
		return mails[0]
	}
	var b bytes.Buffer
	for _, m := range mails {
		if bytes.HasPrefix(m, []byte("From ")) {
			i := bytes.IndexByte(m, '\n')
			b.Write(m[:i+1])
			m = m[i+1:]
		} else {
			b.WriteString(mboxFromLine)
		}
		b.Write(quotedFrom().ReplaceAll(m, []byte(">$1")))
		if !bytes.HasSuffix(m, []byte("\n")) {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// git runs a git command in dir ("" for the working directory) with extra
// environment and standard input, and returns its standard output; the
// error holds the first line git printed on standard error.
func git(dir string, env []string, stdin []byte, args ...string) ([]byte, error) {
	sub := args[0]
	if dir != "" {
		args = append([]string{"-C", dir}, args...)
	}
	cmd := exec.Command("git", args...)
	cmd.Env = append(os.Environ(), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if msg == "" {
			msg = err.Error()
		}
		return out, fmt.Errorf("git %s: %s", sub, msg)
	}
	return out, nil
}

// Base finds the state the series applies to, for the repository the
// process runs in: HEAD when the series
// applies to it, else the parent of the commit that holds the first patch
// (by patch-id), else HEAD with the series applied in reverse. It returns
// the work tree's top directory and, for every path whose contents in that
// state may differ from the work tree (the paths the patches touch, those
// the work tree changed since HEAD and those changed between the base and
// HEAD), the base contents (nil: absent in the base). Nothing is exported
// or linked: the check reads these over the work tree, which it never writes.
func Base(mails [][]byte, patches []*patchset.Patch) (string, map[string][]byte, error) {
	out, err := git("", nil, nil, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", nil, fmt.Errorf("not in a git work tree (give --tree DIR): %w", err)
	}
	top := strings.TrimSpace(string(out))
	var base string
	var env []string
	if _, err := patchset.Apply(treefs.GitRev{Top: top, Rev: "HEAD"}, patches); err == nil {
		base = "HEAD"
	} else if c := committedAt(top, mails, patches[0]); c != "" {
		base = c + "^"
		if _, err := git(top, nil, nil, "rev-parse", "--verify", "-q", base); err != nil {
			base = emptyTree(top) // the series starts at the root commit
		}
	} else {
		// Applied in reverse, last patch first, to HEAD in a temporary index.
		tmp, err := os.MkdirTemp("", "trampcheck-hook-")
		if err != nil {
			return "", nil, err
		}
		defer func() { _ = os.RemoveAll(tmp) }() // best effort: a temporary index
		env = []string{"GIT_INDEX_FILE=" + filepath.Join(tmp, "index")}
		if _, err := git(top, env, nil, "read-tree", "HEAD"); err != nil {
			return "", nil, err
		}
		for i := len(mails) - 1; i >= 0; i-- {
			if !hasDiff(mails[i]) {
				continue // a cover letter
			}
			if _, err := git(top, env, mails[i], "apply", "--cached", "-R", "-"); err != nil {
				return "", nil, fmt.Errorf("%s: the series applies neither to HEAD nor in reverse from it, and no commit of HEAD's history holds it", patches[0].Source)
			}
		}
		base = "" // the temporary index: blobs are named ":path"
	}
	paths, err := changedPaths(top, base, patches)
	if err != nil {
		return "", nil, err
	}
	over, err := readBlobs(top, env, base, paths)
	if err != nil {
		return "", nil, err
	}
	return top, over, nil
}

// readBlobs reads the contents of paths in rev ("" for the index named by
// env) with one git cat-file --batch; a path the revision lacks maps to nil.
func readBlobs(top string, env []string, rev string, paths []string) (map[string][]byte, error) {
	var req bytes.Buffer
	var asked []string
	for _, p := range paths {
		if p == "" || strings.ContainsAny(p, "\n\r") {
			continue
		}
		asked = append(asked, p)
		fmt.Fprintf(&req, "%s:%s\n", rev, p)
	}
	over := map[string][]byte{}
	if len(asked) == 0 {
		return over, nil
	}
	out, err := git(top, env, req.Bytes(), "cat-file", "--batch")
	if err != nil {
		return nil, err
	}
	for _, p := range asked {
		nl := bytes.IndexByte(out, '\n')
		if nl < 0 {
			return nil, fmt.Errorf("git cat-file: short output at %s", p)
		}
		head := strings.Fields(string(out[:nl]))
		out = out[nl+1:]
		if len(head) == 2 && head[1] == "missing" || len(head) != 3 {
			over[p] = nil
			continue
		}
		size, err := strconv.Atoi(head[2])
		if err != nil || size+1 > len(out) {
			return nil, fmt.Errorf("git cat-file: bad header %q", head)
		}
		if head[1] == "blob" {
			over[p] = out[:size:size]
		} else {
			over[p] = nil
		}
		out = out[size+1:]
	}
	return over, nil
}

// changedPaths returns the paths whose base contents may differ from the
// work tree: those the patches touch, those the work tree changed since
// HEAD and, for a base commit other than HEAD, those changed between it
// and HEAD. base "" is the reverse-applied index, which differs from HEAD
// only in the patches' paths.
func changedPaths(top, base string, patches []*patchset.Patch) ([]string, error) {
	all := map[string]bool{}
	for _, p := range patches {
		for _, fd := range p.Files {
			for _, name := range []string{fd.OrigName, fd.NewName} {
				if name != "/dev/null" {
					all[strings.TrimPrefix(strings.TrimPrefix(name, "a/"), "b/")] = true
				}
			}
		}
	}
	lists := [][]string{{"diff-index", "--name-only", "-z", "HEAD"}}
	if base != "" && base != "HEAD" {
		lists = append(lists, []string{"diff-tree", "-r", "--name-only", "-z", base, "HEAD"})
	}
	for _, args := range lists {
		out, err := git(top, nil, nil, args...)
		if err != nil {
			return nil, err
		}
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				all[f] = true
			}
		}
	}
	list := make([]string, 0, len(all))
	for f := range all {
		list = append(list, f)
	}
	sort.Strings(list)
	return list, nil
}

// emptyTree returns git's empty tree object id.
func emptyTree(top string) string {
	out, err := git(top, nil, []byte{}, "hash-object", "-t", "tree", "--stdin")
	if err != nil {
		return "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
	}
	return strings.TrimSpace(string(out))
}

// maxPatchIDCommits bounds the history searched for a committed patch.
const maxPatchIDCommits = 1000

// hasDiff reports whether a mail holds a diff hunk.
func hasDiff(mail []byte) bool {
	return bytes.Contains(mail, []byte("\n@@ -"))
}

// committedAt returns the commit of HEAD's recent history whose patch-id
// equals that of the first patch, or "". Only commits touching the first
// patch's files are diffed: a commit with the same patch-id touches exactly
// those.
func committedAt(top string, mails [][]byte, first *patchset.Patch) string {
	want := ""
	for _, m := range mails {
		if !hasDiff(m) {
			continue
		}
		out, err := git(top, nil, m, "patch-id", "--stable")
		if err != nil || len(bytes.Fields(out)) == 0 {
			return ""
		}
		want = string(bytes.Fields(out)[0])
		break
	}
	if want == "" {
		return ""
	}
	args := []string{"-C", top, "log", "-p", "--no-color", "--no-merges", "--no-ext-diff", "-n", strconv.Itoa(maxPatchIDCommits), "HEAD", "--"}
	for _, fd := range first.Files {
		for _, name := range []string{fd.OrigName, fd.NewName} {
			if name != "/dev/null" {
				args = append(args, ":(literal)"+strings.TrimPrefix(strings.TrimPrefix(name, "a/"), "b/"))
			}
		}
	}
	cmd := exec.Command("git", args...)
	logOut, err := cmd.Output()
	if err != nil {
		return ""
	}
	ids, err := git(top, nil, logOut, "patch-id", "--stable")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(ids), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == want {
			return f[1]
		}
	}
	return ""
}
