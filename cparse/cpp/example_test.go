package cpp_test

import (
	"fmt"
	"io/fs"

	"github.com/trampcheck/trampcheck/cparse/cpp"
)

// Preprocess a file that defines a function through a macro: the name's
// Pos is where gcc -Wmissing-prototypes points (the macro argument), its
// Exp the invocation.
func ExamplePreprocess() {
	files := map[string]string{
		"inc/def.h": "#define DEF(n) int n(void) { return 0; }\n",
		"x.c":       "#include <def.h>\nDEF(alpha)\n",
	}
	cfg := &cpp.Config{
		IncludeDirs: []string{"inc"},
		Read: func(p string) ([]byte, error) {
			if s, ok := files[p]; ok {
				return []byte(s), nil
			}
			return nil, fs.ErrNotExist
		},
	}
	u, err := cpp.Preprocess(cfg, "x.c")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range u.Tokens {
		if t.Text == "alpha" {
			fmt.Println(t.Pos, t.Exp, t.Macro)
		}
	}
	fmt.Println(u.Files)
	// Output:
	// x.c:2:5 x.c:2:1 DEF
	// [x.c inc/def.h]
}
