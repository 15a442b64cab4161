package builderrors

import (
	"bytes"
	"errors"
	"fmt"
	"go/token"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/cpp"
	"github.com/trampcheck/trampcheck/cparse/tu"
)

// Analyzer reports what GCC 12, with the kernel's flags, refuses to
// compile in a file read as its real translation unit.
var Analyzer = &analysis.Analyzer{
	Name:     "builderrors",
	Doc:      "report the errors GCC would stop the build with\n\nPreprocessing errors, implicit declarations, argument counts, redefinitions, conflicting types, unknown members, undefined struct types and undeclared identifiers, in GCC's words; see the package documentation.",
	URL:      "https://github.com/trampcheck/trampcheck/tree/main/checks/builderrors",
	Requires: []*analysis.Analyzer{cparse.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	res, ok := pass.ResultOf[cparse.Analyzer].(*cparse.Result)
	if !ok || res == nil {
		return nil, fmt.Errorf("builderrors: no front end result")
	}
	for _, f := range res.Files {
		if f.TU != nil && !f.TU.Typed {
			return nil, fmt.Errorf("builderrors: %s: translation unit read without its type errors (cparse.Options.SkipTypeErrors)", f.Name)
		}
		for _, e := range Find(f) {
			// GCC's notes as related information, at their places.
			var related []analysis.RelatedInformation
			for _, n := range e.Notes {
				pos := f.TokPos(n.Offset)
				if n.File != "" {
					pos = headerPos(pass, n.File, n.Line, n.Col)
				}
				if pos.IsValid() {
					related = append(related, analysis.RelatedInformation{Pos: pos, Message: n.Msg})
				}
			}
			if e.File != "" {
				pass.Report(analysis.Diagnostic{Pos: headerPos(pass, e.File, e.Line, e.Col), Category: "builderrors", Message: e.Msg, Related: related})
				continue
			}
			pos := f.TokPos(e.Offset)
			if !pos.IsValid() {
				return nil, fmt.Errorf("%s: file not registered in the pass", f.Name)
			}
			pass.Report(analysis.Diagnostic{Pos: pos, Category: "builderrors", Message: e.Msg, Related: related})
		}
	}
	// A file the front end could not read at all is not in the pass:
	// register it, as asmdecl does for assembly files.
	for _, err := range res.Failed {
		name, src, errs := FindFailed(err)
		if len(errs) == 0 {
			continue
		}
		tf := pass.Fset.AddFile(name, -1, len(src))
		tf.SetLinesForContent(src)
		for _, e := range errs {
			pass.Report(analysis.Diagnostic{Pos: tf.Pos(e.Offset), Category: "builderrors", Message: e.Msg})
		}
	}
	return nil, nil
}

// headerPos returns a position at line and display column col of the
// file GCC names name (a header: a macro's definition, as offsetof's),
// registered in the pass as a file of that name whose line reaches that
// column, so that the driver prints GCC's file:line:column.
func headerPos(pass *analysis.Pass, name string, line, col int) token.Pos {
	tf := pass.Fset.AddFile(name, -1, line+col)
	lines := make([]int, line)
	for i := range lines {
		lines[i] = i
	}
	tf.SetLines(lines)
	return tf.Pos(line - 1 + col - 1)
}

// Error is one error GCC reports in the file.
type Error struct {
	// File is GCC's name of the file of the position when it is not the
	// checked file (a header whose macro GCC reports in, as
	// "./include/linux/stddef.h"); "" for the checked file.
	File string
	Line int
	// Col is GCC's column (display columns, tabs to multiples of 8); 0
	// when GCC prints none.
	Col int
	// Offset is the byte offset in the file of the position.
	Offset int
	// Fatal: GCC prints "fatal error:" (a missing header).
	Fatal bool
	// Msg is GCC's text after the severity, with the option in brackets
	// where GCC prints one.
	Msg string
	// Notes are GCC's notes after the error, in GCC's order: the macro
	// expansion trace of an error at a token a macro produced. Empty when
	// GCC prints none or when the front end is not sure of every one.
	Notes []Note
}

// Note is one of GCC's "note:" lines after an error.
type Note struct {
	// File is GCC's name of the note's file; "" for the checked file.
	File string
	// Line and Col (GCC's display column) are the note's position;
	// Offset is its byte offset in the checked file (File ""), else -1.
	Line, Col, Offset int
	Msg               string
}

// Lines prints e and its notes as GCC does for the file name, one line
// each (without GCC's source excerpts).
func (e Error) Lines(name string) []string {
	out := []string{e.Format(name)}
	for _, n := range e.Notes {
		file := n.File
		if file == "" {
			file = name
		}
		out = append(out, file+":"+strconv.Itoa(n.Line)+":"+strconv.Itoa(n.Col)+": note: "+n.Msg)
	}
	return out
}

// Format prints e as GCC does for the file name.
func (e Error) Format(name string) string {
	sev := "error"
	if e.Fatal {
		sev = "fatal error"
	}
	if e.File != "" {
		name = e.File
	}
	loc := name + ":" + strconv.Itoa(e.Line)
	if e.Col > 0 {
		loc += ":" + strconv.Itoa(e.Col)
	}
	return loc + ": " + sev + ": " + e.Msg
}

// Find returns the errors GCC reports in f, in source order: the
// preprocessing error that stopped the translation unit (f.TUErr), or the
// errors that package tu decided on the unit (f.TU.Diags). Files read
// without a translation unit give none.
func Find(f *cparse.File) []Error {
	if f.TU != nil {
		var out []Error
		for k, d := range f.TU.Diags {
			var notes []Note
			if k < len(f.TU.Notes) {
				notes = gccNotes(f, f.TU.Notes[k])
			}
			if !f.TU.InFile(d.Pos) {
				// Spelled in a header, expanded in the file.
				name := gccHeaderName(f.TU, d.Pos.File)
				p, ok := f.UsePos(tu.Use{Pos: d.Exp, Exp: d.Exp})
				if name == "" || d.Col == 0 || !ok {
					continue
				}
				out = append(out, Error{File: name, Line: d.Pos.Line, Col: d.Col, Offset: p.Offset, Msg: d.Msg, Notes: notes})
				continue
			}
			p, ok := f.UsePos(tu.Use{Pos: d.Pos, Exp: d.Pos})
			if !ok {
				continue
			}
			out = append(out, Error{Line: p.Line, Col: f.DisplayCol(p), Offset: p.Offset, Msg: d.Msg, Notes: notes})
		}
		return out
	}
	return cppErrors(f.Name, f.Src, f.TUErr)
}

// gccNotes returns the front end's notes with GCC's file names, or none
// when a file cannot be named as GCC names it.
func gccNotes(f *cparse.File, ns []cparse.Note) []Note {
	t := f.TU
	out := make([]Note, 0, len(ns))
	for _, n := range ns {
		name, off := "", -1
		if t.InFile(n.Pos) {
			if n.Pos.Line < 1 || n.Pos.Line > len(f.Lines) {
				return nil
			}
			off = f.Lines[n.Pos.Line-1] + n.Pos.Col - 1
		} else {
			name = gccNoteFile(t, n.Pos.File)
			if name == "" {
				return nil
			}
		}
		out = append(out, Note{File: name, Line: n.Pos.Line, Col: n.Col, Offset: off, Msg: n.Msg})
	}
	return out
}

// gccNoteFile returns the name GCC prints for a file of the unit other
// than the main file in a note: a header as gccHeaderName names it, a
// forced include as GCC names the -include operand "./include/..."
// found from the working directory ("././include/..."), a file of the
// main file's directory (included with "") as it is; "" otherwise.
// The names are those GCC prints with the kernel's command (-I./include,
// -include ./include/linux/compiler_types.h), checked against
// s390x-linux-gnu-gcc by TestAcceptance and TestDifferential.
func gccNoteFile(t *cparse.TU, file string) string {
	if name := gccHeaderName(t, file); name != "" {
		return name
	}
	switch {
	case t.Config == "":
		return ""
	case strings.HasPrefix(file, "./") && forcedIncludes[file[2:]]:
		// The preprocessor names a forced include as the command
		// spells it; GCC joins "./" (the working directory) to that.
		return "./" + file
	case path.Dir(file) == path.Dir(t.File) && !strings.Contains(file, "/generated/"):
		return file
	}
	return ""
}

// FindFailed returns the preprocessing error GCC reports for a file that
// the front end could not parse at all (err is a *cparse.TUFailure from
// cparse.Result.Failed), with the file's name and contents; nothing for
// any other error.
func FindFailed(err error) (name string, src []byte, errs []Error) {
	var tf *cparse.TUFailure
	if !errors.As(err, &tf) {
		return "", nil, nil
	}
	return tf.Name, tf.Src, cppErrors(tf.Name, tf.Src, tf.TU)
}

// cppErrors returns the preprocessing error err (an *cpp.Error, that
// stopped the translation unit of the file name with contents src) when
// it is an error GCC reports in that file.
func cppErrors(name string, src []byte, err error) []Error {
	var ce *cpp.Error
	if err == nil || !errors.As(err, &ce) || ce.Warning || !gccText(ce) || !sameFile(name, ce.Pos.File) || ce.Pos.Line < 1 {
		return nil
	}
	start, ok := lineStart(src, ce.Pos.Line)
	if !ok {
		return nil
	}
	e := Error{Line: ce.Pos.Line, Offset: start, Fatal: ce.Fatal, Msg: ce.Msg}
	if ce.Pos.Col > 0 {
		end := bytes.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src) - start
		}
		if ce.Pos.Col-1 > end {
			return nil
		}
		e.Offset = start + ce.Pos.Col - 1
		e.Col = cparse.DisplayColumn(src[start:start+end], ce.Pos.Col)
	}
	return []Error{e}
}

