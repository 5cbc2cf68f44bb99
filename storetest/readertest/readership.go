// Package readertest is the storage suite of dateline.Readership (views,
// rankings, neighbours, the event log), run by storetest.Run on every
// engine.
package readertest

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/storetest/kit"
)

// Tests are the suite's tests of dateline.Readership; storetest.Run runs
// them with the others.
var Tests = []kit.Test{
	{Name: "ViewWindowEdges", Fn: testViewWindowEdges},
	{Name: "LateViews", Fn: testLateViews},
	{Name: "ViewBatches", Fn: testViewBatches},
	{Name: "ConcurrentViews", Fn: testConcurrentViews},
	{Name: "MostRead", Fn: testMostRead},
	{Name: "MostReadLimits", Fn: testMostReadLimits},
	{Name: "Neighbours", Fn: testNeighbours},
	{Name: "NeighboursOfPopularTags", Fn: testNeighboursPopular},
	{Name: "PublishedIDs", Fn: testPublishedIDs},
	{Name: "Events", Fn: testEvents},
	{Name: "EventsNewsroom", Fn: testEventsNewsroom},
	{Name: "EventsPaging", Fn: testEventsPaging},
	{Name: "EventsInCommitOrder", Fn: testEventsInCommitOrder},
}

// m0 is the minute of base, from which the view tests count.
var m0 = dateline.Minute(kit.Base)

// at is a time in minute m; sec moves it within the minute, which must not
// matter.
func at(m int64, sec int) time.Time { return time.Unix(m*60+int64(sec), 0).UTC() }

func addViews(t testing.TB, r dateline.Readership, counts ...dateline.ViewCount) {
	t.Helper()
	if err := r.AddViews(kit.Ctx, counts); err != nil {
		t.Fatalf("AddViews: %v", err)
	}
}

func expire(t testing.TB, r dateline.Readership, now time.Time) {
	t.Helper()
	if err := r.ExpireViews(kit.Ctx, now); err != nil {
		t.Fatalf("ExpireViews(%v): %v", now, err)
	}
}

func wantViews(t testing.TB, r dateline.Readership, id int64, want [3]int64, when string) {
	t.Helper()
	got, err := r.ViewsOf(kit.Ctx, id)
	if err != nil {
		t.Fatalf("ViewsOf(%d): %v", id, err)
	}
	if got != want {
		t.Errorf("%s: views of %d (now, today, week) = %v, want %v", when, id, got, want)
	}
}

// testViewWindowEdges follows two minutes of views through each window: a
// view in minute m counts in a window of W minutes from minute m to
// m+W-1, and not from m+W. Expiring twice, or at an earlier time than
// before, changes nothing.
func testViewWindowEdges(t *testing.T, s dateline.Store) {
	r := dateline.Readership(s)
	id := kit.Upsert(t, s, kit.Base, kit.Article("urn:views:1", "politics", kit.Base.Add(-time.Hour)))[0].ID
	wantViews(t, r, id, [3]int64{}, "before any view")
	addViews(t, r, dateline.ViewCount{ArticleID: id, Minute: m0, Count: 1}, dateline.ViewCount{ArticleID: id, Minute: m0 + 1, Count: 10})
	wantViews(t, r, id, [3]int64{11, 11, 11}, "before any expiry")
	steps := []struct {
		minute int64
		want   [3]int64
	}{
		{m0, [3]int64{11, 11, 11}},
		{m0 + 59, [3]int64{11, 11, 11}},
		{m0 + 60, [3]int64{10, 11, 11}},
		{m0 + 61, [3]int64{0, 11, 11}},
		{m0 + 1439, [3]int64{0, 11, 11}},
		{m0 + 1440, [3]int64{0, 10, 11}},
		{m0 + 1441, [3]int64{0, 0, 11}},
		{m0 + 10079, [3]int64{0, 0, 11}},
		{m0 + 10080, [3]int64{0, 0, 10}},
		{m0 + 10081, [3]int64{0, 0, 0}},
	}
	for i, st := range steps {
		when := fmt.Sprintf("at m0+%d", st.minute-m0)
		expire(t, r, at(st.minute, i*7%60))
		wantViews(t, r, id, st.want, when)
		expire(t, r, at(st.minute, 59))
		wantViews(t, r, id, st.want, when+", expired twice")
		expire(t, r, at(st.minute-30, 0))
		wantViews(t, r, id, st.want, when+", expired at an earlier time")
		for p, period := range dateline.Periods {
			list, err := r.MostRead(kit.Ctx, period, "", 10)
			if err != nil {
				t.Fatal(err)
			}
			if n := st.want[p]; (n > 0) != (len(list) == 1) || (n > 0 && (list[0].ID != id || list[0].Views != n)) {
				t.Errorf("%s: MostRead(%s) = %+v, want %d views", when, period, list, n)
			}
		}
	}
	// The article without views left the windows' table.
	wantRows(t, s, "view_windows", 0)
	wantRows(t, s, "view_minutes", 2)
	// New views after all that count again from their minute.
	m := m0 + 10081
	addViews(t, r, dateline.ViewCount{ArticleID: id, Minute: m, Count: 3})
	wantViews(t, r, id, [3]int64{3, 3, 3}, "a new view")
	expire(t, r, at(m+60, 0))
	wantViews(t, r, id, [3]int64{0, 3, 3}, "a new view an hour later")
	// Minutes go an hour after they left the week.
	wantRows(t, s, "view_minutes", 1)
}

// wantRows checks the number of rows in a table, through dateline.Transfer.
func wantRows(t *testing.T, s dateline.Store, table string, want int64) {
	t.Helper()
	tr := s
	for _, tb := range dateline.Tables {
		if tb.Name == table {
			if n, err := tr.CountRows(kit.Ctx, tb); err != nil || n != want {
				t.Errorf("%s has %d rows (%v), want %d", table, n, err, want)
			}
			return
		}
	}
	t.Fatalf("no table %s", table)
}

