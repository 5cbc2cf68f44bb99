// Package liveblog is live coverage: a story marked live (its coverage
// start and end) and its posts, each saved on its own with an optimistic
// version, edited and deleted with history kept, and closed by a closing
// post that turns the story back into an ordinary archived page. Both
// engines implement Store (internal/sqlstore, written once); the rules of
// a post are here.
package liveblog

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/sanitize"
)

// EventPost is the event log's kind for a change of a live story's posts
// (added, edited, deleted), written in the post's transaction for a
// published story. Readers' pages hear of it on the public stream; push,
// alerts and newsletters pass over it.
const EventPost = "post"

// StreamEvent reports whether the public stream may send an event of the
// kind: the story events (dateline.PublicEvent) and live posts.
func StreamEvent(kind string) bool { return kind == EventPost || dateline.PublicEvent(kind) }

// Kinds of post.
const (
	KindText  = "text"
	KindPhoto = "photo" // a photo from the library, with words under it
	KindQuote = "quote" // words someone said, with who said them
	KindLink  = "link"  // a link to elsewhere, with words about it
)

// Coverage is a story's live coverage: live from Start until End (zero
// while it goes on).
type Coverage struct {
	ArticleID int64
	Start     time.Time
	End       time.Time
}

// Live reports whether the coverage goes on.
func (c Coverage) Live() bool { return !c.Start.IsZero() && c.End.IsZero() }

// Post is one timestamped post of a live story.
type Post struct {
	ID         int64
	ArticleID  int64
	AuthorID   int64
	AuthorName string // read with the post
	Created    time.Time
	Updated    time.Time
	Kind       string
	Body       string // HTML, sanitised like an article's body
	PhotoID    int64
	Photo      *dateline.Photo // read with the post
	QuoteBy    string          // who said a quote
	LinkURL    string          // an http(s) address, for a link post
	KeyEvent   bool            // listed in the story's key events
	Pinned     bool            // the summary on top; one post a story at most
	Closing    bool            // the post that ended the coverage
	Version    int
	Deleted    time.Time // zero for a post that shows
}

// Anchor is the post's fragment on the story's page.
func (p Post) Anchor() string { return "post-" + strconv.FormatInt(p.ID, 10) }

// Revision is one entry of a post's history: the post as an action left
// it.
type Revision struct {
	ID       int64
	PostID   int64
	Version  int
	UserID   int64
	UserName string
	At       time.Time
	Action   string // "create", "edit", "delete"
	Post     Post
}

// Limits of a post.
const (
	MaxBody    = 20000
	MaxQuoteBy = 200
	MaxURL     = 2000
)

// Normalize sanitises the post's words and checks them against its kind.
// Returns EINVALID with words for the journalist.
func (p *Post) Normalize() error {
	p.Body = sanitize.HTML(p.Body)
	if !strings.HasPrefix(p.Body, "<") && p.Body != "" {
		p.Body = "<p>" + p.Body + "</p>"
	}
	p.QuoteBy = strings.TrimSpace(sanitize.Clean(p.QuoteBy))
	p.LinkURL = strings.TrimSpace(sanitize.Clean(p.LinkURL))
	if len(p.Body) > MaxBody {
		return dateline.Errorf(dateline.EINVALID, "A post has at most %d characters of text.", MaxBody)
	}
	if utf8.RuneCountInString(p.QuoteBy) > MaxQuoteBy {
		return dateline.Errorf(dateline.EINVALID, "Who said a quote takes at most %d characters.", MaxQuoteBy)
	}
	switch p.Kind {
	case KindText:
		if p.Body == "" {
			return dateline.Errorf(dateline.EINVALID, "A text post needs some text.")
		}
	case KindPhoto:
		if p.PhotoID <= 0 {
			return dateline.Errorf(dateline.EINVALID, "A photo post needs a photo from the library.")
		}
	case KindQuote:
		if p.Body == "" || p.QuoteBy == "" {
			return dateline.Errorf(dateline.EINVALID, "A quote needs the words and who said them.")
		}
	case KindLink:
		u, err := url.Parse(p.LinkURL)
		if p.LinkURL == "" || len(p.LinkURL) > MaxURL || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return dateline.Errorf(dateline.EINVALID, "A link post needs a whole http or https address.")
		}
	default:
		return dateline.Errorf(dateline.EINVALID, "A post is text, photo, quote or link, not %q.", truncate(p.Kind, 20))
	}
	if p.Kind != KindPhoto {
		p.PhotoID = 0
	}
	if p.Kind != KindQuote {
		p.QuoteBy = ""
	}
	if p.Kind != KindLink {
		p.LinkURL = ""
	}
	return nil
}

// Store keeps live coverage. Both engines implement it; storetest checks
// it. Every write of a post logs EventPost in its own transaction when
// the story is published, so every node's pages and streams hear of it.
type Store interface {
	// StartCoverage marks the story live from now (again, if it ended).
	// Returns ENOTFOUND for an unknown story and ECONFLICT when it is live
	// already.
	StartCoverage(ctx context.Context, article int64, now time.Time) error
	// Coverage returns the story's coverage, ENOTFOUND when it never was
	// live.
	Coverage(ctx context.Context, article int64) (Coverage, error)
	// LiveNow lists the stories whose coverage goes on, for the live
	// mark of lists.
	LiveNow(ctx context.Context) (map[int64]bool, error)
	// AddPost stores a new post of a live story (p.Normalize first) and
	// sets its ID, times and version. A pinned post unpins the others; a
	// closing post ends the coverage. Returns EINVALID for a post that
	// does not normalise or a story whose coverage is not going on, and
	// ENOTFOUND for an unknown story, author or photo.
	AddPost(ctx context.Context, p *Post, now time.Time) error
	// EditPost saves p over the stored post if it is still at base, by
	// user. Returns ECONFLICT when someone saved it since, ENOTFOUND for
	// an unknown or deleted post.
	EditPost(ctx context.Context, p *Post, base int, user int64, now time.Time) error
	// DeletePost takes the post off the page, keeping it in the history.
	// Returns ECONFLICT when it is not at base, ENOTFOUND as EditPost.
	DeletePost(ctx context.Context, id int64, base int, user int64, now time.Time) error
	// Post returns a post, deleted or not.
	Post(ctx context.Context, id int64) (*Post, error)
	// Posts lists the story's posts oldest first, the deleted too when
	// deleted is true.
	Posts(ctx context.Context, article int64, deleted bool) ([]Post, error)
	// PostRevisions is the post's history, oldest first.
	PostRevisions(ctx context.Context, post int64) ([]Revision, error)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
