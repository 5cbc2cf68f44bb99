package postgres

import (
	"context"
	"errors"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dateline"
	"dateline/internal/sqlstore"
	"dateline/internal/sqlutil"
)

// Sections returns every section in display order.
func (db contentStore) Sections(ctx context.Context) (_ []dateline.Section, err error) {
	defer wrap(&err, "sections")
	rows, err := db.reader(ctx).Query(ctx, `SELECT s.id, s.slug, s.name, s.position, s.lang,
			COALESCE(array_agg(c.code ORDER BY c.code) FILTER (WHERE c.code IS NOT NULL), '{}')
		FROM sections s LEFT JOIN section_codes c ON c.section_id = s.id
		GROUP BY s.id ORDER BY s.position, s.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ss := []dateline.Section{}
	for rows.Next() {
		var s dateline.Section
		if err := rows.Scan(&s.ID, &s.Slug, &s.Name, &s.Position, &s.Lang, &s.Codes); err != nil {
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
func (db contentStore) SaveSection(ctx context.Context, s *dateline.Section) (err error) {
	defer wrap(&err, "save section")
	if err := s.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO sections (slug, name, position, lang) VALUES ($1, $2, $3, $4)
			ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, position = EXCLUDED.position, lang = EXCLUDED.lang
			RETURNING id`, s.Slug, s.Name, s.Position, s.Lang).Scan(&s.ID)
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
func (db contentStore) UpsertArticles(ctx context.Context, as []*dateline.Article, now time.Time) (_ []dateline.UpsertResult, err error) {
	defer wrap(&err, "upsert articles")
	saved := make([]dateline.Article, len(as))
	for i, a := range as {
		saved[i] = *a
		if a.Photo != nil {
			// A retry must not see the id a rolled-back attempt gave it.
			p := *a.Photo
			saved[i].Photo = &p
		}
	}
	var results []dateline.UpsertResult
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			for i, a := range as {
				*a = saved[i]
				if a.Photo != nil {
					p := *a.Photo
					a.Photo = &p
				}
			}
			time.Sleep(time.Duration(attempt*attempt) * 20 * time.Millisecond)
		}
		results, err = db.upsertArticles(ctx, as, now)
		if !retryable(err) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return results, nil
}

func (db contentStore) upsertArticles(ctx context.Context, as []*dateline.Article, now time.Time) ([]dateline.UpsertResult, error) {
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
		var events []dateline.Event
		for i, a := range as {
			r, err := upsertArticle(ctx, tx, a, now, sections, &events)
			if err != nil {
				return err
			}
			results[i] = r
			changed = changed || r.Changed
		}
		return writeEvents(ctx, tx, events)
	})
	if err != nil {
		return nil, err
	}
	if changed {
		db.announce(ctx, true)
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

func upsertArticle(ctx context.Context, tx pgx.Tx, a *dateline.Article, now time.Time, sections map[string]int64, events *[]dateline.Event) (dateline.UpsertResult, error) {
	if err := a.ValidateIngest(); err != nil {
		return dateline.UpsertResult{}, err
	}
	old, err := loadPrior(ctx, tx, `uri = $1`, a.URI)
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
		stored, err := sqlutil.ScanArticle(tx.QueryRow(ctx, `SELECT `+sqlutil.ArticleColumns+sqlutil.ArticleFrom+` WHERE a.id = $1`, old.ID))
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
			err := tx.QueryRow(ctx, `SELECT id FROM sections WHERE slug = $1`, a.Section).Scan(&sectionID)
			if errors.Is(err, pgx.ErrNoRows) {
				return dateline.UpsertResult{}, dateline.Errorf(dateline.EUNPROCESSABLE, "No section %q.", a.Section)
			} else if err != nil {
				return dateline.UpsertResult{}, err
			}
			sections[a.Section] = sectionID
		}
	}
	if err := writeArticle(ctx, tx, a, old, sectionID, now, events); err != nil {
		return dateline.UpsertResult{}, err
	}
	if a.Source != "" {
		// Every version received is kept in the story's history.
		if err := dialect.InsertRevision(ctx, sqlstore.Pgx(tx), dateline.WireRevision(a, now)); err != nil {
			return dateline.UpsertResult{}, err
		}
	}
	return dateline.UpsertResult{ID: a.ID, Created: old == nil, Changed: true, Status: a.Status}, nil
}

