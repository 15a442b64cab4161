package cpp

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"slices"
	"sync"
	"sync/atomic"
)

// Share lets preprocessing runs of different versions of one main file
// (the base and the patched state of a patched file) share the work of
// their common beginning, which is usually every #include: one run, the
// leader, is given the Share in Config.Share; the others call Follow. When
// the leader reaches the first line at which a follower's main file
// differs from its own, at file level (not inside an include, a macro
// invocation or a directive), it hands the follower a copy of its whole
// state (macro table, conditional stack, include state, __COUNTER__, the
// output so far), and the follower goes on from there with its own file.
// The output is the one a run of its own would give, token for token: the
// fork is made only when every token read so far is the same in both
// versions of the main file and every file the leader read (or looked for
// and missed) reads the same through the follower's Config.Read;
// otherwise the follower runs from the start.
type Share struct {
	name string
	src  string // the leader's main file
	mu   sync.Mutex
	reqs []*forkReq
	// limit is the smallest limit of reqs (-1: none), written under mu,
	// read by the leader without it.
	limit  atomic.Int64
	closed bool
}

// forkReq is a follower waiting for the leader.
type forkReq struct {
	cfg   *Config
	src   string // the follower's main file
	limit int    // offset in the leader's file of the start of the first differing line
	ch    chan *pp
}

// NewShare returns a Share for a leader preprocessing the main file name
// with contents src.
func NewShare(name string, src []byte) *Share {
	s := &Share{name: name, src: string(src)}
	s.limit.Store(-1)
	return s
}

// Follow preprocesses name (its contents src, read by cfg.Read as well)
// from the leader's state at the first difference, as PreprocessStream
// would from the start; ok is false when the leader cannot hand over a
// state (it has passed that point, finished or failed, the name differs,
// or what it read differs): the caller then preprocesses on its own.
func (s *Share) Follow(cfg *Config, name string, src []byte) (st *Stream, err error, ok bool) {
	if cfg == nil || name != s.name {
		return nil, nil, false
	}
	n := 0
	for n < len(src) && n < len(s.src) && src[n] == s.src[n] {
		n++
	}
	if n == len(src) && n == len(s.src) {
		// The same file: no difference to fork at; the caller reads it
		// (or its cache entry) itself.
		return nil, nil, false
	}
	for n > 0 && s.src[n-1] != '\n' {
		n--
	}
	r := &forkReq{cfg: cfg, src: string(src), limit: n, ch: make(chan *pp, 1)}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, nil, false
	}
	s.reqs = append(s.reqs, r)
	if l := s.limit.Load(); l < 0 || int64(n) < l {
		s.limit.Store(int64(n))
	}
	s.mu.Unlock()
	p := <-r.ch
	if p == nil || !p.sameFiles() {
		return nil, nil, false
	}
	if err := p.resume(); err != nil {
		return nil, err, true
	}
	return p.stream(), nil, true
}

// close answers every follower still waiting: no fork.
func (s *Share) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, r := range s.reqs {
		r.ch <- nil
	}
	s.reqs = nil
	s.limit.Store(-1)
}

// offerForks is called by the leader between two top-level tokens: it
// forks for every follower whose first differing line the main file has
// reached.
func (p *pp) offerForks() {
	s := p.cfg.Share
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limit.Load() < 0 {
		return
	}
	f := p.frames[0]
	next := len(s.src)
	if f.i < len(f.toks) {
		if f.toks[f.i].f&flagSpliced != 0 {
			return // no source offset; the next token will tell
		}
		next = int(f.toks[f.i].off)
	}
	clean := len(p.frames) == 1 && len(p.pending) == 0 && p.pendBase == 0 && !p.isolated && !p.inDir &&
		len(p.forced) == 0 && len(p.slab) == 0
	keep := s.reqs[:0]
	limit := -1
	for _, r := range s.reqs {
		if next < r.limit {
			keep = append(keep, r)
			if limit < 0 || r.limit < limit {
				limit = r.limit
			}
			continue
		}
		if !clean {
			// A later top-level point; the fork compares every
			// token read by then.
			keep = append(keep, r)
			if limit < 0 || r.limit < limit {
				limit = r.limit
			}
			continue
		}
		r.ch <- p.fork(r)
	}
	clear(s.reqs[len(keep):])
	s.reqs = keep
	s.limit.Store(int64(limit))
}

