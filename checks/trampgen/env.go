package trampgen

import (
	"bytes"
	"errors"
	"io/fs"
	"sync"

	"github.com/trampcheck/trampcheck/cparse/interp"
)

// EnvHeader is the header whose presence makes a tree a source of the
// environment model: a tree without it (a partial checkout, a fixture)
// gets the documented 6.12 values.
const EnvHeader = "include/linux/bpf.h"

// treeEnvCache remembers the last model read and the headers it came
// from: the states of a series that changes no header, and the base and
// patched file of a check, share one model instead of each laying out the
// structs again.
var treeEnvCache struct {
	sync.Mutex
	files map[string][]byte
	env   *interp.Env
}

// TreeEnv returns the environment model of the kernel tree that read
// serves (tree-relative slash paths): interp.EnvFromTree, or nil (the
// documented 6.12 values, interp.DefaultEnv) when the tree has no
// EnvHeader. An error means the headers are there but cannot be read into
// the model; it names the header and line.
func TreeEnv(read func(name string) ([]byte, error)) (*interp.Env, error) {
	if _, err := read(EnvHeader); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	treeEnvCache.Lock()
	defer treeEnvCache.Unlock()
	if treeEnvCache.env != nil {
		same := true
		for name, old := range treeEnvCache.files {
			b, err := read(name)
			if (old == nil) != (err != nil) || !bytes.Equal(b, old) {
				same = false
				break
			}
		}
		if same {
			return treeEnvCache.env, nil
		}
	}
	files := map[string][]byte{}
	env, err := interp.EnvFromTree(func(name string) ([]byte, error) {
		b, err := read(name)
		if err != nil {
			files[name] = nil
		} else {
			files[name] = b
		}
		return b, err
	})
	if err != nil {
		return nil, err
	}
	treeEnvCache.files, treeEnvCache.env = files, env
	return env, nil
}
