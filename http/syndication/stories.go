package syndication

import (
	"context"
	"html"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"dateline"
	"dateline/feed"
	"dateline/http/web"
	"dateline/i18n"
)

// Feeds that follow one story, so that a feed reader can follow a
// developing story rather than a whole section:
//
//   - a running story's feed, /stories/SLUG/feed.atom (and .rss, .json;
//     /ru/stories/SLUG/feed.atom in another edition): the articles of the
//     story page, newest first;
//   - a story's versions, /SECTION/ID/feed.atom: the story, the follow-ups
//     of its chain (alert, update, wrap-up: the article page's "How this
//     story developed") and each correction of them as an entry of its
//     own, so a reader hears of an update or a correction made in place.
//     A wire story updated in place (a new version of the same guid, or
//     Superdesk's rewrite chain) is one article at one address: its update
//     changes the entry's time, its corrections are new entries.
//     A live story's posts are entries too (live.go).
//
// Both are cached as kinds whose deps are not noted ("storyfeed",
// "versions"): which articles belong to a story page or a chain can change
// with a story that neither read (an embargoed follow-up released), so any
// change of content drops them, as it drops the story page itself.

// chainItems is how many stories of a chain a versions feed reads.
const chainItems = 30

// serveStory answers a running story's feed.
func (s *Feeds) serveStory(w http.ResponseWriter, r *http.Request, slug string, f feedFormat) {
	if len(slug) > 100 || dateline.Slugify(slug) != slug {
		s.site.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no feed at this address."))
		return
	}
	lang := s.site.Lang(r)
	s.site.ServePage(w, r, web.Key{Kind: "storyfeed", A: slug, N: int64(f)}, func(ctx context.Context) (*web.Page, error) {
		st, err := s.store.Story(ctx, slug)
		if err != nil {
			return nil, err
		}
		fd := &feed.Feed{Path: Path(lang, Story, slug), Lang: lang, Title: s.cfg.SiteName + ": " + st.Title,
			Page:        s.cfg.BaseURL + dateline.EditionPath(lang) + "/stories/" + slug,
			Description: i18n.T(i18n.Lang(lang), "The story %s as it develops, newest first.", st.Title)}
		items := st.Articles
		if len(items) > feedItems {
			items = items[:feedItems]
		}
		if err := s.fill(ctx, fd, items); err != nil {
			return nil, err
		}
		return s.page(fd, f)
	})
}

// versionsFeedPath recognises "/SECTION/ID/feed.EXT".
func versionsFeedPath(p string) (section string, id int64, f feedFormat, ok bool) {
	parts := strings.Split(p, "/")
	if len(parts) != 4 || parts[0] != "" || parts[1] == "" {
		return "", 0, 0, false
	}
	ext, ok := strings.CutPrefix(parts[3], "feed.")
	if !ok {
		return "", 0, 0, false
	}
	if f, ok = formatOf(ext); !ok {
		return "", 0, 0, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != parts[2] {
		return "", 0, 0, false
	}
	return parts[1], id, f, true
}

// ServeVersions answers a story's versions feed, /world/123/feed.atom,
// and reports whether r asked for one; like section feeds it is routed
// before the site's mux.
func (s *Feeds) ServeVersions(w http.ResponseWriter, r *http.Request) bool {
	section, id, f, ok := versionsFeedPath(r.URL.Path)
	if !ok || !s.site.HasSection(section) || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	lang := s.site.Lang(r)
	s.site.ServePage(w, r, web.Key{Kind: "versions", A: section, N: id, M: int64(f)}, func(ctx context.Context) (*web.Page, error) {
		a, err := s.store.Article(ctx, id)
		if err != nil {
			return nil, err
		}
		canonical := a.Section == section && s.site.EditionOf(a.Section) == lang
		switch {
		case !canonical || !a.WasPublic():
			return nil, dateline.Errorf(dateline.ENOTFOUND, "There is no feed at this address.")
		case a.Status != dateline.StatusPublished:
			return nil, dateline.Errorf(dateline.EGONE, "The story “%s” has been withdrawn: its feed has ended.", a.Headline)
		}
		fd, err := s.loadVersions(ctx, lang, a)
		if err != nil {
			return nil, err
		}
		return s.page(fd, f)
	})
	return true
}

// loadVersions reads the versions feed of a: the published stories of its
// chain (a alone when it is in none), each with an entry for every
// correction, newest first.
func (s *Feeds) loadVersions(ctx context.Context, lang string, a *dateline.Article) (*feed.Feed, error) {
	addr := s.site.ArticleURL(*a)
	fd := &feed.Feed{Path: Path(lang, Versions, addr), Lang: lang, Title: s.cfg.SiteName + ": " + a.Headline,
		Page:        s.cfg.BaseURL + addr,
		Description: i18n.T(i18n.Lang(lang), "Updates and corrections of the story %s.", a.Headline)}
	stories := []dateline.Article{*a}
	if len(a.Chain) > 1 {
		stories = stories[:0]
		refs := a.Chain
		if len(refs) > chainItems {
			refs = refs[len(refs)-chainItems:]
		}
		for _, ref := range refs {
			if ref.ID == a.ID {
				stories = append(stories, *a)
				continue
			}
			b, err := s.store.Article(ctx, ref.ID)
			if dateline.ErrorCode(err) == dateline.ENOTFOUND {
				continue
			}
			if err != nil {
				return nil, err
			}
			if b.Status == dateline.StatusPublished {
				stories = append(stories, *b)
			}
		}
	}
	ids := make([]int64, len(stories))
	for i, b := range stories {
		ids[i] = b.ID
	}
	topics, err := s.store.TopicsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	full := s.cfg.FeedContent != FeedSummary
	for i := range stories {
		b := &stories[i]
		it := s.item(b, topics[b.ID], dateline.FeedBody{Pages: b.Pages, Corrections: b.Corrections}, full)
		fd.Items = append(fd.Items, it)
		for _, c := range b.Corrections {
			ci := it
			ci.ID = it.URL + "#correction-" + strconv.FormatInt(c.At.Unix(), 10)
			ci.Title = i18n.T(i18n.Lang(b.Lang), "Correction: %s", b.Headline)
			ci.Summary, ci.Content, ci.Image = c.Text, "", nil
			if full {
				ci.Content = "<p>" + html.EscapeString(c.Text) + "</p>"
			}
			ci.Published, ci.Updated = c.At, c.At
			fd.Items = append(fd.Items, ci)
		}
	}
	posts, err := s.postItems(ctx, stories, full)
	if err != nil {
		return nil, err
	}
	if len(posts) > 0 {
		fd.Description = i18n.T(i18n.Lang(lang), "Live posts, updates and corrections of the story %s.", a.Headline)
		fd.Items = append(fd.Items, posts...)
	}
	slices.SortStableFunc(fd.Items, func(x, y feed.Item) int { return y.Updated.Compare(x.Updated) })
	for _, it := range fd.Items {
		if it.Updated.After(fd.Updated) {
			fd.Updated = it.Updated
		}
	}
	if fd.Updated.IsZero() {
		fd.Updated = s.site.LastModified()
	}
	return fd, nil
}
