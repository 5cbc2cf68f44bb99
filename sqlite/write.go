package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"dateline"
)

// Sections returns every section in display order.
func (db *DB) Sections(ctx context.Context) ([]dateline.Section, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT s.id, s.slug, s.name, s.position, COALESCE(group_concat(c.code, char(10)), '')
		FROM sections s LEFT JOIN section_codes c ON c.section_id = s.id
		GROUP BY s.id ORDER BY s.position, s.id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: sections: %w", err)
	}
	defer rows.Close()
	ss := []dateline.Section{}
	for rows.Next() {
		var s dateline.Section
		var codes string
		if err := rows.Scan(&s.ID, &s.Slug, &s.Name, &s.Position, &codes); err != nil {
			return nil, err
		}
		if codes != "" {
			s.Codes = strings.Split(codes, "\n")
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
	return db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO sections (slug, name, position) VALUES (?, ?, ?)
			ON CONFLICT (slug) DO UPDATE SET name = excluded.name, position = excluded.position
			RETURNING id`, s.Slug, s.Name, s.Position).Scan(&s.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM section_codes WHERE section_id = ?`, s.ID); err != nil {
			return err
		}
		for _, c := range s.Codes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO section_codes (code, section_id) VALUES (?, ?)`, c, s.ID); err != nil {
				if strings.Contains(err.Error(), "UNIQUE") {
					return dateline.Errorf(dateline.ECONFLICT, "The code %q belongs to another section.", c)
				}
				return err
			}
		}
		return nil
	})
}

// UpsertArticles stores articles by URI in one transaction; see dateline.Store.
func (db *DB) UpsertArticles(ctx context.Context, as []*dateline.Article, now time.Time) ([]dateline.UpsertResult, error) {
	results := make([]dateline.UpsertResult, len(as))
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		sections := map[string]int64{}
		for i, a := range as {
			r, err := upsertArticle(ctx, tx, a, now, sections)
			if err != nil {
				return err
			}
			results[i] = r
		}
		return nil
	})
	if err != nil {
		if dateline.ErrorCode(err) != dateline.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("sqlite: upsert articles: %w", err)
	}
	return results, nil
}

func upsertArticle(ctx context.Context, tx *sql.Tx, a *dateline.Article, now time.Time, sections map[string]int64) (dateline.UpsertResult, error) {
	if a.URI == "" || a.Headline == "" {
		return dateline.UpsertResult{}, dateline.Errorf(dateline.EINVALID, "An article needs a URI and a headline.")
	}
	if !a.Status.Valid() {
		return dateline.UpsertResult{}, dateline.Errorf(dateline.EINVALID, "Unknown status %q.", a.Status)
	}
	sectionID, ok := sections[a.Section]
	if !ok {
		err := tx.QueryRowContext(ctx, `SELECT id FROM sections WHERE slug = ?`, a.Section).Scan(&sectionID)
		if errors.Is(err, sql.ErrNoRows) {
			return dateline.UpsertResult{}, dateline.Errorf(dateline.EUNPROCESSABLE, "No section %q.", a.Section)
		} else if err != nil {
			return dateline.UpsertResult{}, err
		}
		sections[a.Section] = sectionID
	}

	var (
		id                    int64
		oldStatus             string
		oldSource, oldVersion int64
		oldPub, oldUpd        sql.NullInt64
	)
	err := tx.QueryRowContext(ctx, `SELECT id, status, source_version, version, published_at, updated_at FROM articles WHERE uri = ?`, a.URI).
		Scan(&id, &oldStatus, &oldSource, &oldVersion, &oldPub, &oldUpd)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return dateline.UpsertResult{}, err
	}
	if exists && a.SourceVersion.UnixMilli() <= oldSource {
		return dateline.UpsertResult{ID: id, Status: dateline.Status(oldStatus)}, nil
	}

	a.SettleTimes(dateline.Status(oldStatus), fromUnix(oldPub), fromUnix(oldUpd), now)
	published, updated, withdrawn := a.PublishedAt, a.UpdatedAt, a.WithdrawnAt

	var photoID any
	if a.Photo != nil {
		if err := savePhoto(ctx, tx, a.Photo, now); err != nil {
			return dateline.UpsertResult{}, err
		}
		photoID = a.Photo.ID
	}
	if !exists {
		err = tx.QueryRowContext(ctx, `INSERT INTO articles (uri, section_id, lang, headline, lead, place, byline, status,
			published_at, updated_at, embargo_until, withdrawn_at, urgency, breaking, photo_id, version, source_version, created_at, modified_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id`,
			a.URI, sectionID, a.Lang, a.Headline, a.Lead, a.Place, a.Byline, string(a.Status),
			unix(published), unix(updated), unix(a.EmbargoUntil), unix(withdrawn), a.Urgency, a.Breaking, photoID,
			a.SourceVersion.UnixMilli(), now.Unix(), now.Unix()).Scan(&id)
		a.Version = 1
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE articles SET section_id = ?, lang = ?, headline = ?, lead = ?, place = ?, byline = ?,
			status = ?, published_at = ?, updated_at = ?, embargo_until = ?, withdrawn_at = ?, urgency = ?, breaking = ?,
			photo_id = ?, version = version + 1, source_version = ?, modified_at = ? WHERE id = ?`,
			sectionID, a.Lang, a.Headline, a.Lead, a.Place, a.Byline, string(a.Status),
			unix(published), unix(updated), unix(a.EmbargoUntil), unix(withdrawn), a.Urgency, a.Breaking,
			photoID, a.SourceVersion.UnixMilli(), now.Unix(), id)
		a.Version = int(oldVersion) + 1
		if err == nil {
			err = clearArticleParts(ctx, tx, id)
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

func clearArticleParts(ctx context.Context, tx *sql.Tx, id int64) error {
	for _, table := range []string{"article_pages", "article_topics", "article_persons", "article_links"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE article_id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}

func writeArticleParts(ctx context.Context, tx *sql.Tx, a *dateline.Article) error {
	for i, body := range a.Pages {
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_pages (article_id, page, body) VALUES (?, ?, ?)`, a.ID, i+1, body); err != nil {
			return err
		}
	}
	seen := map[int64]bool{}
	for i := range a.Topics {
		t := &a.Topics[i]
		if err := tagID(ctx, tx, "topics", &t.ID, &t.Slug, t.Name); err != nil {
			return err
		}
		if t.ID == 0 || seen[t.ID] {
			continue
		}
		seen[t.ID] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_topics (article_id, topic_id, position) VALUES (?, ?, ?)`, a.ID, t.ID, i); err != nil {
			return err
		}
	}
	clear(seen)
	for i := range a.Persons {
		p := &a.Persons[i]
		if err := tagID(ctx, tx, "persons", &p.ID, &p.Slug, p.Name); err != nil {
			return err
		}
		if p.ID == 0 || seen[p.ID] {
			continue
		}
		seen[p.ID] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_persons (article_id, person_id, position) VALUES (?, ?, ?)`, a.ID, p.ID, i); err != nil {
			return err
		}
	}
	for i, l := range a.ReadAlso {
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_links (article_id, position, target_uri) VALUES (?, ?, ?)`, a.ID, i, l.URI); err != nil {
			return err
		}
	}
	return nil
}

// tagID finds or creates the topic or person named name and sets its id
// and slug. A name without letters or digits gets id 0.
func tagID(ctx context.Context, tx *sql.Tx, table string, id *int64, slug *string, name string) error {
	*slug = dateline.Slugify(name)
	if *slug == "" {
		*id = 0
		return nil
	}
	return tx.QueryRowContext(ctx, `INSERT INTO `+table+` (slug, name) VALUES (?, ?)
		ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id`, *slug, name).Scan(id)
}

// Topic returns the topic with the slug. Returns ENOTFOUND if none.
func (db *DB) Topic(ctx context.Context, slug string) (*dateline.Topic, error) {
	var t dateline.Topic
	err := db.read.QueryRowContext(ctx, `SELECT id, slug, name FROM topics WHERE slug = ?`, slug).Scan(&t.ID, &t.Slug, &t.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No topic %q.", slug)
	}
	return &t, err
}

// Person returns the person with the slug. Returns ENOTFOUND if none.
func (db *DB) Person(ctx context.Context, slug string) (*dateline.Person, error) {
	var p dateline.Person
	err := db.read.QueryRowContext(ctx, `SELECT id, slug, name FROM persons WHERE slug = ?`, slug).Scan(&p.ID, &p.Slug, &p.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No person %q.", slug)
	}
	return &p, err
}

// SavePhoto creates the photo, or updates the one with the same URI.
func (db *DB) SavePhoto(ctx context.Context, p *dateline.Photo) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return savePhoto(ctx, tx, p, time.Now()) })
}

