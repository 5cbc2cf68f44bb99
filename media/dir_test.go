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
