package kbuild

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

//go:generate sh -c "sh gen_data.sh \"$(../../.ci/kernel-prepared)\" > s390_defconfig.txt"
//go:generate sh -c "sh gen_predefined.sh > predefined_gcc12_s390x.h"

// defconfigData holds the facts gen_data.sh recorded from a prepared tree.
//
//go:embed s390_defconfig.txt
var defconfigData string

// fact is one #define NAME VALUE of a header Kbuild computes with a compiler.
type fact struct{ name, value string }

// shipped is defconfigData parsed.
type shipped struct {
	kernel string            // kernel version the data came from
	vars   map[string]string // Kbuild make variables
	config [][2]string       // CONFIG_X, value as .config spells it, sorted
	facts  map[string][]fact // tree-relative header -> its facts, in order
}

// data returns defconfigData parsed, on first use: a check whose compile
// command the cache answers never needs it.
var data = sync.OnceValue(func() *shipped { return mustParseShipped(defconfigData) })

func mustParseShipped(s string) *shipped {
	d, err := parseShipped(s)
	if err != nil {
		panic(err) // the embedded file is generated; a test parses it
	}
	return d
}

func parseShipped(s string) (*shipped, error) {
	d := &shipped{vars: map[string]string{}, facts: map[string][]fact{}}
	for i, line := range strings.Split(s, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kind, rest, _ := strings.Cut(line, " ")
		switch kind {
		case "kernel":
			d.kernel = rest
		case "var":
			name, value, _ := strings.Cut(rest, " ")
			d.vars[name] = value
		case "config":
			name, value, ok := strings.Cut(rest, "=")
			if !ok {
				return nil, fmt.Errorf("s390_defconfig.txt:%d: config line without '='", i+1)
			}
			d.config = append(d.config, [2]string{name, value})
		case "fact":
			f := strings.Fields(rest)
			if len(f) != 3 {
				return nil, fmt.Errorf("s390_defconfig.txt:%d: fact line has %d fields, want 3", i+1, len(f))
			}
			d.facts[f[0]] = append(d.facts[f[0]], fact{f[1], f[2]})
		default:
			return nil, fmt.Errorf("s390_defconfig.txt:%d: unknown line kind %q", i+1, kind)
		}
	}
	if d.kernel == "" || len(d.config) == 0 || d.vars["KBUILD_CFLAGS"] == "" {
		return nil, fmt.Errorf("s390_defconfig.txt: kernel version, configuration or KBUILD_CFLAGS missing")
	}
	return d, nil
}
