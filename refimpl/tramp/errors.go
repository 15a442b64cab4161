package tramp

import "fmt"

// Errno is a kernel error number that the trampoline generator returns
// (negated) when it rejects a configuration.
type Errno int

// The error numbers the generator and arch_prepare_bpf_trampoline return.
const (
	E2BIG    Errno = 7   // the trampoline does not fit the image
	EINVAL   Errno = 22  // a program's return value cannot be extended
	ENOTSUPP Errno = 524 // unsupported argument size or count (kernel-internal errno)
)

// String returns the errno's symbolic name.
func (e Errno) String() string {
	switch e {
	case E2BIG:
		return "E2BIG"
	case EINVAL:
		return "EINVAL"
	case ENOTSUPP:
		return "ENOTSUPP"
	}
	return fmt.Sprintf("errno %d", int(e))
}

// RejectError is a kernel rejection: arch_prepare_bpf_trampoline would
// return -Errno for this configuration.
type RejectError struct {
	Errno  Errno
	Reason string // why, in the words of the contract
}

func (e *RejectError) Error() string {
	return fmt.Sprintf("kernel rejects the trampoline with -%s: %s", e.Errno, e.Reason)
}

func reject(errno Errno, reason string) error {
	return &RejectError{Errno: errno, Reason: reason}
}
