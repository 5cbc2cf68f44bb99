package newsroom_test

import (
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/newsroom"
)

// TestNotes: a note typed with a save, or on its own, is kept in the
// story's history and listed newest first; a reporter may leave one on
// their published story, which they read but may not change.
func TestNotes(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		a := e.create(e.reporter, story("Harbour vote"))
		a = e.save(e.reporter, a.ID, story("Harbour vote"), act(newsroom.Submit), a.Version).Article
		e.now = e.now.Add(time.Minute)
		back := newsroom.Action{Verb: newsroom.Return, Message: "  The second source is <b>missing</b>. "}
		a = e.save(e.editor, a.ID, story("Harbour vote"), back, a.Version).Article
		if rev := e.lastRevision(a.ID); rev.Note != "return: The second source is missing." {
			t.Errorf("the revision's note is %q", rev.Note)
		}
		long := newsroom.Action{Message: strings.Repeat("á", 1001)}
		res, err := e.svc.Save(ctx, e.editor, a.ID, story("Harbour vote"), long, a.Version)
		refused(t, res, err, dateline.EINVALID, true, "1,000 characters")

		pub := e.published("Quay opens")
		if _, err := e.svc.Editable(ctx, e.reporter, pub.ID); dateline.ErrorCode(err) != dateline.EFORBIDDEN {
			t.Errorf("the reporter may change their published story: %v", err)
		}
		if got, err := e.svc.Readable(ctx, e.reporter, pub.ID); err != nil || got.ID != pub.ID {
			t.Errorf("Readable(own published) = %v", err)
		}
		if _, err := e.svc.Readable(ctx, e.other, a.ID); dateline.ErrorCode(err) != dateline.EFORBIDDEN {
			t.Errorf("another reporter reads a draft not theirs: %v", err)
		}
		e.now = e.now.Add(time.Minute)
		if err := e.svc.AddNote(ctx, e.reporter, pub.ID, "The mayor's name is Ivanova."); err != nil {
			t.Fatalf("AddNote: %v", err)
		}
		if got := e.get(pub.ID); got.Version != pub.Version {
			t.Errorf("a note changed the story: version %d, was %d", got.Version, pub.Version)
		}
		err = e.svc.AddNote(ctx, e.reporter, pub.ID, "   ")
		refused(t, noForm, err, dateline.EINVALID, false, "Write the note")
		err = e.svc.AddNote(ctx, e.other, a.ID, "Not mine")
		refused(t, noForm, err, dateline.EFORBIDDEN, false, "their own stories")

		revs, err := e.store.Revisions(ctx, pub.ID)
		if err != nil {
			t.Fatal(err)
		}
		notes := newsroom.Notes(revs)
		if len(notes) != 1 || notes[0].Text != "The mayor's name is Ivanova." || notes[0].By != "Rita Reporter" || notes[0].Verb != "" {
			t.Errorf("notes of the published story: %+v", notes)
		}
		revs, _ = e.store.Revisions(ctx, a.ID)
		if notes := newsroom.Notes(revs); len(notes) != 1 || notes[0].Verb != newsroom.Return || notes[0].By != "Eda Editor" {
			t.Errorf("notes of the returned story: %+v", notes)
		}
		if au := e.lastAudit(); au.Action != "article.note" {
			t.Errorf("audit %+v", au)
		}
	})
}

// TestMinorEdit: an editor's minor edit of a published story leaves the
// "Updated" time readers see; an ordinary update sets it.
func TestMinorEdit(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		pub := e.published("Bridge reopens")
		e.now = e.now.Add(time.Hour)
		minor := newsroom.Action{Minor: true}
		d := story("Bridge reopens")
		d.Lead = "A typo fixed."
		a := e.get(e.save(e.editor, pub.ID, d, minor, pub.Version).Article.ID)
		if !a.UpdatedAt.IsZero() || a.Lead != "A typo fixed." {
			t.Errorf("after a minor edit: updated %v, lead %q", a.UpdatedAt, a.Lead)
		}
		e.now = e.now.Add(time.Hour)
		d.Lead = "The minister spoke."
		a = e.get(e.save(e.editor, a.ID, d, act(newsroom.Save), a.Version).Article.ID)
		if !a.UpdatedAt.Equal(e.now) {
			t.Errorf("after an update: updated %v, want %v", a.UpdatedAt, e.now)
		}
		updated := a.UpdatedAt
		e.now = e.now.Add(time.Hour)
		d.Lead = "The minister spoke on Monday."
		a = e.get(e.save(e.editor, a.ID, d, minor, a.Version).Article.ID)
		if !a.UpdatedAt.Equal(updated) {
			t.Errorf("a minor edit moved the update time from %v to %v", updated, a.UpdatedAt)
		}
	})
}
