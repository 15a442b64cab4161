package cparse

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// KernelIncludeDirs are the include directories of a Kbuild s390x build,
// relative to the tree, in search order.
var KernelIncludeDirs = []string{
	"arch/s390/include",
	"arch/s390/include/generated",
	"include",
	"arch/s390/include/uapi",
	"arch/s390/include/generated/uapi",
	"include/uapi",
	"include/generated/uapi",
}

// KernelForcedIncludes are the headers Kbuild passes with -include, so they
// are part of every file's include closure.
var KernelForcedIncludes = []string{
	"include/linux/compiler-version.h",
	"include/linux/kconfig.h",
	"include/linux/compiler_types.h",
}

// IndexSource is the HeaderProtos value of names taken from the embedded
// index (hermetic mode).
const IndexSource = "index:linux-6.12"

// headerProtos returns the header prototypes for the file: from the tree
// when opts.Tree is set, else from the embedded index.
func headerProtos(name string, src []byte, sc *scan, opts Options, read func(string) ([]byte, error)) (map[string]string, error) {
	if opts.Tree == "" {
		m := map[string]string{}
		// The index stands for the kernel headers: a file that includes
		// none sees no header prototypes; otherwise the prototypes of
		// the closure of its includes in the index's include graph.
		if incs := sc.includes(); len(incs) > 0 {
			idx, err := embeddedIndex()
			if err != nil {
				return nil, err
			}
			for n := range idx.visible(name, incs, opts.IncludeDirs) {
				m[n] = IndexSource
			}
		}
		// Headers that the overlay changes still count: a patch may add a
		// prototype to a header.
		for p, b := range opts.Overlay {
			if strings.HasSuffix(p, ".h") {
				for _, n := range ScanPrototypes(b) {
					m[n] = p
				}
			}
		}
		// So do the headers the reader serves (the driver's, holding the
		// files a patch series touched), followed from the file's
		// includes.
		if read != nil {
			readerProtos(name, sc.includes(), opts.IncludeDirs, read, m)
		}
		return m, nil
	}
	closure, err := sharedClosure(name, src, sc, opts, read)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, h := range closure {
		for _, n := range h.Protos {
			if _, dup := m[n]; !dup {
				m[n] = h.Path
			}
		}
	}
	return m, nil
}

// closureKey is what an include closure depends on besides header
// contents: the tree, the file's directory (for quoted includes), its
// #include lines and the extra include directories.
type closureKey struct {
	tree, dir, includes, extra string
}

// closureEntry is one shared closure, computed once.
type closureEntry struct {
	once    sync.Once
	headers []Header
	err     error
}

// sharedClosure is IncludeClosure, computed once per closureKey when
// opts.SameHeaders promises equal header contents (the base and patched
// states of a series that changes no header).
func sharedClosure(name string, src []byte, sc *scan, opts Options, read func(string) ([]byte, error)) ([]Header, error) {
	rel := relName(opts.Tree, name)
	if !opts.SameHeaders || opts.Closures == nil || len(opts.Overlay) > 0 {
		return IncludeClosure(opts.Tree, rel, src, opts, read)
	}
	var incs strings.Builder
	for _, in := range sc.includes() {
		fmt.Fprintf(&incs, "%t %s\n", in.angled, in.path)
	}
	key := closureKey{opts.Tree, path.Dir(rel), incs.String(), strings.Join(opts.IncludeDirs, "\x00")}
	v, _ := opts.Closures.m.LoadOrStore(key, &closureEntry{})
	e := v.(*closureEntry)
	e.once.Do(func() { e.headers, e.err = IncludeClosure(opts.Tree, rel, src, opts, read) })
	return e.headers, e.err
}

// maxReaderHeaders bounds the headers readerProtos follows.
const maxReaderHeaders = 5000

