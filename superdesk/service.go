package superdesk

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"dateline"
	"dateline/ingest"
	"dateline/media"
)

// Store is what the receiver needs of the storage; every dateline.Store
// is one.
type Store interface {
	Sections(ctx context.Context) ([]dateline.Section, error)
	UpsertArticles(ctx context.Context, as []*dateline.Article, now time.Time) ([]dateline.UpsertResult, error)
	ArticleByURI(ctx context.Context, uri string) (*dateline.Article, error)
	Sources(ctx context.Context) ([]dateline.Source, error)
	LinkSuperdesk(ctx context.Context, guid, evolvedfrom, uri string, now time.Time) (dateline.SuperdeskLink, error)
	SetSuperdeskVersion(ctx context.Context, guid, version string, killed bool) error
	PutSuperdeskAsset(ctx context.Context, a *dateline.SuperdeskAsset) error
	SuperdeskAsset(ctx context.Context, mediaID string) (*dateline.SuperdeskAsset, error)
	SetSuperdeskAssetPhoto(ctx context.Context, mediaID string, p *dateline.Photo) error
	PruneSuperdeskAssets(ctx context.Context, before time.Time, limit int) (int, []string, error)
}

// Service receives Superdesk's items and binaries.
type Service struct {
	Store Store
	// Media keeps the uploaded binaries and the photos made of them.
	Media dateline.Media
	// Ingest maps the items (sections, fallback section, times); its
	// Store is not used.
	Ingest *ingest.Service
	// Now returns the current time; tests set it.
	Now func() time.Time
	// Changed is called after a story changed.
	Changed func()
	// Fetch, when set, fetches a picture whose binary was never uploaded
	// from its rendition's href (see fetch): a client that keeps off
	// private addresses (netguard). Nil leaves such pictures out.
	Fetch *http.Client
	// Log tells of pictures left out; nil: slog's default.
	Log *slog.Logger

	// one item at a time on this node: the versions of one chain are
	// compared and stored in two steps (LinkSuperdesk, UpsertArticles).
	turn chan struct{}
}

// Outcomes of an item, besides ingest's created, updated and unchanged.
const (
	Ignored = "ignored"
	Killed  = "killed"
)

