package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"dateline/ingest"
)

func runImport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var sf storeFlags
	var batch int
	var fallback string
	fs := newFlagSet("import", "Usage: dateline import [flags] FILE...\n\nImports IPTC ninjs 2.x documents: a .json file holds one document (or several\nin a row), a .jsonl or .ndjson file holds one per line; \"-\" reads JSON lines\nfrom standard input. Documents are stored in batches, each in one transaction.\nRunning it again is safe: an article whose stored version is as new is\nskipped, a newer version updates it in place. Refused documents are listed\nand the import goes on; the exit status is 1 if any was refused.")
	sf.register(fs)
	fs.IntVar(&batch, "batch", 500, "documents per transaction")
	fs.StringVar(&fallback, "fallback-section", env("DATELINE_FALLBACK_SECTION", "world"), "section for items that match no section's codes; empty refuses them (env DATELINE_FALLBACK_SECTION)")
	if err := parse(fs, args, stdout, stderr, true); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("no files given; see dateline import --help")
	}
	if batch < 1 || batch > 100000 {
		return usagef("--batch must be between 1 and 100000")
	}
	var total int64
	for _, name := range fs.Args() {
		if name == "-" {
			continue
		}
		st, err := os.Stat(name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if st.IsDir() {
			return usagef("%s is a folder; name the files", name)
		}
		total += st.Size()
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	if fallback != "" && !hasSection(ctx, store, fallback) {
		return usagef("--fallback-section %q is not a section", fallback)
	}

	var readBytes int64
	bar := newProgress(stderr, "import", total)
	im := &ingest.Importer{
		Service:   &ingest.Service{Store: store, FallbackSection: fallback},
		BatchSize: batch,
		Problems: func(p ingest.Problem) {
			bar.done()
			fmt.Fprintf(stderr, "%s: %s\n", p.Where, p.Message)
		},
	}
	im.Progress = func(n int) { bar.set(readBytes, fmt.Sprintf("%d documents", n)) }
	start := time.Now()
	for _, name := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		var r io.Reader
		lines := ingest.Lines(name)
		if name == "-" {
			r, lines = stdin, true
		} else {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			r = f
		}
		if err := im.ImportReader(ctx, countingReader{r, &readBytes}, name, lines); err != nil {
			return err
		}
	}
	if err := im.Flush(ctx); err != nil {
		return err
	}
	bar.done()
	s := im.Stats
	fmt.Fprintf(stdout, "%d documents read in %s: %d created, %d updated, %d unchanged, %d refused\n",
		s.Read, time.Since(start).Round(time.Millisecond), s.Created, s.Updated, s.Unchanged, s.Failed)
	if s.Failed > 0 {
		return fmt.Errorf("%d documents were refused", s.Failed)
	}
	return nil
}
