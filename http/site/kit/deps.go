package kit

import (
	"context"
	"sync"
	"time"

	"dateline"
	"dateline/http/web"
	"dateline/liveblog"
)

// What a cached page depends on is noted as it is rendered: the store the
// pages read through (package site's depStore) tells the render's
// collector which stories and which lists each read returned (Depend,
// DependOn), and a story's change drops only the pages that showed it or a
// list it belongs to (StoriesChanged). Pages of kinds not in preciseKinds
// depend on everything, as do pages rendered after a change that was not
// a story's (Changed).

// preciseKinds are the kinds of page whose every read of stories goes
// through depStore with the render's context, so their deps are whole.
var preciseKinds = map[string]bool{
	"article": true, "news": true, "section": true, "topic": true, "person": true,
	"feed": true, "sitemap": true,
}

type depsKey struct{}

// deps collects what one render read.
type deps struct {
	mu   sync.Mutex
	list []web.Dep
	seen map[web.Dep]bool
}

// collect returns ctx with a collector for a render of a page of kind.
func collect(ctx context.Context, kind string) (context.Context, *deps) {
	d := &deps{seen: map[web.Dep]bool{}}
	if !preciseKinds[kind] {
		d.add(web.DepAny)
	}
	return context.WithValue(ctx, depsKey{}, d), d
}

func (d *deps) add(ds ...web.Dep) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, x := range ds {
		if !d.seen[x] {
			d.seen[x] = true
			d.list = append(d.list, x)
		}
	}
}

// all is what the render depended on; nothing noted means everything.
func (d *deps) all() []web.Dep {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.list) == 0 {
		return []web.Dep{web.DepAny}
	}
	return d.list
}

// Depend notes deps for the render ctx belongs to, if any.
func Depend(ctx context.Context, ds ...web.Dep) {
	if d, ok := ctx.Value(depsKey{}).(*deps); ok {
		d.add(ds...)
	}
}

// DependOn notes for the render ctx belongs to, if any, that it showed
// list and the stories as of it.
func DependOn(ctx context.Context, list web.Dep, as []dateline.Article) {
	if d, ok := ctx.Value(depsKey{}).(*deps); ok {
		d.add(list)
		for _, a := range as {
			d.add(web.StoryDep(a.ID))
		}
	}
}

// ListDep is the list an ArticleFilter reads: one section's, one tag's,
// or the newest of several sections (an edition, a reader's filter).
func ListDep(f dateline.ArticleFilter) web.Dep {
	switch {
	case f.Topic != "":
		return web.ListDep("topic", f.Topic)
	case f.Person != "":
		return web.ListDep("person", f.Person)
	case len(f.Sections) == 1:
		return web.ListDep("section", f.Sections[0])
	}
	return web.DepNewest
}

// MonthDep is the sitemap's list of the stories of t's month.
func MonthDep(t time.Time) web.Dep { return web.ListDep("month", t.UTC().Format("2006-01")) }

// storyEvents follows the store's event log, where every change readers
// may see of a story is written in the change's own transaction, on every
// node: a change of stories drops the pages that showed them or lists they
// belong to, however many nodes share the database.
type storyEvents struct {
	mu   sync.Mutex
	last int64 // the newest event applied to the cache
}

// maxEventsApplied is how many events one change may bring before the
// whole cache is dropped instead (an import, a node that was away).
const maxEventsApplied = 500

// apply drops the pages the events after the last one applied touched.
// It returns false when the cache must be emptied instead.
func (e *storyEvents) apply(ctx context.Context, store Store, cache *web.Cache) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	es, err := store.Events(ctx, e.last, maxEventsApplied+1)
	if err != nil || len(es) > maxEventsApplied {
		if last, err := store.LastEventID(ctx); err == nil {
			e.last = last
		}
		return false
	}
	var drop []web.Dep
	for _, ev := range es {
		if !ev.IsStory() {
			continue // a gallery's or an infographic's: its id is no story's
		}
		if ev.Kind == liveblog.EventPost {
			// A live story's posts show on its own pages only.
			drop = append(drop, web.StoryDep(ev.ArticleID))
			continue
		}
		drop = append(drop, web.StoryDep(ev.ArticleID), web.DepNewest, web.DepMaps, web.ListDep("section", ev.Section))
		for _, t := range ev.Topics {
			drop = append(drop, web.ListDep("topic", t))
		}
		// The event names the story's topics; its persons and month are
		// read from the story as it is now.
		a, err := store.Article(ctx, ev.ArticleID)
		if err != nil {
			if dateline.ErrorCode(err) != dateline.ENOTFOUND {
				return false
			}
			continue // a draft deleted since: nothing public left
		}
		for _, p := range a.Persons {
			drop = append(drop, web.ListDep("person", p.Slug))
		}
		for _, t := range a.Topics {
			drop = append(drop, web.ListDep("topic", t.Slug))
		}
		if !a.PublishedAt.IsZero() {
			drop = append(drop, MonthDep(a.PublishedAt))
		}
	}
	if len(es) > 0 {
		e.last = es[len(es)-1].ID
		cache.Drop(drop...)
	}
	return true
}

// start places the follower at the newest event, at the site's start.
func (e *storyEvents) start(ctx context.Context, store Store) error {
	last, err := store.LastEventID(ctx)
	e.mu.Lock()
	e.last = last
	e.mu.Unlock()
	return err
}
