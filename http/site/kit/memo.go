package kit

import (
	"bytes"
	"context"
	"html/template"
	"sync"

	"dateline/http/web"
)

// Memo keeps values that many pages show alike, such as an edition's
// side column on every story page, so that a crawler reading old stories
// one after another costs the database one read of each block per change
// of the site instead of one per page. A value is kept for the page
// cache's generation it was read in and is read again once anything
// changes; each render that uses it notes the deps its reading noted, so
// the page is dropped with what it shows.
type Memo[T any] struct {
	mu      sync.Mutex
	entries map[string]memoEntry[T]
}

type memoEntry[T any] struct {
	gen  uint64
	v    T
	deps []web.Dep
}

// Get returns the value for key as of now: the kept one when nothing has
// changed since it was read, else what fill reads (and keeps, when
// nothing changed while it read).
func (m *Memo[T]) Get(ctx context.Context, k *Kit, key string, fill func(context.Context) (T, error)) (T, error) {
	gen := k.cache.Gen()
	m.mu.Lock()
	e, ok := m.entries[key]
	m.mu.Unlock()
	if ok && e.gen == gen {
		Depend(ctx, e.deps...)
		return e.v, nil
	}
	d := &deps{seen: map[web.Dep]bool{}}
	fctx := context.WithValue(ctx, depsKey{}, d)
	v, err := fill(fctx)
	if err != nil {
		return v, err
	}
	d.mu.Lock()
	deps := d.list
	d.mu.Unlock()
	if k.cache.Gen() == gen {
		m.mu.Lock()
		if m.entries == nil {
			m.entries = make(map[string]memoEntry[T])
		}
		m.entries[key] = memoEntry[T]{gen: gen, v: v, deps: deps}
		m.mu.Unlock()
	}
	Depend(ctx, deps...)
	return v, nil
}

// Part returns the HTML of template part of page name for key: a piece
// that many renders show alike, such as one section's block on an
// edition's home page. It is kept in the page cache with the deps its
// reading noted, so a story filed in one section renders that section's
// block again and not the others; read reads its data only when the part
// is not kept. The page that includes it notes the same deps.
func (s *Kit) Part(ctx context.Context, key web.Key, name, part string, read func(context.Context) (any, error)) (template.HTML, error) {
	if p, ds := s.cache.Part(key); p != nil {
		Depend(ctx, ds...)
		return template.HTML(p.Body), nil
	}
	gen := s.cache.Gen()
	d := &deps{seen: map[web.Dep]bool{}}
	data, err := read(context.WithValue(ctx, depsKey{}, d))
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := s.tmpl.executePart(&buf, name, part, data); err != nil {
		return "", err
	}
	ds := d.all() // nothing noted: any change drops it
	s.cache.Put(key, &web.Page{Body: buf.Bytes()}, gen, ds...)
	Depend(ctx, ds...)
	return template.HTML(buf.String()), nil
}
