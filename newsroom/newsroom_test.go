package newsroom_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/internal/pgtest"
	"dateline/newsroom"
	"dateline/postgres"
	"dateline/sqlite"
)

var ctx = context.Background()

// env is a newsroom over a real store, with its people and a clock.
type env struct {
	t        *testing.T
	store    dateline.Store
	svc      *newsroom.Service
	now      time.Time
	admin    *dateline.User
	editor   *dateline.User
	reporter *dateline.User
	other    *dateline.User // a second reporter
}

// engines runs fn on SQLite, and on PostgreSQL too when
// DATELINE_TEST_POSTGRES names a server (or DATELINE_TEST_ENGINE=postgres).
func engines(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "dateline.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, newEnv(t, db))
	})
	if os.Getenv("DATELINE_TEST_POSTGRES") == "" && os.Getenv("DATELINE_TEST_ENGINE") != "postgres" {
		return
	}
	t.Run("postgres", func(t *testing.T) {
		db, err := postgres.Open(ctx, pgtest.Schema(t), postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, newEnv(t, db))
	})
}

func newEnv(t *testing.T, s dateline.Store) *env {
	t.Helper()
	for _, sec := range append(dateline.DefaultSections, dateline.Section{Slug: "politika", Name: "Политика", Position: 20, Lang: "ru"}) {
		if err := s.SaveSection(ctx, &sec); err != nil {
			t.Fatal(err)
		}
	}
	e := &env{t: t, store: s, now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	e.svc = &newsroom.Service{Store: s, Now: func() time.Time { return e.now }}
	user := func(email, name string, role dateline.Role) *dateline.User {
		u := &dateline.User{Email: email, Name: name, Role: role, PasswordHash: "$argon2id$test", CreatedAt: e.now}
		if err := s.CreateUser(ctx, u, u.CreatedAt); err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.admin = user("admin@example.org", "Ada Admin", dateline.RoleAdmin)
	e.editor = user("editor@example.org", "Eda Editor", dateline.RoleEditor)
	e.reporter = user("reporter@example.org", "Rita Reporter", dateline.RoleReporter)
	e.other = user("other@example.org", "Oleg Other", dateline.RoleReporter)
	return e
}

// story is a complete draft in the politics section.
func story(headline string) dateline.Draft {
	return dateline.Draft{Headline: headline, Lead: "Lead of " + headline, Body: "<p>Body of " + headline + ".</p>",
		Section: "politics", Lang: "en", Urgency: 5}
}

func act(verb string) newsroom.Action { return newsroom.Action{Verb: verb} }

// save runs a save that must succeed.
func (e *env) save(u *dateline.User, id int64, d dateline.Draft, a newsroom.Action, base int) newsroom.Result {
	e.t.Helper()
	res, err := e.svc.Save(ctx, u, id, d, a, base)
	if err != nil {
		e.t.Fatalf("Save(%s by %s, %q): %v", a.Verb, u.Role, d.Headline, err)
	}
	return res
}

// create makes a story by u and returns it as stored.
func (e *env) create(u *dateline.User, d dateline.Draft) *dateline.Article {
	e.t.Helper()
	return e.get(e.save(u, 0, d, act(newsroom.Save), 0).Article.ID)
}

// published makes a story by the reporter that an editor published.
func (e *env) published(headline string) *dateline.Article {
	e.t.Helper()
	a := e.create(e.reporter, story(headline))
	return e.get(e.save(e.editor, a.ID, story(headline), act(newsroom.Publish), a.Version).Article.ID)
}

func (e *env) get(id int64) *dateline.Article {
	e.t.Helper()
	a, err := e.store.Article(ctx, id)
	if err != nil {
		e.t.Fatalf("Article(%d): %v", id, err)
	}
	return a
}

// refused checks that err has the code, and whether it is about the form
// (Result.Article set) or stands alone.
func refused(t *testing.T, res newsroom.Result, err error, code string, inForm bool, text string) {
	t.Helper()
	if got := dateline.ErrorCode(err); got != code {
		t.Fatalf("error %v (%s), want %s", err, got, code)
	}
	if (res.Article != nil) != inForm {
		t.Errorf("error %q shown in the form: %v, want %v", dateline.ErrorMessage(err), res.Article != nil, inForm)
	}
	if !strings.Contains(dateline.ErrorMessage(err), text) {
		t.Errorf("message %q lacks %q", dateline.ErrorMessage(err), text)
	}
}

// lastAudit is the newest audit entry.
func (e *env) lastAudit() dateline.AuditEntry {
	e.t.Helper()
	log, err := e.store.AuditLog(ctx, 0, 1)
	if err != nil || len(log) == 0 {
		e.t.Fatalf("AuditLog: %v, %v", log, err)
	}
	return log[0]
}

// lastRevision is the newest revision of the story, with its data.
func (e *env) lastRevision(id int64) *dateline.Revision {
	e.t.Helper()
	revs, err := e.store.Revisions(ctx, id)
	if err != nil || len(revs) == 0 {
		e.t.Fatalf("Revisions(%d): %v, %v", id, revs, err)
	}
	rev, err := e.store.Revision(ctx, revs[0].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return rev
}

// TestCreate: a new story is a draft of its author, with a revision and
// an audit entry.
func TestCreate(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		res := e.save(e.reporter, 0, story("Budget passes"), act(""), 0)
		if !res.Created || res.Done != "saved" || res.Article.ID == 0 {
			t.Fatalf("result %+v, want a created story", res)
		}
		a := e.get(res.Article.ID)
		if a.Status != dateline.StatusDraft || a.AuthorID != e.reporter.ID || a.Headline != "Budget passes" || a.Version != 1 ||
			!strings.HasPrefix(a.URI, "urn:dateline:newsroom:") {
			t.Errorf("stored %+v", a)
		}
		rev := e.lastRevision(a.ID)
		if rev.Kind != dateline.RevisionSave || rev.UserName != "Rita Reporter" || rev.Version != 1 {
			t.Errorf("revision %+v", rev)
		}
		if d, _ := dateline.DecodeDraft(rev.Data); d == nil || d.Headline != "Budget passes" || d.Status != dateline.StatusDraft {
			t.Errorf("revision data %s", rev.Data)
		}
		if au := e.lastAudit(); au.Action != "article.create" || au.UserID != e.reporter.ID || au.Detail != "Budget passes" {
			t.Errorf("audit %+v", au)
		}
		// The text is made plain; the body is split into pages.
		d := story("<b>Bold</b> move")
		d.Body = `<p>One</p><hr class="page-break"><p>Two</p>`
		a = e.create(e.reporter, d)
		if a.Headline != "Bold move" || len(a.Pages) != 2 {
			t.Errorf("headline %q, %d pages", a.Headline, len(a.Pages))
		}
	})
}

// TestPermissions: who may do what, by role and by the story's status.
func TestPermissions(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		own := e.create(e.reporter, story("Own draft"))
		pub := e.published("Published story")

		// Reporters change their own stories until they are published.
		res, err := e.svc.Save(ctx, e.other, own.ID, story("Not mine"), act(newsroom.Save), own.Version)
		refused(t, res, err, dateline.EFORBIDDEN, false, "Reporters can change their own stories")
		res, err = e.svc.Save(ctx, e.reporter, pub.ID, story("Too late"), act(newsroom.Save), pub.Version)
		refused(t, res, err, dateline.EFORBIDDEN, false, "until they are published")
		if _, err := e.svc.Editable(ctx, e.reporter, pub.ID); dateline.ErrorCode(err) != dateline.EFORBIDDEN {
			t.Errorf("Editable(reporter, published) = %v", err)
		}
		for _, u := range []*dateline.User{e.editor, e.admin} {
			if _, err := e.svc.Editable(ctx, u, own.ID); err != nil {
				t.Errorf("Editable(%s, a reporter's draft) = %v", u.Role, err)
			}
		}
		if _, err := e.svc.Editable(ctx, e.editor, 999999); dateline.ErrorCode(err) != dateline.ENOTFOUND {
			t.Errorf("Editable(unknown) = %v", err)
		}

		// Reporters submit; editors publish.
		res, err = e.svc.Save(ctx, e.reporter, own.ID, story("Own draft"), act(newsroom.Publish), own.Version)
		refused(t, res, err, dateline.EFORBIDDEN, false, "an editor publishes them")
		// A reporter takes back only a submitted story.
		res, err = e.svc.Save(ctx, e.reporter, own.ID, story("Own draft"), act(newsroom.Return), own.Version)
		refused(t, res, err, dateline.EFORBIDDEN, false, "Only an editor can take a scheduled story back")
		// Withdrawing and reinstating are the editors'.
		res, err = e.svc.Save(ctx, e.reporter, own.ID, dateline.Draft{}, act(newsroom.Withdraw), own.Version)
		refused(t, res, err, dateline.EFORBIDDEN, false, "Only an editor can withdraw")
		res, err = e.svc.Save(ctx, e.reporter, own.ID, dateline.Draft{}, newsroom.Action{Verb: newsroom.Reinstate, Confirmed: true}, own.Version)
		refused(t, res, err, dateline.EFORBIDDEN, false, "Only an editor can restore")
		// The commercial mark is the editors' decision.
		d := story("Own draft")
		d.Commercial = dateline.CommercialPartner
		res, err = e.svc.Save(ctx, e.reporter, own.ID, d, act(newsroom.Save), own.Version)
		refused(t, res, err, dateline.EINVALID, true, "Only an editor can mark a story")
		if got := e.get(own.ID); got.Version != own.Version {
			t.Errorf("refused saves changed the story: version %d", got.Version)
		}
		for _, u := range []*dateline.User{e.editor, e.admin} {
			cur := e.get(own.ID)
			if res := e.save(u, own.ID, d, act(newsroom.Save), cur.Version); res.Article.Commercial != dateline.CommercialPartner {
				t.Errorf("%s's commercial mark: %q", u.Role, res.Article.Commercial)
			}
		}
		// Admins publish as editors do.
		cur := e.get(own.ID)
		if res := e.save(e.admin, own.ID, d, act(newsroom.Publish), cur.Version); res.Done != "published" {
			t.Errorf("admin publish: %s", res.Done)
		}
	})
}