// readerProtos adds to m the prototypes of the headers that read serves
// for the include closure of the file name, resolved with tree-relative
// paths in the kernel's include directories (after extra). Headers read
// cannot serve are skipped.
func readerProtos(name string, incs []include, extra []string, read func(string) ([]byte, error), m map[string]string) {
	dirs := append(append([]string(nil), extra...), KernelIncludeDirs...)
	seen := map[string]bool{}
	type item struct {
		dir  string
		incs []include
	}
	work := []item{{path.Dir(filepath.ToSlash(name)), incs}}
	for len(work) > 0 && len(seen) < maxReaderHeaders {
		it := work[len(work)-1]
		work = work[:len(work)-1]
		for _, in := range it.incs {
			var cands []string
			if !in.angled {
				cands = append(cands, path.Join(it.dir, in.path))
			}
			for _, d := range dirs {
				cands = append(cands, path.Join(filepath.ToSlash(d), in.path))
			}
			for _, c := range cands {
				if seen[c] {
					break
				}
				b, err := read(c)
				if err != nil {
					continue
				}
				seen[c] = true
				protos, sub := scanCached(b)
				for _, n := range protos {
					if _, ok := m[n]; !ok || m[n] == IndexSource {
						m[n] = c
					}
				}
				work = append(work, item{path.Dir(c), sub})
				break
			}
		}
	}
}

// relName returns name relative to tree when it lies inside it.
func relName(tree, name string) string {
	if filepath.IsAbs(name) {
		if r, err := filepath.Rel(tree, name); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
	}
	return filepath.ToSlash(name)
}

// Header is one header of an include closure with the names of the
// functions it declares with a prototype.
type Header struct {
	Path   string // relative to the tree (slash form) or absolute for -I dirs outside it
	Protos []string
	// Includes are the headers its #include lines resolve to.
	Includes []string
}

// IncludeClosure resolves the #include lines of the file src (named name,
// relative to tree) in the kernel's include directories plus
// opts.IncludeDirs, transitively, and scans every header found for
// prototypes. Headers are read from opts.Overlay first, then with read
// (absolute path; nil means os.ReadFile). Headers that do not exist (for
// example generated ones in an unprepared tree) are skipped.
//
// Approximations: preprocessor conditionals are not evaluated, so every
// #include and every declaration counts whatever #if it sits in; macros are
// not expanded, so an #include of a macro name is skipped and a prototype
// written through a macro is missed. For -Wmissing-prototypes this errs
// towards silence: a prototype under a false #ifdef is counted, but a
// non-static definition whose only prototype is configured out is a
// build-configuration problem GCC reports in that configuration only.
func IncludeClosure(tree, name string, src []byte, opts Options, read func(string) ([]byte, error)) ([]Header, error) {
	hs, _, err := includeGraph(tree, name, src, opts, read)
	return hs, err
}

// includeGraph is IncludeClosure that also returns the headers the file's
// own #include lines resolve to.
func includeGraph(tree, name string, src []byte, opts Options, read func(string) ([]byte, error)) ([]Header, []string, error) {
	osRead := read == nil
	if read == nil {
		read = os.ReadFile
	}
	dirs := make([]string, 0, len(KernelIncludeDirs)+len(opts.IncludeDirs))
	dirs = append(dirs, opts.IncludeDirs...)
	dirs = append(dirs, KernelIncludeDirs...)
	r := &resolver{tree: tree, dirs: dirs, overlay: opts.Overlay, read: read, osRead: osRead, seen: map[string]bool{}}
	for _, h := range KernelForcedIncludes {
		if r.exists(h) { // a tree that is not a kernel tree lacks them
			r.visit(h)
		}
	}
	roots := r.includes(path.Dir(name), scanDirectives(src))
	r.wg.Wait()
	if r.err != nil {
		return nil, nil, fmt.Errorf("%s: include closure: %w", name, r.err)
	}
	sort.Slice(r.headers, func(i, j int) bool { return r.headers[i].Path < r.headers[j].Path })
	return r.headers, roots, nil
}

