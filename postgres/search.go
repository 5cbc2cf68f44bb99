package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dateline"
	"dateline/internal/sqlutil"
	"dateline/search"
)

// searchStore is the search index.
type searchStore struct{ *DB }

// searchVersion changes when the terms an article is indexed under change;
// the index is then rebuilt at start.
const searchVersion = 1

// indexArticle puts a published article in the index, or takes any other
// out, in the caller's transaction.
func indexArticle(ctx context.Context, tx pgx.Tx, a *dateline.Article, sectionID int64) error {
	if a.Status != dateline.StatusPublished {
		_, err := tx.Exec(ctx, `DELETE FROM article_search WHERE article_id = $1`, a.ID)
		return err
	}
	h, b, f := search.Document(a, sectionID)
	_, err := tx.Exec(ctx, `INSERT INTO article_search (article_id, doc, facets)
		VALUES ($1, setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'D'), $4)
		ON CONFLICT (article_id) DO UPDATE SET doc = EXCLUDED.doc, facets = EXCLUDED.facets`, a.ID, h, b, f)
	return err
}

// indexByID loads an article in the transaction and indexes it.
func indexByID(ctx context.Context, tx pgx.Tx, id int64) error {
	var a dateline.Article
	var status string
	var sectionID int64
	var pub *time.Time
	err := tx.QueryRow(ctx, `SELECT id, section_id, headline, lead, status, published_at FROM articles WHERE id = $1`, id).
		Scan(&a.ID, &sectionID, &a.Headline, &a.Lead, &status, &pub)
	if err != nil {
		return err
	}
	a.Status, a.PublishedAt = dateline.Status(status), fromTS(pub)
	rows, err := tx.Query(ctx, `SELECT body FROM article_pages WHERE article_id = $1 ORDER BY page`, id)
	if err != nil {
		return err
	}
	if a.Pages, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return err
	}
	rows, err = tx.Query(ctx, `SELECT topic_id FROM article_topics WHERE article_id = $1`, id)
	if err != nil {
		return err
	}
	topics, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for _, t := range topics {
		a.Topics = append(a.Topics, dateline.Topic{ID: t})
	}
	rows, err = tx.Query(ctx, `SELECT person_id FROM article_persons WHERE article_id = $1`, id)
	if err != nil {
		return err
	}
	persons, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for _, p := range persons {
		a.Persons = append(a.Persons, dateline.Person{ID: p})
	}
	return indexArticle(ctx, tx, &a, sectionID)
}

// Reindex rebuilds the search index from the articles, a thousand at a
// time: each batch is read with four queries and written with one.
func (db searchStore) Reindex(ctx context.Context) (err error) {
	defer wrap(&err, "reindex")
	// GIN indexes are built much faster whole than row by row: drop them,
	// fill the table, make them again.
	if _, err := db.primary.Exec(ctx, `DROP INDEX IF EXISTS article_search_doc; DROP INDEX IF EXISTS article_search_facets; TRUNCATE article_search`); err != nil {
		return err
	}
	var last int64
	for {
		rows, err := db.primary.Query(ctx, `SELECT id FROM articles WHERE status = 'published' AND id > $1 ORDER BY id LIMIT 1000`, last)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			break
		}
		if err := db.indexBatch(ctx, ids); err != nil {
			return err
		}
		last = ids[len(ids)-1]
	}
	if _, err := db.primary.Exec(ctx, `CREATE INDEX article_search_doc ON article_search USING gin (doc);
		CREATE INDEX article_search_facets ON article_search USING gin (facets); ANALYZE article_search`); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, db.primary, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM search_meta`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO search_meta (version) VALUES ($1)`, searchVersion)
		return err
	})
}

