package abi

import (
	"errors"
	"testing"

	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// BenchmarkRunTrampoline runs a TrampRunner over refimpl/tramp's covering
// set; configs/s is the figure (the whole matrix is 21.5M configurations).
func BenchmarkRunTrampoline(b *testing.B) {
	var tps []*Trampoline
	for _, c := range tramp.Covering() {
		tp, _, err := fromTramp(b, c, nil)
		var rej *tramp.RejectError
		if errors.As(err, &rej) {
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
		tps = append(tps, tp)
	}
	r, err := NewTrampRunner()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := r.Run(tps[n%len(tps)], uint64(n)); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "configs/s")
}
