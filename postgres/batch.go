package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"dateline"
	"dateline/internal/sqlutil"
)

// ArticlesByID returns the whole articles with the ids, as Article does,
// in the order of ids; ids of no article are left out. Returns EINVALID
// for more than 1,000 ids.
func (db contentStore) ArticlesByID(ctx context.Context, ids []int64) (_ []*dateline.Article, err error) {
	defer wrap(&err, "articles by id")
	if err := sqlutil.CheckIDs(ids); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return []*dateline.Article{}, nil
	}
	q := db.reader(ctx)
	list, err := articleList(ctx, q, `SELECT `+sqlutil.ArticleColumns+sqlutil.ArticleFrom+` WHERE a.id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*dateline.Article, len(list))
	for i := range list {
		byID[list[i].ID] = &list[i]
	}
	if err := fillArticles(ctx, q, byID, ids); err != nil {
		return nil, err
	}
	out := sqlutil.InOrder(ids, byID)
	return out, fillWireRefused(ctx, q, out)
}

// fillArticles reads the pages, tags, links, corrections and chains of the
// articles byID, a query for each, sent together.
func fillArticles(ctx context.Context, q querier, byID map[int64]*dateline.Article, ids []int64) error {
	var b pgx.Batch
	b.Queue(`SELECT article_id, body FROM article_pages WHERE article_id = ANY($1) ORDER BY article_id, page`, ids).
		Query(eachRow(func(row pgx.Rows) error { return sqlutil.ScanPage(row, byID) }))
	for _, kind := range []string{"topic", "person"} {
		b.Queue(`SELECT x.article_id, t.id, t.slug, COALESCE(NULLIF(x.label, ''), t.name) FROM article_`+kind+`s x
			JOIN `+kind+`s t ON t.id = x.`+kind+`_id WHERE x.article_id = ANY($1) ORDER BY x.article_id, x.position`, ids).
			Query(eachRow(func(row pgx.Rows) error { return sqlutil.ScanTag(row, byID, kind == "person") }))
	}
	b.Queue(`SELECT l.article_id, l.target_uri, COALESCE(a.id, 0), COALESCE(s.slug, ''), COALESCE(a.headline, ''),
		COALESCE(a.lang, ''), COALESCE(a.commercial, '')
		FROM article_links l
		LEFT JOIN articles a ON a.uri = l.target_uri AND a.status = 'published'
		LEFT JOIN sections s ON s.id = a.section_id
		WHERE l.article_id = ANY($1) ORDER BY l.article_id, l.position`, ids).
		Query(eachRow(func(row pgx.Rows) error {
			var id int64
			var ref dateline.ArticleRef
			if err := row.Scan(&id, &ref.URI, &ref.ID, &ref.Section, &ref.Headline, &ref.Lang, &ref.Commercial); err != nil {
				return err
			}
			byID[id].ReadAlso = append(byID[id].ReadAlso, ref)
			return nil
		}))
	b.Queue(`SELECT article_id, at, text FROM corrections WHERE article_id = ANY($1) ORDER BY article_id, position`, ids).
		Query(eachRow(func(row pgx.Rows) error {
			var id int64
			var c dateline.Correction
			if err := row.Scan(&id, &c.At, &c.Text); err != nil {
				return err
			}
			c.At = c.At.UTC()
			byID[id].Corrections = append(byID[id].Corrections, c)
			return nil
		}))
	inChain := map[int64][]*dateline.Article{}
	var chains []int64
	for _, a := range byID {
		if a.ChainID != 0 {
			chains = append(chains, a.ChainID)
			inChain[a.ChainID] = append(inChain[a.ChainID], a)
		}
	}
	// The published stories of each chain, oldest first.
	b.Queue(`SELECT a.chain_id, a.id, a.uri, s.slug, a.headline
		FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.chain_id = ANY($1) AND a.status = 'published' ORDER BY a.chain_id, a.published_at, a.id`, chains).
		Query(eachRow(func(row pgx.Rows) error {
			var chain int64
			var r dateline.ArticleRef
			if err := row.Scan(&chain, &r.ID, &r.URI, &r.Section, &r.Headline); err != nil {
				return err
			}
			for _, a := range inChain[chain] {
				a.Chain = append(a.Chain, r)
			}
			return nil
		}))
	return q.SendBatch(ctx, &b).Close()
}

// eachRow is a batch query's callback that calls fn to scan each row.
func eachRow(fn func(row pgx.Rows) error) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		for rows.Next() {
			if err := fn(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}
