package main

import (
	"fmt"

	"github.com/trampcheck/trampcheck/cparse"
)

func init() {
	register(&command{
		Name:    "cache",
		Summary: "show or clear the translation-unit cache (trampcheck cache [dir|clear])",
		Run:     runCache,
	})
}

const cacheUsage = `usage: trampcheck cache [dir|clear]

The cache keeps, per kernel file, what its real translation unit gave, so
that a second check of the same state is fast. It lives in the user cache
directory (on Linux $XDG_CACHE_HOME/trampcheck or ~/.cache/trampcheck), or
in $TRAMPCHECK_CACHE; TRAMPCHECK_CACHE=off disables it. Entries are
checked against every file the preprocessor read or looked for, so a
changed, added or removed header never gives a stale result; the
directory is kept under 256 MiB, oldest entries first.

  dir     print the cache directory (the default)
  clear   remove every entry
`

// runCache is "trampcheck cache".
func runCache(e *env, args []string) int {
	what := "dir"
	switch {
	case len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help"):
		fmt.Fprint(e.Stdout, cacheUsage)
		return exitClean
	case len(args) == 1:
		what = args[0]
	case len(args) > 1:
		fmt.Fprintf(e.Stderr, "trampcheck cache: %d arguments; usage: trampcheck cache [dir|clear]\n", len(args))
		return exitError
	}
	dir := cparse.TUCacheDir()
	switch what {
	case "dir":
		if dir == "" {
			fmt.Fprintln(e.Stdout, "off")
			return exitClean
		}
		fmt.Fprintln(e.Stdout, dir)
	case "clear":
		if err := cparse.ClearTUCache(); err != nil {
			fmt.Fprintf(e.Stderr, "trampcheck cache: %v\n", err)
			return exitError
		}
	default:
		fmt.Fprintf(e.Stderr, "trampcheck cache: unknown argument %q; usage: trampcheck cache [dir|clear]\n", what)
		return exitError
	}
	return exitClean
}
