package newsroom

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/ingest"
)

// curation is what editors arrange for the home page: the top stories
// and the story pages that gather a running story.
type curation struct {
	*kit
	store curationStore
}

// curationStore is what the top stories and story pages need of the
// store.
type curationStore interface {
	EditionTop(ctx context.Context, edition string) ([]dateline.TopItem, error)
	EditionTopRefs(ctx context.Context, edition string) ([]dateline.TopRef, error)
	SetEditionTop(ctx context.Context, edition string, refs []dateline.TopRef) error
	Articles(ctx context.Context, f dateline.ArticleFilter) ([]dateline.Article, error)
	Stories(ctx context.Context) ([]dateline.Story, error)
	StoryByID(ctx context.Context, id int64) (*dateline.Story, error)
	SaveStory(ctx context.Context, s *dateline.Story, now time.Time) error
	StoryArticleIDs(ctx context.Context, storyID int64) ([]int64, error)
	SetStoryArticles(ctx context.Context, storyID int64, articleIDs []int64, now time.Time) error
}

// --- top stories ---

type topRow struct {
	Key   string // "a12" for article 12, "s3" for story page 3
	Pos   int
	Ref   dateline.TopRef
	Title string
	Kind  string
	URL   string
}

type topPage struct {
	Edition  string           // the list's edition: "en", "ru"
	Editions []topEditionLink // every edition that is on, to switch between
	Rows     []topRow
	Hidden   int // entries not shown: articles not yet published
	Latest   []dateline.Article
	Stories  []dateline.Story
	Error    string // a save refused: why
}

type topEditionLink struct {
	Edition, Name string
	Current       bool
}

func (s *curation) handleTop(w http.ResponseWriter, r *http.Request) error {
	ed, err := s.topEdition(r.URL.Query().Get("edition"))
	if err != nil {
		return err
	}
	return s.top(w, r, http.StatusOK, ed, "")
}

// topEdition reads the edition a top-stories page is for: the main one
// when none is given. Returns EINVALID for an edition that is not on.
func (s *curation) topEdition(v string) (string, error) {
	if v == "" {
		return dateline.LangMain, nil
	}
	if !slices.ContainsFunc(s.site.Sections(), func(sec dateline.Section) bool { return dateline.EditionOf(sec.Lang) == v }) {
		return "", dateline.Errorf(dateline.EINVALID, "This site has no %q edition.", v)
	}
	return v, nil
}

// top shows an edition's top stories and the form to change them, with
// the message of a refused save.
func (s *curation) top(w http.ResponseWriter, r *http.Request, code int, edition, msg string) error {
	ctx := r.Context()
	items, err := s.store.EditionTop(ctx, edition)
	if err != nil {
		return err
	}
	p := topPage{Edition: edition, Error: msg}
	var slugs []string
	for _, sec := range s.site.Sections() {
		ed := dateline.EditionOf(sec.Lang)
		if ed == edition {
			slugs = append(slugs, sec.Slug)
		}
		if !slices.ContainsFunc(p.Editions, func(l topEditionLink) bool { return l.Edition == ed }) {
			p.Editions = append(p.Editions, topEditionLink{Edition: ed, Name: languageNames[ed], Current: ed == edition})
		}
	}
	if len(p.Editions) < 2 {
		p.Editions = nil
	}
	for i, it := range items {
		row := topRow{Pos: i + 1}
		if it.Story != nil {
			row.Ref, row.Title, row.Kind, row.URL = dateline.TopRef{StoryID: it.Story.ID}, it.Story.Title, "Story page", "/stories/"+it.Story.Slug
			row.Key = "s" + strconv.FormatInt(it.Story.ID, 10)
		} else {
			row.Ref, row.Title, row.Kind, row.URL = dateline.TopRef{ArticleID: it.Article.ID}, it.Article.Headline, "Article", s.site.ArticleURL(*it.Article)
			row.Key = "a" + strconv.FormatInt(it.Article.ID, 10)
		}
		p.Rows = append(p.Rows, row)
	}
	refs, err := s.store.EditionTopRefs(ctx, edition)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if !slices.ContainsFunc(p.Rows, func(row topRow) bool { return row.Ref == ref }) {
			p.Hidden++
		}
	}
	// The stories offered are the edition's own.
	if p.Latest, err = s.store.Articles(ctx, dateline.ArticleFilter{Sections: slugs, Limit: 40}); err != nil {
		return err
	}
	if p.Stories, err = s.store.Stories(ctx); err != nil {
		return err
	}
	title := "Top stories"
	if p.Editions != nil {
		title += ": " + languageNames[edition] + " edition"
	}
	s.renderNewsroomView(w, r, code, "top", &nrView{Title: title, Session: sessionOf(r), Nav: "top", Data: p})
	return nil
}

