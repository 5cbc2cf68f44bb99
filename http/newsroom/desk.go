package newsroom

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/http/web"
	workflow "dateline/newsroom"
)

// desk is the desk, the story editor, a story's history and the editor's
// lookups; the editorial rules are the workflow's (package
// dateline/newsroom).
type desk struct {
	*kit
	store deskStore
}

// deskStore is what the desk and the editor need of the store.
type deskStore interface {
	workflow.Store
	DeskArticles(ctx context.Context, f dateline.DeskFilter) ([]dateline.Article, error)
	Users(ctx context.Context) ([]dateline.User, error)
	TranslationOf(ctx context.Context, id int64) (int64, error)
	Revision(ctx context.Context, id int64) (*dateline.Revision, error)
	SaveAutosave(ctx context.Context, a *dateline.Autosave, now time.Time) error
	Autosave(ctx context.Context, articleID, userID int64) (*dateline.Autosave, error)
	TagSuggest(ctx context.Context, kind, prefix string, limit int) ([]dateline.Topic, error)
	TagPublished(ctx context.Context, kind, slug string) (bool, error)
}

// --- the desk: a list of stories ---

type deskPage struct {
	F        dateline.DeskFilter
	Statuses []dateline.Status
	Items    []dateline.Article
	Users    []dateline.User
	Authors  map[int64]string
	Next     string
	// Waiting are the submitted stories, oldest first, for editors on
	// the desk's first page: "Waiting for you".
	Waiting []dateline.Article
}

func (s *desk) handleDesk(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := dateline.DeskFilter{Status: dateline.Status(q.Get("status")), Section: q.Get("section"), Query: strings.TrimSpace(q.Get("q")), Limit: 50,
		VisibleTo: visibleTo(sessionOf(r).User)}
	if f.Status != "" && !f.Status.Valid() {
		s.newsroomError(w, r, http.StatusBadRequest, "Unknown status; choose one from the list.")
		return nil
	}
	if f.Section != "" && !s.hasSection(f.Section) {
		s.newsroomError(w, r, http.StatusBadRequest, "Unknown section; choose one from the list.")
		return nil
	}
	if v := q.Get("author"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.newsroomError(w, r, http.StatusBadRequest, "Unknown author; choose one from the list.")
			return nil
		}
		f.AuthorID = id
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1_000_000 {
			s.newsroomError(w, r, http.StatusBadRequest, "The offset must be a whole number from 0.")
			return nil
		}
		f.Offset = n
	}
	if !validText(f.Query) || len(f.Query) > 200 {
		s.newsroomError(w, r, http.StatusBadRequest, "The search words must be text of at most 200 characters.")
		return nil
	}
	ctx := r.Context()
	items, err := s.store.DeskArticles(ctx, f)
	if err != nil {
		return err
	}
	users, err := s.store.Users(ctx)
	if err != nil {
		return err
	}
	d := deskPage{F: f, Items: items, Users: users, Authors: map[int64]string{0: "wire"},
		Statuses: []dateline.Status{dateline.StatusDraft, dateline.StatusSubmitted, dateline.StatusScheduled, dateline.StatusPublished, dateline.StatusWithheld, dateline.StatusWithdrawn}}
	for _, u := range users {
		d.Authors[u.ID] = u.Name
	}
	if sessionOf(r).User.Role.CanPublish() && f.Offset == 0 {
		if d.Waiting, err = s.waiting(ctx); err != nil {
			return err
		}
	}
	if len(items) == f.Limit {
		q.Set("offset", strconv.Itoa(f.Offset+f.Limit))
		d.Next = "/newsroom/?" + q.Encode()
	}
	s.renderNewsroomView(w, r, http.StatusOK, "desk", &nrView{Title: "Stories", Session: sessionOf(r), Nav: "desk", Data: d})
	return nil
}

