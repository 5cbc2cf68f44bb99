package mail

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"unicode/utf8"
)

// An unsubscribe token names an address, a list and the language of the
// page, signed with the site's key (Store.MailKey): base64url of
// "v1\nLANG\nLIST\nADDRESS", a dot, and base64url of the first 16 bytes of
// HMAC-SHA256(key, that text). It never expires: a link in an old message
// still unsubscribes.

// Unsubscription is what a token names.
type Unsubscription struct {
	Address string
	List    string
	Lang    string // "en" or "ru": the language of its page
}

// maxToken bounds a token's length (an address of 320 bytes, a list of
// 200 and the rest, in base64).
const maxToken = 1024

// ErrBadToken is every token that cannot be read or is not signed with
// the key, for the page: a person needs no more detail.
var ErrBadToken = errors.New("This unsubscribe link is not valid: it may have been cut when it was copied. Use the link in the message itself.")

// strict refuses encodings with stray bits, so that one token has one
// spelling.
var strict = base64.RawURLEncoding.Strict()

// Token signs u with key.
func Token(key []byte, u Unsubscription) string {
	if u.Lang != "ru" {
		u.Lang = "en"
	}
	payload := "v1\n" + u.Lang + "\n" + u.List + "\n" + u.Address
	p := base64.RawURLEncoding.EncodeToString([]byte(payload))
	return p + "." + base64.RawURLEncoding.EncodeToString(sign(key, p))
}

func sign(key []byte, p string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(p))
	return m.Sum(nil)[:16]
}

// ParseToken checks the token's signature with key and returns what it
// names, or ErrBadToken.
func ParseToken(key []byte, token string) (Unsubscription, error) {
	var u Unsubscription
	if len(token) > maxToken {
		return u, ErrBadToken
	}
	p, s, ok := strings.Cut(token, ".")
	if !ok {
		return u, ErrBadToken
	}
	sig, err := strict.DecodeString(s)
	if err != nil || !hmac.Equal(sig, sign(key, p)) {
		return u, ErrBadToken
	}
	raw, err := strict.DecodeString(p)
	if err != nil || !utf8.Valid(raw) {
		return u, ErrBadToken
	}
	f := strings.SplitN(string(raw), "\n", 4)
	if len(f) != 4 || f[0] != "v1" || f[2] == "" || f[3] == "" || (f[1] != "en" && f[1] != "ru") {
		return u, ErrBadToken
	}
	return Unsubscription{Lang: f[1], List: f[2], Address: f[3]}, nil
}

// UnsubscribeURL is the address of the unsubscribe page of u on the site
// at baseURL.
func UnsubscribeURL(baseURL string, key []byte, u Unsubscription) string {
	return strings.TrimRight(baseURL, "/") + "/unsubscribe/" + Token(key, u)
}

// KeyCache reads the site's signing key once (Store.MailKey) and keeps
// it: the key never changes while the site runs. The zero value with
// Load set is ready.
type KeyCache struct {
	Load func(ctx context.Context) ([]byte, error)
	mu   sync.Mutex
	key  []byte
}

// Get returns the key, reading it on first use.
func (c *KeyCache) Get(ctx context.Context) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.key == nil {
		k, err := c.Load(ctx)
		if err != nil {
			return nil, err
		}
		c.key = k
	}
	return c.key, nil
}
