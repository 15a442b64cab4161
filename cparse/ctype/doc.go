// Package ctype resolves the struct and union types of simple C
// expressions in a preprocessed translation unit (the token stream of
// package cpp) and reports the type errors GCC 12 gives for them, in
// GCC's words:
//
//   - "'struct S' has no member named 'm'" for x->m, x.m, a chain of
//     such accesses, ((struct S *)e)->m and __builtin_offsetof(struct S, m),
//     at the '->' or '.' (at __builtin_offsetof for offsetof);
//   - "invalid use of undefined type 'struct S'" for x->m and
//     ((struct S *)e)->m when struct S has no definition before the use,
//     and for __builtin_offsetof(struct S, m);
//   - "invalid application of 'sizeof' to incomplete type 'struct S'"
//     for sizeof(struct S), at "struct".
//   - "invalid application of 'sizeof' to incomplete type 'struct S'"
//     for sizeof(*x) with x a pointer to an incomplete struct, at the '(';
//   - "'X' undeclared (first use in this function)" for a name nothing
//     before its first use in the function could declare (also a use
//     carried by a macro argument, as unlikely(!x), or spelled in a macro
//     the file defines), and "'X'
//     undeclared here (not in a function)" for the first use of such a
//     name in a file-scope initializer (see undeclared.go).
//
// It is a small resolver, not a C type checker, and it says nothing
// where it cannot decide. What it knows:
//
//   - struct and union definitions with their member names, from every
//     definition outside function bodies (nested anonymous structs and
//     unions add their members to the enclosing one); a definition whose
//     member list it cannot read gives no member errors, and a tag that is
//     defined or declared inside any function body gives no error at all;
//   - the type of an identifier x in a function: every occurrence of x in
//     the function (parameters included) that could declare it must have
//     the form "struct S *x" (any number of '*', qualifiers, storage class
//     and attributes before it, array dimensions after it), all with the
//     same type, and there must be at least one; any other possible
//     declaration (a typedef'd type, typeof, a comma list other than
//     "struct S *a = e, *x;" at the start of a statement, a
//     multiplication or a cast after a type or ')' that may be one)
//     leaves x unknown, while an occurrence that can only be an
//     expression (sizeof(*x), y = *x, (void *)x after an operator) is a
//     use. A parameter's tag without a definition before the function is
//     incomplete in its body. A file-scope variable is unknown;
//   - elements: x[i].m and x[i]->m for arrays and pointers of the form
//     above;
//   - the type of a member, when its declaration has that same form;
//   - the qualifiers of the struct itself, which GCC prints ("'const
//     struct S' has no member named 'm'" through a const struct S *,
//     and for a struct member of a const object).
//
// Casts other than ((struct S *)e)->m, function-call results, typedef
// names (GCC prints their aka text), array elements and everything else
// are unknown. Where GCC would add a spelling suggestion to a member
// error ("; did you mean 'n'?"), the error is not reported: a member
// whose name is close to the wanted one (Damerau-Levenshtein distance at
// most half the longer name) suppresses it.
package ctype