// fork returns a copy of the leader's state for the follower r, reading
// its main file instead, or nil when the state cannot be shared: a token
// read so far differs, or a file read so far reads differently through
// r.cfg.Read.
func (p *pp) fork(r *forkReq) (q *pp) {
	defer func() {
		if recover() != nil { // the follower's file does not lex: it finds out itself
			q = nil
		}
	}()
	read := r.cfg.Read
	if read == nil {
		read = os.ReadFile
	}
	main := p.frames[0]
	toks, spliced, lerr := lexFile(main.cf.name, r.src)
	if lerr != nil || len(toks) < main.i {
		return nil
	}
	for k := range main.i {
		a, b := &main.cf.toks[k], &toks[k]
		if *a != *b || a.f&flagSpliced != 0 && main.cf.spliced[a.off] != spliced[b.off] ||
			a.f&flagSpliced == 0 && main.cf.src[a.off:a.off+a.n] != r.src[b.off:b.off+b.n] {
			return nil
		}
	}
	q = &pp{
		cfg: r.cfg, read: read,
		fileList: slices.Clip(p.fileList),
		chain:    p.chain, nQuote: p.nQuote,
		made:     slices.Clip(p.made),
		nOut:     p.nOut,
		pragmas:  slices.Clip(p.pragmas),
		warnings: slices.Clip(p.warnings),
		counter:  p.counter, work: p.work, maxWork: p.maxWork,
		baseFile: p.baseFile,
		names:    slices.Clip(p.names), ids: maps.Clone(p.ids),
		mnames: slices.Clip(p.mnames), mids: maps.Clone(p.mids),
		mayBeMacro: p.mayBeMacro,
		last:       p.last, lastEnd: p.lastEnd,
	}
	if q.cfg.Share != nil {
		q.cfg = new(*r.cfg)
		q.cfg.Share = nil
	}
	// Full output chunks are never written again; the last one is.
	q.chunks = slices.Clone(p.chunks)
	if n := len(q.chunks); n > 0 {
		last := make([]orec, len(q.chunks[n-1]), outChunk)
		copy(last, q.chunks[n-1])
		q.chunks[n-1] = last
	}
	// Hidesets are immutable and interned: the tables are copied, the sets
	// shared.
	q.hs = hsTable{byKey: maps.Clone(p.hs.byKey), add: maps.Clone(p.hs.add), union: maps.Clone(p.hs.union), inter: maps.Clone(p.hs.inter)}
	// Macros and files carry state set lazily (a macro's id and hideset,
	// a file's include guard): each run gets its own copies.
	mcopy := make(map[*macro]*macro, len(p.macros))
	cp := func(m *macro) *macro {
		if m == nil {
			return nil
		}
		if c, ok := mcopy[m]; ok {
			return c
		}
		c := *m
		pub := *m.pub
		c.pub = &pub
		mcopy[m] = &c
		return &c
	}
	q.macros = make(map[string]*macro, len(p.macros))
	for n, m := range p.macros {
		q.macros[n] = cp(m)
	}
	if p.macroPos != nil {
		q.macroPos = make(map[string][]*macro, len(p.macroPos))
		for n, st := range p.macroPos {
			c := make([]*macro, len(st))
			for k, m := range st {
				c[k] = cp(m)
			}
			q.macroPos[n] = c
		}
	}
	q.byID = make([]*cachedFile, len(p.byID))
	q.files = make(map[string]*cachedFile, len(p.files))
	fcopy := map[*cachedFile]*cachedFile{}
	for id, cf := range p.byID {
		if cf == nil {
			continue
		}
		c := *cf
		if cf == main.cf {
			c.src, c.toks, c.spliced = r.src, toks, spliced
			c.guardOK, c.guard = false, ""
		}
		q.byID[id] = &c
		fcopy[cf] = &c
	}
	for n, cf := range p.files {
		if cf == nil {
			q.files[n] = nil
			continue
		}
		c, ok := fcopy[cf]
		if !ok {
			c = new(*cf)
			fcopy[cf] = c
		}
		q.files[n] = c
	}
	mf := *main
	mf.cf = fcopy[main.cf]
	mf.toks = mf.cf.toks
	mf.conds = slices.Clone(main.conds)
	q.frames = []*frame{&mf}
	return q
}

// sameFiles reports whether every file a forked state's leader read (or
// looked for and missed) reads the same through the state's own reader:
// the main file as the follower gave it, the others as the leader read
// them.
func (p *pp) sameFiles() bool {
	main := p.frames[0].cf
	for name, cf := range p.files {
		b, err := p.read(name)
		switch {
		case cf == nil:
			if err == nil || !errors.Is(err, fs.ErrNotExist) {
				return false
			}
		case err != nil:
			return false
		case cf == main:
			if string(b) != cf.src {
				return false
			}
		case string(b) != cf.src:
			return false
		}
	}
	return true
}
