package cparse

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/trampcheck/trampcheck/cparse/cpp"
	"github.com/trampcheck/trampcheck/cparse/ctype"
	"github.com/trampcheck/trampcheck/cparse/kbuild"
	"github.com/trampcheck/trampcheck/cparse/tu"
)

// TU is what the front end read of a file's real translation unit: the
// file preprocessed as Kbuild compiles it (the kernel's include path,
// forced includes, defines and configuration; see package kbuild) by
// package cpp, and its file-scope declarations read by package tu. Decls
// and Uses keep what -Wmissing-prototypes needs: every declaration of a
// name that the file defines or declares itself, from headers and the file,
// in translation-unit order.
type TU struct {
	// File is the main file's name as the preprocessor opened it (the
	// tree-relative path).
	File  string
	Decls []tu.Decl
	Uses  []tu.Use
	// Files are the files the unit read, main file first.
	Files []string
	// Config says where the configuration came from (a prepared tree's
	// autoconf.h or trampcheck's shipped defconfig).
	Config string
	// Deps are the paths the preprocessor asked for, found or not, with
	// what they held: what the unit depends on (see DepsCurrent).
	Deps []Dep
	// Quiet holds the token ranges [From, To) of the unit in which
	// "#pragma GCC diagnostic" (or _Pragma, as the kernel's
	// __diag_ignore_all in __bpf_kfunc_start_defs) turns
	// -Wmissing-prototypes off; Decl.Index values are in the same stream.
	Quiet []Span
	// Diags are the errors GCC reports in the main file that package tu
	// decides exactly (implicit declarations, argument counts,
	// redefinitions; see tu.Diag), in unit order; with Typed, also the
	// type errors of package ctype.
	Diags []tu.Diag
	// Notes are GCC's notes after each error of Diags (Notes[k] those of
	// Diags[k]; nil: none, or none that the front end is sure of): the
	// macro expansion trace ("in definition of macro 'M'", "in expansion
	// of macro 'M'") of an error at a token a macro produced.
	Notes [][]Note
	// Typed says that Diags include the errors of function bodies
	// (argument counts, implicit declarations, the type errors of package
	// ctype: the unit was read without Options.SkipTypeErrors). A unit without
	// them must never be taken for one without type errors.
	Typed bool
}

// Note is one of GCC's notes after an error.
type Note struct {
	// Pos is the note's position as the preprocessor names it (the file
	// as opened, the byte column); Col is GCC's display column.
	Pos cpp.Pos
	Col int
	// Msg is GCC's text after "note: ".
	Msg string
}

// Span is a range [From, To) of token indexes.
type Span struct{ From, To int }

// Quieted reports whether the warning is turned off at token index i.
func (t *TU) Quieted(i int) bool {
	for _, s := range t.Quiet {
		if s.From <= i && i < s.To {
			return true
		}
	}
	return false
}

// quietSpans follows the unit's diagnostic pragmas (push, pop, ignored,
// warning, error) for the warning option opt, as GCC does, and returns
// the ranges where it is ignored.
func quietSpans(pragmas []cpp.Pragma, opt string, end int) []Span {
	var out []Span
	ignored := false
	from := 0
	var stack []bool
	set := func(on bool, at int) {
		switch {
		case on && !ignored:
			from = at
		case !on && ignored:
			out = append(out, Span{from, at})
		}
		ignored = on
	}
	for _, p := range pragmas {
		f := strings.Fields(p.Text)
		if len(f) < 3 || f[0] != "GCC" || f[1] != "diagnostic" {
			continue
		}
		switch f[2] {
		case "push":
			stack = append(stack, ignored)
		case "pop":
			if n := len(stack); n > 0 {
				set(stack[n-1], p.Index)
				stack = stack[:n-1]
			} else {
				set(false, p.Index)
			}
		case "ignored", "warning", "error":
			if len(f) >= 4 && strings.Trim(f[3], `"`) == opt {
				set(f[2] == "ignored", p.Index)
			}
		}
	}
	if ignored {
		out = append(out, Span{from, end})
	}
	return out
}

