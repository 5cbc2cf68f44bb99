package superdesk_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/ingest"
	"dateline/superdesk"
)

// The known answer of Superdesk's own test (test_get_headers).
func TestSign(t *testing.T) {
	if got := superdesk.Sign("123456789", []byte("test payload")); got != "sha1=8be62a607898504f87559cb52dc23f9ebee65a21" {
		t.Errorf("Sign = %s", got)
	}
}

func TestTimes(t *testing.T) {
	for in, want := range map[string]string{
		`{"guid": "g", "type": "text", "versioncreated": "2025-03-12T09:03:40+0000"}`:                  "2025-03-12T09:03:40Z",
		`{"guid": "g", "type": "text", "versioncreated": "2025-03-12T12:03:40+0300"}`:                  "2025-03-12T09:03:40Z",
		`{"guid": "g", "type": "text", "versioncreated": "2025-03-12T09:03:40.123456+00:00"}`:          "2025-03-12T09:03:40.123456Z",
		`{"guid": "g", "type": "text", "versioncreated": "2025-03-12T09:03:40Z", "embargoed": null}`:   "2025-03-12T09:03:40Z",
		`{"guid": "g", "type": "text", "versioncreated": "2025-03-12T09:03:40", "version": "007"}`:     "2025-03-12T09:03:40Z",
		`{"guid": "g", "type": "text", "versioncreated": "2025-03-12T09:03:40+0000", "embargoed": ""}`: "2025-03-12T09:03:40Z",
		`{"guid": "g", "type": "text", "versioncreated": "12 March 2025"}`:                             "",
		`{"guid": "g", "type": "text", "version": "two"}`:                                              "",
		`{"guid": "", "type": "text"}`:     "",
		`{"guid": "g"}`:                    "",
		`[]`:                               "",
		`{"guid": "g", "type": "text"} {}`: "",
	} {
		it, err := superdesk.Parse([]byte(in))
		switch {
		case want == "" && err == nil:
			t.Errorf("%s: no error", in)
		case want == "":
			if dateline.ErrorCode(err) != dateline.EINVALID {
				t.Errorf("%s: %v, want EINVALID", in, err)
			}
		case err != nil:
			t.Errorf("%s: %v", in, err)
		case it.VersionCreated.Format(time.RFC3339Nano) != want:
			t.Errorf("%s: %s, want %s", in, it.VersionCreated.Format(time.RFC3339Nano), want)
		}
	}
}

func TestEmbeds(t *testing.T) {
	body := `<p>a</p><!-- EMBED START Image {id: "editor_0"} --><figure><img src="https://sd.example/x.jpg"></figure><!-- EMBED END Image {id: "editor_0"} --><p>b</p>` +
		`<!-- EMBED START Video {id: "editor_1"} --><video src="https://sd.example/v.mp4"></video><!-- EMBED END Video {id: "editor_1"} -->`
	if keys := superdesk.Embeds(body); len(keys) != 2 || keys[0] != "editor_0" || keys[1] != "editor_1" {
		t.Errorf("Embeds = %v", keys)
	}
	got := superdesk.ReplaceEmbeds(body, func(key string) string {
		if key == "editor_0" {
			return "<figure>local</figure>"
		}
		return ""
	})
	if got != `<p>a</p><figure>local</figure><p>b</p>` {
		t.Errorf("ReplaceEmbeds = %s", got)
	}
}

func TestMapPublish(t *testing.T) {
	data, err := os.ReadFile("testdata/publish.json")
	if err != nil {
		t.Fatal(err)
	}
	it, err := superdesk.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	pic, ok := superdesk.PictureOf(it.Associations["featuremedia"])
	if !ok || pic.Media[0] != "20250312090340/7e1180a3c5d94f0e9b7c2d1e4f6a8b3cdb31.jpg" || pic.Credit != "Anna Petrova" || pic.Alt != "Delegates walk into a hall" {
		t.Errorf("featuremedia: %+v", pic)
	}
	in := &ingest.Service{FallbackSection: "world", Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }}
	a, matched, err := in.Map(it.Ninjs("urn:x", superdesk.ReplaceEmbeds(it.BodyHTML, func(string) string { return "" })), dateline.DefaultSections)
	if err != nil {
		t.Fatal(err)
	}
	// Service "i" is no default section's code: the subject 11000000 places it.
	if !matched || a.Section != "politics" || a.Place != "Zürich" || a.Byline != "Ivan Smirnov" || a.Photo != nil || a.WireVersion != "" {
		t.Errorf("mapped: %s %v %q %q photo %v version %q", a.Section, matched, a.Place, a.Byline, a.Photo, a.WireVersion)
	}
	if body := strings.Join(a.Pages, ""); strings.Contains(body, "sd.example.org") || !strings.Contains(body, "Министры") {
		t.Errorf("body: %s", body)
	}
}

