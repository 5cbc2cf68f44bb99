package dateline

import (
	"context"
	"fmt"
	"reflect"
	"sort"
)

// Table is one table of a site as engines move it between them. The first
// column is an integer key by which rows are read in ranges.
type Table struct {
	Name    string
	Columns []string
	Seconds []string // times kept to the second
	Millis  []string // times kept to the millisecond
	Bools   []string
}

// Has reports whether column c is in list.
func Has(list []string, c string) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

// Tables are every table of a site, parents before children.
var Tables = []Table{
	{Name: "sections", Columns: []string{"id", "slug", "name", "position", "lang"}},
	{Name: "section_codes", Columns: []string{"section_id", "code"}},
	{Name: "photos", Columns: []string{"id", "uri", "path", "remote", "width", "height", "widths", "caption", "credit", "alt", "created_at"}, Seconds: []string{"created_at"}},
	{Name: "users", Columns: []string{"id", "email", "name", "role", "password_hash", "disabled", "failures", "locked_until", "created_at"},
		Seconds: []string{"locked_until", "created_at"}, Bools: []string{"disabled"}},
	{Name: "sessions", Columns: []string{"id", "hash", "user_id", "csrf", "created_at", "expires_at"}, Seconds: []string{"created_at", "expires_at"}},
	{Name: "topics", Columns: []string{"id", "slug", "name"}},
	{Name: "persons", Columns: []string{"id", "slug", "name"}},
	{Name: "articles", Columns: []string{"id", "uri", "section_id", "lang", "headline", "lead", "place", "byline", "status",
		"published_at", "updated_at", "embargo_until", "withdrawn_at", "urgency", "breaking", "photo_id", "version",
		"source_version", "created_at", "modified_at", "submitted_at", "embargoed", "advisory", "withdraw_note", "follows_id",
		"chain_id", "author_id", "commercial", "withheld", "source", "wire_version", "meta_description", "social_headline"},
		Seconds: []string{"published_at", "updated_at", "withdrawn_at", "created_at", "modified_at", "submitted_at"},
		Millis:  []string{"source_version", "embargo_until"}, Bools: []string{"breaking", "embargoed", "withheld"}},
	{Name: "corrections", Columns: []string{"article_id", "position", "at", "text"}, Seconds: []string{"at"}},
	{Name: "revisions", Columns: []string{"id", "article_id", "version", "kind", "user_id", "user_name", "note", "data", "created_at"},
		Seconds: []string{"created_at"}},
	{Name: "autosaves", Columns: []string{"id", "article_id", "user_id", "base", "data", "saved_at"}, Seconds: []string{"saved_at"}},
	{Name: "article_pages", Columns: []string{"article_id", "page", "body"}},
	{Name: "article_topics", Columns: []string{"article_id", "topic_id", "position", "label"}},
	{Name: "article_persons", Columns: []string{"article_id", "person_id", "position", "label"}},
	{Name: "article_links", Columns: []string{"article_id", "position", "target_uri"}},
	{Name: "stories", Columns: []string{"id", "slug", "title", "intro", "created_at", "updated_at"}, Seconds: []string{"created_at", "updated_at"}},
	{Name: "story_articles", Columns: []string{"story_id", "article_id"}},
	{Name: "home_top", Columns: []string{"position", "article_id", "story_id", "edition"}},
	{Name: "galleries", Columns: []string{"id", "uri", "section_id", "title", "lead", "published_at", "status"}, Seconds: []string{"published_at"}},
	{Name: "gallery_photos", Columns: []string{"gallery_id", "position", "photo_id"}},
	{Name: "infographics", Columns: []string{"id", "uri", "section_id", "title", "text", "published_at", "status"}, Seconds: []string{"published_at"}},
	{Name: "infographic_images", Columns: []string{"infographic_id", "position", "photo_id"}},
	{Name: "clients", Columns: []string{"id", "name", "active_from", "active_until", "seat_limit", "disabled", "feed_key", "created_at"},
		Seconds: []string{"active_from", "active_until", "created_at"}, Bools: []string{"disabled"}},
	{Name: "products", Columns: []string{"id", "name", "sections", "langs", "topics", "persons", "max_urgency", "kinds", "embargoed", "created_at"},
		Seconds: []string{"created_at"}, Bools: []string{"embargoed"}},
	{Name: "client_products", Columns: []string{"client_id", "product_id", "active_from", "active_until"}, Seconds: []string{"active_from", "active_until"}},
	{Name: "client_users", Columns: []string{"id", "client_id", "email", "name", "role", "password_hash", "failures", "locked_until", "disabled", "created_at"},
		Seconds: []string{"locked_until", "created_at"}, Bools: []string{"disabled"}},
	{Name: "client_sessions", Columns: []string{"id", "hash", "client_user_id", "csrf", "created_at", "expires_at"}, Seconds: []string{"created_at", "expires_at"}},
	{Name: "client_invitations", Columns: []string{"id", "hash", "client_user_id", "created_at", "expires_at"}, Seconds: []string{"created_at", "expires_at"}},
	{Name: "client_follows", Columns: []string{"id", "client_user_id", "kind", "value", "created_at"}, Seconds: []string{"created_at"}},
	// Keyed by client: a range reads whole clients.
	{Name: "client_usage", Columns: []string{"client_id", "product_id", "day", "kind", "count"}},
	{Name: "push_destinations", Columns: []string{"id", "client_id", "url", "secret", "paused", "created_at"}, Bools: []string{"paused"}},
	{Name: "push_items", Columns: []string{"id", "article_id", "event", "version", "body", "created_at"}},
	{Name: "push_deliveries", Columns: []string{"id", "destination_id", "item_id", "article_id", "status", "attempts", "next_at",
		"last_status", "last_error", "created_at", "sent_at"}},
	{Name: "push_received", Columns: []string{"article_id", "destination_id"}},
	{Name: "push_cursor", Columns: []string{"id", "last_event"}},
	{Name: "mail_outbox", Columns: []string{"id", "dedupe_key", "list_id", "lang", "to_addr", "address_key", "subject", "text_body", "html_body",
		"status", "attempts", "next_at", "last_error", "created_at", "sent_at"}},
	{Name: "mail_suppressions", Columns: []string{"id", "address", "list_id", "created_at"}},
	{Name: "mail_key", Columns: []string{"id", "key"}},
	{Name: "sources", Columns: []string{"id", "name", "kind", "secret", "created_at", "disabled"}, Bools: []string{"disabled"}},
	{Name: "superdesk_guids", Columns: []string{"id", "guid", "uri", "evolved_from", "version", "killed", "created_at"}, Bools: []string{"killed"}},
	{Name: "superdesk_assets", Columns: []string{"id", "media_id", "path", "size", "mime_type", "photo_path", "width", "height", "widths", "created_at"}},
	{Name: "old_paths", Columns: []string{"id", "path", "uri", "target", "source", "created_at"}},
	{Name: "news_subscribers", Columns: []string{"id", "address", "address_key", "lang", "zone", "created_at"}},
	{Name: "news_subscriptions", Columns: []string{"id", "subscriber_id", "list_id", "sections", "hour", "confirmed_at", "created_at"}},
	{Name: "news_cursor", Columns: []string{"id", "last_event"}},
	{Name: "alert_items", Columns: []string{"id", "client_user_id", "article_id", "follows", "status", "created_at", "sent_at"}},
	{Name: "alert_langs", Columns: []string{"client_user_id", "lang"}},
	{Name: "alert_cursor", Columns: []string{"id", "last_event"}},
	{Name: "live_stories", Columns: []string{"article_id", "started_at", "ended_at"}},
	{Name: "live_posts", Columns: []string{"id", "article_id", "author_id", "created_at", "updated_at", "kind", "body", "photo_id", "quote_by",
		"link_url", "key_event", "pinned", "closing", "version", "deleted_at"}, Bools: []string{"key_event", "pinned", "closing"}},
	{Name: "live_post_revisions", Columns: []string{"id", "post_id", "version", "user_id", "action", "data", "at"}},
	{Name: "tokens", Columns: []string{"id", "name", "scope", "hash", "created_at", "embargo", "source", "client_id"}, Seconds: []string{"created_at"}, Bools: []string{"embargo"}},
	// Keyed by user: a range reads whole users; after articles.
	{Name: "client_bookmarks", Columns: []string{"client_user_id", "article_id", "created_at"}, Seconds: []string{"created_at"}},
	{Name: "audit_log", Columns: []string{"id", "at", "user_id", "user_name", "action", "target", "detail"}, Seconds: []string{"at"}},
	// Keyed by minute: many rows share one, and a range reads whole minutes.
	{Name: "view_minutes", Columns: []string{"minute", "article_id", "count"}},
	{Name: "view_windows", Columns: []string{"article_id", "section_id", "now", "today", "week"}},
	{Name: "view_edges", Columns: []string{"window_minutes", "through"}},
	{Name: "events", Columns: []string{"id", "at", "kind", "article_id", "section", "headline", "lang", "urgency", "breaking", "topics", "collection"},
		Seconds: []string{"at"}, Bools: []string{"breaking"}},
	{Name: "partner_feeds", Columns: []string{"id", "name", "url", "kind", "created_at", "fetched_at", "next_at", "status", "error", "failures", "etag", "last_modified"},
		Seconds: []string{"created_at", "fetched_at", "next_at"}},
	{Name: "partner_entries", Columns: []string{"id", "feed_id", "title", "link", "summary", "published_at"}, Seconds: []string{"published_at"}},
	{Name: "translations", Columns: []string{"article_id", "group_id"}},
	{Name: "rate_tables", Columns: []string{"id", "source", "day", "base", "note", "fetched_at"}, Seconds: []string{"fetched_at"}},
	// Keyed by their table: a range reads whole days.
	{Name: "rates", Columns: []string{"table_id", "code", "name", "nominal", "published", "per_unit"}},
	{Name: "ads", Columns: []string{"id", "slot", "kind", "photo_id", "link", "alt", "frame_url", "width", "height", "active_from", "active_until", "updated_at"},
		Seconds: []string{"active_from", "active_until", "updated_at"}},
	{Name: "ad_settings", Columns: []string{"id", "off", "updated_at"}, Seconds: []string{"updated_at"}, Bools: []string{"off"}},
}

