// Package ingest turns IPTC ninjs documents into articles and stores them:
// the mapping from ninjs fields to the content model, and the one-document
// (HTTP push) and many-document (file import) paths through it.
package ingest

import (
	"context"
	"math"
	"strings"
	"time"
	"unicode"

	"dateline"
	"dateline/metrics"
	"dateline/ninjs"
)

// Store is what ingest needs of the storage: the sections, to map a
// document's subjects to one, and the upsert. Every dateline.Store is one.
type Store interface {
	Sections(ctx context.Context) ([]dateline.Section, error)
	UpsertArticles(ctx context.Context, as []*dateline.Article, now time.Time) ([]dateline.UpsertResult, error)
}

// Service ingests ninjs documents into a store.
type Service struct {
	Store Store
	// Now returns the current time; tests set it.
	Now func() time.Time
	// FallbackSection is the slug used when no genre or subject matches a
	// section's codes. Empty means such items are refused.
	FallbackSection string
	// Changed is called after anything public may have changed.
	Changed func()
	// Source names the sender of documents that come without one (file
	// imports): "wire" when empty. See IngestAs.
	Source string
	// Metrics counts the items by source and outcome; nil counts none.
	Metrics *metrics.Metrics
}

// DefaultSource is the sender of imported files when none is named: the
// site's own wire, so an archive imported from it and the live wire are
// one source.
const DefaultSource = dateline.DefaultSource

func (s *Service) source(given string) string {
	switch {
	case given != "":
		return given
	case s.Source != "":
		return s.Source
	}
	return DefaultSource
}

// Outcome values of a Result.
const (
	Created   = "created"
	Updated   = "updated"
	Unchanged = "unchanged"
)