// waiting lists the submitted stories for the editors, the longest
// waiting first.
func (s *desk) waiting(ctx context.Context) ([]dateline.Article, error) {
	as, err := s.store.DeskArticles(ctx, dateline.DeskFilter{Status: dateline.StatusSubmitted, Limit: 20})
	slices.Reverse(as)
	return as, err
}

// visibleTo is the desk's limit for the person: a reporter sees their own
// stories and the published ones; editors and admins see every story.
func visibleTo(u *dateline.User) int64 {
	if u.Role.CanPublish() {
		return 0
	}
	return u.ID
}

// --- the editor ---

type editPage struct {
	A               *dateline.Article
	D               *dateline.Draft
	Base            int
	Photo           *dateline.Photo
	FollowsHeadline string
	// TranslationHeadline is the headline of the story this one translates.
	TranslationHeadline string
	PublishAt           string
	Chain               []dateline.ArticleRef
	Autosave            *dateline.Autosave
	Conflict            *workflow.Conflict
	Error               string
	Info                string
	Restore             int64  // the revision being restored
	Correction          string // the correction typed, when the form comes back
	WithdrawNote        string // the reason typed for a withdrawal refused
	Message             string // the note typed, when the form comes back
	Minor               bool   // the minor-edit box, when the form comes back
	// ReadOnly shows the story without the form: a reporter's view of
	// a story they may read but not change.
	ReadOnly bool
	Notes    []workflow.Note
}

func (s *desk) handleNewArticle(w http.ResponseWriter, r *http.Request) error {
	sess := sessionOf(r)
	d := &dateline.Draft{Lang: dateline.LangMain, Urgency: 5, Byline: sess.User.Name}
	if secs := s.site.Sections(); len(secs) > 0 {
		d.Section, d.Lang = secs[0].Slug, sectionLang(secs[0])
	}
	a := &dateline.Article{Status: dateline.StatusDraft}
	s.editor(w, r, http.StatusOK, &editPage{A: a, D: d})
	return nil
}

func (s *desk) handleEditArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sess := sessionOf(r)
	a, err := s.workflow().Editable(r.Context(), sess.User, id)
	if dateline.ErrorCode(err) == dateline.EFORBIDDEN {
		// What a reporter may read but not change is shown read-only.
		if a, err = s.workflow().Readable(r.Context(), sess.User, id); err != nil {
			return err
		}
		s.editor(w, r, http.StatusOK, &editPage{A: a, D: workflow.EditorDraft(a), Base: a.Version, ReadOnly: true})
		return nil
	}
	if err != nil {
		return err
	}
	p, err := s.storedPage(r, a)
	if err != nil {
		return err
	}
	if as, err := s.store.Autosave(r.Context(), a.ID, sess.UserID); err == nil {
		if r.URL.Query().Get("restore") == "autosave" {
			if d, err := dateline.DecodeDraft(as.Data); err == nil {
				// The edit started from as.Base: saving it after someone
				// else's save is a conflict, not an overwrite.
				p.D, p.Base = d, as.Base
			}
		} else if !as.SavedAt.Before(a.ModifiedAt) {
			p.Autosave = as
		}
	}
	s.editor(w, r, http.StatusOK, p)
	return nil
}

// storedPage is the editor's page of story a as stored, with its
// translation link.
func (s *desk) storedPage(r *http.Request, a *dateline.Article) (*editPage, error) {
	p := &editPage{A: a, D: workflow.EditorDraft(a), Base: a.Version}
	of, err := s.store.TranslationOf(r.Context(), a.ID)
	if err != nil {
		return nil, err
	}
	p.D.TranslationOf = of
	return p, nil
}

