package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"dateline"
)

func runMigrateDB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var from, to string
	fs := newFlagSet("migrate-db", "Usage: dateline migrate-db --from DB --to DB\n\nMoves a whole site from one database to another, in either direction between\nSQLite (sqlite:PATH) and PostgreSQL (postgres://...): every section, article,\nphoto, tag, gallery, infographic, curated list and API token, with their ids,\nso every URL stays the same. The target must be empty (a new file or\ndatabase). Rows are copied in batches with a progress bar on a terminal; at\nthe end the rows of every table are counted on both sides and must agree.\nStop the nodes that write to the source first; media files are not moved\n(copy the media folder).")
	fs.StringVar(&from, "from", "", "the database to read: sqlite:PATH or postgres://... (required)")
	fs.StringVar(&to, "to", "", "the empty database to fill: sqlite:PATH or postgres://... (required)")
	if err := parse(fs, args, stdout, stderr, false); err != nil {
		return err
	}
	if from == "" || to == "" {
		return usagef("--from and --to are both required")
	}
	if from == to {
		return usagef("--from and --to name the same database")
	}
	src, err := openDSN(ctx, from, nil)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	defer src.Close()
	dst, err := openDSN(ctx, to, nil)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	defer dst.Close()
	start := time.Now()
	bar := newProgress(stderr, "migrate-db", 1)
	report, err := dateline.Move(ctx, src, dst, func(done, total int64) {
		bar.total = total
		bar.set(done, fmt.Sprintf("%d of %d rows", done, total))
	})
	bar.done()
	if err != nil {
		return err
	}
	var rows int64
	for _, r := range report {
		fmt.Fprintf(stdout, "%-20s %10d rows\n", r.Table, r.To)
		rows += r.To
	}
	fmt.Fprintf(stdout, "%d rows moved in %s; every table's count matches\n", rows, time.Since(start).Round(time.Millisecond))
	return nil
}
