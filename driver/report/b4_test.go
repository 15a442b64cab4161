package report

import (
	"bytes"
	"testing"
)

func TestWriteB4(t *testing.T) {
	errF := Finding{
		File: "arch/s390/net/tramp.c", Line: 3, Column: 1, Severity: "error",
		Check: "frame", Flag: "trampcheck:frame", Message: "frame too small", New: ptr(true),
	}
	tests := []struct {
		name string
		run  *Run
		want string
	}{
		{
			"new warning only, old one silent",
			fixtureRun(),
			"arch/s390/net/tramp.c:9: WARNING: no previous prototype for 'tramp_setup' [-Wmissing-prototypes]\n",
		},
		{
			"error says ERROR",
			&Run{Patched: true, Results: []PatchResult{{Findings: []Finding{errF}}}},
			"arch/s390/net/tramp.c:3: ERROR: frame too small [trampcheck:frame]\n",
		},
		{
			"file mode prints every finding",
			&Run{Results: []PatchResult{{Findings: []Finding{{File: "a.c", Line: 1, Severity: "warning", Message: "m"}}}}},
			"a.c:1: WARNING: m\n",
		},
		{"clean", &Run{Patched: true, Results: []PatchResult{{}}}, ""},
	}
	for _, tc := range tests {
		var buf bytes.Buffer
		if err := WriteB4(&buf, tc.run); err != nil {
			t.Fatal(err)
		}
		if got := buf.String(); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
