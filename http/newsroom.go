package http

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/auth"
	"dateline/ingest"
)

// nrView is what every newsroom template receives.
type nrView struct {
	Title    string
	Site     *Config
	Session  *dateline.Session
	Sections []dateline.Section
	Zone     zone
	Nav      string
	Flash    string
	Editor   bool // load the story editor's script and styles
	Data     any
}

// flashes are the messages a redirect after a write may ask for; only
// these fixed texts are shown.
var flashes = map[string]string{
	"saved":      "Saved.",
	"submitted":  "Submitted to the editors.",
	"published":  "Published: the story is on the site.",
	"scheduled":  "Scheduled: the story will be published at the time set.",
	"withdrawn":  "Withdrawn: the story has left every list.",
	"restored":   "The revision was restored as a new version.",
	"reinstated": "Restored: the story is published again.",
	"returned":   "Back to draft.",
	"uploaded":   "Uploaded. Add a caption and a credit.",
	"password":   "Your password was changed. Other sessions were signed out.",
	"created":    "Created.",
	"deleted":    "Deleted.",
}

func (s *Server) renderNewsroom(w http.ResponseWriter, r *http.Request, code int, page, title string, sess *dateline.Session, data any) {
	s.renderNewsroomView(w, r, code, page, &nrView{Title: title, Session: sess, Data: data})
}

func (s *Server) renderNewsroomView(w http.ResponseWriter, r *http.Request, code int, page string, v *nrView) {
	v.Site, v.Sections, v.Zone = &s.cfg, s.sectionList(), s.zone(r)
	if v.Flash == "" {
		v.Flash = flashes[r.URL.Query().Get("done")]
	}
	var buf bytes.Buffer
	if err := s.tmpl.executeNewsroom(&buf, page, v); err != nil {
		s.log.Error("render newsroom", "page", page, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	writeHTML(w, code, "no-store", buf.Bytes())
}

type messagePage struct {
	Heading, Message, Back, Secret string
	Error                          bool
}

// newsroomError answers a newsroom request that cannot be done: JSON for
// the newsroom's own API, a page otherwise.
func (s *Server) newsroomError(w http.ResponseWriter, r *http.Request, code int, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	if code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "30")
	}
	if strings.HasPrefix(r.URL.Path, "/newsroom/api/") || strings.HasSuffix(r.URL.Path, "/autosave") || r.Header.Get("Accept") == "application/json" {
		writeJSON(w, code, map[string]any{"error": map[string]any{"status": code, "message": msg}})
		return
	}
	back := ""
	if ref := r.Header.Get("Referer"); ref != "" {
		if u, err := url.Parse(ref); err == nil && u.Host == r.Host && strings.HasPrefix(u.Path, "/newsroom/") {
			back = u.RequestURI()
		}
	}
	s.renderNewsroom(w, r, code, "message", http.StatusText(code), sessionOf(r), messagePage{Heading: http.StatusText(code), Message: msg, Back: back, Error: true})
}

// fail answers with a stored error's status and message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := dateline.ErrorCode(err)
	if code == dateline.EINTERNAL {
		s.log.Error("newsroom", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.newsroomError(w, r, status(code), dateline.ErrorMessage(err))
}

func canPublish(r dateline.Role) bool { return r.CanPublish() }
func canAdmin(r dateline.Role) bool   { return r.CanAdmin() }

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, dateline.Errorf(dateline.ENOTFOUND, "There is nothing at this address.")
	}
	return id, nil
}

// --- the desk: a list of stories ---

type deskPage struct {
	F        dateline.DeskFilter
	Statuses []dateline.Status
	Items    []dateline.Article
	Users    []dateline.User
	Authors  map[int64]string
	Next     string
}

