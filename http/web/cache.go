package web

import (
	"hash/maphash"
	"strconv"
	"sync"
	"sync/atomic"
)

// Key names a rendered page by what the handler used to render it.
// It is a struct of existing strings, so looking a page up allocates
// nothing.
type Key struct {
	Kind string // "article", "news", "section", ...
	A, B string // a slug or filter, a cursor (B: counted apart, see Put)
	N, M int64  // an id, a page number
	Zone string // the site's zone and day, for pages that show times
	Lang string // the edition
}

// Dep names something a cached page shows: a story, a list of stories, a
// block of the site. A change drops the pages that show what it touched
// and keeps the others, so a story filed a second does not empty the
// cache of a million-story archive.
type Dep string

// Deps every page may name; the rest are made by the functions below.
const (
	// DepAny is named by a page that did not say what it shows: any change
	// drops it.
	DepAny Dep = "*"
	// DepNewest is the newest stories of all sections: the home page,
	// /news, the main feeds and every sidebar's news feed show them.
	DepNewest Dep = "newest"
	DepTop    Dep = "top"      // the curated top stories
	DepSite   Dep = "site"     // sections, ads, partner items, rates: the site's frame and blocks
	DepMost   Dep = "most"     // the most read rankings
	DepMaps   Dep = "sitemaps" // the sitemap index and the tag sitemaps
)

// StoryDep is a story's own dependency: its page, and every page that
// shows its headline (lists, "read also", related stories).
func StoryDep(id int64) Dep { return Dep("a:" + strconv.FormatInt(id, 10)) }

// ListDep is a list of stories by its kind and slug: ("section",
// "politics"), ("topic", slug), ("person", slug), ("story", slug), ("month",
// "2026-12") for a sitemap month.
func ListDep(kind, slug string) Dep { return Dep(kind + ":" + slug) }

// Cache keeps rendered pages until what they show changes, within a
// budget of bytes. Every page names its Deps when it is stored; Drop
// forgets the pages that name any of the deps a change touched (and those
// that named none), Invalidate forgets them all. When the budget is spent
// the least recently used of a few sampled pages makes room, and pages
// deep in a feed (a cursor, key.B, which a client may make up) take at
// most a quarter of it: junk requests can neither fill the memory nor
// push the hot pages out for long.
type Cache struct {
	mu      sync.RWMutex
	pages   map[Key]*entry
	byDep   map[Dep]map[Key]struct{}
	bytes   int64 // held by pages
	cursors int64 // held by pages with a cursor
	max     int64

	// gen moves on with every Drop and Invalidate; a render reads it first
	// and Put refuses a page if anything it shows was dropped since.
	gen     atomic.Uint64
	allGen  uint64             // gen of the last Invalidate
	depGens [depBuckets]uint64 // gen of the last Drop of deps hashing here
	seed    maphash.Seed
	tick    atomic.Int64 // a clock for "recently used": one step per Get

	fmu     sync.Mutex
	flights map[Key]*flight

	stats Stats
}

// Stats counts what the cache did, for metrics.
type Stats struct {
	Hits, Misses, Evictions, Shared atomic.Int64
}

// depBuckets is how many generations Put compares deps against: two deps
// hashing alike only make a page be rendered again.
const depBuckets = 4096

type entry struct {
	p    *Page
	deps []Dep
	size int64
	used atomic.Int64
}

type flight struct {
	done chan struct{}
	p    *Page
	err  error
}

// NewCache makes a cache that holds at most maxBytes of pages (bodies and
// their gzip forms).
func NewCache(maxBytes int64) *Cache {
	return &Cache{
		pages:   make(map[Key]*entry),
		byDep:   make(map[Dep]map[Key]struct{}),
		max:     maxBytes,
		seed:    maphash.MakeSeed(),
		flights: make(map[Key]*flight),
	}
}

// Gen is the cache's generation, which every change moves on: read it
// before rendering and give it to Put.
func (c *Cache) Gen() uint64 { return c.gen.Load() }

// Stats returns the cache's counters.
func (c *Cache) Stats() *Stats { return &c.stats }

// Size returns the number of pages and the bytes they hold.
func (c *Cache) Size() (pages int, bytes int64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.pages), c.bytes
}

// Part returns a kept part of pages (a home page's section block, which
// every render of the home page in an edition shows alike) and the deps it
// was kept with, or nil. Parts are put with Put like pages; they are not
// counted as hits or misses, which count whole pages.
func (c *Cache) Part(key Key) (*Page, []Dep) {
	c.mu.RLock()
	e := c.pages[key]
	c.mu.RUnlock()
	if e == nil {
		return nil, nil
	}
	e.used.Store(c.tick.Add(1))
	return e.p, e.deps
}

// Get returns a cached page, or nil. A miss is counted when Page renders
// it.
func (c *Cache) Get(key Key) *Page {
	c.mu.RLock()
	e := c.pages[key]
	c.mu.RUnlock()
	if e == nil {
		return nil
	}
	c.stats.Hits.Add(1)
	e.used.Store(c.tick.Add(1))
	return e.p
}

