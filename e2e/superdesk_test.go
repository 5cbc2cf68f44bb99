package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"dateline/superdesk"
)

// TestSuperdeskPages publishes a story from Superdesk to the running
// binary as Superdesk does (a source made with `dateline source add`, GET
// 404, a signed upload of each picture, GET 200, the signed item), then
// reads it in Chromium at phone and desktop widths with axe-core: the
// lead and inline photos load from the site's own /media/, nothing comes
// from the sender; after the kill the address answers 410 without the
// kill notice's words.
func TestSuperdeskPages(t *testing.T) {
	const secret = "e2e-superdesk-secret-0123456789"
	add := exec.Command(binPath, "source", "add", "superdesk", "e2e-desk", "--secret-from-stdin", "--data", dataDir)
	add.Stdin = strings.NewReader(secret + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("source add: %v %s", err, out)
	}
	post := func(path, ctype string, body []byte) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", baseURL+path, bytes.NewReader(body))
		req.Header.Set("Content-type", ctype)
		req.Header.Set("x-superdesk-signature", superdesk.Sign(secret, body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	item := func(name string) []byte {
		b, err := os.ReadFile("testdata/superdesk/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	pub := item("publish")
	dir := t.TempDir()
	seen := map[string]bool{}
	for i, m := range regexp.MustCompile(`"media": "([^"]+)"`).FindAllSubmatch(pub, -1) {
		id := string(m[1])
		if seen[id] {
			continue
		}
		seen[id] = true
		if code, _ := httpGet(t, baseURL+"/api/v2/assets/push/"+id); code != http.StatusNotFound {
			t.Fatalf("GET %s before its upload: %d", id, code)
		}
		var b bytes.Buffer
		boundary := fmt.Sprintf("%032x", i+1)
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"media_id\"\r\n\r\n%s\r\n", boundary, id)
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"media\"; filename=\"%s\"\r\nContent-Type: image/jpeg\r\n\r\n", boundary, id)
		photo, err := os.ReadFile(writeJPEG(t, dir, fmt.Sprintf("%d.jpg", i), 1600-i*100, 1000))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(photo)
		fmt.Fprintf(&b, "\r\n--%s--\r\n", boundary)
		if code, out := post("/api/v2/assets/push", "multipart/form-data; boundary="+boundary, b.Bytes()); code != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", id, code, out)
		}
		if code, _ := httpGet(t, baseURL+"/api/v2/assets/push/"+id); code != http.StatusOK {
			t.Fatalf("GET %s after its upload: %d", id, code)
		}
	}
	code, out := post("/api/v2/content/push", "application/json", pub)
	var res struct {
		ID      int64
		Section string
		Result  string
	}
	json.Unmarshal([]byte(out), &res)
	if code != http.StatusCreated || res.Result != "created" {
		t.Fatalf("item: %d %s", code, out)
	}
	url := fmt.Sprintf("%s/%s/%d", baseURL, res.Section, res.ID)
	axe := axeSource(t)
	for _, size := range viewports {
		t.Run(size.name, func(t *testing.T) {
			ctx := browser(t, size.w, size.h, true)
			must(t, ctx, chromedp.Navigate(url), chromedp.WaitReady("main"))
			if page := text(t, ctx, "main"); !strings.Contains(page, "Ministers meet in Zürich for river talks") || !strings.Contains(page, "Министры") {
				t.Errorf("the story's page says: %.300s", page)
			}
			// Every photo of the story has loaded, from the site's own store.
			var imgs []struct {
				Src    string
				Loaded bool
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				must(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("article.article > figure img, article.article figure.inline-photo img")].map(i => ({src: i.currentSrc || i.src, loaded: i.complete && i.naturalWidth > 0}))`, &imgs))
				loaded := len(imgs) >= 2
				for _, i := range imgs {
					loaded = loaded && i.Loaded
				}
				if loaded || time.Now().After(deadline) {
					break
				}
				must(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("article.article img")].forEach(i => i.loading = "eager")`, nil))
				time.Sleep(200 * time.Millisecond)
			}
			for _, i := range imgs {
				if !strings.HasPrefix(i.Src, baseURL+"/media/superdesk/") || !i.Loaded {
					t.Errorf("photo %s: loaded %v", i.Src, i.Loaded)
				}
			}
			if len(imgs) < 2 {
				t.Errorf("want the lead and the inline photo, got %v", imgs)
			}
			screenshot(t, ctx, size.name+"-superdesk")
			for _, v := range runAxe(t, ctx, url, axe) {
				t.Errorf("%s at %s: %s (%s)", url, size.name, v.ID, v.Help)
			}
		})
	}
	if code, out := post("/api/v1/content/push", "application/json", item("kill")); code != http.StatusCreated || !strings.Contains(out, `"killed"`) {
		t.Fatalf("kill: %d %s", code, out)
	}
	ctx := browser(t, 1280, 900, true)
	must(t, ctx, chromedp.Navigate(url), chromedp.WaitReady("main"))
	if page := text(t, ctx, "main"); strings.Contains(page, "Please kill") || strings.Contains(page, "Kill/Takedown") || !strings.Contains(page, "Ministers meet in Zürich") {
		t.Errorf("after the kill the page says: %.300s", page)
	}
	if code, _ := httpGet(t, url); code != http.StatusGone {
		t.Errorf("%s after the kill: %d", url, code)
	}
}
