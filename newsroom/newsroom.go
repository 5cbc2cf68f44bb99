// Package newsroom is the editorial workflow: who may change a story, the
// way a story goes from draft to submitted, scheduled, published,
// withdrawn and back, corrections, conflicts between two people editing
// one story, and the history and audit entries each change leaves. It
// knows nothing of HTTP: the newsroom's handlers read the form, call
// Service.Save and show what it returns.
package newsroom

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/auth"
	"dateline/ingest"
)

// Store is the storage the workflow needs. sqlite.DB and postgres.DB
// satisfy it.
type Store interface {
	Article(ctx context.Context, id int64) (*dateline.Article, error)
	Photo(ctx context.Context, id int64) (*dateline.Photo, error)
	// SaveArticle stores the edit, its revision and the revision's
	// translation link in one transaction; see dateline.Newsroom.
	SaveArticle(ctx context.Context, a *dateline.Article, base int, rev *dateline.Revision, now time.Time) error
	AddRevision(ctx context.Context, rev *dateline.Revision, now time.Time) error
	Revisions(ctx context.Context, articleID int64) ([]dateline.Revision, error)
	AddAudit(ctx context.Context, e *dateline.AuditEntry, now time.Time) error
	DeleteDraft(ctx context.Context, id int64, base int) error
}

// Service runs the workflow over a store.
type Service struct {
	Store Store
	Now   func() time.Time // the clock; time.Now when nil
	Log   *slog.Logger     // where a failed audit entry is reported; slog.Default when nil
}

// The verbs of an Action.
const (
	Save      = "save"      // store the draft; a scheduled story stays scheduled
	Submit    = "submit"    // a draft goes to the editors
	Publish   = "publish"   // publish now, or schedule at the draft's EmbargoUntil
	Return    = "return"    // a submitted or scheduled story goes back to draft
	Withdraw  = "withdraw"  // a published or scheduled story leaves every list
	Reinstate = "reinstate" // a withdrawn story comes back (the editor's "Restore")
)

// Action is what a person asks of a save beyond storing the draft.
type Action struct {
	// Verb is one of the verbs above; "" is Save. It is the revision's
	// note, as given.
	Verb string
	// Correction, for a published story, is a note added to its
	// corrections (at most 1,000 characters).
	Correction string
	// Restore marks the draft as an earlier revision brought back: the
	// revision stored is of kind restore.
	Restore bool
	// Note is why a story is withdrawn, shown to readers (at most 500
	// characters).
	Note string
	// Confirmed is the box an editor ticks to withdraw or reinstate a
	// story.
	Confirmed bool
	// Message is a note for the people working on the story ("back to
	// draft: the second source is missing"), kept with the save's
	// revision (at most 1,000 characters; see Notes).
	Message string
	// Minor, for a published story, is an editor's small fix (a typo)
	// that leaves the "Updated" time readers see as it was.
	Minor bool
}

// Result is what a save did, or what the form needs to be shown again.
type Result struct {
	// Article is the story as saved, or, after an error about the form,
	// as the refused save left it.
	Article *dateline.Article
	// Draft is the draft as saved (its Status the story's), or the one
	// refused.
	Draft *dateline.Draft
	// Base is the version a form shown again starts from.
	Base int
	// Done names what happened, for the message after the save: saved,
	// submitted, published, scheduled, returned, withdrawn, reinstated.
	Done string
	// Created is true when the save made a new story.
	Created bool
	// Conflict is set, with ECONFLICT, when someone else saved first.
	Conflict *Conflict
}

// Conflict is a save refused because another one landed first: the
// refused draft is kept as a revision, and both versions are compared.
type Conflict struct {
	Theirs   string // who saved first
	Version  int    // the version they saved
	Revision int64  // the revision keeping the refused draft
	Diff     Diff   // theirs on the left, the refused draft on the right
}

// EditorDraft is the draft the newsroom's editor opens for a stored
// story. Unlike dateline.DraftOf it leaves out a withheld story's release
// time: that is the wire's, not a time the editor sets.
func EditorDraft(a *dateline.Article) *dateline.Draft {
	d := dateline.DraftOf(a)
	if a.Status != dateline.StatusScheduled {
		d.EmbargoUntil = time.Time{}
	}
	return &d
}

