//go:build tools

package tools

import (
	_ "github.com/sourcegraph/go-diff/diff"
	_ "golang.org/x/arch/s390x/s390xasm"
	_ "golang.org/x/tools/go/analysis"
	_ "golang.org/x/tools/txtar"
	_ "modernc.org/cc/v4"
)
