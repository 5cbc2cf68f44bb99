package http_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dateline"
)

// beaconEnv is a site of 1,000 published stories.
func beaconEnv(b *testing.B) (*env, []int64) {
	e := newEnv(b, false)
	var as []*dateline.Article
	for i := 0; i < 1000; i++ {
		as = append(as, &dateline.Article{URI: fmt.Sprintf("urn:bench:beacon:%d", i), Section: "politics", Lang: "en",
			Headline: fmt.Sprintf("Story %d", i), Pages: []string{"<p>x</p>"}, Status: dateline.StatusPublished,
			PublishedAt: e.clock.Now(), SourceVersion: e.clock.Now()})
	}
	rs, err := e.store.UpsertArticles(context.Background(), as, e.clock.Now())
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return e, ids
}

// verifyViews flushes and checks that the store holds exactly want views.
func verifyViews(b *testing.B, e *env, ids []int64, want int64) {
	if err := e.srv.FlushViews(context.Background()); err != nil {
		b.Fatal(err)
	}
	if err := e.srv.RefreshRankings(context.Background()); err != nil {
		b.Fatal(err)
	}
	var got int64
	for _, id := range ids {
		v, err := e.store.ViewsOf(context.Background(), id)
		if err != nil {
			b.Fatal(err)
		}
		got += v[0]
	}
	if got != want {
		b.Fatalf("stored %d views, sent %d", got, want)
	}
}

// BenchmarkBeacon measures views taken through the beacon handler, every
// one from a different reader so every one is counted, and verifies
// afterwards that the store holds every one of them.
//
//	go test -run '^$' -bench Beacon -benchtime 200000x ./http
func BenchmarkBeacon(b *testing.B) {
	b.Run("handler", func(b *testing.B) {
		e, ids := beaconEnv(b)
		var n atomic.Int64
		b.ResetTimer()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := n.Add(1)
				req := httptest.NewRequest("POST", "/api/v1/views", strings.NewReader(fmt.Sprintf("id=%d", ids[i%int64(len(ids))])))
				req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:4000", i>>16&255, i>>8&255, i&255)
				req.Header.Set("User-Agent", firefoxUA)
				w := httptest.NewRecorder()
				e.srv.ServeHTTP(w, req)
				if w.Code != http.StatusNoContent {
					b.Errorf("beacon: %d", w.Code)
				}
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "views/s")
		b.StopTimer()
		verifyViews(b, e, ids, int64(b.N))
	})
	b.Run("loopback", func(b *testing.B) {
		e, ids := beaconEnv(b)
		ts := httptest.NewServer(e.srv)
		defer ts.Close()
		tr := &http.Transport{MaxIdleConnsPerHost: 64}
		client := &http.Client{Transport: tr}
		var n atomic.Int64
		b.SetParallelism(16)
		b.ResetTimer()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := n.Add(1)
				req, _ := http.NewRequest("POST", ts.URL+"/api/v1/views", strings.NewReader(fmt.Sprintf("id=%d", ids[i%int64(len(ids))])))
				// Each request is another reader: a different agent string.
				req.Header.Set("User-Agent", fmt.Sprintf("%s r%d", firefoxUA, i))
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				res.Body.Close()
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "views/s")
		b.StopTimer()
		// Every request came from 127.0.0.1: the flood rule lets 120 a
		// minute of them count. The rest are refused, not lost.
		want := int64(min(b.N, 120))
		verifyViews(b, e, ids, want)
	})
}

// BenchmarkStreams opens 10,000 live streams on loopback, measures the
// memory the node holds for them, then publishes one story and measures
// how long until every stream has it.
//
//	go test -run '^$' -bench Streams -benchtime 1x ./http
func BenchmarkStreams(b *testing.B) {
	const streams = 9000 // two descriptors each, under the 20,000 limit
	for i := 0; i < b.N; i++ {
		e := newEnv(b, false)
		ts := httptest.NewServer(e.srv)
		ctx, cancel := context.WithCancel(context.Background())
		go e.srv.RunReadership(ctx)
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		conns := make([]net.Conn, 0, streams)
		readers := make([]*bufio.Reader, 0, streams)
		addr := strings.TrimPrefix(ts.URL, "http://")
		for j := 0; j < streams; j++ {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				b.Fatalf("stream %d: %v", j, err)
			}
			fmt.Fprintf(c, "GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n")
			r := bufio.NewReaderSize(c, 512)
			for { // the headers and the opening comment
				line, err := r.ReadString('\n')
				if err != nil {
					b.Fatal(err)
				}
				if strings.HasPrefix(line, ": dateline live") {
					break
				}
			}
			conns, readers = append(conns, c), append(readers, r)
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		used := float64(after.HeapInuse+after.StackInuse) - float64(before.HeapInuse+before.StackInuse)
		b.ReportMetric(used/streams, "B/stream")
		b.ReportMetric(used/(1<<20), "MiB-total")

		start := time.Now()
		e.publish(fmt.Sprintf("urn:bench:stream:%d", i), "Fan-out story", "politics", "")
		var wg sync.WaitGroup
		var missing atomic.Int64
		for j := range conns {
			wg.Add(1)
			go func(j int) {
				defer wg.Done()
				conns[j].SetReadDeadline(time.Now().Add(20 * time.Second))
				for {
					line, err := readers[j].ReadString('\n')
					if err != nil {
						missing.Add(1)
						return
					}
					if strings.Contains(line, "Fan-out story") {
						return
					}
				}
			}(j)
		}
		wg.Wait()
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms-fanout")
		if missing.Load() > 0 {
			b.Errorf("%d streams did not get the story", missing.Load())
		}
		for _, c := range conns {
			c.Close()
		}
		cancel()
		ts.Close()
	}
}
