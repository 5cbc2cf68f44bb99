package demo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"dateline"
)

// The demo shows every block of the site on its first start: "Most read"
// from views seeded over the last day, and "Partner News" and "In other
// media" from partner items shipped with the demo (a partner's feed on
// loopback is rightly refused, and the demo must not fetch the internet).

// seedViews gives the demo's stories views over the last day, the newest
// read most, so that every "Most read" list (now, today, this week) has
// seven stories or more.
func seedViews(ctx context.Context, store dateline.Store, ids map[string]int64, now time.Time) error {
	keys := make([]string, 0, len(ids))
	for k := range ids {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var counts []dateline.ViewCount
	for i, k := range keys {
		// A spread of counts that does not follow the order of the
		// keys, so the lists do not read alphabetically.
		base := int64(40 + (i*37)%90)
		for ago := range 3 {
			counts = append(counts, dateline.ViewCount{ArticleID: ids[k], Minute: dateline.Minute(now.Add(-time.Duration(ago*20) * time.Minute)), Count: base / int64(ago+1)})
		}
		counts = append(counts, dateline.ViewCount{ArticleID: ids[k], Minute: dateline.Minute(now.Add(-6 * time.Hour)), Count: base * 2})
	}
	if err := store.AddViews(ctx, counts); err != nil {
		return fmt.Errorf("demo: views: %w", err)
	}
	if err := store.ExpireViews(ctx, now); err != nil {
		return fmt.Errorf("demo: views: %w", err)
	}
	return nil
}

// partnerItems are the demo's partner feeds and their items: invented
// outlets at example addresses.
var partnerItems = []struct {
	feed    dateline.PartnerFeed
	entries []dateline.PartnerEntry
}{
	{dateline.PartnerFeed{Name: "Northern Wire", URL: "https://northern-wire.example/feed.rss", Kind: dateline.PartnerNews}, []dateline.PartnerEntry{
		{Title: "Port authority approves winter shipping schedule", Link: "https://northern-wire.example/news/winter-shipping", Summary: "Icebreaker escorts will begin a week earlier than last year."},
		{Title: "Regional airline adds three routes to the Arctic coast", Link: "https://northern-wire.example/news/arctic-routes", Summary: "Flights start in January."},
		{Title: "University opens a centre for permafrost research", Link: "https://northern-wire.example/news/permafrost-centre", Summary: "The centre will monitor 40 sites."},
		{Title: "City council votes on a new tram line", Link: "https://northern-wire.example/news/tram-line", Summary: "The line would link the port to the centre."},
	}},
	{dateline.PartnerFeed{Name: "Steppe Courier", URL: "https://steppe-courier.example/rss", Kind: dateline.PartnerNews}, []dateline.PartnerEntry{
		{Title: "Grain exporters expect a record season", Link: "https://steppe-courier.example/grain-season", Summary: "Harvest estimates were raised again."},
		{Title: "Wind farm reaches full capacity", Link: "https://steppe-courier.example/wind-farm", Summary: "It now powers 200,000 homes."},
	}},
	{dateline.PartnerFeed{Name: "The Morning Ledger", URL: "https://morning-ledger.example/feed", Kind: dateline.PartnerMedia}, []dateline.PartnerEntry{
		{Title: "What the rate cut means for mortgages", Link: "https://morning-ledger.example/rate-cut-mortgages", Summary: "Lenders are expected to follow within weeks."},
		{Title: "Inside the talks that saved the summit", Link: "https://morning-ledger.example/summit-talks", Summary: "Three days of negotiations, told by those in the room."},
		{Title: "Five charts on the year in energy", Link: "https://morning-ledger.example/energy-charts", Summary: "Prices, output and what comes next."},
	}},
	{dateline.PartnerFeed{Name: "Business Daily Review", URL: "https://bdr.example/rss.xml", Kind: dateline.PartnerMedia}, []dateline.PartnerEntry{
		{Title: "Carmakers bet on local parts", Link: "https://bdr.example/carmakers-local-parts", Summary: "Suppliers report orders up by a third."},
		{Title: "The quiet boom in regional tourism", Link: "https://bdr.example/regional-tourism", Summary: "Hotels outside the capitals are full."},
	}},
}

// loadPartners stores the demo's partner feeds with their items, marked
// as fetched and not to be fetched again for a year.
func loadPartners(ctx context.Context, store dateline.Store, now time.Time) error {
	for i, p := range partnerItems {
		f := p.feed
		if err := store.CreatePartnerFeed(ctx, &f, now); err != nil {
			return fmt.Errorf("demo: partner %s: %w", f.Name, err)
		}
		entries := make([]dateline.PartnerEntry, len(p.entries))
		for j, e := range p.entries {
			e.PublishedAt = now.Add(-time.Duration(i*3+j*5+1) * time.Hour).Truncate(time.Second)
			entries[j] = e
		}
		st := dateline.PartnerState{FetchedAt: now, NextAt: now.AddDate(1, 0, 0), Status: "ok"}
		if err := store.SavePartnerFetch(ctx, f.ID, st, entries); err != nil {
			return fmt.Errorf("demo: partner %s: %w", f.Name, err)
		}
	}
	return nil
}
