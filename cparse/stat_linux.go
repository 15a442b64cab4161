package cparse

import (
	"io/fs"
	"syscall"
)

// fileStatOf returns the identity of a regular file (fi from Lstat), and
// false for anything else or on a system without inode numbers.
func fileStatOf(fi fs.FileInfo) (FileStat, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || !fi.Mode().IsRegular() {
		return FileStat{}, false
	}
	return FileStat{
		Size: fi.Size(), MTime: fi.ModTime().UnixNano(), CTime: st.Ctim.Nano(),
		Ino: st.Ino, Dev: st.Dev,
	}, true
}
