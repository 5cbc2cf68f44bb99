package newsroom

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/ingest"
)

// Note is a word left on a story for the people working on it: with a
// save ("back to draft: why"), or on its own.
type Note struct {
	At   time.Time
	By   string
	Verb string // the save's verb (Save, Submit, Return, ...); "" for a note on its own
	Text string
}

// Occasion says, for people, what the note was written with: "back to
// draft", "submitted", ...; "" for a note on its own.
func (n Note) Occasion() string {
	return map[string]string{Save: "saved", Submit: "submitted", Publish: "published", Return: "back to draft", Withdraw: "withdrawn"}[n.Verb]
}

// noteVerbs are the verbs whose revision note may carry a message after
// "verb: ".
var noteVerbs = []string{Save, Submit, Publish, Return, Withdraw}

// revisionNote is the note of a save's revision: its verb, and the
// message after a colon when there is one. Returns EINVALID for a message
// too long.
func revisionNote(action Action) (string, error) {
	msg := ingest.PlainText(strings.TrimSpace(action.Message))
	if utf8.RuneCountInString(msg) > 1000 {
		return "", dateline.Errorf(dateline.EINVALID, "A note has at most 1,000 characters.")
	}
	if msg == "" {
		return action.Verb, nil
	}
	verb := action.Verb
	if verb == "" {
		verb = Save
	}
	return verb + ": " + msg, nil
}

// Notes picks the notes out of a story's revisions, in their order
// (newest first, as Store.Revisions lists them).
func Notes(revs []dateline.Revision) []Note {
	var out []Note
	for _, r := range revs {
		switch r.Kind {
		case dateline.RevisionNote:
			out = append(out, Note{At: r.CreatedAt, By: r.UserName, Text: r.Note})
		case dateline.RevisionSave:
			for _, v := range noteVerbs {
				if text, ok := strings.CutPrefix(r.Note, v+": "); ok && strings.TrimSpace(text) != "" {
					out = append(out, Note{At: r.CreatedAt, By: r.UserName, Verb: v, Text: text})
				}
			}
		}
	}
	return out
}

// Readable returns story id if actor may read it in the newsroom: editors
// and admins every story, reporters their own and published ones (those
// they may not change are shown read-only). Returns ENOTFOUND and
// EFORBIDDEN.
func (s *Service) Readable(ctx context.Context, actor *dateline.User, id int64) (*dateline.Article, error) {
	a, err := s.Store.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.Role.CanPublish() && a.AuthorID != actor.ID && a.Status != dateline.StatusPublished {
		return nil, dateline.Errorf(dateline.EFORBIDDEN, "Reporters see their own stories and published ones.")
	}
	return a, nil
}

// AddNote leaves a note on story id without changing it: anyone who may
// read the story may, so a reporter can ask for a fix of their published
// story. The note is a revision of kind note (the story as it is, with
// the text). Returns ENOTFOUND, EFORBIDDEN and EINVALID.
func (s *Service) AddNote(ctx context.Context, actor *dateline.User, id int64, text string) (err error) {
	a, err := s.Readable(ctx, actor, id)
	if err != nil {
		return err
	}
	text = ingest.PlainText(strings.TrimSpace(text))
	if text == "" {
		return dateline.Errorf(dateline.EINVALID, "Write the note before adding it.")
	}
	if utf8.RuneCountInString(text) > 1000 {
		return dateline.Errorf(dateline.EINVALID, "A note has at most 1,000 characters.")
	}
	now := s.now()
	rev := &dateline.Revision{ArticleID: a.ID, Version: a.Version, Kind: dateline.RevisionNote, UserID: actor.ID, UserName: actor.Name,
		Data: EditorDraft(a).Encode(), Note: text, CreatedAt: now}
	if err := s.Store.AddRevision(ctx, rev, now); err != nil {
		return err
	}
	s.audit(ctx, actor, "article.note", "article "+strconv.FormatInt(a.ID, 10), text)
	return nil
}
