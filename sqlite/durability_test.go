package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"dateline"
	"dateline/ingest"
)

// TestDurability: Full (the default) and Normal reach every connection,
// the writer's and the readers', as synchronous=FULL (2) and NORMAL (1).
func TestDurability(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		opt  Options
		want int
	}{
		{Options{}, 2},
		{Options{Durability: Full}, 2},
		{Options{Durability: Normal}, 1},
	} {
		db, err := OpenWith(ctx, filepath.Join(t.TempDir(), "d.db"), tt.opt)
		if err != nil {
			t.Fatal(err)
		}
		var w, r int
		if err := db.write.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&w); err != nil {
			t.Fatal(err)
		}
		if err := db.read.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&r); err != nil {
			t.Fatal(err)
		}
		var mode string
		db.write.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
		db.Close()
		if w != tt.want || r != tt.want || mode != "wal" {
			t.Errorf("%+v: synchronous %d (writer), %d (readers), journal %s; want %d in wal", tt.opt, w, r, mode, tt.want)
		}
	}
	if db, err := Open(ctx, filepath.Join(t.TempDir(), "d.db")); err != nil {
		t.Fatal(err)
	} else {
		var w int
		db.write.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&w)
		db.Close()
		if w != 2 {
			t.Errorf("Open: synchronous %d, want FULL (2)", w)
		}
	}
	if _, err := OpenWith(ctx, filepath.Join(t.TempDir(), "d.db"), Options{Durability: "off"}); err == nil {
		t.Error(`Durability "off" accepted`)
	}
}

// BenchmarkIngestDurability measures the ingest API's work per item (a
// ninjs document parsed, mapped and stored in its own transaction, as one
// POST /api/v1/items is) with each durability, on a file in the temporary
// folder:
//
//	go test -run '^$' -bench IngestDurability -benchtime 2s ./sqlite
func BenchmarkIngestDurability(b *testing.B) {
	for _, d := range []Durability{Full, Normal} {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			db, err := OpenWith(ctx, filepath.Join(b.TempDir(), "bench.db"), Options{Durability: d})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			for _, s := range dateline.DefaultSections {
				if err := db.SaveSection(ctx, &s); err != nil {
					b.Fatal(err)
				}
			}
			in := &ingest.Service{Store: db, FallbackSection: "world"}
			now := time.Now().UTC().Format(time.RFC3339)
			i := 0
			for b.Loop() {
				i++
				doc := fmt.Sprintf(`{"uri":"urn:bench:%s:%d","versioncreated":%q,"headlines":[{"value":"Central bank holds its key rate at %d percent"}],
"bodies":[{"contenttype":"text/html","value":"<p>The central bank kept its key rate unchanged on Friday, citing inflation that remains above target.</p><p>Analysts had expected the decision.</p>"}],
"subjects":[{"literal":"04000000"},{"name":"Central bank"}],"urgency":4}`, d, i, now, i%20)
				if _, err := in.Ingest(ctx, []byte(doc)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
		})
	}
}

// TestPageCaches: the writer keeps a 32 MB page cache and every reader a
// 4 MB one, with the same pragmas otherwise (foreign keys on everywhere).
func TestPageCaches(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var w, r, wfk, rfk int
	if err := db.write.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&w); err != nil {
		t.Fatal(err)
	}
	db.write.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&wfk)
	if err := db.read.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&r); err != nil {
		t.Fatal(err)
	}
	db.read.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&rfk)
	if w != -32000 || r != -4000 || wfk != 1 || rfk != 1 {
		t.Errorf("cache_size %d (writer), %d (readers), foreign keys %d, %d; want -32000, -4000, 1, 1", w, r, wfk, rfk)
	}
}
