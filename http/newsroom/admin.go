package newsroom

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/auth"
	"dateline/http/web"
	"dateline/ingest"
)

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
	Rows    []topRow
	Hidden  int // entries not shown: articles not yet published
	Latest  []dateline.Article
	Stories []dateline.Story
}

func (s *Handler) handleTop(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	items, err := s.store.TopStories(ctx)
	if err != nil {
		return err
	}
	var p topPage
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
	refs, err := s.store.TopRefs(ctx)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if !slices.ContainsFunc(p.Rows, func(row topRow) bool { return row.Ref == ref }) {
			p.Hidden++
		}
	}
	if p.Latest, err = s.store.Articles(ctx, dateline.ArticleFilter{Limit: 40}); err != nil {
		return err
	}
	if p.Stories, err = s.store.Stories(ctx); err != nil {
		return err
	}
	s.renderNewsroomView(w, r, http.StatusOK, "top", &nrView{Title: "Top stories", Session: sessionOf(r), Nav: "top", Data: p})
	return nil
}

// handleSaveTop reorders the top stories from the position fields, drops
// the ones marked for removal, moves one up or down, and adds a new one.
// Entries the form did not show (articles not yet published) are kept,
// after the others. It works with plain form posts.
func (s *Handler) handleSaveTop(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
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
	stored, err := s.store.TopRefs(r.Context())
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
	if err := s.store.SetTopStories(r.Context(), refs); err != nil {
		return err
	}
	s.site.Changed()
	s.audit(r.Context(), sessionOf(r).User, "top.save", "", strconv.Itoa(len(refs))+" items")
	http.Redirect(w, r, "/newsroom/top?done=saved", http.StatusSeeOther)
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

func (s *Handler) handleStories(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.store.Stories(r.Context())
	if err != nil {
		return err
	}
	s.renderNewsroomView(w, r, http.StatusOK, "stories", &nrView{Title: "Story pages", Session: sessionOf(r), Nav: "stories", Data: storiesPage{Stories: ss}})
	return nil
}

func (s *Handler) handleStory(w http.ResponseWriter, r *http.Request) error {
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
func (s *Handler) handleSaveStory(w http.ResponseWriter, r *http.Request) error {
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

// --- people ---

type usersPage struct {
	Users []dateline.User
	Roles []dateline.Role
}

func (s *Handler) handleUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := s.store.Users(r.Context())
	if err != nil {
		return err
	}
	s.renderNewsroomView(w, r, http.StatusOK, "users", &nrView{Title: "People", Session: sessionOf(r), Nav: "users", Data: usersPage{Users: us, Roles: []dateline.Role{dateline.RoleReporter, dateline.RoleEditor, dateline.RoleAdmin}}})
	return nil
}

func (s *Handler) handleCreateUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pw := r.PostFormValue("password")
	if err := auth.CheckPolicy(pw); err != nil {
		return err
	}
	u := &dateline.User{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: dateline.Role(r.PostFormValue("role")),
		PasswordHash: auth.Hash(pw), CreatedAt: s.now()}
	if err := u.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateUser(ctx, u, time.Now()); err != nil {
		return err
	}
	s.audit(ctx, sessionOf(r).User, "user.create", "user "+strconv.FormatInt(u.ID, 10), u.Email+" as "+string(u.Role))
	http.Redirect(w, r, "/newsroom/users?done=created", http.StatusSeeOther)
	return nil
}

func (s *Handler) handleSaveUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, me := r.Context(), sessionOf(r).User
	u, err := s.store.User(ctx, id)
	if err != nil {
		return err
	}
	u.Name, u.Role, u.Disabled = r.PostFormValue("name"), dateline.Role(r.PostFormValue("role")), r.PostFormValue("disabled") != ""
	pw := r.PostFormValue("password")
	if pw != "" {
		if err := auth.CheckPolicy(pw); err != nil {
			return err
		}
	}
	if u.ID == me.ID && (u.Disabled || u.Role != dateline.RoleAdmin) {
		s.newsroomError(w, r, http.StatusBadRequest, "You cannot disable your own account or take away your own admin role; another admin can.")
		return nil
	}
	if err := u.Validate(); err != nil {
		return err
	}
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	detail := "role " + string(u.Role)
	if u.Disabled {
		detail += ", disabled"
	}
	if pw != "" {
		if err := s.store.SetPassword(ctx, u.ID, auth.Hash(pw)); err != nil {
			return err
		}
		detail += ", new password"
	}
	s.audit(ctx, me, "user.update", "user "+strconv.FormatInt(u.ID, 10), detail)
	http.Redirect(w, r, "/newsroom/users?done=saved", http.StatusSeeOther)
	return nil
}

// --- one's own account ---

