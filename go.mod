module github.com/trampcheck/trampcheck

go 1.26.8

require (
	github.com/sourcegraph/go-diff v0.9.0
	golang.org/x/arch v0.33.0
	golang.org/x/tools v0.52.0
	modernc.org/cc/v4 v4.34.0
	modernc.org/token v1.1.0
)

require (
	github.com/remyoudompheng/bigfft v0.0.0-20230129092748-24d4a6f8daec // indirect
	modernc.org/mathutil v1.7.1 // indirect
	modernc.org/opt v0.2.0 // indirect
	modernc.org/sortutil v1.2.1 // indirect
	modernc.org/strutil v1.2.1 // indirect
)