// refuseWire records in the story's history the version a that
// ReceiveWire refused with err, leaving the story as it is. The same
// version refused again (a sender retrying) is recorded once.
func refuseWire(ctx context.Context, tx pgx.Tx, a *dateline.Article, old *dateline.StoredArticle, err error, now time.Time) error {
	note := dateline.RefusalNote(a, err)
	var kind, last string
	switch err := tx.QueryRow(ctx, `SELECT kind, note FROM revisions WHERE article_id = $1 ORDER BY id DESC LIMIT 1`, old.ID).Scan(&kind, &last); {
	case err == nil && kind == dateline.RevisionWireRefused && last == note:
		return nil
	case err != nil && !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	return dialect.InsertRevision(ctx, sqlstore.Pgx(tx), dateline.RefusedRevision(a, old, note, now))
}

// corrections reads an article's corrections in order.
func corrections(ctx context.Context, q querier, id int64) ([]dateline.Correction, error) {
	rows, err := q.Query(ctx, `SELECT at, text FROM corrections WHERE article_id = $1 ORDER BY position`, id)
	if err != nil {
		return nil, err
	}
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (dateline.Correction, error) {
		var c dateline.Correction
		err := row.Scan(&c.At, &c.Text)
		c.At = c.At.UTC()
		return c, err
	})
	if len(cs) == 0 {
		cs = nil
	}
	return cs, err
}

// loadPrior reads and locks the stored article that matches where, or
// returns nil when there is none.
func loadPrior(ctx context.Context, tx pgx.Tx, where string, arg any) (*dateline.StoredArticle, error) {
	var p dateline.StoredArticle
	var status string
	var sub, pub, upd, emb *time.Time
	var chain, author *int64
	var withheld bool
	err := tx.QueryRow(ctx, `SELECT id, uri, section_id, status, submitted_at, version, source_version, published_at, updated_at,
		chain_id, author_id, created_at, withheld, source, wire_version, embargo_until, embargoed, advisory
		FROM articles WHERE `+where+` FOR UPDATE`, arg).
		Scan(&p.ID, &p.URI, &p.SectionID, &status, &sub, &p.Version, &p.VersionCreated, &pub, &upd, &chain, &author, &p.CreatedAt,
			&withheld, &p.Source, &p.WireVersion, &emb, &p.Embargoed, &p.Advisory)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	p.Status = dateline.ReadStatus(status, sub != nil, withheld)
	p.PublishedAt, p.UpdatedAt, p.SubmittedAt, p.EmbargoUntil = fromTS(pub), fromTS(upd), fromTS(sub), fromTS(emb)
	p.ChainID, p.AuthorID = derefID(chain), derefID(author)
	p.VersionCreated, p.CreatedAt = p.VersionCreated.UTC(), p.CreatedAt.UTC()
	return &p, nil
}

