package views

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"dateline"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// memSink keeps what a store would get.
type memSink struct {
	mu   sync.Mutex
	got  map[[2]int64]int64
	fail bool
}

func (m *memSink) AddViews(_ context.Context, vs []dateline.ViewCount) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail {
		return errors.New("store away")
	}
	if m.got == nil {
		m.got = map[[2]int64]int64{}
	}
	for _, v := range vs {
		m.got[[2]int64{v.ArticleID, v.Minute}] += v.Count
	}
	return nil
}

func (m *memSink) total(article int64) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var n int64
	for k, v := range m.got {
		if k[0] == article {
			n += v
		}
	}
	return n
}

const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
const safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"

func TestRepeatsBotsAndReaders(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	v := New(c.now)
	want := func(o, w Outcome) {
		t.Helper()
		if o != w {
			t.Errorf("got %v, want %v", o, w)
		}
	}
	want(v.View(1, "10.0.0.1", firefox), Counted)
	want(v.View(1, "10.0.0.1", firefox), Repeated)
	want(v.View(1, "10.0.0.1", safari), Counted) // another browser behind the same address
	want(v.View(1, "10.0.0.2", firefox), Counted)
	want(v.View(2, "10.0.0.1", firefox), Counted) // another story
	for _, ua := range []string{"", "Googlebot/2.1 (+http://www.google.com/bot.html)", "Mozilla/5.0 (compatible; bingbot/2.0)",
		"curl/8.5.0", "python-requests/2.31", "Mozilla/5.0 (compatible; YandexBot/3.0)", "facebookexternalhit/1.1",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36", "TelegramBot (like TwitterBot)"} {
		want(v.View(1, "10.0.0.9", ua), Bot)
	}
	c.add(29*time.Minute + 59*time.Second)
	want(v.View(1, "10.0.0.1", firefox), Repeated)
	c.add(time.Second) // 30 minutes after the first view
	want(v.View(1, "10.0.0.1", firefox), Counted)
	s := &memSink{}
	if err := v.Flush(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if s.total(1) != 4 || s.total(2) != 1 {
		t.Errorf("article 1: %d, article 2: %d", s.total(1), s.total(2))
	}
	if v.Pending() != 0 {
		t.Error("counts left after a flush")
	}
}

func TestRepeatAcrossMidnight(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 27, 23, 50, 0, 0, time.UTC)}
	v := New(c.now)
	if v.View(7, "10.0.0.1", firefox) != Counted {
		t.Fatal("first view")
	}
	c.add(15 * time.Minute) // 00:05 the next day: a new salt
	if o := v.View(7, "10.0.0.1", firefox); o != Repeated {
		t.Errorf("repeat across midnight: %v", o)
	}
	c.add(20 * time.Minute) // 00:25, 35 minutes after the first view
	if o := v.View(7, "10.0.0.1", firefox); o != Counted {
		t.Errorf("after 30 minutes: %v", o)
	}
}

func TestFloodFromOneAddress(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	v := New(c.now)
	counted := 0
	for i := 0; i < 1000; i++ {
		// A different story each time, so only the flood rule stops it.
		if v.View(int64(i+1), "10.6.6.6", firefox) == Counted {
			counted++
		}
	}
	if counted != PerAddress {
		t.Errorf("a flood counted %d views, want %d", counted, PerAddress)
	}
	if v.View(1, "10.0.0.1", firefox) != Counted {
		t.Error("another reader is refused during the flood")
	}
	c.add(time.Minute)
	if v.View(5000, "10.6.6.6", firefox) != Counted {
		t.Error("the address is still refused the next minute")
	}
}

func TestFlushKeepsCountsWhenTheStoreFails(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	v := New(c.now)
	for i := 0; i < 10; i++ {
		v.View(1, "10.0.0."+string(rune('0'+i)), firefox)
	}
	s := &memSink{fail: true}
	if err := v.Flush(context.Background(), s); err == nil {
		t.Fatal("no error from a failing store")
	}
	s.fail = false
	if err := v.Flush(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if s.total(1) != 10 {
		t.Errorf("after a failed flush: %d", s.total(1))
	}
}

func TestRunFlushesOnShutdown(t *testing.T) {
	v := New(nil)
	s := &memSink{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { v.Run(ctx, s, time.Hour, nil); close(done) }()
	for i := 0; i < 50; i++ {
		v.View(3, "192.0.2."+itoa(i), firefox)
	}
	cancel()
	<-done
	if s.total(3) != 50 {
		t.Errorf("shutdown flushed %d of 50", s.total(3))
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func TestConcurrentViewsAreAllCounted(t *testing.T) {
	v := New(nil)
	s := &memSink{}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				v.View(int64(i%10+1), "10."+itoa(g)+"."+itoa(i/250)+"."+itoa(i%250), firefox)
				if i%100 == 0 {
					v.Flush(context.Background(), s)
				}
			}
		}(g)
	}
	wg.Wait()
	v.Flush(context.Background(), s)
	var n int64
	for a := int64(1); a <= 10; a++ {
		n += s.total(a)
	}
	if n != 8000 {
		t.Errorf("counted %d of 8000", n)
	}
}

func BenchmarkView(b *testing.B) {
	v := New(nil)
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			v.View(int64(i%1000+1), "10.1."+itoa(i%250)+"."+itoa(i/250%250), firefox)
		}
	})
}