// articleForEdit loads the article named in the path and checks that the
// signed-in person may change it: reporters only their own stories before
// publication.
func (s *desk) articleForEdit(w http.ResponseWriter, r *http.Request) (*dateline.Article, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	a, err := s.workflow().Editable(r.Context(), sessionOf(r).User, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return a, true
}

// workflow is the newsroom's editorial workflow over the server's store.
func (s *desk) workflow() *workflow.Service {
	return &workflow.Service{Store: s.store, Now: s.now, Log: s.log}
}

func (s *desk) editor(w http.ResponseWriter, r *http.Request, code int, p *editPage) {
	ctx := r.Context()
	if p.D.PhotoID != 0 {
		p.Photo, _ = s.store.Photo(ctx, p.D.PhotoID)
	}
	if p.D.Follows != 0 {
		if f, err := s.store.Article(ctx, p.D.Follows); err == nil {
			p.FollowsHeadline = f.Headline
		}
	}
	if p.D.TranslationOf != 0 {
		if f, err := s.store.Article(ctx, p.D.TranslationOf); err == nil {
			p.TranslationHeadline = f.Headline
		}
	}
	if !p.D.EmbargoUntil.IsZero() {
		p.PublishAt = p.D.EmbargoUntil.In(s.loc(r)).Format("2006-01-02T15:04")
	}
	p.Chain = p.A.Chain
	if p.A.ID != 0 {
		if revs, err := s.store.Revisions(ctx, p.A.ID); err == nil {
			p.Notes = workflow.Notes(revs)
		}
	}
	title := "New story"
	if p.A.ID != 0 {
		title = "Edit: " + p.A.Headline
	}
	nav := "new"
	if p.A.ID != 0 {
		nav = "desk"
	}
	v := &nrView{Title: title, Session: sessionOf(r), Nav: nav, Editor: true, Data: p}
	if r.URL.Query().Get("done") == "scheduled" && p.A.Status == dateline.StatusScheduled {
		v.Flash = scheduledFlash(p.A, s.loc(r))
	}
	s.renderNewsroomView(w, r, code, "edit", v)
}

// scheduledFlash is the message after scheduling a story: when it comes
// out, and whether that time is an embargo.
func scheduledFlash(a *dateline.Article, loc *time.Location) string {
	at := a.EmbargoUntil.In(loc).Format("2 January 2006 at 15:04 MST")
	if a.Embargoed {
		return "Embargoed until " + at + ": readers see the story then; API clients with embargo access receive it now."
	}
	return "Scheduled: the story is published on " + at + ", not before."
}

// formDraft reads the editor's form. An error is EINVALID with a message
// a journalist can act on; the draft is then still returned as typed, so
// that the form can come back with it, unless a field is not text.
func (s *desk) formDraft(r *http.Request) (*dateline.Draft, error) {
	f := r.PostForm
	for k, vs := range f {
		for _, v := range vs {
			if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
				return nil, dateline.Errorf(dateline.EINVALID, "The field %q holds something that is not text.", truncate(k, 40))
			}
		}
	}
	d := &dateline.Draft{
		Headline: strings.TrimSpace(f.Get("headline")), Lead: strings.TrimSpace(f.Get("lead")), Body: f.Get("body"),
		Section: f.Get("section"), Lang: f.Get("lang"), Place: strings.TrimSpace(f.Get("place")), Byline: strings.TrimSpace(f.Get("byline")),
		Caption: strings.TrimSpace(f.Get("caption")), Credit: strings.TrimSpace(f.Get("credit")),
		Breaking: f.Get("breaking") != "", Commercial: f.Get("commercial"), Advisory: strings.TrimSpace(f.Get("advisory")), Embargoed: f.Get("embargoed") != "",
		MetaDescription: strings.TrimSpace(f.Get("meta_description")), SocialHeadline: strings.TrimSpace(f.Get("social_headline")),
		Topics: splitNames(f.Get("topics")), Persons: splitNames(f.Get("persons")), Urgency: 5,
	}
	var first error
	check := func(err error) {
		if first == nil {
			first = err
		}
	}
	check(s.checkDraft(d))
	switch u := f.Get("urgency"); u {
	case "", "5":
	case "1", "2":
		d.Urgency = int(u[0] - '0')
	default:
		check(dateline.Errorf(dateline.EINVALID, "Urgency is flash, urgent or normal."))
	}
	var err error
	// Browsers without JavaScript type the photo's number or tick
	// "remove"; only they send these fields.
	photo := f.Get("photo_id")
	if typed := strings.TrimSpace(f.Get("photo_id_typed")); typed != "" {
		photo = typed
	}
	if f.Get("photo_remove") != "" {
		photo = ""
	}
	d.PhotoID, err = optionalID(photo, "photo")
	check(err)
	follows := f.Get("follows")
	if typed := strings.TrimSpace(f.Get("follows_typed")); typed != "" {
		follows = typed
	}
	d.Follows, err = optionalID(follows, "earlier story")
	check(err)
	d.TranslationOf, err = optionalID(strings.TrimSpace(f.Get("translation_of")), "story this one translates")
	check(err)
	if v := f.Get("publish_at"); v != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", v, s.loc(r))
		if err != nil || t.Year() < 2000 || t.Year() > 2200 {
			check(dateline.Errorf(dateline.EINVALID, "The publication time is a date and a time such as 2026-11-27T14:30."))
		} else {
			d.EmbargoUntil = t.UTC()
		}
	}
	return d, first
}