func derefID(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// writeArticle stores a over old (nil for a new article) in the caller's
// transaction: the row with every column, its pages, tags, links and
// corrections, its place in a chain of follow-ups, and the search and
// tag indexes; the event readers hear of it (dateline.EventFor) is appended to events, for
// the caller to write last (writeEvents). It settles the times
// (dateline.Article.SettleTimes) and fills a.ID, a.Version, a.ChainID and
// the times as stored. Both the ingest and the newsroom write through it.
func writeArticle(ctx context.Context, tx pgx.Tx, a *dateline.Article, old *dateline.StoredArticle, sectionID int64, now time.Time, events *[]dateline.Event) error {
	if err := a.ValidateWrite(); err != nil {
		return err
	}
	now = now.UTC().Truncate(time.Second)
	a.SettleWrite(old, now)
	if a.NewAuthor(old) {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE id = $1`, a.AuthorID).Scan(&n); err != nil {
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
		if err := dialect.SavePhoto(ctx, sqlstore.Pgx(tx), a.Photo, now); err != nil {
			return err
		}
		photoID = a.Photo.ID
	}
	source := a.SourceVersion.UTC().Truncate(time.Millisecond)
	if old == nil {
		err = tx.QueryRow(ctx, `INSERT INTO articles (uri, section_id, lang, headline, lead, place, byline, status,
			published_at, updated_at, embargo_until, withdrawn_at, urgency, breaking, photo_id, version, source_version,
			created_at, modified_at, submitted_at, embargoed, advisory, withdraw_note, follows_id, chain_id, author_id, commercial,
			withheld, source, wire_version, meta_description, social_headline)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $17, $17, $18, $19, $20, $21, $22, $23, $24, $25,
				$26, $27, $28, $29, $30)
			RETURNING id`,
			a.URI, sectionID, a.Lang, a.Headline, a.Lead, a.Place, a.Byline, dateline.StoredStatus(a.Status),
			ts(a.PublishedAt), ts(a.UpdatedAt), tsMilli(a.EmbargoUntil), ts(a.WithdrawnAt), a.Urgency, a.Breaking, photoID,
			source, ts(now), ts(a.SubmittedAt), a.Embargoed, a.Advisory, a.WithdrawNote,
			sqlutil.NullID(a.Follows), sqlutil.NullID(chain), sqlutil.NullID(a.AuthorID), a.Commercial,
			a.Status == dateline.StatusWithheld, a.Source, a.WireVersion, a.MetaDescription, a.SocialHeadline).Scan(&a.ID)
		a.Version, a.CreatedAt = 1, now
	} else {
		_, err = tx.Exec(ctx, `UPDATE articles SET section_id = $1, lang = $2, headline = $3, lead = $4, place = $5, byline = $6,
			status = $7, published_at = $8, updated_at = $9, embargo_until = $10, withdrawn_at = $11, urgency = $12, breaking = $13,
			photo_id = $14, version = version + 1, source_version = $15, modified_at = $16, submitted_at = $17, embargoed = $18,
			advisory = $19, withdraw_note = $20, follows_id = $21, chain_id = $22, author_id = $23, commercial = $25,
			withheld = $26, source = $27, wire_version = $28, meta_description = $29, social_headline = $30 WHERE id = $24`,
			sectionID, a.Lang, a.Headline, a.Lead, a.Place, a.Byline, dateline.StoredStatus(a.Status),
			ts(a.PublishedAt), ts(a.UpdatedAt), tsMilli(a.EmbargoUntil), ts(a.WithdrawnAt), a.Urgency, a.Breaking,
			photoID, source, ts(now), ts(a.SubmittedAt), a.Embargoed,
			a.Advisory, a.WithdrawNote, sqlutil.NullID(a.Follows), sqlutil.NullID(chain), sqlutil.NullID(a.AuthorID), old.ID, a.Commercial,
			a.Status == dateline.StatusWithheld, a.Source, a.WireVersion, a.MetaDescription, a.SocialHeadline)
		a.ID, a.Version, a.CreatedAt = old.ID, old.Version+1, old.CreatedAt
		if err == nil {
			for _, table := range []string{"article_pages", "article_topics", "article_persons", "article_links", "corrections"} {
				if _, err = tx.Exec(ctx, `DELETE FROM `+table+` WHERE article_id = $1`, old.ID); err != nil {
					break
				}
			}
		}
		if err == nil {
			// Its views count in its new section's "most read".
			_, err = tx.Exec(ctx, `UPDATE view_windows SET section_id = $1 WHERE article_id = $2 AND section_id <> $1`, sectionID, old.ID)
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
	if e, ok := dateline.ArticleEvent(a, old, now); ok {
		*events = append(*events, e)
	}
	return nil
}

// chainOf returns the chain a joins: that of the story it follows, which
// becomes the head of a new chain if it was in none. A story that heads a
// chain stays in it; any other that follows nothing is in none. A story
// follows an earlier one only, so chains have no cycles and move between
// engines in id order.
func chainOf(ctx context.Context, tx pgx.Tx, a *dateline.Article, old *dateline.StoredArticle) (int64, error) {
	if a.Follows == 0 {
		if old.HeadsChain() {
			return old.ID, nil
		}
		return 0, nil
	}
	if err := a.ValidateFollows(old); err != nil {
		return 0, err
	}
	var chain *int64
	err := tx.QueryRow(ctx, `SELECT chain_id FROM articles WHERE id = $1`, a.Follows).Scan(&chain)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, dateline.Errorf(dateline.EINVALID, "There is no story %d to follow.", a.Follows)
	} else if err != nil {
		return 0, err
	}
	if chain != nil {
		return *chain, nil
	}
	_, err = tx.Exec(ctx, `UPDATE articles SET chain_id = id WHERE id = $1`, a.Follows)
	return a.Follows, err
}

func writeArticleParts(ctx context.Context, tx pgx.Tx, a *dateline.Article, now time.Time) error {
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
			if _, err := tx.Exec(ctx, `INSERT INTO `+link.table+` (article_id, `+link.column+`, position, label) VALUES ($1, $2, $3, $4)`, a.ID, t.id, i, t.label); err != nil {
				return err
			}
		}
	}
	for i, l := range a.ReadAlso {
		if _, err := tx.Exec(ctx, `INSERT INTO article_links (article_id, position, target_uri) VALUES ($1, $2, $3)`, a.ID, i, l.URI); err != nil {
			return err
		}
	}
	for i := range a.Corrections {
		c := &a.Corrections[i]
		if c.At.IsZero() {
			c.At = now
		}
		c.At = sqlutil.TruncSecond(c.At)
		if _, err := tx.Exec(ctx, `INSERT INTO corrections (article_id, position, at, text) VALUES ($1, $2, $3, $4)`, a.ID, i, c.At, c.Text); err != nil {
			return err
		}
	}
	return nil
}

type tag struct {
	name, slug string
	id         int64
	label      string // name when the tag's own name differs
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
		canonical := t.name
		err := tx.QueryRow(ctx, `INSERT INTO `+table+` (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING RETURNING id`, t.slug, t.name).Scan(&t.id)
		if errors.Is(err, pgx.ErrNoRows) {
			err = tx.QueryRow(ctx, `SELECT id, name FROM `+table+` WHERE slug = $1`, t.slug).Scan(&t.id, &canonical)
		}
		if err != nil {
			return err
		}
		if canonical != t.name {
			// The story names the tag its own way: kept for its page.
			t.label = t.name
		}
	}
	return nil
}

// Topic returns the topic with the slug. Returns ENOTFOUND if none.
func (db contentStore) Topic(ctx context.Context, slug string) (_ *dateline.Topic, err error) {
	defer wrap(&err, "topic")
	var t dateline.Topic
	err = db.reader(ctx).QueryRow(ctx, `SELECT id, slug, name FROM topics WHERE slug = $1`, slug).Scan(&t.ID, &t.Slug, &t.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No topic %q.", slug)
	}
	return &t, err
}

// Person returns the person with the slug. Returns ENOTFOUND if none.
func (db contentStore) Person(ctx context.Context, slug string) (_ *dateline.Person, err error) {
	defer wrap(&err, "person")
	var p dateline.Person
	err = db.reader(ctx).QueryRow(ctx, `SELECT id, slug, name FROM persons WHERE slug = $1`, slug).Scan(&p.ID, &p.Slug, &p.Name)
	if errors.Is(err, pgx.ErrNoRows) {
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
	return db.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO tokens (name, scope, hash, created_at, embargo, source, client_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			t.Name, t.Scope, t.Hash, ts(t.CreatedAt), t.Embargo, t.Source, sqlutil.NullID(t.ClientID)).Scan(&t.ID)
		if isForeignKey(err) {
			return dateline.Errorf(dateline.ENOTFOUND, "No client %d.", t.ClientID)
		}
		return err
	})
}

// TokenByHash returns the token with the hash. Returns EUNAUTHORIZED if
// none. Tokens are read from the primary, so a new one works at once.
func (db contentStore) TokenByHash(ctx context.Context, hash []byte) (_ *dateline.Token, err error) {
	defer wrap(&err, "token by hash")
	var t dateline.Token
	err = db.primary.QueryRow(ctx, `SELECT id, name, scope, hash, created_at, embargo, source, COALESCE(client_id, 0) FROM tokens WHERE hash = $1`, hash).
		Scan(&t.ID, &t.Name, &t.Scope, &t.Hash, &t.CreatedAt, &t.Embargo, &t.Source, &t.ClientID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "The token is not known.")
	} else if err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return &t, nil
}
