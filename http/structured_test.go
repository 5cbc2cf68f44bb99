package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/internal/htmlcheck"
)

// newsArticleLD is the JSON-LD the tests read.
type newsArticleLD struct {
	Context       string `json:"@context"`
	Type          string `json:"@type"`
	Headline      string `json:"headline"`
	Description   string `json:"description"`
	DatePublished string `json:"datePublished"`
	DateModified  string `json:"dateModified"`
	Image         []struct {
		Type          string `json:"@type"`
		URL           string `json:"url"`
		Width, Height int
	} `json:"image"`
	Author []struct {
		Type string `json:"@type"`
		Name string `json:"name"`
	} `json:"author"`
	Publisher struct {
		Type string `json:"@type"`
		Name string `json:"name"`
		Logo struct {
			URL string `json:"url"`
		} `json:"logo"`
	} `json:"publisher"`
	ArticleSection   string   `json:"articleSection"`
	Keywords         []string `json:"keywords"`
	MainEntityOfPage struct {
		Type string `json:"@type"`
		ID   string `json:"@id"`
	} `json:"mainEntityOfPage"`
	InLanguage string `json:"inLanguage"`
}

// articleLD reads the page's one JSON-LD block.
func articleLD(t *testing.T, doc *htmlcheck.Doc, page string) (newsArticleLD, string) {
	t.Helper()
	scripts := doc.All("head script[type=application/ld+json]")
	if len(scripts) != 1 {
		t.Fatalf("%s has %d JSON-LD blocks, want 1", page, len(scripts))
	}
	raw := scripts[0].Text()
	var ld newsArticleLD
	if err := json.Unmarshal([]byte(raw), &ld); err != nil {
		t.Fatalf("%s: JSON-LD does not parse: %v\n%s", page, err, raw)
	}
	return ld, raw
}

func metaContent(doc *htmlcheck.Doc, attr, name string) []string {
	var out []string
	for _, n := range doc.All("head meta[" + attr + "=" + name + "]") {
		out = append(out, n.Attr("content"))
	}
	return out
}

