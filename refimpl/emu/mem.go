package emu

import (
	"fmt"
	"sort"
)

// Perm is the access a region allows.
type Perm uint8

// Permissions of a region; combine with |.
const (
	PermRead  Perm = 1 << iota // loads (and the fetch half of interlocked updates)
	PermWrite                  // stores
	PermExec                   // instruction fetch, including the target of EX/EXRL
)

// String returns the permission as "rwx" with dashes.
func (p Perm) String() string {
	b := []byte("---")
	if p&PermRead != 0 {
		b[0] = 'r'
	}
	if p&PermWrite != 0 {
		b[1] = 'w'
	}
	if p&PermExec != 0 {
		b[2] = 'x'
	}
	return string(b)
}

// Align is the granule of regions: Map refuses a base or size that is not
// a multiple of it, so an aligned doubleword never straddles two regions.
const Align = 8

type region struct {
	base uint64
	size uint64
	data []byte
	perm Perm
	// code holds decoded instructions by (address-base)/2 in chunks of
	// chunkSize bytes of code, each allocated at its first fetch; nil
	// until the region's first fetch.
	code [][]dinst
}

// Memory is a sparse big-endian address space of mapped regions. The zero
// value is empty and ready to use.
type Memory struct {
	regions []*region // sorted by base, disjoint
	last    *region   // the region of the last data access
}

// MapError reports a region that cannot be mapped.
type MapError struct {
	Addr, Size uint64
	Reason     string
}

// Error returns the reason with the range.
func (e *MapError) Error() string {
	return fmt.Sprintf("map [%#x, %#x): %s", e.Addr, e.Addr+e.Size, e.Reason)
}

// Map maps size bytes at addr, zero-filled, with permission perm. The range
// must be Align-aligned, not wrap past 2^64 and not overlap a mapped region.
func (mem *Memory) Map(addr, size uint64, perm Perm) error {
	switch {
	case size == 0:
		return &MapError{addr, size, "empty region"}
	case addr%Align != 0 || size%Align != 0:
		return &MapError{addr, size, fmt.Sprintf("base and size must be multiples of %d", Align)}
	case addr+size < addr && addr+size != 0:
		return &MapError{addr, size, "range wraps past 2^64"}
	case size > 1<<32:
		return &MapError{addr, size, "larger than 4 GiB"}
	}
	i := sort.Search(len(mem.regions), func(i int) bool { return mem.regions[i].base >= addr })
	if i > 0 {
		p := mem.regions[i-1]
		if addr-p.base < p.size {
			return &MapError{addr, size, fmt.Sprintf("overlaps [%#x, %#x)", p.base, p.base+p.size)}
		}
	}
	if i < len(mem.regions) {
		n := mem.regions[i]
		if n.base-addr < size {
			return &MapError{addr, size, fmt.Sprintf("overlaps [%#x, %#x)", n.base, n.base+n.size)}
		}
	}
	r := &region{base: addr, size: size, data: make([]byte, size), perm: perm}
	mem.regions = append(mem.regions, nil)
	copy(mem.regions[i+1:], mem.regions[i:])
	mem.regions[i] = r
	return nil
}

// find returns the region holding addr, or nil.
func (mem *Memory) find(addr uint64) *region {
	if r := mem.last; r != nil && addr-r.base < r.size {
		return r
	}
	rs := mem.regions
	lo, hi := 0, len(rs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		r := rs[m]
		switch {
		case addr < r.base:
			hi = m
		case addr-r.base >= r.size:
			lo = m + 1
		default:
			return r
		}
	}
	return nil
}

// check returns the first address of [addr, addr+n) that is unmapped or
// lacks perm, with the fault kind, or ok.
func (mem *Memory) check(addr, n uint64, perm Perm) (bad uint64, kind FaultKind, ok bool) {
	for n > 0 {
		r := mem.find(addr)
		if r == nil {
			return addr, FaultUnmapped, false
		}
		if r.perm&perm != perm {
			if perm&PermExec != 0 {
				return addr, FaultFetch, false
			}
			return addr, FaultProtection, false
		}
		k := min(n, r.size-(addr-r.base))
		addr += k
		n -= k
	}
	return 0, 0, true
}

