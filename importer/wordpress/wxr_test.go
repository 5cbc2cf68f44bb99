package wordpress

import (
	"os"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/importer"
)

func parseFile(t *testing.T) *importer.Export {
	t.Helper()
	f, err := os.Open("testdata/export.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ex, err := Parse(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

func byKey(ex *importer.Export, id string) *importer.Post {
	for i := range ex.Posts {
		if ex.Posts[i].Key == "wordpress:https://old.example.com/?"+id {
			return &ex.Posts[i]
		}
	}
	return nil
}

func TestParse(t *testing.T) {
	ex := parseFile(t)
	if len(ex.Posts) != 9 {
		t.Fatalf("%d posts, want 9 (attachments are pictures, not posts)", len(ex.Posts))
	}
	if len(ex.Categories) != 4 || ex.Categories[3].Slug != "новости" || len(ex.Tags) != 2 || ex.Tags[1].Name != "M&A" {
		t.Errorf("terms: %+v %+v", ex.Categories, ex.Tags)
	}
	p := byKey(ex, "p=101")
	if p == nil {
		t.Fatal("post 101 missing")
	}
	if p.Title != "Parliament &amp; the budget: a long night" || p.Status != dateline.StatusPublished || p.Kind != "post" {
		t.Errorf("post 101: %q %s %s", p.Title, p.Status, p.Kind)
	}
	if !p.Published.Equal(time.Date(2017, 10, 23, 10, 5, 0, 0, time.UTC)) || !p.Modified.Equal(time.Date(2017, 10, 24, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("times: %v %v", p.Published, p.Modified)
	}
	if len(p.Authors) != 1 || p.Authors[0] != "Anna Petrova" {
		t.Errorf("authors: %v", p.Authors)
	}
	if len(p.Categories) != 2 || p.Categories[0].Slug != "politics" || len(p.Tags) != 1 {
		t.Errorf("terms: %+v %+v", p.Categories, p.Tags)
	}
	if p.Featured == nil || p.Featured.Alt != "The chamber" || p.Featured.Caption != "The chamber at dawn" ||
		!strings.HasSuffix(p.Featured.URL, "/wp-content/uploads/2017/10/kremlin.jpg") {
		t.Errorf("featured: %+v", p.Featured)
	}
	want := []string{"/2017/10/23/parliament-budget", "/?p=101", "/2017/10/23/budget-vote"}
	if strings.Join(p.OldPaths, " ") != strings.Join(want, " ") {
		t.Errorf("old paths %q, want %q", p.OldPaths, want)
	}
	for _, s := range []string{"<p>The vote came after midnight.</p>", "<p>Members spoke for<br>\neleven hours.</p>",
		`<figure><img class="size-full wp-image-201" src="https://old.example.com/wp-content/uploads/2017/10/kremlin.jpg"`,
		"<figcaption>The chamber at dawn</figcaption></figure>",
		`<p><a href="https://www.youtube.com/watch?v=abc123">`, "[sic]", "if (a ]]> b)"} {
		if !strings.Contains(p.HTML, s) {
			t.Errorf("body lacks %q:\n%s", s, p.HTML)
		}
	}
	if strings.Contains(p.HTML, "contact-form") || strings.Contains(p.HTML, "[caption") {
		t.Errorf("shortcodes left in the body:\n%s", p.HTML)
	}

	ru := byKey(ex, "p=102")
	if ru.OldPaths[0] != "/2018/03/25/привет-мир" || ru.Authors[0] != "Bob Smith" || ru.Categories[0].Slug != "новости" {
		t.Errorf("post 102: %q %v %+v", ru.OldPaths, ru.Authors, ru.Categories)
	}
	if !ru.Published.Equal(time.Date(2018, 3, 25, 0, 30, 0, 0, time.UTC)) {
		t.Errorf("a time on the night of a DST change: %v", ru.Published)
	}
	for _, s := range []string{"<p>Clocks in Europe", `<a href="https://twitter.com/example/status/1">`, `kremlin.jpg" alt="The chamber">`} {
		if !strings.Contains(ru.HTML, s) {
			t.Errorf("block body lacks %q:\n%s", s, ru.HTML)
		}
	}
	if strings.Contains(ru.HTML, "wp:") || strings.Contains(ru.HTML, "[gallery") {
		t.Errorf("block comments or shortcodes left:\n%s", ru.HTML)
	}
	if d := byKey(ex, "p=105"); d.Status != dateline.StatusDraft || !d.Published.Equal(time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)) {
		t.Errorf("draft with a zero GMT date: %s %v (its local date is taken in the zone, UTC by default)", d.Status, d.Published)
	}
	if f := byKey(ex, "p=106"); f.Status != dateline.StatusScheduled || f.Published.Year() != 2099 {
		t.Errorf("scheduled: %s %v", f.Status, f.Published)
	}
	if pg := byKey(ex, "page_id=2"); pg.Kind != "page" || pg.OldPaths[1] != "/?page_id=2" {
		t.Errorf("page: %s %q", pg.Kind, pg.OldPaths)
	}
	if tr := byKey(ex, "p=107"); tr.Skip != "trash" {
		t.Errorf("trash: %q", tr.Skip)
	}
	if m := byKey(ex, "p=108"); m.Skip != "type nav_menu_item" {
		t.Errorf("menu item: %q", m.Skip)
	}
	if p := byKey(ex, "p=103"); p.HTML != "<p>Plain text&nbsp;with an entity.</p>" || len(p.Categories) != 0 {
		t.Errorf("post 103: %q %+v", p.HTML, p.Categories)
	}
}

func TestZone(t *testing.T) {
	f, _ := os.Open("testdata/export.xml")
	defer f.Close()
	moscow, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := Parse(f, Options{Zone: moscow})
	if err != nil {
		t.Fatal(err)
	}
	if d := byKey(ex, "p=105"); !d.Published.Equal(time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)) {
		t.Errorf("a local date in Moscow: %v", d.Published)
	}
}

func TestBadFiles(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"", "no RSS <channel>"},
		{"{\"db\":[]}", "not a WordPress export"},
		{"<html><body>hi</body></html>", "the document is <html>"},
		{`<rss><channel><item><title>x</title></item></channel></rss>`, "without WordPress's elements"},
		{`<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version><item><title>cut`, "item 1: line 1: the file ends in the middle"},
		{`<rss><channel><title>a &bogus; b</title></channel></rss>`, "line 1"},
	} {
		_, err := Parse(strings.NewReader(tc.doc), Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%.30q) = %v, want one line with %q", tc.doc, err, tc.want)
		}
	}
}

