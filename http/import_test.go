package http_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dateline"
	"dateline/importer"
	"dateline/importer/ghost"
	"dateline/importer/wordpress"
	"dateline/media"
)

// importer runs an import of ex into the server's store, with the
// pictures from dir, as dateline import --from does.
func (e *env) importer(ex *importer.Export, dir, marker string, sections map[string]string) *importer.Importer {
	e.helper()
	im := &importer.Importer{
		Store: e.store, Sections: sections, DefaultSection: "society", Now: e.clock.Now,
		Pictures: &importer.Pictures{Media: media.Dir{Root: filepath.Join(e.dir, "media")}, Dir: dir, Marker: marker, Folder: ex.Source},
	}
	if err := im.Import(context.Background(), ex); err != nil {
		e.t.Fatalf("import: %v", err)
	}
	im.Stats.Pictures = im.Pictures.Copied
	e.srv.Changed()
	return im
}

func parseWXR(t testing.TB, name string) *importer.Export {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ex, err := wordpress.Parse(f, wordpress.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

func parseGhost(t testing.TB, name string) *importer.Export {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ex, err := ghost.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// wantRedirect checks that GET old answers a permanent redirect to
// where, and returns where.
func (e *env) wantRedirect(old, where string) string {
	e.helper()
	w := e.get(old)
	if w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != where {
		e.t.Errorf("GET %s = %d to %q, want 301 to %q", old, w.Code, w.Header().Get("Location"), where)
	}
	return w.Header().Get("Location")
}

func (e *env) byURI(uri string) *dateline.Article {
	e.helper()
	a, err := e.store.ArticleByURI(context.Background(), uri)
	if err != nil {
		e.t.Fatalf("%s: %v", uri, err)
	}
	return a
}

func storyURL(a *dateline.Article) string { return "/" + a.Section + "/" + itoa(a.ID) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestImportWordPress imports the hand-written WXR file and follows its
// old addresses through the router; a second run changes nothing.
func TestImportWordPress(t *testing.T) {
	e := newEnv(t, false)
	ex := parseWXR(t, "../importer/wordpress/testdata/export.xml")
	im := e.importer(ex, "../importer/wordpress/testdata/uploads", "/wp-content/uploads/", nil)
	s := im.Stats
	if s.Read != 9 || s.Created != 6 || s.Updated != 0 || s.Unchanged != 0 || s.Skipped["pages"] != 1 || s.Skipped["trash"] != 1 ||
		s.Skipped["type nav_menu_item"] != 1 || s.Pictures != 1 || s.PicturesMissing != 2 {
		t.Errorf("first run: %s", s.Summary())
	}

	a := e.byURI("wordpress:https://old.example.com/?p=101")
	if a.Section != "politics" || a.Status != dateline.StatusPublished || a.Headline != "Parliament & the budget: a long night" ||
		a.Byline != "Anna Petrova" || a.Lead != "The budget passed after an all-night sitting." || a.Source != "wordpress" {
		t.Errorf("post 101: %+v", a)
	}
	if a.Photo == nil || a.Photo.Path == "" || a.Photo.Alt != "The chamber" || a.Photo.Caption != "The chamber at dawn" {
		t.Errorf("featured image: %+v", a.Photo)
	}
	var topics []string
	for _, tp := range a.Topics {
		topics = append(topics, tp.Name)
	}
	if strings.Join(topics, ",") != "Football,Elections" {
		t.Errorf("topics %v: the unmapped category and the tag", topics)
	}
	body := strings.Join(a.Pages, "")
	for _, s := range []string{`<img src="/media/import/wordpress/`, "<figcaption>The chamber at dawn</figcaption>", "[sic]", `<a href="https://www.youtube.com/watch?v=abc123"`} {
		if !strings.Contains(body, s) {
			t.Errorf("body lacks %q:\n%s", s, body)
		}
	}
	if strings.Contains(body, "old.example.com/wp-content") || strings.Contains(body, "contact-form") {
		t.Errorf("body hot-links the old site or keeps a shortcode:\n%s", body)
	}

	// Old addresses, as readers and search engines ask for them.
	to := e.wantRedirect("/2017/10/23/parliament-budget/", storyURL(a))
	e.wantRedirect("/?p=101", storyURL(a))
	e.wantRedirect("/2017/10/23/budget-vote/", storyURL(a))
	e.wantRedirect("/2017/10/23/Parliament-Budget?utm_source=x", storyURL(a))
	if w := e.get(to); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Parliament &amp; the budget") {
		t.Errorf("the new address: %d", w.Code)
	}
	ru := e.byURI("wordpress:https://old.example.com/?p=102")
	if ru.Section != "society" {
		t.Errorf("a post whose category maps to no section is in %q, want the default", ru.Section)
	}
	e.wantRedirect("/2018/03/25/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82-%D0%BC%D0%B8%D1%80/", storyURL(ru))
	e.wantRedirect("/2018/03/25/"+url.PathEscape("привет-мир")+"/", storyURL(ru))
	e.wantRedirect("/2019/01/02/same-slug/", storyURL(e.byURI("wordpress:https://old.example.com/?p=103")))
	e.wantRedirect("/2019/01/03/same-slug/", storyURL(e.byURI("wordpress:https://old.example.com/?p=104")))
	e.wantRedirect("/category/politics/", "/politics")
	e.wantRedirect("/category/football/", "/topics/football")
	e.wantRedirect("/tag/elections/", "/topics/elections")

	// Not public: a draft, a scheduled post, a page left out.
	if d := e.byURI("wordpress:https://old.example.com/?p=105"); d.Status != dateline.StatusDraft {
		t.Errorf("draft: %s", d.Status)
	}
	if f := e.byURI("wordpress:https://old.example.com/?p=106"); f.Status != dateline.StatusScheduled || f.EmbargoUntil.Year() != 2099 {
		t.Errorf("scheduled: %s %v", f.Status, f.EmbargoUntil)
	}
	for _, path := range []string{"/2099/01/01/future-post/", "/about/", "/?p=107"} {
		if w := e.get(path); w.Code == http.StatusMovedPermanently {
			t.Errorf("GET %s redirects to %s", path, w.Header().Get("Location"))
		}
	}
	if w := e.get("/?p=105"); w.Code != http.StatusOK {
		t.Errorf("a draft's old address is the home page: %d", w.Code)
	}
	if n, _ := e.store.CountArticles(context.Background(), dateline.StatusPublished); n != 4 {
		t.Errorf("%d published stories, want 4", n)
	}

	// Again: nothing changes.
	again := e.importer(parseWXR(t, "../importer/wordpress/testdata/export.xml"), "../importer/wordpress/testdata/uploads", "/wp-content/uploads/", nil)
	if s := again.Stats; s.Created != 0 || s.Updated != 0 || s.Unchanged != 6 || s.Redirects != 0 || s.Pictures != 0 {
		t.Errorf("second run: %s", s.Summary())
	}
	if b := e.byURI(a.URI); b.Version != a.Version || !b.ModifiedAt.Equal(a.ModifiedAt) {
		t.Errorf("the second run changed the story: version %d → %d", a.Version, b.Version)
	}
}

// TestImportGhost imports the hand-written Ghost export.
func TestImportGhost(t *testing.T) {
	e := newEnv(t, false)
	ex := parseGhost(t, "../importer/ghost/testdata/export.json")
	im := e.importer(ex, "../importer/ghost/testdata/content", "/content/", map[string]string{"business": "economy"})
	s := im.Stats
	if s.Created != 5 || s.Skipped["pages"] != 1 || s.Skipped["sent by email only"] != 1 || s.Pictures != 1 || s.PicturesMissing != 2 {
		t.Errorf("first run: %s", s.Summary())
	}
	a := e.byURI("ghost:0b7d5a9e-0000-4000-8000-000000000001")
	if a.Section != "economy" || a.Byline != "Ирина Волкова, Tom Lee" || a.Photo == nil || a.Photo.Alt != "Cranes at dusk" || a.Photo.Caption != "The harbour at dusk" {
		t.Errorf("post 1: %+v %+v", a, a.Photo)
	}
	if body := strings.Join(a.Pages, ""); strings.Contains(body, "script") || !strings.Contains(body, "From an HTML card.") || !strings.Contains(body, `src="/media/import/ghost/`) {
		t.Errorf("body: %s", body)
	}
	e.wantRedirect("/harbour-reopens/", storyURL(a))
	e.wantRedirect("/"+url.PathEscape("лексикал")+"/", storyURL(e.byURI("ghost:0b7d5a9e-0000-4000-8000-000000000002")))
	e.wantRedirect("/tag/shipping/", "/topics/shipping-ports")
	e.wantRedirect("/tag/business/", "/economy")
	for _, path := range []string{"/a-draft/", "/future/", "/about/", "/newsletter-only/"} {
		if w := e.get(path); w.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, w.Code)
		}
	}
	again := e.importer(parseGhost(t, "../importer/ghost/testdata/export.json"), "../importer/ghost/testdata/content", "/content/", map[string]string{"business": "economy"})
	if s := again.Stats; s.Created != 0 || s.Updated != 0 || s.Unchanged != 5 || s.Redirects != 0 {
		t.Errorf("second run: %s", s.Summary())
	}
}

// TestImportFiftyPictures imports a post with 50 pictures in its body,
// each its own file in the uploads folder (and one of them twice, and the
// first also the featured image): 50 copies, one <img> each from the
// site's own media.
func TestImportFiftyPictures(t *testing.T) {
	e := newEnv(t, false)
	uploads := filepath.Join(t.TempDir(), "uploads")
	if err := os.MkdirAll(filepath.Join(uploads, "2020", "02"), 0o755); err != nil {
		t.Fatal(err)
	}
	var content strings.Builder
	for i := range 50 {
		m := image.NewRGBA(image.Rect(0, 0, 64, 48))
		for p := range m.Pix {
			m.Pix[p] = byte(i * 5)
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, m, nil); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(uploads, "2020", "02", fmt.Sprintf("p%d.jpg", i)), b.Bytes(), 0o644)
		fmt.Fprintf(&content, "Picture %d\n\n<img src=\"https://old.example.com/wp-content/uploads/2020/02/p%d.jpg\" alt=\"number %d\">\n\n", i, i, i)
	}
	content.WriteString(`<img src="https://old.example.com/wp-content/uploads/2020/02/p7.jpg" alt="again">`)
	doc := `<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Fifty</title><link>https://old.example.com/fifty/</link><guid>https://old.example.com/?p=50</guid><wp:post_id>50</wp:post_id>
<content:encoded><![CDATA[` + content.String() + `]]></content:encoded><wp:post_date_gmt>2020-02-29 12:00:00</wp:post_date_gmt>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type><wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>51</wp:meta_value></wp:postmeta></item>
<item><title>p0</title><wp:post_id>51</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://old.example.com/wp-content/uploads/2020/02/p0.jpg</wp:attachment_url></item></channel></rss>`
	ex, err := wordpress.Parse(strings.NewReader(doc), wordpress.Options{})
	if err != nil {
		t.Fatal(err)
	}
	im := e.importer(ex, uploads, "/wp-content/uploads/", nil)
	if s := im.Stats; s.Created != 1 || s.Pictures != 50 || s.PicturesMissing != 0 {
		t.Errorf("%s", s.Summary())
	}
	a := e.byURI("wordpress:https://old.example.com/?p=50")
	body := strings.Join(a.Pages, "")
	if n := strings.Count(body, `<img src="/media/import/wordpress/`); n != 51 || strings.Count(body, "<img") != 51 || !strings.Contains(body, `alt="number 49"`) {
		t.Errorf("%d pictures from the media store in the body:\n%.500s", n, body)
	}
	if a.Photo == nil || !strings.Contains(body, a.Photo.Path) {
		t.Errorf("featured image %+v is not the body's first picture", a.Photo)
	}
	if w := e.get(storyURL(a)); w.Code != http.StatusOK || strings.Count(w.Body.String(), "/media/import/wordpress/") < 51 {
		t.Errorf("the story page: %d", w.Code)
	}
}
