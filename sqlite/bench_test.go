package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dateline"
	"dateline/storetest"
)

// BenchmarkMostRead measures the readership queries on 1,000,000 articles
// and 10,000,000 views over a week (see storetest.BenchReadership). The
// database is generated in SQL the first time (a minute or two) and kept
// in the temporary folder; each run first puts the views back as
// generated.
func BenchmarkMostRead(b *testing.B) {
	db := benchViews(b)
	var popular, rare int64
	ctx := context.Background()
	if err := db.read.QueryRowContext(ctx, `SELECT MAX(article_id) FROM published_tags WHERE kind = 0 AND tag_id = 1`).Scan(&popular); err != nil {
		b.Fatal(err)
	}
	if err := db.read.QueryRowContext(ctx, `SELECT MAX(article_id) FROM (SELECT article_id FROM article_topics
		GROUP BY article_id HAVING MIN(topic_id) > 500 AND COUNT(*) = 3) WHERE article_id % 100 <> 0`).Scan(&rare); err != nil {
		b.Fatal(err)
	}
	storetest.BenchReadership(b, db, popular, rare)
}

// benchViewsPath is the cached database; its name changes with what is
// generated.
var benchViewsPath = filepath.Join(os.TempDir(), fmt.Sprintf("dateline-bench-views-%d-v4.db", storetest.BenchArticles))

func benchViews(b *testing.B) *DB {
	b.Helper()
	ctx := context.Background()
	db, err := Open(ctx, benchViewsPath)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	var ready int
	db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name = 'bench_view_windows'`).Scan(&ready)
	if ready == 0 {
		db.Close()
		os.Remove(benchViewsPath)
		os.Remove(benchViewsPath + "-wal")
		os.Remove(benchViewsPath + "-shm")
		if db, err = Open(ctx, benchViewsPath); err != nil {
			b.Fatal(err)
		}
		b.Logf("generating %d articles and %d views in %s", storetest.BenchArticles, storetest.BenchViews, benchViewsPath)
		start := time.Now()
		if err := generateViews(ctx, db); err != nil {
			db.Close()
			os.Remove(benchViewsPath)
			b.Fatal(err)
		}
		b.Logf("generated in %v", time.Since(start).Round(time.Second))
	}
	if err := resetViews(ctx, db); err != nil {
		b.Fatal(err)
	}
	return db
}

// generateViews fills a new database in one transaction: the sections,
// the articles (1 in 100 withdrawn; by section 30, 25, 15, 10, 8, 8, 3.5
// and 0.5 per cent, and none in the ninth), the views of each minute of
// the week, their windows as expired at BenchNow, a copy of the windows
// that resetViews restores, and three topics of each article.
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
	// Article i is published at start + i*31.536 s; the newest published
	// by minute x is then (60x - start)*1000/31536.
	return db.inTx(ctx, func(tx *sql.Tx) error {
		steps := []struct {
			q    string
			args []any
		}{
			{`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
			INSERT INTO articles (id, uri, section_id, lang, headline, lead, status, published_at, urgency, version,
				source_version, created_at, modified_at)
			SELECT i, 'urn:bench:' || i, CASE
					WHEN (i * 2654435761) % 1000 < 300 THEN 1 WHEN (i * 2654435761) % 1000 < 550 THEN 2
					WHEN (i * 2654435761) % 1000 < 700 THEN 3 WHEN (i * 2654435761) % 1000 < 800 THEN 4
					WHEN (i * 2654435761) % 1000 < 880 THEN 5 WHEN (i * 2654435761) % 1000 < 960 THEN 6
					WHEN (i * 2654435761) % 1000 < 995 THEN 7 ELSE 8 END, 'en',
				'Headline ' || i, 'Lead of ' || i, CASE WHEN i % 100 = 0 THEN 'withdrawn' ELSE 'published' END,
				?2 + i * 31536 / 1000, 5, 1, (?2 + i * 31536 / 1000) * 1000, ?2 + i * 31536 / 1000, ?2 + i * 31536 / 1000
			FROM n`, []any{n, start}},
			{`WITH RECURSIVE v(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM v WHERE k < ?1),
				x AS (SELECT ?2 - (random() & 9223372036854775807) % 10080 AS minute,
					(random() & 9223372036854775807) / 9223372036854775807.0 AS u FROM v)
			INSERT INTO view_minutes (minute, article_id, count)
			SELECT minute, article_id, COUNT(*) FROM (
				SELECT minute, max(1, min(?3, (minute * 60 - ?4) * 1000 / 31536) - CAST(exp(u * ln(?5)) AS INTEGER) + 1) AS article_id FROM x)
			GROUP BY minute, article_id`, []any{storetest.BenchViews, m, n, start, storetest.BenchZipfSpan}},
			{`INSERT INTO view_windows (article_id, section_id, now, today, week)
			SELECT v.article_id, a.section_id, v.now, v.today, v.week FROM (
				SELECT article_id, SUM(CASE WHEN minute > ?1 - 60 THEN count ELSE 0 END) AS now,
					SUM(CASE WHEN minute > ?1 - 1440 THEN count ELSE 0 END) AS today, SUM(count) AS week
				FROM view_minutes GROUP BY article_id) v JOIN articles a ON a.id = v.article_id`, []any{m}},
			{`CREATE TABLE bench_view_windows AS SELECT * FROM view_windows`, nil},
			{`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
			INSERT INTO topics (id, slug, name) SELECT i, 'topic-' || i, 'Topic ' || i FROM n`, []any{storetest.BenchTopics}},
			{`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1), k(j) AS (VALUES (0), (1), (2))
			INSERT OR IGNORE INTO article_topics (article_id, topic_id, position)
			SELECT i, CAST(exp((random() & 9223372036854775807) / 9223372036854775807.0 * ln(?2)) AS INTEGER), j FROM n, k
			ORDER BY 1, 3`, []any{n, storetest.BenchTopics}},
			{`INSERT INTO published_tags (kind, tag_id, published_at, article_id)
			SELECT 0, x.topic_id, a.published_at, a.id FROM article_topics x JOIN articles a ON a.id = x.article_id
			WHERE a.status = 'published' ORDER BY 1, 2, 3, 4`, nil},
		}
		for _, s := range steps {
			if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// resetViews puts the views back as generated: the benchmarks of
// ExpireViews and AddViews move the edges on by less than an hour and add
// views after BenchNow only, so the generated minutes are all still there.
func resetViews(ctx context.Context, db *DB) error {
	m := dateline.Minute(storetest.BenchNow)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM view_minutes WHERE minute > ?1`,
			`DELETE FROM view_windows WHERE ?1 = ?1`,
			`INSERT INTO view_windows SELECT * FROM bench_view_windows WHERE ?1 = ?1`,
			`INSERT OR REPLACE INTO view_edges (window_minutes, through) VALUES (60, ?1 - 60), (1440, ?1 - 1440), (10080, ?1 - 10080)`,
		} {
			if _, err := tx.ExecContext(ctx, q, m); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	})
}
