package interp

import (
	"encoding/binary"
	"fmt"
)

// region is one contiguous range of the simulated address space.
type region struct {
	name string
	base uint64
	buf  []byte
	// sites is non-nil for the image: the site id + 1 of the last store of
	// each byte.
	sites []int32
	ro    bool
}

// memory is the simulated address space: a few flat regions, big-endian.
type memory struct {
	regs []*region
	last *region
	m    *Machine
}

func (mem *memory) add(r *region) error {
	for _, o := range mem.regs {
		if r.base < o.base+uint64(len(o.buf)) && o.base < r.base+uint64(len(r.buf)) {
			return fmt.Errorf("%s at %#x overlaps %s at %#x", r.name, r.base, o.name, o.base)
		}
	}
	mem.regs = append(mem.regs, r)
	if mem.last == nil {
		mem.last = r
	}
	return nil
}

// find returns the region and offset of [a, a+n).
func (mem *memory) find(a uint64, n int) (*region, int) {
	r := mem.last
	if off := a - r.base; off < uint64(len(r.buf)) && off+uint64(n) <= uint64(len(r.buf)) {
		return r, int(off)
	}
	for _, r := range mem.regs {
		if off := a - r.base; off < uint64(len(r.buf)) && off+uint64(n) <= uint64(len(r.buf)) {
			mem.last = r
			return r, int(off)
		}
	}
	if a == 0 || a < 4096 {
		mem.m.fail("NULL pointer dereference (address %#x)", a)
	}
	mem.m.fail("access to unmapped memory at %#x (%d bytes)", a, n)
	return nil, 0
}

func (mem *memory) load(a uint64, size int) uint64 {
	// The fast path of find, inline: most loads hit the last region.
	var b []byte
	if r := mem.last; a-r.base < uint64(len(r.buf)) && a-r.base+uint64(size) <= uint64(len(r.buf)) {
		b = r.buf[a-r.base:]
	} else {
		r, off := mem.find(a, size)
		b = r.buf[off:]
	}
	switch size {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.BigEndian.Uint16(b))
	case 4:
		return uint64(binary.BigEndian.Uint32(b))
	case 8:
		return binary.BigEndian.Uint64(b)
	}
	mem.m.fail("load of %d bytes", size)
	return 0
}

func (mem *memory) store(a uint64, size int, v uint64) {
	// The fast path of find, inline, as in load.
	var off int
	r := mem.last
	if a-r.base < uint64(len(r.buf)) && a-r.base+uint64(size) <= uint64(len(r.buf)) {
		off = int(a - r.base)
	} else {
		r, off = mem.find(a, size)
	}
	if r.ro {
		mem.m.fail("store to read-only %s at %#x", r.name, a)
	}
	b := r.buf[off:]
	switch size {
	case 1:
		b[0] = byte(v)
	case 2:
		binary.BigEndian.PutUint16(b, uint16(v))
	case 4:
		binary.BigEndian.PutUint32(b, uint32(v))
	case 8:
		binary.BigEndian.PutUint64(b, v)
	default:
		mem.m.fail("store of %d bytes", size)
	}
	if r == mem.m.imStr {
		mem.m.imStore(off)
	}
	if r.sites != nil {
		s := mem.m.storeSite()
		for i := range size {
			r.sites[off+i] = s.id + 1
		}
		if mem.m.trace {
			mem.m.event(Event{Kind: EventStore, Site: s, Off: off, Span: mem.m.cur})
		}
	}
	if mem.m.trace {
		for i := range size {
			mem.m.memDef[a+uint64(i)] = mem.m.cur
		}
	}
}

// bytes returns the n bytes at a for block operations.
func (mem *memory) bytes(a uint64, n int) ([]byte, *region, int) {
	if n < 0 {
		mem.m.fail("block of negative size %d", n)
	}
	if n == 0 {
		return nil, nil, 0
	}
	r, off := mem.find(a, n)
	return r.buf[off : off+n], r, off
}