// checkDraft checks the lengths, tags, section and language of a draft
// read from the form. Returns EINVALID.
func (s *desk) checkDraft(d *dateline.Draft) error {
	limits := []struct {
		name, v string
		n       int
	}{{"headline", d.Headline, 300}, {"lead", d.Lead, 2000}, {"story", d.Body, 1 << 20}, {"place", d.Place, 100}, {"byline", d.Byline, 200},
		{"caption", d.Caption, 1000}, {"credit", d.Credit, 200}, {"advisory", d.Advisory, 200},
		{"meta description", d.MetaDescription, 300}, {"social headline", d.SocialHeadline, 200}}
	for _, l := range limits {
		if utf8.RuneCountInString(l.v) > l.n {
			return dateline.Errorf(dateline.EINVALID, "The %s is longer than %d characters.", l.name, l.n)
		}
	}
	if !dateline.ValidCommercial(d.Commercial) {
		return dateline.Errorf(dateline.EINVALID, "A story is partner material, advertising, or neither; not %q.", truncate(d.Commercial, 40))
	}
	if len(d.Topics) > 30 || len(d.Persons) > 30 {
		return dateline.Errorf(dateline.EINVALID, "A story has at most 30 topics and 30 persons.")
	}
	for _, n := range append(append([]string{}, d.Topics...), d.Persons...) {
		if utf8.RuneCountInString(n) > 100 || dateline.Slugify(n) == "" {
			return dateline.Errorf(dateline.EINVALID, "The tag %q needs letters or digits and at most 100 characters.", truncate(n, 60))
		}
	}
	sec := s.section(d.Section)
	if sec == nil {
		return dateline.Errorf(dateline.EINVALID, "Choose a section from the list.")
	}
	if d.Lang != "en" && d.Lang != "ru" {
		return dateline.Errorf(dateline.EINVALID, "The language is English (en) or Russian (ru).")
	}
	if want := sectionLang(*sec); want != d.Lang {
		return dateline.Errorf(dateline.EINVALID, "The section %s is in the %s edition and the story is in %s: choose a section of the %s edition, or set the language to %s.",
			sec.Name, languageNames[want], languageNames[d.Lang], languageNames[d.Lang], languageNames[want])
	}
	return nil
}

func optionalID(v, what string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, dateline.Errorf(dateline.EINVALID, "The %s is chosen from the list, not %q.", what, truncate(v, 20))
	}
	return id, nil
}

