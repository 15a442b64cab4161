package cparse

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