// TestPhotoCaption: reporters fill in a library photo's missing caption
// and credit; only editors change what is there.
func TestPhotoCaption(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		p := &dateline.Photo{URI: "urn:photo:1", Path: "p/1.jpg", Width: 800, Height: 600, Credit: "Agency"}
		if err := e.store.SavePhoto(ctx, p, e.now); err != nil {
			t.Fatal(err)
		}
		d := story("With photo")
		d.PhotoID, d.Caption, d.Credit = p.ID, "A caption", "Changed credit"
		a := e.save(e.reporter, 0, d, act(newsroom.Save), 0).Article
		if a.Photo == nil || a.Photo.Caption != "A caption" || a.Photo.Credit != "Agency" {
			t.Errorf("reporter's photo: %+v", a.Photo)
		}
		cur := e.get(a.ID)
		a = e.save(e.editor, a.ID, d, act(newsroom.Save), cur.Version).Article
		if a.Photo.Credit != "Changed credit" {
			t.Errorf("editor's credit: %q", a.Photo.Credit)
		}
		d.PhotoID = 999999
		res, err := e.svc.Save(ctx, e.editor, a.ID, d, act(newsroom.Save), a.Version)
		refused(t, res, err, dateline.EINVALID, true, "Photo 999999 is not in the library")
	})
}

