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
	rows, err := db.read.QueryContext(ctx, `SELECT s.id, s.slug, s.name, s.position, s.lang, COALESCE(group_concat(c.code, char(10)), '')
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
func (db *DB) SaveSection(ctx context.Context, s *dateline.Section) error {
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
	old, err := loadPrior(ctx, tx, `uri = ?`, a.URI)
	if err != nil {
		return dateline.UpsertResult{}, err
	}
	var wp *dateline.WirePrior
	if old != nil {
		cs, err := corrections(ctx, tx, old.id)
		if err != nil {
			return dateline.UpsertResult{}, err
		}
		wp = old.wire(cs)
	}
	verdict, err := dateline.ReceiveWire(wp, a, a.Source, now)
	if err != nil {
		if old == nil || !dateline.WireRefusal(err) {
			return dateline.UpsertResult{}, err
		}
		return dateline.UpsertResult{ID: old.id, Status: old.status, Refused: err}, refuseWire(ctx, tx, a, old, err, now)
	}
	var sectionID int64
	switch verdict {
	case dateline.WireUnchanged:
		return dateline.UpsertResult{ID: old.id, Status: old.status}, nil
	case dateline.WireKill, dateline.WireWithhold:
		// The story keeps its own words, the last readers saw; the kill
		// brings its reason, version and times, the withholding its
		// version and times.
		stored, err := scanArticle(tx.QueryRowContext(ctx, `SELECT `+articleColumns+articleFrom+` WHERE a.id = ?`, old.id))
		if err != nil {
			return dateline.UpsertResult{}, err
		}
		if err := fillArticle(ctx, tx, stored); err != nil {
			return dateline.UpsertResult{}, err
		}
		// The stored version stays the newest seen, so that a version
		// resent after an older-numbered kill is unchanged, not refused.
		stored.Status = dateline.StatusWithdrawn
		if verdict == dateline.WireWithhold {
			stored.Status, stored.Corrections = dateline.StatusWithheld, a.Corrections
		}
		if dateline.CompareWire(a.WireVersion, a.SourceVersion, old.wireVersion, old.versionCreated) > 0 {
			stored.SourceVersion, stored.WireVersion = a.SourceVersion, a.WireVersion
		}
		if a.WithdrawNote != "" && verdict == dateline.WireKill {
			stored.WithdrawNote = a.WithdrawNote
		}
		*a, sectionID = *stored, old.sectionID
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
		d := dateline.DraftOf(a)
		rev := &dateline.Revision{ArticleID: a.ID, Version: a.Version, Kind: dateline.RevisionWire, UserName: a.Source,
			Note: dateline.VersionNote(a.Source, a.WireVersion, a.SourceVersion), Data: d.Encode(), CreatedAt: now}
		if err := insertRevision(ctx, tx, rev); err != nil {
			return dateline.UpsertResult{}, err
		}
	}
	return dateline.UpsertResult{ID: a.ID, Created: old == nil, Changed: true, Status: a.Status}, nil
}

// refuseWire records in the story's history the version a that
// ReceiveWire refused with err, leaving the story as it is. The same
// version refused again (a sender retrying) is recorded once.
func refuseWire(ctx context.Context, tx *sql.Tx, a *dateline.Article, old *prior, err error, now time.Time) error {
	note := dateline.RefusalNote(a, err)
	var kind, last string
	switch err := tx.QueryRowContext(ctx, `SELECT kind, note FROM revisions WHERE article_id = ? ORDER BY id DESC LIMIT 1`, old.id).Scan(&kind, &last); {
	case err == nil && kind == dateline.RevisionWireRefused && last == note:
		return nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return err
	}
	d := dateline.DraftOf(a)
	return insertRevision(ctx, tx, &dateline.Revision{ArticleID: old.id, Version: old.version, Kind: dateline.RevisionWireRefused,
		UserName: a.Source, Note: note, Data: d.Encode(), CreatedAt: now})
}

// prior is what a write needs to know of the stored article.
type prior struct {
	id, chainID, authorID int64
	sectionID             int64
	uri                   string
	status                dateline.Status // StatusSubmitted and StatusWithheld as the domain names them
	version               int
	versionCreated        time.Time // source_version, to the millisecond
	published, updated    time.Time
	submitted, created    time.Time
	source, wireVersion   string
	embargo               time.Time
	embargoed             bool
	advisory              string
}

// wire is what dateline.ReceiveWire needs to know of the stored story,
// with its corrections cs.
func (p *prior) wire(cs []dateline.Correction) *dateline.WirePrior {
	return &dateline.WirePrior{Status: p.status, Source: p.source, Version: p.wireVersion, VersionCreated: p.versionCreated,
		PublishedAt: p.published, EmbargoUntil: p.embargo, Embargoed: p.embargoed, Advisory: p.advisory, Corrections: cs}
}

// loadPrior reads the stored article that matches where, or returns nil
// when there is none.
func loadPrior(ctx context.Context, tx *sql.Tx, where string, arg any) (*prior, error) {
	var p prior
	var status string
	var sub, pub, upd, emb, chain, author sql.NullInt64
	var created, source int64
	var withheld bool
	err := tx.QueryRowContext(ctx, `SELECT id, uri, section_id, status, submitted_at, version, source_version, published_at, updated_at,
		chain_id, author_id, created_at, withheld, source, wire_version, embargo_until, embargoed, advisory FROM articles WHERE `+where, arg).
		Scan(&p.id, &p.uri, &p.sectionID, &status, &sub, &p.version, &source, &pub, &upd, &chain, &author, &created,
			&withheld, &p.source, &p.wireVersion, &emb, &p.embargoed, &p.advisory)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	p.status = readStatus(status, sub, withheld)
	p.published, p.updated, p.submitted = fromUnix(pub), fromUnix(upd), fromUnix(sub)
	p.chainID, p.authorID = chain.Int64, author.Int64
	p.created, p.versionCreated, p.embargo = time.Unix(created, 0).UTC(), time.UnixMilli(source).UTC(), fromMilli(emb)
	return &p, nil
}

// readStatus maps a stored status back: a draft with a submission time is
// a submitted story, one marked withheld a withheld story.
func readStatus(status string, submitted sql.NullInt64, withheld bool) dateline.Status {
	switch {
	case status == string(dateline.StatusDraft) && withheld:
		return dateline.StatusWithheld
	case status == string(dateline.StatusDraft) && submitted.Valid:
		return dateline.StatusSubmitted
	}
	return dateline.Status(status)
}

// storedStatus is the status column's value for s.
func storedStatus(s dateline.Status) string {
	if s == dateline.StatusSubmitted || s == dateline.StatusWithheld {
		return string(dateline.StatusDraft)
	}
	return string(s)
}

// nullID is NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// writeArticle stores a over old (nil for a new article) in the caller's
// transaction: the row with every column, its pages, tags, links and
// corrections, its place in a chain of follow-ups, the search and tag
// indexes, and the event readers hear of it (see eventKind).
// It settles the times (dateline.Article.SettleTimes) and fills a.ID,
// a.Version, a.ChainID and the times as stored. Both the ingest and the
// newsroom write through it.
func writeArticle(ctx context.Context, tx *sql.Tx, a *dateline.Article, old *prior, sectionID int64, now time.Time) error {
	if !dateline.ValidCommercial(a.Commercial) {
		return dateline.Errorf(dateline.EINVALID, "An article is marked partner or advertising, or not at all; not %q.", a.Commercial)
	}
	now = now.UTC().Truncate(time.Second)
	var oldStatus dateline.Status
	var oldPub, oldUpd time.Time
	if old != nil {
		oldStatus, oldPub, oldUpd = old.status, old.published, old.updated
		if a.AuthorID == 0 {
			a.AuthorID = old.authorID
		}
		// A story belongs to the source that first sent it, whoever
		// edits it since.
		a.Source = old.source
	}
	a.SettleTimes(oldStatus, oldPub, oldUpd, now)
	switch {
	case a.Status != dateline.StatusSubmitted:
		a.SubmittedAt = time.Time{}
	case !a.SubmittedAt.IsZero():
	case old != nil && old.status == dateline.StatusSubmitted:
		a.SubmittedAt = old.submitted
	default:
		a.SubmittedAt = now
	}
	a.SubmittedAt = truncSecond(a.SubmittedAt)
	if a.AuthorID != 0 && (old == nil || a.AuthorID != old.authorID) {
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
		if err := savePhoto(ctx, tx, a.Photo, now); err != nil {
			return err
		}
		photoID = a.Photo.ID
	}
	if old == nil {
		err = tx.QueryRowContext(ctx, `INSERT INTO articles (uri, section_id, lang, headline, lead, place, byline, status,
			published_at, updated_at, embargo_until, withdrawn_at, urgency, breaking, photo_id, version, source_version,
			created_at, modified_at, submitted_at, embargoed, advisory, withdraw_note, follows_id, chain_id, author_id, commercial,
			withheld, source, wire_version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			a.URI, sectionID, a.Lang, a.Headline, a.Lead, a.Place, a.Byline, storedStatus(a.Status),
			unix(a.PublishedAt), unix(a.UpdatedAt), unixMilli(a.EmbargoUntil), unix(a.WithdrawnAt), a.Urgency, a.Breaking, photoID,
			a.SourceVersion.UnixMilli(), now.Unix(), now.Unix(), unix(a.SubmittedAt), a.Embargoed, a.Advisory, a.WithdrawNote,
			nullID(a.Follows), nullID(chain), nullID(a.AuthorID), a.Commercial,
			a.Status == dateline.StatusWithheld, a.Source, a.WireVersion).Scan(&a.ID)
		a.Version, a.CreatedAt = 1, now
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE articles SET section_id = ?, lang = ?, headline = ?, lead = ?, place = ?, byline = ?,
			status = ?, published_at = ?, updated_at = ?, embargo_until = ?, withdrawn_at = ?, urgency = ?, breaking = ?,
			photo_id = ?, version = version + 1, source_version = ?, modified_at = ?, submitted_at = ?, embargoed = ?,
			advisory = ?, withdraw_note = ?, follows_id = ?, chain_id = ?, author_id = ?, commercial = ?,
			withheld = ?, source = ?, wire_version = ? WHERE id = ?`,
			sectionID, a.Lang, a.Headline, a.Lead, a.Place, a.Byline, storedStatus(a.Status),
			unix(a.PublishedAt), unix(a.UpdatedAt), unixMilli(a.EmbargoUntil), unix(a.WithdrawnAt), a.Urgency, a.Breaking,
			photoID, a.SourceVersion.UnixMilli(), now.Unix(), unix(a.SubmittedAt), a.Embargoed,
			a.Advisory, a.WithdrawNote, nullID(a.Follows), nullID(chain), nullID(a.AuthorID), a.Commercial,
			a.Status == dateline.StatusWithheld, a.Source, a.WireVersion, old.id)
		a.ID, a.Version, a.CreatedAt = old.id, old.version+1, old.created
		if err == nil {
			err = clearArticleParts(ctx, tx, old.id)
		}
		if err == nil {
			// Its views count in its new section's "most read".
			_, err = tx.ExecContext(ctx, `UPDATE view_windows SET section_id = ? WHERE article_id = ? AND section_id <> ?`, sectionID, old.id, sectionID)
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
func chainOf(ctx context.Context, tx *sql.Tx, a *dateline.Article, old *prior) (int64, error) {
	if a.Follows == 0 {
		if old != nil && old.chainID == old.id {
			return old.id, nil
		}
		return 0, nil
	}
	if old != nil && a.Follows == old.id {
		return 0, dateline.Errorf(dateline.EINVALID, "A story cannot follow itself.")
	}
	if old != nil && a.Follows > old.id {
		return 0, dateline.Errorf(dateline.EINVALID, "A story can only follow an earlier one, not %d.", a.Follows)
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

func truncSecond(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
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
		c.At = truncSecond(c.At)
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

// SavePhoto creates the photo, or updates the one with its id (a photo of
// the library) or else with the same URI. Returns ENOTFOUND for an unknown
// id and ECONFLICT when another photo has the URI.
func (db *DB) SavePhoto(ctx context.Context, p *dateline.Photo) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return savePhoto(ctx, tx, p, time.Now()) })
}

func savePhoto(ctx context.Context, tx *sql.Tx, p *dateline.Photo, now time.Time) error {
	var uri any
	if p.URI != "" {
		uri = p.URI
	}
	if p.ID != 0 {
		// A photo picked from the library keeps its row, whatever its URI.
		res, err := tx.ExecContext(ctx, `UPDATE photos SET uri = COALESCE(?, uri), path = ?, remote = ?, width = ?, height = ?,
			widths = ?, caption = ?, credit = ?, alt = ? WHERE id = ?`,
			uri, p.Path, p.Remote, p.Width, p.Height, joinInts(p.Widths), p.Caption, p.Credit, p.Alt, p.ID)
		if isUnique(err) {
			return dateline.Errorf(dateline.ECONFLICT, "Another photo has the URI %q.", p.URI)
		} else if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No photo %d.", p.ID)
		}
		return nil
	}
	// The same file sent again (a re-upload, an agency update) takes the new
	// file but keeps words it arrives without: an empty caption, credit or
	// alt leaves the stored one.
	return tx.QueryRowContext(ctx, `INSERT INTO photos (uri, path, remote, width, height, widths, caption, credit, alt, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (uri) DO UPDATE SET path = excluded.path, remote = excluded.remote, width = excluded.width,
			height = excluded.height, widths = excluded.widths,
			caption = COALESCE(NULLIF(excluded.caption, ''), photos.caption), credit = COALESCE(NULLIF(excluded.credit, ''), photos.credit),
			alt = COALESCE(NULLIF(excluded.alt, ''), photos.alt)
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
		return tx.QueryRowContext(ctx, `INSERT INTO tokens (name, scope, hash, created_at, embargo, source) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			t.Name, t.Scope, t.Hash, t.CreatedAt.Unix(), t.Embargo, t.Source).Scan(&t.ID)
	})
}

// TokenByHash returns the token with the hash. Returns EUNAUTHORIZED if none.
func (db *DB) TokenByHash(ctx context.Context, hash []byte) (*dateline.Token, error) {
	var t dateline.Token
	var created int64
	err := db.read.QueryRowContext(ctx, `SELECT id, name, scope, hash, created_at, embargo, source FROM tokens WHERE hash = ?`, hash).
		Scan(&t.ID, &t.Name, &t.Scope, &t.Hash, &created, &t.Embargo, &t.Source)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "The token is not known.")
	} else if err != nil {
		return nil, fmt.Errorf("sqlite: token: %w", err)
	}
	t.CreatedAt = time.Unix(created, 0).UTC()
	return &t, nil
}
