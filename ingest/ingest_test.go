package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dateline"
)

func service() *Service {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	return &Service{Now: func() time.Time { return now }, FallbackSection: "world"}
}

func TestMapRealExamples(t *testing.T) {
	files, _ := filepath.Glob("../testdata/ninjs/*.json")
	s := service()
	for _, f := range files {
		data, _ := os.ReadFile(f)
		a, _, err := s.MapDocument(data, dateline.DefaultSections)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if a.Headline == "" || (len(a.Pages) == 0 && !strings.Contains(f, "ntb")) || a.Status != dateline.StatusPublished {
			t.Errorf("%s: headline %q pages %d status %s", f, a.Headline, len(a.Pages), a.Status)
		}
	}
}

func TestPages(t *testing.T) {
	pages := Pages(`<p>One</p><!-- pagebreak --><p>Two</p><hr class="page-break"><p>Three</p><!--pagebreak--><p> </p>`)
	if len(pages) != 3 || pages[2] != "<p>Three</p>" {
		t.Errorf("pages = %q", pages)
	}
}

func TestTextToHTML(t *testing.T) {
	if got := TextToHTML("One\n\nTwo <b>\n"); got != "<p>One</p><p>Two &lt;b&gt;</p>" {
		t.Errorf("got %q", got)
	}
	if got := TextToHTML("A\nB"); got != "<p>A</p><p>B</p>" {
		t.Errorf("got %q", got)
	}
}

// FuzzMap maps arbitrary documents: errors are domain errors, and what is
// accepted has a headline and pages with no script in them.
func FuzzMap(f *testing.F) {
	files, _ := filepath.Glob("../testdata/ninjs/*.json")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		f.Add(data)
	}
	f.Add([]byte(`{"uri":"urn:f","versioncreated":"2026-01-02T10:00:00Z","headlines":[{"value":"<img src=x onerror=alert(1)>x"}],"bodies":[{"contenttype":"text/html","value":"<svg onload=alert(1)><p onclick=x>x</p><a href=javascript:alert(1)>y</a>"}]}`))
	f.Add([]byte(`{"uri":"urn:f","versioncreated":"2026-01-02T10:00:00Z","embargoed":"9999-12-31T23:59:59Z","headlines":[{"value":"x"}],"urgency":1e308}`))
	s := service()
	f.Fuzz(func(t *testing.T, data []byte) {
		a, _, err := s.MapDocument(data, dateline.DefaultSections)
		if err != nil {
			if dateline.ErrorCode(err) == dateline.EINTERNAL {
				t.Fatalf("internal error: %v", err)
			}
			return
		}
		if a.Headline == "" || a.URI == "" || !a.Status.Valid() || a.Urgency < 1 || a.Urgency > 9 {
			t.Fatalf("accepted %+v", a)
		}
		for _, p := range a.Pages {
			low := strings.ToLower(p)
			for _, bad := range []string{"<script", "javascript:", " onload", " onerror", " onclick", "<iframe", "<svg", "<style"} {
				if strings.Contains(low, bad) {
					t.Fatalf("page keeps %q: %s", bad, p)
				}
			}
		}
	})
}

// TestMapEdition: an item is matched against its own edition's sections,
// and a Russian item they do not claim goes to the first Russian section.
func TestMapEdition(t *testing.T) {
	sections := append(append([]dateline.Section(nil), dateline.DefaultSections...),
		dateline.Section{Slug: "politika", Name: "Политика", Lang: "ru", Codes: []string{"ru:politika"}},
		dateline.Section{Slug: "ekonomika", Name: "Экономика", Lang: "ru", Codes: []string{"04000000"}})
	doc := func(lang, subject string) []byte {
		return []byte(`{"uri":"urn:e:` + lang + subject + `","versioncreated":"2026-01-02T10:00:00Z","language":"` + lang +
			`","headlines":[{"value":"x"}],"subjects":[{"literal":"` + subject + `"}]}`)
	}
	s := service()
	for _, tc := range []struct{ lang, subject, want string }{
		{"ru", "04000000", "ekonomika"}, // the Russian section with the code
		{"ru", "13000000", "politika"},  // no Russian section claims it
		{"en", "04000000", "economy"},   // the English section with the code
		{"en", "ru:politika", "world"},  // a Russian section's code: the fallback
		{"ru-RU", "04000000", "ekonomika"},
	} {
		a, _, err := s.MapDocument(doc(tc.lang, tc.subject), sections)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.lang, tc.subject, err)
		}
		if a.Section != tc.want {
			t.Errorf("%s item with %s went to %s, want %s", tc.lang, tc.subject, a.Section, tc.want)
		}
	}
}
