package newsroom_test

import (
	"testing"

	"dateline"
	"dateline/newsroom"
)

// TestDeleteDraft: its author or an editor deletes a draft readers never
// saw, once confirmed, and the audit log says so; nobody else, and
// nothing published.
func TestDeleteDraft(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		own := e.create(e.reporter, story("Own draft"))
		err := e.svc.DeleteDraft(ctx, e.reporter, own.ID, own.Version, false)
		refused(t, noForm, err, dateline.EINVALID, false, "Tick the box")
		err = e.svc.DeleteDraft(ctx, e.other, own.ID, own.Version, true)
		refused(t, noForm, err, dateline.EFORBIDDEN, false, "own stories")
		err = e.svc.DeleteDraft(ctx, e.reporter, own.ID, own.Version-1, true)
		refused(t, noForm, err, dateline.ECONFLICT, false, "open it again")
		if err := e.svc.DeleteDraft(ctx, e.reporter, own.ID, own.Version, true); err != nil {
			t.Fatalf("the author's delete: %v", err)
		}
		if _, err := e.store.Article(ctx, own.ID); dateline.ErrorCode(err) != dateline.ENOTFOUND {
			t.Errorf("Article after delete: %v", err)
		}
		if au := e.lastAudit(); au.Action != "article.delete" || au.UserID != e.reporter.ID || au.Detail != "Own draft" {
			t.Errorf("audit %+v", au)
		}

		// An editor deletes a reporter's submitted draft; published
		// stories are withdrawn, not deleted, by anyone.
		sub := e.create(e.reporter, story("Submitted"))
		sub = e.get(e.save(e.reporter, sub.ID, story("Submitted"), act("submit"), sub.Version).Article.ID)
		if err := e.svc.DeleteDraft(ctx, e.editor, sub.ID, sub.Version, true); err != nil {
			t.Errorf("the editor's delete: %v", err)
		}
		pub := e.published("Out")
		err = e.svc.DeleteDraft(ctx, e.editor, pub.ID, pub.Version, true)
		refused(t, noForm, err, dateline.EINVALID, false, "withdrawn instead")
		err = e.svc.DeleteDraft(ctx, e.reporter, pub.ID, pub.Version, true)
		refused(t, noForm, err, dateline.EFORBIDDEN, false, "ask an editor")
	})
}

// noForm is the result of a call that returns no form to show again.
var noForm newsroom.Result
