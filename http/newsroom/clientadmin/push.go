package clientadmin

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"dateline"
	"dateline/http/web"
	"dateline/internal/netguard"
	"dateline/push"
)

// pushAdmin is a client's push destinations for admins: add (the secret
// shown once), pause, resume, delete, the delivery log of each, replay.
type pushAdmin struct {
	*Kit
	store pushStore
	guard netguard.Policy
}

// pushStore is what the push pages need of the store.
type pushStore interface {
	dateline.Pushes
	Client(ctx context.Context, id int64) (*dateline.Client, error)
}

type pushPage struct {
	Client       *dateline.Client
	Destinations []destinationView
	URL          string // the add form's value after a refusal
}

type destinationView struct {
	dateline.PushDestination
	Log []dateline.PushDelivery
}

func (s *pushAdmin) handlePush(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "", "")
}

func (s *pushAdmin) render(w http.ResponseWriter, r *http.Request, code int, msg, url string) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.Client(ctx, id)
	if err != nil {
		return err
	}
	ds, err := s.store.PushDestinations(ctx, id)
	if err != nil {
		return err
	}
	page := pushPage{Client: c, URL: url}
	for _, d := range ds {
		log, err := s.store.PushDeliveries(ctx, d.ID, 0, 20)
		if err != nil {
			return err
		}
		page.Destinations = append(page.Destinations, destinationView{PushDestination: d, Log: log})
	}
	s.Render(w, r, code, "push", &View{Title: "Push: " + c.Name, Nav: "clients", Flash: msg, Data: page})
	return nil
}

// refuse shows the page again with a refusal's words.
func (s *pushAdmin) refuse(w http.ResponseWriter, r *http.Request, err error, url string) error {
	if dateline.ErrorCode(err) == dateline.EINTERNAL {
		return err
	}
	return s.render(w, r, web.Status(dateline.ErrorCode(err)), dateline.ErrorMessage(err), url)
}

func (s *pushAdmin) handleAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	raw := strings.TrimSpace(r.PostFormValue("url"))
	d := &dateline.PushDestination{ClientID: id, URL: raw}
	err = push.CheckDestination(raw, s.guard)
	if err == nil {
		err = s.store.CreatePushDestination(r.Context(), d, s.now())
	}
	if err != nil {
		return s.refuse(w, r, err, raw)
	}
	s.audit(r.Context(), s.User(r), "client.push", "client "+strconv.FormatInt(id, 10), "adds destination "+strconv.FormatInt(d.ID, 10)+" "+raw)
	s.Render(w, r, http.StatusCreated, "message", &View{Title: "Destination added", Nav: "clients",
		Data: Message{Heading: "Destination added", Message: "Items go to " + raw + ", signed with this secret (X-Dateline-Signature: sha256=HMAC-SHA256 of the body). Give it to the client now: it is not shown again.",
			Secret: d.Secret, Back: "/newsroom/clients/" + strconv.FormatInt(id, 10) + "/push"}})
	return nil
}

// action runs fn on one of the client's destinations and goes back to
// the page.
func (s *pushAdmin) action(w http.ResponseWriter, r *http.Request, what string, fn func(ctx context.Context, d int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	did, err := pathID(r, "did")
	if err != nil {
		return err
	}
	d, err := s.store.PushDestination(r.Context(), did)
	if err == nil && d.ClientID != id {
		err = dateline.Errorf(dateline.ENOTFOUND, "This client has no push destination %d.", did)
	}
	if err == nil {
		err = fn(r.Context(), did)
	}
	if err != nil {
		return s.refuse(w, r, err, "")
	}
	s.audit(r.Context(), s.User(r), "client.push", "client "+strconv.FormatInt(id, 10), what+" destination "+strconv.FormatInt(did, 10))
	http.Redirect(w, r, "/newsroom/clients/"+strconv.FormatInt(id, 10)+"/push?done=saved", http.StatusSeeOther)
	return nil
}

func (s *pushAdmin) handlePause(w http.ResponseWriter, r *http.Request) error {
	paused := r.PathValue("op") == "pause"
	if !paused && r.PathValue("op") != "resume" {
		return dateline.Errorf(dateline.ENOTFOUND, "There is nothing at this address.")
	}
	return s.action(w, r, r.PathValue("op")+"s", func(ctx context.Context, d int64) error { return s.store.SetPushPaused(ctx, d, paused) })
}

func (s *pushAdmin) handleDelete(w http.ResponseWriter, r *http.Request) error {
	return s.action(w, r, "deletes", s.store.DeletePushDestination)
}

func (s *pushAdmin) handleReplay(w http.ResponseWriter, r *http.Request) error {
	return s.action(w, r, "replays", func(ctx context.Context, d int64) error {
		since, err := time.Parse("2006-01-02T15:04", r.PostFormValue("since"))
		if err != nil {
			return dateline.Errorf(dateline.EINVALID, "Give the time to replay from, as a date and time (UTC).")
		}
		_, err = s.store.ReplayPush(ctx, d, since, s.now())
		return err
	})
}