// testLateViews adds counts for minutes that already left some windows:
// each goes only to the windows its minute is still in, and leaves them
// once.
func testLateViews(t *testing.T, s dateline.Store) {
	r := dateline.Readership(s)
	id := kit.Upsert(t, s, kit.Base, kit.Article("urn:views:late", "world", kit.Base.Add(-time.Hour)))[0].ID
	// Edges: "now" holds minutes after m0+40, "today" after m0-1340, "week"
	// after m0-9980.
	expire(t, r, at(m0+100, 0))
	addViews(t, r,
		dateline.ViewCount{ArticleID: id, Minute: m0 + 100, Count: 1},   // every window
		dateline.ViewCount{ArticleID: id, Minute: m0 + 40, Count: 2},    // left "now"
		dateline.ViewCount{ArticleID: id, Minute: m0 + 41, Count: 4},    // every window
		dateline.ViewCount{ArticleID: id, Minute: m0 - 1340, Count: 8},  // left "today"
		dateline.ViewCount{ArticleID: id, Minute: m0 - 9980, Count: 16}, // left every window
		dateline.ViewCount{ArticleID: id, Minute: m0 - 1339, Count: 32}, // "today" and "week"
	)
	wantViews(t, r, id, [3]int64{1 + 4, 1 + 2 + 4 + 32, 1 + 2 + 4 + 8 + 32}, "late views")
	expire(t, r, at(m0+100, 30))
	wantViews(t, r, id, [3]int64{5, 39, 47}, "late views, expired again at the same minute")
	expire(t, r, at(m0+101, 0))
	wantViews(t, r, id, [3]int64{1, 7, 47}, "a minute later")
	expire(t, r, at(m0-1339+10080, 0))
	wantViews(t, r, id, [3]int64{0, 0, 1 + 2 + 4}, "when the oldest minutes left the week")
	expire(t, r, at(m0+100+10080, 0))
	wantViews(t, r, id, [3]int64{0, 0, 0}, "a week after the newest")
	for _, p := range dateline.Periods {
		if list, _ := r.MostRead(kit.Ctx, p, "", 10); len(list) != 0 {
			t.Errorf("MostRead(%s) without views = %+v", p, list)
		}
	}
}

// testViewBatches: a batch adds up repeated counts and drops counts that
// are not positive or name no article, without failing.
func testViewBatches(t *testing.T, s dateline.Store) {
	r := dateline.Readership(s)
	rs := kit.Upsert(t, s, kit.Base, kit.Article("urn:views:b1", "politics", kit.Base), kit.Article("urn:views:b2", "politics", kit.Base))
	a, b := rs[0].ID, rs[1].ID
	addViews(t, r,
		dateline.ViewCount{ArticleID: a, Minute: m0, Count: 2},
		dateline.ViewCount{ArticleID: a, Minute: m0, Count: 3},
		dateline.ViewCount{ArticleID: a, Minute: m0 + 1, Count: 1},
		dateline.ViewCount{ArticleID: b, Minute: m0, Count: 0},
		dateline.ViewCount{ArticleID: b, Minute: m0, Count: -5},
		dateline.ViewCount{ArticleID: 0, Minute: m0, Count: 5},
		dateline.ViewCount{ArticleID: -1, Minute: m0, Count: 5},
		dateline.ViewCount{ArticleID: b + 1000, Minute: m0, Count: 5},
		dateline.ViewCount{ArticleID: b, Minute: m0 + 2, Count: 7},
	)
	if err := r.AddViews(kit.Ctx, nil); err != nil {
		t.Errorf("AddViews(nil): %v", err)
	}
	wantViews(t, r, a, [3]int64{6, 6, 6}, "batch")
	wantViews(t, r, b, [3]int64{7, 7, 7}, "batch")
	wantViews(t, r, b+1000, [3]int64{}, "an unknown article")
	wantViews(t, r, 0, [3]int64{}, "id 0")
	// A batch of many rows at once.
	var many []dateline.ViewCount
	for i := range 3000 {
		many = append(many, dateline.ViewCount{ArticleID: []int64{a, b}[i%2], Minute: m0 + int64(i%50), Count: 1})
	}
	addViews(t, r, many...)
	wantViews(t, r, a, [3]int64{1506, 1506, 1506}, "a large batch")
	expire(t, r, at(m0+60+10, 0))
	// a: m0 had 5, m0+1 1, and m0+2k (k < 25) 60 more each; "now" keeps
	// the minutes after m0+10.
	wantViews(t, r, a, [3]int64{1506 - 5 - 1 - 6*60, 1506, 1506}, "a large batch an hour later")
}