// resolver walks an include closure, scanning headers concurrently.
type resolver struct {
	tree    string
	dirs    []string
	overlay map[string][]byte
	read    func(string) ([]byte, error)
	osRead  bool              // read is os.ReadFile: the stat-keyed cache applies
	created map[string][]byte // headers found only through read

	mu      sync.Mutex
	seen    map[string]bool
	found   sync.Map // include path -> resolved path ("" when missing), for angled includes
	listing sync.Map // directory -> map[string]bool of its entries (nil when unreadable)
	headers []Header
	err     error
	wg      sync.WaitGroup
	sem     chan struct{}
}

// includes resolves the include directives of a file in directory dir,
// visits the headers found and returns them.
func (r *resolver) includes(dir string, incs []include) []string {
	var resolved []string
	for _, in := range incs {
		if in.angled {
			if p, ok := r.found.Load(in.path); ok {
				if p != "" {
					resolved = append(resolved, p.(string))
					r.visit(p.(string))
				}
				continue
			}
		}
		var cands []string
		if !in.angled {
			cands = append(cands, path.Join(dir, in.path))
		}
		for _, d := range r.dirs {
			cands = append(cands, path.Join(filepath.ToSlash(d), in.path))
		}
		res := ""
		for _, c := range cands {
			if r.exists(c) {
				res = c
				break
			}
		}
		if in.angled {
			r.found.Store(in.path, res)
		}
		if res != "" {
			resolved = append(resolved, res)
			r.visit(res)
		}
	}
	return resolved
}

// exists reports whether the header p (tree-relative or absolute) exists:
// in the overlay, on disk, or, with a reader other than os.ReadFile (the
// driver's, which serves files that patches create), through the reader.
func (r *resolver) exists(p string) bool {
	if _, ok := r.overlay[p]; ok {
		return true
	}
	if r.listed(r.abs(p)) {
		return true
	}
	if r.osRead {
		return false
	}
	b, err := r.read(r.abs(p))
	if err != nil {
		return false
	}
	r.mu.Lock()
	if r.created == nil {
		r.created = map[string][]byte{}
	}
	r.created[p] = b
	r.mu.Unlock()
	return true
}

// listed reports whether the file abs exists, from a listing of its
// directory read once per closure: one getdents instead of a stat for
// every include directory tried.
func (r *resolver) listed(abs string) bool {
	dir, file := filepath.Split(abs)
	v, ok := r.listing.Load(dir)
	if !ok {
		var names map[string]bool
		if ents, err := os.ReadDir(dir); err == nil {
			names = make(map[string]bool, len(ents))
			for _, e := range ents {
				if !e.IsDir() {
					names[e.Name()] = true
				}
			}
		}
		v, _ = r.listing.LoadOrStore(dir, names)
	}
	return v.(map[string]bool)[file]
}

func (r *resolver) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(r.tree, filepath.FromSlash(p))
}

// visit scans header p once, in a goroutine.
func (r *resolver) visit(p string) {
	r.mu.Lock()
	if r.seen[p] {
		r.mu.Unlock()
		return
	}
	r.seen[p] = true
	if r.sem == nil {
		r.sem = make(chan struct{}, 4)
	}
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.sem <- struct{}{}
		b, ok := r.overlay[p]
		if !ok {
			r.mu.Lock()
			b, ok = r.created[p]
			r.mu.Unlock()
		}
		var err error
		var protos []string
		var incs []include
		var st scanEntry
		cached := false
		if !ok && r.osRead && !headerCacheOff {
			st, cached, err = statCached(r.abs(p))
			protos, incs = st.protos, st.incs
		}
		if !ok && !cached && err == nil {
			b, err = r.read(r.abs(p))
		}
		<-r.sem
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return
			}
			r.mu.Lock()
			if r.err == nil {
				r.err = err
			}
			r.mu.Unlock()
			return
		}
		if !cached {
			protos, incs = scanCached(b)
			if !ok && r.osRead && !headerCacheOff {
				st.protos, st.incs = protos, incs
				storeStat(r.abs(p), st)
			}
		}
		res := r.includes(path.Dir(p), incs)
		r.mu.Lock()
		r.headers = append(r.headers, Header{Path: p, Protos: protos, Includes: res})
		r.mu.Unlock()
	}()
}

