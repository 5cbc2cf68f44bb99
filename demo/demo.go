// Package demo makes content for trying dateline out: the demo site (the
// seed article, the stories, galleries and infographics written for the
// project, with generated photos) and any number of generated articles for
// load tests.
package demo

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"strings"
	"time"

	"dateline"
	"dateline/ingest"
)

//go:embed content/*.json
var contentFS embed.FS

type content struct {
	Articles     []demoArticle     `json:"articles"`
	Galleries    []demoGallery     `json:"galleries"`
	Infographics []demoInfographic `json:"infographics"`
	TopStories   []string          `json:"top_stories"` // article keys, or "story:SLUG"
	Stories      []demoStory       `json:"stories"`
}

// demoStory is a running story page and the keys of its articles.
type demoStory struct {
	Slug     string   `json:"slug"`
	Title    string   `json:"title"`
	Intro    string   `json:"intro"` // plain text, paragraphs split by blank lines
	Articles []string `json:"articles"`
}

type demoPhoto struct {
	Caption string `json:"caption"`
	Credit  string `json:"credit"`
}

type demoArticle struct {
	Key          string     `json:"key"`
	Section      string     `json:"section"`
	Lang         string     `json:"lang"`
	Headline     string     `json:"headline"`
	Lead         string     `json:"lead"`
	Place        string     `json:"place"`
	AgeHours     float64    `json:"age_hours"`
	UpdatedHours float64    `json:"updated_hours"`
	Urgency      int        `json:"urgency"`
	Breaking     bool       `json:"breaking"`
	Commercial   string     `json:"commercial"` // "partner" or "advertising" for labelled commercial content
	Topics       []string   `json:"topics"`
	Persons      []string   `json:"persons"`
	Photo        *demoPhoto `json:"photo"`
	ReadAlso     []string   `json:"read_also"`
	Body         []string   `json:"body"`
	// TranslationOf is the key of the story this one translates.
	TranslationOf string `json:"translation_of"`
}

// SectionsRU are the Russian edition's sections, which the demo makes so
// that /ru/ has something to show.
var SectionsRU = []dateline.Section{
	{Slug: "politika", Name: "Политика", Position: 101, Lang: "ru"},
	{Slug: "mir", Name: "В мире", Position: 102, Lang: "ru"},
	{Slug: "ekonomika", Name: "Экономика", Position: 103, Lang: "ru"},
	{Slug: "nauka", Name: "Наука", Position: 104, Lang: "ru"},
	{Slug: "obschestvo", Name: "Общество", Position: 105, Lang: "ru"},
	{Slug: "sportivnye-novosti", Name: "Спорт", Position: 106, Lang: "ru"},
}

// linkTranslations links the stories that name the one they translate.
func linkTranslations(ctx context.Context, store dateline.Store, ds []demoArticle, ids map[string]int64) error {
	for _, d := range ds {
		if d.TranslationOf == "" {
			continue
		}
		of, ok := ids[d.TranslationOf]
		if !ok {
			continue
		}
		if err := store.LinkTranslation(ctx, ids[d.Key], of); err != nil {
			return fmt.Errorf("demo: translation %s: %w", d.Key, err)
		}
	}
	return nil
}

type demoGallery struct {
	Key      string      `json:"key"`
	Title    string      `json:"title"`
	Lead     string      `json:"lead"`
	AgeHours float64     `json:"age_hours"`
	Section  string      `json:"section"`
	Photos   []demoPhoto `json:"photos"`
}

type demoInfographic struct {
	Key      string  `json:"key"`
	Title    string  `json:"title"`
	Text     string  `json:"text"`
	AgeHours float64 `json:"age_hours"`
	Section  string  `json:"section"`
}

