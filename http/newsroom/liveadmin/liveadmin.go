// Package liveadmin is the newsroom's page of a live story: starting the
// coverage, the posting form (text, a photo from the library, a quote, a
// link; key event; pin as the summary; the closing post), and the list of
// posts with their edits, deletions and history. Several journalists post
// at once: each post is saved on its own, and the page's script refreshes
// the list without touching the form being typed. The newsroom (package
// http/newsroom) mounts it behind its session guard and lends it its page
// frame, clock and audit log through Kit.
package liveadmin

import (
	"context"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"

	"dateline"
	"dateline/http/web"
	"dateline/liveblog"
)

// Kit is what the newsroom lends this page.
type Kit struct {
	// Render shows one of the newsroom's page templates in its frame.
	Render func(w http.ResponseWriter, r *http.Request, code int, page, title string, data any)
	// User is the signed-in person of the request.
	User func(r *http.Request) *dateline.User
	// Audit records who did what.
	Audit func(ctx context.Context, u *dateline.User, action, target, detail string)
	// StoriesChanged tells the site that stories changed (the event log
	// says which).
	StoriesChanged func()
	Now            func() time.Time
}

// Store is what the page needs of the store.
type Store interface {
	liveblog.Store
	Article(ctx context.Context, id int64) (*dateline.Article, error)
	Photos(ctx context.Context, f dateline.PhotoFilter) ([]dateline.Photo, error)
}

// HandlerFunc is a handler of this page: the newsroom answers the error
// it returns.
type HandlerFunc func(http.ResponseWriter, *http.Request) error

// Admin is the page.
type Admin struct {
	*Kit
	store Store
}

// New makes the page.
func New(store Store, k *Kit) *Admin { return &Admin{Kit: k, store: store} }

// Routes registers the page on m: any is the guard of every signed-in
// person, editor that of editors (who start coverage and close it).
func (a *Admin) Routes(m *http.ServeMux, any, editor func(HandlerFunc) http.HandlerFunc) {
	m.HandleFunc("GET /newsroom/articles/{id}/live", any(a.handlePage))
	m.HandleFunc("POST /newsroom/articles/{id}/live/start", editor(a.handleStart))
	m.HandleFunc("POST /newsroom/articles/{id}/live/posts", any(a.handleAdd))
	m.HandleFunc("POST /newsroom/live/posts/{pid}", any(a.handleEdit))
	m.HandleFunc("POST /newsroom/live/posts/{pid}/delete", any(a.handleDelete))
	m.HandleFunc("GET /newsroom/live/posts/{pid}/history", any(a.handleHistory))
}

// postView is a post as the list shows it.
type postView struct {
	liveblog.Post
	MayEdit bool // its author, or an editor
}

type livePage struct {
	A         *dateline.Article
	Ever      bool // was ever live
	Coverage  liveblog.Coverage
	Posts     []postView // newest first, the deleted too
	Photos    []dateline.Photo
	Editor    bool
	Error     string
	Draft     liveblog.Post // the form as sent, after a refusal
	Kinds     []string
	Refreshed time.Time
}

func (a *Admin) article(r *http.Request) (*dateline.Article, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return a.store.Article(r.Context(), id)
}

func (a *Admin) handlePage(w http.ResponseWriter, r *http.Request) error {
	art, err := a.article(r)
	if err != nil {
		return err
	}
	return a.page(w, r, art, http.StatusOK, "", liveblog.Post{Kind: liveblog.KindText})
}

// page shows the live page of art, with msg and the refused draft after
// a refusal.
func (a *Admin) page(w http.ResponseWriter, r *http.Request, art *dateline.Article, code int, msg string, draft liveblog.Post) error {
	ctx := r.Context()
	u := a.User(r)
	p := livePage{A: art, Editor: u.Role.CanPublish(), Error: msg, Draft: draft, Refreshed: a.Now(),
		Kinds: []string{liveblog.KindText, liveblog.KindPhoto, liveblog.KindQuote, liveblog.KindLink}}
	c, err := a.store.Coverage(ctx, art.ID)
	switch {
	case err == nil:
		p.Ever, p.Coverage = true, c
	case dateline.ErrorCode(err) != dateline.ENOTFOUND:
		return err
	}
	posts, err := a.store.Posts(ctx, art.ID, true)
	if err != nil {
		return err
	}
	for i := len(posts) - 1; i >= 0; i-- {
		p.Posts = append(p.Posts, postView{Post: posts[i], MayEdit: p.Editor || posts[i].AuthorID == u.ID})
	}
	if p.Coverage.Live() {
		if p.Photos, err = a.store.Photos(ctx, dateline.PhotoFilter{Limit: 60}); err != nil {
			return err
		}
	}
	a.Render(w, r, code, "live", "Live: "+art.Headline, p)
	return nil
}

func (a *Admin) handleStart(w http.ResponseWriter, r *http.Request) error {
	art, err := a.article(r)
	if err != nil {
		return err
	}
	if err := a.store.StartCoverage(r.Context(), art.ID, a.Now()); err != nil {
		return err
	}
	a.StoriesChanged()
	a.Audit(r.Context(), a.User(r), "live.start", "article "+strconv.FormatInt(art.ID, 10), art.Headline)
	http.Redirect(w, r, liveURL(art.ID), http.StatusSeeOther)
	return nil
}

