package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// inIDs is the condition "column is one of the JSON array bound as ?": one
// query text for any number of ids, so its statement is prepared once.
func inIDs(column string) string {
	return column + ` IN (SELECT value FROM json_each(?))`
}

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
	arg, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	list, err := db.articleList(ctx, `SELECT `+sqlutil.ArticleColumns+sqlutil.ArticleFrom+` WHERE `+inIDs("a.id"), string(arg))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*dateline.Article, len(list))
	for i := range list {
		byID[list[i].ID] = &list[i]
	}
	if err := fillArticles(ctx, db.read, byID, string(arg)); err != nil {
		return nil, err
	}
	out := sqlutil.InOrder(ids, byID)
	return out, fillWireRefused(ctx, db.read, out)
}

// fillArticles reads the pages, tags, links, corrections and chains of the
// articles byID (their ids as a JSON array in ids), a query for each.
func fillArticles(ctx context.Context, q queryer, byID map[int64]*dateline.Article, ids string) error {
	err := eachRow(ctx, q, `SELECT article_id, body FROM article_pages WHERE `+inIDs("article_id")+` ORDER BY article_id, page`, ids,
		func(row scanner) error { return sqlutil.ScanPage(row, byID) })
	if err != nil {
		return err
	}
	for _, kind := range []string{"topic", "person"} {
		err := eachRow(ctx, q, `SELECT x.article_id, t.id, t.slug, COALESCE(NULLIF(x.label, ''), t.name) FROM article_`+kind+`s x
			JOIN `+kind+`s t ON t.id = x.`+kind+`_id WHERE `+inIDs("x.article_id")+` ORDER BY x.article_id, x.position`, ids,
			func(row scanner) error { return sqlutil.ScanTag(row, byID, kind == "person") })
		if err != nil {
			return err
		}
	}
	err = eachRow(ctx, q, `SELECT l.article_id, l.target_uri, a.id, s.slug, a.headline, a.lang, a.commercial
		FROM article_links l
		LEFT JOIN articles a ON a.uri = l.target_uri AND a.status = 'published'
		LEFT JOIN sections s ON s.id = a.section_id
		WHERE `+inIDs("l.article_id")+` ORDER BY l.article_id, l.position`, ids,
		func(row scanner) error {
			var id int64
			var ref dateline.ArticleRef
			var to sql.NullInt64
			var slug, headline, lang, commercial sql.NullString
			if err := row.Scan(&id, &ref.URI, &to, &slug, &headline, &lang, &commercial); err != nil {
				return err
			}
			ref.ID, ref.Section, ref.Headline = to.Int64, slug.String, headline.String
			ref.Lang, ref.Commercial = lang.String, commercial.String
			byID[id].ReadAlso = append(byID[id].ReadAlso, ref)
			return nil
		})
	if err != nil {
		return err
	}
	err = eachRow(ctx, q, `SELECT article_id, at, text FROM corrections WHERE `+inIDs("article_id")+` ORDER BY article_id, position`, ids,
		func(row scanner) error {
			var id, at int64
			var c dateline.Correction
			if err := row.Scan(&id, &at, &c.Text); err != nil {
				return err
			}
			c.At = time.Unix(at, 0).UTC()
			byID[id].Corrections = append(byID[id].Corrections, c)
			return nil
		})
	if err != nil {
		return err
	}
	chains := map[int64][]dateline.ArticleRef{}
	for _, a := range byID {
		if a.ChainID == 0 {
			continue
		}
		if _, ok := chains[a.ChainID]; !ok {
			if chains[a.ChainID], err = chain(ctx, q, a.ChainID); err != nil {
				return err
			}
		}
		a.Chain = chains[a.ChainID]
	}
	return nil
}

// eachRow runs query with arg and calls fn to scan each row.
func eachRow(ctx context.Context, q queryer, query string, arg any, fn func(row scanner) error) error {
	rows, err := q.QueryContext(ctx, query, arg)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
