package emitcheck

import (
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
)

// TestFuncBody: the body runs from the line of the opening brace to the
// line of the closing one, a declaration has none, and an unknown name
// gives "".
func TestFuncBody(t *testing.T) {
	src := "int g(int x);\n" +
		"static int f(int x)\n" +
		"{\n" +
		"\treturn x + 1;\n" +
		"}\n" +
		"int h(void) { return 2; }\n" +
		"int k;\n"
	f, err := cparse.Parse("body.c", []byte(src), cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ fn, want string }{
		{"f", "{\n\treturn x + 1;\n}\n"},
		{"h", "int h(void) { return 2; }\n"},
		{"g", ""},
		{"k", ""},
		{"nosuch", ""},
	}
	for _, tt := range tests {
		if got := FuncBody(f, tt.fn); got != tt.want {
			t.Errorf("FuncBody(%q) = %q, want %q", tt.fn, got, tt.want)
		}
	}
}
