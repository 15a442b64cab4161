package tramp

import (
	"fmt"
	"io"
	"sort"
)

// Offsets inside an s390x stack frame as the kernel lays it out (struct
// prog_frame of the JIT, which the kernel's -mpacked-stack ABI dictates):
// the register save area of %r6-%r15 starts at 72, the backchain is the
// last 8 bytes of the 160-byte frame overhead, and the JIT keeps the BPF
// tail call counter at 64, in the otherwise unused first part.
const (
	// FrameTailCallCnt is offsetof(struct prog_frame, tail_call_cnt).
	FrameTailCallCnt = 64
	// FrameR14 is the save slot of %r14 in a frame's register save area
	// (offsetof(struct prog_frame, r6) + 8*8).
	FrameR14 = 136
	// FrameBackchain is offsetof(struct prog_frame, backchain).
	FrameBackchain = 152
)

// Frame is the trampoline's stack frame. All offsets are relative to %r15
// after the trampoline has allocated its frame (aghi %r15,-StackSize).
//
// The trampoline allocates StackFrameOverhead bytes for its own callees
// (their register save area, with our backchain in its last 8 bytes), then
// its slots from low to high addresses. Of the 160 bytes the caller
// allocated for it, it reuses all but the caller's backchain, so its frame
// ends 8 bytes below the caller's backchain and StackSize is the sum of the
// slots minus 152. The kernel's contract fixes three slots: ip at
// BPFArgs-16 (bpf_get_func_ip), the argument count at BPFArgs-8
// (bpf_get_func_arg_cnt) and %r14 at the bottom, where the caller's
// register save area keeps %r14, so that unwinders find the return address.
type Frame struct {
	NrArgs      int // arguments of the traced function (nr_args)
	NrRegArgs   int // of them in %r2-%r6
	NrStackArgs int // of them on the caller's stack
	NrBPFArgs   int // 8-byte slots of the BPF argument array (16-byte arguments take two)

	StackSize int // bytes the trampoline subtracts from %r15

	Backchain   int // our backchain (the caller's %r15), 8 bytes
	StackArgs   int // outgoing stack arguments for the original function, 8*NrStackArgs bytes
	RegArgs     int // saved %r2.., 8*NrRegArgs bytes
	IP          int // traced function address for bpf_get_func_ip(), 8 bytes
	ArgCnt      int // NrBPFArgs for bpf_get_func_arg_cnt(), 8 bytes
	BPFArgs     int // the BPF program's context: the argument array, 8*NrBPFArgs bytes
	RetVal      int // return value, directly after the arguments, 8 bytes
	R7R8        int // saved %r7 (enter's result) and %r8 (return address), 16 bytes
	RunCtx      int // struct bpf_tramp_run_ctx (bpf_cookie at +0, saved_run_ctx at +8), 16 bytes
	TailCallCnt int // saved tail call counter, 8 bytes (4 used)
	R14         int // saved %r14, 16 bytes
	End         int // first byte past our slots

	// Caller is the caller's %r15 (= StackSize): the caller's frame begins
	// here. Its tail call counter is at Caller+FrameTailCallCnt, its
	// backchain at Caller+FrameBackchain.
	Caller int
	// OrigStackArgs is where the caller put the stack arguments
	// (Caller+StackFrameOverhead).
	OrigStackArgs int
}

// Slot is one named region of the trampoline's frame.
type Slot struct {
	Name string // short name, as in the listing
	Off  int    // offset from %r15
	Size int    // bytes
	Desc string // what lives there
}

// bpfSlots returns how many 8-byte BPF argument slots an argument of size
// bytes takes, or 0 when the generator does not support that size. BPF
// passes arguments of up to 16 bytes in one or two registers (as x86-64
// does); anything larger is not supported.
func bpfSlots(size int) int {
	switch {
	case size <= 8:
		return 1
	case size <= 16:
		return 2
	}
	return 0
}

// NewFrame lays out the frame for a traced function with the given
// arguments. It fails, as the kernel does, with ENOTSUPP when the stack
// arguments do not fit one mvc or an argument is larger than 16 bytes.
func NewFrame(args []Arg) (Frame, error) {
	var f Frame
	f.NrArgs = len(args)
	f.NrRegArgs = min(len(args), MaxRegArgs)
	f.NrStackArgs = len(args) - f.NrRegArgs
	if f.NrStackArgs > MaxStackArgs {
		return f, reject(ENOTSUPP, fmt.Sprintf("%d stack arguments: one mvc copies at most %d", f.NrStackArgs, MaxStackArgs))
	}
	for i, a := range args {
		n := bpfSlots(a.Size)
		if n == 0 {
			return f, reject(ENOTSUPP, fmt.Sprintf("argument %d is %d bytes: BPF passes at most 16", i+1, a.Size))
		}
		f.NrBPFArgs += n
	}
	off := StackFrameOverhead
	alloc := func(size int) int {
		o := off
		off += size
		return o
	}
	f.Backchain = StackFrameOverhead - 8
	f.StackArgs = alloc(8 * f.NrStackArgs)
	f.RegArgs = alloc(8 * f.NrRegArgs)
	f.IP = alloc(8)
	f.ArgCnt = alloc(8)
	f.BPFArgs = alloc(8 * f.NrBPFArgs)
	f.RetVal = alloc(8)
	f.R7R8 = alloc(16)
	f.RunCtx = alloc(16)
	f.TailCallCnt = alloc(8)
	f.R14 = alloc(16)
	f.End = off
	// The caller's 160 bytes minus its backchain are ours.
	f.StackSize = off - (StackFrameOverhead - 8)
	f.Caller = f.StackSize
	f.OrigStackArgs = f.Caller + StackFrameOverhead
	return f, nil
}

