package report

import (
	"encoding/json"
	"io"
)

// WriteJSON writes {"findings":[...]} with each distinct finding once, in
// the order WriteText would print them.
func WriteJSON(w io.Writer, run *Run) error {
	out := struct {
		Findings []Finding `json:"findings"`
	}{Findings: Distinct(run)}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// Distinct returns every finding of the run once (the first time a patch
// state shows it), in report order.
func Distinct(run *Run) []Finding {
	seen := map[string]bool{}
	all := []Finding{}
	for _, pr := range run.Results {
		for _, f := range pr.Findings {
			if k := f.Key(); !seen[k] {
				seen[k] = true
				all = append(all, f)
			}
		}
	}
	return all
}