// Transfer is what an engine offers to move a whole site in or out. Row
// values are int64, string, bool, []byte, time.Time (UTC) or nil, the same
// whatever the engine.
type Transfer interface {
	// MaxKey returns the largest first-column value of the table, or 0.
	MaxKey(ctx context.Context, t Table) (int64, error)
	// ReadRows returns the rows whose key is in (after, upTo], in key order.
	ReadRows(ctx context.Context, t Table, after, upTo int64) ([][]any, error)
	// WriteRows inserts rows as they are, keys included, in one transaction.
	WriteRows(ctx context.Context, t Table, rows [][]any) error
	CountRows(ctx context.Context, t Table) (int64, error)
	// FinishTransfer readies the engine for use after rows were written
	// with their keys (PostgreSQL moves its identity sequences on).
	FinishTransfer(ctx context.Context) error
}

// MoveReport counts the rows of each table on both sides.
type MoveReport struct {
	Table    string
	From, To int64
}

// Move copies every row from one engine to another, which must be empty,
// in key ranges of 1,000, calling progress with the rows moved so far out
// of the total. It verifies the counts of every table at the end and
// returns ECONFLICT if the target was not empty or any count differs.
func Move(ctx context.Context, from, to Transfer, progress func(done, total int64)) ([]MoveReport, error) {
	var total int64
	for _, t := range Tables {
		n, err := to.CountRows(ctx, t)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, Errorf(ECONFLICT, "The target is not empty: its %s table has %d rows. Move into a new database.", t.Name, n)
		}
		m, err := from.CountRows(ctx, t)
		if err != nil {
			return nil, err
		}
		total += m
	}
	var done int64
	const step = 1000
	for _, t := range Tables {
		maxKey, err := from.MaxKey(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Name, err)
		}
		// Keys start at 1, so (0, maxKey] is every row.
		for lo := int64(0); lo < maxKey; {
			hi := min(lo+step, maxKey)
			rows, err := from.ReadRows(ctx, t, lo, hi)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", t.Name, err)
			}
			if len(rows) > 0 {
				if err := to.WriteRows(ctx, t, rows); err != nil {
					return nil, fmt.Errorf("write %s: %w", t.Name, err)
				}
			}
			done += int64(len(rows))
			if progress != nil {
				progress(done, total)
			}
			lo = hi
		}
	}
	if err := to.FinishTransfer(ctx); err != nil {
		return nil, err
	}
	var report []MoveReport
	var bad []string
	for _, t := range Tables {
		a, err := from.CountRows(ctx, t)
		if err != nil {
			return nil, err
		}
		b, err := to.CountRows(ctx, t)
		if err != nil {
			return nil, err
		}
		report = append(report, MoveReport{Table: t.Name, From: a, To: b})
		if a != b {
			bad = append(bad, fmt.Sprintf("%s %d != %d", t.Name, a, b))
		}
	}
	if len(bad) > 0 {
		return report, Errorf(ECONFLICT, "The counts differ after the move: %v", bad)
	}
	return report, nil
}

