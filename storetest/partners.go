package storetest

import (
	"fmt"
	"testing"
	"time"

	"dateline"
)

// testPartners checks dateline.Partners: registering, claiming due feeds
// once, replacing and keeping entries, the newest across feeds of a kind,
// and deleting.
func testPartners(t *testing.T, s dateline.Store) {
	ps := s
	a := &dateline.PartnerFeed{Name: "Alpha Agency", URL: "https://alpha.example/rss", Kind: dateline.PartnerNews, CreatedAt: base}
	b := &dateline.PartnerFeed{Name: "Beta Daily", URL: "https://beta.example/feed.json", Kind: dateline.PartnerNews, CreatedAt: base,
		State: dateline.PartnerState{NextAt: base.Add(time.Hour)}}
	m := &dateline.PartnerFeed{Name: "Media Review", URL: "http://media.example/atom", Kind: dateline.PartnerMedia, CreatedAt: base}
	for _, f := range []*dateline.PartnerFeed{a, b, m} {
		if err := ps.CreatePartnerFeed(ctx, f, time.Now()); err != nil || f.ID == 0 {
			t.Fatalf("CreatePartnerFeed(%s) = %v, id %d", f.Name, err, f.ID)
		}
	}
	wantCode(t, ps.CreatePartnerFeed(ctx, &dateline.PartnerFeed{Name: "Again", URL: a.URL, Kind: dateline.PartnerMedia}, time.Now()), dateline.ECONFLICT)
	for _, bad := range []dateline.PartnerFeed{
		{Name: "", URL: "https://x.example/", Kind: dateline.PartnerNews},
		{Name: "X", URL: "ftp://x.example/", Kind: dateline.PartnerNews},
		{Name: "X", URL: "https://x.example/", Kind: "blog"},
	} {
		wantCode(t, ps.CreatePartnerFeed(ctx, &bad, time.Now()), dateline.EINVALID)
	}
	wantCode(t, ps.SavePartnerFetch(ctx, 9999, dateline.PartnerState{NextAt: base}, nil), dateline.ENOTFOUND)
	if _, err := ps.PartnerFeed(ctx, 9999); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("PartnerFeed(9999) = %v, want ENOTFOUND", err)
	}

	// Due now: a and m, not b. A second claim at the same time gets none.
	claimed, err := ps.ClaimPartnerFeeds(ctx, base, 5*time.Minute, 10)
	if err != nil || len(claimed) != 2 || claimed[0].ID != a.ID || claimed[1].ID != m.ID {
		t.Fatalf("ClaimPartnerFeeds = %+v, %v; want Alpha and Media", claimed, err)
	}
	if !claimed[0].State.NextAt.Equal(base.Add(5 * time.Minute)) {
		t.Errorf("claimed NextAt = %v, want %v", claimed[0].State.NextAt, base.Add(5*time.Minute))
	}
	if again, err := ps.ClaimPartnerFeeds(ctx, base, 5*time.Minute, 10); err != nil || len(again) != 0 {
		t.Errorf("second claim = %+v, %v; want none", again, err)
	}

	// 25 entries: the 20 newest are kept.
	var es []dateline.PartnerEntry
	for i := range 25 {
		es = append(es, dateline.PartnerEntry{Title: fmt.Sprintf("Alpha %02d", i), Link: fmt.Sprintf("https://alpha.example/%d", i),
			Summary: "Текст " + fmt.Sprint(i), PublishedAt: base.Add(-time.Duration(25-i) * time.Minute)})
	}
	ok1 := dateline.PartnerState{FetchedAt: base, NextAt: base.Add(30 * time.Minute), Status: "ok", ETag: `"v1"`, LastModified: "Fri, 23 Oct 2026 10:00:00 GMT"}
	if err := ps.SavePartnerFetch(ctx, a.ID, ok1, es); err != nil {
		t.Fatal(err)
	}
	mst := dateline.PartnerState{FetchedAt: base, NextAt: base.Add(30 * time.Minute), Status: "ok"}
	if err := ps.SavePartnerFetch(ctx, m.ID, mst, []dateline.PartnerEntry{{Title: "Media one", Link: "https://media.example/1", PublishedAt: base}}); err != nil {
		t.Fatal(err)
	}
	got, err := ps.PartnerEntries(ctx, dateline.PartnerNews, 100)
	if err != nil || len(got) != 20 || got[0].Title != "Alpha 24" || got[19].Title != "Alpha 05" || got[0].FeedName != "Alpha Agency" ||
		got[0].Summary != "Текст 24" || !got[0].PublishedAt.Equal(base.Add(-time.Minute)) || got[0].FeedID != a.ID {
		t.Fatalf("PartnerEntries(partner) = %d entries, first %+v, %v", len(got), first(got), err)
	}
	if got, err := ps.PartnerEntries(ctx, dateline.PartnerNews, 3); err != nil || len(got) != 3 {
		t.Errorf("PartnerEntries(limit 3) = %d, %v", len(got), err)
	}

	// Beta's entries interleave with Alpha's, newest first across feeds.
	bst := dateline.PartnerState{FetchedAt: base, NextAt: base.Add(time.Hour), Status: "ok"}
	if err := ps.SavePartnerFetch(ctx, b.ID, bst, []dateline.PartnerEntry{{Title: "Beta new", Link: "https://beta.example/1", PublishedAt: base.Add(time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := ps.PartnerEntries(ctx, dateline.PartnerNews, 2); len(got) != 2 || got[0].Title != "Beta new" || got[1].Title != "Alpha 24" {
		t.Errorf("across feeds: %+v", got)
	}
	if got, _ := ps.PartnerEntries(ctx, dateline.PartnerMedia, 10); len(got) != 1 || got[0].FeedName != "Media Review" {
		t.Errorf("media entries: %+v", got)
	}

	// A failed fetch (nil entries) keeps the entries and records the error.
	failed := dateline.PartnerState{FetchedAt: base.Add(time.Hour), NextAt: base.Add(65 * time.Minute), Status: "error",
		Error: "The feed is not valid XML.", Failures: 1, ETag: ok1.ETag, LastModified: ok1.LastModified}
	if err := ps.SavePartnerFetch(ctx, a.ID, failed, nil); err != nil {
		t.Fatal(err)
	}
	f, err := ps.PartnerFeed(ctx, a.ID)
	if err != nil || f.Entries != 20 || f.State != failed || f.Name != a.Name || f.URL != a.URL || f.Kind != a.Kind || !f.CreatedAt.Equal(base) {
		t.Errorf("after a failure: %+v, %v; want state %+v and 20 entries", f, err, failed)
	}
	list, err := ps.PartnerFeeds(ctx)
	if err != nil || len(list) != 3 || list[0].Name != "Alpha Agency" || list[0].Entries != 20 || list[1].Entries != 1 || list[2].Name != "Media Review" {
		t.Errorf("PartnerFeeds = %+v, %v", list, err)
	}
	if list[1].State.FetchedAt.IsZero() || (dateline.PartnerState{}).FetchedAt != (time.Time{}) {
		t.Errorf("Beta's fetch time was not kept: %+v", list[1].State)
	}

	// Deleting a feed drops its entries.
	if err := ps.DeletePartnerFeed(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, ps.DeletePartnerFeed(ctx, a.ID), dateline.ENOTFOUND)
	if got, _ := ps.PartnerEntries(ctx, dateline.PartnerNews, 100); len(got) != 1 || got[0].Title != "Beta new" {
		t.Errorf("after deleting Alpha: %+v", got)
	}
}

func first(es []dateline.PartnerEntry) any {
	if len(es) == 0 {
		return nil
	}
	return es[0]
}
