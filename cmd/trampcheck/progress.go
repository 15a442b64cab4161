package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// progressEvery is how often a long run redraws its progress line.
const progressEvery = 2 * time.Second

// withProgress wraps the configuration source of a long run so that,
// when w is a terminal, a line on it counts the configurations done and
// estimates the time left. The line is erased by stop. Output that is not
// a terminal (CI logs, pipes, tests) gets nothing, so that the results
// stay the only output.
func withProgress(w io.Writer, label string, n int, cfg func(int) tramp.Config) (func(int) tramp.Config, func()) {
	if !isTerminal(w) || n < 100000 {
		return cfg, func() {}
	}
	var done atomic.Int64
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	start := time.Now()
	go func() {
		defer wg.Done()
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-quit:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-t.C:
				d := done.Load()
				el := time.Since(start)
				left := ""
				if d > 0 {
					rest := time.Duration(float64(el) * float64(int64(n)-d) / float64(d))
					left = fmt.Sprintf(", %s left", rest.Round(time.Second))
				}
				fmt.Fprintf(w, "\r\033[K%s: %d/%d configurations (%.1f%%)%s", label, d, n, 100*float64(d)/float64(n), left)
			}
		}
	}()
	return func(i int) tramp.Config {
			done.Add(1)
			return cfg(i)
		}, func() {
			close(quit)
			wg.Wait()
		}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
