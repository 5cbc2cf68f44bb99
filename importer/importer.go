// Package importer moves another publishing system's site into dateline:
// the parsers (importer/wordpress, importer/ghost) read an export into
// Posts, and Importer stores them as stories of a source, with their
// pictures copied into the media store and their old addresses kept for
// redirects (package redirect). An import is keyed on each post's own
// identifier, so running it again changes nothing: a post whose stored
// version is as new is left alone.
package importer

import (
	"context"
	"dateline/sanitize"
	"fmt"
	"sort"
	"strings"
	"time"

	"dateline"
	"dateline/ingest"
	"dateline/redirect"
)

// Term is a category or a tag of the old site.
type Term struct {
	Slug string // as the old site's addresses write it, decoded
	Name string
}

// Image is a picture of a post: its address in the export, and what the
// old site said of it.
type Image struct {
	Key     string // the photo's URI here: the source's own identifier
	URL     string
	Caption string
	Alt     string
}

// Post is one post of an export, as the parsers read it.
type Post struct {
	Key     string // the article's URI: the source's identifier, stable across exports
	Kind    string // "post" or "page"
	Title   string
	Excerpt string
	// HTML is the body with the source's own markup (shortcodes, block
	// comments, cards) turned into HTML; Importer sanitises it.
	HTML   string
	Status dateline.Status // published, scheduled or draft
	// Published is the publication time (UTC), to come for a scheduled
	// post, zero for a draft that was never dated; Modified the last
	// change, which orders versions.
	Published, Modified time.Time
	Authors             []string
	// Categories are the terms that may choose the section, in order
	// (WordPress's categories; Ghost's primary tag); Tags become topics.
	Categories []Term
	Tags       []Term
	Featured   *Image
	OldPaths   []string // in redirect.Key's form
	// Skip, when set, says why the post is not imported (a trashed
	// post, an attachment, a menu item).
	Skip string
}

// Export is what a parser read: the posts, the terms with their old
// addresses' prefixes ("/category/", "/tag/").
type Export struct {
	Source     string // "wordpress", "ghost"
	Posts      []Post
	Categories []Term
	Tags       []Term
	// CategoryBase and TagBase start the old addresses of a category's
	// and a tag's page; "" when the site had none.
	CategoryBase, TagBase string
}

// Store is what an import needs of the storage; sqlite.DB and
// postgres.DB satisfy it.
type Store interface {
	ingest.Store
	ArticleByURI(ctx context.Context, uri string) (*dateline.Article, error)
	redirect.Store
}

// Stats count what an import did. Skipped counts by reason.
type Stats struct {
	Read, Created, Updated, Unchanged int
	Skipped                           map[string]int
	Refused                           int
	Pictures, PicturesMissing         int
	Redirects                         int // old paths new or repointed
}

// Summary is the stats on one line.
func (s Stats) Summary() string {
	var skipped []string
	n := 0
	for reason, c := range s.Skipped {
		n += c
		skipped = append(skipped, fmt.Sprintf("%d %s", c, reason))
	}
	sort.Strings(skipped)
	line := fmt.Sprintf("%d posts read: %d imported, %d updated, %d unchanged, %d skipped", s.Read, s.Created, s.Updated, s.Unchanged, n)
	if n > 0 {
		line += " (" + strings.Join(skipped, ", ") + ")"
	}
	if s.Refused > 0 {
		line += fmt.Sprintf(", %d refused", s.Refused)
	}
	line += fmt.Sprintf("; %d pictures copied, %d missing; %d old addresses recorded", s.Pictures, s.PicturesMissing, s.Redirects)
	return line
}

// Importer stores the posts of an export.
type Importer struct {
	Store Store
	// Pictures copies pictures into the media store; nil imports none.
	Pictures *Pictures
	// Sections maps a category's (or tag's) slug to a section's slug.
	// A term whose slug is a section's slug maps to it unmapped.
	Sections map[string]string
	// DefaultSection is the section of a post none of whose categories
	// maps to one.
	DefaultSection string
	// Pages imports the old site's pages as stories too (by default they
	// are skipped: a page is not news).
	Pages bool
	// Lang is the stories' language ("en" when empty).
	Lang string
	// Now returns the current time; tests set it.
	Now func() time.Time
	// Every is how many posts pass between two calls of Progress.
	Every    int
	Progress func(Stats)
	// Problem receives a post that was refused or lost pictures; the
	// import goes on.
	Problem func(post, message string)
	// Batch is how many stories are stored in one transaction (200).
	Batch int

	Stats    Stats
	sections []dateline.Section
}

func (im *Importer) now() time.Time {
	if im.Now != nil {
		return im.Now().UTC()
	}
	return time.Now().UTC()
}

// problem tells of one post by its title as a person reads it (exports
// keep titles as HTML: "&amp;").
func (im *Importer) problem(post, msg string) {
	if im.Problem != nil {
		im.Problem(sanitize.PlainText(post), msg)
	}
}

