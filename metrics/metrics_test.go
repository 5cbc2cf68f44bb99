package metrics

import (
	"testing"
	"time"

	"dateline"
)

// TestNilRecordsNothing: every method is safe on a nil *Metrics.
func TestNilRecordsNothing(t *testing.T) {
	var m *Metrics
	m.Request("GET /{$}", 200, "hit", time.Millisecond)
	m.Render("home", time.Millisecond)
	m.Ingest("wire", "created")
	m.ReleaseLag(Embargoed, time.Second)
	m.Search(time.Millisecond)
	m.Query("article", time.Millisecond)
	m.Beacons("received", 1)
	m.Fetch("rates", "ok")
	m.Gauge("x", "x", func() float64 { return 0 })
	m.Counter("y", "y", func() float64 { return 0 })
	m.Pools(func() []dateline.PoolStats { return nil })
	m.FreeSpace(t.TempDir(), "data")
}

// TestGather: what the node's parts record is in its registry, and two
// nodes in one process keep apart.
func TestGather(t *testing.T) {
	a, b := New(), New()
	a.FreeSpace(t.TempDir(), "data")
	a.Fetch("partner", "error")
	a.ReleaseLag(Scheduled, 1500*time.Millisecond)
	a.Pools(func() []dateline.PoolStats {
		return []dateline.PoolStats{{Pool: "write", InUse: 1, Max: 1, Waits: 3, WaitDuration: time.Second}}
	})
	got := map[string]float64{}
	fams, err := a.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			switch {
			case m.GetGauge() != nil:
				got[f.GetName()] += m.GetGauge().GetValue()
			case m.GetCounter() != nil:
				got[f.GetName()] += m.GetCounter().GetValue()
			case m.GetHistogram() != nil:
				got[f.GetName()] += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	if got[DataFree] <= 0 {
		t.Errorf("free space %v", got[DataFree])
	}
	if got[Fetches] != 1 || got[ReleaseLag] != 1 || got[DBWaits] != 3 || got[DBWaitTime] != 1 {
		t.Errorf("got %v", got)
	}
	fams, err = b.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == Fetches && len(f.GetMetric()) > 0 {
			t.Error("the second node shares the first one's counts")
		}
	}
}

// BenchmarkQuery is what recording one query's time costs.
func BenchmarkQuery(b *testing.B) {
	m := New()
	b.ReportAllocs()
	for b.Loop() {
		m.Query("select articles", time.Millisecond)
	}
}

// BenchmarkRequest is what counting one request costs.
func BenchmarkRequest(b *testing.B) {
	m := New()
	b.ReportAllocs()
	for b.Loop() {
		m.Request("GET /{section}/{id}", 200, "hit", time.Millisecond)
	}
}
