package sqlite

import (
	"context"
	"database/sql"
	"math"
	"strings"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
	"dateline/search"
)

// searchStore is the search index.
type searchStore struct{ *DB }

// searchVersion changes when the terms an article is indexed under change
// (a new stemmer, a new facet); the index is then rebuilt at start.
const searchVersion = 1

// indexArticle puts a published article in the index, or takes any other
// out, in the caller's transaction.
func indexArticle(ctx context.Context, tx *sql.Tx, a *dateline.Article, sectionID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_fts WHERE rowid = ?`, a.ID); err != nil {
		return err
	}
	if a.Status != dateline.StatusPublished {
		return nil
	}
	h, b, f := search.Document(a, sectionID)
	_, err := tx.ExecContext(ctx, `INSERT INTO article_fts (rowid, headline, body, facets) VALUES (?, ?, ?, ?)`, a.ID, h, b, strings.Join(f, " "))
	return err
}

// indexByID loads an article in the transaction and indexes it.
func indexByID(ctx context.Context, tx *sql.Tx, id int64) error {
	var a dateline.Article
	var status string
	var sectionID int64
	var pub sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT id, section_id, headline, lead, status, published_at FROM articles WHERE id = ?`, id).
		Scan(&a.ID, &sectionID, &a.Headline, &a.Lead, &status, &pub)
	if err != nil {
		return err
	}
	a.Status, a.PublishedAt = dateline.Status(status), fromUnix(pub)
	rows, err := tx.QueryContext(ctx, `SELECT body FROM article_pages WHERE article_id = ? ORDER BY page`, id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			rows.Close()
			return err
		}
		a.Pages = append(a.Pages, body)
	}
	rows.Close()
	for _, q := range []struct {
		sql  string
		into *[]dateline.Topic
	}{{`SELECT topic_id FROM article_topics WHERE article_id = ? ORDER BY position`, &a.Topics}} {
		if err := collectIDs(ctx, tx, q.sql, id, func(n int64) { *q.into = append(*q.into, dateline.Topic{ID: n}) }); err != nil {
			return err
		}
	}
	if err := collectIDs(ctx, tx, `SELECT person_id FROM article_persons WHERE article_id = ? ORDER BY position`, id,
		func(n int64) { a.Persons = append(a.Persons, dateline.Person{ID: n}) }); err != nil {
		return err
	}
	return indexArticle(ctx, tx, &a, sectionID)
}

func collectIDs(ctx context.Context, tx *sql.Tx, q string, id int64, add func(int64)) error {
	rows, err := tx.QueryContext(ctx, q, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return err
		}
		add(n)
	}
	return rows.Err()
}

