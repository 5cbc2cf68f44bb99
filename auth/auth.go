// Package auth hashes newsroom passwords with argon2id and makes the random
// secrets behind sessions, CSRF tokens and API tokens.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"dateline"
)

// Params are the argon2id costs. The defaults follow the current OWASP
// advice for argon2id (19 MiB, two passes, one lane).
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams are used for new hashes; stored hashes carry their own.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
	// MinPassword and MaxPassword bound a password's length in characters.
	MinPassword = 10
	MaxPassword = 200
)

// CheckPolicy returns EINVALID with advice when a password is too short
// or too long to accept.
func CheckPolicy(password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return dateline.Errorf(dateline.EINVALID, "The password is not valid text.")
	case n < MinPassword:
		return dateline.Errorf(dateline.EINVALID, "A password needs at least %d characters; a few unrelated words make a strong one.", MinPassword)
	case n > MaxPassword:
		return dateline.Errorf(dateline.EINVALID, "A password has at most %d characters.", MaxPassword)
	}
	return nil
}

// Hash returns the PHC string of password under argon2id with a new salt:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>.
func Hash(password string) string {
	return hashWith(password, DefaultParams, Secret(saltLen))
}

func hashWith(password string, p Params, salt []byte) string {
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key))
}

// Verify reports whether password matches the PHC string. A malformed
// hash never matches.
func Verify(password, hash string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	// Refuse costs no hash of ours has, so a doctored row cannot make
	// every sign-in allocate gigabytes.
	if p.Memory == 0 || p.Memory > 1<<17 || p.Time == 0 || p.Time > 4 || p.Threads == 0 || p.Threads > 8 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	key, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// dummy is a hash checked when no account has the email, so that the
// answer takes as long either way.
var dummy = hashWith("dateline-no-such-account", DefaultParams, make([]byte, saltLen))

// VerifyNothing spends the time of one Verify.
func VerifyNothing(password string) { Verify(password, dummy) }

// Secret returns n random bytes.
func Secret(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return b
}

// Token returns a random secret as URL-safe text (32 bytes, 43 characters).
func Token() string { return base64.RawURLEncoding.EncodeToString(Secret(32)) }

// Sum is the SHA-256 of a secret, which is what stores keep.
func Sum(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Equal compares two secrets in constant time.
func Equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
