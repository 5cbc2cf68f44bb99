package http_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"
)

// The sidebar news feed, beside articles and on the home page, dates the
// stories not of today, as /news does, and gives today's their time only
// (issue 17, point 11).
func TestSidebarFeedDates(t *testing.T) {
	e := newEnv(t, true)
	e.clock.Add(72 * time.Hour) // the demo's stories are days old now
	e.srv.Changed()
	id := e.publish("urn:test:today", "Published today", "world", "")
	bare := regexp.MustCompile(`^\d{1,2}:\d{2}$`)
	dated := regexp.MustCompile(`^[A-Z][a-z]{2} \d{1,2}, \d{2}:\d{2}$`)
	for _, page := range []string{"/", fmt.Sprintf("/world/%d", id)} {
		w, doc := e.page(page)
		if w.Code != 200 {
			t.Fatalf("%s: %d", page, w.Code)
		}
		times := doc.All("aside .feed-item time")
		if len(times) < 3 {
			t.Fatalf("%s: %d sidebar feed items", page, len(times))
		}
		today := 0
		for _, tm := range times {
			at, err := time.Parse(time.RFC3339, tm.Attr("datetime"))
			if err != nil {
				t.Fatalf("%s: datetime %q: %v", page, tm.Attr("datetime"), err)
			}
			if sameDay(at, e.clock.Now()) {
				today++
				if !bare.MatchString(tm.Text()) {
					t.Errorf("%s: today's story at %q, want the time only", page, tm.Text())
				}
			} else if !dated.MatchString(tm.Text()) {
				t.Errorf("%s: a story of %s shows %q, want its date and time", page, at.In(moscow).Format("Jan 2"), tm.Text())
			}
		}
		if page == "/" && today == 0 {
			t.Errorf("%s: today's story is not in the sidebar", page)
		}
	}
	// The Russian edition writes its dates in Russian.
	_, doc := e.page("/ru/")
	ru := regexp.MustCompile(`^\d{1,2} [а-я]+, \d{2}:\d{2}$`)
	for _, tm := range doc.All("aside .feed-item time") {
		if !ru.MatchString(tm.Text()) {
			t.Errorf("/ru/: sidebar time %q, want a Russian date and time", tm.Text())
		}
	}
}

func sameDay(a, b time.Time) bool {
	return a.In(moscow).Format("2006-01-02") == b.In(moscow).Format("2006-01-02")
}
