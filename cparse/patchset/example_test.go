package patchset_test

import (
	"fmt"

	"github.com/trampcheck/trampcheck/cparse/patchset"
)

func ExampleApply() {
	mbox := `From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
From: A U Thor <author@example.com>
Subject: [PATCH v2 1/1] s390/bpf: return 2

Signed-off-by: A U Thor <author@example.com>
---
diff --git a/f.c b/f.c
--- a/f.c
+++ b/f.c
@@ -2,4 +2,4 @@
 int f(void)
 {
-	return 1;
+	return 2;
 }
`
	ps, err := patchset.Parse("0001-return-2.patch", []byte(mbox))
	if err != nil {
		fmt.Println(err)
		return
	}
	p := ps[0]
	fmt.Printf("%s: %q v%d %d/%d\n", p.Source, p.Title, p.Version, p.Index, p.Total)

	// The tree has a comment line more at the top: the hunk is found one
	// line later than it says.
	tree := patchset.MapReader{"f.c": []byte("/* f */\nint x;\nint f(void)\n{\n\treturn 1;\n}\n")}
	states, err := patchset.Apply(tree, ps)
	if err != nil {
		fmt.Println(err)
		return
	}
	st := states[0]
	fmt.Printf("touched %v, added lines %v\n%s", st.Touched, st.Added["f.c"], st.Files["f.c"])

	// Applied again, the patch fails.
	_, err = patchset.Apply(patchset.MapReader{"f.c": st.Files["f.c"]}, ps)
	fmt.Println(err)
	// Output:
	// 0001-return-2.patch: "s390/bpf: return 2" v2 1/1
	// touched [f.c], added lines [5]
	// /* f */
	// int x;
	// int f(void)
	// {
	// 	return 2;
	// }
	// 0001-return-2.patch: hunk 1 of f.c: does not apply at line 2
}
