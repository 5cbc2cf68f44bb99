package dateline

import (
	"context"
	"time"
)

// Follow alerts: every node's alerts worker (package alerts) reads the
// event log after a cursor and records, for each story published,
// released or corrected, the client users who follow something it
// matches within their company's products (AlertItem, one per user and
// story, kept after sending so no story reaches a user twice); a flusher
// then queues one email per user in the outbox listing the waiting
// stories, at most one per user per window.

// AlertList is the outbox list of alert emails: a user who unsubscribes
// from it gets no more alerts.
const AlertList = "client-alerts"

// Alert item statuses.
const (
	AlertPending = "pending" // waiting for the user's next email
	AlertSent    = "sent"    // in an email queued in the outbox
	AlertDropped = "dropped" // left out: killed, or no longer the user's to see
)

// AlertItem is a story in a client user's alerts.
type AlertItem struct {
	ID        int64
	UserID    int64
	ArticleID int64
	// Follows are what the story matched: "KIND:VALUE" such as
	// "topic:economy" or "search:oil price".
	Follows   []string
	Status    string
	CreatedAt time.Time
	SentAt    time.Time
}

// AlertPlan decides, for a batch of events, the alert items to record.
type AlertPlan func(ctx context.Context, events []Event) ([]AlertItem, error)

// AlertCompose makes the email of a user's waiting items (oldest first):
// the message and the ids of the items it carries. The items it leaves
// out are dropped; a nil message drops them all.
type AlertCompose func(ctx context.Context, userID int64, items []AlertItem) (*OutMail, []int64, error)

// Alerts is the storage of follow alerts. Every engine implements it;
// storetest checks it.
type Alerts interface {
	// FanOutAlerts reads up to limit events after the alerts' cursor,
	// asks plan what to record, stores the items (a user's second item of
	// the same story is not stored) and moves the cursor, in one
	// transaction, on one node at a time: it returns 0 at once when
	// another node holds the cursor. It returns how many events it read.
	FanOutAlerts(ctx context.Context, limit int, now time.Time, plan AlertPlan) (int, error)
	// FlushAlerts takes up to limit users with pending items whose last
	// alert email was queued before now-window (or never), asks compose
	// for each user's email, queues it in the outbox and marks the items
	// sent or dropped, in one transaction, on one node at a time (the
	// cursor's lock). It returns how many emails it queued.
	FlushAlerts(ctx context.Context, now time.Time, window time.Duration, limit int, compose AlertCompose) (int, error)
	// AlertItems lists the user's items, oldest first (for tests and the
	// portal).
	AlertItems(ctx context.Context, userID int64) ([]AlertItem, error)
	// SetAlertLang keeps the language ("en" or "ru") of the user's alert
	// emails. Returns EINVALID, or ENOTFOUND for an unknown user.
	SetAlertLang(ctx context.Context, userID int64, lang string) error
	// AlertLang is the language kept for the user, "" for none.
	AlertLang(ctx context.Context, userID int64) (string, error)
}
