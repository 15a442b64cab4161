//go:build !linux

package cparse

import "io/fs"

// fileStatOf returns false: dependencies are checked by their contents
// only where the change time and inode number are not read.
func fileStatOf(fs.FileInfo) (FileStat, bool) { return FileStat{}, false }