func TestAutop(t *testing.T) {
	for in, want := range map[string]string{
		"a\n\nb":                    "<p>a</p>\n<p>b</p>",
		"a\nb":                      "<p>a<br>\nb</p>",
		"<h2>T</h2>\n\ntext":        "<h2>T</h2>\n<p>text</p>",
		"https://example.com/x\n\n": `<p><a href="https://example.com/x">https://example.com/x</a></p>`,
		"[video src=\"https://v.example/a.mp4\"][/video]":              `<p><a href="https://v.example/a.mp4">https://v.example/a.mp4</a></p>`,
		"[embed]https://e.example/1[/embed]":                           `<p><a href="https://e.example/1">https://e.example/1</a></p>`,
		"[su_box title=\"x\"]inside[/su_box]":                          "<p>inside</p>",
		"[caption caption=\"Old style\"]<img src=\"a.jpg\">[/caption]": "<figure><img src=\"a.jpg\"><figcaption>Old style</figcaption></figure>",
	} {
		if got := body(in, gallery{}); got != want {
			t.Errorf("body(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	doc, err := os.ReadFile("testdata/export.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(doc))
	f.Add(string(doc[:len(doc)/2]))
	f.Add(`<rss><channel><wp:wxr_version>1.2</wp:wxr_version><item><wp:post_id>1</wp:post_id><content:encoded>[caption]x[/caption][gallery ids="1,,2"]</content:encoded></item></channel></rss>`)
	f.Add("<rss><channel><item><wp:post_date_gmt>9999-99-99 99:99:99</wp:post_date_gmt></item></channel></rss>")
	f.Fuzz(func(t *testing.T, doc string) {
		ex, err := Parse(strings.NewReader(doc), Options{})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("a message of several lines: %q", err)
			}
			return
		}
		for _, p := range ex.Posts {
			if p.Skip == "" && p.Status == "" {
				t.Errorf("post %q with no status and no reason to skip it", p.Key)
			}
		}
	})
}
