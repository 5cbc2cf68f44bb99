package main

import (
	"context"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/backup"
	"dateline/internal/weedtest"
	"dateline/sqlite"
)

// TestBackupRestoreS3 backs up a site whose photos are in an S3 bucket
// (SeaweedFS on loopback) and restores it into another prefix of the
// bucket and into a data folder; a prefix that holds photos is refused, a
// restore that cannot store a photo takes back those it stored, a node
// does not start on a missing bucket or refused credentials, and while the
// store does not answer a backup fails in one line and a node starts.
func TestBackupRestoreS3(t *testing.T) {
	w := weedtest.Start(t)
	t.Setenv("AWS_ACCESS_KEY_ID", weedtest.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", weedtest.SecretKey)
	dir := t.TempDir()
	db := dbArgs(t, filepath.Join(dir, "src"))
	startServe(t, append([]string{"--demo", "--base-url", publicURL, "--media", w.URL("src")}, db...)...)
	photos := w.ETags(t, "src/")
	if len(photos) == 0 {
		t.Fatal("the demo stored no photos in the bucket")
	}

	archive := filepath.Join(dir, "s3.tar")
	out, _, err := cli(t, append([]string{"backup", "--to", archive, "--media", w.URL("src")}, db...)...)
	if err != nil || !strings.Contains(out, strconv.Itoa(len(photos))+" media files") {
		t.Fatalf("backup: %v %s", err, out)
	}
	if _, _, err := cli(t, "restore", "--from", archive, "--data", filepath.Join(dir, "r1"), "--media", w.URL("restored")); err != nil {
		t.Fatalf("restore into the bucket: %v", err)
	}
	if got := w.ETags(t, "restored/"); !maps.Equal(got, photos) {
		t.Errorf("restored %d photos, want the %d of the source, the same bytes", len(got), len(photos))
	}
	_, _, err = cli(t, "restore", "--from", archive, "--data", filepath.Join(dir, "r2"), "--media", w.URL("restored"))
	if dateline.ErrorCode(err) != dateline.ECONFLICT || !strings.Contains(message(err), "is not empty") {
		t.Errorf("restore into a prefix with photos: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "r2")); !os.IsNotExist(err) {
		t.Errorf("the refused restore made its data folder: %v", err)
	}
	if _, _, err := cli(t, "restore", "--from", archive, "--data", filepath.Join(dir, "r3")); err != nil {
		t.Fatalf("restore into a folder: %v", err)
	}
	for p := range photos {
		if _, err := os.Stat(filepath.Join(dir, "r3", "media", filepath.FromSlash(p))); err != nil {
			t.Errorf("restored into a folder: %v", err)
			break
		}
	}

	// A restore that cannot store one photo removes those it stored: an
	// archive with a.jpg and a file under a path longer than a media path
	// may be (512 bytes), which the store refuses.
	odd := filepath.Join(dir, "odd")
	if _, _, err := cli(t, "token", "create", "--data", odd, "--name", "x", "--scope", "read"); err != nil {
		t.Fatal(err) // makes the database
	}
	oddArchive := filepath.Join(dir, "odd.tar")
	f, err := os.Create(oddArchive)
	if err != nil {
		t.Fatal(err)
	}
	aw := backup.NewWriter(f, false, nil)
	counts, err := sqlite.CountFile(context.Background(), filepath.Join(odd, "dateline.db"))
	if err != nil {
		t.Fatal(err)
	}
	aw.AddFile(backup.DBEntry, filepath.Join(odd, "dateline.db"))
	aw.AddReader(backup.MediaPrefix+"a.jpg", strings.NewReader("a"), 1, time.Now())
	aw.AddReader(backup.MediaPrefix+strings.Repeat("x/", 300)+"z.jpg", strings.NewReader("z"), 1, time.Now())
	if err := aw.Finish(backup.Manifest{Format: backup.Format, Engine: "sqlite", Tables: counts}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, _, err = cli(t, "restore", "--from", oddArchive, "--data", filepath.Join(dir, "r4"), "--media", w.URL("odd"))
	if msg := message(err); !strings.Contains(msg, "is not allowed") || strings.Contains(msg, "\n") {
		t.Errorf("restore of a photo the store refuses: %q", msg)
	}
	if keys := w.Keys(t, "odd/"); len(keys) > 0 {
		t.Errorf("the failed restore left %v in the bucket", keys)
	}
	if _, err := os.Stat(filepath.Join(dir, "r4")); !os.IsNotExist(err) {
		t.Errorf("the failed restore made its data folder: %v", err)
	}

	// A node refuses to start on a bucket that is not there or on
	// credentials the store refuses.
	for _, tc := range []struct{ url, secret, want string }{
		{strings.Replace(w.URL("x"), "s3://dateline", "s3://no-such-bucket", 1), weedtest.SecretKey, `the bucket "no-such-bucket" does not exist`},
		{w.URL("x"), "wrong-secret", "403"},
	} {
		t.Setenv("AWS_SECRET_ACCESS_KEY", tc.secret)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err := run(ctx, []string{"serve", "--data", filepath.Join(dir, "start"), "--addr", "127.0.0.1:0", "--media", tc.url}, strings.NewReader(""), io.Discard, io.Discard)
		cancel()
		t.Logf("serve on %s: %s", tc.url, message(err))
		if msg := message(err); !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
			t.Errorf("serve on %s: %q, want %q", tc.url, msg, tc.want)
		}
	}
	t.Setenv("AWS_SECRET_ACCESS_KEY", weedtest.SecretKey)

	w.Stop()
	down := filepath.Join(dir, "down.tar")
	_, _, err = cli(t, append([]string{"backup", "--to", down, "--media", w.URL("src")}, db...)...)
	if msg := message(err); !strings.Contains(msg, "The photo store is not answering") || strings.Contains(msg, "\n") {
		t.Errorf("backup while the store is down: %q", msg)
	}
	if entries, _ := filepath.Glob(down + "*"); len(entries) > 0 {
		t.Errorf("the failed backup left %v", entries)
	}
	// A node starts while the store is down, and serves its pages.
	base := startServe(t, append([]string{"--media", w.URL("src")}, dbArgs(t, filepath.Join(dir, "fresh"))...)...)
	if page := get(t, base+"/"); !strings.Contains(page, "</html>") {
		t.Errorf("the home page while the store is down: %.200s", page)
	}
}

func TestMediaNeedsCredentials(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	_, _, err := cli(t, "serve", "--data", t.TempDir(), "--media", "s3://photos?endpoint=127.0.0.1:9")
	if exitCode(err) != 2 || !strings.Contains(message(err), "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY") {
		t.Errorf("no credentials: %v", err)
	}
}
