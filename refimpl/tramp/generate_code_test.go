package tramp

import (
	"bytes"
	"errors"
	"testing"
)

// TestGenerateCode: GenerateCode gives Generate's program without the
// listing, and the same rejections, over the covering set and points
// spread over the matrix.
func TestGenerateCode(t *testing.T) {
	cfgs := Covering()
	m := Matrix()
	for i := 0; i < m.Len(); i += m.Len()/2000 + 1 {
		cfgs = append(cfgs, m.Config(m.Point(i)))
	}
	gen, rejected := 0, 0
	for _, c := range cfgs {
		full, ferr := Generate(c)
		code, cerr := GenerateCode(c)
		var frej, crej *RejectError
		if errors.As(ferr, &frej) != errors.As(cerr, &crej) || (ferr == nil) != (cerr == nil) {
			t.Fatalf("%v: Generate gives %v, GenerateCode %v", c, ferr, cerr)
		}
		if ferr != nil {
			if ferr.Error() != cerr.Error() {
				t.Fatalf("%v: Generate gives %v, GenerateCode %v", c, ferr, cerr)
			}
			rejected++
			continue
		}
		gen++
		if code.Insns != nil {
			t.Fatalf("%v: GenerateCode has a listing", c)
		}
		if !bytes.Equal(code.Code, full.Code) || code.Size != full.Size || code.Flags != full.Flags ||
			code.IPAfterCall != full.IPAfterCall || code.IPEpilogue != full.IPEpilogue || code.Frame != full.Frame {
			t.Fatalf("%v: GenerateCode differs from Generate", c)
		}
	}
	if gen == 0 || rejected == 0 {
		t.Fatalf("%d generated, %d rejected: want both", gen, rejected)
	}
}
