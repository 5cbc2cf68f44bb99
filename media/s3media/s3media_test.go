package s3media_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/internal/weedtest"
	"dateline/media"
	"dateline/media/s3media"
)

func TestParseURL(t *testing.T) {
	good := []struct {
		url  string
		want s3media.Config
	}{
		{"s3://photos", s3media.Config{Bucket: "photos", Endpoint: s3media.DefaultEndpoint}},
		{"s3://photos/site/media/", s3media.Config{Bucket: "photos", Prefix: "site/media", Endpoint: s3media.DefaultEndpoint}},
		{"s3://photos/m?endpoint=127.0.0.1:8333&insecure=1&region=us-east-1", s3media.Config{Bucket: "photos", Prefix: "m", Endpoint: "127.0.0.1:8333", Insecure: true, Region: "us-east-1"}},
		{"s3://photos?endpoint=storage.example.net", s3media.Config{Bucket: "photos", Endpoint: "storage.example.net"}},
		{"s3://photos?endpoint=[::1]:9000&insecure=0", s3media.Config{Bucket: "photos", Endpoint: "[::1]:9000"}},
	}
	for _, tc := range good {
		got, err := s3media.ParseURL(tc.url)
		if err != nil || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.url, got, err, tc.want)
		}
	}
	bad := []struct{ url, msg string }{
		{"http://photos", "must be a folder or s3://"},
		{"s3:photos", "must be a folder or s3://"},
		{"s3://", "not a valid bucket name"},
		{"s3://Ph_otos", "not a valid bucket name"},
		{"s3://key:secret@photos", "must not carry credentials: set AWS_ACCESS_KEY_ID"},
		{"s3://photos/a/../b", "plain folder names"},
		{"s3://photos/a//b", "plain folder names"},
		{"s3://photos?endpoint=", "give HOST or HOST:PORT"},
		{"s3://photos?endpoint=host:port", "give HOST or HOST:PORT"},
		{"s3://photos?endpoint=http://host:9000", "give HOST or HOST:PORT"},
		{"s3://photos?endpoint=a:1&endpoint=b:2", "more than once"},
		{"s3://photos?insecure=yes", "use insecure=1"},
		{"s3://photos?secret=x", `unknown parameter "secret"`},
		{"s3://photos?region=", "not a region name"},
		{"s3://photos#x", "fragment"},
	}
	for _, tc := range bad {
		_, err := s3media.ParseURL(tc.url)
		msg := dateline.ErrorMessage(err)
		if dateline.ErrorCode(err) != dateline.EINVALID || !strings.Contains(msg, tc.msg) || strings.Contains(msg, "\n") {
			t.Errorf("%s: %v; want EINVALID with %q", tc.url, err, tc.msg)
		}
	}
	c, _ := s3media.ParseURL("s3://photos/m?insecure=1&endpoint=127.0.0.1:8333")
	if s := c.String(); s != "s3://photos/m?endpoint=127.0.0.1:8333&insecure=1" {
		t.Errorf("String: %s", s)
	}
}

func TestOpenNeedsCredentials(t *testing.T) {
	_, err := s3media.Open("s3://photos?endpoint=127.0.0.1:1", func(string) string { return "" })
	if dateline.ErrorCode(err) != dateline.EINVALID || !strings.Contains(dateline.ErrorMessage(err), "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY") {
		t.Errorf("no credentials: %v", err)
	}
	c := s3media.Config{Bucket: "photos", Endpoint: "127.0.0.1:1", AccessKey: "AKIA", SecretKey: "very-secret"}
	s, err := s3media.New(c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s.String(), "secret") || strings.Contains(s.String(), "AKIA") {
		t.Errorf("String shows credentials: %s", s)
	}
}

