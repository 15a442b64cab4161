package cparse

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The translation-unit cache keeps what a file's real translation unit
// gave (File.TU) across runs, in the user cache directory
// (os.UserCacheDir()/trampcheck/tu, or $TRAMPCHECK_CACHE; "off" disables
// it). An entry is keyed by trampcheck's build, the file's name and
// contents and the compile command (include directories, defines,
// predefined macros, configuration), and records every path the
// preprocessor asked for, found or not, with a SHA-256 of what it got. A
// lookup re-reads each of those paths through the same reader (the tree,
// with a series' patched files over it) and uses the entry only when every
// answer is the same: a patch that changes, adds or removes a header
// invalidates exactly the entries that read or looked for it. Entries are
// written to a temporary file and renamed, so concurrent runs never see a
// partial entry; the directory is trimmed to MaxTUCacheBytes, oldest
// first. ClearTUCache empties it.

// MaxTUCacheBytes bounds the translation-unit cache directory.
const MaxTUCacheBytes = 256 << 20

// tuCacheLimit is MaxTUCacheBytes, lowered by tests; tuCacheHits counts
// lookups that the cache answered.
var (
	tuCacheLimit int64 = MaxTUCacheBytes
	tuCacheHits  atomic.Int64
	// statHits counts dependencies found current by their identity.
	statHits atomic.Int64
)

// tuCacheFormat changes whenever the meaning of an entry changes.
const tuCacheFormat = "tu-cache-6"

// TUCacheDir returns the translation-unit cache directory, or "" when
// caching is off.
func TUCacheDir() string { return CacheDir("tu") }

// CacheDir returns the directory of trampcheck's cache of the given kind
// ("tu" for translation units; drivers may keep others beside it), under
// $TRAMPCHECK_CACHE or os.UserCacheDir()/trampcheck; "" when
// TRAMPCHECK_CACHE=off or there is no cache directory.
func CacheDir(kind string) string {
	if d := os.Getenv("TRAMPCHECK_CACHE"); d != "" {
		if d == "off" {
			return ""
		}
		return filepath.Join(d, kind)
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "trampcheck", kind)
}

// ClearTUCache removes every entry of trampcheck's caches (translation
// units and whatever drivers keep beside them).
func ClearTUCache() error {
	d := TUCacheDir()
	if d == "" {
		return nil
	}
	return os.RemoveAll(filepath.Dir(d))
}

// CacheKey returns a cache entry name for the inputs parts, which also
// depends on this trampcheck build.
func CacheKey(parts ...string) string { return tuCacheKey(parts...) }

// ReadCacheEntry returns the entry key of the cache directory dir.
func ReadCacheEntry(dir, key string) ([]byte, bool) {
	if dir == "" || len(key) < 3 {
		return nil, false
	}
	b, err := os.ReadFile(filepath.Join(dir, key[:2], key))
	return b, err == nil
}

// WriteCacheEntry writes the entry key of the cache directory dir
// atomically (a temporary file renamed) and trims the directory to
// MaxTUCacheBytes, oldest entries first. Failures are ignored: a cache only
// saves time.
func WriteCacheEntry(dir, key string, data []byte) {
	if dir == "" || len(key) < 3 {
		return
	}
	sub := filepath.Join(dir, key[:2])
	if err := os.MkdirAll(sub, 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(sub, key+".tmp*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), filepath.Join(sub, key)) != nil {
		_ = os.Remove(tmp.Name())
		return
	}
	trimTUCache(dir)
}

// Dep is one path the preprocessor asked for while reading a
// translation unit: whether it was found, and a checksum of what it held.
type Dep struct {
	Path  string
	Found bool
	Sum   uint64
	// Stat, when set, is the identity of the file on disk that the reader
	// served unchanged (Options.Stat), taken before it was read and old
	// enough (statMargin) that a later rewrite cannot keep its times: a
	// lookup that finds the same identity knows the contents without
	// reading them.
	Stat *FileStat
}

// FileStat is a file's identity on disk: size, modification and change
// times, inode and device. Any write changes the change time, which no
// system call sets back.
type FileStat struct {
	Size, MTime, CTime int64
	Ino, Dev           uint64
}

// statMargin is how much older than the moment it is taken a file's
// modification and change times must be for its FileStat to stand for
// its contents: a file written in the same clock tick as the stat (file
// systems keep coarse times) could be rewritten, same size, without a
// visible change. Git's "racily clean" entries are the same problem.
var statMargin = 2 * time.Second

// trusted reports whether st, taken at now, is old enough to stand for
// the file's contents.
func (st FileStat) trusted(now time.Time) bool {
	lim := now.Add(-statMargin).UnixNano()
	return st.MTime < lim && st.CTime < lim
}

// checksum is the length and two hardware-assisted CRCs of b (Castagnoli
// and IEEE): a cache only needs to tell changed contents apart from
// unchanged ones, not to resist an adversary, and a lookup checksums
// hundreds of headers.
func checksum(b []byte) uint64 {
	c := crc32.Checksum(b, castagnoli)
	i := crc32.ChecksumIEEE(b)
	return (uint64(c)<<32 | uint64(i)) ^ uint64(len(b))*0x9e3779b97f4a7c15
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// tuEntry is one cache entry: the unit with its Deps.
type tuEntry struct {
	TU TU
}

// buildID identifies this trampcheck binary's front end for cache keys.
var buildID = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		var b strings.Builder
		b.WriteString(bi.Main.Version)
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				b.WriteString(" " + s.Value)
			}
		}
		if exe, err := os.Executable(); err == nil {
			if fi, err := os.Stat(exe); err == nil {
				// Development builds carry no version: the binary's
				// identity stands in for it.
				fmt.Fprintf(&b, " %d %d", fi.Size(), fi.ModTime().UnixNano())
			}
		}
		return b.String()
	}
	return "unknown"
})

