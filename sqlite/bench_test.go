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
	storetest.BenchReadership(b, db)
}

// benchViewsPath is the cached database; its name changes with what is
// generated.
var benchViewsPath = filepath.Join(os.TempDir(), fmt.Sprintf("dateline-bench-views-%d-v1.db", storetest.BenchArticles))

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
// the articles (1 in 100 withdrawn), the views of each minute of the
// week, their windows as expired at BenchNow, and a copy of the windows
// that resetViews restores.
func generateViews(ctx context.Context, db *DB) error {
	for i, s := range dateline.DefaultSections {
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
			SELECT i, 'urn:bench:' || i, 1 + (i * 7 + i / 13) % 8, 'en',
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
			{`INSERT INTO view_windows (article_id, now, today, week)
			SELECT article_id, SUM(CASE WHEN minute > ?1 - 60 THEN count ELSE 0 END),
				SUM(CASE WHEN minute > ?1 - 1440 THEN count ELSE 0 END), SUM(count)
			FROM view_minutes GROUP BY article_id`, []any{m}},
			{`CREATE TABLE bench_view_windows AS SELECT * FROM view_windows`, nil},
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
