package main

import (
	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/asmcomment"
	"github.com/trampcheck/trampcheck/checks/builderrors"
	"github.com/trampcheck/trampcheck/checks/emitmacro"
	"github.com/trampcheck/trampcheck/checks/fieldoverflow"
	"github.com/trampcheck/trampcheck/checks/missingproto"
	"github.com/trampcheck/trampcheck/checks/trampexec"
	"github.com/trampcheck/trampcheck/checks/trampxcheck"
)

// allAnalyzers is the registry of checks that "trampcheck check" runs, in
// the order they run. Add a check here when it lands.
func allAnalyzers() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		missingproto.Analyzer,
		asmcomment.Analyzer,
		emitmacro.Analyzer,
		fieldoverflow.Analyzer,
		trampxcheck.Analyzer,
	}
}

// optInAnalyzers are registered checks that "trampcheck check" runs only
// when --checks names them. trampexec is one: on the unmodified Linux 6.12
// file it reports the tail call counter of trampolines for functions
// without arguments (see its package documentation), which the default
// run's outputs do not include yet.
func optInAnalyzers() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		trampexec.Analyzer,
		builderrors.Analyzer,
	}
}
