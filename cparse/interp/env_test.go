package interp

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// TestEnvAgainstHeaders compares the constants of the environment model
// with their definitions in the real 6.12 headers, read at test time.
func TestEnvAgainstHeaders(t *testing.T) {
	dir := ktree.Dir(t)
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// define returns the value of the last "#define name N" or
	// "#define name BIT(N)" of a header.
	define := func(src, name string) (uint64, bool) {
		re := regexp.MustCompile(`(?m)^#define\s+` + name + `\s+(BIT\()?(\d+)\)?`)
		ms := re.FindAllStringSubmatch(src, -1)
		if len(ms) == 0 {
			return 0, false
		}
		m := ms[len(ms)-1]
		v, _ := strconv.ParseUint(m[2], 10, 64)
		if m[1] != "" {
			v = 1 << v
		}
		return v, true
	}
	bpf := read("include/linux/bpf.h")
	headers := map[string]string{
		"include/linux/bpf.h":                   bpf,
		"include/linux/errno.h":                 read("include/linux/errno.h"),
		"include/uapi/asm-generic/errno-base.h": read("include/uapi/asm-generic/errno-base.h"),
		"arch/s390/include/uapi/asm/ptrace.h":   read("arch/s390/include/uapi/asm/ptrace.h"),
	}
	names := map[string][]string{
		"include/linux/bpf.h": {
			"BPF_TRAMP_F_RESTORE_REGS", "BPF_TRAMP_F_CALL_ORIG", "BPF_TRAMP_F_SKIP_FRAME",
			"BPF_TRAMP_F_IP_ARG", "BPF_TRAMP_F_RET_FENTRY_RET", "BPF_TRAMP_F_ORIG_STACK",
			"BPF_TRAMP_F_SHARE_IPMODIFY", "BPF_TRAMP_F_TAIL_CALL_CTX", "BPF_TRAMP_F_INDIRECT",
			"MAX_BPF_FUNC_ARGS", "BTF_FMODEL_STRUCT_ARG", "BTF_FMODEL_SIGNED_ARG",
		},
		"include/linux/errno.h":                 {"ENOTSUPP"},
		"include/uapi/asm-generic/errno-base.h": {"EINVAL", "E2BIG", "ENOMEM"},
		"arch/s390/include/uapi/asm/ptrace.h":   {"STACK_FRAME_OVERHEAD"},
	}
	env := DefaultEnv()
	for h, ns := range names {
		for _, n := range ns {
			want, ok := define(headers[h], n)
			if !ok {
				t.Errorf("%s: no definition of %s", h, n)
				continue
			}
			if got := env.consts[n].Value; got != want {
				t.Errorf("%s: got %d, want %d (%s)", n, got, want, h)
			}
		}
	}
	// enum bpf_tramp_prog_type: enumerators count from 0.
	i := strings.Index(bpf, "enum bpf_tramp_prog_type {")
	if i < 0 {
		t.Fatal("include/linux/bpf.h: no enum bpf_tramp_prog_type")
	}
	body := bpf[i:]
	body = body[strings.Index(body, "{")+1 : strings.Index(body, "}")]
	body = regexp.MustCompile(`/\*[\s\S]*?\*/`).ReplaceAllString(body, "")
	k := uint64(0)
	for _, e := range strings.Split(body, ",") {
		name := strings.TrimSpace(e)
		if name == "" {
			continue
		}
		if got := env.consts[name].Value; got != k {
			t.Errorf("%s: got %d, want %d (enum bpf_tramp_prog_type)", name, got, k)
		}
		k++
	}
	// BPF_MAX_TRAMP_LINKS is 27 in the s390x branch of its #if.
	re := regexp.MustCompile(`defined\(__s390x__\)\s*\n\s*BPF_MAX_TRAMP_LINKS = (\d+)`)
	if m := re.FindStringSubmatch(bpf); m == nil {
		t.Error("include/linux/bpf.h: no s390x BPF_MAX_TRAMP_LINKS")
	} else if got := strconv.FormatUint(env.consts["BPF_MAX_TRAMP_LINKS"].Value, 10); got != m[1] {
		t.Errorf("BPF_MAX_TRAMP_LINKS: got %s, want %s", got, m[1])
	}
}
