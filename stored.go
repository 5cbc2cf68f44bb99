package dateline

import (
	"cmp"
	"slices"
	"time"
)

// The rules every engine applies when it writes: they live here so that
// SQLite and PostgreSQL keep the same ones, and each engine keeps only its
// SQL.

// StoredArticle is what a write needs to know of the stored version of an
// article. Engines read it inside the write transaction.
type StoredArticle struct {
	ID, ChainID, AuthorID, SectionID int64
	URI                              string
	Status                           Status // StatusSubmitted and StatusWithheld as the domain names them
	Version                          int
	VersionCreated                   time.Time // source_version, to the millisecond
	PublishedAt, UpdatedAt           time.Time
	SubmittedAt, CreatedAt           time.Time
	Source, WireVersion              string
	EmbargoUntil                     time.Time
	Embargoed                        bool
	Advisory                         string
}

// Wire is what ReceiveWire needs to know of the stored story, with its
// corrections cs.
func (p *StoredArticle) Wire(cs []Correction) *WirePrior {
	return &WirePrior{Status: p.Status, Source: p.Source, Version: p.WireVersion, VersionCreated: p.VersionCreated,
		PublishedAt: p.PublishedAt, EmbargoUntil: p.EmbargoUntil, Embargoed: p.Embargoed, Advisory: p.Advisory, Corrections: cs}
}

// StoredStatus is the status column's value for s: a submitted or a
// withheld story is stored as a draft with a mark (submitted_at,
// withheld), so the column keeps four values.
func StoredStatus(s Status) string {
	if s == StatusSubmitted || s == StatusWithheld {
		return string(StatusDraft)
	}
	return string(s)
}

// ReadStatus maps a stored status back: a draft with a submission time is
// a submitted story, one marked withheld a withheld story.
func ReadStatus(stored string, submitted, withheld bool) Status {
	switch {
	case stored == string(StatusDraft) && withheld:
		return StatusWithheld
	case stored == string(StatusDraft) && submitted:
		return StatusSubmitted
	}
	return Status(stored)
}

// ValidateIngest checks what a version from the wire must have before it
// is compared with the stored story: a URI, a headline and a known status.
// Returns EINVALID.
func (a *Article) ValidateIngest() error {
	if a.URI == "" || a.Headline == "" {
		return Errorf(EINVALID, "An article needs a URI and a headline.")
	}
	if !a.Status.Valid() {
		return Errorf(EINVALID, "Unknown status %q.", a.Status)
	}
	return nil
}

// ValidateWrite checks what every write of an article, from the wire or
// the newsroom, must have. Returns EINVALID.
func (a *Article) ValidateWrite() error {
	if !ValidCommercial(a.Commercial) {
		return Errorf(EINVALID, "An article is marked partner or advertising, or not at all; not %q.", a.Commercial)
	}
	return nil
}

// KeepWords turns the stored story a into what a kill or a withholding
// (verdict WireKill or WireWithhold of ReceiveWire, for version in)
// leaves: the story keeps its own words, the last readers saw; a kill
// brings its reason, version and times, a withholding its version, times
// and the corrections ReceiveWire merged. The stored version (old's) stays
// the newest seen, so that a version resent after an older-numbered kill
// is unchanged, not refused.
func (a *Article) KeepWords(verdict WireVerdict, in *Article, old *StoredArticle) {
	a.Status = StatusWithdrawn
	if verdict == WireWithhold {
		a.Status, a.Corrections = StatusWithheld, in.Corrections
	}
	if CompareWire(in.WireVersion, in.SourceVersion, old.WireVersion, old.VersionCreated) > 0 {
		a.SourceVersion, a.WireVersion = in.SourceVersion, in.WireVersion
	}
	if in.WithdrawNote != "" && verdict == WireKill {
		a.WithdrawNote = in.WithdrawNote
	}
}

