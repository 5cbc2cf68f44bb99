package dateline

import (
	"context"
	"time"
)

// Email: messages to readers (alerts, newsletters, invitations) wait in an
// outbox in the database until a node's sender (package mail) hands them
// to the SMTP server. A suppression list keeps the addresses that
// unsubscribed from a list; the outbox never sends them that list's
// messages.

// Outbox statuses.
const (
	MailPending    = "pending"    // to send, or being sent
	MailSent       = "sent"       // accepted by the SMTP server
	MailFailed     = "failed"     // refused for good (5xx), or retried for a day
	MailSuppressed = "suppressed" // its address unsubscribed from its list
)

// OutMail is one message in the outbox.
type OutMail struct {
	ID int64
	// DedupeKey is unique in the outbox: a second message with the same
	// key is not queued (such as "alert:STORY:ADDRESS", so a reader never
	// gets the same story twice).
	DedupeKey string
	ListID    string // the list it belongs to, such as "breaking"; "" for none (no unsubscribe)
	Lang      string // the language of its unsubscribe page: "en" or "ru"
	To        string // the address
	Subject   string
	Text      string // the plain-text body
	HTML      string // the HTML body, "" for text only
	Status    string // MailPending ...
	Attempts  int
	NextAt    time.Time // when it may be tried next (or when the lease of a send ends)
	LastError string    // why the last attempt failed
	CreatedAt time.Time
	SentAt    time.Time
}

// MailResult is the outcome of one attempt at a message.
type MailResult struct {
	ID    int64
	Sent  bool
	Error string // why it failed
	// NextAt is when to try again; the zero time gives up (failed).
	NextAt time.Time
}

// Mails is the storage of the outbox, the suppression list and the key
// that signs unsubscribe links. Every engine implements it; storetest
// checks it.
type Mails interface {
	// EnqueueMail queues m (its ID, Status and CreatedAt are set) and
	// reports whether it was queued: false when a message with the same
	// DedupeKey was queued before, whatever became of it. Returns
	// EINVALID for a message without an address, a key or a body.
	EnqueueMail(ctx context.Context, m *OutMail, now time.Time) (bool, error)
	// ClaimMail takes up to limit messages due at now and leases them
	// until now+lease; each attempt counts. Due messages of a list to an
	// address suppressed from it are marked suppressed instead and counted
	// in suppressed.
	ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) (claimed []OutMail, suppressed int, err error)
	// FinishMail records the outcomes of attempts.
	FinishMail(ctx context.Context, results []MailResult, now time.Time) error
	// MailOutbox lists the messages with the status (MailPending or
	// MailFailed ...), oldest first.
	MailOutbox(ctx context.Context, status string, limit int) ([]OutMail, error)
	// PruneMail deletes the messages sent or suppressed before before and
	// returns how many. Their dedupe keys go with them.
	PruneMail(ctx context.Context, before time.Time) (int, error)
	// Suppress adds the address to the list's suppression list (it is
	// there already: no error). Returns EINVALID for an empty address or
	// list.
	Suppress(ctx context.Context, address, listID string, now time.Time) error
	// Suppressed reports whether the address is on the list's
	// suppression list.
	Suppressed(ctx context.Context, address, listID string) (bool, error)
	// MailKey returns the key that signs unsubscribe links, made on first
	// use and then kept.
	MailKey(ctx context.Context) ([]byte, error)
}