// headerProtos returns, for the names the file declares or defines, the
// header of their first prototype in the unit (File.HeaderProtos as the
// translation unit gives it).
func (t *TU) headerProtos() map[string]string {
	m := map[string]string{}
	for _, d := range t.Decls {
		if d.Prototype && !t.InFile(d.Pos) && d.Pos.File != "" {
			if _, ok := m[d.Name]; !ok {
				m[d.Name] = d.Pos.File
			}
		}
	}
	return m
}

// InFile reports whether p lies in the unit's main file.
func (t *TU) InFile(p cpp.Pos) bool { return p.File == t.File }

// wantTU reports whether Parse builds the real translation unit: in tree
// mode always, in file mode when -I directories are given.
func wantTU(opts Options) bool {
	return opts.Tree != "" || len(opts.IncludeDirs) > 0
}

// translationUnit preprocesses the file rel (its contents src) with the
// kernel's compile command and scans its declarations. read serves
// tree-relative paths (the overlay first, then the tree); without a tree,
// the file's own directory and opts.IncludeDirs are searched.
func translationUnit(rel string, src []byte, opts Options, read func(string) ([]byte, error)) (*TU, error) {
	cfg, config, err := tuConfig(rel, src, opts, read)
	if err != nil {
		return nil, err
	}
	dir := TUCacheDir()
	typed := !opts.SkipTypeErrors
	command := commandText(cfg, config)
	keyOf := func(typed bool) string {
		return tuCacheKey(rel, string(src), command, fmt.Sprint(typed))
	}
	// A unit with the type errors serves a run without them too, never
	// the other way round.
	key := keyOf(typed)
	depRead := withCommand(cfg.Read, command)
	stat := statFor(rel, opts, read)
	if t, ok := loadTU(dir, key, depRead, stat); ok && t.Typed == typed {
		return t, nil
	}
	if !typed {
		if t, ok := loadTU(dir, keyOf(true), depRead, stat); ok && t.Typed {
			return t, nil
		}
	}
	rec := &recorder{read: cfg.Read, stat: stat, probes: map[string]Dep{}}
	cfg.Read = rec.Read
	unit, err := preprocessShared(cfg, rel, src, tuCacheKey(rel, command))
	if err != nil {
		return nil, err
	}
	sc, err := tu.ScanTokensTypes(unit, typed)
	if err != nil {
		return nil, err
	}
	t := &TU{
		File: rel, Files: unit.Files, Config: config, Typed: typed,
		Quiet: quietSpans(unit.Pragmas, "-Wmissing-prototypes", unit.Len()),
	}
	keep := map[string]bool{}
	for _, d := range sc.Decls {
		if t.InFile(d.Pos) || t.InFile(d.Exp) {
			keep[d.Name] = true
		}
	}
	for _, d := range sc.Decls {
		if keep[d.Name] {
			t.Decls = append(t.Decls, d)
		}
	}
	for _, u := range sc.Uses {
		if keep[u.Name] {
			t.Uses = append(t.Uses, u)
		}
	}
	for _, d := range sc.Diags {
		switch {
		case t.InFile(d.Pos):
			t.Diags = append(t.Diags, d)
		case t.InFile(d.Exp):
			// Spelled in a header's macro, expanded in the file: GCC
			// reports the header's line, in display columns.
			if b, err := cfg.Read(d.Pos.File); err == nil {
				if line, ok := lineText(b, d.Pos.Line); ok {
					d.Col = DisplayColumn(line, d.Pos.Col)
					t.Diags = append(t.Diags, d)
				}
			}
		default:
			continue
		}
		notes := macroNotes(unit, d.Index, cfg.Read)
		if strings.HasPrefix(d.Msg, "redefinition of '") {
			notes = previousDefinition(unit, sc.Decls, d, cfg.Read)
		}
		if at, msg, ok := ctype.PreviousDeclaration(unit, d.Index, d.Msg); ok {
			notes = previousNote(unit.Token(at).Pos, msg, cfg.Read)
		}
		t.Notes = append(t.Notes, notes)
	}
	// The compile command is a dependency too: a Makefile's flags are
	// not among the files the preprocessor read.
	t.Deps = append(rec.list(), Dep{Path: commandDep, Found: true, Sum: checksum([]byte(command))})
	storeTU(dir, key, t)
	return t, nil
}