// SameRows reports the first difference between two engines' rows, or ""
// when every row of every table is equal.
func SameRows(ctx context.Context, a, b Transfer) (string, error) {
	for _, t := range Tables {
		ka, err := a.MaxKey(ctx, t)
		if err != nil {
			return "", err
		}
		kb, err := b.MaxKey(ctx, t)
		if err != nil {
			return "", err
		}
		ra, err := a.ReadRows(ctx, t, 0, ka)
		if err != nil {
			return "", err
		}
		rb, err := b.ReadRows(ctx, t, 0, kb)
		if err != nil {
			return "", err
		}
		// Engines order text differently (SQLite's NOCASE codes), so rows
		// are compared in one canonical order.
		canonical := func(rows [][]any) {
			sort.Slice(rows, func(i, j int) bool { return fmt.Sprint(rows[i]) < fmt.Sprint(rows[j]) })
		}
		canonical(ra)
		canonical(rb)
		if len(ra) != len(rb) {
			return fmt.Sprintf("%s: %d rows against %d", t.Name, len(ra), len(rb)), nil
		}
		for i := range ra {
			if !reflect.DeepEqual(ra[i], rb[i]) {
				return fmt.Sprintf("%s row %d: %v against %v", t.Name, i, ra[i], rb[i]), nil
			}
		}
	}
	return "", nil
}