// Result says what ingesting one document did.
type Result struct {
	ID             int64           `json:"id"`
	URI            string          `json:"uri"`
	Outcome        string          `json:"result"`
	Status         dateline.Status `json:"status"`
	Section        string          `json:"section"`
	SectionMatched bool            `json:"section_matched"`
	Version        int             `json:"version,omitempty"`
	Message        string          `json:"message"`
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Ingest is IngestAs with the service's own source.
func (s *Service) Ingest(ctx context.Context, data []byte) (Result, error) {
	return s.IngestAs(ctx, "", data)
}

// IngestAs parses, maps and stores one ninjs document sent by source (a
// write token's source; "" for the service's). Returns EINVALID for a
// document that is not ninjs, EUNPROCESSABLE for one that cannot be
// placed on the site, and the lifecycle's refusals (dateline.ReceiveWire):
// EFORBIDDEN for a story of another source or of the newsroom, ECONFLICT
// for a version that would revive a withdrawn story or embargo a public
// one.
func (s *Service) IngestAs(ctx context.Context, source string, data []byte) (Result, error) {
	r, err := s.ingestAs(ctx, source, data)
	switch {
	case err == nil:
		s.Metrics.Ingest(s.source(source), r.Outcome)
	case dateline.ErrorCode(err) != dateline.EINTERNAL:
		s.Metrics.Ingest(s.source(source), "refused")
	default:
		s.Metrics.Ingest(s.source(source), "error")
	}
	return r, err
}

func (s *Service) ingestAs(ctx context.Context, source string, data []byte) (Result, error) {
	sections, err := s.Store.Sections(ctx)
	if err != nil {
		return Result{}, err
	}
	a, matched, err := s.MapDocument(data, sections)
	if err != nil {
		return Result{}, err
	}
	a.Source = s.source(source)
	rs, err := s.Store.UpsertArticles(ctx, []*dateline.Article{a}, s.now())
	if err != nil {
		return Result{}, err
	}
	if rs[0].Refused != nil {
		return Result{}, rs[0].Refused
	}
	r := result(a, rs[0], matched)
	if rs[0].Changed && s.Changed != nil {
		s.Changed()
	}
	return r, nil
}

func result(a *dateline.Article, u dateline.UpsertResult, matched bool) Result {
	r := Result{ID: u.ID, URI: a.URI, Status: u.Status, Section: a.Section, SectionMatched: matched}
	switch {
	case u.Created:
		r.Outcome, r.Version = Created, 1
		r.Message = "The item was stored as a new article."
	case u.Changed:
		r.Outcome, r.Version = Updated, a.Version
		r.Message = "The article was updated in place."
	default:
		r.Outcome = Unchanged
		r.Message = "The stored version is as new or newer (by version, then versioncreated), or the story is withdrawn already; nothing changed."
	}
	if !matched {
		r.Message += " No genre or subject matched a section, so it was placed in " + a.Section + "."
	}
	return r
}

// MapDocument parses one ninjs document and maps it to an article.
func (s *Service) MapDocument(data []byte, sections []dateline.Section) (*dateline.Article, bool, error) {
	it, err := ninjs.Parse(data)
	if err != nil {
		if e, ok := err.(*ninjs.Error); ok {
			return nil, false, dateline.Errorf(dateline.EINVALID, "%s", e.Message)
		}
		return nil, false, err
	}
	return s.Map(it, sections)
}

// Map turns a ninjs item into an article; the mapping is written down in
// the README ("How ninjs maps to articles"). It reports whether the
// section came from the item rather than from the fallback.
func (s *Service) Map(it *ninjs.Item, sections []dateline.Section) (*dateline.Article, bool, error) {
	now := s.now()
	if it.VersionCreated == nil {
		return nil, false, dateline.Errorf(dateline.EUNPROCESSABLE, "versioncreated is required, so that versions of an item can be ordered.")
	}
	if len(it.URI) > 1000 {
		return nil, false, dateline.Errorf(dateline.EUNPROCESSABLE, "The uri is longer than 1000 characters.")
	}
	if it.URI != Clean(it.URI) || strings.TrimSpace(it.URI) == "" {
		return nil, false, dateline.Errorf(dateline.EUNPROCESSABLE, "The uri is empty or holds a NUL byte.")
	}
	a := &dateline.Article{
		URI:      it.URI,
		Lang:     language(it.Language),
		Headline: headline(it),
		Lead:     lead(it),
		Byline:   PlainText(it.By),
		Place:    place(it),
		Urgency:  urgency(it.Urgency),
		// Versions are ordered by the sender's own clock, to the
		// millisecond; the times readers see are clamped below.
		SourceVersion: it.VersionCreated.UTC().Truncate(time.Millisecond),
	}
	if it.Version != "" {
		v, err := dateline.ParseVersion(string(it.Version))
		if err != nil {
			return nil, false, err
		}
		a.WireVersion = v
	}
	if a.Headline == "" {
		return nil, false, dateline.Errorf(dateline.EUNPROCESSABLE, "The item has no headline.")
	}
	if len(a.Headline) > 1000 {
		return nil, false, dateline.Errorf(dateline.EUNPROCESSABLE, "The headline is longer than 1000 characters.")
	}
	a.Breaking = a.Urgency == 1
	a.Commercial = ninjs.Commercial(it)
	a.Pages = body(it)

	// An item is matched against the sections of its language's edition;
	// a Russian item the Russian sections do not claim goes to the first
	// of them, so its page is in its own edition.
	edition := dateline.EditionOf(a.Lang)
	var own []dateline.Section
	for _, sec := range sections {
		if dateline.EditionOf(sec.Lang) == edition {
			own = append(own, sec)
		}
	}
	section, matched := matchSection(it, own)
	if !matched && edition != dateline.LangMain && len(own) > 0 {
		section = own[0].Slug
	} else if !matched {
		if s.FallbackSection == "" {
			return nil, false, dateline.Errorf(dateline.EUNPROCESSABLE,
				"No genre or subject of the item matches a section's codes, and no fallback section is set.")
		}
		section = s.FallbackSection
	}
	a.Section = section

	// Times are clamped to now: a clock running ahead at the sender must
	// not date a story in the future.
	first := clamp(it.VersionCreated, now)
	if it.FirstCreated != nil {
		first = clamp(it.FirstCreated, now)
	}
	a.PublishedAt = first
	a.UpdatedAt = clamp(it.VersionCreated, now)
	// The lifecycle (embargo held across versions, kills, withheld) is
	// settled by dateline.ReceiveWire against the stored story; here the
	// version says only what it is.
	switch it.PubStatus {
	case "canceled":
		a.Status = dateline.StatusWithdrawn
		a.WithdrawNote = killReason(it, a.Pages)
	case "withheld":
		a.Status = dateline.StatusWithheld
	default:
		a.Status = dateline.StatusPublished
	}
	if it.Embargoed != nil {
		a.EmbargoUntil = ceilMilli(it.Embargoed.UTC())
	}
	if note := oneLine(PlainText(it.EdNote)); note != "" && a.Status != dateline.StatusWithdrawn {
		if text, ok := Correction(note); ok {
			a.Corrections = []dateline.Correction{{At: a.UpdatedAt, Text: text}}
		} else {
			a.Advisory = truncateRunes(note, maxAdvisory)
		}
	}

	for _, c := range it.Subjects {
		if c.Name != "" && !matchesAny(c, sections, section) {
			a.Topics = append(a.Topics, dateline.Topic{Name: PlainText(c.Name)})
		}
	}
	for _, c := range it.People {
		if n := PlainText(c.Name); n != "" {
			a.Persons = append(a.Persons, dateline.Person{Name: n})
		}
	}
	for _, as := range it.Associations {
		switch {
		case as.Type == "picture" && a.Photo == nil:
			a.Photo = photo(&as)
		case as.Type == "text" && as.URI != "" && as.URI != it.URI && as.URI == Clean(as.URI) && len(as.URI) <= 1000:
			a.ReadAlso = append(a.ReadAlso, dateline.ArticleRef{URI: as.URI})
		}
	}
	return a, matched, nil
}

// maxAdvisory and maxNote bound the advisory line and a correction or
// kill reason, in characters.
const (
	maxAdvisory = 300
	maxNote     = 1000
)

// ceilMilli rounds t up to the millisecond: an embargo is never early.
func ceilMilli(t time.Time) time.Time {
	if r := t.Truncate(time.Millisecond); !r.Equal(t) {
		return r.Add(time.Millisecond)
	}
	return t
}

// Correction reads an editorial note that marks a version a correction:
// one that starts with CORRECTION, CORRECTED or CORRECTS (any case) as a
// word. It returns the public correction text: the note without a
// leading "CORRECTION" or "CORRECTED" and the colon, full stop or dash
// after it ("CORRECTS" is kept, since it starts a sentence: "Corrects the
// minister's name.").
func Correction(note string) (string, bool) {
	note = strings.TrimSpace(note)
	for _, marker := range []string{"CORRECTION", "CORRECTED", "CORRECTS"} {
		if len(note) < len(marker) || !strings.EqualFold(note[:len(marker)], marker) {
			continue
		}
		rest := note[len(marker):]
		if rest != "" {
			r := []rune(rest)[0]
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				continue // "Correctness", not a marker
			}
		}
		text := strings.TrimSpace(strings.TrimLeft(rest, " :.-–—"))
		switch {
		case text == "":
			text = "The story was corrected."
		case marker == "CORRECTS":
			text = "Corrects " + text
		}
		return truncateRunes(upperFirst(text), maxNote), true
	}
	return "", false
}

