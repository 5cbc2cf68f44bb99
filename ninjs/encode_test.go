package ninjs

import (
	"encoding/json"
	"testing"
	"time"

	"dateline"
)

// Every state an article can be sent in is valid ninjs 2.2, and reads
// back with the same version and pubstatus.
func TestFromArticleValidates(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	base := dateline.Article{URI: "urn:dateline:newsroom:x1", Section: "politics", SectionName: "Politics", Lang: "en",
		Headline: "Talks resume", Lead: "A lead.", Pages: []string{"<p>One</p>", "<p>Two</p>"}, Place: "Geneva", Byline: "Anna Petrova",
		Urgency: 2, Breaking: true, Version: 3, PublishedAt: now, CreatedAt: now, ModifiedAt: now,
		Topics: []dateline.Topic{{Slug: "syria", Name: "Syria"}}, Persons: []dateline.Person{{Slug: "anna", Name: "Anna"}},
		Photo: &dateline.Photo{URI: "urn:dateline:photo:1", Path: "uploads/a.jpg", Width: 2000, Height: 1000, Widths: []int{320, 640}, Caption: "c", Credit: "Photo: X"}}
	cases := map[string]func(a *dateline.Article){
		"published": func(a *dateline.Article) { a.Status = dateline.StatusPublished },
		"updated": func(a *dateline.Article) {
			a.Status, a.UpdatedAt, a.Advisory = dateline.StatusPublished, now.Add(time.Hour), "Adds reaction"
			a.Corrections = []dateline.Correction{{At: now.Add(time.Hour), Text: "Fixes the name."}}
		},
		"scheduled": func(a *dateline.Article) {
			a.Status, a.EmbargoUntil, a.PublishedAt = dateline.StatusScheduled, now.Add(time.Hour), time.Time{}
		},
		"withdrawn": func(a *dateline.Article) {
			a.Status, a.WithdrawnAt, a.WithdrawNote = dateline.StatusWithdrawn, now.Add(2*time.Hour), "Legal."
		},
	}
	want := map[string]string{"published": "usable", "updated": "usable", "scheduled": "withheld", "withdrawn": "canceled"}
	for name, mod := range cases {
		a := base
		mod(&a)
		data, err := json.Marshal(FromArticle(&a, "https://news.example"))
		if err != nil {
			t.Fatal(err)
		}
		it, err := Parse(data)
		if err != nil {
			t.Errorf("%s: not valid ninjs: %v\n%s", name, err, data)
			continue
		}
		if it.Version != "3" || it.PubStatus != want[name] {
			t.Errorf("%s: version %q pubstatus %q", name, it.Version, it.PubStatus)
		}
		if name == "withdrawn" && (len(it.Bodies) != 0 || it.EdNote != "WITHDRAWN. Legal.") {
			t.Errorf("withdrawn item keeps its body or lacks the note: %q", it.EdNote)
		}
		if name == "updated" && it.EdNote != "BREAKING. Update: Adds reaction CORRECTED 2026-11-27 11:00 UTC: Fixes the name." {
			t.Errorf("updated ednote %q", it.EdNote)
		}
	}
}
