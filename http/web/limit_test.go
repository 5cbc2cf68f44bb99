package web

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	l := &Limiter{Rate: 2, Burst: 3}
	now := time.Unix(1000, 0)
	for i := range 3 {
		if ok, _ := l.Allow("a", now); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow("a", now)
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("fourth at once: ok %v, wait %v; want refused, 500ms", ok, wait)
	}
	if ok, _ := l.Allow("b", now); !ok {
		t.Fatal("another key shares the first one's bucket")
	}
	if ok, _ := l.Allow("a", now.Add(500*time.Millisecond)); !ok {
		t.Fatal("a token did not come back after half a second at 2 a second")
	}
	if ok, _ := l.Allow("a", now.Add(500*time.Millisecond)); ok {
		t.Fatal("one token came back, two were spent")
	}
	// An hour away the bucket is full again, not more than full.
	later := now.Add(time.Hour)
	for range 3 {
		l.Allow("a", later)
	}
	if ok, _ := l.Allow("a", later); ok {
		t.Fatal("the bucket held more than its burst")
	}
}