// splitNames reads a comma-separated list of tag names, dropping blanks
// and repeats.
func splitNames(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range strings.Split(s, ",") {
		n = strings.Join(strings.Fields(n), " ")
		if k := dateline.Slugify(n); n != "" && !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	return out
}

func (s *desk) handleCreateArticle(w http.ResponseWriter, r *http.Request) error {
	s.saveArticle(w, r, &dateline.Article{Status: dateline.StatusDraft})
	return nil
}

func (s *desk) handleSaveArticle(w http.ResponseWriter, r *http.Request) error {
	a, ok := s.articleForEdit(w, r)
	if !ok {
		return nil
	}
	s.saveArticle(w, r, a)
	return nil
}

// saveArticle stores the form as story a (ID 0: a new one) as its button
// asks: save, submit, publish, return to draft. A form that cannot be
// saved comes back with what was typed and why.
func (s *desk) saveArticle(w http.ResponseWriter, r *http.Request, a *dateline.Article) {
	base, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil || base < 0 {
		s.newsroomError(w, r, http.StatusBadRequest, "The form lacks the version it was opened at; reload the story.")
		return
	}
	d, err := s.formDraft(r)
	if err != nil && d != nil {
		s.editor(w, r, http.StatusBadRequest, s.typedPage(r, &editPage{A: a, D: d, Base: base, Error: dateline.ErrorMessage(err)}))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	action := workflow.Action{Verb: r.PostFormValue("action"), Correction: r.PostFormValue("correction"), Restore: r.PostFormValue("restore") != "",
		Message: r.PostFormValue("message"), Minor: r.PostFormValue("minor") != ""}
	res, err := s.workflow().Save(r.Context(), sessionOf(r).User, a.ID, *d, action, base)
	s.saved(w, r, res, err)
}

// typedPage adds to a form shown again what its draft does not hold: the
// correction and the note typed, the minor-edit box and the revision being
// restored.
func (s *desk) typedPage(r *http.Request, p *editPage) *editPage {
	p.Correction, p.Message, p.Minor = r.PostFormValue("correction"), r.PostFormValue("message"), r.PostFormValue("minor") != ""
	p.Restore, _ = strconv.ParseInt(r.PostFormValue("restore"), 10, 64)
	return p
}

// saved answers a save: the story's page with the message of what was
// done, the form again with what was refused, or the error.
func (s *desk) saved(w http.ResponseWriter, r *http.Request, res workflow.Result, err error) {
	switch {
	case err != nil && res.Conflict != nil:
		s.editor(w, r, http.StatusConflict, s.typedPage(r, &editPage{A: res.Article, D: res.Draft, Base: res.Base, Conflict: res.Conflict}))
	case err != nil && res.Article != nil:
		s.editor(w, r, http.StatusBadRequest, s.typedPage(r, &editPage{A: res.Article, D: res.Draft, Base: res.Base, Error: dateline.ErrorMessage(err)}))
	case err != nil:
		s.fail(w, r, err)
	default:
		s.site.Changed()
		http.Redirect(w, r, "/newsroom/articles/"+strconv.FormatInt(res.Article.ID, 10)+"?done="+res.Done, http.StatusSeeOther)
	}
}

func (s *desk) handleAutosave(w http.ResponseWriter, r *http.Request) error {
	a, ok := s.articleForEdit(w, r)
	if !ok {
		return nil
	}
	d, err := s.formDraft(r)
	if err != nil {
		return err
	}
	base, _ := strconv.Atoi(r.PostFormValue("version"))
	sess := sessionOf(r)
	now := s.now()
	if err := s.store.SaveAutosave(r.Context(), &dateline.Autosave{ArticleID: a.ID, UserID: sess.UserID, Base: base, Data: d.Encode(), SavedAt: now}, now); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"saved_at": now.In(s.loc(r)).Format("15:04:05")})
	return nil
}

// handlePreview renders the form's story with the reader's article page.
func (s *desk) handlePreview(w http.ResponseWriter, r *http.Request) error {
	d, err := s.formDraft(r)
	if err != nil {
		return err
	}
	id, err := optionalID(r.PostFormValue("id"), "story")
	if err != nil {
		return err
	}
	a, err := s.workflow().Preview(r.Context(), sessionOf(r).User, id, *d)
	if err != nil {
		return err
	}
	now := s.now()
	if a.PublishedAt.IsZero() {
		a.PublishedAt = now
	}
	body, err := s.site.Preview(r, a)
	if err != nil {
		return err
	}
	web.WriteHTML(w, http.StatusOK, "no-store", body)
	return nil
}

