package mutation

import (
	"strings"
	"testing"
)

// TestEdit: the edit changes the first matching line at or after the
// anchor, once, and says which anchor is missing otherwise.
func TestEdit(t *testing.T) {
	src := []byte("a x\nb x x\nc\nb x\n")
	tests := []struct {
		e        Edit
		want     string
		line     int
		errMatch string
	}{
		{Edit{"first", "", "x", "x", "y"}, "a y\nb x x\nc\nb x\n", 1, ""},
		{Edit{"after anchor", "c", "b", "x", "y"}, "a x\nb x x\nc\nb y\n", 4, ""},
		{Edit{"once", "b", "b", "x", "y"}, "a x\nb y x\nc\nb x\n", 2, ""},
		{Edit{"no anchor", "z", "b", "x", "y"}, "", 0, `no line contains "z"`},
		{Edit{"no line", "c", "a", "x", "y"}, "", 0, `no line contains "a" after "c"`},
		{Edit{"no old", "", "c", "x", "y"}, "", 0, `line 3 "c" does not contain "x"`},
	}
	for _, tt := range tests {
		got, line, err := tt.e.Apply(src)
		if tt.errMatch != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errMatch) {
				t.Errorf("%s: got error %v, want %q", tt.e.Name, err, tt.errMatch)
			}
			continue
		}
		if err != nil || string(got) != tt.want || line != tt.line {
			t.Errorf("%s: got %q line %d %v, want %q line %d", tt.e.Name, got, line, err, tt.want, tt.line)
		}
	}
}

// TestEditWant: the expectation goes onto the changed line, which keeps
// its newline, and a missing anchor is the Apply error.
func TestEditWant(t *testing.T) {
	src := []byte("a x\nb x\nc x")
	tests := []struct {
		e        Edit
		want     string
		errMatch string
	}{
		{Edit{"middle", "", "b", "x", "y"}, "a x\nb y // want `^re$`\nc x", ""},
		{Edit{"last line", "", "c", "x", "y"}, "a x\nb x\nc y // want `^re$`\n", ""},
		{Edit{"no line", "", "d", "x", "y"}, "", `no line contains "d"`},
	}
	for _, tt := range tests {
		got, err := tt.e.ApplyWant(src, "^re$")
		if tt.errMatch != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errMatch) {
				t.Errorf("%s: got error %v, want %q", tt.e.Name, err, tt.errMatch)
			}
			continue
		}
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: got %q %v, want %q", tt.e.Name, got, err, tt.want)
		}
	}
}
