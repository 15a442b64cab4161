package main

import (
	"errors"
	"fmt"
	"os"
)

// checkNoSymlink refuses a patch, mbox or directory argument that is a
// symbolic link, as checkRegular does for C files: a hook or a bot must
// not be led elsewhere by a link planted among its inputs.
func checkNoSymlink(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("%s: %v", path, errors.Unwrap(err))
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s: is a symbolic link; give the file itself", path)
	}
	return nil
}

// clip shortens s to at most n bytes (ending in "...") for quoting input in
// an error line: a hostile line may be a megabyte long.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
