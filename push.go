package dateline

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Push delivery: a client's destinations (an address and a secret) receive
// every publish, update, correction, kill and embargo release in its
// products, POSTed as ninjs and signed. What is to be sent is kept in an
// outbox in the database (deliveries), written by one node's fan-out of the
// event log and sent by every node's senders.

// Push events: what a delivery tells its destination.
const (
	PushPublish = "publish" // a story became public
	PushUpdate  = "update"  // a public story changed
	PushCorrect = "correct" // a public story changed with a correction
	PushKill    = "kill"    // a story was withdrawn (or its embargo canceled)
	PushEmbargo = "embargo" // embargoed copy, before its release
	PushRelease = "release" // embargoed copy became public
)

// Delivery statuses.
const (
	DeliveryPending = "pending" // to send, or being sent
	DeliverySent    = "sent"    // acknowledged with a 2xx
	DeliveryFailed  = "failed"  // given up after retrying for a day
)

// PushDestination is an address a client's items are POSTed to. Secret
// signs each body (PushSignature); it is shown once, when made.
type PushDestination struct {
	ID        int64
	ClientID  int64
	URL       string
	Secret    string
	Paused    bool
	CreatedAt time.Time
}

// PushDelivery is one item sent (or to send) to one destination.
type PushDelivery struct {
	ID            int64
	DestinationID int64
	ArticleID     int64
	Event         string // PushPublish ...
	Version       int    // the story's version when the delivery was made
	Status        string // DeliveryPending ...
	Attempts      int
	NextAt        time.Time // when it may be tried next (or when the lease of a send ends)
	LastStatus    int       // the HTTP status of the last attempt, 0 for none
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
	// Filled by ClaimPushDeliveries for the sender.
	ClientID int64 // the destination's client
	Body     []byte
	URL      string
	Secret   string
}

// PushItem is a body to send, made once per event and story, and the
// destinations to send it to, in the order given.
type PushItem struct {
	ArticleID    int64
	Event        string
	Version      int
	Body         []byte
	Destinations []int64
}

// PushResult is the outcome of one attempt at a delivery.
type PushResult struct {
	ID     int64
	Sent   bool
	Status int    // HTTP status, 0 when none came back
	Error  string // why it failed, for the log
	// NextAt is when to try again; the zero time gives up (failed).
	NextAt time.Time
}

// PushFanOut is what the fan-out decides for a batch of events: the items
// to send. prior says, for each story of the events, which destinations
// received it before, and dests lists every destination with its client.
type PushFanOut func(ctx context.Context, events []Event, dests []PushDestination, prior map[int64][]int64) ([]PushItem, error)

// PushSignature is the value of the X-Dateline-Signature header of a body
// sent to a destination with the secret: "sha256=" and the hex of
// HMAC-SHA256(secret, body).
func PushSignature(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// PushEvent names the push event of a store event about a, or "" when
// destinations are not told of it.
func PushEvent(ev *Event, a *Article) string {
	switch ev.Kind {
	case EventPublished:
		if a.Embargoed {
			return PushRelease
		}
		return PushPublish
	case EventUpdated:
		if n := len(a.Corrections); n > 0 && !a.Corrections[n-1].At.Before(ev.At.Truncate(time.Second)) {
			return PushCorrect
		}
		return PushUpdate
	case EventWithdrawn, EventEmbargoCanceled:
		return PushKill
	case EventEmbargoed:
		return PushEmbargo
	}
	return ""
}

// Pushes is the storage of push destinations and the outbox. Every engine
// implements it; storetest checks it.
type Pushes interface {
	// CreatePushDestination stores a destination of the client with a
	// fresh secret (set in d). The URL is checked by the caller (the
	// network guard); here only its length. Returns EINVALID or ENOTFOUND
	// for an unknown client.
	CreatePushDestination(ctx context.Context, d *PushDestination, now time.Time) error
	// PushDestination returns ENOTFOUND when there is no destination with
	// the id.
	PushDestination(ctx context.Context, id int64) (*PushDestination, error)
	// PushDestinations lists the client's destinations in the order they
	// were made.
	PushDestinations(ctx context.Context, clientID int64) ([]PushDestination, error)
	// SetPushPaused pauses or resumes a destination: a paused one keeps
	// its deliveries waiting. Returns ENOTFOUND.
	SetPushPaused(ctx context.Context, id int64, paused bool) error
	// DeletePushDestination removes a destination and its log. Returns
	// ENOTFOUND.
	DeletePushDestination(ctx context.Context, id int64) error
	// FanOutPush reads up to limit events after the fan-out cursor, asks
	// plan what to send, stores the deliveries and moves the cursor, in
	// one transaction, on one node at a time: it returns 0 at once when
	// another node holds the cursor. It returns how many events it read.
	FanOutPush(ctx context.Context, limit int, now time.Time, plan PushFanOut) (int, error)
	// ClaimPushDeliveries takes up to limit deliveries due at now, of
	// destinations not paused, none of them while an earlier delivery of
	// the same story to the same destination is pending (order per
	// item), and leases them until now+lease; each attempt counts.
	ClaimPushDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]PushDelivery, error)
	// FinishPushDeliveries records the outcomes of attempts.
	FinishPushDeliveries(ctx context.Context, results []PushResult, now time.Time) error
	// PushDeliveries is the destination's log, newest first, before the
	// delivery id before (0: from the newest).
	PushDeliveries(ctx context.Context, destinationID, before int64, limit int) ([]PushDelivery, error)
	// ReplayPush sends the destination again, in order, every delivery
	// made since since: new pending deliveries. It returns how many.
	// Returns ENOTFOUND.
	ReplayPush(ctx context.Context, destinationID int64, since, now time.Time) (int, error)
	// PrunePush deletes the log of deliveries made before before that are
	// done (sent or failed; pending ones stay), and the bodies no delivery
	// needs any more, a batch at a time. Who received which story is kept,
	// so a later kill or correction still reaches them; a replay reaches
	// back only as far as the log. It returns how many deliveries went.
	PrunePush(ctx context.Context, before time.Time) (int, error)
}

// PushSecretOK reports whether sig is the signature of body with secret,
// in constant time.
func PushSecretOK(secret string, body []byte, sig string) bool {
	return hmac.Equal([]byte(PushSignature(secret, body)), []byte(sig))
}