// killReason is what a kill says of itself: its editorial note, else the
// first paragraph of its body.
func killReason(it *ninjs.Item, pages []string) string {
	if note := oneLine(PlainText(it.EdNote)); note != "" {
		return truncateRunes(note, maxNote)
	}
	if len(pages) > 0 {
		first := pages[0]
		if end := strings.Index(first, "</p>"); end >= 0 {
			first = first[:end]
		}
		return truncateRunes(oneLine(PlainText(first)), maxNote)
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func upperFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func clamp(t *time.Time, now time.Time) time.Time {
	if t.After(now) {
		return now
	}
	return t.UTC()
}

// language keeps the primary subtag of a BCP 47 tag: "nb-NO" is "nb".
func language(tag string) string {
	tag, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(Clean(tag))), "-")
	if tag == "" || len(tag) > 8 {
		return "en"
	}
	return tag
}

func headline(it *ninjs.Item) string {
	for _, h := range it.Headlines {
		if h.Role == "main" {
			return PlainText(h.Value)
		}
	}
	if len(it.Headlines) > 0 {
		return PlainText(it.Headlines[0].Value)
	}
	return PlainText(it.Slugline)
}

func lead(it *ninjs.Item) string {
	for _, role := range []string{"summary", "lead", "text", "description", ""} {
		for _, d := range it.Descriptions {
			if role == "" || d.Role == role {
				return PlainText(d.Value)
			}
		}
	}
	return ""
}

