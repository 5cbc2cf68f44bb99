package dateline

import (
	"strings"
	"time"
)

// StatusWithheld is a story its sender has taken off the outputs for now
// (ninjs pubstatus "withheld"): not public, and, when it was public
// before, its address says it is withheld for now. A later usable version
// brings it back. Engines keep it as a draft with a withheld mark, so the
// stored status keeps four values.
const StatusWithheld Status = "withheld"

// WasPublic reports whether readers have ever seen the story: a story
// killed or withheld before its first publication answers as if it never
// existed, one killed after it answers 410 with its last public headline.
func (a *Article) WasPublic() bool { return !a.PublishedAt.IsZero() }

// The lifecycle of a wire story, as the README's "The lifecycle of a
// story" tells it. ReceiveWire is the one place its rules live; both
// engines call it inside the transaction that stores the version.

// DefaultSource is the source of the site's own wire: write tokens and
// imports speak for it unless told another.
const DefaultSource = "wire"

// WirePrior is what the lifecycle rules need to know of the stored story.
type WirePrior struct {
	Status         Status    // StatusSubmitted and StatusWithheld as the domain names them
	Source         string    // "" for a story written in the newsroom
	Version        string    // the sender's version ("" when it gave none)
	VersionCreated time.Time // the sender's versioncreated, to the millisecond
	PublishedAt    time.Time // zero until first published
	EmbargoUntil   time.Time // the embargo in force or last set, zero when none
	Embargoed      bool
	Advisory       string
	Corrections    []Correction
}

// WireVerdict is what a received version does.
type WireVerdict int

const (
	// WireApply stores the version as ReceiveWire left it.
	WireApply WireVerdict = iota
	// WireKill keeps the stored story's words and marks it withdrawn with
	// the version's WithdrawNote, version and times.
	WireKill
	// WireUnchanged leaves the story alone: the stored version is as new
	// or newer, or the story is already killed.
	WireUnchanged
	// WireWithhold keeps the stored story's words, the last readers saw,
	// and marks it withheld with the version's version and times: a
	// story withheld after publication shows nothing new, and a kill
	// after it still names the last public headline.
	WireWithhold
)

// ReceiveWire decides what version a, sent by source, does to the stored
// story old (nil for a new one), and adjusts a to what is to be stored:
// the embargo held from earlier versions, the corrections and advisory
// kept, the status a usable version takes under an embargo still in
// force. a comes as ingest maps it: Status is published (usable),
// scheduled (usable with an embargo still to come), withheld or withdrawn
// (canceled); EmbargoUntil is the embargo the version gave, past or
// future, zero when it gave none; Corrections holds at most the
// version's own new correction.
//
// Returns EFORBIDDEN when the story belongs to the newsroom or another
// source, and ECONFLICT when a newer version would revive a withdrawn
// story or embargo a story already public. The messages say what to do.
func ReceiveWire(old *WirePrior, a *Article, source string, now time.Time) (WireVerdict, error) {
	a.Source = source
	if old == nil {
		// A wire's ednote on a first version is a note to editors, not
		// an update's advisory: nothing has been updated yet. Local
		// content (source "") means what it says.
		if source != "" {
			a.Advisory = ""
		}
		settleEmbargo(a, time.Time{}, false, now)
		return WireApply, nil
	}
	if old.Source != source {
		if old.Source == "" {
			return 0, Errorf(EFORBIDDEN, "The story %q was written in the newsroom; the wire may not change it.", truncateText(a.URI, 200))
		}
		return 0, Errorf(EFORBIDDEN, "The story %q belongs to the source %q; a token of the source %q may not change it.",
			truncateText(a.URI, 200), old.Source, source)
	}
	if a.Status == StatusWithdrawn {
		// A kill is never ignored for its timestamp or version: only a
		// story killed already stays as it is.
		if old.Status == StatusWithdrawn {
			return WireUnchanged, nil
		}
		return WireKill, nil
	}
	if CompareWire(a.WireVersion, a.SourceVersion, old.Version, old.VersionCreated) <= 0 {
		return WireUnchanged, nil
	}
	if old.Status == StatusWithdrawn {
		return 0, Errorf(ECONFLICT, "The story %q was withdrawn; a later version does not bring it back. An editor may restore it in the newsroom.", truncateText(a.URI, 200))
	}
	// An embargo holds across versions until a version sets another
	// time: a sender that leaves it out of an update has not lifted it.
	embargo, embargoed := a.EmbargoUntil, !a.EmbargoUntil.IsZero()
	if !embargoed && old.Embargoed {
		embargo, embargoed = old.EmbargoUntil, true
	}
	if !a.EmbargoUntil.IsZero() && a.EmbargoUntil.After(now) && !old.PublishedAt.IsZero() {
		return 0, Errorf(ECONFLICT, "The story %q is public already; an embargo cannot take it back. Send a kill (pubstatus canceled) instead.", truncateText(a.URI, 200))
	}
	if a.Status == StatusWithheld && !old.PublishedAt.IsZero() {
		// The words stay the last readers saw; a correction the version
		// carries is kept for when the story comes back.
		a.Corrections = MergeCorrections(old.Corrections, a.Corrections)
		return WireWithhold, nil
	}
	settleEmbargo(a, embargo, embargoed, now)
	if a.Advisory == "" {
		a.Advisory = old.Advisory
	}
	a.Corrections = MergeCorrections(old.Corrections, a.Corrections)
	return WireApply, nil
}