// Reindex rebuilds the search index from the articles, in batches.
func (db searchStore) Reindex(ctx context.Context) (err error) {
	defer wrap(&err, "reindex")
	if _, err := db.write.ExecContext(ctx, `DELETE FROM article_fts`); err != nil {
		return err
	}
	var last int64
	for {
		var ids []int64
		rows, err := db.read.QueryContext(ctx, `SELECT id FROM articles WHERE status = 'published' AND id > ? ORDER BY id LIMIT 1000`, last)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		if len(ids) == 0 {
			break
		}
		err = db.inTx(ctx, func(tx *sql.Tx) error {
			for _, id := range ids {
				if err := indexByID(ctx, tx, id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		last = ids[len(ids)-1]
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_meta`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO search_meta (version) VALUES (?)`, searchVersion)
		return err
	})
}

// reindexIfStale rebuilds the index when it was made by another version.
func (db searchStore) reindexIfStale(ctx context.Context) error {
	var v int
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM search_meta`).Scan(&v)
	if err != nil || v == searchVersion {
		return err
	}
	return db.Reindex(ctx)
}

// ftsQuote makes a term an FTS5 string; terms hold only letters and digits.
func ftsQuote(t string) string { return `"` + strings.ReplaceAll(t, `"`, "") + `"` }

func ftsPhrase(p []string) string {
	q := make([]string, len(p))
	for i, t := range p {
		q[i] = strings.ReplaceAll(t, `"`, "")
	}
	return `"` + strings.Join(q, " ") + `"`
}

// matchExpr builds the FTS5 query: every phrase in the text columns, every
// facet in the facets column, then the exclusions.
func matchExpr(must, not [][]string, facetsAll []string, facetsAny []string) string {
	var parts []string
	for _, p := range must {
		parts = append(parts, `{headline body} : `+ftsPhrase(p))
	}
	for _, f := range facetsAll {
		parts = append(parts, `facets : `+ftsQuote(f))
	}
	if len(facetsAny) > 0 {
		q := make([]string, len(facetsAny))
		for i, f := range facetsAny {
			q[i] = ftsQuote(f)
		}
		parts = append(parts, `facets : (`+strings.Join(q, " OR ")+`)`)
	}
	expr := "(" + strings.Join(parts, " AND ") + ")"
	if len(not) > 0 {
		q := make([]string, len(not))
		for i, p := range not {
			q[i] = ftsPhrase(p)
		}
		expr += ` NOT ({headline body} : (` + strings.Join(q, " OR ") + `))`
	}
	return expr
}

// Search finds published articles; see dateline.SearchFilter.
func (db searchStore) Search(ctx context.Context, f dateline.SearchFilter) (_ dateline.SearchResult, err error) {
	defer wrap(&err, "search")
	var res dateline.SearchResult
	var all []string
	for _, slug := range f.Sections {
		var id int64
		if err := db.read.QueryRowContext(ctx, `SELECT id FROM sections WHERE slug = ?`, slug).Scan(&id); err != nil {
			return res, nil // an unknown section matches nothing
		}
		if len(f.Sections) == 1 {
			all = append(all, search.SectionFacet(id))
		}
	}
	var anyOf []string
	if len(f.Sections) > 1 {
		for _, slug := range f.Sections {
			var id int64
			db.read.QueryRowContext(ctx, `SELECT id FROM sections WHERE slug = ?`, slug).Scan(&id)
			anyOf = append(anyOf, search.SectionFacet(id))
		}
	}
	for _, tag := range []struct {
		table, slug string
		facet       func(int64) string
	}{
		{"topics", f.Topic, search.TopicFacet}, {"persons", f.Person, search.PersonFacet},
	} {
		if tag.slug == "" {
			continue
		}
		var id int64
		if err := db.read.QueryRowContext(ctx, `SELECT id FROM `+tag.table+` WHERE slug = ?`, tag.slug).Scan(&id); err != nil {
			return res, nil
		}
		all = append(all, tag.facet(id))
	}
	days := search.RangeFacets(f.From, f.To)
	if days != nil && anyOf == nil {
		anyOf, days = days, nil
	}
	// With several sections and a date range, the days filter the ranked
	// candidates instead of the index.
	expr := matchExpr(f.Must, f.Not, all, anyOf)

	// FTS5 walks matches in rowid order, so the newest are read first and
	// the walk stops at the limit (or the read budget); CROSS JOIN keeps
	// that order of work. bm25() is not used: it counts every document of
	// every term, tens of milliseconds for a common word in a million
	// stories. Relevance comes from the headlines read here.
	below := int64(math.MaxInt64)
	if f.ByDate && f.Before > 0 {
		below = f.Before
	}
	rows, err := db.read.QueryContext(ctx, `SELECT f.rowid, a.published_at, a.headline
		FROM article_fts f CROSS JOIN articles a ON a.id = f.rowid
		WHERE article_fts MATCH ? AND f.rowid < ? ORDER BY f.rowid DESC LIMIT ?`, expr, below, dateline.SearchDepth(f))
	if err != nil {
		return res, err
	}
	// A read budget, not a stamp: the clock only bounds how long the
	// candidates are read.
	started := time.Now()
	budget := search.ReadBudget
	if f.ByDate {
		budget = search.DateReadBudget
	}
	stopped := false
	var cands []search.Candidate
	for rows.Next() {
		var c search.Candidate
		var pub sql.NullInt64
		var headline string
		if err := rows.Scan(&c.ID, &pub, &headline); err != nil {
			rows.Close()
			return res, err
		}
		c.Published = fromUnix(pub)
		if days != nil && !inRange(c.Published, f.From, f.To) {
			continue
		}
		c.Relevance = search.Relevance(search.HeadlineShare(headline, f.Must), len(f.Must))
		cands = append(cands, c)
		if time.Since(started) > budget && len(cands) >= f.Offset+f.Limit {
			stopped = true
			break
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	res.Ranked, res.Total = len(cands), len(cands)
	res.TotalCapped = stopped || len(cands) == dateline.SearchDepth(f)
	search.Rank(cands, f.Now, f.ByDate)
	if f.Offset >= len(cands) {
		return res, nil
	}
	page := cands[f.Offset:min(len(cands), f.Offset+max(1, f.Limit))]
	ids := make([]string, len(page))
	args := make([]any, len(page))
	for i, c := range page {
		ids[i], args[i] = "?", c.ID
	}
	list, err := db.articleList(ctx, `SELECT `+sqlutil.ArticleColumns+sqlutil.ArticleFrom+` WHERE a.id IN (`+strings.Join(ids, ",")+`)`, args...)
	if err != nil {
		return res, err
	}
	bodies := map[int64]string{}
	prow, err := db.read.QueryContext(ctx, `SELECT article_id, body FROM article_pages WHERE page = 1 AND article_id IN (`+strings.Join(ids, ",")+`)`, args...)
	if err != nil {
		return res, err
	}
	for prow.Next() {
		var id int64
		var body string
		if err := prow.Scan(&id, &body); err != nil {
			prow.Close()
			return res, err
		}
		bodies[id] = body
	}
	prow.Close()
	if err := prow.Err(); err != nil {
		return res, err
	}
	res.Hits = search.Hits(page, list, bodies)
	return res, nil
}

func inRange(t, from, to time.Time) bool {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if !from.IsZero() && day.Before(time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)) {
		return false
	}
	return to.IsZero() || !day.After(time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC))
}

// SearchIndexSize returns the bytes the full-text index takes on disk.
func (db searchStore) SearchIndexSize(ctx context.Context) (_ int64, err error) {
	defer wrap(&err, "search index size")
	var n sql.NullInt64
	err = db.read.QueryRowContext(ctx, `SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'article_fts%'`).Scan(&n)
	return n.Int64, err
}