// testConcurrentViews adds views and expires windows from several
// goroutines at once, as every node of a cluster does: no count is lost or
// taken twice.
func testConcurrentViews(t *testing.T, s dateline.Store) {
	r := dateline.Readership(s)
	var as []*dateline.Article
	for i := range 20 {
		as = append(as, kit.Article(fmt.Sprintf("urn:views:c%d", i), "world", kit.Base))
	}
	var ids []int64
	for _, res := range kit.Upsert(t, s, kit.Base, as...) {
		ids = append(ids, res.ID)
	}
	// Minutes m0 .. m0+9, expiries at m0+10 .. m0+19 meanwhile: every view
	// is still in every window when it is added, whatever the order.
	want := map[int64]map[int64]int64{} // article, minute: views
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 10 {
				var batch []dateline.ViewCount
				for k, id := range ids {
					if (k+g+round)%3 == 0 {
						continue
					}
					batch = append(batch, dateline.ViewCount{ArticleID: id, Minute: m0 + int64((k+round)%10), Count: int64(1 + g)})
				}
				// The same rows in another order in every other batch.
				if g%2 == 1 {
					slices.Reverse(batch)
				}
				if err := r.AddViews(kit.Ctx, batch); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for _, c := range batch {
					if want[c.ArticleID] == nil {
						want[c.ArticleID] = map[int64]int64{}
					}
					want[c.ArticleID][c.Minute] += c.Count
				}
				mu.Unlock()
			}
		}()
	}
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 10 {
				if err := r.ExpireViews(kit.Ctx, at(m0+10+int64(k), 0)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent views: %v", err)
	}
	check := func(minute int64) {
		t.Helper()
		for _, id := range ids {
			var w [3]int64
			for m, n := range want[id] {
				for p, period := range dateline.Periods {
					if m > minute-period.Minutes() {
						w[p] += n
					}
				}
			}
			wantViews(t, r, id, w, fmt.Sprintf("at m0+%d", minute-m0))
		}
	}
	check(m0 + 19)
	// Then every node expires each following minute at once.
	for _, minute := range []int64{m0 + 64, m0 + 66, m0 + 1445, m0 + 10085, m0 + 10090} {
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for g := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[g] = r.ExpireViews(kit.Ctx, at(minute, g))
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("concurrent ExpireViews: %v", err)
			}
		}
		check(minute)
	}

	// Views of the minutes that "now" is leaving while they are added:
	// whatever the interleaving, each count leaves "now" once if it went
	// in, so once every minute has left, "now" is 0 and nothing else
	// moved.
	q := m0 + 20000
	sums := map[int64]int64{}
	errs = make(chan error, 100)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 20 {
				var batch []dateline.ViewCount
				for k, id := range ids {
					batch = append(batch, dateline.ViewCount{ArticleID: id, Minute: q + int64((k*7+round+g)%20), Count: 1})
				}
				if err := r.AddViews(kit.Ctx, batch); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for _, c := range batch {
					sums[c.ArticleID] += c.Count
				}
				mu.Unlock()
			}
		}()
	}
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 40 {
				if err := r.ExpireViews(kit.Ctx, at(q+40+int64(k), g)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("views at the edge: %v", err)
	}
	expire(t, r, at(q+200, 0))
	for _, id := range ids {
		wantViews(t, r, id, [3]int64{0, sums[id], sums[id]}, "after views at the edge")
	}
}