// settleEmbargo sets a's status and embargo from the embargo in force: a
// usable version waits for an embargo still to come; a past one is
// history. The embargo time is kept on a withheld story, so that it
// holds when the story comes back.
func settleEmbargo(a *Article, embargo time.Time, embargoed bool, now time.Time) {
	if !embargoed {
		embargo, embargoed = a.EmbargoUntil, !a.EmbargoUntil.IsZero()
	}
	future := embargoed && embargo.After(now)
	switch a.Status {
	case StatusPublished, StatusScheduled:
		if future {
			a.Status, a.EmbargoUntil, a.Embargoed = StatusScheduled, embargo, true
			a.PublishedAt = time.Time{}
			return
		}
		a.Status = StatusPublished
		a.EmbargoUntil, a.Embargoed = time.Time{}, false
	case StatusWithheld:
		if future {
			a.EmbargoUntil, a.Embargoed = embargo, true
		} else {
			a.EmbargoUntil, a.Embargoed = time.Time{}, false
		}
	default:
		a.EmbargoUntil, a.Embargoed = time.Time{}, false
	}
}

// MergeCorrections returns the stored corrections followed by the new
// ones not among them (same text), so a correction is never lost to a
// later version.
func MergeCorrections(stored, fresh []Correction) []Correction {
	out := append([]Correction(nil), stored...)
	for _, c := range fresh {
		dup := false
		for _, s := range stored {
			if strings.TrimSpace(s.Text) == strings.TrimSpace(c.Text) {
				dup = true
				break
			}
		}
		if !dup && strings.TrimSpace(c.Text) != "" {
			out = append(out, c)
		}
	}
	return out
}

// CompareWire orders two versions of one story: by the sender's version
// numbers when both have one, then by versioncreated. It returns -1, 0 or
// +1 as version a is older, the same or newer than version b.
func CompareWire(va string, ta time.Time, vb string, tb time.Time) int {
	if va != "" && vb != "" {
		if c := CompareVersions(va, vb); c != 0 {
			return c
		}
	}
	ma, mb := ta.UnixMilli(), tb.UnixMilli()
	switch {
	case ma < mb:
		return -1
	case ma > mb:
		return 1
	}
	return 0
}

// maxVersionParts and maxVersionDigits bound what ParseVersion accepts.
const (
	maxVersionParts  = 8
	maxVersionDigits = 18
)