// TestStatusMachine: submit, publish, return to draft, and what each
// refuses.
func TestStatusMachine(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		a := e.create(e.reporter, story("Election day"))

		empty := story("")
		res, err := e.svc.Save(ctx, e.reporter, a.ID, empty, act(newsroom.Submit), a.Version)
		refused(t, res, err, dateline.EINVALID, true, "Give the story a headline")

		res = e.save(e.reporter, a.ID, story("Election day"), act(newsroom.Submit), a.Version)
		if res.Done != "submitted" || e.get(a.ID).Status != dateline.StatusSubmitted {
			t.Fatalf("submit: %s, %s", res.Done, e.get(a.ID).Status)
		}
		if au := e.lastAudit(); au.Action != "article.submitted" {
			t.Errorf("audit %q", au.Action)
		}
		// The reporter may take it back while it waits.
		a = e.get(a.ID)
		if res := e.save(e.reporter, a.ID, story("Election day"), act(newsroom.Return), a.Version); res.Done != "returned" || res.Article.Status != dateline.StatusDraft {
			t.Fatalf("return: %s %s", res.Done, res.Article.Status)
		}
		a = e.get(a.ID)
		e.save(e.reporter, a.ID, story("Election day"), act(newsroom.Submit), a.Version)

		// Publishing needs a lead or a story, and a complete photo.
		a = e.get(a.ID)
		bare := story("Election day")
		bare.Lead, bare.Body = "", ""
		res, err = e.svc.Save(ctx, e.editor, a.ID, bare, act(newsroom.Publish), a.Version)
		refused(t, res, err, dateline.EINVALID, true, "Before publishing, the story needs a lead or a story")
		if res.Base != a.Version || res.Draft.Headline != "Election day" {
			t.Errorf("the form again at version %d with %q", res.Base, res.Draft.Headline)
		}

		res = e.save(e.editor, a.ID, story("Election day"), act(newsroom.Publish), a.Version)
		a = e.get(a.ID)
		if res.Done != "published" || a.Status != dateline.StatusPublished || a.PublishedAt.IsZero() {
			t.Fatalf("publish: %s, %s at %v", res.Done, a.Status, a.PublishedAt)
		}
		if au := e.lastAudit(); au.Action != "article.published" || au.UserName != "Eda Editor" {
			t.Errorf("audit %+v", au)
		}
		if rev := e.lastRevision(a.ID); rev.Note != "publish" {
			t.Errorf("revision note %q", rev.Note)
		}
		// Publishing again is a save: the message says "saved".
		if res := e.save(e.editor, a.ID, story("Election day"), act(newsroom.Publish), a.Version); res.Done != "saved" {
			t.Errorf("publish of a published story: %s", res.Done)
		}
		a = e.get(a.ID)
		// A published story is not submitted or taken back.
		res, err = e.svc.Save(ctx, e.editor, a.ID, story("Election day"), act(newsroom.Submit), a.Version)
		refused(t, res, err, dateline.EINVALID, true, "Only a draft can be submitted")
		res, err = e.svc.Save(ctx, e.editor, a.ID, story("Election day"), act(newsroom.Return), a.Version)
		refused(t, res, err, dateline.EINVALID, true, "withdrawn, not taken back to draft")
		// A published story cannot lose its headline.
		res, err = e.svc.Save(ctx, e.editor, a.ID, story(""), act(newsroom.Save), a.Version)
		refused(t, res, err, dateline.EINVALID, true, "Before publishing, the story needs a headline")
		// Only the form's buttons are actions.
		res, err = e.svc.Save(ctx, e.editor, a.ID, story("Election day"), act("delete"), a.Version)
		refused(t, res, err, dateline.EINVALID, false, "Unknown action")
		if got := e.get(a.ID); got.Version != a.Version {
			t.Errorf("refused saves stored version %d", got.Version)
		}
	})
}

