package superdesk

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"strings"

	"dateline"
)

// Sign returns the header value Superdesk sends for body signed with
// secret: "sha1=" and the lower-case hex HMAC-SHA1 of the raw bytes.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write(body)
	return "sha1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify returns the enabled Superdesk source among sources whose secret
// signs body as header says (x-superdesk-signature or
// x-publisher-signature). Every secret is tried, each compared in
// constant time, so the time taken says nothing of which came close.
// Returns EUNAUTHORIZED when the header is missing or malformed and
// EFORBIDDEN when no source's secret signs the body.
func Verify(body []byte, header string, sources []dateline.Source) (*dateline.Source, error) {
	header = strings.TrimSpace(header)
	hexSum, ok := strings.CutPrefix(header, "sha1=")
	if !ok {
		if header == "" {
			return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "The request is not signed: send x-superdesk-signature: sha1=<HMAC-SHA1 of the body> with the destination's secret token.")
		}
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "The signature must be sha1= followed by 40 hex digits.")
	}
	got, err := hex.DecodeString(strings.ToLower(hexSum))
	if err != nil || len(got) != sha1.Size {
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "The signature must be sha1= followed by 40 hex digits.")
	}
	var found *dateline.Source
	for i := range sources {
		s := &sources[i]
		if s.Kind != dateline.SourceSuperdesk || s.Disabled {
			continue
		}
		m := hmac.New(sha1.New, []byte(s.Secret))
		m.Write(body)
		if hmac.Equal(m.Sum(nil), got) && found == nil {
			found = s
		}
	}
	if found == nil {
		return nil, dateline.Errorf(dateline.EFORBIDDEN, "The signature does not match the body with the secret of any enabled Superdesk source; check the destination's secret token (dateline source list).")
	}
	return found, nil
}