// FuzzDialect reads arbitrary bodies as Superdesk items and maps what
// parses: never a panic, refusals are EINVALID or EUNPROCESSABLE, and a
// mapped article never points at the sender's files.
func FuzzDialect(f *testing.F) {
	// Short seeds: the fuzzer stalls on the full samples (3.7 KB) when
	// it runs two workers on this machine.
	f.Add([]byte(`{"guid": "urn:newsml:x:1", "version": "10", "type": "text", "pubstatus": "usable", "versioncreated": "2025-03-12T09:10:00+0000", "firstpublished": "2025-03-12T09:10:00+0000", "embargoed": "2025-03-12T12:00:00.123456+00:00", "headline": "Z\u00fcrich", "byline": "", "authors": [{"name": "A", "role": "writer"}], "located": "Z", "service": [{"code": "i", "name": "International News"}], "subject": [{"code": "11000000", "name": "politics"}], "description_text": "d", "body_html": "<p>a</p>", "ednote": "CORRECTION: b", "evolvedfrom": "urn:newsml:x:0"}`))
	f.Add([]byte(`{"guid": "g", "version": "4", "type": "text", "pubstatus": "canceled", "headline": "Kill/Takedown notice", "body_html": "<p>Please kill story slugged s headlined h exZ at 1.</p>", "associations": {"featuremedia": {"type": "picture", "renditions": {"original": {"media": "2025/a.jpg", "width": 1600}, "thumbnail": {"media": "b", "width": 192}}}}}`))
	f.Add([]byte(`{"guid": "g", "type": "text", "version": "3", "versioncreated": "2025-03-12T09:03:40+0000", "headline": "h", "body_html": "<!-- EMBED START Image {id: \"e\"} -->x<!-- EMBED END Image {id: \"f\"} -->"}`))
	f.Add([]byte(`{"guid": "g", "type": "text", "associations": {"featuremedia": null, "editor_0": {"type": "picture", "renditions": {"original": {"media": "a/b"}}}}}`))
	in := &ingest.Service{FallbackSection: "world", Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }}
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := superdesk.Parse(data)
		if err != nil {
			if dateline.ErrorCode(err) != dateline.EINVALID {
				t.Fatalf("Parse: %v", err)
			}
			return
		}
		for _, as := range it.Associations {
			if p, ok := superdesk.PictureOf(as); ok && len(p.Media) == 0 {
				t.Fatal("a picture without media")
			}
		}
		body := superdesk.ReplaceEmbeds(it.BodyHTML, func(key string) string { return "" })
		a, _, err := in.Map(it.Ninjs(it.GUID, body), dateline.DefaultSections)
		if err != nil {
			if c := dateline.ErrorCode(err); c != dateline.EUNPROCESSABLE && c != dateline.EINVALID {
				t.Fatalf("Map: %v", err)
			}
			return
		}
		if a.Photo != nil {
			t.Fatalf("a photo from the item itself: %+v", a.Photo)
		}
		if strings.Contains(strings.Join(a.Pages, ""), "EMBED START") && strings.Contains(it.BodyHTML, "EMBED END") && len(superdesk.Embeds(body)) > 0 {
			t.Fatalf("an embed left in the body")
		}
	})
}

// FuzzSignature: only the exact signature of the exact body with an
// enabled source's secret is accepted; everything else is 401 or 403.
func FuzzSignature(f *testing.F) {
	f.Add([]byte("test payload"), "sha1=8be62a607898504f87559cb52dc23f9ebee65a21", "123456789")
	f.Add([]byte(`{"guid": "g"}`), "sha1=", "0123456789abcdef")
	f.Add([]byte(""), "SHA1=00", "x")
	f.Fuzz(func(t *testing.T, body []byte, header, secret string) {
		srcs := []dateline.Source{
			{Name: "off", Kind: dateline.SourceSuperdesk, Secret: secret, Disabled: true},
			{Name: "on", Kind: dateline.SourceSuperdesk, Secret: secret + "!"},
		}
		src, err := superdesk.Verify(body, header, srcs)
		good := superdesk.Sign(secret+"!", body)
		switch {
		case err == nil && src.Name != "on":
			t.Fatalf("accepted for %q", src.Name)
		case err == nil && !strings.EqualFold(strings.TrimSpace(header)[5:], good[5:]):
			t.Fatalf("accepted %q, the signature is %q", header, good)
		case err != nil && dateline.ErrorCode(err) != dateline.EUNAUTHORIZED && dateline.ErrorCode(err) != dateline.EFORBIDDEN:
			t.Fatalf("Verify: %v", err)
		}
		if src, err := superdesk.Verify(body, good, srcs); err != nil || src.Name != "on" {
			t.Fatalf("the right signature: %v", err)
		}
		if len(body) > 0 {
			other := bytes.Clone(body)
			other[0] ^= 1
			if _, err := superdesk.Verify(other, good, srcs); dateline.ErrorCode(err) != dateline.EFORBIDDEN {
				t.Fatalf("another body: %v", err)
			}
		}
	})
}
