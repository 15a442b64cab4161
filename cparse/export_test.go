package cparse

// SetHeaderCache turns the header scan cache on or off, for benchmarks of
// the cold scan.
func SetHeaderCache(on bool) { headerCacheOff = !on }
