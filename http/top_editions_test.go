package http_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestTopStoriesPerEdition: editors curate the Russian edition's top
// stories and its home leads with them; each edition's list refuses the
// other's stories in words, with nothing changed; the English home keeps
// its own list.
func TestTopStoriesPerEdition(t *testing.T) {
	n := newNewsroom(t)
	admin := n.as("admin@example.org")
	if r := admin.post("/newsroom/sections", url.Values{"slug": {"politika"}, "name": {"Политика"}, "position": {"20"}, "lang": {"ru"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("add section: %d %s", r.Code, excerpt(r.Body))
	}
	ed := n.as("editor@example.org")
	publish := func(v url.Values) int64 {
		t.Helper()
		id := ed.create(v)
		if r := ed.act(id, v, "publish"); !strings.Contains(r.Location, "done=published") {
			t.Fatalf("publish: %d %s", r.Code, excerpt(r.Body))
		}
		return id
	}
	ruOld := publish(storyForm("Старая новость о погоде", "section", "politika", "lang", "ru"))
	ruLead := publish(storyForm("Выборы в Думу назначены", "section", "politika", "lang", "ru"))
	publish(storyForm("Новейшая заметка о пробках", "section", "politika", "lang", "ru"))
	en := publish(storyForm("Minister visits Kazan"))

	page := ed.get("/newsroom/top?edition=ru")
	body := page.Body
	if page.Code != 200 || !strings.Contains(body, "Russian edition") || !strings.Contains(body, `name="edition" value="ru"`) {
		t.Fatalf("the Russian list's page: %d %s", page.Code, excerpt(page.Body))
	}
	if strings.Contains(body, ">Minister visits Kazan<") {
		t.Error("the Russian list offers an English story")
	}
	if r := ed.post("/newsroom/top", url.Values{"edition": {"ru"}, "add_article": {fmt.Sprint(ruOld)}}); r.Code != http.StatusSeeOther || r.Location != "/newsroom/top?edition=ru&done=saved" {
		t.Fatalf("save the Russian list: %d %s %s", r.Code, r.Location, excerpt(r.Body))
	}
	home := n.get("/ru/").Body.String()
	if i, j := strings.Index(home, "Старая новость о погоде"), strings.Index(home, "Новейшая заметка о пробках"); i < 0 || j < 0 || i > j {
		t.Errorf("the Russian home does not lead with its top story (at %d, the newest at %d)", i, j)
	}

	refuse := func(edition string, id int64, want string) {
		t.Helper()
		r := ed.post("/newsroom/top", url.Values{"edition": {edition}, "item": {fmt.Sprint("a", ruOld)}, "add_article": {fmt.Sprint(id)}})
		if r.Code != http.StatusBadRequest || !strings.Contains(r.Body, want) || !strings.Contains(r.Body, "Nothing was changed") {
			t.Errorf("adding story %d to the %s list: %d %s", id, edition, r.Code, excerpt(r.Body))
		}
	}
	refuse("en", ruLead, "is a story of the Russian edition: the English edition")
	refuse("ru", en, "is a story of the English edition: the Russian edition")
	refs, _ := n.store.EditionTopRefs(t.Context(), "ru")
	if len(refs) != 1 || refs[0].ArticleID != ruOld {
		t.Errorf("after refusals the Russian list is %v", refs)
	}
	if r := ed.post("/newsroom/top", url.Values{"edition": {"de"}}); r.Code != http.StatusBadRequest {
		t.Errorf("a list for a German edition: %d", r.Code)
	}
	if r := ed.get("/newsroom/top?edition=xx"); r.Code != http.StatusBadRequest {
		t.Errorf("the page of an unknown edition: %d", r.Code)
	}

	// The English list is its own.
	if r := ed.post("/newsroom/top", url.Values{"add_article": {fmt.Sprint(en)}}); r.Code != http.StatusSeeOther {
		t.Fatalf("save the English list: %d %s", r.Code, excerpt(r.Body))
	}
	if top, _ := n.store.TopStories(t.Context()); len(top) != 1 || top[0].Article.ID != en {
		t.Errorf("the English list: %+v", top)
	}
	if refs, _ := n.store.EditionTopRefs(t.Context(), "ru"); len(refs) != 1 {
		t.Errorf("saving the English list changed the Russian: %v", refs)
	}
}