// TestSchedule: a publication time in the future schedules the story;
// saving keeps it scheduled; publishing with no time releases it; taking
// it back clears the time.
func TestSchedule(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		a := e.create(e.reporter, story("Embargoed report"))
		d := story("Embargoed report")
		d.EmbargoUntil, d.Embargoed = e.now.Add(2*time.Hour), true
		res := e.save(e.editor, a.ID, d, act(newsroom.Publish), a.Version)
		a = e.get(a.ID)
		if res.Done != "scheduled" || a.Status != dateline.StatusScheduled || !a.EmbargoUntil.Equal(e.now.Add(2*time.Hour)) || !a.Embargoed {
			t.Fatalf("schedule: %s, %s until %v embargoed %v", res.Done, a.Status, a.EmbargoUntil, a.Embargoed)
		}
		if au := e.lastAudit(); au.Action != "article.scheduled" {
			t.Errorf("audit %q", au.Action)
		}
		if got := newsroom.EditorDraft(a); !got.EmbargoUntil.Equal(a.EmbargoUntil) {
			t.Errorf("the editor's draft of a scheduled story has the time %v", got.EmbargoUntil)
		}
		soon := story("Embargoed report")
		soon.EmbargoUntil = e.now.Add(10 * time.Second)
		// Saving keeps the time, or moves it when an editor sets another.
		res = e.save(e.editor, a.ID, soon, act(newsroom.Save), a.Version)
		a = e.get(a.ID)
		if a.Status != dateline.StatusScheduled || !a.EmbargoUntil.Equal(e.now.Add(2*time.Hour)) {
			t.Errorf("save kept %s until %v", a.Status, a.EmbargoUntil)
		}
		later := story("Embargoed report")
		later.EmbargoUntil = e.now.Add(3 * time.Hour)
		e.save(e.editor, a.ID, later, act(newsroom.Save), a.Version)
		a = e.get(a.ID)
		if !a.EmbargoUntil.Equal(e.now.Add(3*time.Hour)) || a.Embargoed {
			t.Errorf("moved to %v embargoed %v", a.EmbargoUntil, a.Embargoed)
		}
		// An editor takes it back to draft.
		res = e.save(e.editor, a.ID, later, act(newsroom.Return), a.Version)
		a = e.get(a.ID)
		if res.Done != "returned" || a.Status != dateline.StatusDraft || !a.EmbargoUntil.IsZero() {
			t.Errorf("return: %s, %s until %v", res.Done, a.Status, a.EmbargoUntil)
		}
		// Scheduled again, then published with no time: out now.
		e.save(e.editor, a.ID, d, act(newsroom.Publish), a.Version)
		a = e.get(a.ID)
		res = e.save(e.editor, a.ID, story("Embargoed report"), act(newsroom.Publish), a.Version)
		a = e.get(a.ID)
		if res.Done != "published" || a.Status != dateline.StatusPublished || !a.EmbargoUntil.IsZero() || a.Embargoed {
			t.Errorf("release: %s, %s until %v", res.Done, a.Status, a.EmbargoUntil)
		}
		// A time less than 30 seconds ahead publishes now.
		n := e.create(e.reporter, story("Almost now"))
		soon.Headline = "Almost now"
		res = e.save(e.editor, n.ID, soon, act(newsroom.Publish), n.Version)
		if n = e.get(n.ID); res.Done != "published" || n.Status != dateline.StatusPublished || !n.EmbargoUntil.IsZero() {
			t.Errorf("publish 10 seconds ahead: %s, %s until %v", res.Done, n.Status, n.EmbargoUntil)
		}
		// A reporter's publication time on a draft schedules nothing.
		r := e.create(e.reporter, d)
		if r.Status != dateline.StatusDraft || !r.EmbargoUntil.IsZero() {
			t.Errorf("a reporter's draft: %s until %v", r.Status, r.EmbargoUntil)
		}
	})
}

// TestCorrections: a correction is added to a published story with the
// time, kept over later saves, and refused when too long.
func TestCorrections(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		a := e.published("Flood in the south")
		fix := newsroom.Action{Verb: newsroom.Save, Correction: "  An earlier version gave the wrong <b>river</b>.  "}
		e.save(e.editor, a.ID, story("Flood in the south"), fix, a.Version)
		a = e.get(a.ID)
		if len(a.Corrections) != 1 || a.Corrections[0].Text != "An earlier version gave the wrong river." || !a.Corrections[0].At.Equal(e.now) {
			t.Fatalf("corrections %+v", a.Corrections)
		}
		e.now = e.now.Add(time.Hour)
		e.save(e.editor, a.ID, story("Flood in the south"), act(newsroom.Save), a.Version)
		a = e.get(a.ID)
		e.save(e.editor, a.ID, story("Flood in the south"), newsroom.Action{Verb: newsroom.Publish, Correction: "The toll was 12."}, a.Version)
		a = e.get(a.ID)
		if len(a.Corrections) != 2 || a.Corrections[1].Text != "The toll was 12." {
			t.Errorf("corrections %+v", a.Corrections)
		}
		long := newsroom.Action{Verb: newsroom.Save, Correction: strings.Repeat("x", 1001)}
		res, err := e.svc.Save(ctx, e.editor, a.ID, story("Flood in the south"), long, a.Version)
		refused(t, res, err, dateline.EINVALID, true, "at most 1,000 characters")
		// A draft has nothing to correct.
		r := e.create(e.reporter, story("Draft"))
		e.save(e.reporter, r.ID, story("Draft"), newsroom.Action{Verb: newsroom.Save, Correction: "Nothing"}, r.Version)
		if got := e.get(r.ID); len(got.Corrections) != 0 {
			t.Errorf("a draft got corrections %+v", got.Corrections)
		}
		// The advisory says what an update adds.
		d := story("Flood in the south")
		d.Advisory = "Adds the toll."
		e.save(e.editor, a.ID, d, act(newsroom.Save), a.Version)
		if got := e.get(a.ID); got.Advisory != "Adds the toll." || len(got.Corrections) != 2 {
			t.Errorf("advisory %q, %d corrections", got.Advisory, len(got.Corrections))
		}
		// A correction keeps the last update's advisory, unless it brings
		// its own; a plain update without one clears it.
		a = e.get(a.ID)
		e.save(e.editor, a.ID, story("Flood in the south"), newsroom.Action{Verb: newsroom.Save, Correction: "The river is the Don."}, a.Version)
		if got := e.get(a.ID); got.Advisory != "Adds the toll." || len(got.Corrections) != 3 {
			t.Errorf("after a correction: advisory %q, %d corrections", got.Advisory, len(got.Corrections))
		}
		a = e.get(a.ID)
		d.Advisory = "Adds the rescue."
		e.save(e.editor, a.ID, d, newsroom.Action{Verb: newsroom.Save, Correction: "The town is Azov."}, a.Version)
		if got := e.get(a.ID); got.Advisory != "Adds the rescue." {
			t.Errorf("a correction with its own advisory: %q", got.Advisory)
		}
		a = e.get(a.ID)
		e.save(e.editor, a.ID, story("Flood in the south"), act(newsroom.Save), a.Version)
		if got := e.get(a.ID); got.Advisory != "" {
			t.Errorf("an update without an advisory kept %q", got.Advisory)
		}
	})
}

