package cpp

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
)

var missingProtoRE = regexp.MustCompile(`(?m)^([^:\n]+):(\d+):(\d+): warning: no previous prototype for '(\w+)'`)

// gccNamePositions compiles file with -Wmissing-prototypes and returns
// the position gcc gives each function name.
func gccNamePositions(t *testing.T, gcc, dir, file string, extra ...string) map[string]Pos {
	t.Helper()
	args := append([]string{"-c", "-std=gnu11", "-Wmissing-prototypes", "-fdiagnostics-column-unit=byte", "-o", "/dev/null"}, extra...)
	_, errs, err := gccCommand(dir, gcc, append(args, file)...)
	if err != nil {
		t.Fatalf("gcc %v: %v\n%s", args, err, errs)
	}
	res := map[string]Pos{}
	for _, m := range missingProtoRE.FindAllStringSubmatch(errs, -1) {
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		res[m[4]] = Pos{File: m[1], Line: line, Col: col}
	}
	if len(res) == 0 {
		t.Fatalf("gcc gave no -Wmissing-prototypes warning:\n%s", errs)
	}
	return res
}

// TestPositionsAgainstGCC checks Pos (spelling) and Exp (expansion point)
// of function names made through macros against gcc's diagnostics: with
// the default -ftrack-macro-expansion=2 gcc reports the spelling
// location, with -ftrack-macro-expansion=0 the expansion point.
func TestPositionsAgainstGCC(t *testing.T) {
	gcc := hostGCC(t)
	spelling := gccNamePositions(t, gcc, "testdata", "positions.c")
	expansion := gccNamePositions(t, gcc, "testdata", "positions.c", "-ftrack-macro-expansion=0")
	cfg := dirConfig("testdata")
	cfg.Predefined = predefined(t, gcc, "testdata", []string{"-std=gnu11"})
	u, err := Preprocess(cfg, "positions.c")
	if err != nil {
		t.Fatal(err)
	}
	// A function name is an identifier followed by "(" "void" ")" "{".
	found := map[string]Token{}
	for i := 0; i+4 < len(u.Tokens); i++ {
		if u.Tokens[i].Kind == Ident && u.Tokens[i+1].Text == "(" && u.Tokens[i+2].Text == "void" && u.Tokens[i+4].Text == "{" {
			found[u.Tokens[i].Text] = u.Tokens[i]
		}
	}
	for name, want := range spelling {
		tok, ok := found[name]
		if !ok {
			t.Errorf("%s: no such function in the token stream", name)
			continue
		}
		if tok.Pos != want {
			t.Errorf("%s: got Pos %v, want %v (gcc)", name, tok.Pos, want)
		}
		if wantExp := expansion[name]; tok.Exp != wantExp {
			t.Errorf("%s: got Exp %v, want %v (gcc -ftrack-macro-expansion=0)", name, tok.Exp, wantExp)
		}
		if (tok.Macro == "") != (tok.Pos == tok.Exp && tok.Macro == "") {
			t.Errorf("%s: Macro %q with Pos %v and Exp %v", name, tok.Macro, tok.Pos, tok.Exp)
		}
	}
	if len(found) != len(spelling) {
		t.Errorf("got %d functions, gcc warned about %d: %v", len(found), len(spelling), fmt.Sprint(found))
	}
}
