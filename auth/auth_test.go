package auth

import (
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h := Hash("correct horse battery")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if !Verify("correct horse battery", h) {
		t.Error("the right password does not verify")
	}
	if Verify("correct horse batterY", h) {
		t.Error("a wrong password verifies")
	}
	if Hash("correct horse battery") == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2i$v=19$m=19456,t=2,p=1$AAAA$AAAA", "$argon2id$v=19$m=99999999,t=2,p=1$AAAA$AAAA",
		"$argon2id$v=19$m=19456,t=2,p=1$!!$AAAA", strings.Replace(h, "argon2id", "bcrypt", 1)} {
		if Verify("correct horse battery", bad) {
			t.Errorf("verified against %q", bad)
		}
	}
}

func TestPolicy(t *testing.T) {
	for pw, ok := range map[string]bool{"short": false, "ten chars!": true, strings.Repeat("x", 201): false, "\xff\xfe0123456789": false, "пароль-длинный": true} {
		if err := CheckPolicy(pw); (err == nil) != ok {
			t.Errorf("CheckPolicy(%q) = %v", pw, err)
		}
	}
}

func TestSecrets(t *testing.T) {
	a, b := Token(), Token()
	if a == b || len(a) != 43 {
		t.Errorf("tokens %q %q", a, b)
	}
	if !Equal(a, a) || Equal(a, b) {
		t.Error("Equal")
	}
	if len(Sum(a)) != 32 {
		t.Error("Sum")
	}
}

func FuzzVerify(f *testing.F) {
	f.Add("pw", Hash("pw"))
	f.Add("x", "$argon2id$v=19$m=1,t=1,p=1$AA$AA")
	f.Fuzz(func(t *testing.T, pw, hash string) {
		Verify(pw, hash)
	})
}
