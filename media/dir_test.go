package media

import (
	"context"
	"io"
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