// Result says what receiving one item did.
type Result struct {
	Status  string `json:"status"` // "OK", as Superdesk Publisher answers
	GUID    string `json:"guid"`
	URI     string `json:"uri,omitempty"`
	ID      int64  `json:"id,omitempty"`
	Section string `json:"section,omitempty"` // with id, the story's address: /{section}/{id}
	Outcome string `json:"result"`
	Message string `json:"message"`
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Authenticate checks the signature of body against the enabled
// Superdesk sources (Verify) and returns the one that signed it.
func (s *Service) Authenticate(ctx context.Context, body []byte, header string) (*dateline.Source, error) {
	srcs, err := s.Store.Sources(ctx)
	if err != nil {
		return nil, err
	}
	return Verify(body, header, srcs)
}

// MaxMediaID bounds a media id, in bytes.
const MaxMediaID = 500

// CheckMediaID returns EINVALID for a media id that cannot be one.
func CheckMediaID(id string) error {
	if id == "" || len(id) > MaxMediaID || id != ingest.Clean(id) || strings.ContainsAny(id, "\r\n") {
		return dateline.Errorf(dateline.EINVALID, "A media id is one line of 1 to %d bytes.", MaxMediaID)
	}
	return nil
}

// Upload keeps a binary under its media id. The bytes are kept as they
// came, at a path named by their SHA-256 (which nobody can guess without
// the bytes), until an item uses them: then a photo is made of them.
// Returns EINVALID for a bad media id or an empty file, and EUNAVAILABLE
// when the media store does not answer.
func (s *Service) Upload(ctx context.Context, mediaID, mimeType string, data []byte) error {
	if err := CheckMediaID(mediaID); err != nil {
		return err
	}
	if len(data) == 0 {
		return dateline.Errorf(dateline.EINVALID, "The file is empty.")
	}
	if s.Media == nil {
		return dateline.Errorf(dateline.EUNPROCESSABLE, "This site has no media store configured.")
	}
	sum := sha256.Sum256(data)
	path := "superdesk/in/" + hex.EncodeToString(sum[:16])
	if err := s.Media.Put(ctx, path, bytes.NewReader(data)); err != nil {
		return err
	}
	if len(mimeType) > 200 {
		mimeType = ""
	}
	return s.Store.PutSuperdeskAsset(ctx, &dateline.SuperdeskAsset{MediaID: mediaID, Path: path, Size: int64(len(data)),
		MimeType: ingest.Clean(mimeType), CreatedAt: s.now()})
}

// Stored reports whether the binary with the media id is stored whole.
func (s *Service) Stored(ctx context.Context, mediaID string) (bool, error) {
	if CheckMediaID(mediaID) != nil {
		return false, nil
	}
	a, err := s.Store.SuperdeskAsset(ctx, mediaID)
	if dateline.ErrorCode(err) == dateline.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if s.Media == nil {
		return false, nil
	}
	return s.Media.Exists(ctx, a.Path)
}

// Receive stores one item sent by src. Versions of one guid are ordered
// by their version number: one not newer than the last applied is
// ignored. A chain of rewrites (evolvedfrom) is one article, at the
// address of the first guid of it that arrived, ordered by versioncreated;
// once a rewrite of a guid is known, that guid's versions no longer change
// it. A canceled version kills the chain's article (or, before it
// exists, keeps it from ever appearing). Items other than text and
// composite are ignored. Returns EINVALID or EUNPROCESSABLE for an item
// that cannot be stored, the lifecycle's refusals (EFORBIDDEN, ECONFLICT:
// dateline.ReceiveWire) and EUNAVAILABLE when busy.
func (s *Service) Receive(ctx context.Context, src *dateline.Source, body []byte) (Result, error) {
	r, err := s.receive(ctx, src, body)
	if s.Ingest != nil {
		// Counted with the ingest API's items, by source and outcome.
		switch {
		case err == nil:
			s.Ingest.Metrics.Ingest(src.Name, r.Outcome)
		case dateline.ErrorCode(err) != dateline.EINTERNAL:
			s.Ingest.Metrics.Ingest(src.Name, "refused")
		default:
			s.Ingest.Metrics.Ingest(src.Name, "error")
		}
	}
	return r, err
}

func (s *Service) receive(ctx context.Context, src *dateline.Source, body []byte) (Result, error) {
	it, err := Parse(body)
	if err != nil {
		return Result{}, err
	}
	r := Result{Status: "OK", GUID: it.GUID}
	if it.Type != "text" && it.Type != "composite" {
		r.Outcome, r.Message = Ignored, fmt.Sprintf("Items of type %q are not published as articles; pictures are kept when an article uses them.", truncate(it.Type, 40))
		return r, nil
	}
	if err := s.wait(ctx); err != nil {
		return Result{}, err
	}
	defer func() { <-s.turn }()
	now := s.now()
	link, err := s.Store.LinkSuperdesk(ctx, it.GUID, it.EvolvedFrom, it.GUID, now)
	if err != nil {
		return Result{}, err
	}
	r.URI = link.URI
	if link.Merged != "" {
		if err := s.merge(ctx, link, now); err != nil {
			return Result{}, err
		}
	}
	switch {
	case link.Killed:
		r.Outcome, r.Message = Ignored, "The story was killed already; nothing changed."
		return r, nil
	case it.Canceled():
		return s.kill(ctx, it, link, r, now)
	case link.Version != "" && (it.Version == "" || dateline.CompareVersions(string(it.Version), link.Version) <= 0):
		r.Outcome, r.Message = Ignored, "Version "+link.Version+" of this guid or a newer one was received already; nothing changed."
		return r, nil
	case link.Rewritten:
		r.Outcome, r.Message = Ignored, "A rewrite of this story (evolvedfrom) was received already and the article shows it; nothing changed."
		return r, s.Store.SetSuperdeskVersion(ctx, it.GUID, string(it.Version), false)
	}
	sections, err := s.Store.Sections(ctx)
	if err != nil {
		return Result{}, err
	}
	bodyHTML := ReplaceEmbeds(it.BodyHTML, func(key string) string {
		if err != nil {
			return ""
		}
		var fig string
		fig, err = s.figure(ctx, it.Associations[key], now)
		return fig
	})
	if err != nil {
		return Result{}, err
	}
	a, _, err := s.Ingest.Map(it.Ninjs(link.URI, bodyHTML), sections)
	if err != nil {
		return Result{}, err
	}
	if pic, ok := PictureOf(it.Associations["featuremedia"]); ok {
		if a.Photo, err = s.photo(ctx, pic, now); err != nil {
			return Result{}, err
		}
	}
	a.Source = src.Name
	if it.Version != "" {
		// This version is newer than its guid's last and its guid is the
		// newest of the chain: it wins, even over an older guid's
		// version stamped later (a correction of the original made while
		// the update was written).
		if err := s.after(ctx, a); err != nil {
			return Result{}, err
		}
	}
	out, err := s.store(ctx, a, now)
	if err != nil {
		return Result{}, err
	}
	if err := s.Store.SetSuperdeskVersion(ctx, it.GUID, string(it.Version), false); err != nil {
		return Result{}, err
	}
	r.ID, r.Section, r.Outcome, r.Message = out.ID, a.Section, out.Outcome, out.Message
	return r, nil
}

// wait takes this node's turn to store an item, or gives up with
// EUNAVAILABLE when ctx ends first (Superdesk sends again).
func (s *Service) wait(ctx context.Context) error {
	select {
	case s.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return dateline.Errorf(dateline.EUNAVAILABLE, "Another item is being stored; try again shortly.")
	}
}

// New returns a service; its fields may be set before the first call.
func New(store Store, m dateline.Media, in *ingest.Service) *Service {
	return &Service{Store: store, Media: m, Ingest: in, turn: make(chan struct{}, 1)}
}

func (s *Service) store(ctx context.Context, a *dateline.Article, now time.Time) (ingest.Result, error) {
	rs, err := s.Store.UpsertArticles(ctx, []*dateline.Article{a}, now)
	if err != nil {
		return ingest.Result{}, err
	}
	if rs[0].Refused != nil {
		return ingest.Result{}, rs[0].Refused
	}
	if rs[0].Changed && s.Changed != nil {
		s.Changed()
	}
	out := ingest.Result{ID: rs[0].ID}
	switch {
	case rs[0].Created:
		out.Outcome, out.Message = ingest.Created, "The item was stored as a new article."
	case rs[0].Changed:
		out.Outcome, out.Message = ingest.Updated, "The article was updated in place."
	default:
		out.Outcome, out.Message = ingest.Unchanged, "The article shows a version as new or newer (by versioncreated); nothing changed."
	}
	return out, nil
}

// kill withdraws the chain's article (withdraw), or, before it exists,
// marks the chain so that it never appears.
func (s *Service) kill(ctx context.Context, it *Item, link dateline.SuperdeskLink, r Result, now time.Time) (Result, error) {
	var created time.Time
	if it.VersionCreated != nil {
		created = it.VersionCreated.Time
	}
	out, err := s.withdraw(ctx, link.URI, created, now)
	switch {
	case dateline.ErrorCode(err) == dateline.ENOTFOUND:
		r.Outcome, r.Message = Killed, "The story was never published here; it never will be."
		return r, s.Store.SetSuperdeskVersion(ctx, it.GUID, string(it.Version), true)
	case err != nil:
		return Result{}, err
	}
	if err := s.Store.SetSuperdeskVersion(ctx, it.GUID, string(it.Version), true); err != nil {
		return Result{}, err
	}
	r.ID, r.Outcome, r.Message = out.ID, Killed, "The article was withdrawn: its address answers 410."
	if a, err := s.Store.ArticleByURI(ctx, link.URI); err == nil {
		r.Section = a.Section
	}
	return r, nil
}

// merge makes one article of a chain that was two until its middle guid
// arrived: the words of the newer part (its article, link.Merged) go to
// the older part's (link.URI) when newer by versioncreated, and the newer
// part's article is withdrawn: its address answers 410 from now on. When
// either part was killed, the joined article is withdrawn too.
func (s *Service) merge(ctx context.Context, link dateline.SuperdeskLink, now time.Time) error {
	m, err := s.Store.ArticleByURI(ctx, link.Merged)
	switch {
	case dateline.ErrorCode(err) == dateline.ENOTFOUND:
	case err != nil:
		return err
	default:
		moved := *m
		moved.ID, moved.URI, moved.Version, moved.WithdrawNote = 0, link.URI, 0, ""
		if err := s.after(ctx, &moved); err != nil { // the newer part wins
			return err
		}
		if _, err := s.store(ctx, &moved, now); err != nil && !dateline.WireRefusal(err) {
			return err
		}
		if _, err := s.withdraw(ctx, link.Merged, time.Time{}, now); err != nil {
			return err
		}
	}
	if link.Killed {
		_, err = s.withdraw(ctx, link.URI, time.Time{}, now)
	}
	return err
}

// after orders a after the version stored at its URI: the sender's
// versioncreated when later, else a millisecond after the stored one, so
// that ReceiveWire applies it.
func (s *Service) after(ctx context.Context, a *dateline.Article) error {
	old, err := s.Store.ArticleByURI(ctx, a.URI)
	switch {
	case dateline.ErrorCode(err) == dateline.ENOTFOUND:
		return nil
	case err != nil:
		return err
	}
	if !a.SourceVersion.After(old.SourceVersion) {
		a.SourceVersion = old.SourceVersion.Add(time.Millisecond)
	}
	return nil
}

// withdraw withdraws the article with the uri, keeping its words and
// dropping any notice: a kill's own words are addressed to editors, not
// readers. It returns ENOTFOUND when there is no article; one withdrawn
// already is left alone.
func (s *Service) withdraw(ctx context.Context, uri string, versionCreated, now time.Time) (ingest.Result, error) {
	stored, err := s.Store.ArticleByURI(ctx, uri)
	if err != nil {
		return ingest.Result{}, err
	}
	if stored.Status == dateline.StatusWithdrawn {
		return ingest.Result{ID: stored.ID, Outcome: ingest.Unchanged}, nil
	}
	a := *stored
	a.Status, a.WithdrawNote, a.WireVersion, a.Corrections = dateline.StatusWithdrawn, "", "", nil
	a.SourceVersion = versionCreated.Truncate(time.Millisecond)
	if a.SourceVersion.After(now) || a.SourceVersion.IsZero() {
		a.SourceVersion = now.Truncate(time.Millisecond)
	}
	a.UpdatedAt = now
	out, err := s.store(ctx, &a, now)
	if dateline.WireRefusal(err) {
		return ingest.Result{ID: stored.ID, Outcome: ingest.Unchanged}, nil
	}
	return out, err
}

// photo returns the photo made of the first of the picture's renditions
// that was uploaded and is an image dateline takes; when none was
// uploaded, of the first that fetches (fetched); else nil: the story is
// shown without it, never with the sender's href.
func (s *Service) photo(ctx context.Context, pic Picture, now time.Time) (*dateline.Photo, error) {
	if s.Media == nil {
		return nil, nil
	}
	p, err := s.uploaded(ctx, pic, now)
	if p != nil || err != nil || s.Fetch == nil {
		return p, err
	}
	return s.fetched(ctx, pic, now)
}

// uploaded is photo from the uploaded binaries only.
func (s *Service) uploaded(ctx context.Context, pic Picture, now time.Time) (*dateline.Photo, error) {
	for _, id := range pic.Media {
		a, err := s.Store.SuperdeskAsset(ctx, id)
		if dateline.ErrorCode(err) == dateline.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		p := a.Photo
		if p == nil {
			if p, err = s.prepare(ctx, a, now); err != nil {
				switch dateline.ErrorCode(err) {
				case dateline.EINVALID, dateline.EUNPROCESSABLE, dateline.ETOOLARGE, dateline.ENOTFOUND:
					continue // not an image we take: the next rendition
				}
				return nil, err
			}
		}
		p.URI = "urn:superdesk:media:" + id
		p.Caption, p.Credit, p.Alt = cut(pic.Caption, 1000), cut(pic.Credit, 200), cut(pic.Alt, 1000)
		return p, nil
	}
	return nil, nil
}

func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// prepare makes the photo and its renditions of an uploaded binary
// (media.Prepare: checked, decoded, metadata dropped) and keeps it with
// the upload, so the next version that shows it does no work.
func (s *Service) prepare(ctx context.Context, a *dateline.SuperdeskAsset, now time.Time) (*dateline.Photo, error) {
	f, err := s.Media.Get(ctx, a.Path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := media.Prepare(ctx, s.Media, "superdesk/"+now.Format("2006/01"), f, media.DefaultLimits)
	if err != nil {
		return nil, err
	}
	if err := s.Store.SetSuperdeskAssetPhoto(ctx, a.MediaID, p); err != nil {
		return nil, err
	}
	return p, nil
}

// figure is the inline photo an embed of the body stands for, with the
// photo in the site's own store; "" when the embed is not a picture or
// none of its binaries was uploaded.
func (s *Service) figure(ctx context.Context, as *Item, now time.Time) (string, error) {
	pic, ok := PictureOf(as)
	if !ok {
		return "", nil
	}
	p, err := s.photo(ctx, pic, now)
	if err != nil || p == nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(`<figure class="inline-photo">` + media.InlineImage(p, p.Alt))
	if p.Caption != "" || p.Credit != "" {
		b.WriteString("<figcaption>" + html.EscapeString(p.Caption))
		if p.Caption != "" && p.Credit != "" {
			b.WriteString(" ")
		}
		if p.Credit != "" {
			b.WriteString(`<span class="credit">Photo: ` + html.EscapeString(p.Credit) + `</span>`)
		}
		b.WriteString("</figcaption>")
	}
	b.WriteString("</figure>")
	return b.String(), nil
}