// Slots returns the trampoline's own slots, lowest offset first; empty
// regions (no stack or register arguments) are left out.
func (f Frame) Slots() []Slot {
	all := []Slot{
		{"callee area", 0, f.Backchain, "register save area for the callees"},
		{"backchain", f.Backchain, 8, "backchain: the caller's %r15"},
		{"stack args", f.StackArgs, f.RegArgs - f.StackArgs, fmt.Sprintf("%d stack arguments for the original function", f.NrStackArgs)},
		{"reg args", f.RegArgs, f.IP - f.RegArgs, fmt.Sprintf("%%r2-%%r%d as received", 1+f.NrRegArgs)},
		{"ip", f.IP, 8, "traced function address (ctx-16)"},
		{"arg cnt", f.ArgCnt, 8, "number of BPF argument slots (ctx-8)"},
		{"bpf args", f.BPFArgs, f.RetVal - f.BPFArgs, fmt.Sprintf("ctx: %d BPF argument slots", f.NrBPFArgs)},
		{"retval", f.RetVal, 8, "return value (ctx+8*nr_bpf_args)"},
		{"r7/r8", f.R7R8, 16, "saved %r7, %r8"},
		{"run ctx", f.RunCtx, 16, "struct bpf_tramp_run_ctx (bpf_cookie, saved_run_ctx)"},
		{"tail call cnt", f.TailCallCnt, 8, "saved tail call counter (4 bytes used)"},
		{"r14", f.R14, 16, "saved %r14 (the caller's %r14 save slot)"},
	}
	out := all[:0]
	for _, s := range all {
		if s.Size > 0 {
			out = append(out, s)
		}
	}
	return out
}

// CallerSlots returns the parts of the caller's frame the trampoline
// touches, lowest offset first. The caller's register save area overlaps
// our upper slots: we reuse it, which is why the caller's tail call counter
// is copied away first and back last.
func (f Frame) CallerSlots() []Slot {
	s := []Slot{
		{"caller area", f.Caller, FrameBackchain, "the caller's register save area, reused by our slots"},
		{"caller tcc", f.Caller + FrameTailCallCnt, 4, "the caller's tail call counter"},
		{"caller r14", f.Caller + FrameR14, 8, "the caller's %r14 save slot"},
		{"caller backchain", f.Caller + FrameBackchain, 8, "the caller's backchain"},
	}
	if f.NrStackArgs > 0 {
		s = append(s, Slot{"orig stack args", f.OrigStackArgs, 8 * f.NrStackArgs, fmt.Sprintf("%d stack arguments from the caller", f.NrStackArgs)})
	}
	return s
}

// Fprint draws the frame, highest offset first: the part of the caller's
// frame the trampoline touches, then the trampoline's own slots down to
// %r15. The caller's register save area overlaps our upper slots.
func (f Frame) Fprint(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "frame: %d bytes (aghi %%r15,-%d); caller's %%r15 = %d(%%r15); ctx = %d(%%r15)\n",
		f.StackSize, f.StackSize, f.Caller, f.BPFArgs); err != nil {
		return err
	}
	sections := []struct {
		title string
		slots []Slot
	}{
		{"caller's frame", f.CallerSlots()},
		{"trampoline's frame", f.Slots()},
	}
	for _, sec := range sections {
		if _, err := fmt.Fprintf(w, "  %s:\n", sec.title); err != nil {
			return err
		}
		slots := sec.slots
		sort.SliceStable(slots, func(i, j int) bool {
			a, b := slots[i], slots[j]
			if a.Off+a.Size != b.Off+b.Size {
				return a.Off+a.Size > b.Off+b.Size
			}
			return a.Size > b.Size
		})
		for _, s := range slots {
			if _, err := fmt.Fprintf(w, "    %4d..%-4d %4d  %-16s %s\n",
				s.Off, s.Off+s.Size-1, s.Size, s.Name, s.Desc); err != nil {
				return err
			}
		}
	}
	return nil
}