// handleSaveTop reorders the top stories from the position fields, drops
// the ones marked for removal, moves one up or down, and adds a new one.
// Entries the form did not show (articles not yet published) are kept,
// after the others. It works with plain form posts.
func (s *curation) handleSaveTop(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	edition, err := s.topEdition(f.Get("edition"))
	if err != nil {
		return err
	}
	type entry struct {
		pos float64
		ref dateline.TopRef
	}
	var es []entry
	onForm := map[dateline.TopRef]bool{}
	for i, v := range f["item"] {
		ref, ok := parseTopRef(v)
		if !ok {
			s.newsroomError(w, r, http.StatusBadRequest, "The list of top stories could not be read; reload the page.")
			return nil
		}
		onForm[ref] = true
		if f.Get("remove-"+v) != "" {
			continue
		}
		pos, err := strconv.ParseFloat(f.Get("pos-"+v), 64)
		if err != nil || pos < 0 || pos > 1000 {
			pos = float64(i + 1)
		}
		switch f.Get("move") {
		case "up-" + v:
			pos -= 1.5
		case "down-" + v:
			pos += 1.5
		}
		es = append(es, entry{pos, ref})
	}
	for _, key := range []string{"add_article", "add_story"} {
		v := strings.TrimSpace(f.Get(key))
		if v == "" {
			continue
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.newsroomError(w, r, http.StatusBadRequest, "Choose the story to add from the list.")
			return nil
		}
		ref := dateline.TopRef{ArticleID: id}
		if key == "add_story" {
			ref = dateline.TopRef{StoryID: id}
		}
		pos, err := strconv.ParseFloat(f.Get("add_pos"), 64)
		if err != nil {
			pos = 0.5 // new top stories lead unless told otherwise
		} else {
			pos -= 0.5
		}
		es = append(es, entry{pos, ref})
	}
	slices.SortStableFunc(es, func(a, b entry) int {
		switch {
		case a.pos < b.pos:
			return -1
		case a.pos > b.pos:
			return 1
		}
		return 0
	})
	refs := make([]dateline.TopRef, 0, len(es))
	for _, e := range es {
		if !slices.Contains(refs, e.ref) {
			refs = append(refs, e.ref)
		}
	}
	stored, err := s.store.EditionTopRefs(r.Context(), edition)
	if err != nil {
		return err
	}
	for _, ref := range stored {
		if !onForm[ref] && !slices.Contains(refs, ref) {
			refs = append(refs, ref)
		}
	}
	if len(refs) > 30 {
		s.newsroomError(w, r, http.StatusBadRequest, "The home page shows at most 30 top stories.")
		return nil
	}
	if err := s.store.SetEditionTop(r.Context(), edition, refs); err != nil {
		if code := dateline.ErrorCode(err); code == dateline.EINVALID || code == dateline.ENOTFOUND {
			return s.top(w, r, http.StatusBadRequest, edition, dateline.ErrorMessage(err))
		}
		return err
	}
	s.site.Changed()
	s.audit(r.Context(), sessionOf(r).User, "top.save", "edition "+edition, strconv.Itoa(len(refs))+" items")
	http.Redirect(w, r, "/newsroom/top?edition="+edition+"&done=saved", http.StatusSeeOther)
	return nil
}