// handleWithdraw takes a published or scheduled story off the site; the
// form must carry the confirmation box.
func (s *desk) handleWithdraw(w http.ResponseWriter, r *http.Request) error {
	s.changeStatus(w, r, workflow.Action{Verb: workflow.Withdraw, Note: r.PostFormValue("withdraw_note"), Confirmed: r.PostFormValue("confirm") != ""})
	return nil
}

// handleReinstate is an editor's "Restore" of a withdrawn story; the form
// must carry the confirmation box.
func (s *desk) handleReinstate(w http.ResponseWriter, r *http.Request) error {
	s.changeStatus(w, r, workflow.Action{Verb: workflow.Reinstate, Confirmed: r.PostFormValue("confirm") != ""})
	return nil
}

// changeStatus withdraws or reinstates the story in the path, leaving its
// content as it is.
func (s *desk) changeStatus(w http.ResponseWriter, r *http.Request, action workflow.Action) {
	a, base, ok := s.articleAndBase(w, r)
	if !ok {
		return
	}
	res, err := s.workflow().Save(r.Context(), sessionOf(r).User, a.ID, dateline.Draft{}, action, base)
	if err != nil && res.Article == nil && dateline.ErrorCode(err) == dateline.EINVALID {
		s.refusedOnPage(w, r, a, err, func(p *editPage) { p.WithdrawNote = action.Note })
		return
	}
	s.saved(w, r, res, err)
}

// handleDelete deletes a draft for good; the form must carry the
// confirmation box. The desk follows, saying so.
func (s *desk) handleDelete(w http.ResponseWriter, r *http.Request) error {
	a, base, ok := s.articleAndBase(w, r)
	if !ok {
		return nil
	}
	err := s.workflow().DeleteDraft(r.Context(), sessionOf(r).User, a.ID, base, r.PostFormValue("confirm") != "")
	switch dateline.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/newsroom/?done=draft-deleted", http.StatusSeeOther)
	case dateline.EINVALID, dateline.ECONFLICT:
		s.refusedOnPage(w, r, a, err, nil)
	default:
		return err
	}
	return nil
}

// handleNote leaves a note on a story without changing it; the story's
// page follows, or comes back with the note typed and why it was refused.
func (s *desk) handleNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, text := sessionOf(r).User, r.PostFormValue("note")
	err = s.workflow().AddNote(r.Context(), u, id, text)
	if dateline.ErrorCode(err) == dateline.EINVALID {
		a, rerr := s.workflow().Readable(r.Context(), u, id)
		if rerr != nil {
			return rerr
		}
		_, editErr := s.workflow().Editable(r.Context(), u, id)
		s.editor(w, r, http.StatusBadRequest, &editPage{A: a, D: workflow.EditorDraft(a), Base: a.Version, ReadOnly: editErr != nil,
			Error: dateline.ErrorMessage(err), Message: text})
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/newsroom/articles/"+strconv.FormatInt(id, 10)+"?done=noted", http.StatusSeeOther)
	return nil
}

// articleAndBase loads the story in the path for a change and reads the
// version its form was opened at.
func (s *desk) articleAndBase(w http.ResponseWriter, r *http.Request) (*dateline.Article, int, bool) {
	a, ok := s.articleForEdit(w, r)
	if !ok {
		return nil, 0, false
	}
	base, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		s.newsroomError(w, r, http.StatusBadRequest, "The form lacks the version it was opened at; reload the story.")
		return nil, 0, false
	}
	return a, base, true
}

// refusedOnPage shows story a's page again with why a change of it was
// refused; keep puts back what was typed.
func (s *desk) refusedOnPage(w http.ResponseWriter, r *http.Request, a *dateline.Article, err error, keep func(*editPage)) {
	p, perr := s.storedPage(r, a)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	p.Error = dateline.ErrorMessage(err)
	if keep != nil {
		keep(p)
	}
	s.editor(w, r, http.StatusBadRequest, p)
}

