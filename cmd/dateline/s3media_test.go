package main

import (
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dateline"
	"dateline/internal/weedtest"
)

// TestBackupRestoreS3 backs up a site whose photos are in an S3 bucket
// (SeaweedFS on loopback) and restores it into another prefix of the
// bucket and into a data folder; a prefix that holds photos is refused,
// and a store that does not answer fails the backup in one line.
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

	w.Stop()
	down := filepath.Join(dir, "down.tar")
	_, _, err = cli(t, append([]string{"backup", "--to", down, "--media", w.URL("src")}, db...)...)
	if msg := message(err); !strings.Contains(msg, "The photo store is not answering") || strings.Contains(msg, "\n") {
		t.Errorf("backup while the store is down: %q", msg)
	}
	if entries, _ := filepath.Glob(down + "*"); len(entries) > 0 {
		t.Errorf("the failed backup left %v", entries)
	}
}

func TestMediaNeedsCredentials(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	_, _, err := cli(t, "serve", "--data", t.TempDir(), "--media", "s3://photos?endpoint=127.0.0.1:9")
	if exitCode(err) != 2 || !strings.Contains(message(err), "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY") {
		t.Errorf("no credentials: %v", err)
	}
}