func loadContent() (*content, error) {
	var all content
	names, err := fs.Glob(contentFS, "content/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		data, err := contentFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var c content
		if err := json.Unmarshal(data, &c); err != nil {
			return nil, fmt.Errorf("demo: %s: %w", name, err)
		}
		all.Articles = append(all.Articles, c.Articles...)
		all.Galleries = append(all.Galleries, c.Galleries...)
		all.Infographics = append(all.Infographics, c.Infographics...)
		all.TopStories = append(all.TopStories, c.TopStories...)
		all.Stories = append(all.Stories, c.Stories...)
	}
	return &all, nil
}

func uri(key string) string { return "urn:dateline:demo:" + key }

func ago(now time.Time, hours float64) time.Time {
	return now.Add(-time.Duration(hours * float64(time.Hour))).Truncate(time.Second)
}

// bodyHTML turns the demo's paragraphs into pages of HTML: "## " starts a
// subhead and "---" a new page.
func bodyHTML(paras []string) []string {
	var pages []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			pages = append(pages, ingest.SanitizeHTML(b.String()))
			b.Reset()
		}
	}
	for _, p := range paras {
		switch {
		case p == "---":
			flush()
		case strings.HasPrefix(p, "## "):
			b.WriteString("<h2>" + html.EscapeString(strings.TrimPrefix(p, "## ")) + "</h2>")
		default:
			b.WriteString("<p>" + html.EscapeString(p) + "</p>")
		}
	}
	flush()
	return pages
}

// toArticles maps the demo's articles, queueing their photos.
func toArticles(ds []demoArticle, photos *photoMaker, now time.Time) ([]*dateline.Article, error) {
	var as []*dateline.Article
	for _, d := range ds {
		a := &dateline.Article{
			URI: uri(d.Key), Section: d.Section, Lang: d.Lang, Headline: d.Headline, Lead: d.Lead,
			Place: d.Place, Status: dateline.StatusPublished, Urgency: d.Urgency, Breaking: d.Breaking, Commercial: d.Commercial,
			PublishedAt: ago(now, d.AgeHours), Pages: bodyHTML(d.Body),
		}
		a.SourceVersion = a.PublishedAt
		if a.Lang == "" {
			a.Lang = "en"
		}
		if a.Urgency == 0 {
			a.Urgency = 5
		}
		if d.UpdatedHours > 0 && d.UpdatedHours < d.AgeHours {
			a.UpdatedAt = ago(now, d.UpdatedHours)
			a.SourceVersion = a.UpdatedAt
		}
		for _, t := range d.Topics {
			a.Topics = append(a.Topics, dateline.Topic{Name: t})
		}
		for _, p := range d.Persons {
			a.Persons = append(a.Persons, dateline.Person{Name: p})
		}
		for _, k := range d.ReadAlso {
			a.ReadAlso = append(a.ReadAlso, dateline.ArticleRef{URI: uri(k)})
		}
		if d.Photo != nil {
			p, err := photos.photo(d.Key, d.Photo.Caption, d.Photo.Credit, d.Section)
			if err != nil {
				return nil, err
			}
			a.Photo = p
		}
		as = append(as, a)
	}
	return as, nil
}

// LoadArticles stores articles written in the demo's format ({"articles":
// [...]}), such as a test's own, and returns their ids by key.
func LoadArticles(ctx context.Context, store dateline.Store, media dateline.Media, data []byte, now time.Time) (map[string]int64, error) {
	var c content
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, err
	}
	photos := newPhotoMaker(ctx, media)
	as, err := toArticles(c.Articles, photos, now.UTC())
	if err != nil {
		return nil, err
	}
	rs, err := store.UpsertArticles(ctx, as, now.UTC())
	if err != nil {
		return nil, err
	}
	if err := photos.wait(); err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	for i, d := range c.Articles {
		ids[d.Key] = rs[i].ID
	}
	return ids, nil
}

// URI is the source URI the demo gives the article with the key.
func URI(key string) string { return uri(key) }

