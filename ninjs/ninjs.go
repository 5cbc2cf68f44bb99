// Package ninjs reads IPTC ninjs 2.x documents (News in JSON). Documents are
// checked against the official ninjs 2.2 JSON Schema, which also accepts
// 2.0 and 2.1 documents, before they are decoded. Properties the schema
// does not name are allowed and ignored, since editorial systems add their
// own (Superdesk sends "service" and "extra", for example).
package ninjs

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

//go:embed schema/ninjs-schema_2.2.json schema/GeoJSON.json
var schemas embed.FS

// Item is the part of a ninjs document that dateline reads.
type Item struct {
	URI             string        `json:"uri"`
	Type            string        `json:"type,omitempty"`
	Version         Version       `json:"version,omitempty"`
	FirstCreated    *time.Time    `json:"firstcreated,omitempty"`
	VersionCreated  *time.Time    `json:"versioncreated,omitempty"`
	Embargoed       *time.Time    `json:"embargoed,omitempty"`
	PubStatus       string        `json:"pubstatus,omitempty"`
	Urgency         *float64      `json:"urgency,omitempty"`
	Language        string        `json:"language,omitempty"`
	EdNote          string        `json:"ednote,omitempty"`
	Headlines       []Text        `json:"headlines,omitempty"`
	Descriptions    []Text        `json:"descriptions,omitempty"`
	Bodies          []Text        `json:"bodies,omitempty"`
	By              string        `json:"by,omitempty"`
	Located         string        `json:"located,omitempty"`
	Slugline        string        `json:"slugline,omitempty"`
	CopyrightHolder string        `json:"copyrightholder,omitempty"`
	Genres          []Concept     `json:"genres,omitempty"`
	Subjects        []Concept     `json:"subjects,omitempty"`
	Places          []Concept     `json:"places,omitempty"`
	People          []Concept     `json:"people,omitempty"`
	Organisations   []Concept     `json:"organisations,omitempty"`
	Renditions      []Rendition   `json:"renditions,omitempty"`
	Associations    []Association `json:"associations,omitempty"`
}

// Version is the sender's version of an item. The schema makes it a
// string ("3"); a JSON number (3) is read as the same text.
type Version string

// UnmarshalJSON reads a string or a number.
func (v *Version) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] != '"' {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*v = Version(n.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*v = Version(s)
	return nil
}

// Association is an item attached to another, such as its picture.
type Association struct {
	Item
	Name string `json:"name,omitempty"`
}

// Text is a headline, description or body.
type Text struct {
	Role        string `json:"role,omitempty"`
	ContentType string `json:"contenttype,omitempty"`
	Value       string `json:"value"`
}

// Concept is a subject, genre, place or person. Code and QCode are not in
// the 2.x schema but are read when a sender adds them.
type Concept struct {
	Name    string `json:"name,omitempty"`
	Rel     string `json:"rel,omitempty"`
	URI     string `json:"uri,omitempty"`
	Literal string `json:"literal,omitempty"`
	Code    string `json:"code,omitempty"`
	QCode   string `json:"qcode,omitempty"`
}

// Rendition is one file of a picture or other media.
type Rendition struct {
	Name        string  `json:"name"`
	Href        string  `json:"href,omitempty"`
	ContentType string  `json:"contenttype,omitempty"`
	Title       string  `json:"title,omitempty"`
	Width       float64 `json:"width,omitempty"`
	Height      float64 `json:"height,omitempty"`
}

// Error describes why a document is not valid ninjs. Its message is safe to
// show to the sender.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

const schemaURL = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"

func compile() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		for url, file := range map[string]string{
			schemaURL: "schema/ninjs-schema_2.2.json",
			"https://geojson.org/schema/GeoJSON.json": "schema/GeoJSON.json",
		} {
			raw, err := schemas.ReadFile(file)
			if err != nil {
				schemaErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
			if err != nil {
				schemaErr = err
				return
			}
			if err := c.AddResource(url, lenient(doc)); err != nil {
				schemaErr = err
				return
			}
		}
		schema, schemaErr = c.Compile(schemaURL)
	})
	return schema, schemaErr
}

// lenient removes the schema's bans on properties it does not name, so
// that extension fields pass while every named field is still checked.
func lenient(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if (k == "additionalProperties" || k == "unevaluatedProperties") && x == false {
				delete(v, k)
				continue
			}
			v[k] = lenient(x)
		}
	case []any:
		for i := range v {
			v[i] = lenient(v[i])
		}
	}
	return v
}