// indexBatch indexes published articles by id in one transaction.
func (db searchStore) indexBatch(ctx context.Context, ids []int64) error {
	return pgx.BeginFunc(ctx, db.primary, func(tx pgx.Tx) error {
		byID := map[int64]*dateline.Article{}
		sectionOf := map[int64]int64{}
		rows, err := tx.Query(ctx, `SELECT id, section_id, headline, lead, published_at FROM articles
			WHERE id = ANY($1) AND status = 'published'`, ids)
		if err != nil {
			return err
		}
		for rows.Next() {
			a := &dateline.Article{Status: dateline.StatusPublished}
			var sid int64
			var pub *time.Time
			if err := rows.Scan(&a.ID, &sid, &a.Headline, &a.Lead, &pub); err != nil {
				rows.Close()
				return err
			}
			a.PublishedAt = fromTS(pub)
			byID[a.ID], sectionOf[a.ID] = a, sid
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, part := range []struct {
			query string
			add   func(a *dateline.Article, body string, n int64)
		}{
			{`SELECT article_id, body, 0 FROM article_pages WHERE article_id = ANY($1) ORDER BY article_id, page`,
				func(a *dateline.Article, body string, _ int64) { a.Pages = append(a.Pages, body) }},
			{`SELECT article_id, '', topic_id FROM article_topics WHERE article_id = ANY($1)`,
				func(a *dateline.Article, _ string, n int64) { a.Topics = append(a.Topics, dateline.Topic{ID: n}) }},
			{`SELECT article_id, '', person_id FROM article_persons WHERE article_id = ANY($1)`,
				func(a *dateline.Article, _ string, n int64) { a.Persons = append(a.Persons, dateline.Person{ID: n}) }},
		} {
			rows, err := tx.Query(ctx, part.query, ids)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id, n int64
				var body string
				if err := rows.Scan(&id, &body, &n); err != nil {
					rows.Close()
					return err
				}
				if a := byID[id]; a != nil {
					part.add(a, body, n)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		var aid []int64
		var hs, bs, fs []string
		for _, id := range ids {
			a := byID[id]
			if a == nil {
				continue
			}
			h, b, f := search.Document(a, sectionOf[id])
			aid, hs, bs, fs = append(aid, id), append(hs, h), append(bs, b), append(fs, strings.Join(f, " "))
		}
		_, err = tx.Exec(ctx, `INSERT INTO article_search (article_id, doc, facets)
			SELECT id, setweight(to_tsvector('simple', h), 'A') || setweight(to_tsvector('simple', b), 'D'), string_to_array(f, ' ')
			FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS t(id, h, b, f)
			ON CONFLICT (article_id) DO UPDATE SET doc = EXCLUDED.doc, facets = EXCLUDED.facets`, aid, hs, bs, fs)
		return err
	})
}

func (db searchStore) reindexIfStale(ctx context.Context) error {
	var v int
	if err := db.primary.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM search_meta`).Scan(&v); err != nil || v == searchVersion {
		return err
	}
	return db.Reindex(ctx)
}

// tsQuery builds a tsquery of the 'simple' configuration; terms hold only
// letters and digits, and are quoted all the same.
func tsQuery(must, not [][]string) string {
	phrase := func(p []string) string {
		q := make([]string, len(p))
		for i, t := range p {
			q[i] = "'" + strings.ReplaceAll(t, "'", "") + "'"
		}
		return "(" + strings.Join(q, " <-> ") + ")"
	}
	var parts []string
	for _, p := range must {
		parts = append(parts, phrase(p))
	}
	for _, p := range not {
		parts = append(parts, "!"+phrase(p))
	}
	return strings.Join(parts, " & ")
}

// searchWindow reads the newest matches above an id floor, scored by the
// share of wanted phrases in their headlines, within budget (pgReadBudget;
// a search by date, whose pages must rank the same window, passes
// search.DateReadBudget).
func searchWindow(ctx context.Context, q querier, budget time.Duration, where string, args []any, must [][]string) ([]search.Candidate, error) {
	// Matches stream newest first; a window that takes too long (a phrase
	// rechecked story by story) is cut off and the matches read so far are
	// ranked, as the SQLite engine does. A window cut off before its first
	// match is read again with a longer budget: a search that stops early
	// must still find what is there (a busy database is slow, not empty).
	cands, cut, err := readWindow(ctx, q, budget, where, args, must)
	if err == nil && cut && len(cands) == 0 && budget < pgSlowBudget {
		cands, _, err = readWindow(ctx, q, pgSlowBudget, where, args, must)
	}
	return cands, err
}

// readWindow runs one window within budget and reports whether the
// budget cut it short.
func readWindow(ctx context.Context, q querier, budget time.Duration, where string, args []any, must [][]string) ([]search.Candidate, bool, error) {
	qctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	rows, err := q.Query(qctx, `SELECT s.article_id, a.published_at, a.headline
		FROM article_search s CROSS JOIN to_tsquery('simple', $1) AS q(q) JOIN articles a ON a.id = s.article_id
		WHERE `+where+` ORDER BY s.article_id DESC LIMIT $2`, args...)
	if err != nil {
		if qctx.Err() != nil && ctx.Err() == nil {
			return nil, true, nil
		}
		return nil, false, err
	}
	defer rows.Close()
	var cands []search.Candidate
	for rows.Next() {
		var c search.Candidate
		var pub *time.Time
		var headline string
		if err := rows.Scan(&c.ID, &pub, &headline); err != nil {
			return nil, false, err
		}
		c.Relevance = search.Relevance(search.HeadlineShare(headline, must), len(must))
		c.Published = fromTS(pub)
		cands = append(cands, c)
	}
	if err := rows.Err(); err != nil {
		if qctx.Err() != nil && ctx.Err() == nil {
			return cands, true, nil
		}
		return nil, false, err
	}
	return cands, false, nil
}

// pgReadBudget bounds one window of a PostgreSQL search; pgSlowBudget is
// the second try of a window cut off before its first match.
const (
	pgReadBudget = 150 * time.Millisecond
	pgSlowBudget = 3 * time.Second
)

// Search finds published articles; see dateline.SearchFilter.
func (db searchStore) Search(ctx context.Context, f dateline.SearchFilter) (_ dateline.SearchResult, err error) {
	defer wrap(&err, "search")
	var res dateline.SearchResult
	q := db.reader(ctx)
	var all, anyOf []string
	var sections []string
	for _, slug := range f.Sections {
		var id int64
		if err := q.QueryRow(ctx, `SELECT id FROM sections WHERE slug = $1`, slug).Scan(&id); err != nil {
			return res, nil
		}
		sections = append(sections, search.SectionFacet(id))
	}
	if len(sections) == 1 {
		all = append(all, sections[0])
	} else {
		anyOf = sections
	}
	for _, tag := range []struct {
		table, slug string
		facet       func(int64) string
	}{{"topics", f.Topic, search.TopicFacet}, {"persons", f.Person, search.PersonFacet}} {
		if tag.slug == "" {
			continue
		}
		var id int64
		if err := q.QueryRow(ctx, `SELECT id FROM `+tag.table+` WHERE slug = $1`, tag.slug).Scan(&id); err != nil {
			return res, nil
		}
		all = append(all, tag.facet(id))
	}
	days := search.RangeFacets(f.From, f.To)
	where := `s.doc @@ q.q`
	args := []any{tsQuery(f.Must, f.Not), dateline.SearchDepth(f)}
	if len(all) > 0 {
		args = append(args, all)
		where += fmt.Sprintf(` AND s.facets @> $%d`, len(args))
	}
	if len(anyOf) > 0 {
		args = append(args, anyOf)
		where += fmt.Sprintf(` AND s.facets && $%d`, len(args))
	}
	if len(days) > 0 {
		args = append(args, days)
		where += fmt.Sprintf(` AND s.facets && $%d`, len(args))
	}
	// A GIN index finds every match before any ordering, which for a
	// common word in a million stories means reading hundreds of thousands
	// of rows. So the newest stories are searched first: the last 20,000
	// ids, then 200,000, then all, until enough candidates are found.
	var newest int64
	if err := q.QueryRow(ctx, `SELECT COALESCE(MAX(article_id), 0) FROM article_search`).Scan(&newest); err != nil {
		return res, err
	}
	if f.ByDate && f.Before > 0 {
		// The next page by date: the windows count down from the cursor.
		newest = min(newest, f.Before-1)
		args = append(args, f.Before)
		where += fmt.Sprintf(` AND s.article_id < $%d`, len(args))
	}
	args = append(args, int64(0))
	floorArg := len(args)
	// A search by date reads the same window for every page: it widens
	// until the window holds its depth, whatever the page (see
	// dateline.SearchDepth).
	depth := dateline.SearchDepth(f)
	budget := pgReadBudget
	if f.ByDate {
		budget = search.DateReadBudget
	}
	var cands []search.Candidate
	for _, window := range []int64{20_000, 200_000, newest + 1} {
		var err error
		args[floorArg-1] = newest - window
		cands, err = searchWindow(ctx, q, budget, where+fmt.Sprintf(` AND s.article_id > $%d`, floorArg), args, f.Must)
		if err != nil {
			return res, err
		}
		if len(cands) >= depth || window > newest || (!f.ByDate && len(cands) >= f.Offset+f.Limit && window > 20_000) {
			break
		}
	}
	res.Ranked, res.Total = len(cands), len(cands)
	res.TotalCapped = len(cands) == dateline.SearchDepth(f)
	search.Rank(cands, f.Now, f.ByDate)
	if f.Offset >= len(cands) {
		return res, nil
	}
	page := cands[f.Offset:min(len(cands), f.Offset+max(1, f.Limit))]
	ids := make([]int64, len(page))
	for i, c := range page {
		ids[i] = c.ID
	}
	list, err := articleList(ctx, q, `SELECT `+sqlutil.ArticleColumns+sqlutil.ArticleFrom+` WHERE a.id = ANY($1)`, ids)
	if err != nil {
		return res, err
	}
	bodies := map[int64]string{}
	prow, err := q.Query(ctx, `SELECT article_id, body FROM article_pages WHERE page = 1 AND article_id = ANY($1)`, ids)
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

// SearchIndexSize returns the bytes the search table and its indexes take.
func (db searchStore) SearchIndexSize(ctx context.Context) (_ int64, err error) {
	defer wrap(&err, "search index size")
	var n int64
	err = db.primary.QueryRow(ctx, `SELECT pg_total_relation_size('article_search')`).Scan(&n)
	return n, err
}