// listed returns the article as a list shows it, to compare other lists'
// articles with.
func listed(t *testing.T, s dateline.Store, id int64) dateline.Article {
	t.Helper()
	all, err := s.Articles(kit.Ctx, dateline.ArticleFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("article %d is not listed", id)
	return dateline.Article{}
}

func rankedIDs(rs []dateline.Ranked) []int64 {
	out := []int64{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

// testMostRead checks the order (views, then newest, then highest id),
// the section filter, the windows, and that only published articles
// appear, filled like the lists.
func testMostRead(t *testing.T, s dateline.Store) {
	r := dateline.Readership(s)
	photo := &dateline.Photo{URI: "urn:photo:mr", Path: "mr.jpg", Width: 960, Height: 640, Widths: []int{480}, Caption: "Caption"}
	mk := func(uri, section string, pub time.Time) *dateline.Article {
		a := kit.Article(uri, section, pub)
		a.Urgency, a.Breaking, a.Photo = 2, true, photo
		return a
	}
	same := kit.Base.Add(-2 * time.Hour)
	sched := mk("urn:mr:sched", "politics", time.Time{})
	sched.Status, sched.EmbargoUntil = dateline.StatusScheduled, kit.Base.Add(48*time.Hour)
	draft := mk("urn:mr:draft", "politics", kit.Base)
	draft.Status = dateline.StatusDraft
	rs := kit.Upsert(t, s, kit.Base,
		mk("urn:mr:a", "politics", kit.Base.Add(-3*time.Hour)), // 0
		mk("urn:mr:b", "politics", same),                       // 1
		mk("urn:mr:c", "world", same),                          // 2: same time as b, higher id
		mk("urn:mr:d", "world", kit.Base.Add(-time.Hour)),      // 3
		mk("urn:mr:e", "sport", kit.Base.Add(-30*time.Minute)), // 4: week only
		mk("urn:mr:wd", "politics", kit.Base),                  // 5: to be withdrawn
		sched,                                                  // 6
		draft,                                                  // 7
	)
	id := func(i int) int64 { return rs[i].ID }
	v := func(i int, m, n int64) dateline.ViewCount {
		return dateline.ViewCount{ArticleID: id(i), Minute: m, Count: n}
	}
	addViews(t, r,
		v(0, m0, 5), v(0, m0-100, 100), // a: 5 now, 105 today
		v(1, m0, 7), v(2, m0-1, 7), // b and c tie at 7
		v(3, m0, 9), v(3, m0-2000, 1000), // d: most now, most in the week
		v(4, m0-3000, 50), // e: week only
		v(5, m0, 1000), v(6, m0, 1000), v(7, m0, 1000),
	)
	expire(t, r, at(m0, 0))
	wd := mk("urn:mr:wd", "politics", kit.Base)
	wd.Status, wd.SourceVersion = dateline.StatusWithdrawn, kit.Base.Add(time.Second)
	kit.Upsert(t, s, kit.Base, wd)

	for _, c := range []struct {
		p       dateline.Period
		section string
		want    []int64
		views   []int64
	}{
		{dateline.PeriodNow, "", []int64{id(3), id(2), id(1), id(0)}, []int64{9, 7, 7, 5}},
		{dateline.PeriodToday, "", []int64{id(0), id(3), id(2), id(1)}, []int64{105, 9, 7, 7}},
		{dateline.PeriodWeek, "", []int64{id(3), id(0), id(4), id(2), id(1)}, []int64{1009, 105, 50, 7, 7}},
		{dateline.PeriodNow, "politics", []int64{id(1), id(0)}, []int64{7, 5}},
		{dateline.PeriodWeek, "world", []int64{id(3), id(2)}, []int64{1009, 7}},
		{dateline.PeriodNow, "sport", []int64{}, nil},
		{dateline.PeriodWeek, "sport", []int64{id(4)}, []int64{50}},
		{dateline.PeriodWeek, "nosuchsection", []int64{}, nil},
	} {
		list, err := r.MostRead(kit.Ctx, c.p, c.section, 0)
		if err != nil {
			t.Fatalf("MostRead(%s, %q): %v", c.p, c.section, err)
		}
		if got := rankedIDs(list); !kit.SameIDs(got, c.want) {
			t.Errorf("MostRead(%s, %q) = %v, want %v", c.p, c.section, got, c.want)
			continue
		}
		for i, x := range list {
			if x.Views != c.views[i] {
				t.Errorf("MostRead(%s, %q)[%d] has %d views, want %d", c.p, c.section, i, x.Views, c.views[i])
			}
		}
	}
	list, _ := r.MostRead(kit.Ctx, dateline.PeriodNow, "", 2)
	if got := rankedIDs(list); !kit.SameIDs(got, []int64{id(3), id(2)}) {
		t.Errorf("MostRead limit 2 = %v", got)
	}
	// Articles are filled as lists fill them.
	if want := listed(t, s, id(3)); !reflect.DeepEqual(list[0].Article, want) {
		t.Errorf("MostRead article\n%+v\nwant as listed\n%+v", list[0].Article, want)
	}
	if a := list[0].Article; a.Photo == nil || a.SectionName == "" || a.PublishedAt.IsZero() || a.Urgency != 2 || !a.Breaking || len(a.Pages) != 0 {
		t.Errorf("MostRead article not filled: %+v", a)
	}
	_, err := r.MostRead(kit.Ctx, dateline.Period("month"), "", 10)
	kit.WantCode(t, err, dateline.EINVALID)

	// The released story and the republished one come in with their views.
	if _, err := s.PublishDue(kit.Ctx, kit.Base.Add(49*time.Hour)); err != nil {
		t.Fatal(err)
	}
	kit.Restore(t, s, id(5), "", kit.Base)
	// Both have 1000: the released one was published later.
	list, _ = r.MostRead(kit.Ctx, dateline.PeriodNow, "politics", 3)
	if got, want := rankedIDs(list), []int64{id(6), id(5), id(1)}; !kit.SameIDs(got, want) {
		t.Errorf("MostRead after release and republication = %v, want %v", got, want)
	}

	// A story moved to another section takes its views there.
	moved := mk("urn:mr:d", "sport", kit.Base.Add(-time.Hour))
	moved.SourceVersion = kit.Base.Add(time.Second)
	kit.Upsert(t, s, kit.Base, moved)
	for _, c := range []struct {
		section string
		want    []int64
	}{{"sport", []int64{id(3), id(4)}}, {"world", []int64{id(2)}}, {"", []int64{id(3), id(6), id(5)}}} {
		list, _ := r.MostRead(kit.Ctx, dateline.PeriodWeek, c.section, 3)
		if got := rankedIDs(list); !kit.SameIDs(got, c.want) {
			t.Errorf("MostRead(week, %q) after a move = %v, want %v", c.section, got, c.want)
		}
	}
}

// testMostReadLimits: 10 by default, 50 at most.
func testMostReadLimits(t *testing.T, s dateline.Store) {
	r := dateline.Readership(s)
	var as []*dateline.Article
	for i := range 55 {
		as = append(as, kit.Article(fmt.Sprintf("urn:mrl:%d", i), "economy", kit.Base.Add(-time.Duration(i)*time.Minute)))
	}
	var counts []dateline.ViewCount
	for i, res := range kit.Upsert(t, s, kit.Base, as...) {
		counts = append(counts, dateline.ViewCount{ArticleID: res.ID, Minute: m0, Count: int64(1 + i%4)})
	}
	addViews(t, r, counts...)
	for _, c := range []struct{ limit, want int }{{0, 10}, {-1, 10}, {3, 3}, {50, 50}, {51, 50}, {1000, 50}} {
		list, err := r.MostRead(kit.Ctx, dateline.PeriodToday, "", c.limit)
		if err != nil || len(list) != c.want {
			t.Errorf("MostRead limit %d: %d, %v; want %d", c.limit, len(list), err, c.want)
			continue
		}
		for i := 1; i < len(list); i++ {
			p, x := list[i-1], list[i]
			if x.Views > p.Views || (x.Views == p.Views && (x.PublishedAt.After(p.PublishedAt) || x.PublishedAt.Equal(p.PublishedAt) && x.ID > p.ID)) {
				t.Errorf("MostRead limit %d out of order at %d", c.limit, i)
			}
		}
	}
}

// testNeighbours: articles sharing topics or persons, newest first, with
// the count in common; never the article itself, nor unpublished ones.
func testNeighbours(t *testing.T, s dateline.Store) {
	r := dateline.Readership(s)
	tags := func(a *dateline.Article, topics []string, persons []string) *dateline.Article {
		for _, n := range topics {
			a.Topics = append(a.Topics, dateline.Topic{Name: n})
		}
		for _, n := range persons {
			a.Persons = append(a.Persons, dateline.Person{Name: n})
		}
		return a
	}
	h := func(n int) time.Time { return kit.Base.Add(-time.Duration(n) * time.Hour) }
	rs := kit.Upsert(t, s, kit.Base,
		tags(kit.Article("urn:nb:a", "politics", h(10)), []string{"Arctic", "Oil"}, []string{"Anna Petrova"}), // 0
		tags(kit.Article("urn:nb:b", "world", h(1)), []string{"Arctic"}, nil),                                 // 1: 1
		tags(kit.Article("urn:nb:c", "economy", h(5)), []string{"Oil", "Arctic"}, []string{"Anna Petrova"}),   // 2: 3
		tags(kit.Article("urn:nb:d", "world", h(2)), []string{"Oil"}, []string{"Boris"}),                      // 3: 1
		tags(kit.Article("urn:nb:e", "sport", h(3)), nil, []string{"Anna Petrova"}),                           // 4: 1
		tags(kit.Article("urn:nb:f", "sport", h(0)), []string{"Football"}, []string{"Boris"}),                 // 5: 0
		tags(kit.Article("urn:nb:g", "world", h(4)), []string{"Arctic"}, nil),                                 // 6: withdrawn
		tags(kit.Article("urn:nb:h", "world", h(4)), []string{"Oil"}, nil),                                    // 7: draft
		tags(kit.Article("urn:nb:i", "world", h(20)), []string{"Arctic", "Oil"}, nil),                         // 8: 2, oldest
	)
	id := func(i int) int64 { return rs[i].ID }
	g := tags(kit.Article("urn:nb:g", "world", h(4)), []string{"Arctic"}, nil)
	g.Status, g.SourceVersion = dateline.StatusWithdrawn, kit.Base.Add(time.Second)
	hd := tags(kit.Article("urn:nb:h", "world", h(4)), []string{"Oil"}, nil)
	hd.Status, hd.SourceVersion = dateline.StatusDraft, kit.Base.Add(time.Second)
	kit.Upsert(t, s, kit.Base, g, hd)

	list, err := r.Neighbours(kit.Ctx, id(0), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id     int64
		shared int
	}{{id(1), 1}, {id(3), 1}, {id(4), 1}, {id(2), 3}, {id(8), 2}}
	if len(list) != len(want) {
		t.Fatalf("Neighbours = %d articles, want %d: %+v", len(list), len(want), list)
	}
	for i, w := range want {
		if list[i].ID != w.id || list[i].Shared != w.shared {
			t.Errorf("Neighbours[%d] = %d sharing %d, want %d sharing %d", i, list[i].ID, list[i].Shared, w.id, w.shared)
		}
	}
	if a := listed(t, s, id(2)); !reflect.DeepEqual(list[3].Article, a) {
		t.Errorf("Neighbours article\n%+v\nwant as listed\n%+v", list[3].Article, a)
	}
	if list, _ := r.Neighbours(kit.Ctx, id(0), 2); len(list) != 2 || list[0].ID != id(1) {
		t.Errorf("Neighbours limit 2 = %+v", list)
	}
	// Persons count too; a draft has neighbours but is none.
	if list, _ := r.Neighbours(kit.Ctx, id(5), 10); len(list) != 1 || list[0].ID != id(3) || list[0].Shared != 1 {
		t.Errorf("Neighbours of f = %+v", list)
	}
	if list, _ := r.Neighbours(kit.Ctx, id(7), 10); len(list) != 4 {
		t.Errorf("Neighbours of the draft = %d, want 4 (a, c, d, i)", len(list))
	}
	if list, err := r.Neighbours(kit.Ctx, 424242, 10); err != nil || list == nil || len(list) != 0 {
		t.Errorf("Neighbours of an unknown article = %+v, %v", list, err)
	}
}

// testNeighboursPopular: with a tag many stories share, the newest come
// first however old the stories sharing the rarer tags, in publication
// order (not id order), with every tag in common counted; and the lists
// follow releases, withdrawals and changed tags.
func testNeighboursPopular(t *testing.T, s dateline.Store) {
	r := dateline.Readership(s)
	x := kit.Article("urn:nbp:x", "politics", kit.Base.Add(-time.Hour))
	x.Topics = []dateline.Topic{{Name: "Popular"}, {Name: "Rare"}}
	x.Persons = []dateline.Person{{Name: "Solo"}}
	var popular []*dateline.Article
	for k := range 30 {
		a := kit.Article(fmt.Sprintf("urn:nbp:p%d", k), "world", kit.Base.Add(-time.Duration(k+1)*time.Minute))
		a.Topics = []dateline.Topic{{Name: "Popular"}, {Name: fmt.Sprintf("Other %d", k)}}
		popular = append(popular, a)
	}
	rs := kit.Upsert(t, s, kit.Base, append([]*dateline.Article{x}, popular...)...)
	// Stored last, published long ago.
	r1 := kit.Article("urn:nbp:r1", "world", kit.Base.Add(-10*24*time.Hour))
	r1.Topics = []dateline.Topic{{Name: "Rare"}}
	r2 := kit.Article("urn:nbp:r2", "world", kit.Base.Add(-20*24*time.Hour))
	r2.Topics = []dateline.Topic{{Name: "Rare"}, {Name: "Popular"}}
	r2.Persons = []dateline.Person{{Name: "Solo"}}
	sc := kit.Article("urn:nbp:sc", "science", time.Time{})
	sc.Status, sc.EmbargoUntil = dateline.StatusScheduled, kit.Base.Add(time.Hour)
	sc.Persons = []dateline.Person{{Name: "Solo"}}
	more := kit.Upsert(t, s, kit.Base, r1, r2, sc)
	xid, r1id, r2id, scid := rs[0].ID, more[0].ID, more[1].ID, more[2].ID
	pid := func(k int) int64 { return rs[k+1].ID }

	check := func(when string, limit int, want []int64, shared map[int64]int) {
		t.Helper()
		list, err := r.Neighbours(kit.Ctx, xid, limit)
		if err != nil {
			t.Fatal(err)
		}
		got := []int64{}
		for _, n := range list {
			got = append(got, n.ID)
			if w, ok := shared[n.ID]; ok && n.Shared != w || !ok && n.Shared != 1 {
				t.Errorf("%s: %d shares %d tags", when, n.ID, n.Shared)
			}
		}
		if !kit.SameIDs(got, want) {
			t.Errorf("%s: Neighbours(limit %d) = %v, want %v", when, limit, got, want)
		}
	}
	var all []int64
	for k := range 30 {
		all = append(all, pid(k))
	}
	check("popular", 5, all[:5], nil)
	check("all", 0, append(slices.Clone(all), r1id, r2id), map[int64]int{r2id: 3})

	if _, err := s.PublishDue(kit.Ctx, kit.Base.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	check("after a release", 3, []int64{scid, pid(0), pid(1)}, nil)
	w := kit.Article("urn:nbp:p0", "world", kit.Base.Add(-time.Minute))
	w.Status, w.SourceVersion = dateline.StatusWithdrawn, kit.Base.Add(time.Second)
	u := kit.Article("urn:nbp:p1", "world", kit.Base.Add(-2*time.Minute))
	u.Topics, u.SourceVersion = []dateline.Topic{{Name: "Elsewhere"}}, kit.Base.Add(time.Second)
	kit.Upsert(t, s, kit.Base, w, u)
	check("after a withdrawal and a change of tags", 3, []int64{scid, pid(2), pid(3)}, nil)
	want := append([]int64{scid}, all[2:]...)
	check("all, at the end", 200, append(want, r1id, r2id), map[int64]int{r2id: 3})
}

func testPublishedIDs(t *testing.T, s dateline.Store) {
	r := dateline.Readership(s)
	rs := kit.Upsert(t, s, kit.Base, kit.Article("urn:pid:1", "politics", kit.Base), kit.Article("urn:pid:2", "politics", kit.Base), kit.Article("urn:pid:3", "politics", kit.Base))
	d := kit.Article("urn:pid:2", "politics", kit.Base)
	d.Status, d.SourceVersion = dateline.StatusWithdrawn, kit.Base.Add(time.Second)
	kit.Upsert(t, s, kit.Base, d)
	dr := kit.Article("urn:pid:4", "politics", kit.Base)
	dr.Status = dateline.StatusDraft
	draftID := kit.Upsert(t, s, kit.Base, dr)[0].ID
	got, err := r.PublishedIDs(kit.Ctx, []int64{rs[0].ID, rs[1].ID, rs[2].ID, draftID, 0, -3, 99999, rs[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[int64]bool{rs[0].ID: true, rs[2].ID: true}; !reflect.DeepEqual(got, want) {
		t.Errorf("PublishedIDs = %v, want %v", got, want)
	}
	if got, err := r.PublishedIDs(kit.Ctx, nil); err != nil || got == nil || len(got) != 0 {
		t.Errorf("PublishedIDs(nil) = %v, %v", got, err)
	}
	many := make([]int64, 1000)
	for i := range many {
		many[i] = int64(i + 1)
	}
	if got, err := r.PublishedIDs(kit.Ctx, many); err != nil || len(got) != 2 {
		t.Errorf("PublishedIDs of 1000 = %d, %v", len(got), err)
	}
	_, err = r.PublishedIDs(kit.Ctx, append(many, 1001))
	kit.WantCode(t, err, dateline.EINVALID)
}

// event is what the event tests compare: everything but the id.
type event struct {
	Kind      string
	ArticleID int64
	Section   string
	Headline  string
	At        time.Time
}

func wantEvents(t *testing.T, r dateline.Readership, last *int64, when string, want ...event) {
	t.Helper()
	es := kit.NewEvents(t, r, last)
	got := []event{}
	for _, e := range es {
		got = append(got, event{e.Kind, e.ArticleID, e.Section, e.Headline, e.At})
	}
	if want == nil {
		want = []event{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: events\n%+v\nwant\n%+v", when, got, want)
	}
	if id, err := r.LastEventID(kit.Ctx); err != nil || id != *last {
		t.Errorf("%s: LastEventID = %d, %v; want %d", when, id, err, *last)
	}
}

// testEvents follows stories from the wire: published when they become
// public (stored so, or released), updated when a public one changes,
// withdrawn when it leaves; nothing for the rest.
func testEvents(t *testing.T, s dateline.Store) {
	r := dateline.Readership(s)
	var last int64
	wantEvents(t, r, &last, "a new site")
	a := kit.Article("urn:ev:a", "politics", kit.Base.Add(-time.Hour))
	a.Urgency, a.Breaking, a.Lang = 1, true, "ru"
	a.Topics = []dateline.Topic{{Name: "Arctic"}, {Name: "!!!"}, {Name: "Oil and gas"}, {Name: "arctic"}}
	d := kit.Article("urn:ev:d", "world", kit.Base)
	d.Status = dateline.StatusDraft
	rs := kit.Upsert(t, s, kit.Base, a, d)
	es := kit.NewEvents(t, r, &last)
	if len(es) != 1 {
		t.Fatalf("events after a publication and a draft = %+v", es)
	}
	want := dateline.Event{ID: es[0].ID, At: kit.Base, Kind: dateline.EventPublished, ArticleID: rs[0].ID, Section: "politics",
		Headline: a.Headline, Lang: "ru", Urgency: 1, Breaking: true, Topics: []string{"arctic", "oil-and-gas"}}
	if !reflect.DeepEqual(es[0], want) {
		t.Errorf("event\n%+v\nwant\n%+v", es[0], want)
	}

	now := kit.Base.Add(time.Minute)
	a2 := kit.Article("urn:ev:a", "world", kit.Base.Add(-time.Hour))
	a2.Headline, a2.SourceVersion = "Updated", kit.Base.Add(time.Minute)
	kit.Upsert(t, s, now, a2)
	wantEvents(t, r, &last, "an update", event{dateline.EventUpdated, rs[0].ID, "world", "Updated", now})
	kit.Upsert(t, s, now, a2)
	wantEvents(t, r, &last, "the same version again")
	d.SourceVersion = kit.Base.Add(time.Minute)
	kit.Upsert(t, s, now, d)
	wantEvents(t, r, &last, "a draft changed")

	now = kit.Base.Add(2 * time.Minute)
	w := kit.Article("urn:ev:a", "world", kit.Base)
	w.Status, w.Headline, w.SourceVersion = dateline.StatusWithdrawn, "Withdrawn", kit.Base.Add(2*time.Minute)
	kit.Upsert(t, s, now, w)
	// A kill keeps the story's last public headline.
	wantEvents(t, r, &last, "a withdrawal", event{dateline.EventWithdrawn, rs[0].ID, "world", "Updated", now})
	w.SourceVersion = kit.Base.Add(3 * time.Minute)
	kit.Upsert(t, s, now, w)
	wantEvents(t, r, &last, "a withdrawn story changed")

	// Embargoed: an embargoed event (for embargo tokens) when
	// scheduled, published at its release.
	sc := kit.Article("urn:ev:sc", "science", time.Time{})
	sc.Status, sc.EmbargoUntil = dateline.StatusScheduled, kit.Base.Add(time.Hour)
	sc.Topics = []dateline.Topic{{Name: "Space"}, {Name: "Mars"}}
	scID := kit.Upsert(t, s, now, sc)[0].ID
	wantEvents(t, r, &last, "a scheduled story", event{dateline.EventEmbargoed, scID, "science", sc.Headline, now})
	release := kit.Base.Add(61 * time.Minute)
	if ids, err := s.PublishDue(kit.Ctx, release); err != nil || len(ids) != 1 {
		t.Fatalf("PublishDue = %v, %v", ids, err)
	}
	es = kit.NewEvents(t, r, &last)
	if len(es) != 1 || es[0].Kind != dateline.EventPublished || es[0].ArticleID != scID || es[0].Section != "science" ||
		!es[0].At.Equal(release) || !reflect.DeepEqual(es[0].Topics, []string{"space", "mars"}) {
		t.Errorf("events of the release = %+v", es)
	}
	if ids, _ := s.PublishDue(kit.Ctx, release.Add(time.Minute)); len(ids) != 0 {
		t.Errorf("released twice")
	}
	wantEvents(t, r, &last, "nothing more to release")

	// A later version does not bring a killed story back; an editor's
	// restore does.
	w.Status, w.Headline, w.SourceVersion = dateline.StatusPublished, "Back", kit.Base.Add(4*time.Minute)
	if r := kit.Upsert(t, s, release, w)[0]; dateline.ErrorCode(r.Refused) != dateline.ECONFLICT || r.Changed {
		t.Errorf("a version after the kill: %+v", r)
	}
	wantEvents(t, r, &last, "a version after the kill")
	kit.Restore(t, s, rs[0].ID, "Back", release)
	wantEvents(t, r, &last, "republished", event{dateline.EventPublished, rs[0].ID, "world", "Back", release})

	// A failed batch leaves no event.
	bad := kit.Article("urn:ev:bad", "nosuchsection", kit.Base)
	if _, err := s.UpsertArticles(kit.Ctx, []*dateline.Article{kit.Article("urn:ev:good", "world", kit.Base), bad}, kit.Base); err == nil {
		t.Fatal("a bad batch was stored")
	}
	wantEvents(t, r, &last, "a failed batch")

	// Events a week old go at the next expiry, but the newest stays, so
	// numbering goes on from it.
	newest := last
	expire(t, r, release.Add(7*24*time.Hour+time.Second))
	if es, _ := r.Events(kit.Ctx, 0, 0); len(es) != 1 || es[0].ID != newest {
		t.Errorf("events after a week = %+v, want only %d", es, newest)
	}
	kit.Upsert(t, s, kit.Base, kit.Article("urn:ev:later", "world", kit.Base))
	if es := kit.NewEvents(t, r, &last); len(es) != 1 || es[0].ID <= newest {
		t.Errorf("an event after pruning = %+v", es)
	}
}

// testEventsNewsroom: the same through the newsroom's saves.
func testEventsNewsroom(t *testing.T, s dateline.Store) {
	r := dateline.Readership(s)
	ed := kit.MkUser(t, s, "ed@example.org", "Ed", dateline.RoleEditor)
	var last int64
	a := kit.Draft("urn:evn:1", "economy", "A story")
	kit.Save(t, s, a, 0, ed.ID, kit.Base)
	a.Status = dateline.StatusSubmitted
	kit.Save(t, s, a, 1, ed.ID, kit.Base)
	a.Status = dateline.StatusScheduled
	a.EmbargoUntil = kit.Base.Add(time.Hour)
	kit.Save(t, s, a, 2, ed.ID, kit.Base)
	wantEvents(t, r, &last, "draft, submitted, scheduled")
	a.Status = dateline.StatusPublished
	kit.Save(t, s, a, 3, ed.ID, kit.Base.Add(time.Minute))
	wantEvents(t, r, &last, "published", event{dateline.EventPublished, a.ID, "economy", "A story", kit.Base.Add(time.Minute)})
	a.Headline = "A better story"
	kit.Save(t, s, a, 4, ed.ID, kit.Base.Add(2*time.Minute))
	wantEvents(t, r, &last, "edited", event{dateline.EventUpdated, a.ID, "economy", "A better story", kit.Base.Add(2 * time.Minute)})
	a.Status = dateline.StatusWithdrawn
	kit.Save(t, s, a, 5, ed.ID, kit.Base.Add(3*time.Minute))
	wantEvents(t, r, &last, "withdrawn", event{dateline.EventWithdrawn, a.ID, "economy", "A better story", kit.Base.Add(3 * time.Minute)})
	a.Status = dateline.StatusPublished
	kit.Save(t, s, a, 6, ed.ID, kit.Base.Add(4*time.Minute))
	wantEvents(t, r, &last, "republished", event{dateline.EventPublished, a.ID, "economy", "A better story", kit.Base.Add(4 * time.Minute)})
	// Taken back to the desk, a public story leaves the site.
	a.Status = dateline.StatusDraft
	kit.Save(t, s, a, 7, ed.ID, kit.Base.Add(5*time.Minute))
	wantEvents(t, r, &last, "back to draft", event{dateline.EventWithdrawn, a.ID, "economy", "A better story", kit.Base.Add(5 * time.Minute)})
	// A refused save leaves no event.
	a.Status = dateline.StatusPublished
	if err := s.SaveArticle(kit.Ctx, a, 3, nil, kit.Base.Add(6*time.Minute)); dateline.ErrorCode(err) != dateline.ECONFLICT {
		t.Fatalf("stale save: %v", err)
	}
	wantEvents(t, r, &last, "a refused save")
	// A new story saved as published at once.
	b := kit.Draft("urn:evn:2", "sport", "Straight out")
	b.Status = dateline.StatusPublished
	kit.Save(t, s, b, 0, ed.ID, kit.Base.Add(7*time.Minute))
	wantEvents(t, r, &last, "a new published story", event{dateline.EventPublished, b.ID, "sport", "Straight out", kit.Base.Add(7 * time.Minute)})
}

// testEventsPaging pages through events oldest first.
func testEventsPaging(t *testing.T, s dateline.Store) {
	r := dateline.Readership(s)
	var as []*dateline.Article
	for i := range 105 {
		as = append(as, kit.Article(fmt.Sprintf("urn:evp:%d", i), "world", kit.Base))
	}
	rs := kit.Upsert(t, s, kit.Base, as...)
	all, err := r.Events(kit.Ctx, 0, 0)
	if err != nil || len(all) != 100 {
		t.Fatalf("Events default limit = %d, %v; want 100", len(all), err)
	}
	for i, e := range all {
		if e.ArticleID != rs[i].ID || (i > 0 && e.ID <= all[i-1].ID) {
			t.Fatalf("event %d = %+v, want article %d in order", i, e, rs[i].ID)
		}
	}
	var paged []dateline.Event
	var after int64
	for {
		page, err := r.Events(kit.Ctx, after, 40)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) > 40 {
			t.Fatalf("page of %d", len(page))
		}
		paged = append(paged, page...)
		after = page[len(page)-1].ID
	}
	if len(paged) != 105 || !reflect.DeepEqual(paged[:100], all) {
		t.Errorf("paged %d events", len(paged))
	}
	if id, _ := r.LastEventID(kit.Ctx); id != after {
		t.Errorf("LastEventID = %d, want %d", id, after)
	}
	if es, err := r.Events(kit.Ctx, after, 10); err != nil || es == nil || len(es) != 0 {
		t.Errorf("Events after the last = %+v, %v", es, err)
	}
}

// testEventsInCommitOrder has writers publish at once while a reader
// follows the log by the last id it saw, as a stream does: it must miss
// none, so a smaller id never appears after a larger one was read.
func testEventsInCommitOrder(t *testing.T, s dateline.Store) {
	r := dateline.Readership(s)
	const writers, each = 4, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				a := kit.Article(fmt.Sprintf("urn:evc:%d:%d", w, i), "world", kit.Base)
				b := kit.Article(fmt.Sprintf("urn:evc:%d:%d:b", w, i), "sport", kit.Base)
				a.Topics = []dateline.Topic{{Name: "Russia"}, {Name: fmt.Sprintf("Topic %d", i)}}
				if _, err := s.UpsertArticles(kit.Ctx, []*dateline.Article{a, b}, kit.Base); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var seen []int64
	var after int64
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		default:
		}
		es, err := r.Events(kit.Ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			seen = append(seen, e.ID)
			after = e.ID
		}
	}
	close(errs)
	for err := range errs {
		t.Fatalf("writer: %v", err)
	}
	all, err := r.Events(kit.Ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != writers*each*2 {
		t.Fatalf("%d events, want %d", len(all), writers*each*2)
	}
	if len(seen) != len(all) {
		t.Errorf("the follower saw %d events of %d: it missed some committed behind a larger id", len(seen), len(all))
	}
}

// FillReadership adds views, windows, edges and events to a store that has
// published articles (FillNewsroom's, for one), for the transfer tests:
// views over the last week of now, expired at now.
func FillReadership(t testing.TB, s dateline.Store, now time.Time) {
	t.Helper()
	r := dateline.Readership(s)
	as, err := s.Articles(kit.Ctx, dateline.ArticleFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) == 0 {
		t.Fatal("FillReadership needs published articles")
	}
	m := dateline.Minute(now)
	var counts []dateline.ViewCount
	for i, a := range as {
		for _, back := range []int64{0, 1, 30, 59, 60, 61, 700, 1439, 1440, 5000, 10079, 10080} {
			counts = append(counts, dateline.ViewCount{ArticleID: a.ID, Minute: m - back - int64(i), Count: back%7 + 1})
		}
	}
	addViews(t, r, counts...)
	expire(t, r, now)
	expire(t, r, now.Add(time.Minute))
}