// macroNotes returns GCC's macro expansion notes after an error at token
// i of the unit (cpp.Stream.MacroNotes), each with its display column;
// nil when there are none or the front end is not sure of them all.
func macroNotes(unit *cpp.Stream, i int, read func(string) ([]byte, error)) []Note {
	ms, ok := unit.MacroNotes(i)
	if !ok || len(ms) == 0 {
		return nil
	}
	out := make([]Note, 0, len(ms))
	for _, m := range ms {
		if strings.HasPrefix(m.Pos.File, "<") {
			return nil // <built-in>, <command-line>: GCC prints no line
		}
		b, err := read(m.Pos.File)
		if err != nil {
			return nil
		}
		line, ok := lineText(b, m.Pos.Line)
		if !ok {
			return nil
		}
		msg := "in expansion of macro '" + m.Macro + "'"
		if m.Def {
			msg = "in definition of macro '" + m.Macro + "'"
		}
		out = append(out, Note{Pos: m.Pos, Col: DisplayColumn(line, m.Pos.Col), Msg: msg})
	}
	return out
}

// previousDefinition returns GCC's note after "redefinition of 'f'" (d):
// "previous definition of 'f' with type 'T'" at the first definition's
// name, with " {aka 'A'}" when typedefs make the spellings differ; nil
// when ctype cannot spell the type.
func previousDefinition(unit *cpp.Stream, decls []tu.Decl, d tu.Diag, read func(string) ([]byte, error)) []Note {
	name := unit.Text(d.Index)
	for _, p := range decls {
		if p.Index >= d.Index {
			break
		}
		if p.Name != name || !p.Def {
			continue
		}
		typ, aka, ok := ctype.FuncType(unit, p.Index)
		if !ok || p.Pos != p.Exp || strings.HasPrefix(p.Pos.File, "<") {
			return nil
		}
		b, err := read(p.Pos.File)
		if err != nil {
			return nil
		}
		line, ok := lineText(b, p.Pos.Line)
		if !ok {
			return nil
		}
		msg := "previous definition of '" + name + "' with type '" + typ + "'"
		if aka != typ {
			msg += " {aka '" + aka + "'}"
		}
		return []Note{{Pos: p.Pos, Col: DisplayColumn(line, p.Pos.Col), Msg: msg}}
	}
	return nil
}

// previousNote returns the note msg at p (a declaration's name, as
// ctype.PreviousDeclaration gives it), nil when its line cannot be read.
func previousNote(p cpp.Pos, msg string, read func(string) ([]byte, error)) []Note {
	if strings.HasPrefix(p.File, "<") {
		return nil
	}
	b, err := read(p.File)
	if err != nil {
		return nil
	}
	line, ok := lineText(b, p.Line)
	if !ok {
		return nil
	}
	return []Note{{Pos: p, Col: DisplayColumn(line, p.Col), Msg: msg}}
}

// commandText is the compile command of a unit (everything of cfg but
// the reader) with where its configuration came from, for cache keys.
func commandText(cfg *cpp.Config, config string) string {
	return strings.Join([]string{
		config, cfg.Predefined,
		strings.Join(cfg.IncludeDirs, "\x00"), strings.Join(cfg.SystemDirs, "\x00"),
		strings.Join(cfg.ForcedIncludes, "\x00"), strings.Join(cfg.Defines, "\x00"),
	}, "\x01")
}

