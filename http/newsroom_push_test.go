package http_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"dateline"
)

// TestNewsroomPush: an admin adds a client's push destination (the secret
// shown once), pauses, resumes, replays and deletes it; bad input is
// answered on the page in words.
func TestNewsroomPush(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	adm := n.as("admin@example.org")
	c := &dateline.Client{Name: "Bank"}
	other := &dateline.Client{Name: "Other"}
	for _, x := range []*dateline.Client{c, other} {
		if err := n.store.CreateClient(ctx, x, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	page := "/newsroom/clients/" + strconv.FormatInt(c.ID, 10) + "/push"
	if r := n.as("editor@example.org").get(page); r.Code != http.StatusForbidden {
		t.Errorf("an editor opens the push page: %d", r.Code)
	}
	if r := adm.get(page); r.Code != 200 || !strings.Contains(r.Body, "No destinations yet") {
		t.Fatalf("push page: %d %s", r.Code, excerpt(r.Body))
	}
	if r := adm.get("/newsroom/clients/" + strconv.FormatInt(c.ID, 10)); !strings.Contains(r.Body, page) {
		t.Error("the client's page does not link to its push page")
	}
	for name, bad := range map[string]string{
		"plain http":     "http://bank.example/in",
		"loopback":       "https://127.0.0.1/in",
		"cloud metadata": "https://169.254.169.254/latest",
		"not a URL":      "bank",
	} {
		if r := adm.post(page, url.Values{"url": {bad}}); r.Code != http.StatusBadRequest || !strings.Contains(r.Body, `class="flash"`) {
			t.Errorf("%s: %d %s", name, r.Code, excerpt(r.Body))
		}
	}
	r := adm.post(page, url.Values{"url": {"https://bank.example/in"}})
	if r.Code != http.StatusCreated {
		t.Fatalf("add: %d %s", r.Code, excerpt(r.Body))
	}
	ds, _ := n.store.PushDestinations(ctx, c.ID)
	if len(ds) != 1 || !strings.Contains(r.Body, ds[0].Secret) {
		t.Fatalf("destinations %+v; the secret is not shown", ds)
	}
	if r := adm.get(page); strings.Contains(r.Body, ds[0].Secret) || !strings.Contains(r.Body, "https://bank.example/in") {
		t.Error("the page shows the secret again, or not the destination")
	}
	// A delivery in the log.
	n.publish("urn:test:push", "Pushed story", "world", "")
	if _, err := n.store.FanOutPush(ctx, 100, time.Now(), func(_ context.Context, evs []dateline.Event, dests []dateline.PushDestination, _ map[int64][]int64) ([]dateline.PushItem, error) {
		return []dateline.PushItem{{ArticleID: evs[0].ArticleID, Event: dateline.PushPublish, Body: []byte("{}"), Destinations: []int64{dests[0].ID}}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if r := adm.get(page); !strings.Contains(r.Body, "<td>publish</td><td>pending</td>") {
		t.Errorf("the log does not show the delivery: %s", excerpt(r.Body))
	}
	d := page + "/" + strconv.FormatInt(ds[0].ID, 10)
	if r := adm.post(d+"/pause", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("pause: %d", r.Code)
	}
	if got, _ := n.store.PushDestination(ctx, ds[0].ID); !got.Paused {
		t.Error("not paused")
	}
	if r := adm.post(d+"/resume", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("resume: %d", r.Code)
	}
	if r := adm.post(d+"/replay", url.Values{"since": {"yesterday"}}); r.Code != http.StatusBadRequest {
		t.Errorf("replay from no time: %d", r.Code)
	}
	if r := adm.post(d+"/replay", url.Values{"since": {"2026-01-01T00:00"}}); r.Code != http.StatusSeeOther {
		t.Errorf("replay: %d %s", r.Code, excerpt(r.Body))
	}
	// Another client's page does not reach this destination.
	if r := adm.post("/newsroom/clients/"+strconv.FormatInt(other.ID, 10)+"/push/"+strconv.FormatInt(ds[0].ID, 10)+"/delete", nil); r.Code != http.StatusNotFound {
		t.Errorf("delete through another client: %d", r.Code)
	}
	if r := adm.post(d+"/frobnicate", nil); r.Code != http.StatusNotFound {
		t.Errorf("unknown action: %d", r.Code)
	}
	if r := adm.post(d+"/delete", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.Code)
	}
	if ds, _ := n.store.PushDestinations(ctx, c.ID); len(ds) != 0 {
		t.Errorf("left %+v", ds)
	}
}