func (s *Handler) handleAccount(w http.ResponseWriter, r *http.Request) error {
	s.renderNewsroomView(w, r, http.StatusOK, "account", &nrView{Title: "Your account", Session: sessionOf(r), Data: nil})
	return nil
}

func (s *Handler) handlePassword(w http.ResponseWriter, r *http.Request) error {
	ctx, sess := r.Context(), sessionOf(r)
	cur, pw, again := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("again")
	fail := func(msg string) {
		s.renderNewsroomView(w, r, http.StatusBadRequest, "account", &nrView{Title: "Your account", Session: sess, Data: msg})
	}
	if sess.User.LockedUntil.After(s.now()) {
		fail("Too many wrong passwords: try again after " + sess.User.LockedUntil.In(s.loc(r)).Format("15:04") + ".")
		return nil
	}
	if !verifyPassword(cur, sess.User.PasswordHash) {
		// Wrong guesses here count towards the same lockout as sign-in,
		// so a stolen session cannot guess the password for ever.
		if _, err := s.store.LoginFailed(ctx, sess.UserID, s.now(), loginLimit, loginLock); err != nil {
			return err
		}
		s.audit(ctx, sess.User, "password.fail", "user "+strconv.FormatInt(sess.UserID, 10), "")
		fail("Your current password is not right.")
		return nil
	}
	if pw != again {
		fail("The two new passwords differ.")
		return nil
	}
	if err := auth.CheckPolicy(pw); err != nil {
		fail(dateline.ErrorMessage(err))
		return nil
	}
	if err := s.store.SetPassword(ctx, sess.UserID, auth.Hash(pw)); err != nil {
		return err
	}
	// Every session ended with the change: this browser gets a new one.
	secret, now := auth.Token(), s.now()
	ns := &dateline.Session{Hash: auth.Sum(secret), UserID: sess.UserID, CSRF: auth.Token(), CreatedAt: now, ExpiresAt: now.Add(sessionLife)}
	if err := s.store.CreateSession(ctx, ns, time.Now()); err != nil {
		return err
	}
	s.setCookie(w, r, sessionCookie, secret, sessionLife)
	s.audit(ctx, sess.User, "password.change", "user "+strconv.FormatInt(sess.UserID, 10), "")
	http.Redirect(w, r, "/newsroom/account?done=password", http.StatusSeeOther)
	return nil
}

// --- sections ---

func (s *Handler) handleSectionsAdmin(w http.ResponseWriter, r *http.Request) error {
	s.renderNewsroomView(w, r, http.StatusOK, "sections", &nrView{Title: "Sections", Session: sessionOf(r), Nav: "sections"})
	return nil
}

func (s *Handler) handleSaveSection(w http.ResponseWriter, r *http.Request) error {
	pos, err := strconv.Atoi(r.PostFormValue("position"))
	if err != nil || pos < 0 || pos > 1000 {
		s.newsroomError(w, r, http.StatusBadRequest, "The position is a whole number from 0 to 1000.")
		return nil
	}
	sec := &dateline.Section{Slug: strings.TrimSpace(r.PostFormValue("slug")), Name: ingest.PlainText(r.PostFormValue("name")), Position: pos,
		Lang: r.PostFormValue("lang")}
	for _, c := range strings.Split(r.PostFormValue("codes"), "\n") {
		if c = strings.TrimSpace(c); c != "" {
			if len(c) > 200 || !validText(c) {
				s.newsroomError(w, r, http.StatusBadRequest, "A code is one line of at most 200 characters.")
				return nil
			}
			sec.Codes = append(sec.Codes, c)
		}
	}
	if err := s.store.SaveSection(r.Context(), sec); err != nil {
		return err
	}
	s.site.Changed()
	s.audit(r.Context(), sessionOf(r).User, "section.save", "section "+sec.Slug, sec.Name)
	http.Redirect(w, r, "/newsroom/sections?done=saved", http.StatusSeeOther)
	return nil
}

// --- API tokens ---

type tokensPage struct{ Tokens []dateline.Token }

func (s *Handler) handleTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.store.Tokens(r.Context())
	if err != nil {
		return err
	}
	s.renderNewsroomView(w, r, http.StatusOK, "tokens", &nrView{Title: "API tokens", Session: sessionOf(r), Nav: "tokens", Data: tokensPage{Tokens: ts}})
	return nil
}

