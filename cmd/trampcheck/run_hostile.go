package main

// clip shortens s to at most n bytes (ending in "...") for quoting input in
// an error line: a hostile line may be a megabyte long.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