// Editable returns the story id if actor may change it: editors and
// admins every story, reporters their own until they are published.
// Returns ENOTFOUND and EFORBIDDEN.
func (s *Service) Editable(ctx context.Context, actor *dateline.User, id int64) (*dateline.Article, error) {
	a, err := s.Store.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.Role.CanPublish() && (a.AuthorID != actor.ID || (a.Status != dateline.StatusDraft && a.Status != dateline.StatusSubmitted)) {
		return nil, dateline.Errorf(dateline.EFORBIDDEN, "Reporters can change their own stories until they are published; ask an editor.")
	}
	return a, nil
}

// Save applies the draft to story id (0: a new story by actor) as the
// action asks, from the version base the person's form was opened at,
// and stores it with a revision, its translation link (draft's
// TranslationOf) and an audit entry, all or nothing.
//
// Errors are domain errors with a message for people. When Result.Article
// is set with an error, the error is about what the form holds (EINVALID
// and the like): the form is shown again with the message and Result's
// Article, Draft and Base; with ECONFLICT, Result.Conflict is the
// conflict screen. Otherwise the error stands alone: ENOTFOUND, EFORBIDDEN
// (a reporter publishing, or changing a story not theirs to change),
// EINVALID (an action that does not fit the story), ECONFLICT.
func (s *Service) Save(ctx context.Context, actor *dateline.User, id int64, draft dateline.Draft, action Action, base int) (Result, error) {
	switch action.Verb {
	case Withdraw:
		return s.withdraw(ctx, actor, id, base, action.Note, action.Confirmed)
	case Reinstate:
		return s.reinstate(ctx, actor, id, base, action.Confirmed)
	}
	var a *dateline.Article
	if id == 0 {
		a = &dateline.Article{Status: dateline.StatusDraft, AuthorID: actor.ID,
			URI: "urn:dateline:newsroom:" + strings.ToLower(auth.Token()[:22])}
	} else {
		var err error
		if a, err = s.Editable(ctx, actor, id); err != nil {
			return Result{}, err
		}
		if base != a.Version {
			// Someone saved since the form was opened. The permission
			// checks were made on the version loaded now, so the store
			// must compare against that one: the form's own base would
			// let a save land on a story whose status changed in between.
			return s.conflict(ctx, actor, a.ID, base, &draft)
		}
	}
	d := &draft
	form := func(err error) (Result, error) { return Result{Article: a, Draft: d, Base: base}, err }
	// A correction is not an update of its own: the advisory of the last
	// update stays unless the editor writes another.
	if strings.TrimSpace(action.Correction) != "" && d.Advisory == "" && a.Status == dateline.StatusPublished {
		d.Advisory = a.Advisory
	}
	if err := s.applyDraft(ctx, a, d, actor.Role); err != nil {
		return form(err)
	}
	now := s.now()
	done := "saved"
	switch action.Verb {
	case "", Save:
		// Saving a scheduled story keeps it scheduled: at the new time when
		// an editor set one, else at its own. Only "Publish" releases it.
		if a.Status == dateline.StatusScheduled && actor.Role.CanPublish() && d.EmbargoUntil.After(now.Add(30*time.Second)) {
			a.EmbargoUntil, a.Embargoed = d.EmbargoUntil, d.Embargoed
		}
	case Submit:
		if a.Status != dateline.StatusDraft && a.Status != dateline.StatusSubmitted {
			return form(dateline.Errorf(dateline.EINVALID, "Only a draft can be submitted."))
		}
		a.Status, done = dateline.StatusSubmitted, "submitted"
		if a.Headline == "" {
			return form(dateline.Errorf(dateline.EINVALID, "Give the story a headline before submitting it."))
		}
	case Publish:
		if !actor.Role.CanPublish() {
			return Result{}, dateline.Errorf(dateline.EFORBIDDEN, "Reporters submit stories; an editor publishes them.")
		}
		if err := readyToPublish(a); err != nil {
			return form(err)
		}
		if a.Status != dateline.StatusPublished {
			done = "published"
			a.Status = dateline.StatusPublished
			if schedule(a, d, now) {
				done = "scheduled"
			}
		}
	case Return:
		if !actor.Role.CanPublish() && a.Status != dateline.StatusSubmitted {
			return Result{}, dateline.Errorf(dateline.EFORBIDDEN, "Only an editor can take a scheduled story back.")
		}
		if a.Status == dateline.StatusPublished || a.Status == dateline.StatusWithdrawn {
			return form(dateline.Errorf(dateline.EINVALID, "A published story is withdrawn, not taken back to draft."))
		}
		a.Status, a.EmbargoUntil, done = dateline.StatusDraft, time.Time{}, "returned"
	default:
		return Result{}, dateline.Errorf(dateline.EINVALID, "Unknown action; use the buttons of the form.")
	}
	if a.Status == dateline.StatusPublished {
		if err := readyToPublish(a); err != nil {
			return form(err)
		}
		if c := strings.TrimSpace(action.Correction); c != "" && a.ID != 0 {
			if utf8.RuneCountInString(c) > 1000 {
				return form(dateline.Errorf(dateline.EINVALID, "A correction has at most 1,000 characters."))
			}
			a.Corrections = append(a.Corrections, dateline.Correction{At: now.Truncate(time.Second), Text: ingest.PlainText(c)})
		}
	}
	// An editor's update to a published story is an update readers see,
	// unless it is a minor edit of a story that stays published.
	a.UpdatedAt = time.Time{}
	a.MinorEdit = action.Minor && a.Status == dateline.StatusPublished && action.Verb != Publish
	d.Status = a.Status
	note, err := revisionNote(action)
	if err != nil {
		return form(err)
	}
	rev := &dateline.Revision{Kind: dateline.RevisionSave, UserID: actor.ID, UserName: actor.Name, Data: d.Encode(), Note: note,
		TranslationOf: &d.TranslationOf}
	if action.Restore {
		rev.Kind = dateline.RevisionRestore
	}
	isNew := a.ID == 0
	if err := s.Store.SaveArticle(ctx, a, base, rev, now); err != nil {
		if dateline.ErrorCode(err) == dateline.ECONFLICT && !isNew {
			return s.conflict(ctx, actor, a.ID, base, d)
		}
		if code := dateline.ErrorCode(err); code == dateline.EINVALID || code == dateline.EUNPROCESSABLE {
			return form(err)
		}
		return Result{}, err
	}
	verb := "article." + done
	if isNew {
		verb = "article.create"
	}
	s.audit(ctx, actor, verb, "article "+strconv.FormatInt(a.ID, 10), a.Headline)
	return Result{Article: a, Draft: d, Base: a.Version, Done: done, Created: isNew}, nil
}

