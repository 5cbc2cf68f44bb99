package main

import (
	"context"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"dateline"
	"dateline/backup"
	"dateline/postgres"
	"dateline/sqlite"
)

const backupHelp = `Usage: dateline backup --data DIR [--db DSN] [--media DIR] --to FILE

Writes one archive of the whole site while it serves: the database as a
consistent snapshot (SQLite: VACUUM INTO a temporary file; PostgreSQL: every
row read in one REPEATABLE READ transaction and moved into an SQLite file, as
migrate-db does, without the search index, which restore builds), the media
files, and a manifest (format version, dateline
version, engine, time, rows per table, every file with its size and SHA-256).
The archive is a tar file, gzipped when FILE ends in .gz or .tgz; it is
written to FILE.partial and renamed to FILE when complete, so a failed backup
never leaves a file that looks whole. A progress bar shows on a terminal.
Restore it with "dateline restore".`

const restoreHelp = `Usage: dateline restore --from FILE --data DIR [--db DSN]

Restores an archive written by "dateline backup" into an empty data folder
(and, with --db postgres://..., an empty PostgreSQL database; with
--db sqlite:PATH, a file that does not exist yet). A target that is not
empty is refused. Everything is first extracted into a staging folder next
to DIR and every file's size and SHA-256 checked against the manifest; only
then is the database moved into place (PostgreSQL: its rows copied and
counted, as migrate-db does; if that fails midway, the database is emptied
again) and the staging folder renamed to DIR; a PostgreSQL site restored into
SQLite gets its search index built first. A damaged, cut-short or foreign
archive is refused with the target untouched.`

