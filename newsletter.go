package dateline

import (
	"context"
	"time"
)

// Newsletters: readers' email subscriptions (breaking alerts of an
// edition, daily digests, follows of a topic or person), confirmed by a
// link before anything is sent (double opt-in). Package newsletter makes
// the messages and queues them in the outbox (Mails).

// NewsList is one list a reader asked for. ListID is "breaking:EDITION",
// "digest:EDITION", "topic:SLUG" or "person:SLUG".
type NewsList struct {
	ListID    string
	Sections  []string // a digest's sections (slugs); none for the whole edition
	Hour      int      // a digest's local hour, 0-23
	Confirmed time.Time
	CreatedAt time.Time
	// Stopped is set by NewsSubscriber when the address unsubscribed
	// from the list in one click (the suppression list).
	Stopped bool
}

// NewsSubscriber is an address and its lists. The address is kept as
// typed and in lower case, with the language of its messages and its
// time zone (an IANA name); nothing else.
type NewsSubscriber struct {
	ID        int64
	Address   string
	Lang      string
	Zone      string
	CreatedAt time.Time
	Lists     []NewsList
}

// NewsRecipient is a confirmed subscription, for the alerter and the
// digest.
type NewsRecipient struct {
	Address string
	Lang    string
	Zone    string
	NewsList
}

// NewsPlan is what the alerter returns for a batch of events: the
// messages to queue, and the dedupe key prefixes whose pending messages
// are to be dropped (a story killed before its alert went out).
type NewsPlan struct {
	Mail   []OutMail
	Cancel []string
}

// NewsFanOut decides the messages of a batch of events; recipients lists
// the confirmed subscriptions of a list.
type NewsFanOut func(ctx context.Context, events []Event, recipients func(listID string) ([]NewsRecipient, error)) (NewsPlan, error)

// Newsletters is the storage of readers' subscriptions. Every engine
// implements it.
type Newsletters interface {
	// Subscribe records the address (its spelling, language and zone,
	// when given, replace the old ones) and adds its lists, unconfirmed; a list it has already
	// takes the new sections and hour and keeps its confirmation.
	// Returns EINVALID for an empty address or no list.
	Subscribe(ctx context.Context, s *NewsSubscriber, now time.Time) error
	// ConfirmNews confirms every list of the address not yet confirmed
	// (lifting their one-click unsubscribes: the reader asked again) and
	// returns how many. ENOTFOUND when the address is unknown.
	ConfirmNews(ctx context.Context, address string, now time.Time) (int, error)
	// NewsSubscriber returns the address and all its lists; ENOTFOUND.
	NewsSubscriber(ctx context.Context, address string) (*NewsSubscriber, error)
	// Unfollow removes one list of the address (none: no error).
	Unfollow(ctx context.Context, address, listID string) error
	// DeleteNewsSubscriber forgets the address: its lists and the
	// outbox's messages to it. ENOTFOUND when it is unknown.
	DeleteNewsSubscriber(ctx context.Context, address string) error
	// NewsRecipients lists the confirmed subscriptions of the lists that
	// start with prefix ("digest:"), by address, leaving out the lists an
	// address unsubscribed from (the suppression list).
	NewsRecipients(ctx context.Context, prefix string) ([]NewsRecipient, error)
	// FanOutNews reads up to limit events after the alerter's cursor,
	// asks plan what to send, queues it and moves the cursor in one
	// transaction, on one node at a time (0 at once when another node
	// holds the cursor). It returns how many events it read.
	FanOutNews(ctx context.Context, limit int, now time.Time, plan NewsFanOut) (int, error)
}
