package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestOpenAPIDocument checks the document against the OpenAPI 3.1 schema.
func TestOpenAPIDocument(t *testing.T) {
	e := newEnv(t, false)
	w := e.get("/api/openapi.json")
	if w.Code != 200 {
		t.Fatalf("openapi.json: %d", w.Code)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/openapi/oas-3.1-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	meta, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("https://spec.openapis.org/oas/3.1/schema/2021-04-15", meta); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("https://spec.openapis.org/oas/3.1/schema/2021-04-15")
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("openapi.json is not valid OpenAPI 3.1: %v", err)
	}
}

// TestOpenAPIWalk sends a request to every operation the document names,
// and checks that the answer's status is one it lists and that a JSON
// answer matches the schema it gives.
func TestOpenAPIWalk(t *testing.T) {
	e := newEnv(t, false)
	id := e.publish("urn:test:walk", "Walking the API", "politics", `, "people": [{"name": "Anna Petrova"}]`)
	e.loadRates()
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	raw := e.get("/api/openapi.json").Body.Bytes()
	var doc struct {
		Paths map[string]map[string]struct {
			Security   []map[string]any `json:"security"`
			Parameters []struct {
				Name, In string
				Required bool
			} `json:"parameters"`
			Responses map[string]struct {
				Content map[string]json.RawMessage `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	docv, _ := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	c := jsonschema.NewCompiler()
	c.AddResource("mem:///openapi.json", docv)
	bodies := map[string]string{
		"POST /api/v1/items": fmt.Sprintf(`{"uri": "urn:test:walk2", "type": "text", "versioncreated": %q, "headlines": [{"value": "Walked in"}], "subjects": [{"literal": "11000000"}]}`, time.Now().UTC().Format(time.RFC3339)),
		"POST /api/v1/views": fmt.Sprintf("id=%d", id),
	}
	query := map[string]string{"q": "walking", "from": "USD", "to": "EUR", "city": "berlin"}
	var paths []string
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	walked := 0
	for _, p := range paths {
		for method, op := range doc.Paths[p] {
			method = strings.ToUpper(method)
			url := ts.URL + strings.ReplaceAll(p, "{id}", fmt.Sprint(id))
			var qs []string
			for _, prm := range op.Parameters {
				if prm.In == "query" && prm.Required {
					qs = append(qs, prm.Name+"="+query[prm.Name])
				}
			}
			if len(qs) > 0 {
				url += "?" + strings.Join(qs, "&")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			req, _ := http.NewRequestWithContext(ctx, method, url, strings.NewReader(bodies[method+" "+p]))
			if len(op.Security) > 0 {
				req.Header.Set("Authorization", "Bearer "+e.token)
			}
			if method == "POST" && strings.HasSuffix(p, "/items") {
				req.Header.Set("Content-Type", "application/json")
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				cancel()
				t.Errorf("%s %s: %v", method, p, err)
				continue
			}
			code := fmt.Sprint(res.StatusCode)
			resp, listed := op.Responses[code]
			if !listed {
				t.Errorf("%s %s answered %s, which the document does not list", method, p, code)
			}
			ctype := strings.TrimSpace(strings.Split(res.Header.Get("Content-Type"), ";")[0])
			if ctype == "text/event-stream" {
				res.Body.Close()
				cancel()
				walked++
				continue
			}
			var body bytes.Buffer
			body.ReadFrom(res.Body)
			res.Body.Close()
			cancel()
			if _, ok := resp.Content[ctype]; listed && !ok && res.StatusCode != 204 && res.StatusCode != 304 {
				t.Errorf("%s %s: content type %q is not listed for %s", method, p, ctype, code)
			}
			if ctype == "application/json" && bytes.Contains(resp.Content["application/json"], []byte(`"schema"`)) {
				ptr := "mem:///openapi.json#/paths/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(p) + "/" + strings.ToLower(method) + "/responses/" + code + "/content/application~1json/schema"
				sch, err := c.Compile(ptr)
				if err != nil {
					t.Errorf("%s %s: schema: %v", method, p, err)
					continue
				}
				v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body.Bytes()))
				if err != nil {
					t.Errorf("%s %s: not JSON: %v", method, p, err)
					continue
				}
				if err := sch.Validate(v); err != nil {
					t.Errorf("%s %s: the answer does not match its schema: %v", method, p, err)
				}
			}
			walked++
		}
	}
	if walked < 13 {
		t.Errorf("walked %d operations", walked)
	}
}
