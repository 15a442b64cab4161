// Package kbuild models the compile command Kbuild runs for a .c file of an
// s390 kernel build (make ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- W=1 on
// Linux 6.12 with s390x-linux-gnu-gcc 12), as data a C preprocessor can
// use: include path, forced includes, -D options, GCC's predefined macros,
// the configuration, and the generated headers a tree that is not prepared
// lacks. It imports nothing of trampcheck; the preprocessor maps Command
// onto its own configuration.
//
// # The compile command
//
// scripts/Makefile.lib builds the command of a C object as
//
//	$(CC) -Wp,-MMD,dep $(NOSTDINC_FLAGS) $(LINUXINCLUDE) -include compiler_types.h
//	      filter-out(CFLAGS_REMOVE_f.o, filter-out(ccflags-remove-y,
//	          $(KBUILD_CPPFLAGS) $(KBUILD_CFLAGS) $(ccflags-y)) $(CFLAGS_f.o))
//	      $(KBUILD_CFLAGS_KERNEL) -DKBUILD_MODFILE=... (or the module flags)
//	      -DKBUILD_BASENAME=... -DKBUILD_MODNAME=... -D__KBUILD_MODNAME=...
//	      -c -o f.o f.c
//
// where KBUILD_CFLAGS has grown by the subdir-ccflags-y of every directory
// from the tree root down. The global variables (NOSTDINC_FLAGS,
// LINUXINCLUDE, KBUILD_CPPFLAGS, KBUILD_CFLAGS with W=1, CC_FLAGS_FTRACE,
// ...) are the result of make's compiler probes (cc-option, as-instr), so
// they are shipped as data (s390_defconfig.txt, written by gen_data.sh from
// a prepared tree). The per-directory and per-file parts are read from the
// directory's Kbuild makefiles at run time by a small evaluator (see
// makefile.go for what it supports); anything it cannot evaluate is an
// error naming the makefile and line. For kernel/bpf, arch/s390/net and
// arch/s390/kernel in Linux 6.12 those parts add no -D or -I (only
// -Wno-override-init for kernel/bpf/core.o and the removal of
// $(CC_FLAGS_FTRACE) and $(CC_FLAGS_EXPOLINE) for some arch/s390/kernel
// files), and the tests compare the whole command with make's for every
// file defconfig builds there. Directories whose makefiles change Kbuild's
// global flags (arch/s390/kernel/vdso64 and vdso32 replace KBUILD_CFLAGS)
// are not modelled: For returns an error naming the makefile and line.
//
// # Which flags matter to preprocessing
//
//   - -nostdinc and the -I list of LINUXINCLUDE: the only include path.
//     Linux 6.12 passes no -isystem; <stdarg.h> is include/linux/stdarg.h,
//     so no header of the compiler is needed.
//   - -include of include/linux/compiler-version.h, kconfig.h (which
//     includes generated/autoconf.h) and compiler_types.h, in that order.
//   - -D options: __KERNEL__, KBUILD_EXTRA_WARN1 (W=1), CC_USING_EXPOLINE,
//     CONFIG_AS_CFI_VAL_OFFSET, CC_USING_NOP_MCOUNT, CC_USING_FENTRY (from
//     probes in arch/s390/Makefile and the top Makefile) and the per-file
//     KBUILD_MODFILE, KBUILD_BASENAME, KBUILD_MODNAME, __KBUILD_MODNAME.
//   - The flags that change GCC's predefined macros (each one, dropped
//     alone, changes s390x-linux-gnu-gcc -dM -E): -std=gnu11
//     (__STDC_VERSION__), -fshort-wchar (__WCHAR_TYPE__), -fPIC (__pic__),
//     -msoft-float, -march=z13 (__ARCH__ 11, __VX__), -O2 (__OPTIMIZE__),
//     -fno-asynchronous-unwind-tables (__GCC_HAVE_DWARF2_CFI_ASM);
//     -funsigned-char and -m64 are s390x defaults. Command.Predefined is
//     the compiler's own output under all the code generation flags
//     (gen_predefined.sh), so none has to be interpreted here.
//   - -fmacro-prefix-map=./= rewrites a "./" prefix of __FILE__; Kbuild
//     names sources without one, so __FILE__ is the tree-relative path.
//
// The rest changes diagnostics or code, not the preprocessed text: -W
// options (warnings; -Wundef only warns), -g, -O's code effects, -pg
// -mfentry -mrecord-mcount -mnop-mcount, -mindirect-branch and friends,
// -fno-strict-aliasing and the other -f code generation options, -Wa,
// (assembler), -pipe and -Wp,-MMD (dependency file). They are kept in
// Command.Args so that GCCArgs can run the real command.
//
// # Configuration and generated headers
//
// A prepared tree (one with include/generated/autoconf.h) supplies its own
// configuration (include/config/auto.conf for the makefiles) and generated
// headers. Otherwise For uses the s390 defconfig shipped in
// s390_defconfig.txt (recorded with the kernel version and compiler it
// came from; regenerate with go generate and a tree from
// .ci/kernel-prepared) and Command.Overlay provides the generated headers,
// computed from tree files where Kbuild computes them with a script and
// shipped as numeric facts where it needs a compiler (see overlay.go).
package kbuild