// --- history ---

type historyPage struct {
	A    *dateline.Article
	Revs []dateline.Revision
}

func (s *desk) handleHistory(w http.ResponseWriter, r *http.Request) error {
	a, ok := s.articleForView(w, r)
	if !ok {
		return nil
	}
	revs, err := s.store.Revisions(r.Context(), a.ID)
	if err != nil {
		return err
	}
	s.renderNewsroomView(w, r, http.StatusOK, "history", &nrView{Title: "History: " + a.Headline, Session: sessionOf(r), Nav: "desk", Data: historyPage{A: a, Revs: revs}})
	return nil
}

// articleForView loads the article in the path for reading its history:
// reporters see their own stories', editors everyone's.
func (s *desk) articleForView(w http.ResponseWriter, r *http.Request) (*dateline.Article, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	a, err := s.store.Article(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	if u := sessionOf(r).User; !u.Role.CanPublish() && a.AuthorID != u.ID {
		s.newsroomError(w, r, http.StatusForbidden, "Reporters see the history of their own stories.")
		return nil, false
	}
	return a, true
}

type comparePage struct {
	A    *dateline.Article
	L, R *dateline.Revision
	Diff workflow.Diff
}

func (s *desk) revisionOf(r *http.Request, a *dateline.Article, v string) (*dateline.Revision, *dateline.Draft, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, dateline.Errorf(dateline.EINVALID, "Choose two revisions from the history.")
	}
	rev, err := s.store.Revision(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	if rev.ArticleID != a.ID {
		return nil, nil, dateline.Errorf(dateline.ENOTFOUND, "Revision %d belongs to another story.", id)
	}
	d, err := dateline.DecodeDraft(rev.Data)
	return rev, d, err
}

func (s *desk) handleCompare(w http.ResponseWriter, r *http.Request) error {
	a, ok := s.articleForView(w, r)
	if !ok {
		return nil
	}
	q := r.URL.Query()
	lr, ld, err := s.revisionOf(r, a, q.Get("a"))
	if err != nil {
		return err
	}
	rr, rd, err := s.revisionOf(r, a, q.Get("b"))
	if err != nil {
		return err
	}
	z := s.site.Zone(r)
	label := func(rev *dateline.Revision) string {
		return fmt.Sprintf("Version %d, %s, %s", rev.Version, z.When(rev.CreatedAt), rev.UserName)
	}
	p := comparePage{A: a, L: lr, R: rr, Diff: workflow.DiffDrafts(ld, rd, label(lr), label(rr))}
	s.renderNewsroomView(w, r, http.StatusOK, "compare", &nrView{Title: "Compare versions", Session: sessionOf(r), Nav: "desk", Data: p})
	return nil
}

// handleRestore opens the editor with a revision's content; saving it
// makes a new version marked as a restore.
func (s *desk) handleRestore(w http.ResponseWriter, r *http.Request) error {
	a, ok := s.articleForEdit(w, r)
	if !ok {
		return nil
	}
	rev, d, err := s.revisionOf(r, a, r.PostFormValue("revision"))
	if err != nil {
		return err
	}
	// The status and the publication time are the story's own, not the
	// ones the revision had: restoring text never releases a story.
	d.Status = a.Status
	d.EmbargoUntil, d.Embargoed = time.Time{}, false
	if a.Status == dateline.StatusScheduled {
		d.EmbargoUntil, d.Embargoed = a.EmbargoUntil, a.Embargoed
	}
	p := &editPage{A: a, D: d, Base: a.Version, Restore: rev.ID}
	p.Info = fmt.Sprintf("This is version %d from %s as %s saved it. Nothing changes until you save.", rev.Version, s.site.Zone(r).When(rev.CreatedAt), rev.UserName)
	s.editor(w, r, http.StatusOK, p)
	return nil
}
