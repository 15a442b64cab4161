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
		trampexec.Analyzer,
	}
}

// optInAnalyzers are registered checks that "trampcheck check" runs only
// when --checks names them.
func optInAnalyzers() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		builderrors.Analyzer,
	}
}
