package patchset

import "fmt"

// Limits on the input. Inputs beyond them are refused with an *Error.
const (
	MaxInputSize  = 64 << 20 // bytes in one input (file, stdin or a directory's file)
	MaxPatches    = 1000     // patches in one input or directory
	MaxHunks      = 10000    // hunks in one patch
	MaxLineLength = 1 << 20  // bytes in one line of an input
)

// Error is every failure of this package: one line naming the input, the
// place in it and what is wrong. Its text is "INPUT: PLACE: MSG", or
// "INPUT: MSG" when there is no place.
type Error struct {
	// Input names the input: a file path, "<stdin>", or for one mail of
	// several "series.mbox: mail 3"; for application errors the patch's Source.
	Input string
	// Place is where in the input: "line 57", "decoded body line 12",
	// "hunk 2 of arch/s390/net/bpf_jit_comp.c", a file path; may be empty.
	Place string
	// Msg says what is wrong: lowercase, no final period.
	Msg string
}

// Error returns "INPUT: PLACE: MSG".
func (e *Error) Error() string {
	if e.Place == "" {
		return e.Input + ": " + e.Msg
	}
	return e.Input + ": " + e.Place + ": " + e.Msg
}

// errorf builds an *Error.
func errorf(input, place, format string, args ...any) *Error {
	return &Error{Input: input, Place: place, Msg: fmt.Sprintf(format, args...)}
}

// linePlace formats a line number as a Place.
func linePlace(n int) string { return fmt.Sprintf("line %d", n) }
