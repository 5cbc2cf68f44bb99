package ninjs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseRealExamples(t *testing.T) {
	files, _ := filepath.Glob("../testdata/ninjs/*.json")
	if len(files) != 4 {
		t.Fatalf("found %d examples, want 4", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		it, err := Parse(data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if it.URI == "" || len(it.Headlines) == 0 {
			t.Errorf("%s: uri %q headlines %d", f, it.URI, len(it.Headlines))
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"not json", `{"uri":`, "not valid JSON"},
		{"array", `[1,2]`, "JSON object"},
		{"string", `"x"`, "JSON object"},
		{"no uri", `{"headlines":[{"value":"x"}]}`, "uri"},
		{"uri wrong type", `{"uri": 5}`, "uri must be text"},
		{"bad date", `{"uri":"urn:x","versioncreated":"yesterday"}`, "versioncreated must be a date and time"},
		{"bad pubstatus", `{"uri":"urn:x","pubstatus":"maybe"}`, "pubstatus must be one of usable, withheld, canceled"},
		{"headline without value", `{"uri":"urn:x","headlines":[{"role":"main"}]}`, "headlines[0] lacks value"},
		{"urgency string", `{"uri":"urn:x","urgency":"high"}`, "urgency must be a number from 1 to 9, not text"},
		{"subjects not array", `{"uri":"urn:x","subjects":{"name":"x"}}`, "subjects must be a list, not an object"},
		{"invalid utf8", "{\"uri\":\"urn:\xff\"}", "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestExtensionsAllowed(t *testing.T) {
	it, err := Parse([]byte(`{"uri":"urn:x","extra":{"a":1},"subjects":[{"qcode":"medtop:15000000","name":"sport"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if it.Subjects[0].QCode != "medtop:15000000" {
		t.Errorf("qcode = %q", it.Subjects[0].QCode)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../testdata/ninjs/*.json")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		f.Add(data)
	}
	f.Add([]byte(`{"uri":"urn:x","versioncreated":"2020-01-01T00:00:00Z"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := Parse(data)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("non-domain error %T: %v", err, err)
			}
			return
		}
		if it == nil {
			t.Fatal("nil item without error")
		}
	})
}