// Parse checks that data is one ninjs 2.x document and decodes it. Returns
// *Error for anything that is not.
func Parse(data []byte) (*Item, error) {
	if !utf8.Valid(data) {
		return nil, &Error{"The document is not valid UTF-8."}
	}
	sch, err := compile()
	if err != nil {
		return nil, fmt.Errorf("ninjs: schema: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, &Error{"The document is not valid JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, &Error{"The document must be a JSON object."}
	}
	// A version sent as a number (3) is the same as the text "3", which
	// is what the schema asks for.
	if n, ok := m["version"].(json.Number); ok {
		m["version"] = n.String()
	}
	if err := sch.Validate(doc); err != nil {
		return nil, &Error{"The document is not valid ninjs 2.x: " + describe(err)}
	}
	var it Item
	if err := json.Unmarshal(data, &it); err != nil {
		return nil, &Error{"The document cannot be read: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	return &it, nil
}

// describe says, in words a person understands, which property of the
// document breaks the schema and what was expected there: "urgency must
// be a number from 1 to 9, not text".
func describe(err error) string {
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return "it does not follow the schema."
	}
	for len(ve.Causes) > 0 {
		ve = ve.Causes[0]
	}
	field := fieldName(ve.InstanceLocation)
	last := ""
	if n := len(ve.InstanceLocation); n > 0 {
		last = ve.InstanceLocation[n-1]
	}
	switch k := ve.ErrorKind.(type) {
	case *kind.Type:
		want := expected[last]
		if want == "" {
			var ws []string
			for _, w := range k.Want {
				ws = append(ws, typeWords[w])
			}
			want = strings.Join(ws, " or ")
		}
		return fmt.Sprintf("%s must be %s, not %s.", field, want, typeWords[k.Got])
	case *kind.Required:
		if len(ve.InstanceLocation) == 0 {
			return fmt.Sprintf("the document lacks %s.", strings.Join(k.Missing, ", "))
		}
		return fmt.Sprintf("%s lacks %s.", field, strings.Join(k.Missing, ", "))
	case *kind.Enum:
		var ws []string
		for _, w := range k.Want {
			ws = append(ws, fmt.Sprint(w))
		}
		return fmt.Sprintf("%s must be one of %s, not %s.", field, strings.Join(ws, ", "), clipValue(k.Got))
	case *kind.Format:
		if want := expected[last]; want != "" {
			return fmt.Sprintf("%s must be %s, not %s.", field, want, clipValue(k.Got))
		}
		return fmt.Sprintf("%s must be a valid %s, not %s.", field, k.Want, clipValue(k.Got))
	case *kind.Minimum, *kind.Maximum, *kind.ExclusiveMinimum, *kind.ExclusiveMaximum:
		if want := expected[last]; want != "" {
			return fmt.Sprintf("%s must be %s.", field, want)
		}
	case *kind.MinItems:
		return fmt.Sprintf("%s must have at least %d entries.", field, k.Want)
	case *kind.MinLength:
		return fmt.Sprintf("%s must have at least %d characters.", field, k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("%s must have at most %d characters.", field, k.Want)
	}
	msg := fmt.Sprint(ve.ErrorKind)
	if k, ok := ve.ErrorKind.(interface{ String() string }); ok {
		msg = k.String()
	}
	return fmt.Sprintf("%s is not valid: %s.", field, strings.TrimSuffix(msg, "."))
}

// expected says what the properties people get wrong most often must be.
var expected = map[string]string{
	"urgency":        "a number from 1 to 9",
	"versioncreated": "a date and time such as 2026-11-27T10:00:00Z",
	"firstcreated":   "a date and time such as 2026-11-27T10:00:00Z",
	"contentcreated": "a date and time such as 2026-11-27T10:00:00Z",
	"embargoed":      "a date and time such as 2026-11-27T10:00:00Z",
	"version":        `text such as "3" or a whole number`,
	"uri":            "text naming the item, such as urn:agency:2026:1234",
	"headlines":      "a list of headlines, each with a value",
	"bodies":         "a list of bodies, each with a value",
	"descriptions":   "a list of descriptions, each with a value",
	"value":          "text",
	"pubstatus":      "usable, withheld or canceled",
}

// typeWords name JSON types for people.
var typeWords = map[string]string{
	"string": "text", "number": "a number", "integer": "a whole number", "boolean": "true or false",
	"array": "a list", "object": "an object", "null": "null",
}

// fieldName writes a location in the document as a person reads it:
// "headlines[0].value"; the root is "the document".
func fieldName(loc []string) string {
	if len(loc) == 0 {
		return "the document"
	}
	var b strings.Builder
	for _, p := range loc {
		if p != "" && strings.Trim(p, "0123456789") == "" {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// clipValue quotes a value a sender gave, at most 40 characters of it.
func clipValue(v any) string {
	s := fmt.Sprint(v)
	if r := []rune(s); len(r) > 40 {
		s = string(r[:39]) + "…"
	}
	return fmt.Sprintf("%q", s)
}