// TestConflict: a save from an old version is refused, kept as a
// conflict revision and shown beside the version that landed.
func TestConflict(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		a := e.create(e.reporter, story("Two hands"))
		opened := a.Version
		e.save(e.editor, a.ID, story("Two hands, edited"), act(newsroom.Save), opened)

		mine := story("Two hands, mine")
		res, err := e.svc.Save(ctx, e.reporter, a.ID, mine, act(newsroom.Save), opened)
		refused(t, res, err, dateline.ECONFLICT, true, "Eda Editor saved this story")
		c := res.Conflict
		if c == nil || c.Theirs != "Eda Editor" || c.Version != opened+1 || c.Revision == 0 {
			t.Fatalf("conflict %+v", c)
		}
		if res.Base != opened+1 || res.Article.Headline != "Two hands, edited" || res.Draft.Headline != "Two hands, mine" {
			t.Errorf("the form again at %d: %q beside %q", res.Base, res.Article.Headline, res.Draft.Headline)
		}
		if c.Diff.Left != "Their version (saved)" || c.Diff.Rows[0].Field != "Headline" || !c.Diff.Rows[0].Changed ||
			!strings.Contains(string(c.Diff.Rows[0].New), "<ins>mine</ins>") {
			t.Errorf("diff %+v", c.Diff.Rows[0])
		}
		rev, err := e.store.Revision(ctx, c.Revision)
		if err != nil || rev.Kind != dateline.RevisionConflict || rev.Version != opened || !strings.Contains(string(rev.Data), "Two hands, mine") {
			t.Errorf("conflict revision %+v, %v", rev, err)
		}
		if got := e.get(a.ID); got.Headline != "Two hands, edited" || got.Version != opened+1 {
			t.Errorf("the refused save changed the story: %q v%d", got.Headline, got.Version)
		}
		if au := e.lastAudit(); au.Action != "article.conflict" || !strings.Contains(au.Detail, "kept as revision") {
			t.Errorf("audit %+v", au)
		}
		// Saving again from the version shown goes through.
		if res := e.save(e.reporter, a.ID, mine, act(newsroom.Save), res.Base); res.Article.Headline != "Two hands, mine" {
			t.Errorf("resolved: %q", res.Article.Headline)
		}
	})
}

// TestWithdrawAndReinstate: an editor withdraws a published story with a
// reason and brings it back; one readers never saw comes back as a draft.
func TestWithdrawAndReinstate(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		a := e.published("Disputed figures")
		wd := newsroom.Action{Verb: newsroom.Withdraw, Note: "The <i>figures</i> were wrong."}
		res0, err := e.svc.Save(ctx, e.editor, a.ID, dateline.Draft{}, wd, a.Version)
		refused(t, res0, err, dateline.EINVALID, false, "Tick the box to confirm")
		if got := e.get(a.ID); got.Status != dateline.StatusPublished {
			t.Fatalf("an unconfirmed withdrawal left the story %s", got.Status)
		}
		wd.Confirmed = true
		res := e.save(e.editor, a.ID, dateline.Draft{}, wd, a.Version)
		a = e.get(a.ID)
		if res.Done != "withdrawn" || a.Status != dateline.StatusWithdrawn || a.WithdrawNote != "The figures were wrong." || a.Headline != "Disputed figures" {
			t.Fatalf("withdraw: %s, %s %q %q", res.Done, a.Status, a.WithdrawNote, a.Headline)
		}
		if rev := e.lastRevision(a.ID); rev.Note != "withdraw: The figures were wrong." {
			t.Errorf("revision note %q", rev.Note)
		}
		if au := e.lastAudit(); au.Action != "article.withdraw" || au.Detail != "The figures were wrong." {
			t.Errorf("audit %+v", au)
		}
		res2, err := e.svc.Save(ctx, e.editor, a.ID, dateline.Draft{}, wd, a.Version)
		refused(t, res2, err, dateline.EINVALID, false, "Only a published or scheduled story can be withdrawn")
		res2, err = e.svc.Save(ctx, e.editor, a.ID, dateline.Draft{}, act(newsroom.Reinstate), a.Version)
		refused(t, res2, err, dateline.EINVALID, false, "Tick the box")
		res2, err = e.svc.Save(ctx, e.editor, a.ID, dateline.Draft{}, newsroom.Action{Verb: newsroom.Reinstate, Confirmed: true}, a.Version-1)
		refused(t, res2, err, dateline.ECONFLICT, false, "Someone saved this story")

		first := a.PublishedAt
		res = e.save(e.editor, a.ID, dateline.Draft{}, newsroom.Action{Verb: newsroom.Reinstate, Confirmed: true}, a.Version)
		a = e.get(a.ID)
		if res.Done != "reinstated" || a.Status != dateline.StatusPublished || a.WithdrawNote != "" || !a.PublishedAt.Equal(first) {
			t.Errorf("reinstate: %s, %s %q published %v (first %v)", res.Done, a.Status, a.WithdrawNote, a.PublishedAt, first)
		}
		if au := e.lastAudit(); au.Action != "article.restore" {
			t.Errorf("audit %q", au.Action)
		}
		res2, err = e.svc.Save(ctx, e.editor, a.ID, dateline.Draft{}, newsroom.Action{Verb: newsroom.Reinstate, Confirmed: true}, a.Version)
		refused(t, res2, err, dateline.EINVALID, false, "Only a withdrawn story can be restored")

		// A scheduled story withdrawn before its time comes back as a draft.
		s := e.create(e.reporter, story("Never out"))
		d := story("Never out")
		d.EmbargoUntil = e.now.Add(time.Hour)
		e.save(e.editor, s.ID, d, act(newsroom.Publish), s.Version)
		s = e.get(s.ID)
		e.save(e.editor, s.ID, dateline.Draft{}, newsroom.Action{Verb: newsroom.Withdraw, Confirmed: true}, s.Version)
		s = e.get(s.ID)
		res = e.save(e.editor, s.ID, dateline.Draft{}, newsroom.Action{Verb: newsroom.Reinstate, Confirmed: true}, s.Version)
		if s = e.get(s.ID); res.Done != "returned" || s.Status != dateline.StatusDraft || !s.EmbargoUntil.IsZero() {
			t.Errorf("reinstate never public: %s, %s until %v", res.Done, s.Status, s.EmbargoUntil)
		}
		// A withdrawal note has a limit.
		p := e.published("Long reason")
		res2, err = e.svc.Save(ctx, e.editor, p.ID, dateline.Draft{}, newsroom.Action{Verb: newsroom.Withdraw, Note: strings.Repeat("y", 501), Confirmed: true}, p.Version)
		refused(t, res2, err, dateline.EINVALID, false, "at most 500 characters")
	})
}