// include is one #include directive.
type include struct {
	path   string
	angled bool
}

// scanDirectives returns the #include directives of src (read in
// fileScope mode, which skips through bodies: the directives are the
// same).
func scanDirectives(src []byte) []include {
	s := &scan{src: src, fileScope: true}
	s.run(false)
	return s.includes()
}

func (s *scan) includes() []include {
	var incs []include
	for _, d := range s.directives {
		if d.name != "include" && d.name != "include_next" {
			continue
		}
		a := bytes.TrimSpace(s.src[d.argOff:d.end])
		if len(a) < 2 {
			continue
		}
		switch a[0] {
		case '<':
			if e := bytes.IndexByte(a, '>'); e > 0 {
				incs = append(incs, include{string(a[1:e]), true})
			}
		case '"':
			if e := bytes.IndexByte(a[1:], '"'); e > 0 {
				incs = append(incs, include{string(a[1 : e+1]), false})
			}
		}
	}
	return incs
}

// headerCacheOff disables the header scan caches (benchmarks of the cold
// scan).
var headerCacheOff bool

// scanEntry is a cached header scan.
type scanEntry struct {
	size    int64
	modTime int64
	protos  []string
	incs    []include
}

// Header scans are cached across calls: by path, size and modification
// time when headers come from the file system, and by content otherwise.
// Both caches are dropped whole when they grow past maxCacheEntries.
const maxCacheEntries = 50_000

var (
	cacheMu      sync.Mutex
	statCache    = map[string]scanEntry{}
	contentCache = map[uint64]scanEntry{}
	contentSeed  = maphash.MakeSeed()
)

// statCached returns the cached scan of the file at abs when its size and
// modification time are unchanged.
// The stat is taken before the file is read, so a file changed in between
// is scanned again next time.
func statCached(abs string) (e scanEntry, ok bool, err error) {
	fi, err := os.Stat(abs)
	if err != nil {
		return e, false, err
	}
	cacheMu.Lock()
	c, hit := statCache[abs]
	cacheMu.Unlock()
	e = scanEntry{size: fi.Size(), modTime: fi.ModTime().UnixNano()}
	if hit && c.size == e.size && c.modTime == e.modTime {
		return c, true, nil
	}
	return e, false, nil
}

// storeStat caches the scan of the file at abs, with the size and time of
// the stat taken before reading it.
func storeStat(abs string, e scanEntry) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if len(statCache) >= maxCacheEntries {
		statCache = map[string]scanEntry{}
	}
	statCache[abs] = e
}

// scanCached scans a header's contents, reusing an earlier scan of the
// same bytes.
func scanCached(b []byte) ([]string, []include) {
	if headerCacheOff {
		return scanHeader(b)
	}
	h := maphash.Bytes(contentSeed, b)
	cacheMu.Lock()
	e, hit := contentCache[h]
	cacheMu.Unlock()
	if hit && e.size == int64(len(b)) {
		return e.protos, e.incs
	}
	protos, incs := scanHeader(b)
	cacheMu.Lock()
	if len(contentCache) >= maxCacheEntries {
		contentCache = map[uint64]scanEntry{}
	}
	contentCache[h] = scanEntry{size: int64(len(b)), protos: protos, incs: incs}
	cacheMu.Unlock()
	return protos, incs
}

// tokPool recycles the token buffers of header scans.
var tokPool = sync.Pool{New: func() any { return new([]tok) }}

// scanHeader returns the prototypes and includes of a header.
func scanHeader(src []byte) ([]string, []include) {
	buf := tokPool.Get().(*[]tok)
	s := &scan{src: src, toks: (*buf)[:0], fileScope: true}
	s.run(false)
	protos, incs := s.prototypes(), s.includes()
	*buf = s.toks[:0]
	tokPool.Put(buf)
	return protos, incs
}

