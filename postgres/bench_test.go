package postgres

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"dateline"
	"dateline/internal/pgtest"
	"dateline/storetest"
)

// BenchmarkMostRead measures the readership queries on 1,000,000 articles
// and 10,000,000 views over a week (see storetest.BenchReadership). The
// schema is generated in SQL the first time (a minute or two) and kept;
// each run first puts the views back as generated.
func BenchmarkMostRead(b *testing.B) {
	db := benchViews(b)
	var popular, rare int64
	ctx := context.Background()
	if err := db.primary.QueryRow(ctx, `SELECT MAX(article_id) FROM published_tags WHERE kind = 0 AND tag_id = 1`).Scan(&popular); err != nil {
		b.Fatal(err)
	}
	if err := db.primary.QueryRow(ctx, `SELECT MAX(article_id) FROM (SELECT article_id FROM article_topics
		GROUP BY article_id HAVING MIN(topic_id) > 500 AND COUNT(*) = 3) r WHERE article_id % 100 <> 0`).Scan(&rare); err != nil {
		b.Fatal(err)
	}
	storetest.BenchReadership(b, db, popular, rare)
}

func benchViews(b *testing.B) *DB {
	b.Helper()
	ctx := context.Background()
	schema := fmt.Sprintf("bench_views_%d_v3", storetest.BenchArticles)
	conn, err := pgx.Connect(ctx, pgtest.BaseDSN())
	if err != nil {
		b.Skipf("no PostgreSQL at %s: %v", pgtest.BaseDSN(), err)
	}
	defer conn.Close(ctx)
	var ready bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, schema+".bench_view_windows").Scan(&ready); err != nil {
		b.Fatal(err)
	}
	if !ready {
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE; CREATE SCHEMA `+schema); err != nil {
			b.Fatal(err)
		}
	}
	u, _ := url.Parse(pgtest.BaseDSN())
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := Open(ctx, u.String(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if !ready {
		b.Logf("generating %d articles and %d views in schema %s", storetest.BenchArticles, storetest.BenchViews, schema)
		start := time.Now()
		if err := generateViews(ctx, db); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated in %v", time.Since(start).Round(time.Second))
	}
	if err := resetViews(ctx, db); err != nil {
		b.Fatal(err)
	}
	return db
}

// generateViews fills a new schema in one transaction, as the SQLite
// benchmark does, topics included (the same articles and sections; views drawn alike, and
// stored in minute order, as they arrive).
func generateViews(ctx context.Context, db *DB) error {
	for i, s := range storetest.BenchSections() {
		if err := db.SaveSection(ctx, &s); err != nil {
			return err
		}
		if s.ID != int64(i+1) {
			return fmt.Errorf("section %s has id %d, want %d", s.Slug, s.ID, i+1)
		}
	}
	n, now := int64(storetest.BenchArticles), storetest.BenchNow.Unix()
	start := now - 365*86400
	m := dateline.Minute(storetest.BenchNow)
	err := pgx.BeginFunc(ctx, db.primary, func(tx pgx.Tx) error {
		steps := []struct {
			q    string
			args []any
		}{
			{`SET LOCAL work_mem = '512MB'`, nil},
			{`INSERT INTO articles (id, uri, section_id, lang, headline, lead, status, published_at, urgency, version,
				source_version, created_at, modified_at)
			SELECT i, 'urn:bench:' || i, CASE
					WHEN (i * 2654435761) % 1000 < 300 THEN 1 WHEN (i * 2654435761) % 1000 < 550 THEN 2
					WHEN (i * 2654435761) % 1000 < 700 THEN 3 WHEN (i * 2654435761) % 1000 < 800 THEN 4
					WHEN (i * 2654435761) % 1000 < 880 THEN 5 WHEN (i * 2654435761) % 1000 < 960 THEN 6
					WHEN (i * 2654435761) % 1000 < 995 THEN 7 ELSE 8 END, 'en',
				'Headline ' || i, 'Lead of ' || i, CASE WHEN i % 100 = 0 THEN 'withdrawn' ELSE 'published' END,
				t, 5, 1, t, t, t
			FROM generate_series(1, $1::bigint) i, to_timestamp($2::bigint + i * 31536 / 1000) t`, []any{n, start}},
			{`SELECT setval(pg_get_serial_sequence('articles', 'id'), $1::bigint)`, []any{n}},
			{`INSERT INTO view_minutes (minute, article_id, count)
			SELECT minute, article_id, COUNT(*) FROM (
				SELECT minute, GREATEST(1, LEAST($3::bigint, (minute * 60 - $4::bigint) * 1000 / 31536)
					- floor(exp(random() * ln($5::float8)))::bigint + 1) AS article_id
				FROM (SELECT $2::bigint - floor(random() * 10080)::bigint AS minute FROM generate_series(1, $1::bigint)) v) x
			GROUP BY minute, article_id ORDER BY minute, article_id`, []any{storetest.BenchViews, m, n, start, storetest.BenchZipfSpan}},
			{`INSERT INTO view_windows (article_id, section_id, now, today, week)
			SELECT v.article_id, a.section_id, v.now, v.today, v.week FROM (
				SELECT article_id, COALESCE(SUM(count) FILTER (WHERE minute > $1::bigint - 60), 0) AS now,
					COALESCE(SUM(count) FILTER (WHERE minute > $1::bigint - 1440), 0) AS today, SUM(count) AS week
				FROM view_minutes GROUP BY article_id) v JOIN articles a ON a.id = v.article_id`, []any{m}},
			{`CREATE TABLE bench_view_windows AS SELECT * FROM view_windows`, nil},
			{`INSERT INTO topics (id, slug, name) SELECT i, 'topic-' || i, 'Topic ' || i FROM generate_series(1, $1::bigint) i`,
				[]any{storetest.BenchTopics}},
			{`SELECT setval(pg_get_serial_sequence('topics', 'id'), $1::bigint)`, []any{storetest.BenchTopics}},
			{`INSERT INTO article_topics (article_id, topic_id, position)
			SELECT i, floor(exp(random() * ln($2::float8)))::bigint, j FROM generate_series(1, $1::bigint) i, generate_series(0, 2) j
			ORDER BY 1, 3 ON CONFLICT DO NOTHING`, []any{n, storetest.BenchTopics}},
			{`INSERT INTO published_tags (kind, tag_id, published_at, article_id)
			SELECT 0, x.topic_id, a.published_at, a.id FROM article_topics x JOIN articles a ON a.id = x.article_id
			WHERE a.status = 'published'`, nil},
		}
		for _, s := range steps {
			if _, err := tx.Exec(ctx, s.q, s.args...); err != nil {
				return fmt.Errorf("%.60s: %w", s.q, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = db.primary.Exec(ctx, `VACUUM ANALYZE`)
	return err
}

// resetViews puts the views back as generated: the benchmarks of
// ExpireViews and AddViews move the edges on by less than an hour and add
// views after BenchNow only, so the generated minutes are all still there.
func resetViews(ctx context.Context, db *DB) error {
	m := dateline.Minute(storetest.BenchNow)
	err := pgx.BeginFunc(ctx, db.primary, func(tx pgx.Tx) error {
		for _, step := range []struct {
			q    string
			args []any
		}{
			{`DELETE FROM view_minutes WHERE minute > $1`, []any{m}},
			{`TRUNCATE view_windows`, nil},
			{`INSERT INTO view_windows SELECT * FROM bench_view_windows`, nil},
			{`INSERT INTO view_edges (window_minutes, through) VALUES (60, $1::bigint - 60), (1440, $1::bigint - 1440), (10080, $1::bigint - 10080)
				ON CONFLICT (window_minutes) DO UPDATE SET through = EXCLUDED.through`, []any{m}},
		} {
			if _, err := tx.Exec(ctx, step.q, step.args...); err != nil {
				return fmt.Errorf("%.60s: %w", step.q, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = db.primary.Exec(ctx, `VACUUM ANALYZE view_windows, view_minutes, view_edges`)
	return err
}
