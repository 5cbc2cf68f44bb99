package dateline

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzAdValidate: whatever an admin's form holds, Validate does not
// panic, and what it accepts is safe to put in a page: links are absolute
// http or https, frames absolute https on another host, sizes in range.
func FuzzAdValidate(f *testing.F) {
	f.Add("image", "https://shop.example/offer", "Sale", "", 0, 0)
	f.Add("frame", "", "", "https://ads.example/slot", 300, 250)
	f.Add("frame", "", "", "https://NEWS.example./x", 300, 250)
	f.Add("image", "javascript:alert(1)", "x", "", 0, 0)
	f.Add("frame", "", "", "//ads.example/x", 300, 250)
	f.Add("image", "HTTPS://shop.example", "a\tb", "", 0, 0)
	f.Add("frame", "", "", "https://ads.example;sandbox/x", 300, 250)
	f.Add("frame", "", "", "https://*/x", 300, 250)
	f.Fuzz(func(t *testing.T, kind, link, alt, frame string, w, h int) {
		a := &Ad{Slot: SlotSidebar, Kind: kind, PhotoID: 1, Link: link, Alt: alt, FrameURL: frame, Width: w, Height: h,
			From: time.Unix(0, 0), Until: time.Unix(60, 0)}
		if err := a.Validate("https://news.example"); err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		switch a.Kind {
		case AdImage:
			u, err := url.Parse(a.Link)
			if err != nil || (strings.ToLower(u.Scheme) != "http" && strings.ToLower(u.Scheme) != "https") || u.Host == "" || a.Alt == "" {
				t.Fatalf("accepted link %q alt %q", a.Link, a.Alt)
			}
		case AdFrame:
			u, err := url.Parse(a.FrameURL)
			if err != nil || strings.ToLower(u.Scheme) != "https" || u.Host == "" || strings.EqualFold(strings.TrimSuffix(u.Hostname(), "."), "news.example") ||
				a.Width < 50 || a.Height < 50 || a.Width > AdMaxFrameWH || a.Height > AdMaxFrameWH {
				t.Fatalf("accepted frame %q %dx%d", a.FrameURL, a.Width, a.Height)
			}
			if o := AdOrigin(u); o == "" || strings.ContainsAny(o, ";, '*\"\t\n") {
				t.Fatalf("accepted frame %q gives the policy source %q", a.FrameURL, o)
			}
		default:
			t.Fatalf("accepted kind %q", a.Kind)
		}
	})
}

// TestAdOrigin: only a checked host and port become a policy source.
func TestAdOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://ads.example/slot":       "https://ads.example",
		"https://ADS.Example:8443/x":     "https://ads.example:8443",
		"https://203.0.113.5/x":          "https://203.0.113.5",
		"https://[2001:db8::1]:444/x":    "https://[2001:db8::1]:444",
		"https://xn--80ak6aa92e.com/x":   "https://xn--80ak6aa92e.com",
		"https://ads.example;sandbox/x":  "",
		"https://*/x":                    "",
		"https://ads.example,evil.com/x": "",
		"https://ex.com:99999/":          "",
		"https://ex.com:0/":              "",
		"https://ex.com:080/":            "",
		"https://ads.example\u00a0/x":    "",
		"https://ads.example'/x":         "",
		"https://-ads.example/x":         "",
		"https://ads..example/x":         "",
		"https://пример.рф/x":            "",
	} {
		u, err := url.Parse(in)
		if err != nil {
			if want != "" {
				t.Errorf("%q does not parse: %v", in, err)
			}
			continue
		}
		if got := AdOrigin(u); got != want {
			t.Errorf("AdOrigin(%q) = %q, want %q", in, got, want)
		}
	}
}
