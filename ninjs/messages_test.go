package ninjs

import (
	"strings"
	"testing"
)

// TestMessages: a document that breaks the schema is refused with the
// property and what it must be, in words a person understands.
func TestMessages(t *testing.T) {
	for doc, want := range map[string]string{
		`{"uri":"urn:x:1","versioncreated":"2026-01-01T00:00:00Z","urgency":"high"}`: "urgency must be a number from 1 to 9, not text.",
		`{"versioncreated":"2026-01-01T00:00:00Z"}`:                                  "the document lacks uri.",
		`{"uri":"urn:x:1","versioncreated":"yesterday"}`:                             "versioncreated must be a date and time such as 2026-11-27T10:00:00Z",
		`{"uri":"urn:x:1","pubstatus":"gone"}`:                                       "pubstatus must be one of",
		`{"uri":"urn:x:1","headlines":[{"value":3}]}`:                                "headlines[0].value must be text, not a number.",
		`{"uri":"urn:x:1","headlines":"Big news"}`:                                   "headlines must be a list of headlines, each with a value, not text.",
		`{"uri":"urn:x:1","version":true}`:                                           "version must be text",
	} {
		_, err := Parse([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want %q", doc, err, want)
		}
		if err != nil && (strings.Contains(err.Error(), "&{") || strings.Contains(err.Error(), "at /")) {
			t.Errorf("%s: message has internals: %v", doc, err)
		}
	}
}