// schedule sets a publication time in the future: the story waits as
// scheduled. It reports whether it did.
func schedule(a *dateline.Article, d *dateline.Draft, now time.Time) bool {
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

// conflict keeps the refused edit as a revision and returns it beside the
// version that landed first.
func (s *Service) conflict(ctx context.Context, u *dateline.User, id int64, base int, mine *dateline.Draft) (Result, error) {
	rev := &dateline.Revision{ArticleID: id, Version: base, Kind: dateline.RevisionConflict, UserID: u.ID, UserName: u.Name,
		Data: mine.Encode(), Note: "refused: another save landed first", CreatedAt: s.now()}
	if err := s.Store.AddRevision(ctx, rev, rev.CreatedAt); err != nil {
		return Result{}, err
	}
	cur, err := s.Store.Article(ctx, id)
	if err != nil {
		return Result{}, err
	}
	theirs := "Another person"
	if revs, err := s.Store.Revisions(ctx, id); err == nil {
		for _, rv := range revs {
			if rv.Version == cur.Version && rv.Kind != dateline.RevisionConflict {
				theirs = rv.UserName
				break
			}
		}
	}
	s.audit(ctx, u, "article.conflict", "article "+strconv.FormatInt(id, 10), "kept as revision "+strconv.FormatInt(rev.ID, 10))
	c := &Conflict{Theirs: theirs, Version: cur.Version, Revision: rev.ID,
		Diff: DiffDrafts(EditorDraft(cur), mine, "Their version (saved)", "Your version (not saved)")}
	return Result{Article: cur, Draft: mine, Base: cur.Version, Conflict: c},
		dateline.Errorf(dateline.ECONFLICT, "%s saved this story (version %d) after you opened version %d; your text is kept as revision %d.", theirs, cur.Version, base, rev.ID)
}

// withdraw takes a published or scheduled story off every list. The
// editor must have confirmed.
func (s *Service) withdraw(ctx context.Context, u *dateline.User, id int64, base int, note string, confirmed bool) (Result, error) {
	a, err := s.Editable(ctx, u, id)
	if err != nil {
		return Result{}, err
	}
	if !u.Role.CanPublish() {
		return Result{}, dateline.Errorf(dateline.EFORBIDDEN, "Only an editor can withdraw a story.")
	}
	if a.Status != dateline.StatusPublished && a.Status != dateline.StatusScheduled {
		return Result{}, dateline.Errorf(dateline.EINVALID, "Only a published or scheduled story can be withdrawn.")
	}
	note = ingest.PlainText(note)
	if utf8.RuneCountInString(note) > 500 {
		return Result{}, dateline.Errorf(dateline.EINVALID, "The reason has at most 500 characters.")
	}
	if !confirmed {
		return Result{}, dateline.Errorf(dateline.EINVALID, "Tick the box to confirm that the story should leave the site.")
	}
	a.Status, a.WithdrawNote = dateline.StatusWithdrawn, note
	d := EditorDraft(a)
	rev := &dateline.Revision{Kind: dateline.RevisionSave, UserID: u.ID, UserName: u.Name, Data: d.Encode(), Note: "withdraw: " + note}
	if err := s.Store.SaveArticle(ctx, a, base, rev, s.now()); err != nil {
		return Result{}, err
	}
	s.audit(ctx, u, "article.withdraw", "article "+strconv.FormatInt(a.ID, 10), note)
	return Result{Article: a, Draft: d, Base: a.Version, Done: "withdrawn"}, nil
}

// reinstate is an editor's "Restore" of a withdrawn story: the one way
// back for a story withdrawn in the newsroom or killed on the wire. A
// story readers saw is published again at its first publication time;
// one they never saw goes back to draft, since putting it out is a
// decision of its own. The editor must have confirmed.
func (s *Service) reinstate(ctx context.Context, u *dateline.User, id int64, base int, confirmed bool) (Result, error) {
	a, err := s.Editable(ctx, u, id)
	if err != nil {
		return Result{}, err
	}
	if !u.Role.CanPublish() {
		return Result{}, dateline.Errorf(dateline.EFORBIDDEN, "Only an editor can restore a withdrawn story.")
	}
	if a.Status != dateline.StatusWithdrawn {
		return Result{}, dateline.Errorf(dateline.EINVALID, "Only a withdrawn story can be restored.")
	}
	if !confirmed {
		return Result{}, dateline.Errorf(dateline.EINVALID, "Tick the box to confirm that the story should come back.")
	}
	done, note := "reinstated", "restore: published again after its withdrawal"
	a.Status = dateline.StatusPublished
	if !a.WasPublic() {
		a.Status, done, note = dateline.StatusDraft, "returned", "restore: back to draft after its withdrawal"
	}
	a.WithdrawNote, a.WithdrawnAt = "", time.Time{}
	a.EmbargoUntil, a.Embargoed = time.Time{}, false
	d := EditorDraft(a)
	rev := &dateline.Revision{Kind: dateline.RevisionSave, UserID: u.ID, UserName: u.Name, Data: d.Encode(), Note: note}
	if err := s.Store.SaveArticle(ctx, a, base, rev, s.now()); err != nil {
		return Result{}, err
	}
	s.audit(ctx, u, "article.restore", "article "+strconv.FormatInt(a.ID, 10), a.Headline)
	return Result{Article: a, Draft: d, Base: a.Version, Done: done}, nil
}

// DeleteDraft deletes story id, opened at version base, for good: its
// author or an editor may, once they have confirmed, and only a draft
// written in the newsroom that readers never saw. Returns ENOTFOUND,
// EFORBIDDEN, EINVALID (not confirmed, or not such a draft) and
// ECONFLICT (saved since base).
func (s *Service) DeleteDraft(ctx context.Context, actor *dateline.User, id int64, base int, confirmed bool) (err error) {
	// Editable lets a reporter at their own drafts only.
	a, err := s.Editable(ctx, actor, id)
	if err != nil {
		return err
	}
	if !confirmed {
		return dateline.Errorf(dateline.EINVALID, "Tick the box to confirm that the draft should be deleted for good.")
	}
	if err := s.Store.DeleteDraft(ctx, id, base); err != nil {
		return err
	}
	s.audit(ctx, actor, "article.delete", "article "+strconv.FormatInt(id, 10), a.Headline)
	return nil
}

// Preview is story id (0: a new one) with the draft applied, as it would
// be saved, for a preview: nothing is stored. Reporters preview their own
// stories. Returns ENOTFOUND, EFORBIDDEN and EINVALID.
func (s *Service) Preview(ctx context.Context, actor *dateline.User, id int64, draft dateline.Draft) (*dateline.Article, error) {
	a := &dateline.Article{Status: dateline.StatusDraft}
	if id != 0 {
		var err error
		if a, err = s.Store.Article(ctx, id); err != nil {
			return nil, err
		}
		if !actor.Role.CanPublish() && a.AuthorID != actor.ID {
			return nil, dateline.Errorf(dateline.EFORBIDDEN, "Reporters preview their own stories.")
		}
	}
	if err := s.applyDraft(ctx, a, &draft, actor.Role); err != nil {
		return nil, err
	}
	return a, nil
}

// languageNames name the editions' languages in messages.
var languageNames = map[string]string{"en": "English", "ru": "Русский"}

// applyDraft puts the draft's content into the article. It returns
// EINVALID for what the person may not set or what does not exist.
func (s *Service) applyDraft(ctx context.Context, a *dateline.Article, d *dateline.Draft, role dateline.Role) error {
	a.Headline, a.Lead = ingest.PlainText(d.Headline), ingest.PlainText(d.Lead)
	a.Pages = ingest.Pages(d.Body)
	a.Section, a.Lang, a.Place, a.Byline = d.Section, d.Lang, ingest.PlainText(d.Place), ingest.PlainText(d.Byline)
	a.Urgency, a.Breaking, a.Follows, a.Advisory = d.Urgency, d.Breaking, d.Follows, ingest.PlainText(d.Advisory)
	a.MetaDescription, a.SocialHeadline = ingest.PlainText(d.MetaDescription), ingest.PlainText(d.SocialHeadline)
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
		p, err := s.Store.Photo(ctx, d.PhotoID)
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
		if _, err := s.Store.Article(ctx, d.Follows); err != nil {
			return dateline.Errorf(dateline.EINVALID, "The earlier story %d does not exist.", d.Follows)
		}
	}
	if d.TranslationOf != 0 {
		if d.TranslationOf == a.ID {
			return dateline.Errorf(dateline.EINVALID, "A story cannot be a translation of itself.")
		}
		of, err := s.Store.Article(ctx, d.TranslationOf)
		if err != nil {
			return dateline.Errorf(dateline.EINVALID, "There is no story %d to be a translation of.", d.TranslationOf)
		}
		if dateline.EditionOf(of.Lang) == dateline.EditionOf(d.Lang) {
			return dateline.Errorf(dateline.EINVALID, "Story %d is in %s too; a translation is in another language.", d.TranslationOf, languageNames[dateline.EditionOf(d.Lang)])
		}
	}
	return nil
}

// readyToPublish lists what a story lacks before readers may see it.
// Returns EINVALID.
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

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// audit records who did what. A failure is logged, not returned: the
// change it describes is made.
func (s *Service) audit(ctx context.Context, u *dateline.User, action, target, detail string) {
	if len(detail) > 500 {
		detail = detail[:500] + "…"
	}
	e := &dateline.AuditEntry{At: s.now(), Action: action, Target: target, Detail: detail}
	if u != nil {
		e.UserID, e.UserName = u.ID, u.Name
	}
	if err := s.Store.AddAudit(ctx, e, e.At); err != nil {
		log := s.Log
		if log == nil {
			log = slog.Default()
		}
		log.Error("audit", "action", action, "err", err)
	}
}