// TestRestoreRevision: a draft brought back from the history is stored
// as a restore revision.
func TestRestoreRevision(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		a := e.create(e.reporter, story("First words"))
		e.save(e.reporter, a.ID, story("Second words"), act(newsroom.Save), a.Version)
		a = e.get(a.ID)
		res := e.save(e.reporter, a.ID, story("First words"), newsroom.Action{Verb: newsroom.Save, Restore: true}, a.Version)
		if rev := e.lastRevision(a.ID); rev.Kind != dateline.RevisionRestore || res.Article.Headline != "First words" {
			t.Errorf("restore revision %q, headline %q", rev.Kind, res.Article.Headline)
		}
	})
}

// TestTranslation: the translation link is saved with the story; a link
// refused leaves nothing changed.
func TestTranslation(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		en := e.published("Minister visits Kazan")
		ru := func(headline string) dateline.Draft {
			d := story(headline)
			d.Section, d.Lang, d.TranslationOf = "politika", "ru", en.ID
			return d
		}
		r1 := e.save(e.editor, 0, ru("Министр посетил Казань"), act(newsroom.Save), 0).Article
		if of, err := e.store.TranslationOf(ctx, r1.ID); err != nil || of != en.ID {
			t.Fatalf("TranslationOf = %d, %v; want %d", of, err, en.ID)
		}
		// A second Russian version: nothing is stored.
		res, err := e.svc.Save(ctx, e.editor, 0, ru("Второй перевод"), act(newsroom.Save), 0)
		refused(t, res, err, dateline.EINVALID, true, "a translation is in another language")
		if res.Article.ID != 0 {
			t.Errorf("the refused new story has id %d", res.Article.ID)
		}
		if n, _ := e.store.CountArticles(ctx, dateline.StatusDraft); n != 1 {
			t.Errorf("%d drafts after the refused link, want 1", n)
		}
		unlinked := ru("Второй перевод")
		unlinked.TranslationOf = 0
		r2 := e.save(e.editor, 0, unlinked, act(newsroom.Save), 0).Article
		res, err = e.svc.Save(ctx, e.editor, r2.ID, ru("Второй перевод, правка"), act(newsroom.Save), r2.Version)
		refused(t, res, err, dateline.EINVALID, true, "a translation is in another language")
		if got := e.get(r2.ID); got.Version != r2.Version || got.Headline != "Второй перевод" {
			t.Errorf("the refused link saved the edit: %q v%d", got.Headline, got.Version)
		}
		// The same language, or itself, is refused before the store.
		same := story("Same language")
		same.TranslationOf = en.ID
		res, err = e.svc.Save(ctx, e.editor, 0, same, act(newsroom.Save), 0)
		refused(t, res, err, dateline.EINVALID, true, "is in English too")
		self := ru("Сам себе")
		self.TranslationOf = r2.ID
		res, err = e.svc.Save(ctx, e.editor, r2.ID, self, act(newsroom.Save), r2.Version)
		refused(t, res, err, dateline.EINVALID, true, "cannot be a translation of itself")
		// Clearing the field unlinks.
		cur := e.get(r1.ID)
		d := ru("Министр посетил Казань")
		d.TranslationOf = 0
		e.save(e.editor, r1.ID, d, act(newsroom.Save), cur.Version)
		if of, _ := e.store.TranslationOf(ctx, r1.ID); of != 0 {
			t.Errorf("after clearing, TranslationOf = %d", of)
		}
	})
}

// TestPreview: the draft applied without storing; reporters preview their
// own stories.
func TestPreview(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		a := e.create(e.reporter, story("Preview me"))
		p, err := e.svc.Preview(ctx, e.reporter, a.ID, story("Previewed"))
		if err != nil || p.Headline != "Previewed" {
			t.Fatalf("Preview = %+v, %v", p, err)
		}
		if got := e.get(a.ID); got.Headline != "Preview me" {
			t.Errorf("the preview stored %q", got.Headline)
		}
		if _, err := e.svc.Preview(ctx, e.other, a.ID, story("x")); dateline.ErrorCode(err) != dateline.EFORBIDDEN {
			t.Errorf("another reporter's preview: %v", err)
		}
		if p, err := e.svc.Preview(ctx, e.other, 0, story("New")); err != nil || p.Status != dateline.StatusDraft {
			t.Errorf("preview of a new story: %+v, %v", p, err)
		}
	})
}

// TestDiffDrafts: changed words are marked, markup is escaped, and a huge
// comparison stays within its budget.
func TestDiffDrafts(t *testing.T) {
	a, b := story("Old <headline>"), story("New <headline>")
	b.Body = "<p>Body of Old headline.</p><p>Another paragraph.</p>"
	d := newsroom.DiffDrafts(&a, &b, "left", "right")
	if d.Left != "left" || d.Right != "right" || len(d.Rows) != 14 {
		t.Fatalf("diff %+v", d)
	}
	h := d.Rows[0]
	if !h.Changed || h.Old != "<del>Old</del> &lt;headline&gt;" || h.New != "<ins>New</ins> &lt;headline&gt;" {
		t.Errorf("headline row %+v", h)
	}
	if s := d.Rows[2]; !s.Changed || !strings.Contains(string(s.New), "<ins>Another paragraph.</ins>") {
		t.Errorf("story row %+v", s)
	}
	if s := d.Rows[3]; s.Changed || s.Old != "politics" {
		t.Errorf("section row %+v", s)
	}
	big := func(w string) *dateline.Draft {
		d := story("Big")
		d.Body = "<p>" + strings.Repeat(w+" ", 5000) + "</p>"
		return &d
	}
	start := time.Now()
	d = newsroom.DiffDrafts(big("a"), big("b"), "a", "b")
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("a big comparison took %v", el)
	}
	if !d.Rows[2].Changed {
		t.Error("the big bodies compare as equal")
	}
}

