package dateline

import (
	"testing"
	"time"
)

func TestCursorRoundTrip(t *testing.T) {
	c := Cursor{Time: time.Date(2026, 10, 23, 10, 43, 0, 0, time.UTC), ID: 12345}
	got, err := ParseCursor(c.String())
	if err != nil || !got.Time.Equal(c.Time) || got.ID != c.ID {
		t.Fatalf("round trip: %v %v", got, err)
	}
	for _, bad := range []string{"", "x", "AAAA", "%%%", "LTEuMQ", "MS4w", string(make([]byte, 100))} {
		if _, err := ParseCursor(bad); ErrorCode(err) != EINVALID {
			t.Errorf("ParseCursor(%q) = %v", bad, err)
		}
	}
}

func FuzzParseCursor(f *testing.F) {
	f.Add(Cursor{Time: time.Unix(1700000000, 0), ID: 7}.String())
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCursor(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("error code %q", ErrorCode(err))
			}
			return
		}
		if c.ID <= 0 {
			t.Fatalf("accepted id %d", c.ID)
		}
		again, err := ParseCursor(c.String())
		if err != nil || again != c {
			t.Fatalf("re-encoding %v gave %v %v", c, again, err)
		}
	})
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Syrian conflict":                "syrian-conflict",
		"Sergey Lavrov":                  "sergey-lavrov",
		"Сергей Лавров":                  "sergey-lavrov",
		"Russia's gas pipelines":         "russias-gas-pipelines",
		"  --Fight against terrorism!! ": "fight-against-terrorism",
		"!!!":                            "",
		"Ёлка":                           "elka",
	} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSectionValidate(t *testing.T) {
	for _, s := range []Section{{Slug: "news", Name: "x"}, {Slug: "Bad Slug", Name: "x"}, {Slug: "ok"}, {Slug: "", Name: "x"}} {
		if ErrorCode(s.Validate()) != EINVALID {
			t.Errorf("%+v accepted", s)
		}
	}
	for _, s := range DefaultSections {
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", s.Slug, err)
		}
	}
}
