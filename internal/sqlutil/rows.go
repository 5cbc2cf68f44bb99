package sqlutil

import (
	"database/sql"
	"fmt"
	"time"

	"dateline"
)

// Time scans a time as either engine keeps it, Unix seconds (SQLite) or a
// timestamp (PostgreSQL), into T, in UTC; NULL is the zero time.
type Time struct{ T time.Time }

// Scan implements sql.Scanner (pgx scans into it too).
func (t *Time) Scan(v any) error { return scanTime(&t.T, v, time.Second) }

// MilliTime is Time for a time kept to the millisecond: Unix
// milliseconds in SQLite.
type MilliTime struct{ T time.Time }

// Scan implements sql.Scanner.
func (t *MilliTime) Scan(v any) error { return scanTime(&t.T, v, time.Millisecond) }

func scanTime(t *time.Time, v any, unit time.Duration) error {
	switch v := v.(type) {
	case nil:
		*t = time.Time{}
	case int64:
		if unit == time.Millisecond {
			*t = time.UnixMilli(v).UTC()
		} else {
			*t = time.Unix(v, 0).UTC()
		}
	case time.Time:
		*t = v.UTC()
	default:
		return fmt.Errorf("sqlutil: a time, not %T", v)
	}
	return nil
}

// ArticleColumns are the columns ScanArticle reads, of ArticleFrom.
const ArticleColumns = `a.id, a.uri, s.slug, s.name, a.lang, a.headline, a.lead, a.place, a.byline,
	a.status, a.published_at, a.updated_at, a.embargo_until, a.withdrawn_at, a.urgency, a.breaking,
	a.version, a.source_version, a.created_at, a.modified_at,
	a.submitted_at, a.embargoed, a.advisory, a.withdraw_note, a.follows_id, a.chain_id, a.author_id, a.commercial,
	a.withheld, a.source, a.wire_version, a.meta_description, a.social_headline,
	p.id, p.uri, p.path, p.remote, p.width, p.height, p.widths, p.caption, p.credit, p.alt`

// ArticleFrom joins an article a to its section s and photo p.
const ArticleFrom = ` FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN photos p ON p.id = a.photo_id`

// ScanArticle reads ArticleColumns: the article without its pages, tags,
// links and corrections.
func ScanArticle(row Scanner) (*dateline.Article, error) {
	var a dateline.Article
	var status string
	var pub, upd, wd, sub, created, modified Time
	var emb, source MilliTime
	var follows, chain, author sql.NullInt64
	var withheld bool
	var photo nullPhoto
	err := row.Scan(append([]any{&a.ID, &a.URI, &a.Section, &a.SectionName, &a.Lang, &a.Headline, &a.Lead, &a.Place, &a.Byline,
		&status, &pub, &upd, &emb, &wd, &a.Urgency, &a.Breaking,
		&a.Version, &source, &created, &modified,
		&sub, &a.Embargoed, &a.Advisory, &a.WithdrawNote, &follows, &chain, &author, &a.Commercial,
		&withheld, &a.Source, &a.WireVersion, &a.MetaDescription, &a.SocialHeadline}, photo.dest()...)...)
	if err != nil {
		return nil, err
	}
	a.Status = dateline.ReadStatus(status, !sub.T.IsZero(), withheld)
	a.PublishedAt, a.UpdatedAt, a.EmbargoUntil, a.WithdrawnAt = pub.T, upd.T, emb.T, wd.T
	a.SubmittedAt, a.Follows, a.ChainID, a.AuthorID = sub.T, follows.Int64, chain.Int64, author.Int64
	a.SourceVersion, a.CreatedAt, a.ModifiedAt = source.T, created.T, modified.T
	a.Photo = photo.photo()
	return &a, nil
}