// TestWhoMayDoWhat: every action by every role on a reporter's story in
// every status the newsroom sets. An outcome is what Result.Done says,
// or F (EFORBIDDEN), I (EINVALID shown in the form) or P (EINVALID on a
// page of its own).
func TestWhoMayDoWhat(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		// The outcomes for the editor (admins have the same), the story's
		// reporter, and another reporter.
		table := []struct {
			status                 dateline.Status
			verb                   string
			editor, owner, another string
		}{
			{dateline.StatusDraft, newsroom.Save, "saved", "saved", "F"},
			{dateline.StatusDraft, newsroom.Submit, "submitted", "submitted", "F"},
			{dateline.StatusDraft, newsroom.Publish, "published", "F", "F"},
			{dateline.StatusDraft, newsroom.Return, "returned", "F", "F"},
			{dateline.StatusDraft, newsroom.Withdraw, "P", "F", "F"},
			{dateline.StatusDraft, newsroom.Reinstate, "P", "F", "F"},

			{dateline.StatusSubmitted, newsroom.Save, "saved", "saved", "F"},
			{dateline.StatusSubmitted, newsroom.Submit, "submitted", "submitted", "F"},
			{dateline.StatusSubmitted, newsroom.Publish, "published", "F", "F"},
			{dateline.StatusSubmitted, newsroom.Return, "returned", "returned", "F"},
			{dateline.StatusSubmitted, newsroom.Withdraw, "P", "F", "F"},
			{dateline.StatusSubmitted, newsroom.Reinstate, "P", "F", "F"},

			{dateline.StatusScheduled, newsroom.Save, "saved", "F", "F"},
			{dateline.StatusScheduled, newsroom.Submit, "I", "F", "F"},
			{dateline.StatusScheduled, newsroom.Publish, "published", "F", "F"},
			{dateline.StatusScheduled, newsroom.Return, "returned", "F", "F"},
			{dateline.StatusScheduled, newsroom.Withdraw, "withdrawn", "F", "F"},
			{dateline.StatusScheduled, newsroom.Reinstate, "P", "F", "F"},

			{dateline.StatusPublished, newsroom.Save, "saved", "F", "F"},
			{dateline.StatusPublished, newsroom.Submit, "I", "F", "F"},
			{dateline.StatusPublished, newsroom.Publish, "saved", "F", "F"},
			{dateline.StatusPublished, newsroom.Return, "I", "F", "F"},
			{dateline.StatusPublished, newsroom.Withdraw, "withdrawn", "F", "F"},
			{dateline.StatusPublished, newsroom.Reinstate, "P", "F", "F"},

			{dateline.StatusWithdrawn, newsroom.Save, "saved", "F", "F"},
			{dateline.StatusWithdrawn, newsroom.Submit, "I", "F", "F"},
			{dateline.StatusWithdrawn, newsroom.Publish, "published", "F", "F"},
			{dateline.StatusWithdrawn, newsroom.Return, "I", "F", "F"},
			{dateline.StatusWithdrawn, newsroom.Withdraw, "P", "F", "F"},
			{dateline.StatusWithdrawn, newsroom.Reinstate, "reinstated", "F", "F"},
		}
		// after is the status a story has after each outcome.
		after := map[string]dateline.Status{"submitted": dateline.StatusSubmitted, "published": dateline.StatusPublished,
			"returned": dateline.StatusDraft, "withdrawn": dateline.StatusWithdrawn, "reinstated": dateline.StatusPublished}
		n := 0
		// in makes a story by the reporter in the status.
		in := func(st dateline.Status) *dateline.Article {
			n++
			h := fmt.Sprintf("Story %d", n)
			a := e.create(e.reporter, story(h))
			switch st {
			case dateline.StatusSubmitted:
				e.save(e.reporter, a.ID, story(h), act(newsroom.Submit), a.Version)
			case dateline.StatusScheduled:
				d := story(h)
				d.EmbargoUntil = e.now.Add(time.Hour)
				e.save(e.editor, a.ID, d, act(newsroom.Publish), a.Version)
			case dateline.StatusPublished, dateline.StatusWithdrawn:
				e.save(e.editor, a.ID, story(h), act(newsroom.Publish), a.Version)
				if st == dateline.StatusWithdrawn {
					a = e.get(a.ID)
					e.save(e.editor, a.ID, dateline.Draft{}, newsroom.Action{Verb: newsroom.Withdraw, Confirmed: true}, a.Version)
				}
			}
			if a = e.get(a.ID); a.Status != st {
				t.Fatalf("fixture in %s is %s", st, a.Status)
			}
			return a
		}
		for _, tc := range table {
			for _, who := range []struct {
				u    *dateline.User
				want string
			}{{e.admin, tc.editor}, {e.editor, tc.editor}, {e.reporter, tc.owner}, {e.other, tc.another}} {
				a := in(tc.status)
				action := newsroom.Action{Verb: tc.verb, Confirmed: true}
				res, err := e.svc.Save(ctx, who.u, a.ID, story(a.Headline), action, a.Version)
				got := res.Done
				switch {
				case dateline.ErrorCode(err) == dateline.EFORBIDDEN:
					got = "F"
				case dateline.ErrorCode(err) == dateline.EINVALID && res.Article != nil:
					got = "I"
				case dateline.ErrorCode(err) == dateline.EINVALID:
					got = "P"
				case err != nil:
					got = err.Error()
				}
				if got != who.want {
					t.Errorf("%s by the %s (%s) on a %s story: %s, want %s", tc.verb, who.u.Role, who.u.Name, tc.status, got, who.want)
					continue
				}
				st := e.get(a.ID).Status
				want, changes := after[got]
				if !changes {
					want = a.Status
				}
				if st != want {
					t.Errorf("%s by the %s on a %s story left it %s, want %s", tc.verb, who.u.Role, tc.status, st, want)
				}
			}
		}
	})
}