// SettleEdit sets what a newsroom save of a over old (nil for a new
// story) takes from the stored story and the clock: an editor's change to
// a published story is an update dated now; a wire story keeps the wire's
// URI, version and versioncreated, since its versions are ordered among
// themselves (ReceiveWire) and a newer one applies over an edit.
func (a *Article) SettleEdit(old *StoredArticle, now time.Time) {
	if old != nil {
		a.URI, a.WireVersion = old.URI, old.WireVersion
	}
	a.UpdatedAt, a.SourceVersion = time.Time{}, now
	if old != nil && old.Source != "" {
		a.SourceVersion = old.VersionCreated
	}
}

// SettleWrite sets what a write of a over old (nil for a new article)
// keeps from the stored story, at now (whole seconds, UTC): the author
// when a names none, the source that first sent the story (whoever edits
// it since), the times (SettleTimes) and the submission time, kept while
// the story stays submitted.
func (a *Article) SettleWrite(old *StoredArticle, now time.Time) {
	var oldStatus Status
	var oldPub, oldUpd time.Time
	if old != nil {
		oldStatus, oldPub, oldUpd = old.Status, old.PublishedAt, old.UpdatedAt
		if a.AuthorID == 0 {
			a.AuthorID = old.AuthorID
		}
		a.Source = old.Source
	}
	a.SettleTimes(oldStatus, oldPub, oldUpd, now)
	switch {
	case a.Status != StatusSubmitted:
		a.SubmittedAt = time.Time{}
	case !a.SubmittedAt.IsZero():
	case old != nil && old.Status == StatusSubmitted:
		a.SubmittedAt = old.SubmittedAt
	default:
		a.SubmittedAt = now
	}
	a.SubmittedAt = truncSecond(a.SubmittedAt)
}

// NewAuthor reports whether a write of a over old names an author the
// stored story did not have, whom the engine must find.
func (a *Article) NewAuthor(old *StoredArticle) bool {
	return a.AuthorID != 0 && (old == nil || a.AuthorID != old.AuthorID)
}

// ValidateFollows checks that a, written over old (nil for a new story),
// follows an earlier story and not itself. Returns EINVALID.
func (a *Article) ValidateFollows(old *StoredArticle) error {
	if old != nil && a.Follows == old.ID {
		return Errorf(EINVALID, "A story cannot follow itself.")
	}
	if old != nil && a.Follows > old.ID {
		return Errorf(EINVALID, "A story can only follow an earlier one, not %d.", a.Follows)
	}
	return nil
}

// HeadsChain reports whether the stored story heads a chain of
// follow-ups: it stays in it when it follows nothing.
func (p *StoredArticle) HeadsChain() bool { return p != nil && p.ChainID == p.ID }

// WireRevision is the revision that keeps a version a received from the
// wire in its story's history.
func WireRevision(a *Article, now time.Time) *Revision {
	d := DraftOf(a)
	return &Revision{ArticleID: a.ID, Version: a.Version, Kind: RevisionWire, UserName: a.Source,
		Note: VersionNote(a.Source, a.WireVersion, a.SourceVersion), Data: d.Encode(), CreatedAt: now}
}

// RefusedRevision is the revision that keeps in the history of the stored
// story old the version a that ReceiveWire refused, with note
// (RefusalNote).
func RefusedRevision(a *Article, old *StoredArticle, note string, now time.Time) *Revision {
	d := DraftOf(a)
	return &Revision{ArticleID: old.ID, Version: old.Version, Kind: RevisionWireRefused,
		UserName: a.Source, Note: note, Data: d.Encode(), CreatedAt: now}
}

// ValidateKind fills an empty kind (a save) and checks it. Returns
// EINVALID.
func (rev *Revision) ValidateKind() error {
	if rev.Kind == "" {
		rev.Kind = RevisionSave
	}
	switch rev.Kind {
	case RevisionSave, RevisionRestore, RevisionConflict, RevisionWire, RevisionWireRefused, RevisionNote:
		return nil
	}
	return Errorf(EINVALID, "A revision is a save, restore, conflict, note or wire version, not %q.", rev.Kind)
}

// EditConflict is the ECONFLICT of a save based on version base when the
// stored story is at version stored.
func EditConflict(stored, base int) error {
	return Errorf(ECONFLICT,
		"Someone saved this story (version %d) after you opened version %d; your text is kept, reload to see their changes.", stored, base)
}

