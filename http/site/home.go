package site

import (
	"context"
	"html/template"
	"net/http"
	"strings"

	"dateline"
	"dateline/http/site/currency"
	"dateline/http/site/kit"
	"dateline/http/site/liveview"
	"dateline/http/web"
	"dateline/i18n"
	"dateline/ingest"
	"dateline/readership"
)

// Pages are the reader's pages of stories: the home page, the lists of
// news (all, a section's, a topic's, a person's), the article, the
// galleries and infographics, the running stories.
type Pages struct {
	*kit.Kit
	store pageStore
	reads *readership.Service
	rates *currency.Handler     // the home page's block of rates
	side  kit.Memo[*sideColumn] // each edition's side column of story pages
}

// pageStore is what the pages read.
type pageStore interface {
	liveview.Store
	Articles(ctx context.Context, f dateline.ArticleFilter) ([]dateline.Article, error)
	Article(ctx context.Context, id int64) (*dateline.Article, error)
	EditionTop(ctx context.Context, edition string) ([]dateline.TopItem, error)
	Topic(ctx context.Context, slug string) (*dateline.Topic, error)
	Person(ctx context.Context, slug string) (*dateline.Person, error)
	Gallery(ctx context.Context, id int64) (*dateline.Gallery, error)
	Galleries(ctx context.Context, limit int) ([]dateline.Gallery, error)
	Infographic(ctx context.Context, id int64) (*dateline.Infographic, error)
	Infographics(ctx context.Context, limit int) ([]dateline.Infographic, error)
	Story(ctx context.Context, slug string) (*dateline.Story, error)
	StoriesOf(ctx context.Context, articleID int64) ([]dateline.Story, error)
	Translations(ctx context.Context, id int64) ([]dateline.ArticleRef, error)
	Neighbours(ctx context.Context, id int64, limit int) ([]dateline.Neighbour, error)
	TopicsOf(ctx context.Context, ids []int64) (map[int64][]dateline.Topic, error)
	TagLabel(ctx context.Context, kind, slug, lang string) (string, error)
	TagPublished(ctx context.Context, kind, slug string) (bool, error)
	PartnerEntries(ctx context.Context, kind string, limit int) ([]dateline.PartnerEntry, error)
	Sections(ctx context.Context) ([]dateline.Section, error)
	// The index pages (/topics/, /persons/, /stories/).
	SitemapTags(ctx context.Context, kind string, after int64, limit int) ([]dateline.SitemapTag, error)
	LastTagID(ctx context.Context, kind string) (int64, error)
	Stories(ctx context.Context) ([]dateline.Story, error)
}

// sectionBlock is the data of one section's block of the home page.
type sectionBlock struct {
	Section dateline.Section
	Items   []dateline.Article
	Zone    kit.Zone
	Lang    string
}

// topView is a top story on the home page: an article, or a running story
// shown with its title, introduction and newest article's photo.
type topView struct {
	dateline.Article
	URL   string
	Story bool
}

func (s *Pages) topViews(items []dateline.TopItem) []topView {
	out := make([]topView, 0, len(items))
	for _, it := range items {
		if it.Story == nil {
			out = append(out, topView{Article: *it.Article, URL: s.Sections().ArticleURL(*it.Article)})
			continue
		}
		v := topView{URL: "/stories/" + it.Story.Slug, Story: true}
		if len(it.Story.Articles) > 0 {
			v.Article = it.Story.Articles[0]
		}
		v.Headline, v.Lead = it.Story.Title, firstParagraph(it.Story.Intro)
		v.Breaking, v.Urgency = false, 5
		out = append(out, v)
	}
	return out
}

// firstParagraph is the text of an introduction's first paragraph.
func firstParagraph(html string) string {
	if i := strings.Index(html, "</p>"); i >= 0 {
		html = html[:i]
	}
	return ingest.BodyText(html)
}

