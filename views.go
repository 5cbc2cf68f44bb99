package dateline

import (
	"context"
	"time"
)

// Period is a sliding window of "Most read".
type Period string

const (
	PeriodNow   Period = "now"   // the last 60 minutes
	PeriodToday Period = "today" // the last 24 hours
	PeriodWeek  Period = "week"  // the last 7 days
)

// Minutes is the length of the window in whole minutes.
func (p Period) Minutes() int64 {
	switch p {
	case PeriodNow:
		return 60
	case PeriodToday:
		return 24 * 60
	case PeriodWeek:
		return 7 * 24 * 60
	}
	return 0
}

// Periods are the three windows, shortest first.
var Periods = []Period{PeriodNow, PeriodToday, PeriodWeek}

// Minute is the number of the minute t falls in, counted from the Unix
// epoch: the unit views are kept in.
func Minute(t time.Time) int64 { return t.Unix() / 60 }

// ViewCount is how many counted views an article had in one minute.
type ViewCount struct {
	ArticleID int64
	Minute    int64 // see Minute
	Count     int64
}

// Ranked is an article of a "Most read" list with its views in the window.
type Ranked struct {
	Article
	Views int64
}

// Neighbour is a published article that shares topics or persons with
// another, for "Related stories".
type Neighbour struct {
	Article
	Shared int // topics and persons in common
}

// Event kinds announced on the live stream.
const (
	EventPublished = "published" // a story became public
	EventUpdated   = "updated"   // a public story changed
	EventWithdrawn = "withdrawn" // a public story was withdrawn, killed or withheld
	// EventEmbargoed and EventEmbargoCanceled are for tokens with the
	// embargo scope only: a story arrived or changed under embargo, and
	// one was killed before its release. The public stream never sends
	// them.
	EventEmbargoed       = "embargoed"
	EventEmbargoCanceled = "embargo-canceled"
)

// Event is a change readers may hear of: written by the store in the same
// transaction as the change, numbered in order, so a stream can resume
// from the last number it sent.
//
// A gallery's or an infographic's publish, update or kill is an event too
// (Collection is its kind, ArticleID its id, Headline its title, no
// urgency or topics): a reader that means stories skips it (IsStory).
type Event struct {
	ID         int64
	At         time.Time
	Kind       string
	ArticleID  int64  // the story's id, or the collection's when Collection is set
	Section    string // slug
	Headline   string
	Lang       string
	Urgency    int
	Breaking   bool
	Topics     []string // slugs
	Collection string   // "" for a story, else KindGallery or KindInfographic
}

// IsStory reports whether the event is a story's (not a collection's).
func (e *Event) IsStory() bool { return e.Collection == "" }

// Readership is the storage of views, rankings, related stories and the
// event log. Every engine implements it; storetest checks it.
//
// Views are kept per article and minute, and each window keeps a running
// total per article: AddViews adds to the windows the minute is still in,
// and ExpireViews subtracts the minutes that have left a window. A window
// slides a minute at a time: at time t, "now" holds the views of the 60
// minutes Minute(t)-59 .. Minute(t).
type Readership interface {
	// AddViews adds counts in one transaction.
	AddViews(ctx context.Context, counts []ViewCount) error
	// ExpireViews moves every window's far edge to now. It is idempotent
	// and safe to run on every node at once: each minute leaves each
	// window once. It also drops minutes older than any window.
	ExpireViews(ctx context.Context, now time.Time) error
	// MostRead returns the published articles with the most views in the
	// period as of the last ExpireViews, most first (ties: newest first),
	// in the section when one is given. Articles without views are left out.
	MostRead(ctx context.Context, p Period, section string, limit int) ([]Ranked, error)
	// ViewsOf returns an article's views in each period, in Periods order.
	ViewsOf(ctx context.Context, articleID int64) ([3]int64, error)

	// Neighbours returns up to limit published articles other than id that
	// share a topic or a person with it, newest first, with the count of
	// tags in common. Lists are like Articles: without pages.
	Neighbours(ctx context.Context, id int64, limit int) ([]Neighbour, error)
	// PublishedIDs reports which of ids are published articles.
	PublishedIDs(ctx context.Context, ids []int64) (map[int64]bool, error)

	// Events returns events with ids above after, oldest first.
	Events(ctx context.Context, after int64, limit int) ([]Event, error)
	// LastEventID is the id of the newest event, or 0.
	LastEventID(ctx context.Context) (int64, error)
}

// Tagging reads the topics of many articles at once, for lists that show
// or filter by them.
type Tagging interface {
	// TopicsOf returns the topics of each article that has any, in their
	// order. At most 1000 ids; EINVALID beyond.
	TopicsOf(ctx context.Context, ids []int64) (map[int64][]Topic, error)
	// TagLabel returns how the published stories of edition lang name
	// the topic or person (kind TagTopic or TagPerson) with slug when
	// they name it otherwise than the tag itself ("Эльвира Набиуллина"),
	// the newest story's spelling first; "" when none does.
	TagLabel(ctx context.Context, kind, slug, lang string) (string, error)
	// TagPublished reports whether the topic or person (kind TagTopic or
	// TagPerson) with slug has at least one published story: a tag named
	// only by embargoed, draft, withheld or killed stories is not public.
	// False for an unknown slug; EINVALID for another kind.
	TagPublished(ctx context.Context, kind, slug string) (bool, error)
}
