package http_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"dateline/superdesk"
)

// BenchmarkSuperdeskToPage measures the time from Superdesk's item POST
// to the story's page being served on one node: the signed POST over a
// real listener, then GETs of the article's address until one answers
// 200 with the headline. "photo" items bring a new lead picture each,
// uploaded before the timer runs (Superdesk uploads before it posts the
// item), so the POST includes making the photo and its renditions.
//
//	go test -run '^$' -bench SuperdeskToPage -benchtime 20x ./http
func BenchmarkSuperdeskToPage(b *testing.B) {
	for _, photo := range []bool{false, true} {
		b.Run(map[bool]string{false: "text", true: "photo"}[photo], func(b *testing.B) {
			s := newSDEnv(b)
			ctx := context.Background()
			pub := sdItem(b, "publish")
			var worst time.Duration
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				guid := fmt.Sprintf("urn:bench:%v:%d", photo, i)
				item := bytes.Replace(pub, []byte(sdG1), []byte(guid), 1)
				if photo {
					id := fmt.Sprintf("bench/%d.jpg", i)
					item = bytes.ReplaceAll(item, []byte("20250312090340/7e1180a3c5d94f0e9b7c2d1e4f6a8b3cdb31.jpg"), []byte(id))
					ctype, mp := multipartBody(id, testJPEG(b, 1600, 1000, byte(i)))
					if code, out := s.send("POST", "/api/v2/assets/push", ctype, mp, "x-superdesk-signature", superdesk.Sign(sdSecret, mp)); code != http.StatusCreated {
						b.Fatalf("upload: %d %s", code, out)
					}
				} else {
					item = bytes.Replace(item, []byte(`"associations"`), []byte(`"no_associations"`), 1)
				}
				b.StartTimer()
				start := time.Now()
				if code, out := s.send("POST", "/api/v2/content/push", "application/json", item, "x-superdesk-signature", superdesk.Sign(sdSecret, item)); code != http.StatusCreated {
					b.Fatalf("item: %d %s", code, out)
				}
				took := time.Since(start)
				b.StopTimer()
				a, err := s.store.ArticleByURI(ctx, guid)
				if err != nil {
					b.Fatal(err)
				}
				addr := fmt.Sprintf("/%s/%d", a.Section, a.ID)
				b.StartTimer()
				start = time.Now()
				for try := 0; ; try++ {
					code, body := s.send("GET", addr, "", nil)
					if code == http.StatusOK && strings.Contains(body, "Ministers meet in Zürich") {
						break
					}
					if try == 100 {
						b.Fatalf("%s: %d", addr, code)
					}
				}
				worst = max(worst, took+time.Since(start))
			}
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
		})
	}
}