// TestArticleStructuredData checks the NewsArticle JSON-LD, the Open
// Graph and the Twitter card of the demo's stories against the stories.
func TestArticleStructuredData(t *testing.T) {
	e := sharedDemo(t)
	ctx := context.Background()
	list, err := e.store.Articles(ctx, dateline.ArticleFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var sawPhoto, sawTopics bool
	for _, item := range list {
		a, err := e.store.Article(ctx, item.ID)
		if err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/%s/%d", a.Section, a.ID)
		if a.Lang == "ru" {
			page = "/ru" + page
		}
		url := "https://news.example" + page
		w, doc := e.page(page)
		if w.Code != 200 {
			t.Fatalf("%s: %d", page, w.Code)
		}
		ld, _ := articleLD(t, doc, page)
		modified := a.PublishedAt
		if a.UpdatedAt.After(modified) {
			modified = a.UpdatedAt
		}
		pub, err1 := time.Parse(time.RFC3339, ld.DatePublished)
		mod, err2 := time.Parse(time.RFC3339, ld.DateModified)
		wantType := "NewsArticle"
		if a.Commercial != "" {
			wantType = "AdvertiserContentArticle"
		}
		if ld.Context != "https://schema.org" || ld.Type != wantType || ld.Headline != a.Headline || ld.Description != a.Lead ||
			err1 != nil || err2 != nil || !pub.Equal(a.PublishedAt) || !mod.Equal(modified) || mod.Before(pub) ||
			ld.ArticleSection != a.SectionName || ld.InLanguage != a.Lang ||
			ld.MainEntityOfPage.Type != "WebPage" || ld.MainEntityOfPage.ID != url {
			t.Errorf("%s: JSON-LD %+v", page, ld)
		}
		if len(ld.Author) != 1 || (a.Byline != "" && (ld.Author[0].Type != "Person" || !strings.HasSuffix(a.Byline, ld.Author[0].Name))) ||
			(a.Byline == "" && (ld.Author[0].Type != "Organization" || ld.Author[0].Name != "Dateline")) {
			t.Errorf("%s: author %+v for byline %q", page, ld.Author, a.Byline)
		}
		if ld.Publisher.Type != "Organization" || ld.Publisher.Name != "Dateline" || ld.Publisher.Logo.URL != "https://news.example/static/icon.svg" {
			t.Errorf("%s: publisher %+v", page, ld.Publisher)
		}
		if c := e.get("/static/icon.svg").Code; c != 200 {
			t.Errorf("the publisher's logo answers %d", c)
		}
		var topics []string
		for _, tp := range a.Topics {
			topics = append(topics, tp.Name)
		}
		if !slices.Equal(ld.Keywords, topics) {
			t.Errorf("%s: keywords %v, want %v", page, ld.Keywords, topics)
		}
		sawTopics = sawTopics || len(topics) > 0

		og := func(p string) []string { return metaContent(doc, "property", p) }
		if !slices.Equal(og("og:type"), []string{"article"}) || !slices.Equal(og("og:title"), []string{a.Headline}) ||
			!slices.Equal(og("og:url"), []string{url}) || !slices.Equal(og("og:site_name"), []string{"Dateline"}) ||
			!slices.Equal(og("article:published_time"), []string{ld.DatePublished}) ||
			!slices.Equal(og("article:modified_time"), []string{ld.DateModified}) ||
			!slices.Equal(og("article:section"), []string{a.SectionName}) || !slices.Equal(og("article:tag"), topics) {
			t.Errorf("%s: Open Graph type %v title %v url %v published %v modified %v section %v tags %v", page,
				og("og:type"), og("og:title"), og("og:url"), og("article:published_time"), og("article:modified_time"), og("article:section"), og("article:tag"))
		}
		if a.Lead != "" && !slices.Equal(og("og:description"), []string{a.Lead}) {
			t.Errorf("%s: og:description %v", page, og("og:description"))
		}
		card := metaContent(doc, "name", "twitter:card")
		if a.Photo == nil {
			if len(ld.Image) != 0 || len(og("og:image")) != 0 || !slices.Equal(card, []string{"summary"}) {
				t.Errorf("%s without a photo: image %+v og:image %v card %v", page, ld.Image, og("og:image"), card)
			}
			continue
		}
		sawPhoto = true
		photo := "https://news.example/media/" + a.Photo.Path
		if len(ld.Image) != 1 || ld.Image[0].URL != photo || ld.Image[0].Width != a.Photo.Width || ld.Image[0].Height != a.Photo.Height {
			t.Errorf("%s: JSON-LD image %+v, want %s", page, ld.Image, photo)
		}
		img, width, height := og("og:image"), og("og:image:width"), og("og:image:height")
		if len(img) != 1 || !strings.HasPrefix(img[0], "https://news.example/media/") || len(width) != 1 || len(height) != 1 {
			t.Errorf("%s: og:image %v %v×%v", page, img, width, height)
		} else if c := e.get(strings.TrimPrefix(img[0], "https://news.example")).Code; c != 200 {
			t.Errorf("%s: og:image %s answers %d", page, img[0], c)
		} else if w, _ := strconv.Atoi(width[0]); img[0] == photo && w != a.Photo.Width {
			t.Errorf("%s: og:image:width %v, want %d", page, width, a.Photo.Width)
		}
		if !slices.Equal(card, []string{"summary_large_image"}) {
			t.Errorf("%s: twitter:card %v", page, card)
		}
	}
	if !sawPhoto || !sawTopics {
		t.Errorf("the demo has stories with photos: %v, with topics: %v", sawPhoto, sawTopics)
	}
	// Lists and other pages have none.
	for _, p := range []string{"/", "/news", "/politics"} {
		_, doc := e.page(p)
		if n := len(doc.All("script[type=application/ld+json]")) + len(doc.All("meta[property=og:type]")); n != 0 {
			t.Errorf("%s has article metadata", p)
		}
	}
}

// TestJSONLDCannotCloseItsScript publishes a headline that tries to end
// the JSON-LD block: it stays JSON, and the page has no other script.
func TestJSONLDCannotCloseItsScript(t *testing.T) {
	e := newEnv(t, false)
	headline := `Breaking </script><script>alert(1)</script> & "quotes" <!-- \u2028`
	id := e.publish("urn:test:ld", "Plain", "world", "")
	// The headline goes in through the store: ingest strips tags.
	a, err := e.store.Article(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	a.Headline, a.SourceVersion, a.Byline = headline, a.SourceVersion.Add(time.Minute), "By Anna Petrova"
	if _, err := e.store.UpsertArticles(context.Background(), []*dateline.Article{a}, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.srv.Changed()
	page := fmt.Sprintf("/world/%d", id)
	w, doc := e.page(page)
	body := w.Body.String()
	head := body[:strings.Index(body, "</head>")]
	if strings.Count(head, "<script") != 2 || strings.Contains(head, "alert(1)</script>") {
		t.Errorf("the headline escaped its block:\n%s", head)
	}
	ld, raw := articleLD(t, doc, page)
	if ld.Headline != headline || strings.Contains(raw, "</") || strings.Contains(raw, "<!--") {
		t.Errorf("JSON-LD headline %q, raw %s", ld.Headline, raw)
	}
	if len(ld.Author) != 1 || ld.Author[0].Type != "Person" || ld.Author[0].Name != "Anna Petrova" {
		t.Errorf("author %+v", ld.Author)
	}
	// A withdrawn story's notice has no article metadata.
	e.ingest(item("urn:test:ld", e.clock.Now().Add(time.Hour), `, "pubstatus": "canceled"`))
	w, doc = e.page(page)
	if w.Code != 410 || len(doc.All("script[type=application/ld+json]")) != 0 || len(doc.All("meta[property=og:title]")) != 0 {
		t.Errorf("withdrawn page: %d with metadata", w.Code)
	}
}