func liveURL(id int64) string { return "/newsroom/articles/" + strconv.FormatInt(id, 10) + "/live" }

// readPost reads the posting form.
func readPost(r *http.Request) (liveblog.Post, error) {
	if err := r.ParseForm(); err != nil {
		return liveblog.Post{}, dateline.Errorf(dateline.EINVALID, "The form could not be read.")
	}
	f := r.PostForm
	p := liveblog.Post{Kind: f.Get("kind"), Body: paragraphs(f.Get("body")), QuoteBy: f.Get("quote_by"), LinkURL: f.Get("link_url"),
		KeyEvent: f.Get("key_event") != "", Pinned: f.Get("pinned") != "", Closing: f.Get("closing") != ""}
	if v := f.Get("photo_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return p, dateline.Errorf(dateline.EINVALID, "Pick a photo from the library.")
		}
		p.PhotoID = id
	}
	return p, nil
}

// paragraphs makes typed text HTML: text without markup becomes
// paragraphs at its blank lines (its single newlines, line breaks); text
// with markup is kept for the sanitiser.
func paragraphs(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
	if s == "" || strings.HasPrefix(s, "<") {
		return s
	}
	var b strings.Builder
	for _, para := range strings.Split(s, "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(para), "\n", "<br>") + "</p>")
		}
	}
	return b.String()
}

func (a *Admin) handleAdd(w http.ResponseWriter, r *http.Request) error {
	art, err := a.article(r)
	if err != nil {
		return err
	}
	u := a.User(r)
	p, err := readPost(r)
	if err == nil && p.Closing && !u.Role.CanPublish() {
		err = dateline.Errorf(dateline.EFORBIDDEN, "Only an editor ends live coverage.")
	}
	if err == nil {
		p.ArticleID, p.AuthorID = art.ID, u.ID
		err = a.store.AddPost(r.Context(), &p, a.Now())
	}
	if err != nil {
		if code := dateline.ErrorCode(err); code == dateline.EINVALID || code == dateline.EFORBIDDEN {
			return a.page(w, r, art, web.Status(code), dateline.ErrorMessage(err), p)
		}
		return err
	}
	a.StoriesChanged()
	if p.Closing {
		a.Audit(r.Context(), u, "live.end", "article "+strconv.FormatInt(art.ID, 10), art.Headline)
	}
	http.Redirect(w, r, liveURL(art.ID)+"?done=posted", http.StatusSeeOther)
	return nil
}

// stored reads the post of the path and checks the person may change it.
func (a *Admin) stored(r *http.Request) (*liveblog.Post, int, error) {
	id, err := web.PathID(r, "pid")
	if err != nil {
		return nil, 0, err
	}
	p, err := a.store.Post(r.Context(), id)
	if err != nil {
		return nil, 0, err
	}
	u := a.User(r)
	if !u.Role.CanPublish() && p.AuthorID != u.ID {
		return nil, 0, dateline.Errorf(dateline.EFORBIDDEN, "Only its author or an editor changes a post.")
	}
	if err := r.ParseForm(); err != nil {
		return nil, 0, dateline.Errorf(dateline.EINVALID, "The form could not be read.")
	}
	base, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || base < 1 {
		return nil, 0, dateline.Errorf(dateline.EINVALID, "The form has no version of the post; reload the page.")
	}
	return p, base, nil
}

func (a *Admin) handleEdit(w http.ResponseWriter, r *http.Request) error {
	old, base, err := a.stored(r)
	if err != nil {
		return err
	}
	p, err := readPost(r)
	if err != nil {
		return err
	}
	p.ID = old.ID
	if err := a.store.EditPost(r.Context(), &p, base, a.User(r).ID, a.Now()); err != nil {
		return err
	}
	a.StoriesChanged()
	http.Redirect(w, r, liveURL(old.ArticleID)+"?done=saved#p"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
	return nil
}

func (a *Admin) handleDelete(w http.ResponseWriter, r *http.Request) error {
	p, base, err := a.stored(r)
	if err != nil {
		return err
	}
	if err := a.store.DeletePost(r.Context(), p.ID, base, a.User(r).ID, a.Now()); err != nil {
		return err
	}
	a.StoriesChanged()
	a.Audit(r.Context(), a.User(r), "live.delete", "post "+strconv.FormatInt(p.ID, 10), p.Kind)
	http.Redirect(w, r, liveURL(p.ArticleID)+"?done=deleted", http.StatusSeeOther)
	return nil
}

type historyPage struct {
	Post      *liveblog.Post
	Revisions []liveblog.Revision
}

func (a *Admin) handleHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "pid")
	if err != nil {
		return err
	}
	p, err := a.store.Post(r.Context(), id)
	if err != nil {
		return err
	}
	revs, err := a.store.PostRevisions(r.Context(), id)
	if err != nil {
		return err
	}
	a.Render(w, r, http.StatusOK, "live_history", "History of post "+strconv.FormatInt(id, 10), historyPage{Post: p, Revisions: revs})
	return nil
}
