package api

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"dateline"
)

// pushDestination and pushDelivery are a client's destinations and their
// log as GET /api/v1/push/deliveries answers them; the secret is never
// shown again.
type pushDestination struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url"`
	Paused    bool      `json:"paused"`
	CreatedAt time.Time `json:"created"`
}

type pushDelivery struct {
	ID          int64      `json:"id"`
	Destination int64      `json:"destination"`
	Item        int64      `json:"item"`
	Event       string     `json:"event"`
	Version     int        `json:"version"`
	Status      string     `json:"status"`
	Attempts    int        `json:"attempts"`
	LastStatus  int        `json:"last_status,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	CreatedAt   time.Time  `json:"created"`
	SentAt      *time.Time `json:"sent,omitempty"`
}

type pushLog struct {
	Destinations []pushDestination `json:"destinations"`
	Deliveries   []pushDelivery    `json:"deliveries"`
	Next         string            `json:"next,omitempty"`
}

// handlePushDeliveries is GET /api/v1/push/deliveries: the delivery log of
// the token's client's destinations (or of one, ?destination=ID), newest
// first, ?limit=N (1..500, 50) at a time, ?before=ID for the next page.
// Only a client's token has one.
func (s *Handler) handlePushDeliveries(w http.ResponseWriter, r *http.Request) error {
	t := s.apiToken(w, r, "read")
	if t == nil {
		return nil
	}
	if t.ClientID == 0 {
		return dateline.Errorf(dateline.EFORBIDDEN, "Push deliveries belong to a client: use one of the client's tokens.")
	}
	q := r.URL.Query()
	num := func(name string, def, max int64) (int64, error) {
		v := q.Get(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 || n > max {
			return 0, dateline.Errorf(dateline.EINVALID, "%s is a whole number from 1 to %d, not %q.", name, max, truncate(v, 40))
		}
		return n, nil
	}
	limit, err := num("limit", 50, 500)
	if err != nil {
		return err
	}
	before, err := num("before", 0, 1<<62)
	if err != nil {
		return err
	}
	only, err := num("destination", 0, 1<<62)
	if err != nil {
		return err
	}
	dests, err := s.store.PushDestinations(r.Context(), t.ClientID)
	if err != nil {
		return err
	}
	out := pushLog{Destinations: []pushDestination{}, Deliveries: []pushDelivery{}}
	var all []dateline.PushDelivery
	for _, d := range dests {
		out.Destinations = append(out.Destinations, pushDestination{ID: d.ID, URL: d.URL, Paused: d.Paused, CreatedAt: d.CreatedAt})
		if only != 0 && d.ID != only {
			continue
		}
		log, err := s.store.PushDeliveries(r.Context(), d.ID, before, int(limit))
		if err != nil {
			return err
		}
		all = append(all, log...)
	}
	if only != 0 && !slices.ContainsFunc(dests, func(d dateline.PushDestination) bool { return d.ID == only }) {
		return dateline.Errorf(dateline.ENOTFOUND, "This client has no push destination %d.", only)
	}
	slices.SortFunc(all, func(a, b dateline.PushDelivery) int { return int(b.ID - a.ID) })
	if len(all) > int(limit) {
		all = all[:limit]
		out.Next = strconv.FormatInt(all[len(all)-1].ID, 10)
	}
	for _, l := range all {
		d := pushDelivery{ID: l.ID, Destination: l.DestinationID, Item: l.ArticleID, Event: l.Event, Version: l.Version, Status: l.Status,
			Attempts: l.Attempts, LastStatus: l.LastStatus, LastError: l.LastError, CreatedAt: l.CreatedAt}
		if !l.SentAt.IsZero() {
			sent := l.SentAt
			d.SentAt = &sent
		}
		out.Deliveries = append(out.Deliveries, d)
	}
	writeAPI(w, r, out)
	return nil
}