// Page returns the cached page for key, or renders it with render, stores
// it and returns it. Requests for the same missing page wait for one
// render instead of each rendering it. A render that fails is not kept;
// keep tells which finished pages are kept (by status, say).
func (c *Cache) Page(key Key, render func() (*Page, []Dep, error), keep func(*Page) bool) (*Page, error) {
	if p := c.Get(key); p != nil {
		return p, nil
	}
	c.fmu.Lock()
	if f, ok := c.flights[key]; ok {
		c.fmu.Unlock()
		<-f.done
		c.stats.Shared.Add(1)
		return f.p, f.err
	}
	f := &flight{done: make(chan struct{})}
	c.flights[key] = f
	c.fmu.Unlock()
	c.stats.Misses.Add(1)
	defer func() {
		c.fmu.Lock()
		if c.flights[key] == f {
			delete(c.flights, key)
		}
		c.fmu.Unlock()
		close(f.done)
	}()
	gen := c.Gen()
	p, deps, err := render()
	if err != nil {
		f.err = err
		return nil, err
	}
	f.p = p
	if keep == nil || keep(p) {
		c.Put(key, p, gen, deps...)
	}
	return p, nil
}

// Put stores p, showing deps (none: DepAny), unless something it shows
// changed since gen was read, so a page rendered from old content never
// outlives the change.
func (c *Cache) Put(key Key, p *Page, gen uint64, deps ...Dep) {
	if len(deps) == 0 {
		deps = []Dep{DepAny}
	}
	size := int64(len(p.Body)+len(p.gz)) + 512 // headers, key, map
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.allGen > gen || size > c.max/4 {
		return
	}
	for _, d := range deps {
		if c.depGens[c.bucket(d)] > gen {
			return
		}
	}
	if old := c.pages[key]; old != nil {
		c.remove(key, old)
	}
	if key.B != "" && c.cursors+size > c.max/4 && !c.evict(size, true) {
		return
	}
	if c.bytes+size > c.max && !c.evict(size, false) {
		return
	}
	e := &entry{p: p, deps: deps, size: size}
	e.used.Store(c.tick.Add(1))
	c.pages[key] = e
	c.bytes += size
	if key.B != "" {
		c.cursors += size
	}
	for _, d := range deps {
		set := c.byDep[d]
		if set == nil {
			set = make(map[Key]struct{})
			c.byDep[d] = set
		}
		set[key] = struct{}{}
	}
}

// evict makes room for size more bytes (of cursor pages only, when
// cursors), taking the least recently used of a few sampled pages each
// time. It gives up after a bounded number of tries.
func (c *Cache) evict(size int64, cursors bool) bool {
	const sample = 8
	for range 64 {
		if cursors && c.cursors+size <= c.max/4 || !cursors && c.bytes+size <= c.max {
			return true
		}
		var (
			victim Key
			oldest *entry
			seen   int
		)
		for k, e := range c.pages { // map order is random: a sample
			if cursors && k.B == "" {
				continue
			}
			if oldest == nil || e.used.Load() < oldest.used.Load() {
				victim, oldest = k, e
			}
			if seen++; seen == sample {
				break
			}
		}
		if oldest == nil {
			return false
		}
		c.remove(victim, oldest)
		c.stats.Evictions.Add(1)
	}
	return cursors && c.cursors+size <= c.max/4 || !cursors && c.bytes+size <= c.max
}

func (c *Cache) remove(key Key, e *entry) {
	delete(c.pages, key)
	c.bytes -= e.size
	if key.B != "" {
		c.cursors -= e.size
	}
	for _, d := range e.deps {
		if set := c.byDep[d]; set != nil {
			delete(set, key)
			if len(set) == 0 {
				delete(c.byDep, d)
			}
		}
	}
}

func (c *Cache) bucket(d Dep) int {
	return int(maphash.String(c.seed, string(d)) % depBuckets)
}

// Drop forgets the pages that show any of deps, and those that did not
// say what they show. Renders in flight started before it are not kept.
func (c *Cache) Drop(deps ...Dep) {
	c.mu.Lock()
	gen := c.gen.Add(1)
	deps = append(deps, DepAny)
	for _, d := range deps {
		c.depGens[c.bucket(d)] = gen
		for key := range c.byDep[d] {
			c.remove(key, c.pages[key])
		}
	}
	c.mu.Unlock()
	c.forgetFlights()
}

// Invalidate forgets every page.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	c.allGen = c.gen.Add(1)
	clear(c.pages)
	clear(c.byDep)
	c.bytes, c.cursors = 0, 0
	c.mu.Unlock()
	c.forgetFlights()
}

// forgetFlights makes requests after a change render anew rather than
// wait for a render that began before it.
func (c *Cache) forgetFlights() {
	c.fmu.Lock()
	clear(c.flights)
	c.fmu.Unlock()
}
