package http_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestArticleMetaAndSocialHeadline: the editor's meta description and
// social headline are kept with the story and fill the article page's
// description, Open Graph and Twitter tags and JSON-LD; the headline
// stays the page's title; empty, they fall back to the lead and the
// headline; too long is refused in words, with the form kept.
func TestArticleMetaAndSocialHeadline(t *testing.T) {
	n := newNewsroom(t)
	ed := n.as("editor@example.org")
	v := storyForm("Port authority approves night shifts", "meta_description", "From March the north quay works through the night.",
		"social_headline", "The port will never sleep")
	id := ed.create(v)
	if r := ed.act(id, v, "publish"); !strings.Contains(r.Location, "done=published") {
		t.Fatalf("publish: %d %s", r.Code, excerpt(r.Body))
	}
	if page := ed.get(fmt.Sprintf("/newsroom/articles/%d", id)).Body; !strings.Contains(page, `value="The port will never sleep"`) ||
		!strings.Contains(page, "From March the north quay works through the night.</textarea>") {
		t.Errorf("the editor does not show the fields: %s", excerpt(page))
	}
	page := n.get(fmt.Sprintf("/politics/%d", id)).Body.String()
	for _, want := range []string{
		`<meta name="description" content="From March the north quay works through the night.">`,
		`<meta property="og:title" content="The port will never sleep">`,
		`<meta property="og:description" content="From March the north quay works through the night.">`,
		`<meta name="twitter:title" content="The port will never sleep">`,
		`<meta name="twitter:description" content="From March the north quay works through the night.">`,
		`"headline":"Port authority approves night shifts","alternativeHeadline":"The port will never sleep","description":"From March the north quay works through the night."`,
		`<h1`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the article page lacks %s", want)
		}
	}
	if !strings.Contains(page, ">Port authority approves night shifts</h1>") {
		t.Error("the page's headline is not the story's")
	}

	// Emptied, they fall back.
	v.Set("meta_description", "")
	v.Set("social_headline", "")
	if r := ed.act(id, v, "save"); r.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.Code, excerpt(r.Body))
	}
	page = n.get(fmt.Sprintf("/politics/%d", id)).Body.String()
	if !strings.Contains(page, `<meta property="og:title" content="Port authority approves night shifts">`) ||
		!strings.Contains(page, `<meta name="description" content="The lead of Port authority approves night shifts.">`) || strings.Contains(page, "alternativeHeadline") {
		t.Error("empty fields do not fall back to the headline and the lead")
	}

	long := storyForm("Too long a description", "meta_description", strings.Repeat("word ", 70))
	r := ed.post("/newsroom/articles", long)
	if r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "meta description is longer than 300 characters") || !strings.Contains(r.Body, "Too long a description") {
		t.Errorf("a long meta description: %d %s", r.Code, excerpt(r.Body))
	}
}