// ScanPrototypes returns the names of the functions that the C text src
// declares with a prototype at file scope, by a token-level scan that
// neither preprocesses nor parses: a declaration is the token run between
// ';' and '{...}' at file scope; in it, an identifier directly followed by
// a non-empty parenthesized list, preceded by a type-like token (an
// identifier or '*') or by the ',' of a declarator list, and not inside parentheses other than its own
// "(name)", declares a function. typedefs do not
// count; function definitions do (they declare the function too).
// Directives are skipped.
func ScanPrototypes(src []byte) []string {
	s := &scan{src: src, fileScope: true}
	s.run(false)
	return s.prototypes()
}

// skipNames are identifiers followed by '(' that never name a function.
var skipNames = map[string]bool{
	"__attribute__": true, "__attribute": true, "__declspec": true, "asm": true, "__asm__": true,
	"__asm": true, "__typeof__": true, "typeof": true, "__typeof": true, "sizeof": true,
	"_Alignas": true, "__alignof__": true, "_Static_assert": true, "static_assert": true,
	"alignas": true, "_Generic": true,
}

func (s *scan) prototypes() []string {
	var names []string
	var cur []tok
	toks := s.toks
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == tPunct {
			switch t.ch {
			case ';':
				names = s.declProtos(cur, names)
				cur = cur[:0]
				continue
			case '{':
				j := matchClose(toks, i)
				if len(cur) > 0 && isPunct(cur[len(cur)-1], ')') {
					// A function definition: its declarator declares
					// the function with its parameter list.
					names = s.declProtos(cur, names)
					cur = cur[:0]
				}
				// Otherwise a struct, union or enum body or an
				// initializer: leave it out of the declaration.
				i = j
				continue
			}
		}
		cur = append(cur, t)
	}
	return names
}

// matchClose returns the index of the token closing the group opened at i.
func matchClose(toks []tok, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		if toks[j].kind != tPunct {
			continue
		}
		switch toks[j].ch {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(toks) - 1
}

// declProtos appends the prototype names of one file-scope declaration.
func (s *scan) declProtos(toks []tok, names []string) []string {
	if len(toks) == 0 {
		return names
	}
	text := func(t tok) string { return string(s.src[t.off:t.end]) }
	for _, t := range toks {
		if t.kind == tIdent && string(s.src[t.off:t.end]) == "typedef" {
			return names
		}
	}
	depth := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == tPunct {
			switch t.ch {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth--
			case '=':
				// Skip an initializer up to the next declarator.
				for i+1 < len(toks) && (depth != 0 || !isPunct(toks[i+1], ',')) {
					i++
					if toks[i].kind == tPunct {
						switch toks[i].ch {
						case '(', '[', '{':
							depth++
						case ')', ']', '}':
							depth--
						}
					}
				}
			}
			continue
		}
		if t.kind != tIdent || skipNames[string(s.src[t.off:t.end])] {
			continue
		}
		// name ( ... ) at depth 0, or ( name ) ( ... ) at depth 1.
		j := i + 1
		wrapped := false
		if depth == 1 && i > 0 && isPunct(toks[i-1], '(') && j < len(toks) && isPunct(toks[j], ')') {
			wrapped = true
			j++
		}
		if depth != 0 && !wrapped {
			continue
		}
		if j >= len(toks) || !isPunct(toks[j], '(') {
			continue
		}
		before := i - 1
		if wrapped {
			before = i - 2
		}
		if before < 0 || toks[before].kind != tIdent && !isPunct(toks[before], '*') && !isPunct(toks[before], ',') {
			continue
		}
		if wrapped && (i < 2 || isPunct(toks[i-2], '*')) {
			continue
		}
		k := matchClose(toks, j)
		if k == j+1 {
			continue // "f()" is not a prototype
		}
		names = append(names, text(t))
	}
	return names
}

func isPunct(t tok, c byte) bool { return t.kind == tPunct && t.ch == c }