// commandDep is the Dep path that stands for the unit's compile command
// (no file has this name).
const commandDep = "\x00command"

// shares holds the cpp.Share of each translation unit being
// preprocessed, by main file and compile command (shareKey): the base and
// the patched state of a file, preprocessed at the same time, share the
// work up to the first line where they differ (see cpp.Share).
var shares = struct {
	sync.Mutex
	m map[string]*cpp.Share
}{m: map[string]*cpp.Share{}}

// preprocessShared is cpp.PreprocessStream of the file rel (contents
// src) with cfg, where shareKey names rel with its compile command: the
// first run of a key leads, a run of another version of the file started
// meanwhile follows it (when the leader can hand over its state, which
// cpp checks token by token and file by file), and otherwise runs alone.
func preprocessShared(cfg *cpp.Config, rel string, src []byte, shareKey string) (*cpp.Stream, error) {
	shares.Lock()
	s, ok := shares.m[shareKey]
	if !ok {
		s = cpp.NewShare(rel, src)
		shares.m[shareKey] = s
	}
	shares.Unlock()
	if ok {
		if st, err, forked := s.Follow(cfg, rel, src); forked {
			shareForks.Add(1)
			return st, err
		}
		return cpp.PreprocessStream(cfg, rel)
	}
	defer func() {
		shares.Lock()
		if shares.m[shareKey] == s {
			delete(shares.m, shareKey)
		}
		shares.Unlock()
	}()
	lead := *cfg
	lead.Share = s
	return cpp.PreprocessStream(&lead, rel)
}

// shareForks counts the translation units preprocessed from another's
// state (for tests).
var shareForks atomic.Int64

// tuConfig returns the preprocessor configuration for the file rel and a
// description of where its kernel configuration came from.
func tuConfig(rel string, src []byte, opts Options, read func(string) ([]byte, error)) (*cpp.Config, string, error) {
	root := filepath.Clean(opts.Tree)
	treeRead := func(p string) ([]byte, error) {
		p = path.Clean(p)
		if p == rel {
			return src, nil
		}
		if b, ok := opts.Overlay[p]; ok {
			return b, nil
		}
		if strings.HasPrefix(p, "../") || p == ".." {
			if opts.Tree != "" {
				return nil, fmt.Errorf("%s: outside the tree: %w", p, fs.ErrNotExist)
			}
		}
		abs := p
		if opts.Tree != "" && !filepath.IsAbs(p) {
			abs = joinTree(root, p)
		}
		if read != nil {
			b, err := read(abs)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				if _, serr := os.Stat(abs); errors.Is(serr, fs.ErrNotExist) {
					return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
				}
			}
			return b, err
		}
		return os.ReadFile(abs)
	}
	cfg := &cpp.Config{Read: treeRead, IncludeDirs: append([]string(nil), opts.IncludeDirs...)}
	config := ""
	if opts.Tree != "" {
		cmd, err := kbuildFor(treeRead, rel, opts, statFor(rel, opts, read))
		if err != nil {
			return nil, "", err
		}
		cfg.IncludeDirs = append(cfg.IncludeDirs, cmd.IncludeDirs...)
		cfg.SystemDirs = cmd.SystemDirs
		cfg.ForcedIncludes = cmd.ForcedIncludes
		cfg.Predefined = cmd.Predefined
		cfg.Defines = append(cmd.Defines, opts.Defines...)
		config = cmd.ConfigSource
		if len(cmd.Overlay) > 0 {
			inner := cfg.Read
			cfg.Read = func(p string) ([]byte, error) {
				b, err := inner(p)
				if errors.Is(err, fs.ErrNotExist) {
					if g, ok := cmd.Overlay[path.Clean(p)]; ok {
						return g, nil
					}
				}
				return b, err
			}
		}
	} else {
		cfg.Predefined = predefined
		cfg.Defines = opts.Defines
	}
	return cfg, config, nil
}

