package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"dateline"
)

func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// Sections returns every section in display order.
func (db *DB) Sections(ctx context.Context) ([]dateline.Section, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT s.id, s.slug, s.name, s.position,
			COALESCE(array_agg(c.code ORDER BY c.code) FILTER (WHERE c.code IS NOT NULL), '{}')
		FROM sections s LEFT JOIN section_codes c ON c.section_id = s.id
		GROUP BY s.id ORDER BY s.position, s.id`)
	if err != nil {
		return nil, fmt.Errorf("postgres: sections: %w", err)
	}
	defer rows.Close()
	ss := []dateline.Section{}
	for rows.Next() {
		var s dateline.Section
		if err := rows.Scan(&s.ID, &s.Slug, &s.Name, &s.Position, &s.Codes); err != nil {
			return nil, err
		}
		if len(s.Codes) == 0 {
			s.Codes = nil
		}
		ss = append(ss, s)
	}
	return ss, rows.Err()
}

// SaveSection creates or updates the section with s.Slug and replaces its
// codes. Returns ECONFLICT when a code belongs to another section.
func (db *DB) SaveSection(ctx context.Context, s *dateline.Section) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO sections (slug, name, position) VALUES ($1, $2, $3)
			ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, position = EXCLUDED.position
			RETURNING id`, s.Slug, s.Name, s.Position).Scan(&s.ID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM section_codes WHERE section_id = $1`, s.ID); err != nil {
			return err
		}
		for _, c := range s.Codes {
			if _, err := tx.Exec(ctx, `INSERT INTO section_codes (code, section_id) VALUES ($1, $2)`, c, s.ID); err != nil {
				if isUnique(err) {
					return dateline.Errorf(dateline.ECONFLICT, "The code %q belongs to another section.", c)
				}
				return err
			}
		}
		return nil
	})
}

// UpsertArticles stores articles by URI in one transaction; see dateline.Store.
// Locks are taken in one global order (URIs, then tags, sorted), and a
// transaction that PostgreSQL still aborts as a deadlock or serialisation
// failure is tried again, up to three times.
func (db *DB) UpsertArticles(ctx context.Context, as []*dateline.Article, now time.Time) ([]dateline.UpsertResult, error) {
	saved := make([]dateline.Article, len(as))
	for i, a := range as {
		saved[i] = *a
	}
	var results []dateline.UpsertResult
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			for i, a := range as {
				*a = saved[i]
			}
			time.Sleep(time.Duration(attempt*attempt) * 20 * time.Millisecond)
		}
		results, err = db.upsertArticles(ctx, as, now)
		if !retryable(err) {
			break
		}
	}
	if err != nil {
		if dateline.ErrorCode(err) != dateline.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: upsert articles: %w", err)
	}
	return results, nil
}

// retryable reports a deadlock or serialisation failure.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

func (db *DB) upsertArticles(ctx context.Context, as []*dateline.Article, now time.Time) ([]dateline.UpsertResult, error) {
	results := make([]dateline.UpsertResult, len(as))
	changed := false
	err := pgx.BeginFunc(ctx, db.primary, func(tx pgx.Tx) error {
		keys := make([]int64, 0, len(as))
		for _, a := range as {
			keys = append(keys, uriLock(a.URI))
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 && k == keys[i-1] {
				continue
			}
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, k); err != nil {
				return err
			}
		}
		sections := map[string]int64{}
		for i, a := range as {
			r, err := upsertArticle(ctx, tx, a, now, sections)
			if err != nil {
				return err
			}
			results[i] = r
			changed = changed || r.Changed
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if changed {
		db.announce(ctx)
	}
	return results, nil
}

// uriLock is the advisory lock key for a URI, so two nodes storing the same
// story take turns.
func uriLock(uri string) int64 {
	h := fnv.New64a()
	h.Write([]byte(uri))
	return int64(h.Sum64())
}

func upsertArticle(ctx context.Context, tx pgx.Tx, a *dateline.Article, now time.Time, sections map[string]int64) (dateline.UpsertResult, error) {
	if a.URI == "" || a.Headline == "" {
		return dateline.UpsertResult{}, dateline.Errorf(dateline.EINVALID, "An article needs a URI and a headline.")
	}
	if !a.Status.Valid() {
		return dateline.UpsertResult{}, dateline.Errorf(dateline.EINVALID, "Unknown status %q.", a.Status)
	}
	sectionID, ok := sections[a.Section]
	if !ok {
		err := tx.QueryRow(ctx, `SELECT id FROM sections WHERE slug = $1`, a.Section).Scan(&sectionID)
		if errors.Is(err, pgx.ErrNoRows) {
			return dateline.UpsertResult{}, dateline.Errorf(dateline.EUNPROCESSABLE, "No section %q.", a.Section)
		} else if err != nil {
			return dateline.UpsertResult{}, err
		}
		sections[a.Section] = sectionID
	}
	var (
		id             int64
		oldStatus      string
		oldSource      time.Time
		oldVersion     int
		oldPub, oldUpd *time.Time
	)
	err := tx.QueryRow(ctx, `SELECT id, status, source_version, version, published_at, updated_at FROM articles WHERE uri = $1`, a.URI).
		Scan(&id, &oldStatus, &oldSource, &oldVersion, &oldPub, &oldUpd)
	exists := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return dateline.UpsertResult{}, err
	}
	source := a.SourceVersion.UTC().Truncate(time.Millisecond)
	if exists && !source.After(oldSource) {
		return dateline.UpsertResult{ID: id, Status: dateline.Status(oldStatus)}, nil
	}

	a.SettleTimes(dateline.Status(oldStatus), fromTS(oldPub), fromTS(oldUpd), now)
	published, updated, withdrawn := a.PublishedAt, a.UpdatedAt, a.WithdrawnAt

	var photoID any
	if a.Photo != nil {
		if err := savePhoto(ctx, tx, a.Photo, now); err != nil {
			return dateline.UpsertResult{}, err
		}
		photoID = a.Photo.ID
	}
	if !exists {
		err = tx.QueryRow(ctx, `INSERT INTO articles (uri, section_id, lang, headline, lead, place, byline, status,
			published_at, updated_at, embargo_until, withdrawn_at, urgency, breaking, photo_id, version, source_version, created_at, modified_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $17, $17) RETURNING id`,
			a.URI, sectionID, a.Lang, a.Headline, a.Lead, a.Place, a.Byline, string(a.Status),
			ts(published), ts(updated), ts(a.EmbargoUntil), ts(withdrawn), a.Urgency, a.Breaking, photoID,
			source, ts(now)).Scan(&id)
		a.Version = 1
	} else {
		_, err = tx.Exec(ctx, `UPDATE articles SET section_id = $1, lang = $2, headline = $3, lead = $4, place = $5, byline = $6,
			status = $7, published_at = $8, updated_at = $9, embargo_until = $10, withdrawn_at = $11, urgency = $12, breaking = $13,
			photo_id = $14, version = version + 1, source_version = $15, modified_at = $16 WHERE id = $17`,
			sectionID, a.Lang, a.Headline, a.Lead, a.Place, a.Byline, string(a.Status),
			ts(published), ts(updated), ts(a.EmbargoUntil), ts(withdrawn), a.Urgency, a.Breaking,
			photoID, source, ts(now), id)
		a.Version = oldVersion + 1
		if err == nil {
			for _, table := range []string{"article_pages", "article_topics", "article_persons", "article_links"} {
				if _, err = tx.Exec(ctx, `DELETE FROM `+table+` WHERE article_id = $1`, id); err != nil {
					break
				}
			}
		}
	}
	if err != nil {
		return dateline.UpsertResult{}, err
	}
	a.ID = id
	if err := writeArticleParts(ctx, tx, a); err != nil {
		return dateline.UpsertResult{}, err
	}
	if err := indexArticle(ctx, tx, a, sectionID); err != nil {
		return dateline.UpsertResult{}, err
	}
	return dateline.UpsertResult{ID: id, Created: !exists, Changed: true, Status: a.Status}, nil
}

func writeArticleParts(ctx context.Context, tx pgx.Tx, a *dateline.Article) error {
	for i, body := range a.Pages {
		if _, err := tx.Exec(ctx, `INSERT INTO article_pages (article_id, page, body) VALUES ($1, $2, $3)`, a.ID, i+1, body); err != nil {
			return err
		}
	}
	topics := make([]tag, len(a.Topics))
	for i, t := range a.Topics {
		topics[i] = tag{name: t.Name}
	}
	if err := tagIDs(ctx, tx, "topics", topics); err != nil {
		return err
	}
	for i, t := range topics {
		a.Topics[i].ID, a.Topics[i].Slug = t.id, t.slug
	}
	persons := make([]tag, len(a.Persons))
	for i, p := range a.Persons {
		persons[i] = tag{name: p.Name}
	}
	if err := tagIDs(ctx, tx, "persons", persons); err != nil {
		return err
	}
	for i, p := range persons {
		a.Persons[i].ID, a.Persons[i].Slug = p.id, p.slug
	}
	for _, link := range []struct {
		table, column string
		tags          []tag
	}{{"article_topics", "topic_id", topics}, {"article_persons", "person_id", persons}} {
		seen := map[int64]bool{}
		for i, t := range link.tags {
			if t.id == 0 || seen[t.id] {
				continue
			}
			seen[t.id] = true
			if _, err := tx.Exec(ctx, `INSERT INTO `+link.table+` (article_id, `+link.column+`, position) VALUES ($1, $2, $3)`, a.ID, t.id, i); err != nil {
				return err
			}
		}
	}
	for i, l := range a.ReadAlso {
		if _, err := tx.Exec(ctx, `INSERT INTO article_links (article_id, position, target_uri) VALUES ($1, $2, $3)`, a.ID, i, l.URI); err != nil {
			return err
		}
	}
	return nil
}

type tag struct {
	name, slug string
	id         int64
}

// tagIDs finds or creates the topics or persons, in slug order so that
// concurrent writers wait for each other in one order and never deadlock.
// A name without letters or digits gets id 0.
func tagIDs(ctx context.Context, tx pgx.Tx, table string, tags []tag) error {
	order := make([]int, len(tags))
	for i := range tags {
		tags[i].slug = dateline.Slugify(tags[i].name)
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int { return strings.Compare(tags[x].slug, tags[y].slug) })
	for _, i := range order {
		t := &tags[i]
		if t.slug == "" {
			continue
		}
		err := tx.QueryRow(ctx, `INSERT INTO `+table+` (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING RETURNING id`, t.slug, t.name).Scan(&t.id)
		if errors.Is(err, pgx.ErrNoRows) {
			err = tx.QueryRow(ctx, `SELECT id FROM `+table+` WHERE slug = $1`, t.slug).Scan(&t.id)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Topic returns the topic with the slug. Returns ENOTFOUND if none.
func (db *DB) Topic(ctx context.Context, slug string) (*dateline.Topic, error) {
	var t dateline.Topic
	err := db.reader(ctx).QueryRow(ctx, `SELECT id, slug, name FROM topics WHERE slug = $1`, slug).Scan(&t.ID, &t.Slug, &t.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No topic %q.", slug)
	}
	return &t, err
}

// Person returns the person with the slug. Returns ENOTFOUND if none.
func (db *DB) Person(ctx context.Context, slug string) (*dateline.Person, error) {
	var p dateline.Person
	err := db.reader(ctx).QueryRow(ctx, `SELECT id, slug, name FROM persons WHERE slug = $1`, slug).Scan(&p.ID, &p.Slug, &p.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No person %q.", slug)
	}
	return &p, err
}

// SavePhoto creates the photo, or updates the one with the same URI.
func (db *DB) SavePhoto(ctx context.Context, p *dateline.Photo) error {
	return db.inTx(ctx, func(tx pgx.Tx) error { return savePhoto(ctx, tx, p, time.Now()) })
}

func savePhoto(ctx context.Context, tx pgx.Tx, p *dateline.Photo, now time.Time) error {
	var uri any
	if p.URI != "" {
		uri = p.URI
	}
	return tx.QueryRow(ctx, `INSERT INTO photos (uri, path, remote, width, height, widths, caption, credit, alt, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (uri) DO UPDATE SET path = EXCLUDED.path, remote = EXCLUDED.remote, width = EXCLUDED.width,
			height = EXCLUDED.height, widths = EXCLUDED.widths, caption = EXCLUDED.caption, credit = EXCLUDED.credit, alt = EXCLUDED.alt
		RETURNING id`,
		uri, p.Path, p.Remote, p.Width, p.Height, joinInts(p.Widths), p.Caption, p.Credit, p.Alt, ts(now)).Scan(&p.ID)
}

// CreateToken stores a token.
func (db *DB) CreateToken(ctx context.Context, t *dateline.Token) error {
	if t.Scope != "read" && t.Scope != "write" {
		return dateline.Errorf(dateline.EINVALID, "A token's scope is read or write, not %q.", t.Scope)
	}
	if t.Name == "" || len(t.Hash) == 0 {
		return dateline.Errorf(dateline.EINVALID, "A token needs a name.")
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now().UTC()
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO tokens (name, scope, hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			t.Name, t.Scope, t.Hash, ts(t.CreatedAt)).Scan(&t.ID)
	})
}

// TokenByHash returns the token with the hash. Returns EUNAUTHORIZED if
// none. Tokens are read from the primary, so a new one works at once.
func (db *DB) TokenByHash(ctx context.Context, hash []byte) (*dateline.Token, error) {
	var t dateline.Token
	err := db.primary.QueryRow(ctx, `SELECT id, name, scope, hash, created_at FROM tokens WHERE hash = $1`, hash).
		Scan(&t.ID, &t.Name, &t.Scope, &t.Hash, &t.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "The token is not known.")
	} else if err != nil {
		return nil, fmt.Errorf("postgres: token: %w", err)
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return &t, nil
}
