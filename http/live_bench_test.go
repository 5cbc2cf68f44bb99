package http_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dateline/liveblog"
)

// BenchmarkLiveReaders: readers (8 at a time) read a live story of 200
// posts, its first page and its pages of older posts, while a journalist
// adds a post every second, each dropping the story's cached pages. It
// reports the readers' p50 and p99 in milliseconds and how many posts
// were added. Run it for a while to see several posts:
//
//	go test ./http -run '^$' -bench BenchmarkLiveReaders -benchtime 20000x
func BenchmarkLiveReaders(b *testing.B) {
	l := newLiveEnvTB(b)
	ctx := context.Background()
	for i := range 200 {
		p := liveblog.Post{ArticleID: l.id, AuthorID: l.ed, Kind: liveblog.KindText, Body: fmt.Sprintf("<p>Earlier update %d, with some words.</p>", i), KeyEvent: i%25 == 0}
		if err := l.live.AddPost(ctx, &p, l.clock.Now()); err != nil {
			b.Fatal(err)
		}
	}
	l.srv.StoriesChanged()
	paths := []string{l.url, l.url, l.url, l.url + "?posts=2", l.url + "?order=oldest"}
	stop := make(chan struct{})
	var posted atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				p := liveblog.Post{ArticleID: l.id, AuthorID: l.rita, Kind: liveblog.KindText, Body: "<p>A new post.</p>"}
				if err := l.live.AddPost(ctx, &p, time.Now()); err != nil {
					b.Error(err)
					return
				}
				l.srv.StoriesChanged()
				posted.Add(1)
			}
		}
	}()
	var mu sync.Mutex
	var lat []time.Duration
	var next atomic.Int64
	b.ResetTimer()
	var readers sync.WaitGroup
	for range 8 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			var mine []time.Duration
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					break
				}
				start := time.Now()
				w := httptest.NewRecorder()
				l.srv.ServeHTTP(w, httptest.NewRequest("GET", paths[i%int64(len(paths))], nil))
				mine = append(mine, time.Since(start))
				if w.Code != 200 {
					b.Errorf("%s: %d", paths[i%int64(len(paths))], w.Code)
					return
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	readers.Wait()
	b.StopTimer()
	close(stop)
	wg.Wait()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
	b.ReportMetric(float64(posted.Load()), "posts")
}

// BenchmarkLiveStoryFeed is a live story's feed rendered anew (the cache
// emptied before each read, as after every post): a story of 200 posts,
// of which the feed carries 50.
func BenchmarkLiveStoryFeed(b *testing.B) {
	l := newLiveEnvTB(b)
	ctx := context.Background()
	for i := range 200 {
		p := liveblog.Post{ArticleID: l.id, AuthorID: l.ed, Kind: liveblog.KindText, Body: fmt.Sprintf("<p>Earlier update %d, with some words.</p>", i)}
		if err := l.live.AddPost(ctx, &p, l.clock.Now()); err != nil {
			b.Fatal(err)
		}
	}
	l.srv.StoriesChanged()
	b.ResetTimer()
	for range b.N {
		l.srv.DropCache()
		if w := l.get(l.url + "/feed.atom"); w.Code != 200 {
			b.Fatalf("%d", w.Code)
		}
	}
}