// ArticleEvent is the event readers hear of writing a over old (nil for a
// new story), at now, if any (EventFor). Topics are a's, as written (with
// their slugs), each once.
func ArticleEvent(a *Article, old *StoredArticle, now time.Time) (Event, bool) {
	var was Status
	if old != nil {
		was = old.Status
	}
	kind := EventFor(was, a)
	if kind == "" {
		return Event{}, false
	}
	var slugs []string
	for _, t := range a.Topics {
		if t.ID != 0 && !slices.Contains(slugs, t.Slug) {
			slugs = append(slugs, t.Slug)
		}
	}
	return Event{At: now, Kind: kind, ArticleID: a.ID, Section: a.Section, Headline: a.Headline,
		Lang: a.Lang, Urgency: a.Urgency, Breaking: a.Breaking, Topics: slugs}, true
}

// TopRefs is the curated list of top stories, in order.
type TopRefs []TopRef

// Validate checks that each entry names an article or a story page, and
// none twice. Returns EINVALID.
func (refs TopRefs) Validate() error {
	seen := map[TopRef]bool{}
	for _, r := range refs {
		if (r.ArticleID == 0) == (r.StoryID == 0) {
			return Errorf(EINVALID, "A top story is an article or a story page.")
		}
		if seen[r] {
			if r.ArticleID != 0 {
				return Errorf(EINVALID, "Article %d is listed twice.", r.ArticleID)
			}
			return Errorf(EINVALID, "Story page %d is listed twice.", r.StoryID)
		}
		seen[r] = true
	}
	return nil
}

// editionNames name the editions in the newsroom's messages.
var editionNames = map[string]string{"en": "English", "ru": "Russian"}

// CheckEdition returns EINVALID unless edition is one of Editions.
func CheckEdition(edition string) error {
	if !Editions[edition] {
		return Errorf(EINVALID, "There is no edition %q; the editions are English (en) and Russian (ru).", edition)
	}
	return nil
}

// TopArticleFits is the rule of an edition's top stories for an article:
// it leads only the home page of its own edition, its section's language
// (sectionLang). Returns EINVALID in words for the editor.
func TopArticleFits(edition string, id int64, headline, sectionLang string) error {
	own := EditionOf(sectionLang)
	if own == EditionOf(edition) {
		return nil
	}
	return Errorf(EINVALID, "“%s” (article %d) is a story of the %s edition: the %s edition's top stories take only its own stories.",
		headline, id, editionNames[own], editionNames[EditionOf(edition)])
}

// TopStoryFits is the rule for a story page, which has no language: it
// leads the home page of one edition at most. listedIn is the other
// edition whose list holds it already, or "". Returns EINVALID.
func TopStoryFits(edition string, id int64, title, listedIn string) error {
	if listedIn == "" || listedIn == edition {
		return nil
	}
	return Errorf(EINVALID, "The story page “%s” (%d) leads the %s edition's home page already; take it off that list first.",
		title, id, editionNames[EditionOf(listedIn)])
}

// MergeViewCounts drops counts that are not positive or have no article
// id, adds up those of the same article and minute, and sorts them by
// minute and article: the order in which engines lock their rows.
func MergeViewCounts(counts []ViewCount) []ViewCount {
	type key struct{ minute, article int64 }
	sum := make(map[key]int64, len(counts))
	for _, c := range counts {
		if c.Count > 0 && c.ArticleID > 0 {
			sum[key{c.Minute, c.ArticleID}] += c.Count
		}
	}
	out := make([]ViewCount, 0, len(sum))
	for k, n := range sum {
		out = append(out, ViewCount{ArticleID: k.article, Minute: k.minute, Count: n})
	}
	slices.SortFunc(out, func(a, b ViewCount) int {
		return cmp.Or(cmp.Compare(a.Minute, b.Minute), cmp.Compare(a.ArticleID, b.ArticleID))
	})
	return out
}

// truncSecond is t in whole seconds, UTC; zero stays zero.
func truncSecond(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}