func open(t testing.TB, w *weedtest.Server, prefix string) *s3media.Store {
	t.Helper()
	s, err := s3media.Open(w.URL(prefix), weedtest.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStore runs the store's calls against SeaweedFS, then stops it.
func TestStore(t *testing.T) {
	w := weedtest.Start(t)
	t.Run("files", func(t *testing.T) { testFiles(t, w) })
	t.Run("down", func(t *testing.T) { testDown(t, w) })
}

func testFiles(t *testing.T, w *weedtest.Server) {
	ctx := context.Background()
	s := open(t, w, "site/media")
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 300<<10)
	rand.Read(data)

	if err := s.Put(ctx, "uploads/2026/12/a.jpg", bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if keys := w.Keys(t, "site/"); len(keys) != 1 || keys[0] != "site/media/uploads/2026/12/a.jpg" {
		t.Errorf("keys %v", keys)
	}
	if ok, err := s.Exists(ctx, "uploads/2026/12/a.jpg"); !ok || err != nil {
		t.Errorf("Exists: %v, %v", ok, err)
	}
	if ok, err := s.Exists(ctx, "uploads/2026/12/b.jpg"); ok || err != nil {
		t.Errorf("Exists of a missing file: %v, %v", ok, err)
	}
	if _, err := s.Get(ctx, "uploads/2026/12/b.jpg"); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("Get of a missing file: %v", err)
	}
	for _, p := range []string{"../a.jpg", "/a.jpg", "a//b.jpg", ""} {
		if err := s.Put(ctx, p, bytes.NewReader(data)); dateline.ErrorCode(err) != dateline.EINVALID {
			t.Errorf("Put %q: %v", p, err)
		}
		if _, err := s.Get(ctx, p); dateline.ErrorCode(err) != dateline.ENOTFOUND {
			t.Errorf("Get %q: %v", p, err)
		}
	}

	f, err := s.Get(ctx, "uploads/2026/12/a.jpg")
	if err != nil {
		t.Fatal(err)
	}
	etag := f.(interface{ ETag() string }).ETag()
	if etag == "" || time.Since(f.ModTime()) > time.Minute {
		t.Errorf("ETag %q, ModTime %v", etag, f.ModTime())
	}
	got, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	// Ranges: seek anywhere and read from there, again and again.
	for _, r := range [][2]int64{{0, 10}, {1000, 5000}, {int64(len(data)) - 7, 7}, {5, 1}} {
		if _, err := f.Seek(r[0], io.SeekStart); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, r[1])
		if _, err := io.ReadFull(f, b); err != nil || !bytes.Equal(b, data[r[0]:r[0]+r[1]]) {
			t.Errorf("range %v: %v", r, err)
		}
	}
	if n, err := f.Seek(0, io.SeekEnd); n != int64(len(data)) || err != nil {
		t.Errorf("seek to the end: %d, %v", n, err)
	}
	if n, err := f.Read(make([]byte, 10)); n != 0 || err != io.EOF {
		t.Errorf("read at the end: %d, %v", n, err)
	}
	f.Close()

	// Overwrite: a new ETag, the new bytes.
	data2 := bytes.Repeat([]byte("x"), 1000)
	if err := s.Put(ctx, "uploads/2026/12/a.jpg", bytes.NewReader(data2)); err != nil {
		t.Fatal(err)
	}
	f, err = s.Get(ctx, "uploads/2026/12/a.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(f); !bytes.Equal(got, data2) || f.(interface{ ETag() string }).ETag() == etag {
		t.Errorf("after overwrite: %d bytes, ETag %s", len(got), f.(interface{ ETag() string }).ETag())
	}
	f.Close()

	// A reader of unknown length is sent in parts.
	if err := s.Put(ctx, "b.png", io.MultiReader(bytes.NewReader(data), strings.NewReader("end"))); err != nil {
		t.Fatal(err)
	}

	// Served with ranges by http.ServeContent, as /media/ does.
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		f, err := s.Get(r.Context(), "b.png")
		if err != nil {
			http.Error(rw, err.Error(), 500)
			return
		}
		defer f.Close()
		http.ServeContent(rw, r, "b.png", f.ModTime(), f)
	}))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.Header.Set("Range", "bytes=100-199,300-301")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || !bytes.Contains(body, data[100:200]) || !bytes.Contains(body, data[300:302]) {
		t.Errorf("multipart range: %d, %d bytes", resp.StatusCode, len(body))
	}

	// List gives paths under the prefix only, and Remove removes.
	other := open(t, w, "other")
	if err := other.Put(ctx, "c.jpg", strings.NewReader("c")); err != nil {
		t.Fatal(err)
	}
	var listed []string
	err = s.List(ctx, func(p string, size int64) error {
		listed = append(listed, p+":"+strings.Repeat("#", min(int(size), 3)))
		return nil
	})
	if err != nil || strings.Join(listed, " ") != "b.png:### uploads/2026/12/a.jpg:###" {
		t.Errorf("List: %v, %v", listed, err)
	}
	if err := s.Remove(ctx, "b.png"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.Exists(ctx, "b.png"); ok {
		t.Error("b.png was not removed")
	}

	missing, _ := s3media.Open(strings.Replace(w.URL(""), "s3://dateline", "s3://no-such-bucket", 1), weedtest.Getenv)
	if err := missing.Check(ctx); err == nil || !strings.Contains(err.Error(), `bucket "no-such-bucket" does not exist`) {
		t.Errorf("Check of a missing bucket: %v", err)
	}
}

