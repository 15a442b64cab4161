package cparse

import "time"

// SetHeaderCache turns the header scan cache on or off, for benchmarks of
// the cold scan.
func SetHeaderCache(on bool) { headerCacheOff = !on }

// TUCacheHits returns how many translation-unit cache lookups hit.
func TUCacheHits() int64 { return tuCacheHits.Load() }

// SetTUCacheLimit sets the size bound of the translation-unit cache and
// returns the previous one.
func SetTUCacheLimit(n int64) int64 {
	old := tuCacheLimit
	tuCacheLimit = n
	return old
}

// ShareForks returns how many translation units were preprocessed from
// another's state (see preprocessShared).
func ShareForks() int64 { return shareForks.Load() }

// StatHits returns how many dependencies were found current by their
// identity on disk.
func StatHits() int64 { return statHits.Load() }

// SetStatMargin sets statMargin and returns the previous one.
func SetStatMargin(d time.Duration) time.Duration {
	old := statMargin
	statMargin = d
	return old
}

// CommandHits returns how many compile commands the command cache
// answered (see kbuildFor).
func CommandHits() int64 { return commandHits.Load() }
