package mail

import (
	"math/rand/v2"
	"strings"
	"testing"

	"dateline/internal/testseed"
)

// TestTokenRandom signs random unsubscriptions and reads them back; any
// change to a token, or another key, is refused.
func TestTokenRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(testseed.Seed(t), 1))
	chars := []rune("abcXYZ09.-+_@ élдж\n\t\"<>")
	word := func(n int) string {
		var b strings.Builder
		for range 1 + r.IntN(n) {
			b.WriteRune(chars[r.IntN(len(chars))])
		}
		return b.String()
	}
	for range 500 {
		key := make([]byte, 32)
		for i := range key {
			key[i] = byte(r.Uint32())
		}
		u := Unsubscription{Address: word(40), List: strings.ReplaceAll(word(20), "\n", "x"), Lang: []string{"en", "ru"}[r.IntN(2)]}
		tok := Token(key, u)
		if strings.ContainsAny(tok, "/?#%+= ") {
			t.Fatalf("token %q is not safe in a path", tok)
		}
		got, err := ParseToken(key, tok)
		if err != nil || got != u {
			t.Fatalf("ParseToken(Token(%+v)) = %+v, %v", u, got, err)
		}
		other := append([]byte(nil), key...)
		other[r.IntN(len(other))] ^= 1 << r.IntN(8)
		if _, err := ParseToken(other, tok); err != ErrBadToken {
			t.Fatalf("a token passed with another key: %v", err)
		}
		b := []byte(tok)
		i := r.IntN(len(b))
		b[i] = "AQzw-_."[r.IntN(7)]
		if string(b) != tok {
			if got, err := ParseToken(key, string(b)); err == nil && got != u {
				t.Fatalf("a changed token %q read as %+v", b, got)
			}
		}
	}
	// A language other than Russian is English.
	if got, _ := ParseToken([]byte("k"), Token([]byte("k"), Unsubscription{Address: "a@b", List: "l", Lang: "de"})); got.Lang != "en" {
		t.Errorf("lang = %q", got.Lang)
	}
}

// FuzzParseToken: any string is refused or read, never a panic; what is
// read was signed (the fuzzer cannot forge the HMAC) or is the seed's.
func FuzzParseToken(f *testing.F) {
	key := []byte("fuzz key")
	f.Add(Token(key, Unsubscription{Address: "reader@example.org", List: "breaking", Lang: "ru"}))
	f.Add("")
	f.Add(".")
	f.Add("djEKZW4KYgpj.")
	f.Add(strings.Repeat("A", 2000) + ".x")
	f.Fuzz(func(t *testing.T, tok string) {
		u, err := ParseToken(key, tok)
		if err != nil {
			if err != ErrBadToken {
				t.Fatalf("error %v", err)
			}
			return
		}
		if Token(key, u) != tok {
			t.Fatalf("read %+v from %q, which is not its token", u, tok)
		}
	})
}
