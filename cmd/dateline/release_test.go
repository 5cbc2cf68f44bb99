package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/metrics"
)

// TestReleaser: the release timer publishes an embargoed story at its
// instant, to the millisecond, never before, and re-aims when told of an
// earlier embargo; on both engines.
func TestReleaser(t *testing.T) {
	store := openTestStore(t, dbArgs(t, t.TempDir()))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var released []time.Time
	rel := newReleaser(store, func() {
		mu.Lock()
		released = append(released, time.Now())
		mu.Unlock()
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rel.metrics = metrics.New()
	done := make(chan struct{})
	go func() { rel.Run(ctx); close(done) }()

	store1 := func(uri string, at time.Time) int64 {
		a := &dateline.Article{URI: uri, Section: "world", Lang: "en", Headline: "Embargoed " + uri, Status: dateline.StatusPublished,
			EmbargoUntil: at, SourceVersion: time.Now().Truncate(time.Millisecond), Source: "wire", Urgency: 5}
		rs, err := store.UpsertArticles(ctx, []*dateline.Article{a}, time.Now())
		if err != nil || rs[0].Refused != nil || rs[0].Status != dateline.StatusScheduled {
			t.Fatalf("store %s: %+v %v", uri, rs, err)
		}
		rel.Wake()
		return rs[0].ID
	}
	// A later embargo first, then an earlier one: the timer must re-aim.
	late := time.Now().Add(1500 * time.Millisecond).Truncate(time.Millisecond).Add(321 * time.Millisecond)
	early := time.Now().Add(700 * time.Millisecond).Truncate(time.Millisecond).Add(123 * time.Millisecond)
	lateID := store1("urn:rel:late", late)
	earlyID := store1("urn:rel:early", early)
	// A planned publication from the newsroom, no embargo, due with the
	// early one: the release lag counts it apart.
	planned := &dateline.Article{URI: "urn:rel:planned", Section: "world", Lang: "en", Headline: "Planned", Status: dateline.StatusScheduled,
		EmbargoUntil: early, Source: "newsroom", Urgency: 5}
	if err := store.SaveArticle(ctx, planned, 0, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	rel.Wake()

	for _, c := range []struct {
		id int64
		at time.Time
	}{{earlyID, early}, {lateID, late}} {
		for {
			a, err := store.Article(ctx, c.id)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			if a.Status == dateline.StatusPublished {
				if now.Before(c.at) {
					t.Fatalf("story %d published at %v, before its embargo %v", c.id, now, c.at)
				}
				if lag := now.Sub(c.at); lag > 500*time.Millisecond {
					t.Errorf("story %d published %v after its embargo", c.id, lag)
				}
				break
			}
			if now.After(c.at.Add(3 * time.Second)) {
				t.Fatalf("story %d still %s 3 s after its embargo", c.id, a.Status)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	// The store commits a release before the releaser tells of it.
	var n int
	var first time.Time
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		n = len(released)
		if n > 0 {
			first = released[0]
		}
		mu.Unlock()
		if n >= 2 || time.Now().After(deadline) {
			break
		}
	}
	if n != 2 || first.Before(early) {
		t.Errorf("changed %d times, first at %v (embargo %v)", n, first, early)
	}
	if a, err := store.Article(ctx, planned.ID); err != nil || a.Status != dateline.StatusPublished {
		t.Errorf("the planned story: %v", err)
	}
	// The release lag by kind: two releases of embargoed stories, one
	// of a planned publication.
	lags := map[string]uint64{}
	fams, err := rel.metrics.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == metrics.ReleaseLag {
			for _, m := range f.GetMetric() {
				lags[m.GetLabel()[0].GetValue()] += m.GetHistogram().GetSampleCount()
			}
		}
	}
	if lags[metrics.Embargoed] != 2 || lags[metrics.Scheduled] != 1 || len(lags) != 2 {
		t.Errorf("release lag samples by kind: %v", lags)
	}
	cancel()
	<-done
}
