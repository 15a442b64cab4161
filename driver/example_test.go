package driver_test

import (
	"fmt"
	"log"
	"os"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/missingproto"
	"github.com/trampcheck/trampcheck/driver"
	"github.com/trampcheck/trampcheck/driver/report"
	"github.com/trampcheck/trampcheck/driver/series"
)

// Example checks the first patch of the demo series against the demo
// tree, as "trampcheck check --tree testdata/demo/tree PATCH" does, and
// prints the finding the patch introduces in GCC's text.
func Example() {
	run, err := series.Check(series.Config{
		Tree:      "../testdata/demo/tree",
		Analyzers: []*analysis.Analyzer{missingproto.Analyzer},
	}, []string{"../testdata/demo/series/0001-s390-bpf-Restore-the-argument-registers-after-the-ca.patch"})
	if err != nil {
		log.Fatal(err)
	}
	if err := report.WriteText(os.Stdout, run); err != nil {
		log.Fatal(err)
	}
	// Output:
	// >> arch/s390/net/bpf_jit_comp.c:84:6: warning: no previous prototype for 'restore_args' [-Wmissing-prototypes]
	//       84 | void restore_args(struct demo_jit *jit)
	//          |      ^~~~~~~~~~~~
}

// ExampleAnalyze runs a check over one C file held in memory, parsed
// alone, and prints GCC's first line of each finding.
func ExampleAnalyze() {
	src := []byte("int twice(int x)\n{\n\treturn 2 * x;\n}\n")
	u := driver.Unit{Files: []string{"twice.c"}, Read: func(string) ([]byte, error) { return src, nil }}
	findings, err := driver.Analyze(u, []*analysis.Analyzer{missingproto.Analyzer}, driver.Options{Styles: series.DefaultStyles})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		fmt.Println(f.Header())
	}
	// Output:
	// twice.c:1:5: warning: no previous prototype for 'twice' [-Wmissing-prototypes]
}
