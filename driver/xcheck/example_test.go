package xcheck_test

import (
	"fmt"

	"github.com/trampcheck/trampcheck/driver/xcheck"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// A run over the covering subset plus 1000 matrix points, split over two
// machines; File or Patch then run one shard.
func ExampleParseSet() {
	set, err := xcheck.ParseSet("sample:1000")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(set.N-len(tramp.Covering()), set.Desc)
	half, err := set.Shard("2/2")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(half.N == set.N/2, half.Desc)
	fmt.Println(fmt.Sprint(half.Config(0)) == fmt.Sprint(set.Config(1)))
	_, err = xcheck.ParseSet("sample:x")
	fmt.Println(err)
	// Output:
	// 1000 covering set + 1000 matrix points
	// true covering set + 1000 matrix points, shard 2/2
	// true
	// --configs sample:x: want sample:N with 0 <= N <= 21565440
}