// ParseVersion checks a sender's version and returns it in canonical
// form: a whole number ("3") or whole numbers joined by dots ("1.2.10"),
// each at most 18 digits, at most 8 parts, leading zeros dropped ("03" is
// "3"). A JSON number sent as text ("3.0" is two parts) is read the same
// way. Returns EUNPROCESSABLE for anything else.
func ParseVersion(v string) (string, error) {
	v = strings.TrimSpace(v)
	bad := Errorf(EUNPROCESSABLE, "version must be a whole number such as 3, or numbers joined by dots such as 1.2.10; not %q.", truncateText(v, 40))
	if v == "" {
		return "", bad
	}
	parts := strings.Split(v, ".")
	if len(parts) > maxVersionParts {
		return "", bad
	}
	for i, p := range parts {
		if p == "" || len(p) > maxVersionDigits {
			return "", bad
		}
		for _, r := range p {
			if r < '0' || r > '9' {
				return "", bad
			}
		}
		p = strings.TrimLeft(p, "0")
		if p == "" {
			p = "0"
		}
		parts[i] = p
	}
	return strings.Join(parts, "."), nil
}

// CompareVersions orders two versions in ParseVersion's canonical form,
// part by part as numbers; a missing part counts as 0, so "2" and "2.0"
// are the same version. Text that is not canonical orders after every
// version and by bytes among itself, so the order is total.
func CompareVersions(a, b string) int {
	ca, erra := ParseVersion(a)
	cb, errb := ParseVersion(b)
	switch {
	case erra != nil && errb != nil:
		return strings.Compare(a, b)
	case erra != nil:
		return 1
	case errb != nil:
		return -1
	}
	pa, pb := strings.Split(ca, "."), strings.Split(cb, ".")
	for i := range max(len(pa), len(pb)) {
		x, y := "0", "0"
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if c := compareDigits(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// compareDigits orders two canonical whole numbers of any length.
func compareDigits(x, y string) int {
	if len(x) != len(y) {
		if len(x) < len(y) {
			return -1
		}
		return 1
	}
	return strings.Compare(x, y)
}

// VersionNote is the line a wire version leaves in the story's history:
// "Version 3 from reuters, sent 2026-11-27 10:00:05.500 UTC".
func VersionNote(source, version string, created time.Time) string {
	var b strings.Builder
	if version != "" {
		b.WriteString("Version " + version)
	} else {
		b.WriteString("A version")
	}
	if source != "" {
		b.WriteString(" from " + source)
	}
	if !created.IsZero() {
		b.WriteString(", sent " + created.UTC().Format("2006-01-02 15:04:05.000") + " UTC")
	}
	return b.String()
}

// EventFor is the event readers (or embargo clients) hear of storing a
// over a story whose status was old ("" for a new story): published,
// updated or withdrawn for the public, embargoed or embargo-canceled for
// tokens with the embargo scope, or "" when nobody is told.
func EventFor(old Status, a *Article) string {
	switch a.Status {
	case StatusPublished:
		if old == StatusPublished {
			return EventUpdated
		}
		return EventPublished
	case StatusScheduled:
		if a.Embargoed {
			return EventEmbargoed
		}
	case StatusWithdrawn:
		if old == StatusPublished {
			return EventWithdrawn
		}
		if old == StatusScheduled {
			return EventEmbargoCanceled
		}
	default:
		if old == StatusPublished {
			return EventWithdrawn
		}
	}
	return ""
}

// PublicEvent reports whether the public stream may send an event of the
// kind.
func PublicEvent(kind string) bool {
	return kind == EventPublished || kind == EventUpdated || kind == EventWithdrawn
}

// WireRefusal reports whether err is ReceiveWire's refusal of a version
// (EFORBIDDEN or ECONFLICT), which the engines record and report in
// UpsertResult.Refused while the rest of the batch is stored.
func WireRefusal(err error) bool {
	code := ErrorCode(err)
	return code == EFORBIDDEN || code == ECONFLICT
}

// RefusalNote is the note of the RevisionWireRefused revision that keeps
// a refused version a in its story's history: the version, then why.
func RefusalNote(a *Article, err error) string {
	return VersionNote(a.Source, a.WireVersion, a.SourceVersion) + ". Refused: " + ErrorMessage(err)
}
