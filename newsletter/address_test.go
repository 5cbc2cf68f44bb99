package newsletter

import (
	"net/mail"
	"strings"
	"testing"
)

func TestCheckAddress(t *testing.T) {
	for in, ok := range map[string]bool{
		"reader@example.org": true, " Reader@Example.org ": true, "a.b+c@mail.example.co.uk": true,
		"": false, "reader": false, "reader@localhost": false, "Reader <r@example.org>": false, "r@example.org, s@example.org": false,
		"r@example.org\r\nBcc: x@example.org": false, strings.Repeat("a", 250) + "@example.org": false, "@example.org": false,
	} {
		got, err := CheckAddress("en", in)
		if (err == nil) != ok {
			t.Errorf("CheckAddress(%q) = %q, %v; want ok %v", in, got, err, ok)
		}
		if err != nil && !strings.Contains(err.Error(), "email address") {
			t.Errorf("CheckAddress(%q): %v is not in words", in, err)
		}
	}
	if _, err := CheckAddress("ru", "x"); err == nil || !strings.Contains(err.Error(), "не адрес") {
		t.Errorf("Russian: %v", err)
	}
}

// FuzzCheckAddress: never a panic; what is accepted is one plain address
// that net/mail reads back the same, without line breaks (a header).
func FuzzCheckAddress(f *testing.F) {
	for _, s := range []string{"reader@example.org", "a@b", "\"a b\"@example.org", "a@[127.0.0.1]", "=?utf-8?q?x?=@example.org", "ä@пример.рф"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := CheckAddress("en", s)
		if err != nil {
			return
		}
		a, perr := mail.ParseAddress(got)
		if perr != nil || a.Address != got || a.Name != "" || strings.ContainsAny(got, "\r\n") || len(got) > 254 {
			t.Errorf("accepted %q: %v", got, perr)
		}
	})
}