func (s *Handler) handleCreateToken(w http.ResponseWriter, r *http.Request) error {
	name := ingest.PlainText(r.PostFormValue("name"))
	if name == "" || utf8.RuneCountInString(name) > 100 {
		s.newsroomError(w, r, http.StatusBadRequest, "Name the token after who uses it, in at most 100 characters.")
		return nil
	}
	source := ingest.PlainText(r.PostFormValue("source"))
	if source == "" {
		source = dateline.DefaultSource
	}
	if utf8.RuneCountInString(source) > 100 {
		s.newsroomError(w, r, http.StatusBadRequest, "A source is a name such as “reuters”, in at most 100 characters.")
		return nil
	}
	secret := "dl_" + auth.Token()
	t := &dateline.Token{Name: name, Scope: r.PostFormValue("scope"), Embargo: r.PostFormValue("embargo") != "", Source: source, Hash: auth.Sum(secret), CreatedAt: s.now()}
	if err := s.store.CreateToken(r.Context(), t, time.Now()); err != nil {
		return err
	}
	s.audit(r.Context(), sessionOf(r).User, "token.create", "token "+strconv.FormatInt(t.ID, 10), name+" ("+t.Scope+", source "+source+")")
	s.renderNewsroomView(w, r, http.StatusCreated, "message", &nrView{Title: "Token created", Session: sessionOf(r), Nav: "tokens",
		Data: messagePage{Heading: "Token created", Message: "The token “" + name + "” (" + t.Scope + ") is ready. Send it as “Authorization: Bearer TOKEN”.", Secret: secret, Back: "/newsroom/tokens"}})
	return nil
}

func (s *Handler) handleDeleteToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteToken(r.Context(), id); err != nil {
		return err
	}
	s.audit(r.Context(), sessionOf(r).User, "token.delete", "token "+strconv.FormatInt(id, 10), "")
	http.Redirect(w, r, "/newsroom/tokens?done=deleted", http.StatusSeeOther)
	return nil
}

// --- audit log ---

type auditPage struct {
	Entries []dateline.AuditEntry
	Next    string
}

func (s *Handler) handleAudit(w http.ResponseWriter, r *http.Request) error {
	before, err := optionalID(r.URL.Query().Get("before"), "position")
	if err != nil {
		return err
	}
	es, err := s.store.AuditLog(r.Context(), before, 100)
	if err != nil {
		return err
	}
	p := auditPage{Entries: es}
	if len(es) == 100 {
		p.Next = "/newsroom/audit?before=" + strconv.FormatInt(es[len(es)-1].ID, 10)
	}
	s.renderNewsroomView(w, r, http.StatusOK, "audit", &nrView{Title: "Audit log", Session: sessionOf(r), Nav: "audit", Data: p})
	return nil
}

// --- the editor's JSON helpers ---

func (s *Handler) handleAPIArticles(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if !validText(q) || len(q) > 200 {
		s.newsroomError(w, r, http.StatusBadRequest, "The search words must be text of at most 200 characters.")
		return nil
	}
	as, err := s.store.DeskArticles(r.Context(), dateline.DeskFilter{Query: q, Limit: 20, VisibleTo: visibleTo(sessionOf(r).User)})
	if err != nil {
		return err
	}
	z := s.site.Zone(r)
	out := []map[string]any{}
	for _, a := range as {
		if a.Status == dateline.StatusWithdrawn {
			continue
		}
		var pub string
		if !a.PublishedAt.IsZero() {
			pub = a.PublishedAt.In(z.Location()).Format("2 January 2006, 15:04")
		}
		out = append(out, map[string]any{"id": a.ID, "headline": a.Headline, "url": s.site.ArticleURL(a), "section": a.SectionName, "status": a.Status, "published": pub})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (s *Handler) handleAPITags(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	prefix := strings.TrimSpace(q.Get("q"))
	if !validText(prefix) || len(prefix) > 100 {
		s.newsroomError(w, r, http.StatusBadRequest, "The name must be text of at most 100 characters.")
		return nil
	}
	out := []map[string]string{}
	if prefix != "" {
		ts, err := s.store.TagSuggest(r.Context(), q.Get("kind"), prefix, 10)
		if err != nil {
			return err
		}
		editor := sessionOf(r).User.Role.CanPublish()
		for _, t := range ts {
			if !editor {
				// A name only an embargoed or unpublished story gave is
				// for the editors, like the story.
				kind := dateline.TagTopic
				if q.Get("kind") == "persons" {
					kind = dateline.TagPerson
				}
				ok, err := s.store.TagPublished(r.Context(), kind, t.Slug)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
			}
			out = append(out, map[string]string{"name": t.Name, "slug": t.Slug})
		}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func photoJSON(p *dateline.Photo) map[string]any {
	return map[string]any{"id": p.ID, "src": fitURL(p, 320), "full": fitURL(p, 960), "width": p.Width, "height": p.Height, "caption": p.Caption, "credit": p.Credit}
}

func (s *Handler) handleAPIPhotos(w http.ResponseWriter, r *http.Request) error {
	f, err := photoFilter(r)
	if err != nil {
		return err
	}
	ps, err := s.store.Photos(r.Context(), f)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for i := range ps {
		out = append(out, photoJSON(&ps[i]))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
