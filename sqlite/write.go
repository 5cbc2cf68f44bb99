package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"dateline"
	"dateline/internal/sqlstore"
	"dateline/internal/sqlutil"
)

// Sections returns every section in display order.
func (db contentStore) Sections(ctx context.Context) (_ []dateline.Section, err error) {
	defer wrap(&err, "sections")
	rows, err := db.read.QueryContext(ctx, `SELECT s.id, s.slug, s.name, s.position, s.lang, COALESCE(group_concat(c.code, char(10)), '')
		FROM sections s LEFT JOIN section_codes c ON c.section_id = s.id
		GROUP BY s.id ORDER BY s.position, s.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ss := []dateline.Section{}
	for rows.Next() {
		var s dateline.Section
		var codes string
		if err := rows.Scan(&s.ID, &s.Slug, &s.Name, &s.Position, &s.Lang, &codes); err != nil {
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
func (db contentStore) SaveSection(ctx context.Context, s *dateline.Section) (err error) {
	defer wrap(&err, "save section")
	if err := s.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO sections (slug, name, position, lang) VALUES (?, ?, ?, ?)
			ON CONFLICT (slug) DO UPDATE SET name = excluded.name, position = excluded.position, lang = excluded.lang
			RETURNING id`, s.Slug, s.Name, s.Position, s.Lang).Scan(&s.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM section_codes WHERE section_id = ?`, s.ID); err != nil {
			return err
		}
		for _, c := range s.Codes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO section_codes (code, section_id) VALUES (?, ?)`, c, s.ID); err != nil {
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
func (db contentStore) UpsertArticles(ctx context.Context, as []*dateline.Article, now time.Time) (_ []dateline.UpsertResult, err error) {
	defer wrap(&err, "upsert articles")
	results := make([]dateline.UpsertResult, len(as))
	err = db.inTx(ctx, func(tx *sql.Tx) error {
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
		return nil, err
	}
	return results, nil
}

func upsertArticle(ctx context.Context, tx *sql.Tx, a *dateline.Article, now time.Time, sections map[string]int64) (dateline.UpsertResult, error) {
	if err := a.ValidateIngest(); err != nil {
		return dateline.UpsertResult{}, err
	}
	old, err := loadPrior(ctx, tx, `uri = ?`, a.URI)
	if err != nil {
		return dateline.UpsertResult{}, err
	}
	var wp *dateline.WirePrior
	if old != nil {
		cs, err := corrections(ctx, tx, old.ID)
		if err != nil {
			return dateline.UpsertResult{}, err
		}
		wp = old.Wire(cs)
	}
	verdict, err := dateline.ReceiveWire(wp, a, a.Source, now)
	if err != nil {
		if old == nil || !dateline.WireRefusal(err) {
			return dateline.UpsertResult{}, err
		}
		return dateline.UpsertResult{ID: old.ID, Status: old.Status, Refused: err}, refuseWire(ctx, tx, a, old, err, now)
	}
	var sectionID int64
	switch verdict {
	case dateline.WireUnchanged:
		return dateline.UpsertResult{ID: old.ID, Status: old.Status}, nil
	case dateline.WireKill, dateline.WireWithhold:
		stored, err := sqlutil.ScanArticle(tx.QueryRowContext(ctx, `SELECT `+sqlutil.ArticleColumns+sqlutil.ArticleFrom+` WHERE a.id = ?`, old.ID))
		if err != nil {
			return dateline.UpsertResult{}, err
		}
		if err := fillArticle(ctx, tx, stored); err != nil {
			return dateline.UpsertResult{}, err
		}
		stored.KeepWords(verdict, a, old)
		*a, sectionID = *stored, old.SectionID
	default:
		var ok bool
		if sectionID, ok = sections[a.Section]; !ok {
			err := tx.QueryRowContext(ctx, `SELECT id FROM sections WHERE slug = ?`, a.Section).Scan(&sectionID)
			if errors.Is(err, sql.ErrNoRows) {
				return dateline.UpsertResult{}, dateline.Errorf(dateline.EUNPROCESSABLE, "No section %q.", a.Section)
			} else if err != nil {
				return dateline.UpsertResult{}, err
			}
			sections[a.Section] = sectionID
		}
	}
	if err := writeArticle(ctx, tx, a, old, sectionID, now); err != nil {
		return dateline.UpsertResult{}, err
	}
	if a.Source != "" {
		// Every version received is kept in the story's history.
		if err := dialect.InsertRevision(ctx, sqlstore.SQL(tx), dateline.WireRevision(a, now)); err != nil {
			return dateline.UpsertResult{}, err
		}
	}
	return dateline.UpsertResult{ID: a.ID, Created: old == nil, Changed: true, Status: a.Status}, nil
}

// refuseWire records in the story's history the version a that
// ReceiveWire refused with err, leaving the story as it is. The same
// version refused again (a sender retrying) is recorded once.
func refuseWire(ctx context.Context, tx *sql.Tx, a *dateline.Article, old *dateline.StoredArticle, err error, now time.Time) error {
	note := dateline.RefusalNote(a, err)
	var kind, last string
	switch err := tx.QueryRowContext(ctx, `SELECT kind, note FROM revisions WHERE article_id = ? ORDER BY id DESC LIMIT 1`, old.ID).Scan(&kind, &last); {
	case err == nil && kind == dateline.RevisionWireRefused && last == note:
		return nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return err
	}
	return dialect.InsertRevision(ctx, sqlstore.SQL(tx), dateline.RefusedRevision(a, old, note, now))
}

// loadPrior reads the stored article that matches where, or returns nil
// when there is none.
func loadPrior(ctx context.Context, tx *sql.Tx, where string, arg any) (*dateline.StoredArticle, error) {
	var p dateline.StoredArticle
	var status string
	var sub, pub, upd, emb, chain, author sql.NullInt64
	var created, source int64
	var withheld bool
	err := tx.QueryRowContext(ctx, `SELECT id, uri, section_id, status, submitted_at, version, source_version, published_at, updated_at,
		chain_id, author_id, created_at, withheld, source, wire_version, embargo_until, embargoed, advisory FROM articles WHERE `+where, arg).
		Scan(&p.ID, &p.URI, &p.SectionID, &status, &sub, &p.Version, &source, &pub, &upd, &chain, &author, &created,
			&withheld, &p.Source, &p.WireVersion, &emb, &p.Embargoed, &p.Advisory)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	p.Status = dateline.ReadStatus(status, sub.Valid, withheld)
	p.PublishedAt, p.UpdatedAt, p.SubmittedAt = fromUnix(pub), fromUnix(upd), fromUnix(sub)
	p.ChainID, p.AuthorID = chain.Int64, author.Int64
	p.CreatedAt, p.VersionCreated, p.EmbargoUntil = time.Unix(created, 0).UTC(), time.UnixMilli(source).UTC(), fromMilli(emb)
	return &p, nil
}

// writeArticle stores a over old (nil for a new article) in the caller's
// transaction: the row with every column, its pages, tags, links and
// corrections, its place in a chain of follow-ups, the search and tag
// indexes, and the event readers hear of it (see eventKind).
// It settles the times (dateline.Article.SettleTimes) and fills a.ID,
// a.Version, a.ChainID and the times as stored. Both the ingest and the
// newsroom write through it.
func writeArticle(ctx context.Context, tx *sql.Tx, a *dateline.Article, old *dateline.StoredArticle, sectionID int64, now time.Time) error {
	if err := a.ValidateWrite(); err != nil {
		return err
	}
	now = now.UTC().Truncate(time.Second)
	a.SettleWrite(old, now)
	if a.NewAuthor(old) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = ?`, a.AuthorID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return dateline.Errorf(dateline.EINVALID, "No account %d.", a.AuthorID)
		}
	}
	chain, err := chainOf(ctx, tx, a, old)
	if err != nil {
		return err
	}
	var photoID any
	if a.Photo != nil {
		if err := dialect.SavePhoto(ctx, sqlstore.SQL(tx), a.Photo, now); err != nil {
			return err
		}
		photoID = a.Photo.ID
	}
	if old == nil {
		err = tx.QueryRowContext(ctx, `INSERT INTO articles (uri, section_id, lang, headline, lead, place, byline, status,
			published_at, updated_at, embargo_until, withdrawn_at, urgency, breaking, photo_id, version, source_version,
			created_at, modified_at, submitted_at, embargoed, advisory, withdraw_note, follows_id, chain_id, author_id, commercial,
			withheld, source, wire_version, meta_description, social_headline)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			a.URI, sectionID, a.Lang, a.Headline, a.Lead, a.Place, a.Byline, dateline.StoredStatus(a.Status),
			unix(a.PublishedAt), unix(a.UpdatedAt), unixMilli(a.EmbargoUntil), unix(a.WithdrawnAt), a.Urgency, a.Breaking, photoID,
			a.SourceVersion.UnixMilli(), now.Unix(), now.Unix(), unix(a.SubmittedAt), a.Embargoed, a.Advisory, a.WithdrawNote,
			sqlutil.NullID(a.Follows), sqlutil.NullID(chain), sqlutil.NullID(a.AuthorID), a.Commercial,
			a.Status == dateline.StatusWithheld, a.Source, a.WireVersion, a.MetaDescription, a.SocialHeadline).Scan(&a.ID)
		a.Version, a.CreatedAt = 1, now
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE articles SET section_id = ?, lang = ?, headline = ?, lead = ?, place = ?, byline = ?,
			status = ?, published_at = ?, updated_at = ?, embargo_until = ?, withdrawn_at = ?, urgency = ?, breaking = ?,
			photo_id = ?, version = version + 1, source_version = ?, modified_at = ?, submitted_at = ?, embargoed = ?,
			advisory = ?, withdraw_note = ?, follows_id = ?, chain_id = ?, author_id = ?, commercial = ?,
			withheld = ?, source = ?, wire_version = ?, meta_description = ?, social_headline = ? WHERE id = ?`,
			sectionID, a.Lang, a.Headline, a.Lead, a.Place, a.Byline, dateline.StoredStatus(a.Status),
			unix(a.PublishedAt), unix(a.UpdatedAt), unixMilli(a.EmbargoUntil), unix(a.WithdrawnAt), a.Urgency, a.Breaking,
			photoID, a.SourceVersion.UnixMilli(), now.Unix(), unix(a.SubmittedAt), a.Embargoed,
			a.Advisory, a.WithdrawNote, sqlutil.NullID(a.Follows), sqlutil.NullID(chain), sqlutil.NullID(a.AuthorID), a.Commercial,
			a.Status == dateline.StatusWithheld, a.Source, a.WireVersion, a.MetaDescription, a.SocialHeadline, old.ID)
		a.ID, a.Version, a.CreatedAt = old.ID, old.Version+1, old.CreatedAt
		if err == nil {
			err = clearArticleParts(ctx, tx, old.ID)
		}
		if err == nil {
			// Its views count in its new section's "most read".
			_, err = tx.ExecContext(ctx, `UPDATE view_windows SET section_id = ? WHERE article_id = ? AND section_id <> ?`, sectionID, old.ID, sectionID)
		}
	}
	if err != nil {
		return err
	}
	a.ChainID, a.ModifiedAt = chain, now
	if err := writeArticleParts(ctx, tx, a, now); err != nil {
		return err
	}
	if err := indexTags(ctx, tx, a.ID); err != nil {
		return err
	}
	if err := indexArticle(ctx, tx, a, sectionID); err != nil {
		return err
	}
	return insertEvent(ctx, tx, a, old, now)
}

// chainOf returns the chain a joins: that of the story it follows, which
// becomes the head of a new chain if it was in none. A story that heads a
// chain stays in it; any other that follows nothing is in none. A story
// follows an earlier one only, so chains have no cycles and move between
// engines in id order.
func chainOf(ctx context.Context, tx *sql.Tx, a *dateline.Article, old *dateline.StoredArticle) (int64, error) {
	if a.Follows == 0 {
		if old.HeadsChain() {
			return old.ID, nil
		}
		return 0, nil
	}
	if err := a.ValidateFollows(old); err != nil {
		return 0, err
	}
	var chain sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT chain_id FROM articles WHERE id = ?`, a.Follows).Scan(&chain)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, dateline.Errorf(dateline.EINVALID, "There is no story %d to follow.", a.Follows)
	} else if err != nil {
		return 0, err
	}
	if chain.Valid {
		return chain.Int64, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE articles SET chain_id = id WHERE id = ?`, a.Follows)
	return a.Follows, err
}

func clearArticleParts(ctx context.Context, tx *sql.Tx, id int64) error {
	for _, table := range []string{"article_pages", "article_topics", "article_persons", "article_links", "corrections"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE article_id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}

func writeArticleParts(ctx context.Context, tx *sql.Tx, a *dateline.Article, now time.Time) error {
	for i, body := range a.Pages {
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_pages (article_id, page, body) VALUES (?, ?, ?)`, a.ID, i+1, body); err != nil {
			return err
		}
	}
	seen := map[int64]bool{}
	for i := range a.Topics {
		t := &a.Topics[i]
		label, err := tagID(ctx, tx, "topics", &t.ID, &t.Slug, t.Name)
		if err != nil {
			return err
		}
		if t.ID == 0 || seen[t.ID] {
			continue
		}
		seen[t.ID] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_topics (article_id, topic_id, position, label) VALUES (?, ?, ?, ?)`, a.ID, t.ID, i, label); err != nil {
			return err
		}
	}
	clear(seen)
	for i := range a.Persons {
		p := &a.Persons[i]
		label, err := tagID(ctx, tx, "persons", &p.ID, &p.Slug, p.Name)
		if err != nil {
			return err
		}
		if p.ID == 0 || seen[p.ID] {
			continue
		}
		seen[p.ID] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_persons (article_id, person_id, position, label) VALUES (?, ?, ?, ?)`, a.ID, p.ID, i, label); err != nil {
			return err
		}
	}
	for i, l := range a.ReadAlso {
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_links (article_id, position, target_uri) VALUES (?, ?, ?)`, a.ID, i, l.URI); err != nil {
			return err
		}
	}
	for i := range a.Corrections {
		c := &a.Corrections[i]
		if c.At.IsZero() {
			c.At = now
		}
		c.At = sqlutil.TruncSecond(c.At)
		if _, err := tx.ExecContext(ctx, `INSERT INTO corrections (article_id, position, at, text) VALUES (?, ?, ?, ?)`, a.ID, i, c.At.Unix(), c.Text); err != nil {
			return err
		}
	}
	return nil
}

// tagID finds or creates the topic or person named name and sets its id
// and slug. A name without letters or digits gets id 0.
func tagID(ctx context.Context, tx *sql.Tx, table string, id *int64, slug *string, name string) (label string, err error) {
	*slug = dateline.Slugify(name)
	if *slug == "" {
		*id = 0
		return "", nil
	}
	var canonical string
	err = tx.QueryRowContext(ctx, `INSERT INTO `+table+` (slug, name) VALUES (?, ?)
		ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id, name`, *slug, name).Scan(id, &canonical)
	if canonical != name {
		// The story names the tag its own way ("Эльвира Набиуллина"
		// for "Elvira Nabiullina"): kept for its page.
		label = name
	}
	return label, err
}

// Topic returns the topic with the slug. Returns ENOTFOUND if none.
func (db contentStore) Topic(ctx context.Context, slug string) (_ *dateline.Topic, err error) {
	defer wrap(&err, "topic")
	var t dateline.Topic
	err = db.read.QueryRowContext(ctx, `SELECT id, slug, name FROM topics WHERE slug = ?`, slug).Scan(&t.ID, &t.Slug, &t.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No topic %q.", slug)
	}
	return &t, err
}

// Person returns the person with the slug. Returns ENOTFOUND if none.
func (db contentStore) Person(ctx context.Context, slug string) (_ *dateline.Person, err error) {
	defer wrap(&err, "person")
	var p dateline.Person
	err = db.read.QueryRowContext(ctx, `SELECT id, slug, name FROM persons WHERE slug = ?`, slug).Scan(&p.ID, &p.Slug, &p.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No person %q.", slug)
	}
	return &p, err
}

// CreateToken stores a token.
func (db contentStore) CreateToken(ctx context.Context, t *dateline.Token, now time.Time) (err error) {
	defer wrap(&err, "create token")
	if err := t.Validate(); err != nil {
		return err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now.UTC()
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO tokens (name, scope, hash, created_at, embargo, source, client_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			t.Name, t.Scope, t.Hash, t.CreatedAt.Unix(), t.Embargo, t.Source, sqlutil.NullID(t.ClientID)).Scan(&t.ID)
		if isForeignKey(err) {
			return dateline.Errorf(dateline.ENOTFOUND, "No client %d.", t.ClientID)
		}
		return err
	})
}

// TokenByHash returns the token with the hash. Returns EUNAUTHORIZED if none.
func (db contentStore) TokenByHash(ctx context.Context, hash []byte) (_ *dateline.Token, err error) {
	defer wrap(&err, "token by hash")
	var t dateline.Token
	var created int64
	err = db.read.QueryRowContext(ctx, `SELECT id, name, scope, hash, created_at, embargo, source, COALESCE(client_id, 0) FROM tokens WHERE hash = ?`, hash).
		Scan(&t.ID, &t.Name, &t.Scope, &t.Hash, &created, &t.Embargo, &t.Source, &t.ClientID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "The token is not known.")
	} else if err != nil {
		return nil, err
	}
	t.CreatedAt = time.Unix(created, 0).UTC()
	return &t, nil
}