// parseTopRef reads "a12" (article 12) or "s3" (story page 3).
func parseTopRef(v string) (dateline.TopRef, bool) {
	if len(v) < 2 {
		return dateline.TopRef{}, false
	}
	id, err := strconv.ParseInt(v[1:], 10, 64)
	if err != nil || id <= 0 {
		return dateline.TopRef{}, false
	}
	switch v[0] {
	case 'a':
		return dateline.TopRef{ArticleID: id}, true
	case 's':
		return dateline.TopRef{StoryID: id}, true
	}
	return dateline.TopRef{}, false
}

// --- running stories ---

type storiesPage struct {
	Stories []dateline.Story
	S       *dateline.Story
	Intro   string
	Latest  []dateline.Article
}

func (s *curation) handleStories(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.store.Stories(r.Context())
	if err != nil {
		return err
	}
	s.renderNewsroomView(w, r, http.StatusOK, "stories", &nrView{Title: "Story pages", Session: sessionOf(r), Nav: "stories", Data: storiesPage{Stories: ss}})
	return nil
}

func (s *curation) handleStory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	st, err := s.store.StoryByID(ctx, id)
	if err != nil {
		return err
	}
	latest, err := s.store.Articles(ctx, dateline.ArticleFilter{Limit: 40})
	if err != nil {
		return err
	}
	p := storiesPage{S: st, Intro: ingest.BodyText(st.Intro), Latest: latest}
	s.renderNewsroomView(w, r, http.StatusOK, "story", &nrView{Title: "Story page: " + st.Title, Session: sessionOf(r), Nav: "stories", Data: p})
	return nil
}

// handleSaveStory creates (no id in the path) or updates a running story:
// its title, address, introduction and attached articles.
func (s *curation) handleSaveStory(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), sessionOf(r).User
	st := &dateline.Story{}
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if st, err = s.store.StoryByID(ctx, id); err != nil {
			return err
		}
	}
	st.Title = ingest.PlainText(r.PostFormValue("title"))
	st.Slug = strings.TrimSpace(r.PostFormValue("slug"))
	intro := r.PostFormValue("intro")
	if utf8.RuneCountInString(intro) > 10000 {
		s.newsroomError(w, r, http.StatusBadRequest, "The introduction has at most 10,000 characters.")
		return nil
	}
	st.Intro = ingest.SanitizeHTML(ingest.TextToHTML(intro))
	if err := st.Validate(); err != nil {
		return err
	}
	if err := s.store.SaveStory(ctx, st, time.Now()); err != nil {
		return err
	}
	if r.PathValue("id") != "" {
		// The form shows only the published articles; the others attached
		// (scheduled, drafts) are kept, since they could not be detached.
		attached, err := s.store.StoryArticleIDs(ctx, st.ID)
		if err != nil {
			return err
		}
		shown := map[int64]bool{}
		for _, a := range st.Articles {
			shown[a.ID] = true
		}
		var ids []int64
		for _, id := range attached {
			if !shown[id] || r.PostFormValue("detach-"+strconv.FormatInt(id, 10)) == "" {
				ids = append(ids, id)
			}
		}
		for _, v := range append(strings.FieldsFunc(r.PostFormValue("attach"), func(c rune) bool { return c == ',' || c == ' ' }), r.PostForm["attach_pick"]...) {
			id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || id <= 0 {
				s.newsroomError(w, r, http.StatusBadRequest, "Attach stories by their numbers, separated by commas.")
				return nil
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if err := s.store.SetStoryArticles(ctx, st.ID, ids, time.Now()); err != nil {
			return err
		}
	}
	s.site.Changed()
	s.audit(ctx, u, "story.save", "story "+strconv.FormatInt(st.ID, 10), st.Title)
	http.Redirect(w, r, "/newsroom/stories/"+strconv.FormatInt(st.ID, 10)+"?done=saved", http.StatusSeeOther)
	return nil
}
