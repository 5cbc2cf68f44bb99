package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"dateline/cmd/dateline/internal/importcmd"
	"dateline/ingest"
)

func runImport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	for _, a := range args {
		if a == "--from" || a == "-from" || strings.HasPrefix(a, "--from=") || strings.HasPrefix(a, "-from=") {
			return importcmd.Run(ctx, args, storeOpener, stdout, stderr)
		}
	}
	var sf storeFlags
	var batch int
	var source string
	var fallback string
	fs := newFlagSet("import", "Usage: dateline import [flags] FILE|FOLDER...\n\nImports IPTC ninjs 2.x and NewsML-G2 documents, told apart by their content:\na file starting with \"<\" is a NewsML-G2 newsItem, or a newsMessage of several\nitems; otherwise a .json file holds one ninjs document (or several in a row)\nand a .jsonl or .ndjson file holds one per line. A folder stands for the\n.xml, .json, .jsonl and .ndjson files in it and its subfolders. \"-\" reads JSON\nlines (or one XML document) from standard input. Documents are stored in\nbatches, each in one transaction. Running it again is safe: an article whose\nstored version is as new is skipped, a newer version updates it in place.\nRefused documents are listed and the import goes on; the exit status is 1 if\nany was refused. Stories belong to the --source they are imported as: only\nthat source (an import, or a write token of that source) may send new\nversions of them.")
	sf.register(fs)
	fs.IntVar(&batch, "batch", 500, "documents per transaction")
	fs.StringVar(&source, "source", ingest.DefaultSource, "the sender the stories belong to (a write token's source may update them)")
	fs.StringVar(&fallback, "fallback-section", env("DATELINE_FALLBACK_SECTION", "world"), "section for items that match no section's codes; empty refuses them (env DATELINE_FALLBACK_SECTION)")
	if err := parse(fs, args, stdout, stderr, true); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("no files given; see dateline import --help")
	}
	if source = strings.TrimSpace(source); source == "" || len(source) > 100 {
		return usagef("--source must be a name of 1 to 100 characters")
	}
	if batch < 1 || batch > 100000 {
		return usagef("--batch must be between 1 and 100000")
	}
	var total int64
	var names []string
	for _, name := range fs.Args() {
		if name == "-" {
			names = append(names, name)
			continue
		}
		st, err := os.Stat(name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if !st.IsDir() {
			names = append(names, name)
			total += st.Size()
			continue
		}
		files, size, err := documentFiles(name)
		if err != nil {
			return err
		}
		if len(files) == 0 {
			return usagef("%s is a folder with no .xml, .json, .jsonl or .ndjson files", name)
		}
		names = append(names, files...)
		total += size
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
		Service:   &ingest.Service{Store: store, FallbackSection: fallback, Source: source},
		BatchSize: batch,
		Problems: func(p ingest.Problem) {
			bar.done()
			fmt.Fprintf(stderr, "%s: %s\n", p.Where, p.Message)
		},
	}
	im.Progress = func(n int) { bar.set(readBytes, fmt.Sprintf("%d documents", n)) }
	start := time.Now()
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		if name == "-" {
			if err := im.ImportReader(ctx, countingReader{stdin, &readBytes}, name, true); err != nil {
				return err
			}
			continue
		}
		// Closed after each file: a folder may hold thousands.
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		err = im.ImportReader(ctx, countingReader{f, &readBytes}, name, ingest.Lines(name))
		f.Close()
		if err != nil {
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

// documentFiles lists the files of a folder and its subfolders that hold
// documents by their names (.xml, .json, .jsonl, .ndjson), in lexical
// order, leaving out hidden files and folders. The format of each is still
// told by its content.
func documentFiles(dir string) ([]string, int64, error) {
	var files []string
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".xml", ".json", ".jsonl", ".ndjson", ".jsonlines":
			info, err := d.Info()
			if err != nil {
				return err
			}
			files = append(files, path)
			total += info.Size()
		}
		return nil
	})
	return files, total, err
}
