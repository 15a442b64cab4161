package emu

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the process's user and system time: on a shared machine
// the emulator's speed per CPU second is the figure that means something.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchLoop is a trampoline-like mix in a counted loop: a frame with stmg
// and a backchain, argument stores and loads, an mvc, a call through an
// expoline-free basr to a function that adds and returns, a test and the
// loop's branch. 20 instructions per iteration.
var benchLoop = strings.Join([]string{
	"lghi %r0,0",                 // 0
	"stmg %r6,%r15,48(%r15)",     // 4: loop
	"lgr %r1,%r15",               // 10
	"aghi %r15,-200",             // 14
	"stg %r1,152(%r15)",          // 18
	"stg %r2,160(%r15)",          // 24
	"stg %r3,168(%r15)",          // 30
	"mvc 176(16,%r15),160(%r15)", // 36
	"lg %r2,176(%r15)",           // 42
	"la %r3,8(%r2)",              // 48
	"basr %r14,%r9",              // 52
	"ltgr %r2,%r2",               // 54
	"lmg %r6,%r15,248(%r15)",     // 58
	"aghi %r0,1",                 // 64
	"cgrj %r0,%r5,4,.-64",        // 68: loop while r0 < r5
	"br %r7",                     // 74
	// 76: the called function
	"agr %r2,%r3",
	"llgfr %r4,%r2",
	"xgr %r4,%r2",
	"br %r14",
}, "; ")

// BenchmarkEmulate reports emulated instructions per second on benchLoop,
// per wall-clock second (insns/s) and per CPU second of the process
// (insns/cpu-s, the figure for one core when the machine is shared).
func BenchmarkEmulate(b *testing.B) {
	m := machine(b, benchLoop)
	_ = m.Mem.Map(0x80000, 0x10000, PermRead|PermWrite)
	const iters = 1 << 16
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	var steps uint64
	for b.Loop() {
		m.PC = codeAddr
		m.R[5], m.R[7], m.R[9], m.R[15] = iters, stopAddr, codeAddr+76, 0x88000
		m.Steps = 0
		if err := m.Run(1 << 30); err != nil {
			b.Fatal(err)
		}
		steps += m.Steps
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "insns/s")
	if cpu > 0 {
		b.ReportMetric(float64(steps)/cpu.Seconds(), "insns/cpu-s")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps), "ns/insn")
}