// body prefers an HTML body (but not one marked as rich or as a proprietary
// XML) and falls back to plain text.
func body(it *ninjs.Item) []string {
	for _, b := range it.Bodies {
		if strings.HasPrefix(b.ContentType, "text/html") || strings.HasPrefix(b.ContentType, "application/xhtml") ||
			(b.ContentType == "" && strings.Contains(b.Role, "html")) {
			if !strings.HasPrefix(b.Role, "rich") {
				return Pages(b.Value)
			}
		}
	}
	for _, b := range it.Bodies {
		if strings.HasPrefix(b.Role, "rich") && strings.HasPrefix(b.ContentType, "text/html") {
			return Pages(b.Value)
		}
	}
	for _, b := range it.Bodies {
		if b.ContentType == "" || strings.HasPrefix(b.ContentType, "text/plain") {
			return Pages(TextToHTML(b.Value))
		}
	}
	return nil
}

func place(it *ninjs.Item) string {
	if p := PlainText(it.Located); p != "" {
		return p
	}
	for _, p := range it.Places {
		if n := PlainText(p.Name); n != "" {
			return n
		}
	}
	return ""
}

// urgency keeps IPTC urgency (1 highest, 9 lowest); missing means 5.
func urgency(u *float64) int {
	if u == nil || math.IsNaN(*u) {
		return 5
	}
	return int(min(9, max(1, math.Round(*u))))
}

func codes(c ninjs.Concept) []string {
	return []string{c.Literal, c.Code, c.QCode, c.URI}
}

// matchSection returns the section of the first genre or subject whose
// literal, code, qcode or uri is one of a section's codes.
func matchSection(it *ninjs.Item, sections []dateline.Section) (string, bool) {
	for _, list := range [][]ninjs.Concept{it.Genres, it.Subjects} {
		for _, c := range list {
			if slug := sectionOf(c, sections); slug != "" {
				return slug, true
			}
		}
	}
	return "", false
}

func sectionOf(c ninjs.Concept, sections []dateline.Section) string {
	for _, code := range codes(c) {
		if code == "" {
			continue
		}
		for _, s := range sections {
			for _, sc := range s.Codes {
				if strings.EqualFold(sc, code) {
					return s.Slug
				}
			}
		}
	}
	return ""
}

// matchesAny reports whether c is the concept that chose the section, so
// that it is not also made a topic.
func matchesAny(c ninjs.Concept, sections []dateline.Section, section string) bool {
	return sectionOf(c, sections) == section
}

// photo picks the widest rendition up to 2048 pixels that is served over
// https, with the caption and credit of the picture.
func photo(as *ninjs.Association) *dateline.Photo {
	p := &dateline.Photo{URI: Clean(as.URI), Credit: PlainText(as.By)}
	if p.Credit == "" {
		p.Credit = PlainText(as.CopyrightHolder)
	}
	for _, d := range as.Descriptions {
		p.Caption = PlainText(d.Value)
		break
	}
	if p.Caption == "" {
		p.Caption = headline(&as.Item)
	}
	p.Alt = p.Caption
	for _, r := range as.Renditions {
		if !strings.HasPrefix(r.Href, "https://") || r.Width > 2048 || r.Href != Clean(r.Href) {
			continue
		}
		if int(r.Width) > p.Width || p.Remote == "" {
			p.Remote, p.Width, p.Height = r.Href, int(r.Width), int(r.Height)
		}
	}
	return p
}
