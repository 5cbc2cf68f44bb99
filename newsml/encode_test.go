package newsml_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"dateline"
	"dateline/newsml"
)

// TestFromArticle writes stories in every state as NewsML-G2, reads them
// back with Parse, and checks them against the 2.35 XSD with xmllint.
func TestFromArticle(t *testing.T) {
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	base := &dateline.Article{URI: "urn:dateline:1", Version: 3, Lang: "ru", Status: dateline.StatusPublished, Headline: `Рынок & "банк" <растёт>`,
		Lead: "Коротко.", Byline: "Анна", Place: "МОСКВА", Urgency: 2, PublishedAt: at, UpdatedAt: at.Add(time.Hour), Advisory: "Adds quotes.",
		Topics: []dateline.Topic{{Slug: "economy", Name: "Экономика"}}, Persons: []dateline.Person{{Slug: "ivan-petrov", Name: "Иван Петров"}},
		Corrections: []dateline.Correction{{At: at, Text: "Spelling."}}, Photo: &dateline.Photo{Path: "lib/a.jpg"}}
	embargoed := *base
	embargoed.URI, embargoed.Status, embargoed.Embargoed, embargoed.EmbargoUntil, embargoed.PublishedAt, embargoed.UpdatedAt =
		"urn:dateline:2", dateline.StatusScheduled, true, at.Add(2*time.Hour), time.Time{}, time.Time{}
	killed := *base
	killed.URI, killed.Status, killed.WithdrawnAt, killed.WithdrawNote = "urn:dateline:3", dateline.StatusWithdrawn, at.Add(3*time.Hour), "Legal."
	dir := t.TempDir()
	var files []string
	for i, a := range []*dateline.Article{base, &embargoed, &killed} {
		doc := newsml.FromArticle(a, "https://example.org", []string{"Первый абзац & <второй>.", "Second."})
		it, err := newsml.Parse(doc)
		if err != nil {
			t.Fatalf("%s: Parse: %v\n%s", a.URI, err, doc)
		}
		if it.GUID != a.URI || it.Version != a.Version || len(it.Headlines) == 0 || it.Headlines[0].Value != a.Headline || it.Urgency != 2 || it.Language != "ru" {
			t.Errorf("%s: read back %+v", a.URI, it)
		}
		want := map[int]string{0: "usable", 1: "withheld", 2: "canceled"}[i]
		if it.PubStatus != want {
			t.Errorf("%s: pubStatus %q, want %q", a.URI, it.PubStatus, want)
		}
		if i == 1 && !it.Embargoed.Equal(embargoed.EmbargoUntil) {
			t.Errorf("embargo %v, want %v", it.Embargoed, embargoed.EmbargoUntil)
		}
		if i != 2 && (len(it.Bodies) == 0 || len(it.Subjects) != 2) {
			t.Errorf("%s: bodies %v, subjects %v", a.URI, it.Bodies, it.Subjects)
		}
		// The photo is linked while the story may be used, never once killed.
		if linked := bytes.Contains(doc, []byte("/media/lib/a.jpg")); linked != (i != 2) {
			t.Errorf("%s: photo linked %v", a.URI, linked)
		}
		name := filepath.Join(dir, a.URI[len("urn:dateline:"):]+".xml")
		os.WriteFile(name, doc, 0o644)
		files = append(files, name)
	}
	if _, err := exec.LookPath("xmllint"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is required under CI (apt-get install libxml2-utils)")
		}
		t.Log("xmllint is not installed: the documents were not checked against the XSD")
		return
	}
	args := append([]string{"--noout", "--nonet", "--schema", "testdata/NewsML-G2_2.35-spec-All-Power.xsd"}, files...)
	if out, err := exec.Command("xmllint", args...).CombinedOutput(); err != nil {
		t.Errorf("xmllint: %v\n%s", err, out)
	}
}