// commandEntry is one entry of the compile-command cache: a file's
// kbuild.Command with every tree path kbuild read or looked for.
type commandEntry struct {
	Deps    []Dep
	Command kbuild.Command
}

// commandHits counts compile commands the cache answered (for tests).
var commandHits atomic.Int64

// kbuildFor is kbuild.For through the compile-command cache
// (CacheDir("kbuild")): every tree path kbuild reads or looks for (the
// configuration, the makefiles of the file's directories) is recorded as
// the translation-unit cache records a unit's headers, and a later run
// takes the command from the entry only when every one of them gives the
// same answer through read (by identity where stat gives a trusted one,
// otherwise by contents): a makefile changed on disk or by a patch, or an
// added or removed one, evaluates the makefiles again. A warm check then
// costs a few stat calls instead of reading and evaluating them. Commands
// with generated files (an unprepared tree) are not kept.
func kbuildFor(read func(string) ([]byte, error), rel string, opts Options, stat func(string) (FileStat, bool)) (*kbuild.Command, error) {
	dir := CacheDir("kbuild")
	key := tuCacheKey("kbuild-command", opts.Tree, rel)
	if b, ok := ReadCacheEntry(dir, key); ok {
		var e commandEntry
		if gob.NewDecoder(bytes.NewReader(b)).Decode(&e) == nil && e.Command.File != "" && depsCurrent(e.Deps, read, stat) {
			commandHits.Add(1)
			return &e.Command, nil
		}
	}
	rec := &recorder{read: read, stat: stat, probes: map[string]Dep{}}
	cmd, err := kbuild.For(rec.Read, rel)
	if err != nil {
		return nil, err
	}
	if dir != "" && len(cmd.Overlay) == 0 {
		var buf bytes.Buffer
		if gob.NewEncoder(&buf).Encode(commandEntry{Deps: rec.list(), Command: *cmd}) == nil {
			WriteCacheEntry(dir, key, buf.Bytes())
		}
	}
	return cmd, nil
}

// DepsCurrent reports whether every path in deps (TU.Deps of the file
// name, contents src, as Parse read it with opts and read) still gives the
// same answer, found or not and with the same contents: then the file's
// translation unit, and whatever was computed from it, is unchanged.
func DepsCurrent(name string, src []byte, opts Options, read func(string) ([]byte, error), deps []Dep) bool {
	if opts.Tree != "" {
		name = relName(opts.Tree, name)
	}
	cfg, config, err := tuConfig(name, src, opts, read)
	if err != nil {
		return false
	}
	return depsCurrent(deps, withCommand(cfg.Read, commandText(cfg, config)), statFor(name, opts, read))
}

// statFor returns the identity on disk of the file that tuConfig's reader
// serves a path from unchanged, following the same layers: the file rel
// itself and opts.Overlay are never served from disk; the rest is when
// read is nil (os.ReadFile) or opts.Stat says so. Nil when nothing is.
func statFor(rel string, opts Options, read func(string) ([]byte, error)) func(string) (FileStat, bool) {
	if read != nil && opts.Stat == nil {
		return nil
	}
	root := filepath.Clean(opts.Tree)
	return func(p string) (FileStat, bool) {
		p = path.Clean(p)
		if _, ok := opts.Overlay[p]; ok || p == rel || p == commandDep || strings.HasPrefix(p, "../") || p == ".." {
			return FileStat{}, false
		}
		abs := p
		if opts.Tree != "" && !filepath.IsAbs(p) {
			abs = joinTree(root, p)
		}
		var fi fs.FileInfo
		if read != nil {
			var ok bool
			if fi, ok = opts.Stat(abs); !ok {
				return FileStat{}, false
			}
		} else {
			var err error
			if fi, err = os.Lstat(abs); err != nil {
				return FileStat{}, false
			}
		}
		return fileStatOf(fi)
	}
}