func savePhoto(ctx context.Context, tx *sql.Tx, p *dateline.Photo, now time.Time) error {
	var uri any
	if p.URI != "" {
		uri = p.URI
	}
	return tx.QueryRowContext(ctx, `INSERT INTO photos (uri, path, remote, width, height, widths, caption, credit, alt, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (uri) DO UPDATE SET path = excluded.path, remote = excluded.remote, width = excluded.width,
			height = excluded.height, widths = excluded.widths, caption = excluded.caption, credit = excluded.credit, alt = excluded.alt
		RETURNING id`,
		uri, p.Path, p.Remote, p.Width, p.Height, joinInts(p.Widths), p.Caption, p.Credit, p.Alt, now.Unix()).Scan(&p.ID)
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
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO tokens (name, scope, hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			t.Name, t.Scope, t.Hash, t.CreatedAt.Unix()).Scan(&t.ID)
	})
}

// TokenByHash returns the token with the hash. Returns EUNAUTHORIZED if none.
func (db *DB) TokenByHash(ctx context.Context, hash []byte) (*dateline.Token, error) {
	var t dateline.Token
	var created int64
	err := db.read.QueryRowContext(ctx, `SELECT id, name, scope, hash, created_at FROM tokens WHERE hash = ?`, hash).
		Scan(&t.ID, &t.Name, &t.Scope, &t.Hash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "The token is not known.")
	} else if err != nil {
		return nil, fmt.Errorf("sqlite: token: %w", err)
	}
	t.CreatedAt = time.Unix(created, 0).UTC()
	return &t, nil
}