// recorder wraps a reader and records every path asked for; stat (nil:
// none) gives the identity of the file on disk that read serves a path
// from unchanged.
type recorder struct {
	read   func(string) ([]byte, error)
	stat   func(string) (FileStat, bool)
	mu     sync.Mutex
	probes map[string]Dep
}

func (r *recorder) Read(p string) ([]byte, error) {
	// The identity first: a file rewritten between the two then shows a
	// newer identity than the one recorded, never the other way round.
	var st FileStat
	sok := false
	if r.stat != nil {
		st, sok = r.stat(p)
		sok = sok && st.trusted(time.Now())
	}
	b, err := r.read(p)
	pr := Dep{Path: p}
	switch {
	case err == nil:
		pr.Found, pr.Sum = true, checksum(b)
		if sok && st.Size == int64(len(b)) {
			pr.Stat = &st
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		return b, err
	}
	r.mu.Lock()
	r.probes[p] = pr
	r.mu.Unlock()
	return b, err
}

// list returns the probes sorted by path.
func (r *recorder) list() []Dep {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Dep, 0, len(r.probes))
	for _, p := range r.probes {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// tuCacheKey returns the file name of the entry for these inputs.
func tuCacheKey(parts ...string) string {
	h := sha256.New()
	h.Write([]byte(tuCacheFormat + "\x00" + buildID() + "\x00"))
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil)[:20])
}

// loadTU returns the cached unit for key when every Dep still gives
// the same answer through read (stat: see depsCurrent).
func loadTU(dir, key string, read func(string) ([]byte, error), stat func(string) (FileStat, bool)) (*TU, bool) {
	b, ok := ReadCacheEntry(dir, key)
	if !ok {
		return nil, false
	}
	var e tuEntry
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&e); err != nil {
		return nil, false
	}
	if !depsCurrent(e.TU.Deps, read, stat) {
		return nil, false
	}
	tuCacheHits.Add(1)
	return &e.TU, true
}

// depsCurrent reports whether every dep gives the same answer through
// read. A dep with a Stat is not read when stat (nil: none) gives the
// same identity for its path now.
func depsCurrent(deps []Dep, read func(string) ([]byte, error), stat func(string) (FileStat, bool)) bool {
	// Identities first, in this goroutine: a stat is a few microseconds,
	// less than waking a thread.
	var rest []Dep
	for _, p := range deps {
		if p.Stat != nil && stat != nil {
			if st, ok := stat(p.Path); ok && st == *p.Stat {
				statHits.Add(1)
				continue
			}
		}
		rest = append(rest, p)
	}
	current := func(p Dep) bool {
		data, err := read(p.Path)
		switch {
		case err == nil:
			return p.Found && checksum(data) == p.Sum
		case errors.Is(err, fs.ErrNotExist):
			return !p.Found
		default:
			return false
		}
	}
	// Reading the files dominates the rest: a few readers at once when
	// there are many.
	workers := 4
	if len(rest) <= 2*workers {
		for _, p := range rest {
			if !current(p) {
				return false
			}
		}
		return true
	}
	var bad atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := w; k < len(rest) && !bad.Load(); k += workers {
				if !current(rest[k]) {
					bad.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	return !bad.Load()
}

// storeTU writes an entry atomically and trims the cache. Failures are
// ignored: the cache only saves time.
func storeTU(dir, key string, t *TU) {
	if dir == "" {
		return
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(tuEntry{TU: *t}); err != nil {
		return
	}
	WriteCacheEntry(dir, key, buf.Bytes())
}

// trimTUCache removes the oldest entries while the directory holds more
// than MaxTUCacheBytes. Concurrent trims may remove the same file: a
// missing file is not an error.
func trimTUCache(dir string) {
	type ent struct {
		path string
		size int64
		mod  time.Time
	}
	var ents []ent
	var total int64
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if fi, err := d.Info(); err == nil {
			ents = append(ents, ent{p, fi.Size(), fi.ModTime()})
			total += fi.Size()
		}
		return nil
	})
	if total <= tuCacheLimit {
		return
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].mod.Before(ents[j].mod) })
	for _, e := range ents {
		if total <= tuCacheLimit {
			break
		}
		if os.Remove(e.path) == nil {
			total -= e.size
		}
	}
}