// joinTree is filepath.Join(root, p) for a clean root and a clean,
// relative slash path p that does not leave it (what the readers above
// check first), without cleaning the result again: a warm check builds
// one for each of hundreds of dependencies.
func joinTree(root, p string) string {
	switch {
	case p == ".":
		return root
	case root == ".":
		return filepath.FromSlash(p)
	}
	if strings.HasSuffix(root, string(filepath.Separator)) {
		return root + filepath.FromSlash(p)
	}
	return root + string(filepath.Separator) + filepath.FromSlash(p)
}

// withCommand returns read, reading the compile command as commandDep.
func withCommand(read func(string) ([]byte, error), command string) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		if p == commandDep {
			return []byte(command), nil
		}
		return read(p)
	}
}

// tuFuncs returns the file's own function declarations from its
// translation unit, as Funcs, for a file that the hermetic parse cannot
// read: the name's position in the file (its spelling, or the macro
// invocation when a macro in a header spells it).
func (f *File) tuFuncs() []Func {
	var out []Func
	for _, d := range f.TU.Decls {
		p, ok := f.filePos(d)
		if !ok {
			continue
		}
		fn := Func{
			Name: d.Name, Pos: p, End: p.Offset + len(d.Name), Def: d.Def, Static: d.Static,
			Extern: d.Extern, Inline: d.Inline, Prototype: d.Prototype, FromMacro: d.Macro != "",
		}
		if d.Def {
			fn.BodyStart, fn.BodyEnd = d.Open.Line, d.Close.Line
		}
		out = append(out, fn)
	}
	return out
}

// filePos returns the position in f of a declaration's name: its
// spelling when that is in the file, else its expansion point.
func (f *File) filePos(d tu.Decl) (Pos, bool) {
	p := d.Pos
	if !f.TU.InFile(p) {
		p = d.Exp
		if !f.TU.InFile(p) {
			return Pos{}, false
		}
	}
	if p.Line < 1 || p.Line > len(f.Lines) {
		return Pos{}, false
	}
	off := f.Lines[p.Line-1] + p.Col - 1
	if off > len(f.Src) {
		return Pos{}, false
	}
	return Pos{Line: p.Line, Col: p.Col, Offset: off}, true
}

// DeclPos is filePos for checks: the position in f of a declaration of
// the file's translation unit, and whether it lies in f.
func (f *File) DeclPos(d tu.Decl) (Pos, bool) { return f.filePos(d) }

// UsePos returns the offset-carrying position in f of a use, and whether
// it lies in f.
func (f *File) UsePos(u tu.Use) (Pos, bool) {
	return f.filePos(tu.Decl{Pos: u.Pos, Exp: u.Exp})
}

// TUFailure is Parse's error for a file that the hermetic parse could not
// read after its translation unit had failed too (typically a
// preprocessing error that GCC reports, such as #error or a macro called
// with the wrong number of arguments, which the hermetic parse trips on
// as well). Error is the hermetic parse's message, unchanged; errors.As
// finds either error, so a check can report the translation unit's.
type TUFailure struct {
	Name     string // the file's name as Parse gave it to File.Name
	Src      []byte // its contents
	Hermetic error  // why the hermetic parse failed
	TU       error  // why the translation unit failed (File.TUErr)
}

func (e *TUFailure) Error() string { return e.Hermetic.Error() }

// Unwrap returns both errors, the hermetic parse's first.
func (e *TUFailure) Unwrap() []error { return []error{e.Hermetic, e.TU} }

// withTUErr returns err, the hermetic parse's error, as a *TUFailure when
// the translation unit failed too.
func (f *File) withTUErr(err error) error {
	if f.TUErr == nil {
		return err
	}
	return &TUFailure{Name: f.Name, Src: f.Src, Hermetic: err, TU: f.TUErr}
}

// lineText returns the 1-based line of src, without its newline.
func lineText(src []byte, line int) ([]byte, bool) {
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			return nil, false
		}
		src = src[i+1:]
	}
	if i := bytes.IndexByte(src, '\n'); i >= 0 {
		src = src[:i]
	}
	return src, true
}