// testDown stops the server: every call answers EUNAVAILABLE with the
// words for readers, within a second or two; once the server is back,
// what was stored before is there.
func testDown(t *testing.T, w *weedtest.Server) {
	ctx := context.Background()
	s := open(t, w, "down")
	if err := s.Put(ctx, "a.jpg", strings.NewReader("photo")); err != nil {
		t.Fatal(err)
	}
	w.Stop()
	start := time.Now()
	_, err := s.Get(ctx, "a.jpg")
	took := time.Since(start)
	if dateline.ErrorCode(err) != dateline.EUNAVAILABLE || dateline.ErrorMessage(err) != "The photo store is not answering; try again shortly." {
		t.Errorf("Get while down: %v", err)
	}
	if took > 3*time.Second {
		t.Errorf("Get while down took %v", took)
	}
	if err := s.Put(ctx, "b.jpg", strings.NewReader("photo")); dateline.ErrorCode(err) != dateline.EUNAVAILABLE {
		t.Errorf("Put while down: %v", err)
	}
	if _, err := s.Exists(ctx, "a.jpg"); dateline.ErrorCode(err) != dateline.EUNAVAILABLE {
		t.Errorf("Exists while down: %v", err)
	}
	if err := s.Check(ctx); dateline.ErrorCode(err) != dateline.EUNAVAILABLE || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("Check while down: %v", err)
	}
	w.Start(t)
	f, err := s.Get(ctx, "a.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(f); string(b) != "photo" {
		t.Errorf("after the restart: %q", b)
	}
	f.Close()
}

// BenchmarkMedia puts and gets a typical photo file (300 KB, a 1920-pixel
// rendition) in a folder and in SeaweedFS's S3 gateway on loopback.
func BenchmarkMedia(b *testing.B) {
	data := make([]byte, 300<<10)
	rand.Read(data)
	ctx := context.Background()
	stores := []struct {
		name string
		m    func(b *testing.B) dateline.Media
	}{
		{"dir", func(b *testing.B) dateline.Media { return media.Dir{Root: b.TempDir()} }},
		{"s3", func(b *testing.B) dateline.Media { return open(b, weedtest.Start(b), "bench") }},
	}
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			m := st.m(b)
			if err := m.Put(ctx, "get/photo.jpg", bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
			b.Run("put", func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				i := 0
				for b.Loop() {
					i++
					if err := m.Put(ctx, "put/"+strings.Repeat("p", i%50+1)+".jpg", bytes.NewReader(data)); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("get", func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					f, err := m.Get(ctx, "get/photo.jpg")
					if err != nil {
						b.Fatal(err)
					}
					if n, err := io.Copy(io.Discard, f); err != nil || n != int64(len(data)) {
						b.Fatal(n, err)
					}
					f.Close()
				}
			})
		})
	}
}
