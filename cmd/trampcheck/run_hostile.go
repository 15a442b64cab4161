package main

import (
	"fmt"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// runAnalyzer runs one analyzer pass and turns a panic in it into an error
// naming the check and the files. analyze runs in goroutines (checkSeries),
// where the recover of runSafe cannot reach.
func runAnalyzer(a *analysis.Analyzer, pass *analysis.Pass) (res any, err error) {
	defer func() {
		if r := recover(); r != nil {
			msg := strings.Join(strings.Fields(fmt.Sprint(r)), " ")
			res, err = nil, fmt.Errorf("%s: internal error in check %s: %s", strings.Join(pass.OtherFiles, ", "), a.Name, msg)
		}
	}()
	return a.Run(pass)
}
