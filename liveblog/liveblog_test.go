package liveblog

import (
	"net/url"
	"strings"
	"testing"

	"dateline"
	"dateline/sanitize"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		p    Post
		code string
		body string
	}{
		{Post{Kind: KindText, Body: "Plain words"}, "", "<p>Plain words</p>"},
		{Post{Kind: KindText, Body: `<p onclick="x()">Hi<script>alert(1)</script></p>`}, "", "<p>Hi</p>"},
		{Post{Kind: KindText, Body: "<script>x</script>"}, dateline.EINVALID, ""},
		{Post{Kind: KindQuote, Body: "We won", QuoteBy: " The coach "}, "", "<p>We won</p>"},
		{Post{Kind: KindLink, LinkURL: "https://example.org/a"}, "", ""},
		{Post{Kind: KindLink, LinkURL: "javascript:alert(1)"}, dateline.EINVALID, ""},
		{Post{Kind: KindPhoto}, dateline.EINVALID, ""},
		{Post{Kind: "embed", Body: "x"}, dateline.EINVALID, ""},
		{Post{Kind: KindText, Body: strings.Repeat("x", MaxBody+1)}, dateline.EINVALID, ""},
	} {
		p := tc.p
		err := p.Normalize()
		if got := dateline.ErrorCode(err); err != nil && got != tc.code || err == nil && tc.code != "" {
			t.Errorf("%+v: %v, want %q", tc.p, err, tc.code)
			continue
		}
		if err == nil && p.Body != tc.body {
			t.Errorf("%+v: body %q, want %q", tc.p, p.Body, tc.body)
		}
	}
	p := Post{Kind: KindText, Body: "x", PhotoID: 4, QuoteBy: "y", LinkURL: "https://z"}
	if err := p.Normalize(); err != nil || p.PhotoID != 0 || p.QuoteBy != "" || p.LinkURL != "" {
		t.Errorf("a text post keeps another kind's fields: %+v %v", p, err)
	}
}

// FuzzNormalize: whatever the newsroom's form sends, Normalize answers
// with words or a post whose body the sanitiser keeps as it is and whose
// link is a whole http(s) address.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"text|Hello", "quote|<b>We</b>|Coach", "link||https://example.org", "link||javascript:x",
		"text|<img src=x onerror=alert(1)>", "photo|", "text|\x00\xff<p>", "text|a\n\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := strings.SplitN(s, "|", 4)
		for len(parts) < 4 {
			parts = append(parts, "")
		}
		p := Post{Kind: parts[0], Body: parts[1], QuoteBy: parts[2], LinkURL: parts[2] + parts[3], PhotoID: int64(len(parts[3]))}
		err := p.Normalize()
		if err != nil {
			if dateline.ErrorCode(err) != dateline.EINVALID || dateline.ErrorMessage(err) == "" {
				t.Fatalf("error without words: %v", err)
			}
			return
		}
		if again := sanitize.HTML(p.Body); again != p.Body {
			t.Fatalf("body %q is not as the sanitiser keeps it (%q)", p.Body, again)
		}
		if p.Kind == KindLink {
			u, err := url.Parse(p.LinkURL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				t.Fatalf("link %q", p.LinkURL)
			}
		}
	})
}