// pending is a story waiting for its batch, with its old paths; known
// when it is stored already as it is, and only its paths are to be saved.
type pending struct {
	a     *dateline.Article
	paths []string
	title string
	known bool
}

// Import stores the posts of ex, in batches, and the old addresses of its
// posts, categories and tags.
func (im *Importer) Import(ctx context.Context, ex *Export) error {
	if im.Stats.Skipped == nil {
		im.Stats.Skipped = map[string]int{}
	}
	ss, err := im.Store.Sections(ctx)
	if err != nil {
		return err
	}
	im.sections = ss
	if im.section(im.DefaultSection) == nil {
		return dateline.Errorf(dateline.EINVALID, "The default section %q is not a section of the site.", im.DefaultSection)
	}
	for term, sec := range im.Sections {
		if im.section(sec) == nil {
			return dateline.Errorf(dateline.EINVALID, "The category %q is mapped to %q, which is not a section of the site.", term, sec)
		}
	}
	batch := max(1, im.Batch)
	if im.Batch == 0 {
		batch = 200
	}
	var queue []pending
	flush := func() error {
		if len(queue) == 0 {
			return nil
		}
		err := im.store(ctx, ex.Source, queue)
		queue = queue[:0]
		return err
	}
	for i := range ex.Posts {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := &ex.Posts[i]
		im.Stats.Read++
		a, reason, err := im.article(ctx, ex.Source, p)
		switch {
		case err != nil:
			return err
		case reason != "":
			im.Stats.Skipped[reason]++
		case a == nil: // stored already at this version: only its old paths
			im.Stats.Unchanged++
			queue = append(queue, pending{a: &dateline.Article{URI: p.Key}, paths: p.OldPaths, known: true})
		default:
			queue = append(queue, pending{a: a, paths: p.OldPaths, title: p.Title})
		}
		if len(queue) >= batch {
			if err := flush(); err != nil {
				return err
			}
		}
		if im.Progress != nil && im.Every > 0 && im.Stats.Read%im.Every == 0 {
			if err := flush(); err != nil {
				return err
			}
			im.Progress(im.Stats)
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return im.termPaths(ctx, ex)
}

// store upserts a batch of stories, then records their old paths.
func (im *Importer) store(ctx context.Context, source string, queue []pending) error {
	var as []*dateline.Article
	var kept, sent []pending
	for _, q := range queue {
		if q.known {
			kept = append(kept, q)
		} else {
			as, sent = append(as, q.a), append(sent, q)
		}
	}
	var rs []dateline.UpsertResult
	if len(as) > 0 {
		var err error
		if rs, err = im.Store.UpsertArticles(ctx, as, im.now()); err != nil {
			return err
		}
	}
	for i, r := range rs {
		switch {
		case r.Refused != nil:
			im.Stats.Refused++
			im.problem(sent[i].title, dateline.ErrorMessage(r.Refused))
			continue
		case r.Created:
			im.Stats.Created++
		case r.Changed:
			im.Stats.Updated++
		default:
			im.Stats.Unchanged++
		}
		kept = append(kept, sent[i])
	}
	_, err := im.saveOldPaths(ctx, source, kept)
	return err
}

func (im *Importer) saveOldPaths(ctx context.Context, source string, ps []pending) (int, error) {
	var ops []redirect.OldPath
	for _, p := range ps {
		for _, path := range p.paths {
			ops = append(ops, redirect.OldPath{Path: path, URI: p.a.URI, Source: source})
		}
	}
	n, err := im.Store.SaveOldPaths(ctx, ops, im.now())
	im.Stats.Redirects += n
	return n, err
}

// termPaths records the old addresses of the categories and tags: to the
// section they map to, else to their topic.
func (im *Importer) termPaths(ctx context.Context, ex *Export) error {
	var ops []redirect.OldPath
	add := func(base string, t Term, target string) {
		if base == "" || t.Slug == "" {
			return
		}
		if k := redirect.Key(base+t.Slug, nil); k != "" {
			ops = append(ops, redirect.OldPath{Path: k, Target: target, Source: ex.Source})
		}
	}
	for _, t := range ex.Categories {
		if sec := im.mapped(t); sec != nil {
			add(ex.CategoryBase, t, sectionURL(sec))
		} else if slug := dateline.Slugify(t.Name); slug != "" && !uncategorized(t) {
			add(ex.CategoryBase, t, "/topics/"+slug)
		}
	}
	for _, t := range ex.Tags {
		if sec := im.mapped(t); sec != nil {
			add(ex.TagBase, t, sectionURL(sec)) // Ghost's primary tags
		} else if slug := dateline.Slugify(t.Name); slug != "" {
			add(ex.TagBase, t, "/topics/"+slug)
		}
	}
	n, err := im.Store.SaveOldPaths(ctx, ops, im.now())
	im.Stats.Redirects += n
	return err
}

func sectionURL(s *dateline.Section) string {
	if s.Lang != "" && s.Lang != dateline.LangMain {
		return "/" + s.Lang + "/" + s.Slug
	}
	return "/" + s.Slug
}

func (im *Importer) section(slug string) *dateline.Section {
	for i := range im.sections {
		if im.sections[i].Slug == slug {
			return &im.sections[i]
		}
	}
	return nil
}

// mapped is the section a term maps to, or nil.
func (im *Importer) mapped(t Term) *dateline.Section {
	if sec, ok := im.Sections[t.Slug]; ok {
		return im.section(sec)
	}
	return im.section(t.Slug)
}

// uncategorized is WordPress's category of posts given none.
func uncategorized(t Term) bool { return t.Slug == "uncategorized" }

// article maps a post to a story, or says why it is skipped. It returns
// nil and no reason for a post stored already as it is, found before its
// pictures are copied.
func (im *Importer) article(ctx context.Context, source string, p *Post) (*dateline.Article, string, error) {
	switch {
	case p.Skip != "":
		return nil, p.Skip, nil
	case p.Kind == "page" && !im.Pages:
		return nil, "pages", nil
	case strings.TrimSpace(ingest.PlainText(p.Title)) == "":
		return nil, "no title", nil
	case p.Key == "" || len(p.Key) > 1000:
		return nil, "no identifier", nil
	}
	version := p.Modified
	if version.IsZero() || version.Before(p.Published) {
		version = p.Published
	}
	if version.IsZero() {
		version = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	version = version.UTC().Truncate(time.Millisecond)
	a := &dateline.Article{
		URI:           ingest.Clean(p.Key),
		Lang:          im.Lang,
		Headline:      truncate(ingest.PlainText(p.Title), 1000),
		Lead:          truncate(ingest.PlainText(p.Excerpt), 2000),
		Byline:        truncate(ingest.PlainText(strings.Join(p.Authors, ", ")), 200),
		Status:        p.Status,
		Urgency:       5,
		SourceVersion: version,
		Source:        source,
	}
	if a.Lang == "" {
		a.Lang = dateline.LangMain
	}
	now := im.now()
	switch p.Status {
	case dateline.StatusPublished:
		a.PublishedAt = p.Published
		if a.PublishedAt.IsZero() || a.PublishedAt.After(now) {
			a.PublishedAt = version
		}
		if a.PublishedAt.After(now) {
			a.PublishedAt = now
		}
		if p.Modified.After(a.PublishedAt) && !p.Modified.After(now) {
			a.UpdatedAt = p.Modified
		}
	case dateline.StatusScheduled:
		if p.Published.IsZero() {
			a.Status = dateline.StatusDraft
		} else {
			a.EmbargoUntil = p.Published.UTC().Truncate(time.Millisecond)
		}
	default:
		a.Status = dateline.StatusDraft
	}
	a.Section = im.DefaultSection
	chosen := ""
	for _, c := range p.Categories {
		if sec := im.mapped(c); sec != nil {
			a.Section, chosen = sec.Slug, c.Slug
			if sec.Lang != "" {
				a.Lang = sec.Lang
			}
			break
		}
	}
	seen := map[string]bool{}
	for _, t := range append(append([]Term(nil), p.Categories...), p.Tags...) {
		name := truncate(ingest.PlainText(t.Name), 200)
		if t.Slug == chosen || uncategorized(t) || name == "" || seen[strings.ToLower(name)] {
			continue
		}
		seen[strings.ToLower(name)] = true
		a.Topics = append(a.Topics, dateline.Topic{Name: name})
	}
	// The pictures are the costly part: a post stored already at this
	// version is not looked at again.
	if im.Pictures != nil && (p.Featured != nil || strings.Contains(p.HTML, "<img")) {
		old, err := im.Store.ArticleByURI(ctx, a.URI)
		switch {
		case err == nil && old.Source == source && !old.SourceVersion.Before(version):
			return nil, "", nil
		case err != nil && dateline.ErrorCode(err) != dateline.ENOTFOUND:
			return nil, "", err
		}
	}
	body, missing, err := im.Pictures.Inline(ctx, p.HTML)
	if err != nil {
		return nil, "", err
	}
	a.Pages = ingest.Pages(body)
	if p.Featured != nil {
		ph, err := im.Pictures.Photo(ctx, p.Featured)
		if err != nil {
			return nil, "", err
		}
		if ph == nil {
			missing++
		}
		a.Photo = ph
	}
	im.Stats.PicturesMissing += missing
	if missing > 0 {
		im.problem(p.Title, fmt.Sprintf("%d pictures could not be copied and are left out", missing))
	}
	return a, "", nil
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}
