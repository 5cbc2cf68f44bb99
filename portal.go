package dateline

import (
	"context"
	"slices"
	"strings"
	"time"
)

// The client portal at /wire/: client users' sessions and invitations,
// their bookmarks and follows, and the usage of each client's products.

// ClientSession is a client user's signed-in session in the portal. Only
// the SHA-256 of its cookie is kept, as for staff sessions.
type ClientSession struct {
	ID        int64
	Hash      []byte
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
	User      *ClientUser // filled by ClientSession
}

// Invitation is a one-time link that lets a client user set a password.
// Only the SHA-256 of its secret is kept.
type Invitation struct {
	ID        int64
	Hash      []byte
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// InvitationLife is how long an invitation's link works.
const InvitationLife = 7 * 24 * time.Hour

// InvitationPath is the portal's address of an invitation's secret.
func InvitationPath(secret string) string { return "/wire/invitation/" + secret }

// Follow kinds: a topic or a person (by slug), or a saved search (words).
const (
	FollowTopic  = "topic"
	FollowPerson = "person"
	FollowSearch = "search"
)

// Follow is something a client user follows; an item it matches, within
// the user's client's entitlement, is what an alert will carry.
type Follow struct {
	ID        int64
	UserID    int64
	Kind      string // FollowTopic, FollowPerson or FollowSearch
	Value     string // a slug, or the search's words
	CreatedAt time.Time
}

// Validate cleans and checks the follow. Returns EINVALID.
func (f *Follow) Validate() error {
	f.Value = strings.TrimSpace(f.Value)
	switch f.Kind {
	case FollowTopic, FollowPerson:
		f.Value = strings.ToLower(f.Value)
		if f.Value == "" || len(f.Value) > 200 || Slugify(f.Value) != f.Value {
			return Errorf(EINVALID, "A %s is followed by its slug (lower-case letters, digits and hyphens).", f.Kind)
		}
	case FollowSearch:
		f.Value = strings.Join(strings.Fields(f.Value), " ")
		if !oneLine(f.Value, 200) {
			return Errorf(EINVALID, "A saved search is 1 to 200 characters of words.")
		}
	default:
		return Errorf(EINVALID, "One follows a topic, a person or a search, not %q.", truncateText(f.Kind, 20))
	}
	return nil
}

// Matches reports whether the article matches the follow: it carries the
// topic or person, or every word of the search is in its headline, lead
// or text (case and accents as typed are ignored by lower-casing only;
// the search index's stemming is the portal search's business).
func (f *Follow) Matches(a *Article) bool {
	switch f.Kind {
	case FollowTopic:
		return slices.ContainsFunc(a.Topics, func(t Topic) bool { return t.Slug == f.Value })
	case FollowPerson:
		return slices.ContainsFunc(a.Persons, func(p Person) bool { return p.Slug == f.Value })
	case FollowSearch:
		text := strings.ToLower(a.Headline + " " + a.Lead + " " + strings.Join(a.Pages, " "))
		for _, w := range strings.Fields(strings.ToLower(f.Value)) {
			if !strings.Contains(text, w) {
				return false
			}
		}
		return true
	}
	return false
}

// Usage kinds counted per client, product and day.
const (
	UsageDelivered  = "delivered"   // an item shown in the portal's list or sent in a feed
	UsageDownloaded = "downloaded"  // an item downloaded from the portal
	UsageAPI        = "api"         // a read API request
	UsagePushed     = "pushed"      // a delivery acknowledged by a push destination
	UsagePushFailed = "push-failed" // a delivery given up after a day of failures
)

// Usage is a count of one kind for a client's product on a day (UTC,
// YYYY-MM-DD). ProductID 0 is a use that no one product explains.
type Usage struct {
	ClientID  int64
	ProductID int64
	Day       string
	Kind      string
	Count     int64
}

// Portal is the storage of the portal. Every engine implements it;
// storetest checks it.
type Portal interface {
	// ClientUser returns ENOTFOUND when there is no client user with the id.
	ClientUser(ctx context.Context, id int64) (*ClientUser, error)
	// ClientLoginFailed counts a failed sign-in; at limit failures the
	// user is locked until now+lock and the count starts again. Returns
	// the user, or ENOTFOUND.
	ClientLoginFailed(ctx context.Context, userID int64, now time.Time, limit int, lock time.Duration) (*ClientUser, error)
	// ClientLoginSucceeded clears failures and the lock, unless the user
	// is locked at now (EFORBIDDEN). Returns ENOTFOUND.
	ClientLoginSucceeded(ctx context.Context, userID int64, now time.Time) error
	// SetClientPassword sets the hash, clears the lock and ends every
	// session of the user. Returns ENOTFOUND.
	SetClientPassword(ctx context.Context, userID int64, hash string) error
	// CreateClientSession stores a session. Returns EINVALID or ENOTFOUND.
	CreateClientSession(ctx context.Context, s *ClientSession, now time.Time) error
	// ClientSession returns the live session with the hash and its user.
	// Returns EUNAUTHORIZED when there is none, it ended, or the user is
	// disabled.
	ClientSession(ctx context.Context, hash []byte, now time.Time) (*ClientSession, error)
	// DeleteClientSession ends the session with the hash, if any.
	DeleteClientSession(ctx context.Context, hash []byte) error
	// DeleteExpiredClientSessions removes the sessions that ended by now.
	DeleteExpiredClientSessions(ctx context.Context, now time.Time) error
	// CreateInvitation stores an invitation; the user's earlier ones stop
	// working. Returns EINVALID or ENOTFOUND.
	CreateInvitation(ctx context.Context, inv *Invitation, now time.Time) error
	// Invitation returns the live invitation with the hash. Returns
	// ENOTFOUND when there is none, EGONE when it was used or expired.
	Invitation(ctx context.Context, hash []byte, now time.Time) (*Invitation, error)
	// AcceptInvitation uses the invitation once: it sets the user's
	// password hash and removes the invitation. Returns the user, or
	// ENOTFOUND / EGONE as Invitation.
	AcceptInvitation(ctx context.Context, hash []byte, passwordHash string, now time.Time) (*ClientUser, error)
	// AddBookmark keeps an article for the user (again is no change).
	AddBookmark(ctx context.Context, userID, articleID int64, now time.Time) error
	// RemoveBookmark forgets it, if it was kept.
	RemoveBookmark(ctx context.Context, userID, articleID int64) error
	// Bookmarks are the user's kept articles' ids, newest bookmark first.
	Bookmarks(ctx context.Context, userID int64) ([]int64, error)
	// AddFollow stores a follow (one of each kind and value per user).
	// Returns EINVALID or ECONFLICT.
	AddFollow(ctx context.Context, f *Follow, now time.Time) error
	// DeleteFollow removes the user's follow. Returns ENOTFOUND.
	DeleteFollow(ctx context.Context, userID, id int64) error
	// Follows lists the user's follows, oldest first.
	Follows(ctx context.Context, userID int64) ([]Follow, error)
	// FollowsFor lists the follows that may match an article with these
	// topics and persons: theirs, and every saved search.
	FollowsFor(ctx context.Context, topics, persons []string) ([]Follow, error)
	// AddUsage adds n to each count, made one per client, product, day
	// and kind.
	AddUsage(ctx context.Context, us []Usage) error
	// UsageOf lists a client's counts from day from to day until
	// (inclusive, YYYY-MM-DD), by day, product and kind.
	UsageOf(ctx context.Context, clientID int64, from, until string) ([]Usage, error)
}
