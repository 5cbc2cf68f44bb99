package web

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func page(body string) *Page { return &Page{Body: []byte(body)} }

func TestCacheKeepsNothingRenderedBeforeAChange(t *testing.T) {
	c := NewCache(1 << 20)
	k := Key{Kind: "home"}
	gen := c.Gen()
	c.Invalidate()
	c.Put(k, page("old"), gen)
	if c.Get(k) != nil {
		t.Fatal("a page rendered before a change was kept")
	}
	c.Put(k, page("new"), c.Gen())
	if p := c.Get(k); p == nil || string(p.Body) != "new" {
		t.Fatalf("Get = %v", p)
	}
}

// A change drops the pages that show what it touched, and those that did
// not say what they show; the others stay.
func TestDropForgetsOnlyWhatAChangeTouched(t *testing.T) {
	c := NewCache(1 << 20)
	story := Key{Kind: "article", N: 7}
	other := Key{Kind: "article", N: 8}
	topic := Key{Kind: "topic", A: "rates"}
	untold := Key{Kind: "robots"}
	c.Put(story, page("7"), c.Gen(), StoryDep(7), DepNewest)
	c.Put(other, page("8"), c.Gen(), StoryDep(8))
	c.Put(topic, page("rates"), c.Gen(), ListDep("topic", "rates"), StoryDep(7))
	c.Put(untold, page("?"), c.Gen())
	c.Drop(StoryDep(7))
	if c.Get(story) != nil || c.Get(topic) != nil || c.Get(untold) != nil {
		t.Error("a page showing story 7, or one that named nothing, outlived its change")
	}
	if c.Get(other) == nil {
		t.Error("story 8's page was dropped by a change of story 7")
	}
	// A page rendered before a drop of one of its deps is not kept; one
	// showing something else is.
	gen := c.Gen()
	c.Drop(ListDep("section", "world"))
	c.Put(Key{Kind: "section", A: "world"}, page("w"), gen, ListDep("section", "world"))
	c.Put(Key{Kind: "section", A: "sport"}, page("s"), gen, ListDep("section", "sport"))
	if c.Get(Key{Kind: "section", A: "world"}) != nil || c.Get(Key{Kind: "section", A: "sport"}) == nil {
		t.Error("Put after a Drop: want the dropped list refused and the other kept")
	}
	if n, b := c.Size(); n != 2 || b <= 0 {
		t.Errorf("Size = %d pages, %d bytes", n, b)
	}
}

// The cache holds a budget of bytes: beyond it, the least recently used
// pages make room, and the hot ones stay.
func TestCacheIsBoundedInBytes(t *testing.T) {
	c := NewCache(100 << 10)
	body := strings.Repeat("x", 2000)
	hot := Key{Kind: "home"}
	c.Put(hot, page(body), c.Gen(), DepNewest)
	for i := range 500 {
		c.Put(Key{Kind: "article", N: int64(i)}, page(body), c.Gen(), StoryDep(int64(i)))
		c.Get(hot)
	}
	if _, b := c.Size(); b > 100<<10 {
		t.Errorf("the cache holds %d bytes, over its budget of %d", b, 100<<10)
	}
	if c.Get(hot) == nil {
		t.Error("the page read all along was evicted")
	}
	if c.Stats().Evictions.Load() == 0 {
		t.Error("no evictions counted")
	}
	// A page of more than a quarter of the budget is not kept.
	c.Put(Key{Kind: "huge"}, page(strings.Repeat("y", 30<<10)), c.Gen())
	if c.Get(Key{Kind: "huge"}) != nil {
		t.Error("a page of 30% of the budget was kept")
	}
}

func TestCursorsFillAQuarter(t *testing.T) {
	c := NewCache(64 << 10)
	body := strings.Repeat("x", 1000)
	for i := range 100 {
		c.Put(Key{Kind: "news", B: fmt.Sprint(i)}, page(body), c.Gen())
	}
	if c.cursors > c.max/4 {
		t.Errorf("pages deep in feeds hold %d bytes, over a quarter of %d", c.cursors, c.max)
	}
	c.Put(Key{Kind: "home"}, page(body), c.Gen())
	if c.Get(Key{Kind: "home"}) == nil {
		t.Error("deep pages kept the home page out")
	}
}

// Requests for the same missing page wait for one render.
func TestPageRendersOnceForManyWaiting(t *testing.T) {
	c := NewCache(1 << 20)
	var renders atomic.Int32
	release := make(chan struct{})
	render := func() (*Page, []Dep, error) {
		renders.Add(1)
		<-release
		return page("home"), []Dep{DepNewest}, nil
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p, err := c.Page(Key{Kind: "home"}, render, nil); err != nil || string(p.Body) != "home" {
				t.Errorf("Page = %v, %v", p, err)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Errorf("%d renders for 50 requests at once, want 1", n)
	}
	// A failed render is not kept, and its error reaches the caller.
	_, err := c.Page(Key{Kind: "broken"}, func() (*Page, []Dep, error) { return nil, nil, errors.New("no") }, nil)
	if err == nil || c.Get(Key{Kind: "broken"}) != nil {
		t.Errorf("failed render: %v", err)
	}
}

// A request that comes after a change does not wait for a render begun
// before it.
func TestChangeStartsANewRender(t *testing.T) {
	c := NewCache(1 << 20)
	release := make(chan struct{})
	go c.Page(Key{Kind: "home"}, func() (*Page, []Dep, error) {
		<-release
		return page("old"), []Dep{DepNewest}, nil
	}, nil)
	time.Sleep(20 * time.Millisecond)
	c.Drop(DepNewest)
	p, _ := c.Page(Key{Kind: "home"}, func() (*Page, []Dep, error) { return page("new"), []Dep{DepNewest}, nil }, nil)
	close(release)
	if string(p.Body) != "new" {
		t.Errorf("after the change: %q", p.Body)
	}
	time.Sleep(20 * time.Millisecond)
	if p := c.Get(Key{Kind: "home"}); p == nil || string(p.Body) != "new" {
		t.Errorf("cached after both renders: %v", p)
	}
}
