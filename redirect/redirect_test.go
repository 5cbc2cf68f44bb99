package redirect

import (
	"net/url"
	"strings"
	"testing"
)

func TestKey(t *testing.T) {
	for in, want := range map[string]string{
		"https://old.example.com/2017/10/23/slug/":          "/2017/10/23/slug",
		"/2018/03/25/%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82/": "/2018/03/25/привет",
		"/2018/03/25/%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82":  "/2018/03/25/привет",
		"https://old.example.com/?p=0123&utm_source=x":      "/?p=123",
		"/?page_id=7":                      "/?page_id=7",
		"/about//team/./":                  "/about/team",
		"/Category/News/?utm_medium=email": "/category/news",
		"/":                                "",
		"/?p=12x":                          "",
		"https://old.example.com":          "",
		"/story/?p=5":                      "/story/?p=5",
		"%zz":                              "",
	} {
		if got := KeyURL(in); got != want {
			t.Errorf("KeyURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzKey: whatever a reader asks for, Key neither panics nor returns
// more than 1,000 bytes outside a query key, and a key of a path is its
// own key.
func FuzzKey(f *testing.F) {
	for _, s := range []string{"/2017/10/23/slug/", "/?p=1", "/%d0%bf/", "//..//", "/a\x00b", strings.Repeat("/x", 600)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		k := Key(u.Path, u.Query())
		if len(k) > 1000 {
			t.Errorf("a key of %d bytes", len(k))
		}
		if strings.Contains(k, "/?") {
			return
		}
		if k != "" && Key(k, nil) != k {
			t.Errorf("Key(%q) = %q, whose key is %q", raw, k, Key(k, nil))
		}
	})
}