// nullPhoto scans the columns of a photo p that may be missing (LEFT
// JOIN): p.id, p.uri, p.path, p.remote, p.width, p.height, p.widths,
// p.caption, p.credit, p.alt.
type nullPhoto struct {
	id, width, height                                   sql.NullInt64
	uri, path, remote, widths, caption, credit, altText sql.NullString
}

func (p *nullPhoto) dest() []any {
	return []any{&p.id, &p.uri, &p.path, &p.remote, &p.width, &p.height, &p.widths, &p.caption, &p.credit, &p.altText}
}

// photo is the photo scanned, or nil when there was none.
func (p *nullPhoto) photo() *dateline.Photo {
	if !p.id.Valid {
		return nil
	}
	return &dateline.Photo{ID: p.id.Int64, URI: p.uri.String, Path: p.path.String, Remote: p.remote.String,
		Width: int(p.width.Int64), Height: int(p.height.Int64), Widths: SplitInts(p.widths.String),
		Caption: p.caption.String, Credit: p.credit.String, Alt: p.altText.String}
}

// AdColumns are the columns ScanAd reads, of ads a and photos p.
const AdColumns = `a.slot, a.kind, a.photo_id, a.link, a.alt, a.frame_url, a.width, a.height,
	a.active_from, a.active_until, a.updated_at,
	p.id, p.uri, p.path, p.remote, p.width, p.height, p.widths, p.caption, p.credit, p.alt`

// ScanAd reads AdColumns: an ad with its photo, if any.
func ScanAd(row Scanner) (dateline.Ad, error) {
	var a dateline.Ad
	var photoID sql.NullInt64
	var from, until, updated Time
	var photo nullPhoto
	if err := row.Scan(append([]any{&a.Slot, &a.Kind, &photoID, &a.Link, &a.Alt, &a.FrameURL, &a.Width, &a.Height,
		&from, &until, &updated}, photo.dest()...)...); err != nil {
		return a, err
	}
	a.PhotoID, a.From, a.Until, a.UpdatedAt, a.Photo = photoID.Int64, from.T, until.T, updated.T, photo.photo()
	return a, nil
}

// UserColumns are the columns ScanUser reads, of users u.
const UserColumns = `u.id, u.email, u.name, u.role, u.password_hash, u.disabled, u.failures, u.locked_until, u.created_at`

// ScanUser reads UserColumns, then extra.
func ScanUser(row Scanner, extra ...any) (*dateline.User, error) {
	var u dateline.User
	var role string
	var locked, created Time
	dest := append([]any{&u.ID, &u.Email, &u.Name, &role, &u.PasswordHash, &u.Disabled, &u.Failures, &locked, &created}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	u.Role, u.LockedUntil, u.CreatedAt = dateline.Role(role), locked.T, created.T
	return &u, nil
}

// StoryColumns are the columns ScanStory reads, of stories st.
const StoryColumns = `st.id, st.slug, st.title, st.intro, st.created_at, st.updated_at`

// ScanStory reads StoryColumns.
func ScanStory(row Scanner) (*dateline.Story, error) {
	var s dateline.Story
	var created, updated Time
	if err := row.Scan(&s.ID, &s.Slug, &s.Title, &s.Intro, &created, &updated); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = created.T, updated.T
	return &s, nil
}

// ScanPartnerFeed reads a partner feed's columns (id, name, url, kind,
// created_at, fetched_at, next_at, status, error, failures, etag,
// last_modified), then extra.
func ScanPartnerFeed(r Scanner, extra ...any) (dateline.PartnerFeed, error) {
	var f dateline.PartnerFeed
	var created, fetched, next Time
	dest := append([]any{&f.ID, &f.Name, &f.URL, &f.Kind, &created, &fetched, &next, &f.State.Status, &f.State.Error,
		&f.State.Failures, &f.State.ETag, &f.State.LastModified}, extra...)
	if err := r.Scan(dest...); err != nil {
		return f, err
	}
	f.CreatedAt, f.State.FetchedAt, f.State.NextAt = created.T, fetched.T, next.T
	return f, nil
}
