package cpp

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The kernel's compile command for arch/s390/net/bpf_jit_comp.o, read from
// `make ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- W=1 arch/s390/net/bpf_jit_comp.o V=1`
// on the prepared 6.12 tree (include paths without the leading "./" so
// that __FILE__ needs no -fmacro-prefix-map). Until cparse/kbuild models
// it, it is written out here.
var (
	kernelIncludes = []string{
		"arch/s390/include", "arch/s390/include/generated", "include", "arch/s390/include/uapi",
		"arch/s390/include/generated/uapi", "include/uapi", "include/generated/uapi",
	}
	kernelForced  = []string{"include/linux/compiler-version.h", "include/linux/kconfig.h", "include/linux/compiler_types.h"}
	kernelDefines = []string{
		"__KERNEL__", "KBUILD_EXTRA_WARN1", "CC_USING_EXPOLINE", "CONFIG_AS_CFI_VAL_OFFSET=1",
		"CC_USING_NOP_MCOUNT", "CC_USING_FENTRY",
	}
	// kernelMachine are the flags that change GCC's predefined macros.
	kernelMachine = []string{
		"-nostdinc", "-std=gnu11", "-fshort-wchar", "-funsigned-char", "-fno-common", "-fno-PIE",
		"-fno-strict-aliasing", "-m64", "-fPIC", "-mpacked-stack", "-mbackchain", "-msoft-float",
		"-march=z13", "-mtune=z13", "-mindirect-branch=thunk-extern", "-mfunction-return=thunk-extern",
		"-mindirect-branch-table", "-fno-asynchronous-unwind-tables", "-fno-delete-null-pointer-checks",
		"-O2", "-fno-allow-store-data-races", "-fno-stack-protector", "-ftrivial-auto-var-init=zero",
		"-fno-stack-clash-protection", "-pg", "-mrecord-mcount", "-mnop-mcount", "-mfentry",
		"-fno-inline-functions-called-once", "-falign-functions=8", "-fno-strict-overflow",
		"-fno-stack-check", "-fconserve-stack", "-fno-builtin-wcslen",
	}
)

const crossGCC = "s390x-linux-gnu-gcc"

// preparedTree returns the prepared kernel tree, skipping without it.
func preparedTree(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("no repository root")
		}
		dir = parent
	}
	tree := filepath.Join(dir, ".cache", "kernel", "prepared", "linux-source-6.12")
	if _, err := os.Stat(filepath.Join(dir, ".cache", "kernel", "prepared", ".prepared")); err != nil {
		if os.Getenv("TRAMPCHECK_REQUIRE_KERNEL") == "1" {
			tb.Fatalf("prepared kernel tree required: %v (run .ci/kernel-prepared)", err)
		}
		tb.Skipf("prepared kernel tree not available: %v", err)
	}
	if _, err := exec.LookPath(crossGCC); err != nil {
		if os.Getenv("TRAMPCHECK_REQUIRE_KERNEL") == "1" {
			tb.Fatalf("%s required: %v", crossGCC, err)
		}
		tb.Skipf("no %s", crossGCC)
	}
	return tree
}

var (
	predefOnce sync.Once
	predefText string
	predefErr  string
)

// kernelConfig returns the Config of the kernel's compile command for the
// tree-relative C file rel.
func kernelConfig(tb testing.TB, tree, rel string) *Config {
	tb.Helper()
	predefOnce.Do(func() {
		args := append(append([]string{}, kernelMachine...), "-dM", "-E", "-x", "c", os.DevNull)
		out, errs, err := gccCommand(tree, crossGCC, args...)
		if err != nil {
			predefErr = err.Error() + ": " + errs
		}
		predefText = out
	})
	if predefErr != "" {
		tb.Fatalf("%s -dM -E: %s", crossGCC, predefErr)
	}
	base := strings.TrimSuffix(path.Base(rel), ".c")
	mod := strings.TrimSuffix(rel, ".c")
	return &Config{
		Read: func(p string) ([]byte, error) {
			if !filepath.IsAbs(p) {
				p = filepath.Join(tree, p)
			}
			return os.ReadFile(p)
		},
		IncludeDirs: kernelIncludes,
		Predefined:  predefText,
		Defines: append(append([]string{}, kernelDefines...),
			`KBUILD_MODFILE="`+mod+`"`, `KBUILD_BASENAME="`+base+`"`, `KBUILD_MODNAME="`+base+`"`,
			"__KBUILD_MODNAME=kmod_"+base),
		ForcedIncludes: kernelForced,
	}
}

// gccArgs returns the cross gcc's arguments for the same configuration.
func gccArgs(cfg *Config, rel string) []string {
	args := append([]string{}, kernelMachine...)
	for _, d := range cfg.IncludeDirs {
		args = append(args, "-I"+d)
	}
	for _, f := range cfg.ForcedIncludes {
		args = append(args, "-include", f)
	}
	for _, d := range cfg.Defines {
		args = append(args, "-D"+d)
	}
	return append(args, "-E", rel)
}

// kernelFiles are the units compared with the cross compiler.
var kernelFiles = []string{
	"arch/s390/net/bpf_jit_comp.c",
	"kernel/bpf/btf.c", "kernel/bpf/core.c", "kernel/bpf/helpers.c",
	"kernel/bpf/map_iter.c", "kernel/bpf/syscall.c", "kernel/bpf/verifier.c",
}

// TestKernelAgainstGCC preprocesses real kernel units with the kernel's
// flags and compares the token sequence with s390x-linux-gnu-gcc -E.
func TestKernelAgainstGCC(t *testing.T) {
	tree := preparedTree(t)
	files := kernelFiles
	// CPP_KERNEL_FILES (tree-relative, space-separated) replaces the list,
	// for wider sweeps by hand.
	if more := os.Getenv("CPP_KERNEL_FILES"); more != "" {
		files = strings.Fields(more)
	}
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			cfg := kernelConfig(t, tree, rel)
			out, errs, err := gccCommand(tree, crossGCC, gccArgs(cfg, rel)...)
			if err != nil {
				t.Fatalf("%s -E %s: %v\n%s", crossGCC, rel, err, errs)
			}
			want := outputTokens(t, out)
			u, perr := Preprocess(cfg, rel)
			if perr != nil {
				t.Fatalf("Preprocess(%s): %v", rel, perr)
			}
			got := make([]string, len(u.Tokens))
			for i, tok := range u.Tokens {
				got[i] = tok.Text
			}
			if d := firstDiff(got, want); d >= 0 {
				var where string
				if d < len(u.Tokens) {
					where = "at " + u.Tokens[d].Pos.String() + " (expansion " + u.Tokens[d].Exp.String() + ", macro " + u.Tokens[d].Macro + ")"
				}
				t.Errorf("%s: token %d of %d (gcc %d): got %q, want %q %s\ngot:  %s\nwant: %s",
					rel, d, len(got), len(want), at(got, d), at(want, d), where, window(got, d), window(want, d))
			}
		})
	}
}
