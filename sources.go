package dateline

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// SourceSuperdesk is the kind of a source that publishes by Superdesk's
// HTTP push (package superdesk).
const SourceSuperdesk = "superdesk"

// Source is an editorial system that pushes stories in with a shared
// secret, such as a Superdesk newsroom: it signs what it sends with the
// secret, and the stories it sends belong to it (Article.Source is its
// Name).
type Source struct {
	ID        int64
	Name      string
	Kind      string // SourceSuperdesk
	Secret    string
	CreatedAt time.Time
	Disabled  bool
}

// ValidateSource checks a source before it is stored: a name of one
// line, at most 100 characters, a known kind and a secret of 16 to 1,000
// bytes. Returns EINVALID with a message that says which.
func ValidateSource(s *Source) error {
	s.Name = strings.TrimSpace(s.Name)
	switch {
	case s.Name == "" || utf8.RuneCountInString(s.Name) > 100 || !utf8.ValidString(s.Name) || strings.ContainsAny(s.Name, "\x00\r\n\t"):
		return Errorf(EINVALID, "A source's name is one line of 1 to 100 characters.")
	case s.Kind != SourceSuperdesk:
		return Errorf(EINVALID, "The kind of a source is %q; %q is not known.", SourceSuperdesk, truncateText(s.Kind, 40))
	case len(s.Secret) < 16 || len(s.Secret) > 1000:
		return Errorf(EINVALID, "A source's secret has 16 to 1,000 bytes; this one has %d. Make a long random one, such as the output of: openssl rand -hex 32", len(s.Secret))
	}
	return nil
}

// SuperdeskLink is what the store knows of one Superdesk guid: the
// article its rewrite chain is published as, and how far its versions
// went.
type SuperdeskLink struct {
	// URI is the chain's article: every guid of one chain (linked by
	// evolvedfrom) has the same.
	URI string
	// Version is the newest version of this guid applied, "" for none.
	Version string
	// Rewritten is set when a later guid of the chain (one that evolved
	// from this one) is known: its versions no longer change the article.
	Rewritten bool
	// Killed is set when any guid of the chain was canceled.
	Killed bool
	// Merged is the article of a second part of the chain that this link
	// joined to URI ("" when none): a chain whose middle guid came last
	// was two articles until then.
	Merged string
}

// SuperdeskAsset is a binary Superdesk uploaded before the item that
// uses it, keyed by its media id.
type SuperdeskAsset struct {
	MediaID   string
	Path      string // where the bytes as received are kept in the media store
	Size      int64
	MimeType  string
	Photo     *Photo // the photo prepared from it, nil until an item used it
	CreatedAt time.Time
}

// Sources is the storage of push sources and what Superdesk's HTTP push
// needs kept between requests.
type Sources interface {
	// CreateSource stores a source (ValidateSource). Returns EINVALID, or
	// ECONFLICT when the name is taken.
	CreateSource(ctx context.Context, s *Source, now time.Time) error
	// Sources lists every source by name, secrets included.
	Sources(ctx context.Context) ([]Source, error)
	// DeleteSource removes the source with the name; its stories stay.
	// Returns ENOTFOUND.
	DeleteSource(ctx context.Context, name string) error
	// SetSourceDisabled turns a source off or on. Returns ENOTFOUND.
	SetSourceDisabled(ctx context.Context, name string, disabled bool) error

	// LinkSuperdesk records guid, and evolvedfrom when not "", as guids
	// of one chain, in one transaction, and returns what is known of
	// guid. The chain's article is the one of evolvedfrom when known,
	// else the one of guid, else uri (a new chain). When guid and
	// evolvedfrom were both known with different articles, every guid of
	// guid's article moves to evolvedfrom's, and Merged names the one
	// left behind.
	LinkSuperdesk(ctx context.Context, guid, evolvedfrom, uri string, now time.Time) (SuperdeskLink, error)
	// SetSuperdeskVersion records the newest version of guid applied;
	// killed marks its whole chain canceled.
	SetSuperdeskVersion(ctx context.Context, guid, version string, killed bool) error
	// SuperdeskGUIDs lists the guids whose chain's article is uri.
	SuperdeskGUIDs(ctx context.Context, uri string) ([]string, error)

	// PutSuperdeskAsset records an uploaded binary, replacing what was
	// known of the media id.
	PutSuperdeskAsset(ctx context.Context, a *SuperdeskAsset) error
	// SuperdeskAsset returns ENOTFOUND when the media id was never
	// uploaded.
	SuperdeskAsset(ctx context.Context, mediaID string) (*SuperdeskAsset, error)
	// SetSuperdeskAssetPhoto keeps the photo prepared from the asset.
	SetSuperdeskAssetPhoto(ctx context.Context, mediaID string, p *Photo) error
	// PruneSuperdeskAssets deletes up to limit uploads that no item used
	// (no photo was prepared from them) and that were uploaded before
	// before, in one transaction, and returns how many rows went and the
	// paths of their files that no remaining upload names: the caller
	// removes those from the media store. Each row is deleted by one
	// caller only, across a cluster.
	PruneSuperdeskAssets(ctx context.Context, before time.Time, limit int) (n int, files []string, err error)
}