func (s *Server) handleDesk(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := dateline.DeskFilter{Status: dateline.Status(q.Get("status")), Section: q.Get("section"), Query: strings.TrimSpace(q.Get("q")), Limit: 50,
		VisibleTo: visibleTo(sessionOf(r).User)}
	if f.Status != "" && !f.Status.Valid() {
		s.newsroomError(w, r, http.StatusBadRequest, "Unknown status; choose one from the list.")
		return
	}
	if f.Section != "" && !s.hasSection(f.Section) {
		s.newsroomError(w, r, http.StatusBadRequest, "Unknown section; choose one from the list.")
		return
	}
	if v := q.Get("author"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.newsroomError(w, r, http.StatusBadRequest, "Unknown author; choose one from the list.")
			return
		}
		f.AuthorID = id
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1_000_000 {
			s.newsroomError(w, r, http.StatusBadRequest, "The offset must be a whole number from 0.")
			return
		}
		f.Offset = n
	}
	if !validText(f.Query) || len(f.Query) > 200 {
		s.newsroomError(w, r, http.StatusBadRequest, "The search words must be text of at most 200 characters.")
		return
	}
	ctx := r.Context()
	items, err := s.store.DeskArticles(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	users, err := s.store.Users(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := deskPage{F: f, Items: items, Users: users, Authors: map[int64]string{0: "wire"},
		Statuses: []dateline.Status{dateline.StatusDraft, dateline.StatusSubmitted, dateline.StatusScheduled, dateline.StatusPublished, dateline.StatusWithheld, dateline.StatusWithdrawn}}
	for _, u := range users {
		d.Authors[u.ID] = u.Name
	}
	if len(items) == f.Limit {
		q.Set("offset", strconv.Itoa(f.Offset+f.Limit))
		d.Next = "/newsroom/?" + q.Encode()
	}
	s.renderNewsroomView(w, r, http.StatusOK, "desk", &nrView{Title: "Stories", Session: sessionOf(r), Nav: "desk", Data: d})
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

type conflictView struct {
	Theirs   string
	Version  int
	Revision int64
	Diff     diffTable
}

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
	Conflict            *conflictView
	Error               string
	Info                string
	Restore             int64 // the revision being restored
}

func (s *Server) handleNewArticle(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	d := &dateline.Draft{Lang: "en", Urgency: 5, Byline: sess.User.Name}
	if secs := s.sectionList(); len(secs) > 0 {
		d.Section = secs[0].Slug
	}
	a := &dateline.Article{Status: dateline.StatusDraft}
	s.editor(w, r, http.StatusOK, &editPage{A: a, D: d})
}

func (s *Server) handleEditArticle(w http.ResponseWriter, r *http.Request) {
	a, ok := s.articleForEdit(w, r)
	if !ok {
		return
	}
	sess := sessionOf(r)
	p := &editPage{A: a, D: draftOf(a), Base: a.Version}
	if a.ID != 0 {
		of, err := s.store.TranslationOf(r.Context(), a.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.D.TranslationOf = of
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
}

// articleForEdit loads the article named in the path and checks that the
// signed-in person may change it: reporters only their own stories before
// publication.
func (s *Server) articleForEdit(w http.ResponseWriter, r *http.Request) (*dateline.Article, bool) {
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
	u := sessionOf(r).User
	if !u.Role.CanPublish() && (a.AuthorID != u.ID || (a.Status != dateline.StatusDraft && a.Status != dateline.StatusSubmitted)) {
		s.newsroomError(w, r, http.StatusForbidden, "Reporters can change their own stories until they are published; ask an editor.")
		return nil, false
	}
	return a, true
}

func (s *Server) editor(w http.ResponseWriter, r *http.Request, code int, p *editPage) {
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
		p.PublishAt = p.D.EmbargoUntil.In(s.zone(r).Loc).Format("2006-01-02T15:04")
	}
	p.Chain = p.A.Chain
	title := "New story"
	if p.A.ID != 0 {
		title = "Edit: " + p.A.Headline
	}
	nav := "new"
	if p.A.ID != 0 {
		nav = "desk"
	}
	s.renderNewsroomView(w, r, code, "edit", &nrView{Title: title, Session: sessionOf(r), Nav: nav, Editor: true, Data: p})
}

// draftOf is the editable content of a stored article.
func draftOf(a *dateline.Article) *dateline.Draft {
	d := &dateline.Draft{Headline: a.Headline, Lead: a.Lead, Body: strings.Join(a.Pages, "\n<hr class=\"page-break\">\n"),
		Section: a.Section, Lang: a.Lang, Place: a.Place, Byline: a.Byline, Urgency: a.Urgency, Breaking: a.Breaking,
		Commercial: a.Commercial, Follows: a.Follows, Advisory: a.Advisory, Status: a.Status, Embargoed: a.Embargoed}
	if a.Status == dateline.StatusScheduled {
		d.EmbargoUntil = a.EmbargoUntil
	}
	for _, t := range a.Topics {
		d.Topics = append(d.Topics, t.Name)
	}
	for _, p := range a.Persons {
		d.Persons = append(d.Persons, p.Name)
	}
	if a.Photo != nil {
		d.PhotoID, d.Caption, d.Credit = a.Photo.ID, a.Photo.Caption, a.Photo.Credit
	}
	return d
}

// formDraft reads the editor's form. It returns EINVALID with a message a
// journalist can act on.
func (s *Server) formDraft(r *http.Request) (*dateline.Draft, error) {
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
		Topics: splitNames(f.Get("topics")), Persons: splitNames(f.Get("persons")),
	}
	limits := []struct {
		name, v string
		n       int
	}{{"headline", d.Headline, 300}, {"lead", d.Lead, 2000}, {"story", d.Body, 1 << 20}, {"place", d.Place, 100}, {"byline", d.Byline, 200},
		{"caption", d.Caption, 1000}, {"credit", d.Credit, 200}, {"advisory", d.Advisory, 200}}
	for _, l := range limits {
		if utf8.RuneCountInString(l.v) > l.n {
			return nil, dateline.Errorf(dateline.EINVALID, "The %s is longer than %d characters.", l.name, l.n)
		}
	}
	if !dateline.ValidCommercial(d.Commercial) {
		return nil, dateline.Errorf(dateline.EINVALID, "A story is partner material, advertising, or neither; not %q.", truncate(d.Commercial, 40))
	}
	if len(d.Topics) > 30 || len(d.Persons) > 30 {
		return nil, dateline.Errorf(dateline.EINVALID, "A story has at most 30 topics and 30 persons.")
	}
	for _, n := range append(append([]string{}, d.Topics...), d.Persons...) {
		if utf8.RuneCountInString(n) > 100 || dateline.Slugify(n) == "" {
			return nil, dateline.Errorf(dateline.EINVALID, "The tag %q needs letters or digits and at most 100 characters.", truncate(n, 60))
		}
	}
	if !s.hasSection(d.Section) {
		return nil, dateline.Errorf(dateline.EINVALID, "Choose a section from the list.")
	}
	if d.Lang != "en" && d.Lang != "ru" {
		return nil, dateline.Errorf(dateline.EINVALID, "The language is English (en) or Russian (ru).")
	}
	if sec := s.section(d.Section); sec != nil && sectionLang(*sec) != d.Lang {
		return nil, dateline.Errorf(dateline.EINVALID, "The section %s is in the %s edition: choose one of its sections for a story in %s, or change the language.",
			sec.Name, languageNames[sectionLang(*sec)], languageNames[d.Lang])
	}
	switch u := f.Get("urgency"); u {
	case "", "5":
		d.Urgency = 5
	case "1", "2":
		d.Urgency = int(u[0] - '0')
	default:
		return nil, dateline.Errorf(dateline.EINVALID, "Urgency is flash, urgent or normal.")
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
	if d.PhotoID, err = optionalID(photo, "photo"); err != nil {
		return nil, err
	}
	follows := f.Get("follows")
	if typed := strings.TrimSpace(f.Get("follows_typed")); typed != "" {
		follows = typed
	}
	if d.Follows, err = optionalID(follows, "earlier story"); err != nil {
		return nil, err
	}
	if d.TranslationOf, err = optionalID(strings.TrimSpace(f.Get("translation_of")), "story this one translates"); err != nil {
		return nil, err
	}
	if v := f.Get("publish_at"); v != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", v, s.zone(r).Loc)
		if err != nil || t.Year() < 2000 || t.Year() > 2200 {
			return nil, dateline.Errorf(dateline.EINVALID, "The publication time is a date and a time such as 2026-11-27T14:30.")
		}
		d.EmbargoUntil = t.UTC()
	}
	return d, nil
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

// applyDraft puts the draft's content into the article.
func (s *Server) applyDraft(ctx context.Context, a *dateline.Article, d *dateline.Draft, role dateline.Role) error {
	a.Headline, a.Lead = ingest.PlainText(d.Headline), ingest.PlainText(d.Lead)
	a.Pages = ingest.Pages(d.Body)
	a.Section, a.Lang, a.Place, a.Byline = d.Section, d.Lang, ingest.PlainText(d.Place), ingest.PlainText(d.Byline)
	a.Urgency, a.Breaking, a.Follows, a.Advisory = d.Urgency, d.Breaking, d.Follows, ingest.PlainText(d.Advisory)
	// Marking a story as paid-for content is the editors' decision.
	if d.Commercial != a.Commercial && !role.CanPublish() {
		return dateline.Errorf(dateline.EINVALID, "Only an editor can mark a story as partner material or advertising, or take the mark off.")
	}
	a.Commercial = d.Commercial
	a.Topics, a.Persons = nil, nil
	for _, n := range d.Topics {
		a.Topics = append(a.Topics, dateline.Topic{Name: ingest.PlainText(n)})
	}
	for _, n := range d.Persons {
		a.Persons = append(a.Persons, dateline.Person{Name: ingest.PlainText(n)})
	}
	a.Photo = nil
	if d.PhotoID != 0 {
		p, err := s.store.Photo(ctx, d.PhotoID)
		if err != nil {
			if dateline.ErrorCode(err) == dateline.ENOTFOUND {
				return dateline.Errorf(dateline.EINVALID, "Photo %d is not in the library.", d.PhotoID)
			}
			return err
		}
		// A photo's caption and credit are the library's, shared by every
		// story that uses it: a reporter may fill in what is missing, only
		// an editor may change what is there.
		caption, credit := ingest.PlainText(d.Caption), ingest.PlainText(d.Credit)
		if role.CanPublish() || p.Caption == "" {
			p.Caption = caption
		}
		if role.CanPublish() || p.Credit == "" {
			p.Credit = credit
		}
		if p.Alt == "" {
			p.Alt = p.Caption
		}
		a.Photo = p
	}
	if d.Follows != 0 {
		if d.Follows == a.ID {
			return dateline.Errorf(dateline.EINVALID, "A story cannot follow itself.")
		}
		if _, err := s.store.Article(ctx, d.Follows); err != nil {
			return dateline.Errorf(dateline.EINVALID, "The earlier story %d does not exist.", d.Follows)
		}
	}
	if d.TranslationOf != 0 {
		if d.TranslationOf == a.ID {
			return dateline.Errorf(dateline.EINVALID, "A story cannot be a translation of itself.")
		}
		of, err := s.store.Article(ctx, d.TranslationOf)
		if err != nil {
			return dateline.Errorf(dateline.EINVALID, "There is no story %d to be a translation of.", d.TranslationOf)
		}
		if editionOf(of.Lang) == editionOf(d.Lang) {
			return dateline.Errorf(dateline.EINVALID, "Story %d is in %s too; a translation is in another language.", d.TranslationOf, languageNames[editionOf(d.Lang)])
		}
	}
	return nil
}

// readyToPublish lists what a story lacks before readers may see it.
func readyToPublish(a *dateline.Article) error {
	var miss []string
	if a.Headline == "" {
		miss = append(miss, "a headline")
	}
	if len(a.Pages) == 0 && a.Lead == "" {
		miss = append(miss, "a lead or a story")
	}
	if a.Photo != nil && (a.Photo.Caption == "" || a.Photo.Credit == "") {
		miss = append(miss, "a caption and a credit for the photo")
	}
	if len(miss) > 0 {
		return dateline.Errorf(dateline.EINVALID, "Before publishing, the story needs %s.", strings.Join(miss, ", "))
	}
	return nil
}

func (s *Server) handleCreateArticle(w http.ResponseWriter, r *http.Request) {
	a := &dateline.Article{Status: dateline.StatusDraft, AuthorID: sessionOf(r).UserID,
		URI: "urn:dateline:newsroom:" + strings.ToLower(auth.Token()[:22])}
	s.saveArticle(w, r, a)
}

func (s *Server) handleSaveArticle(w http.ResponseWriter, r *http.Request) {
	a, ok := s.articleForEdit(w, r)
	if !ok {
		return
	}
	s.saveArticle(w, r, a)
}

// saveArticle applies the form to a (new when a.ID is 0) and stores it as
// the action asks: save, submit, publish, return to draft.
func (s *Server) saveArticle(w http.ResponseWriter, r *http.Request, a *dateline.Article) {
	ctx, sess := r.Context(), sessionOf(r)
	u := sess.User
	base, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil || base < 0 {
		s.newsroomError(w, r, http.StatusBadRequest, "The form lacks the version it was opened at; reload the story.")
		return
	}
	d, err := s.formDraft(r)
	if err == nil && a.ID != 0 && base != a.Version {
		// Someone saved since the form was opened. The permission checks
		// were made on the version loaded now, so the store must compare
		// against that one: the form's own base would let a save land on
		// a story whose status changed in between.
		s.conflict(w, r, a.ID, base, d)
		return
	}
	if err == nil {
		err = s.applyDraft(ctx, a, d, u.Role)
	}
	if err != nil {
		if d == nil {
			s.fail(w, r, err)
			return
		}
		s.editor(w, r, http.StatusBadRequest, &editPage{A: a, D: d, Base: base, Error: dateline.ErrorMessage(err)})
		return
	}
	now := s.now()
	action := r.PostFormValue("action")
	done := "saved"
	switch action {
	case "", "save":
		// Saving a scheduled story keeps it scheduled: at the new time when
		// an editor set one, else at its own. Only "Publish" releases it.
		if a.Status == dateline.StatusScheduled && u.Role.CanPublish() && d.EmbargoUntil.After(now.Add(30*time.Second)) {
			a.EmbargoUntil, a.Embargoed = d.EmbargoUntil, d.Embargoed
		}
	case "submit":
		if a.Status != dateline.StatusDraft && a.Status != dateline.StatusSubmitted {
			s.editor(w, r, http.StatusBadRequest, &editPage{A: a, D: d, Base: base, Error: "Only a draft can be submitted."})
			return
		}
		a.Status, done = dateline.StatusSubmitted, "submitted"
		if a.Headline == "" {
			s.editor(w, r, http.StatusBadRequest, &editPage{A: a, D: d, Base: base, Error: "Give the story a headline before submitting it."})
			return
		}
	case "publish":
		if !u.Role.CanPublish() {
			s.newsroomError(w, r, http.StatusForbidden, "Reporters submit stories; an editor publishes them.")
			return
		}
		if err := readyToPublish(a); err != nil {
			s.editor(w, r, http.StatusBadRequest, &editPage{A: a, D: d, Base: base, Error: dateline.ErrorMessage(err)})
			return
		}
		if a.Status != dateline.StatusPublished {
			done = "published"
			a.Status = dateline.StatusPublished
			if s.schedule(a, d, now) {
				done = "scheduled"
			}
		}
	case "return":
		if !u.Role.CanPublish() && a.Status != dateline.StatusSubmitted {
			s.newsroomError(w, r, http.StatusForbidden, "Only an editor can take a scheduled story back.")
			return
		}
		if a.Status == dateline.StatusPublished || a.Status == dateline.StatusWithdrawn {
			s.editor(w, r, http.StatusBadRequest, &editPage{A: a, D: d, Base: base, Error: "A published story is withdrawn, not taken back to draft."})
			return
		}
		a.Status, a.EmbargoUntil, done = dateline.StatusDraft, time.Time{}, "returned"
	default:
		s.newsroomError(w, r, http.StatusBadRequest, "Unknown action; use the buttons of the form.")
		return
	}
	if a.Status == dateline.StatusPublished {
		if err := readyToPublish(a); err != nil {
			s.editor(w, r, http.StatusBadRequest, &editPage{A: a, D: d, Base: base, Error: dateline.ErrorMessage(err)})
			return
		}
		if c := strings.TrimSpace(r.PostFormValue("correction")); c != "" && a.ID != 0 {
			if utf8.RuneCountInString(c) > 1000 {
				s.editor(w, r, http.StatusBadRequest, &editPage{A: a, D: d, Base: base, Error: "A correction has at most 1,000 characters."})
				return
			}
			a.Corrections = append(a.Corrections, dateline.Correction{At: now.Truncate(time.Second), Text: ingest.PlainText(c)})
		}
	}
	// An editor's update to a published story is an update readers see.
	a.UpdatedAt = time.Time{}
	d.Status = a.Status
	rev := &dateline.Revision{Kind: dateline.RevisionSave, UserID: u.ID, UserName: u.Name, Data: d.Encode(), Note: action}
	if r.PostFormValue("restore") != "" {
		rev.Kind = dateline.RevisionRestore
	}
	isNew := a.ID == 0
	if err := s.store.SaveArticle(ctx, a, base, rev, now); err != nil {
		if dateline.ErrorCode(err) == dateline.ECONFLICT && !isNew {
			s.conflict(w, r, a.ID, base, d)
			return
		}
		if code := dateline.ErrorCode(err); code == dateline.EINVALID || code == dateline.EUNPROCESSABLE {
			s.editor(w, r, http.StatusBadRequest, &editPage{A: a, D: d, Base: base, Error: dateline.ErrorMessage(err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	if of, err := s.store.TranslationOf(ctx, a.ID); err != nil {
		s.fail(w, r, err)
		return
	} else if of != d.TranslationOf {
		if err := s.store.LinkTranslation(ctx, a.ID, d.TranslationOf); err != nil {
			// The story is saved; only the link was refused (another
			// story of this language joined the group meanwhile).
			s.editor(w, r, http.StatusBadRequest, &editPage{A: a, D: d, Base: a.Version, Error: "The story is saved, but not linked as a translation: " + dateline.ErrorMessage(err)})
			s.Changed()
			return
		}
	}
	s.Changed()
	verb := "article." + done
	if isNew {
		verb = "article.create"
	}
	s.audit(ctx, u, verb, "article "+strconv.FormatInt(a.ID, 10), a.Headline)
	http.Redirect(w, r, "/newsroom/articles/"+strconv.FormatInt(a.ID, 10)+"?done="+done, http.StatusSeeOther)
}

// schedule sets a publication time in the future: the story waits as
// scheduled. It reports whether it did.
func (s *Server) schedule(a *dateline.Article, d *dateline.Draft, now time.Time) bool {
	if d.EmbargoUntil.After(now.Add(30 * time.Second)) {
		a.Status, a.EmbargoUntil, a.Embargoed = dateline.StatusScheduled, d.EmbargoUntil, d.Embargoed
		return true
	}
	if a.Status == dateline.StatusScheduled {
		a.Status = dateline.StatusPublished
	}
	a.EmbargoUntil, a.Embargoed = time.Time{}, false
	return false
}

// conflict keeps the refused edit as a revision and shows it beside the
// version that landed first.
func (s *Server) conflict(w http.ResponseWriter, r *http.Request, id int64, base int, mine *dateline.Draft) {
	ctx, u := r.Context(), sessionOf(r).User
	rev := &dateline.Revision{ArticleID: id, Version: base, Kind: dateline.RevisionConflict, UserID: u.ID, UserName: u.Name,
		Data: mine.Encode(), Note: "refused: another save landed first", CreatedAt: s.now()}
	if err := s.store.AddRevision(ctx, rev, time.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	cur, err := s.store.Article(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	theirs := "Another person"
	if revs, err := s.store.Revisions(ctx, id); err == nil {
		for _, rv := range revs {
			if rv.Version == cur.Version && rv.Kind != dateline.RevisionConflict {
				theirs = rv.UserName
				break
			}
		}
	}
	s.audit(ctx, u, "article.conflict", "article "+strconv.FormatInt(id, 10), "kept as revision "+strconv.FormatInt(rev.ID, 10))
	p := &editPage{A: cur, D: mine, Base: cur.Version, Conflict: &conflictView{Theirs: theirs, Version: cur.Version, Revision: rev.ID,
		Diff: diffDrafts(draftOf(cur), mine, "Their version (saved)", "Your version (not saved)")}}
	s.editor(w, r, http.StatusConflict, p)
}

func (s *Server) handleAutosave(w http.ResponseWriter, r *http.Request) {
	a, ok := s.articleForEdit(w, r)
	if !ok {
		return
	}
	d, err := s.formDraft(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base, _ := strconv.Atoi(r.PostFormValue("version"))
	sess := sessionOf(r)
	now := s.now()
	if err := s.store.SaveAutosave(r.Context(), &dateline.Autosave{ArticleID: a.ID, UserID: sess.UserID, Base: base, Data: d.Encode(), SavedAt: now}, now); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"saved_at": now.In(s.zone(r).Loc).Format("15:04:05")})
}

// handlePreview renders the form's story with the reader's article page.
func (s *Server) handlePreview(w http.ResponseWriter, r *http.Request) {
	d, err := s.formDraft(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := &dateline.Article{Status: dateline.StatusDraft}
	if id, err := optionalID(r.PostFormValue("id"), "story"); err != nil {
		s.fail(w, r, err)
		return
	} else if id != 0 {
		if a, err = s.store.Article(r.Context(), id); err != nil {
			s.fail(w, r, err)
			return
		}
		if u := sessionOf(r).User; !u.Role.CanPublish() && a.AuthorID != u.ID {
			s.newsroomError(w, r, http.StatusForbidden, "Reporters preview their own stories.")
			return
		}
	}
	if err := s.applyDraft(r.Context(), a, d, sessionOf(r).User.Role); err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	if a.PublishedAt.IsZero() {
		a.PublishedAt = now
	}
	if sec := s.section(a.Section); sec != nil {
		a.SectionName = sec.Name
	}
	z := s.zone(r)
	dp := articlePage{A: a, URL: s.cfg.BaseURL + "/preview", Page: 1, PageCount: max(1, len(a.Pages)), Body: s.articleBody(a, 1, z), Preview: true}
	for i := 2; i <= len(a.Pages); i++ {
		dp.MorePages = append(dp.MorePages, s.articleBody(a, i, z))
	}
	v := s.view(r, "Preview: "+a.Headline, dp)
	v.Lang, v.Active, v.Robots = a.Lang, a.Section, "noindex"
	body, err := s.render(r, "article", v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeHTML(w, http.StatusOK, "no-store", body)
}

func (s *Server) handleWithdraw(w http.ResponseWriter, r *http.Request) {
	a, ok := s.articleForEdit(w, r)
	if !ok {
		return
	}
	ctx, u := r.Context(), sessionOf(r).User
	base, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		s.newsroomError(w, r, http.StatusBadRequest, "The form lacks the version it was opened at; reload the story.")
		return
	}
	if a.Status != dateline.StatusPublished && a.Status != dateline.StatusScheduled {
		s.newsroomError(w, r, http.StatusBadRequest, "Only a published or scheduled story can be withdrawn.")
		return
	}
	note := ingest.PlainText(r.PostFormValue("withdraw_note"))
	if utf8.RuneCountInString(note) > 500 {
		s.newsroomError(w, r, http.StatusBadRequest, "The reason has at most 500 characters.")
		return
	}
	a.Status, a.WithdrawNote = dateline.StatusWithdrawn, note
	d := draftOf(a)
	rev := &dateline.Revision{Kind: dateline.RevisionSave, UserID: u.ID, UserName: u.Name, Data: d.Encode(), Note: "withdraw: " + note}
	if err := s.store.SaveArticle(ctx, a, base, rev, s.now()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Changed()
	s.audit(ctx, u, "article.withdraw", "article "+strconv.FormatInt(a.ID, 10), note)
	http.Redirect(w, r, "/newsroom/articles/"+strconv.FormatInt(a.ID, 10)+"?done=withdrawn", http.StatusSeeOther)
}

// handleReinstate is an editor's "Restore" of a withdrawn story: the one
// way back for a story withdrawn in the newsroom or killed on the wire.
// A story readers saw is published again at its first publication time;
// one they never saw goes back to draft, since putting it out is a
// decision of its own. The form must carry the confirmation box.
func (s *Server) handleReinstate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.articleForEdit(w, r)
	if !ok {
		return
	}
	ctx, u := r.Context(), sessionOf(r).User
	base, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		s.newsroomError(w, r, http.StatusBadRequest, "The form lacks the version it was opened at; reload the story.")
		return
	}
	if a.Status != dateline.StatusWithdrawn {
		s.newsroomError(w, r, http.StatusBadRequest, "Only a withdrawn story can be restored.")
		return
	}
	if r.PostFormValue("confirm") == "" {
		s.newsroomError(w, r, http.StatusBadRequest, "Tick the box to confirm that the story should come back.")
		return
	}
	done, note := "reinstated", "restore: published again after its withdrawal"
	a.Status = dateline.StatusPublished
	if !a.WasPublic() {
		a.Status, done, note = dateline.StatusDraft, "returned", "restore: back to draft after its withdrawal"
	}
	a.WithdrawNote, a.WithdrawnAt = "", time.Time{}
	a.EmbargoUntil, a.Embargoed = time.Time{}, false
	d := draftOf(a)
	rev := &dateline.Revision{Kind: dateline.RevisionSave, UserID: u.ID, UserName: u.Name, Data: d.Encode(), Note: note}
	if err := s.store.SaveArticle(ctx, a, base, rev, s.now()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Changed()
	s.audit(ctx, u, "article.restore", "article "+strconv.FormatInt(a.ID, 10), a.Headline)
	http.Redirect(w, r, "/newsroom/articles/"+strconv.FormatInt(a.ID, 10)+"?done="+done, http.StatusSeeOther)
}

// --- history ---

type historyPage struct {
	A    *dateline.Article
	Revs []dateline.Revision
}

func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request) {
	a, ok := s.articleForView(w, r)
	if !ok {
		return
	}
	revs, err := s.store.Revisions(r.Context(), a.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderNewsroomView(w, r, http.StatusOK, "history", &nrView{Title: "History: " + a.Headline, Session: sessionOf(r), Nav: "desk", Data: historyPage{A: a, Revs: revs}})
}

// articleForView loads the article in the path for reading its history:
// reporters see their own stories', editors everyone's.
func (s *Server) articleForView(w http.ResponseWriter, r *http.Request) (*dateline.Article, bool) {
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
	Diff diffTable
}

func (s *Server) revisionOf(r *http.Request, a *dateline.Article, v string) (*dateline.Revision, *dateline.Draft, error) {
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

func (s *Server) handleCompare(w http.ResponseWriter, r *http.Request) {
	a, ok := s.articleForView(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	lr, ld, err := s.revisionOf(r, a, q.Get("a"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rr, rd, err := s.revisionOf(r, a, q.Get("b"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	z := s.zone(r)
	label := func(rev *dateline.Revision) string {
		return fmt.Sprintf("Version %d, %s, %s", rev.Version, when(z, rev.CreatedAt), rev.UserName)
	}
	p := comparePage{A: a, L: lr, R: rr, Diff: diffDrafts(ld, rd, label(lr), label(rr))}
	s.renderNewsroomView(w, r, http.StatusOK, "compare", &nrView{Title: "Compare versions", Session: sessionOf(r), Nav: "desk", Data: p})
}

// handleRestore opens the editor with a revision's content; saving it
// makes a new version marked as a restore.
func (s *Server) handleRestore(w http.ResponseWriter, r *http.Request) {
	a, ok := s.articleForEdit(w, r)
	if !ok {
		return
	}
	rev, d, err := s.revisionOf(r, a, r.PostFormValue("revision"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The status and the publication time are the story's own, not the
	// ones the revision had: restoring text never releases a story.
	d.Status = a.Status
	d.EmbargoUntil, d.Embargoed = time.Time{}, false
	if a.Status == dateline.StatusScheduled {
		d.EmbargoUntil, d.Embargoed = a.EmbargoUntil, a.Embargoed
	}
	p := &editPage{A: a, D: d, Base: a.Version, Restore: rev.ID}
	p.Info = fmt.Sprintf("This is version %d from %s as %s saved it. Nothing changes until you save.", rev.Version, when(s.zone(r), rev.CreatedAt), rev.UserName)
	s.editor(w, r, http.StatusOK, p)
}