// Load fills an empty store with the demo site, dated relative to now, and
// writes its photos to media under demo/. It returns the number of articles.
func Load(ctx context.Context, store dateline.Store, media dateline.Media, now time.Time) (int, error) {
	c, err := loadContent()
	if err != nil {
		return 0, err
	}
	now = now.UTC()
	for _, sec := range SectionsRU {
		if err := store.SaveSection(ctx, &sec); err != nil {
			return 0, fmt.Errorf("demo: section %s: %w", sec.Slug, err)
		}
	}
	photos := newPhotoMaker(ctx, media)
	as, err := toArticles(c.Articles, photos, now)
	if err != nil {
		return 0, err
	}
	rs, err := store.UpsertArticles(ctx, as, now)
	if err != nil {
		return 0, fmt.Errorf("demo: articles: %w", err)
	}
	ids := map[string]int64{}
	for i, d := range c.Articles {
		ids[d.Key] = rs[i].ID
	}
	if err := linkTranslations(ctx, store, c.Articles, ids); err != nil {
		return 0, err
	}
	if err := seedViews(ctx, store, ids, now); err != nil {
		return 0, err
	}
	if err := loadPartners(ctx, store, now); err != nil {
		return 0, err
	}
	stories := map[string]int64{}
	for _, d := range c.Stories {
		st := &dateline.Story{Slug: d.Slug, Title: d.Title, Intro: ingest.TextToHTML(d.Intro)}
		if err := store.SaveStory(ctx, st, time.Now()); err != nil {
			return 0, fmt.Errorf("demo: story %s: %w", d.Slug, err)
		}
		var attach []int64
		for _, k := range d.Articles {
			if id, ok := ids[k]; ok {
				attach = append(attach, id)
			}
		}
		if err := store.SetStoryArticles(ctx, st.ID, attach, time.Now()); err != nil {
			return 0, fmt.Errorf("demo: story %s: %w", d.Slug, err)
		}
		stories[d.Slug] = st.ID
	}
	var top []dateline.TopRef
	for _, k := range c.TopStories {
		if slug, ok := strings.CutPrefix(k, "story:"); ok {
			if id, ok := stories[slug]; ok {
				top = append(top, dateline.TopRef{StoryID: id})
			}
		} else if id, ok := ids[k]; ok {
			top = append(top, dateline.TopRef{ArticleID: id})
		}
	}
	if err := store.SetTopStories(ctx, top); err != nil {
		return 0, fmt.Errorf("demo: top stories: %w", err)
	}
	for _, d := range c.Galleries {
		g := &dateline.Gallery{URI: uri(d.Key), Title: d.Title, Lead: d.Lead, Section: d.Section, PublishedAt: ago(now, d.AgeHours)}
		for i, p := range d.Photos {
			ph, err := photos.photo(fmt.Sprintf("%s-%d", d.Key, i), p.Caption, p.Credit, d.Section)
			if err != nil {
				return 0, err
			}
			g.Photos = append(g.Photos, *ph)
		}
		if err := store.SaveGallery(ctx, g, time.Now()); err != nil {
			return 0, fmt.Errorf("demo: gallery %s: %w", d.Key, err)
		}
	}
	for _, d := range c.Infographics {
		img, err := photos.chart(d.Key, d.Title)
		if err != nil {
			return 0, err
		}
		g := &dateline.Infographic{URI: uri(d.Key), Title: d.Title, Text: d.Text, Section: d.Section,
			PublishedAt: ago(now, d.AgeHours), Images: []dateline.Photo{*img}}
		if err := store.SaveInfographic(ctx, g, time.Now()); err != nil {
			return 0, fmt.Errorf("demo: infographic %s: %w", d.Key, err)
		}
	}
	if err := photos.wait(); err != nil {
		return 0, fmt.Errorf("demo: photos: %w", err)
	}
	if err := loadRates(ctx, store, now); err != nil {
		return 0, err
	}
	return len(as), nil
}
