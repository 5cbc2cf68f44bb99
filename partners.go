package dateline

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Partner feed kinds: which home page block a feed's entries go to.
const (
	PartnerNews  = "partner" // "Partner News"
	PartnerMedia = "media"   // "In other media"
)

// PartnerKeep is how many entries of each feed are kept: its newest.
const PartnerKeep = 20

// PartnerFeed is an outside RSS, Atom or JSON Feed whose entries the home
// page links to, with the state of its fetching.
type PartnerFeed struct {
	ID        int64
	Name      string // the partner's name, shown beside its links
	URL       string // http or https
	Kind      string // PartnerNews or PartnerMedia
	CreatedAt time.Time
	State     PartnerState
	Entries   int // entries kept now (filled by PartnerFeeds)
}

// PartnerState is what the last fetch of a feed did.
type PartnerState struct {
	FetchedAt time.Time // the last attempt; zero before the first
	NextAt    time.Time // when the feed is fetched next
	// Status is "" before the first fetch, "ok" (entries replaced),
	// "unchanged" (304 Not Modified: entries kept) or "error".
	Status   string
	Error    string // for "error": what went wrong, in plain words
	Failures int    // failed fetches in a row
	// ETag and LastModified are the validators of the last good answer,
	// sent back so an unchanged feed answers 304.
	ETag, LastModified string
}

// PartnerEntry is one item of a partner feed.
type PartnerEntry struct {
	ID          int64
	FeedID      int64
	FeedName    string // filled by PartnerEntries
	Title       string
	Link        string // absolute http or https URL
	Summary     string // plain text
	PublishedAt time.Time
}

// Validate checks a feed's name, kind and the form of its URL (whether
// its host may be fetched is the fetcher's business).
func (f *PartnerFeed) Validate() error {
	f.Name = strings.TrimSpace(f.Name)
	f.URL = strings.TrimSpace(f.URL)
	if f.Name == "" || utf8.RuneCountInString(f.Name) > 100 {
		return Errorf(EINVALID, "Give the partner a name of at most 100 characters.")
	}
	if f.Kind != PartnerNews && f.Kind != PartnerMedia {
		return Errorf(EINVALID, "A partner feed goes to “Partner News” (partner) or “In other media” (media), not %q.", f.Kind)
	}
	if len(f.URL) > 2000 {
		return Errorf(EINVALID, "The feed address is longer than 2,000 characters.")
	}
	u, err := url.Parse(f.URL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return Errorf(EINVALID, "The feed address must be a full http:// or https:// URL.")
	}
	if u.User != nil {
		return Errorf(EINVALID, "The feed address may not carry a user name or password.")
	}
	return nil
}

// Partners stores partner feeds and their entries. Both engines implement
// it.
type Partners interface {
	// PartnerFeeds lists every feed by name, with its state and the
	// number of entries kept.
	PartnerFeeds(ctx context.Context) ([]PartnerFeed, error)
	// PartnerFeed returns one feed. Returns ENOTFOUND.
	PartnerFeed(ctx context.Context, id int64) (*PartnerFeed, error)
	// CreatePartnerFeed stores a new feed, due at f.State.NextAt (now
	// when zero). Returns EINVALID (see Validate) and ECONFLICT when its
	// URL is registered already.
	CreatePartnerFeed(ctx context.Context, f *PartnerFeed, now time.Time) error
	// DeletePartnerFeed removes a feed and its entries. Returns ENOTFOUND.
	DeletePartnerFeed(ctx context.Context, id int64) error
	// ClaimPartnerFeeds returns the feeds due by now (NextAt <= now),
	// earliest first, at most limit, and moves their NextAt to now+lease
	// in the same transaction (the feeds returned carry the new NextAt),
	// so that of several nodes only one fetches each.
	ClaimPartnerFeeds(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]PartnerFeed, error)
	// SavePartnerFetch records the outcome of a fetch. When entries is
	// not nil the feed's entries are replaced by the PartnerKeep newest
	// of them; when nil they are kept. Returns ENOTFOUND when the feed
	// was deleted meanwhile.
	SavePartnerFetch(ctx context.Context, id int64, st PartnerState, entries []PartnerEntry) error
	// PartnerEntries returns the newest entries across the feeds of the
	// kind, newest first (then by id), with their feed's name; at most
	// limit, at most 100.
	PartnerEntries(ctx context.Context, kind string, limit int) ([]PartnerEntry, error)
}

// NewestPartnerEntries returns the PartnerKeep newest of entries, newest
// first; of entries published at the same time, the earlier in the feed
// comes first. Engines store what it returns.
func NewestPartnerEntries(entries []PartnerEntry) []PartnerEntry {
	out := slices.Clone(entries)
	slices.SortStableFunc(out, func(a, b PartnerEntry) int { return cmp.Compare(b.PublishedAt.Unix(), a.PublishedAt.Unix()) })
	return out[:min(len(out), PartnerKeep)]
}
