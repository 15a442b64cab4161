package cpp

// gccHas answers __has_attribute (kind "attribute", "c", "cpp") and
// __has_builtin (kind "builtin") from the generated GCC 12 table.
func gccHas(kind, name string) int {
	return gccHasTable[kind+":"+name]
}
