// Package tu reads the file-scope declarations of a preprocessed C
// translation unit: the token stream that package cpp produces for a
// kernel .c file with its real headers and every macro expanded.
//
// Scan walks the external declarations of the unit in order, as GCC's
// parser sees them, without building a syntax tree: declaration
// specifiers (storage classes, function specifiers, type specifiers and
// qualifiers, typedef names, struct/union/enum specifiers with their
// bodies, typeof, GNU attributes and asm labels), then each declarator.
// For every function declared or defined at file scope it records the
// name, the name token's spelling and expansion locations, the storage
// class, whether it is inline, whether the declaration is a prototype (a
// parameter type list, or a typedef or typeof of a prototyped function
// type), and for a definition the braces of its body. Function bodies and
// initializers are skipped as balanced token runs; the identifiers used in
// them that name file-scope functions are recorded as uses, which is what
// GCC's "used with no prototype before its definition" needs.
//
// What is known to be approximate, and why it does not matter for
// -Wmissing-prototypes on kernel code: old-style (K&R) definitions with a
// declaration list are read as declarations; a typedef name redeclared as
// an ordinary identifier at file scope keeps its typedef meaning; uses are
// all identifiers in bodies and initializers that are not member names,
// so a local variable that shadows a function counts as a use.
//
// Unit.Diags are the errors GCC 12 reports that the scan decides exactly
// (see Diag and errors.go): "redefinition of 'f'" for a second definition
// spelled token for token as the first, "implicit declaration of function
// 'f'" for a direct call whose name no earlier token of the unit spells,
// and "too many/too few arguments to function 'f'" for a direct call of a
// function whose file-scope prototypes give one countable parameter list,
// when nothing in the calling function could shadow the name. Anything a
// macro produced, and any doubt, gives nothing. The type errors of the
// function bodies (unknown members, undefined struct types) come from
// package cparse/ctype, at the token GCC points at (Diag.Pos, which may
// be in a header's macro, Diag.Exp then in the file).
package tu
