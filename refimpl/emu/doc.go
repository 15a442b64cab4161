// Package emu is a user-mode s390x emulator for every instruction of
// refimpl's table (the instructions the Linux s390x BPF JIT emits), so that
// generated code (a BPF trampoline) can be run and observed without an s390x
// machine. It imports nothing of trampcheck outside refimpl.
//
// # Model
//
// A Machine is one CPU in the problem state, 64-bit addressing mode: 16
// 64-bit general registers, the PSW instruction address and condition code;
// the program mask is zero, as Linux gives user space (fixed-point overflow
// sets condition code 3 and does not interrupt). Memory is a sparse
// big-endian address space of regions with read, write and execute
// permissions.
//
//	var mem emu.Memory
//	mem.Map(0x10000, 0x1000, emu.PermRead|emu.PermExec)
//	mem.Write(0x10000, code)
//	m := emu.New(&mem)
//	m.PC = 0x10000
//	m.SetHook(0x20000, func(m *emu.Machine) error { m.Stop(); return nil })
//	m.R[14] = 0x20000 // return address: br %r14 stops
//	err := m.Run(1 << 20)
//
// Run executes until a hook calls Stop, a fault, or a step budget (an
// endless loop is an error, never a hang). A fault is a *Fault with the
// kind, the address of the instruction (of the EX/EXRL whose target
// faulted) and, for access faults, the operand address. Faults suppress
// the instruction: registers, condition code, PSW address and memory are
// unchanged (the storage-to-storage and multiple-register instructions
// check their whole operands before storing anything).
//
// Hooks are Go functions at addresses: reaching one runs the function
// instead of an instruction; it reads and sets registers and memory and
// chooses where execution goes on. They stand for native code (called
// functions, stubs that record what they see). Machine.OnStore, when set,
// is told of every store with the address of the instruction that made it
// (who wrote a slot last). Package abi builds an s390x ELF ABI caller,
// stubs and a BPF trampoline contract checker on top.
//
// # Semantics and their sources
//
// The semantics are written from the z/Architecture Principles of
// Operation (IBM SA22-7832): chapter 5, "Program Execution" (instruction
// formats, address generation with base and index register 0 meaning none,
// 64-bit addressing, the branch address and the link information of
// BRANCH AND SAVE, EXECUTE and its target rules); chapter 6, "Interruptions"
// (program-interruption conditions: addressing, protection, operation,
// specification, execute, fixed-point divide, and suppression); chapter 7,
// "General Instructions" (each instruction's operation and resulting
// condition code, the interlocked-access facility's LOAD AND ADD/AND/OR/
// EXCLUSIVE OR and COMPARE AND SWAP with their alignment rules, the even
// register of the DIVIDE pairs, the word and doubleword alignment of the
// relative-long loads); and the general-instructions-extension and
// distinct-operands facilities for compare-and-branch and NGRK/NRK. No text
// is copied. Every instruction is checked against qemu-s390x (see the
// tests), which is the oracle, not this reading.
//
// Where the architecture leaves a choice, the emulator takes the strict
// one: MVC and XC act one byte at a time from left to right (the defined
// result for overlapping operands) and fault before storing when any byte
// of either operand is inaccessible; LMG and STMG likewise. EXECUTE of
// EXECUTE is an execute exception; an EX target at an odd address is a
// specification exception; the target is fetched with execute permission,
// its relative operands count from the target's address, and its link
// address (BASR, BRASL) is the instruction after the EX/EXRL. Unused
// (reserved) instruction fields are ignored. Self-modifying code works:
// stores forget the decoded instructions they overlap.
//
// # Validation against qemu-s390x
//
// TestQemu runs random cases of every table instruction (3000 each by
// default, TRAMPCHECK_EMU_CASES to change, 300 with -short; seeded per
// instruction, register and immediate values biased to 0, ±1, the 32- and
// 64-bit signed and unsigned limits and the sign boundaries, storage
// operands in a random 512-byte window, across its end and in an
// inaccessible hole, branch targets on landing pads, odd, in the hole or in
// non-executable memory, EX/EXRL with a random target from the table) in the
// emulator and in testdata/harness.c under qemu-s390x: one static binary,
// one qemu process for all cases. Registers, condition code, the pad
// reached or the signal (SIGSEGV, SIGILL, SIGFPE per fault kind) and the
// window must be equal. It is skipped without s390x-linux-gnu-gcc or
// qemu-s390x, unless TRAMPCHECK_REQUIRE_QEMU=1.
//
// qemu 7.2 (Debian 12) departs from the architecture in four places the
// cases avoid, so that they compare what both define; the emulator keeps
// the architecture's rule, covered by the unit tests:
//
//   - LARL (and every relative-long operand) with a byte offset outside
//     int32: qemu computes pc + 2*RI2 in 32-bit arithmetic;
//   - LGRL, LGFRL, LRL on a misaligned operand: qemu loads, the
//     architecture requires a specification exception;
//   - EX with an odd target address: qemu executes, the architecture
//     requires a specification exception; EX of a target in
//     non-executable memory: qemu raises SIGILL, not SIGSEGV;
//   - STMG (and LMG) with an operand that runs into an inaccessible page:
//     qemu stores the doublewords before it, the emulator suppresses the
//     whole instruction (the architecture allows both).
//
// # Speed
//
// Instructions are decoded once per address and cached in 4 KiB chunks of
// an executable region; the loop allocates nothing per step.
// BenchmarkEmulate (a trampoline-like loop: stmg/lmg frames, stores, an
// mvc, calls and compare-and-branch) reports emulated instructions per
// second of wall-clock and of CPU time: about 60-70 million per CPU
// second on the development machine.
package emu
