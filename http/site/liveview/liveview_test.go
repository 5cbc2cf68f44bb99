package liveview

import (
	"net/url"
	"testing"

	"dateline"
)

// FuzzParseQuery: any query string is read or refused with words, and
// what is read names one cache entry and one address that reads back the
// same.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "order=oldest", "posts=2", "order=newest&posts=1", "order=x", "posts=-1", "posts=99999999999", "order=oldest&order=newest"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := ParseQuery(v)
		if err != nil {
			if dateline.ErrorCode(err) != dateline.EINVALID {
				t.Fatalf("%q: %v", raw, err)
			}
			return
		}
		addr := q.Address("/world/1")
		u, err := url.Parse(addr)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseQuery(u.Query())
		if err != nil || back != q || back.Key() != q.Key() {
			t.Fatalf("%q: %+v reads back from %s as %+v (%v)", raw, q, addr, back, err)
		}
	})
}