type homePage struct {
	*kit.Base
	MostRead     *mostReadBox
	Top          []topView
	Latest       []dateline.Article
	Blocks       []template.HTML // each section's block (kit.Part)
	Galleries    []dateline.Gallery
	Infographics []dateline.Infographic
	// PartnerNews and OtherMedia are the newest entries of partner feeds
	// (partnerBlocks, below).
	PartnerNews, OtherMedia []dateline.PartnerEntry
	Rates                   *currency.Box // exchange rates (package currency); nil hides the block
}

func (s *Pages) handleHome(w http.ResponseWriter, r *http.Request) {
	lang := s.Lang(r)
	if !s.Sections().EditionOn(lang) {
		s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no page at this address."))
		return
	}
	z := s.Zone(r)
	s.ServePage(w, r, web.Key{Kind: "home", Zone: z.Key()}, func(ctx context.Context) (*web.Page, error) {
		var d homePage
		var err error
		filter := s.Sections().Filter(lang)
		main := lang == dateline.LangMain
		// Editors curate each edition's top stories; an edition with none
		// leads with its newest.
		top, err := s.store.EditionTop(ctx, lang)
		if err != nil {
			return nil, err
		}
		d.Top = s.topViews(top)
		if d.Latest, err = s.store.Articles(ctx, dateline.ArticleFilter{Sections: filter, Limit: 15}); err != nil {
			return nil, err
		}
		if len(d.Top) == 0 {
			d.Top = s.topFromLatest(d.Latest, 5)
		}
		for _, sec := range s.Sections().Of(lang) {
			key := web.Key{Kind: "home-block", A: sec.Slug, Zone: z.Key(), Lang: lang}
			block, err := s.Part(ctx, key, "home", "section-block", func(ctx context.Context) (any, error) {
				items, err := s.store.Articles(ctx, dateline.ArticleFilter{Sections: []string{sec.Slug}, Limit: 4})
				return sectionBlock{Section: sec, Items: items, Zone: z, Lang: lang}, err
			})
			if err != nil {
				return nil, err
			}
			d.Blocks = append(d.Blocks, block)
		}
		if main {
			if d.Galleries, err = s.store.Galleries(ctx, 3); err != nil {
				return nil, err
			}
			if d.Infographics, err = s.store.Infographics(ctx, 4); err != nil {
				return nil, err
			}
			if err := s.partnerBlocks(ctx, &d); err != nil {
				return nil, err
			}
		}
		if d.Rates, err = s.rates.HomeRates(ctx, i18n.Lang(lang)); err != nil {
			return nil, err
		}
		if d.MostRead, err = s.mostReadBlock(ctx, lang); err != nil {
			return nil, err
		}
		v := s.NewBase(r, "")
		d.Base = v
		v.Canonical = dateline.EditionPath(lang) + "/"
		v.Alternates = s.Sections().Homes()
		v.Live = &kit.LiveBox{Mode: "home", Sections: liveSections(filter...)}
		v.Description = translate(lang, "The latest news: %s.", strings.Join(sectionNames(v.Sections), ", "))
		return s.HTMLPage("home", d, http.StatusOK, s.LastModified())
	})
}

// topFromLatest makes a top list when editors have not curated one: the
// newest story with a photo leads.
func (s *Pages) topFromLatest(latest []dateline.Article, n int) []topView {
	top := make([]topView, 0, n)
	for _, a := range latest[:min(n, len(latest))] {
		top = append(top, topView{Article: a, URL: s.Sections().ArticleURL(a)})
	}
	for i, a := range top {
		if a.Photo != nil {
			top[0], top[i] = top[i], top[0]
			break
		}
	}
	return top
}

func sectionNames(ss []dateline.Section) []string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.Name
	}
	return names
}

// partnerBlockSize is how many entries each home page block shows.
const partnerBlockSize = 8

// partnerBlocks fills the home page's "Partner News" and "In other media".
func (s *Pages) partnerBlocks(ctx context.Context, d *homePage) error {
	ps := s.store
	var err error
	if d.PartnerNews, err = ps.PartnerEntries(ctx, dateline.PartnerNews, partnerBlockSize); err != nil {
		return err
	}
	d.OtherMedia, err = ps.PartnerEntries(ctx, dateline.PartnerMedia, partnerBlockSize)
	return err
}