// version names this build of dateline for the manifest.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value
		}
	}
	return v
}

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var sf storeFlags
	var to, mediaDir string
	fs := newFlagSet("backup", backupHelp)
	sf.register(fs)
	fs.StringVar(&mediaDir, "media", env("DATELINE_MEDIA", ""), "folder of photo files (default DATA/media) (env DATELINE_MEDIA)")
	fs.StringVar(&to, "to", "", "the archive to write: FILE.tar, or FILE.tar.gz to compress (required)")
	if err := parse(fs, args, stdout, stderr, false); err != nil {
		return err
	}
	if to == "" {
		return usagef("--to is required")
	}
	if mediaDir == "" {
		mediaDir = filepath.Join(sf.data, "media")
	}
	start := time.Now()
	tmp, err := os.MkdirTemp(filepath.Dir(to), ".dateline-backup-")
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	defer os.RemoveAll(tmp)
	snap := filepath.Join(tmp, backup.DBEntry)
	engine, err := snapshot(ctx, sf, snap, stderr)
	if err != nil {
		return err
	}
	counts, err := sqlite.CountFile(ctx, snap)
	if err != nil {
		return err
	}
	m := backup.Manifest{Format: backup.Format, Dateline: version(), Engine: engine, Created: time.Now().UTC(), Tables: counts}

	// The media files: paths relative to the folder, in walk order.
	var media []string
	total := fileSize(snap)
	err = filepath.WalkDir(mediaDir, func(p string, d iofs.DirEntry, err error) error {
		if err != nil {
			if p == mediaDir && os.IsNotExist(err) {
				return filepath.SkipDir
			}
			return err
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(mediaDir, p)
			if err != nil {
				return err
			}
			media = append(media, filepath.ToSlash(rel))
			total += fileSize(p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("media: %w", err)
	}

	partial := to + ".partial"
	f, err := os.Create(partial)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	defer os.Remove(partial)
	bar := newProgress(stderr, "backup", total)
	var written int64
	aw := backup.NewWriter(f, strings.HasSuffix(to, ".gz") || strings.HasSuffix(to, ".tgz"), func(n int64) {
		written += n
		bar.set(written, fmt.Sprintf("%d MiB", written>>20))
	})
	err = aw.AddFile(backup.DBEntry, snap)
	for _, rel := range media {
		if err != nil {
			break
		}
		err = aw.AddFile(backup.MediaPrefix+rel, filepath.Join(mediaDir, filepath.FromSlash(rel)))
	}
	if err == nil {
		err = aw.Finish(m)
	}
	bar.done()
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(partial, to); err != nil {
		return err
	}
	var rows int64
	for _, n := range m.Tables {
		rows += n
	}
	fmt.Fprintf(stdout, "%s: %s database, %d rows, %d media files, %d bytes, in %s\n",
		to, engine, rows, len(media), fileSize(to), time.Since(start).Round(time.Millisecond))
	return nil
}

// snapshot writes the database the flags name as an SQLite file at path,
// consistent while others write, and returns the engine's name.
func snapshot(ctx context.Context, sf storeFlags, path string, stderr io.Writer) (string, error) {
	switch {
	case sf.db == "" || strings.HasPrefix(sf.db, "sqlite:"):
		src := filepath.Join(sf.data, "dateline.db")
		if sf.db != "" {
			src = strings.TrimPrefix(sf.db, "sqlite:")
		}
		if _, err := os.Stat(src); err != nil {
			return "", fmt.Errorf("database: %w", err)
		}
		bar := newProgress(stderr, "snapshot", 1)
		bar.set(0, "VACUUM INTO")
		err := sqlite.SnapshotFile(ctx, src, path)
		bar.done()
		return "sqlite", err
	case strings.HasPrefix(sf.db, "postgres://"), strings.HasPrefix(sf.db, "postgresql://"):
		db, err := postgres.Open(ctx, sf.db, postgres.Options{})
		if err != nil {
			return "", err
		}
		defer db.Close()
		snap, err := db.Snapshot(ctx)
		if err != nil {
			return "", err
		}
		defer snap.Close(ctx)
		// The file is synced once whole, in the archive; its search index
		// and tag lists are left for the restore to build (see
		// indexLater).
		out, err := sqlite.OpenWith(ctx, path, sqlite.Options{Durability: sqlite.Normal})
		if err != nil {
			return "", err
		}
		defer out.Close()
		bar := newProgress(stderr, "snapshot", 1)
		_, err = dateline.Move(ctx, snap, indexLater{out}, func(done, total int64) {
			bar.total = total
			bar.set(done, fmt.Sprintf("%d of %d rows", done, total))
		})
		bar.done()
		if err != nil {
			return "", err
		}
		return "postgres", out.Close()
	}
	return "", usagef("--db must be empty, sqlite:PATH or postgres://...; got %q", sf.db)
}

// indexLater is the SQLite file of a PostgreSQL site's archive: rows only.
// Its search index and tag lists, built from the rows, were most of a
// backup's time (20,000 stories: 10 of 20 s); a restore builds them
// (restoreIndex), and only when it restores into SQLite.
type indexLater struct{ *sqlite.DB }

func (indexLater) FinishTransfer(context.Context) error { return nil }

// restoreIndex builds the search index and tag lists of a PostgreSQL
// site's archive restored into the SQLite file at path.
func restoreIndex(ctx context.Context, path string, stderr io.Writer) error {
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	bar := newProgress(stderr, "index", 1)
	bar.set(0, "search index and tags")
	err = db.FinishTransfer(ctx)
	bar.done()
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return st.Size()
}

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	var sf storeFlags
	var from string
	fs := newFlagSet("restore", restoreHelp)
	sf.register(fs)
	fs.StringVar(&from, "from", "", "the archive to restore (required)")
	if err := parse(fs, args, stdout, stderr, false); err != nil {
		return err
	}
	if from == "" {
		return usagef("--from is required")
	}
	start := time.Now()
	// The targets must be empty before anything is read.
	if err := emptyFolder(sf.data); err != nil {
		return err
	}
	var pg *postgres.DB
	dbPath := filepath.Join(sf.data, backup.DBEntry) // where the database goes
	switch {
	case sf.db == "":
	case strings.HasPrefix(sf.db, "sqlite:"):
		dbPath = strings.TrimPrefix(sf.db, "sqlite:")
		if dbPath == "" {
			return usagef("sqlite: needs a file path")
		}
		if _, err := os.Stat(dbPath); err == nil {
			return dateline.Errorf(dateline.ECONFLICT, "The target %s exists; restore into a new file.", dbPath)
		}
	case strings.HasPrefix(sf.db, "postgres://"), strings.HasPrefix(sf.db, "postgresql://"):
		pg, err = postgres.Open(ctx, sf.db, postgres.Options{})
		if err != nil {
			return fmt.Errorf("--db: %w", err)
		}
		defer pg.Close()
		for _, t := range dateline.Tables {
			n, err := pg.CountRows(ctx, t)
			if err != nil {
				return err
			}
			if n > 0 {
				return dateline.Errorf(dateline.ECONFLICT, "The target database is not empty: its %s table has %d rows. Restore into a new database.", t.Name, n)
			}
		}
	default:
		return usagef("--db must be empty, sqlite:PATH or postgres://...; got %q", sf.db)
	}

	f, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	if !st.Mode().IsRegular() {
		return usagef("--from %s is not a file", from)
	}
	abs, err := filepath.Abs(sf.data)
	if err != nil {
		return err
	}
	stage, err := os.MkdirTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".restoring-")
	if err != nil {
		return fmt.Errorf("staging folder: %w", err)
	}
	defer os.RemoveAll(stage)

	bar := newProgress(stderr, "restore", st.Size())
	var read int64
	m, err := backup.Read(progressReader{countingReader{r: f, n: &read}, func() { bar.set(read, fmt.Sprintf("%d MiB", read>>20)) }}, stage)
	bar.done()
	if err != nil {
		return err
	}
	staged := filepath.Join(stage, backup.DBEntry)
	counts, err := sqlite.CountFile(ctx, staged)
	if err != nil {
		return backup.Errorf("the database does not open: %v", err)
	}
	for name, n := range m.Tables {
		if counts[name] != n {
			return backup.Errorf("table %s has %d rows, the manifest says %d", name, counts[name], n)
		}
	}

	// Verified: now the targets.
	if pg == nil && m.Engine == "postgres" {
		if err := restoreIndex(ctx, staged, stderr); err != nil {
			return err
		}
	}
	if pg != nil {
		src, err := sqlite.Open(ctx, staged)
		if err != nil {
			return err
		}
		bar := newProgress(stderr, "database", 1)
		_, err = dateline.Move(ctx, src, pg, func(done, total int64) {
			bar.total = total
			bar.set(done, fmt.Sprintf("%d of %d rows", done, total))
		})
		bar.done()
		src.Close()
		if err != nil {
			// The database was empty: leave it so, not half-filled.
			if uerr := pg.EmptyTables(context.WithoutCancel(ctx)); uerr != nil {
				return fmt.Errorf("restore into PostgreSQL: %w (and emptying it again failed: %v; empty it before trying again)", err, uerr)
			}
			return fmt.Errorf("restore into PostgreSQL: %w (the database is empty again)", err)
		}
		if err := os.Remove(staged); err != nil {
			return err
		}
	} else if sf.db != "" {
		if err := os.MkdirAll(filepath.Dir(dbPath), 0o755); err != nil {
			return err
		}
		if err := moveFile(staged, dbPath); err != nil {
			return err
		}
		defer func() {
			if err != nil {
				os.Remove(dbPath)
			}
		}()
	}
	if err := os.MkdirAll(filepath.Join(stage, "media"), 0o755); err != nil {
		return err
	}
	if err := os.Chmod(stage, 0o755); err != nil {
		return err
	}
	if err := os.Remove(sf.data); err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.Rename(stage, sf.data); err != nil {
		return err
	}
	var rows int64
	for _, n := range m.Tables {
		rows += n
	}
	fmt.Fprintf(stdout, "restored %s (%s backup of %s): %d rows, %d files checked, in %s\n",
		from, m.Engine, m.Created.Format(time.RFC3339), rows, len(m.Files), time.Since(start).Round(time.Millisecond))
	return nil
}

// emptyFolder refuses a data folder that holds anything.
func emptyFolder(dir string) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	if len(entries) > 0 {
		return dateline.Errorf(dateline.ECONFLICT, "The target folder %s is not empty; restore into a new folder.", dir)
	}
	return nil
}

// moveFile renames, or copies and removes across file systems.
func moveFile(from, to string) error {
	if err := os.Rename(from, to); err == nil {
		return nil
	}
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(to)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(to)
		return err
	}
	return out.Close()
}

// progressReader calls tick after every read.
type progressReader struct {
	r    io.Reader
	tick func()
}

func (p progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.tick()
	return n, err
}