// span returns the bytes [addr, addr+n) when one region holds them with
// perm; nil when they are accessible but spread over several regions (or
// when they are not accessible: call check first).
func (mem *Memory) span(addr, n uint64, perm Perm) []byte {
	r := mem.last
	if r == nil || addr-r.base >= r.size {
		r = mem.find(addr)
		if r == nil {
			return nil
		}
		mem.last = r
	}
	off := addr - r.base
	if r.size-off < n || r.perm&perm != perm {
		return nil
	}
	return r.data[off : off+n]
}

// copyOut copies [addr, addr+len(dst)) into dst, whatever the permissions;
// the range must be mapped.
func (mem *Memory) copyOut(dst []byte, addr uint64) {
	for len(dst) > 0 {
		r := mem.find(addr)
		off := addr - r.base
		k := copy(dst, r.data[off:])
		dst = dst[k:]
		addr += uint64(k)
	}
}

// copyIn copies src to [addr, addr+len(src)), whatever the permissions,
// and forgets decoded instructions there; the range must be mapped.
func (mem *Memory) copyIn(addr uint64, src []byte) {
	for len(src) > 0 {
		r := mem.find(addr)
		off := addr - r.base
		k := copy(r.data[off:], src)
		r.wrote(off, uint64(k))
		src = src[k:]
		addr += uint64(k)
	}
}

// chunkSize is the granule of the decoded-instruction cache, in bytes of
// code.
const chunkSize = 4096

// chunk returns the decoded instructions of the chunk holding off,
// allocating them, and the chunk's offset in the region.
func (r *region) chunk(off uint64) ([]dinst, uint64) {
	if r.code == nil {
		r.code = make([][]dinst, (r.size+chunkSize-1)/chunkSize)
	}
	i := off / chunkSize
	if r.code[i] == nil {
		r.code[i] = make([]dinst, (min(chunkSize, r.size-i*chunkSize)+1)/2)
	}
	return r.code[i], i * chunkSize
}

// wrote forgets the decoded instructions that overlap [off, off+n).
func (r *region) wrote(off, n uint64) {
	if r.code == nil {
		return
	}
	lo := uint64(0)
	if off > 5 {
		lo = (off - 5) / 2 // an instruction starting up to 5 bytes earlier covers off
	}
	hi := min((off+n+1)/2, (r.size+1)/2)
	for i := lo; i < hi; i++ {
		if c := r.code[i/(chunkSize/2)]; c != nil {
			c[i%(chunkSize/2)].op = 0
		}
	}
}

// Read returns a copy of n bytes at addr, ignoring permissions (the host's
// view); an unmapped byte is an error.
func (mem *Memory) Read(addr uint64, n int) ([]byte, error) {
	if bad, _, ok := mem.check(addr, uint64(n), 0); !ok {
		return nil, fmt.Errorf("read %d bytes at %#x: %#x is not mapped", n, addr, bad)
	}
	b := make([]byte, n)
	mem.copyOut(b, addr)
	return b, nil
}

// ReadInto is Read into dst (len(dst) bytes at addr): it fills dst, or
// returns Read's error and leaves dst alone.
func (mem *Memory) ReadInto(dst []byte, addr uint64) error {
	if bad, _, ok := mem.check(addr, uint64(len(dst)), 0); !ok {
		return fmt.Errorf("read %d bytes at %#x: %#x is not mapped", len(dst), addr, bad)
	}
	mem.copyOut(dst, addr)
	return nil
}

// Write copies b to addr, ignoring permissions (the host loading code or
// data); an unmapped byte is an error and nothing is written.
func (mem *Memory) Write(addr uint64, b []byte) error {
	if bad, _, ok := mem.check(addr, uint64(len(b)), 0); !ok {
		return fmt.Errorf("write %d bytes at %#x: %#x is not mapped", len(b), addr, bad)
	}
	mem.copyIn(addr, b)
	return nil
}

// Region describes a mapped region.
type Region struct {
	Addr, Size uint64
	Perm       Perm
}

// Regions returns the mapped regions in address order.
func (mem *Memory) Regions() []Region {
	out := make([]Region, len(mem.regions))
	for i, r := range mem.regions {
		out[i] = Region{r.base, r.size, r.perm}
	}
	return out
}
