// Package mutation holds the mutation suite of the encoding checks
// (asmcomment, emitmacro, fieldoverflow): realistic one-line bugs applied
// to the real arch/s390/net/bpf_jit_comp.c at test time, each of which must
// produce a new finding (see mutation_test.go), and Edit, the one-line
// edit that this suite and those of trampxcheck and trampexec apply.
// The mutations are string edits described in the test code (an anchor
// line, an old and a new substring); no kernel source is stored here.
package mutation
