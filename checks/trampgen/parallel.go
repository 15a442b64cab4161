package trampgen

import (
	"fmt"
	"runtime"
	"sync"
)

// Parallel calls, for i in 0..n-1, the function that mk makes (one per
// worker goroutine; workers 0 means GOMAXPROCS), handing out indices in
// chunks, and returns the first error, of mk or of a call; after an error
// no new chunk starts. A panic in a worker is returned as an internal
// error, not left to end the process (a driver's recover does not reach
// other goroutines).
func Parallel(n, workers int, mk func() (func(i int) error, error)) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, n))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
	}
	next := 0
	const chunk = 16
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					fail(fmt.Errorf("internal error: %v", r))
				}
			}()
			do, err := mk()
			if err != nil {
				fail(err)
				return
			}
			for {
				mu.Lock()
				lo := next
				next += chunk
				stop := first != nil
				mu.Unlock()
				if stop || lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					if err := do(i); err != nil {
						fail(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	return first
}