// gccText reports whether the preprocessor's error is one GCC prints: not
// a failure to read a file (a fatal error other than a missing file or
// the include depth) nor this preprocessor's work limit.
func gccText(e *cpp.Error) bool {
	if e.Fatal {
		return strings.HasSuffix(e.Msg, ": No such file or directory") || strings.HasPrefix(e.Msg, "#include nested depth ")
	}
	return !strings.Contains(e.Msg, "exceeds the work limit of")
}

// lineStart returns the offset of the 1-based line in src.
func lineStart(src []byte, line int) (int, bool) {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return 0, false
		}
		off += i + 1
	}
	return off, true
}

// sameFile reports whether the preprocessor's name of a file (relative to
// the tree, or as given) names the file parsed as name.
func sameFile(name, cppName string) bool {
	name, cppName = filepath.ToSlash(name), filepath.ToSlash(cppName)
	return cppName != "" && (name == cppName || strings.HasSuffix(name, "/"+cppName))
}

// SplitFlag splits a message of the check into GCC's text and the option
// GCC prints in brackets after it ("-Werror=implicit-function-declaration"),
// "" when GCC prints none.
func SplitFlag(msg string) (text, flag string) {
	if strings.HasSuffix(msg, "]") {
		if i := strings.LastIndex(msg, " [-W"); i >= 0 {
			return msg[:i], msg[i+2 : len(msg)-1]
		}
	}
	return msg, ""
}

// forcedIncludes are the headers Kbuild names with -include; GCC names
// them (and what they include with "") differently from the others.
var forcedIncludes = map[string]bool{
	"include/linux/compiler-version.h": true, "include/linux/kconfig.h": true,
	"include/linux/compiler_types.h": true,
}

// gccHeaderName returns the name GCC prints for a header of the unit
// read with the kernel's compile command: the -I directory as the
// command spells it ("./include") joined with the path under it. ""
// when the unit was not read with the kernel's command (file mode) or
// the header is not under one of its include directories, or is one of
// the forced includes: then the error is not reported.
func gccHeaderName(t *cparse.TU, file string) string {
	if t.Config == "" || forcedIncludes[file] || strings.Contains(file, "/generated/") {
		return ""
	}
	if strings.HasPrefix(file, "include/") || strings.HasPrefix(file, "arch/s390/include/") {
		return "./" + file
	}
	return ""
}