// conflicting is a store where another save lands just before each of
// the service's saves: the conflict the engine finds, not the service.
type conflicting struct {
	newsroom.Store
	other func(id int64)
}

func (c conflicting) SaveArticle(ctx context.Context, a *dateline.Article, base int, rev *dateline.Revision, now time.Time) error {
	if a.ID != 0 {
		c.other(a.ID)
	}
	return c.Store.SaveArticle(ctx, a, base, rev, now)
}

// TestConflictInTheStore: a save that the store refuses because another
// landed after the service read the story is a conflict like any other.
func TestConflictInTheStore(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		a := e.create(e.reporter, story("Race"))
		svc := *e.svc
		svc.Store = conflicting{Store: e.store, other: func(id int64) {
			cur := e.get(id)
			e.save(e.editor, id, story("Race, the editor's"), act(newsroom.Save), cur.Version)
		}}
		res, err := svc.Save(ctx, e.reporter, a.ID, story("Race, mine"), act(newsroom.Save), a.Version)
		refused(t, res, err, dateline.ECONFLICT, true, "Eda Editor saved this story")
		if res.Conflict == nil || res.Conflict.Version != a.Version+1 || res.Article.Headline != "Race, the editor's" {
			t.Fatalf("conflict %+v beside %q", res.Conflict, res.Article.Headline)
		}
		if rev, err := e.store.Revision(ctx, res.Conflict.Revision); err != nil || rev.Kind != dateline.RevisionConflict || rev.Version != a.Version {
			t.Errorf("conflict revision %+v, %v", rev, err)
		}
		// A new story has nothing to conflict with.
		res, err = svc.Save(ctx, e.reporter, 0, story("New"), act(newsroom.Save), 0)
		if err != nil || !res.Created {
			t.Errorf("new story: %+v, %v", res, err)
		}
	})
}

// TestContentRules: what a draft may hold: a follow-up of an existing
// story, a photo with its caption and credit before publication, a
// correction with words in it.
func TestContentRules(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		first := e.published("First alert")
		a := e.create(e.reporter, story("Update"))

		d := story("Update")
		d.Follows = a.ID
		res, err := e.svc.Save(ctx, e.reporter, a.ID, d, act(newsroom.Save), a.Version)
		refused(t, res, err, dateline.EINVALID, true, "cannot follow itself")
		d.Follows = 999999
		res, err = e.svc.Save(ctx, e.reporter, a.ID, d, act(newsroom.Save), a.Version)
		refused(t, res, err, dateline.EINVALID, true, "The earlier story 999999 does not exist")
		d.Follows = first.ID
		e.save(e.reporter, a.ID, d, act(newsroom.Save), a.Version)
		if got := e.get(a.ID); got.Follows != first.ID {
			t.Errorf("follows %d, want %d", got.Follows, first.ID)
		}

		p := &dateline.Photo{URI: "urn:photo:bare", Path: "p/bare.jpg", Width: 800, Height: 600}
		if err := e.store.SavePhoto(ctx, p, e.now); err != nil {
			t.Fatal(err)
		}
		a = e.get(a.ID)
		d.PhotoID = p.ID
		res, err = e.svc.Save(ctx, e.editor, a.ID, d, act(newsroom.Publish), a.Version)
		refused(t, res, err, dateline.EINVALID, true, "a caption and a credit for the photo")
		d.Caption, d.Credit = "A square", "Staff"
		e.save(e.editor, a.ID, d, act(newsroom.Publish), a.Version)
		a = e.get(a.ID)
		if a.Photo == nil || a.Photo.Caption != "A square" || a.Photo.Alt != "A square" {
			t.Errorf("photo %+v", a.Photo)
		}

		// A correction of blanks is no correction.
		e.save(e.editor, a.ID, d, newsroom.Action{Verb: newsroom.Save, Correction: "   "}, a.Version)
		if got := e.get(a.ID); len(got.Corrections) != 0 {
			t.Errorf("corrections %+v", got.Corrections)
		}
	})
}

// noAudit is a store whose audit log refuses every entry.
type noAudit struct{ newsroom.Store }

func (noAudit) AddAudit(context.Context, *dateline.AuditEntry, time.Time) error {
	return errors.New("audit log unavailable")
}

// TestAuditFailure: a save whose audit entry cannot be written is made
// all the same, and the failure is logged.
func TestAuditFailure(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		var logged bytes.Buffer
		svc := newsroom.Service{Store: noAudit{e.store}, Now: e.svc.Now, Log: slog.New(slog.NewTextHandler(&logged, nil))}
		res, err := svc.Save(ctx, e.reporter, 0, story("Unaudited"), act(newsroom.Save), 0)
		if err != nil || !res.Created {
			t.Fatalf("Save = %+v, %v", res, err)
		}
		if !strings.Contains(logged.String(), "audit log unavailable") || !strings.Contains(logged.String(), "article.create") {
			t.Errorf("logged %q", logged.String())
		}
	})
}
