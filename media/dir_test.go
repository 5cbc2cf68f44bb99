package media

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dateline"
)

func TestDir(t *testing.T) {
	ctx := context.Background()
	d := Dir{Root: t.TempDir()}
	if err := d.Put(ctx, "demo/a.jpg", strings.NewReader("jpeg bytes")); err != nil {
		t.Fatal(err)
	}
	if ok, _ := d.Exists(ctx, "demo/a.jpg"); !ok {
		t.Error("Exists after Put")
	}
	f, err := d.Get(ctx, "demo/a.jpg")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "jpeg bytes" || f.ModTime().IsZero() {
		t.Errorf("read %q", b)
	}
	if _, err := d.Get(ctx, "demo/none.jpg"); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("missing file: %v", err)
	}
	// Paths that the file system cannot resolve are missing files too.
	long := strings.Repeat("a", 300) + ".jpg"
	for _, p := range []string{"demo/a.jpg/x", "demo/a.jpg/x/y.jpg", "demo/" + long, long + "/b.jpg"} {
		if _, err := d.Get(ctx, p); dateline.ErrorCode(err) != dateline.ENOTFOUND {
			t.Errorf("Get(%q) = %v, want ENOTFOUND", p, err)
		}
		if ok, err := d.Exists(ctx, p); ok || err != nil {
			t.Errorf("Exists(%q) = %v, %v, want false, nil", p, ok, err)
		}
	}
	for _, bad := range []string{"", "../x", "/etc/passwd", "a/../../b", "a//b", "a\\b", "a\x00b", "demo"} {
		if _, err := d.Get(ctx, bad); dateline.ErrorCode(err) != dateline.ENOTFOUND {
			t.Errorf("Get(%q) = %v", bad, err)
		}
		if bad != "demo" {
			if err := d.Put(ctx, bad, strings.NewReader("x")); dateline.ErrorCode(err) != dateline.EINVALID {
				t.Errorf("Put(%q) = %v", bad, err)
			}
		}
	}
}

// TestDirList: List gives the stored files with their sizes, in order,
// not a Put under way nor a file under a path Put refuses; Remove removes.
func TestDirList(t *testing.T) {
	ctx := context.Background()
	d := Dir{Root: t.TempDir()}
	for p, body := range map[string]string{"b/c.jpg": "ccc", "a.jpg": "a"} {
		if err := d.Put(ctx, p, strings.NewReader(body)); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(d.Root, "b", ".put-123"), []byte("half"), 0o644)
	os.WriteFile(filepath.Join(d.Root, "b", `back\slash.jpg`), []byte("x"), 0o644)
	var got []string
	err := d.List(ctx, func(p string, size int64) error {
		got = append(got, p+":"+strconv.FormatInt(size, 10))
		return nil
	})
	if err != nil || strings.Join(got, " ") != "a.jpg:1 b/c.jpg:3" {
		t.Errorf("List: %v, %v", got, err)
	}
	if err := d.Remove(ctx, "a.jpg"); err != nil {
		t.Fatal(err)
	}
	if err := d.Remove(ctx, "a.jpg"); err != nil {
		t.Errorf("removing a missing file: %v", err)
	}
	if ok, _ := d.Exists(ctx, "a.jpg"); ok {
		t.Error("a.jpg is still there")
	}
	if err := (Dir{Root: filepath.Join(d.Root, "none")}).List(ctx, func(string, int64) error { return errors.New("called") }); err != nil {
		t.Errorf("a missing folder: %v", err)
	}
}
