package api

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"dateline"
	"dateline/http/web"
	"dateline/live"
	"dateline/liveblog"
)

// handleView takes the article page's beacon: "id=42" in the body. It
// answers 204 whether or not the view counted (a bot, a repeat, a flood,
// a story that is not published), so nothing can be learnt from it; only
// a body that is not a beacon at all gets 400.
func (s *Handler) handleView(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	body, err := io.ReadAll(io.LimitReader(r.Body, 65))
	if err != nil || len(body) > 64 {
		return dateline.Errorf(dateline.EINVALID, "A view beacon is id=NUMBER.")
	}
	v, ok := strings.CutPrefix(strings.TrimSpace(string(body)), "id=")
	id, err := strconv.ParseInt(v, 10, 64)
	if !ok || err != nil || id <= 0 {
		return dateline.Errorf(dateline.EINVALID, "A view beacon is id=NUMBER.")
	}
	pub, err := s.reads.Published(r.Context(), id)
	if err != nil {
		return err
	}
	if pub {
		s.reads.View(id, web.ClientIP(r, s.cfg.TrustedProxies), r.UserAgent())
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type rankedJSON struct {
	ID          int64     `json:"id"`
	URL         string    `json:"url"`
	Headline    string    `json:"headline"`
	Section     string    `json:"section"`
	PublishedAt time.Time `json:"published_at"`
	Views       int64     `json:"views"`
}

// handleMostReadAPI answers GET /api/v1/most-read?period=now|today|week&section=.
func (s *Handler) handleMostReadAPI(w http.ResponseWriter, r *http.Request) error {
	q, err := query(r)
	if err != nil {
		return err
	}
	p := dateline.Period(q.Get("period"))
	if p == "" {
		p = dateline.PeriodToday
	}
	if p.Minutes() == 0 {
		return dateline.Errorf(dateline.EINVALID, "period is now, today or week, not %q.", truncate(string(p), 20))
	}
	sec := q.Get("section")
	if sec != "" && !s.site.HasSection(sec) {
		return dateline.Errorf(dateline.EINVALID, "There is no section %q.", truncate(sec, 40))
	}
	ranked, err := s.site.MostRead(r.Context(), p, sec)
	if err != nil {
		return err
	}
	items := []rankedJSON{}
	for _, a := range ranked {
		items = append(items, rankedJSON{ID: a.ID, URL: s.cfg.BaseURL + s.site.ArticleURL(a.Article), Headline: a.Headline, Section: a.Section,
			PublishedAt: a.PublishedAt, Views: a.Views})
	}
	writeTagged(w, r, map[string]any{"period": p, "section": sec, "items": items}, "public, max-age=30")
	return nil
}

// --- the live stream ---

// handleStream is GET /api/v1/stream: Server-Sent Events announcing
// published, updated and withdrawn stories. A client that reconnects
// with Last-Event-ID gets what it missed. With ?embargoed=1 and a token
// with the embargo scope it also announces stories that arrived or
// changed under embargo and those killed before their release.
func (s *Handler) handleStream(w http.ResponseWriter, r *http.Request) error {
	q, err := query(r)
	if err != nil {
		return err
	}
	embargoed := false
	v := q.Get("embargoed")
	if v != "" && v != "1" && v != "true" {
		return dateline.Errorf(dateline.EINVALID, "embargoed is 1 (the embargo stream, for tokens with the embargo scope) or left out.")
	}
	// The public stream needs no token; a client's token gets the events
	// of its products only.
	var cover *streamCover
	if v != "" || r.Header.Get("Authorization") != "" {
		t := s.apiToken(w, r, "read")
		if t == nil {
			return nil
		}
		if t.ClientID != 0 {
			e, err := s.entitlement(r, t)
			if err != nil {
				return err
			}
			cover = &streamCover{s: s, e: e}
			if v != "" && !e.Embargoed() {
				return dateline.Errorf(dateline.EFORBIDDEN, "None of this client's products carries embargoed copy.")
			}
		} else if v != "" && !t.Embargo {
			return dateline.Errorf(dateline.EFORBIDDEN, "The token %q has no embargo scope; the public stream needs no token.", t.Name)
		}
		embargoed = v != ""
	}
	return s.stream(w, r, embargoed, cover)
}

// ClientStream is the live stream of a client's entitlement e (its
// embargoed events too when a product carries embargoed copy), for the
// client portal's page (package http/portal), which signs its users in
// by their own sessions.
func (s *Handler) ClientStream(w http.ResponseWriter, r *http.Request, e dateline.Entitlement) error {
	return s.stream(w, r, e.Embargoed(), &streamCover{s: s, e: e})
}

// stream sends the events, from after the request's Last-Event-ID: the
// public ones, the embargoed too when embargoed, those cover allows when
// it is not nil.
func (s *Handler) stream(w http.ResponseWriter, r *http.Request, embargoed bool, cover *streamCover) error {
	var last int64
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return dateline.Errorf(dateline.EINVALID, "Last-Event-ID is the number of the last event received.")
		}
		last = n
	}
	rc := http.NewResponseController(w)
	// The server's write timeout is for pages; a stream lives longer.
	rc.SetWriteDeadline(time.Time{})
	hub := s.reads.Hub()
	sub, backlog, complete := hub.Subscribe(last)
	defer hub.Unsubscribe(sub)
	// Older than the hub keeps: read the gap from the store, a page at a
	// time, to its end (the hub hands over what comes after).
	gap := last
	readGap := func() error {
		es, err := s.store.Events(r.Context(), gap, gapPage)
		if err != nil {
			return err
		}
		backlog, complete = s.reads.Messages(r.Context(), es), len(es) < gapPage
		if len(es) > 0 {
			gap = es[len(es)-1].ID
		}
		return nil
	}
	if !complete {
		if err := readGap(); err != nil {
			return err
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache, no-transform")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("retry: 3000\n: dateline live\n\n"))
	sent := last
	// write sends m unless the stream has sent it or may not; false ends
	// the stream (the client is gone, or a story could not be read: the
	// client reconnects from the last event it got).
	write := func(m live.Message) bool {
		if m.ID != 0 && m.ID <= sent {
			return true
		}
		var skip bool
		if m.Collection != "" {
			// A gallery's or an infographic's: a client's stream only.
			skip = cover == nil || !cover.showsCollection(m)
		} else {
			skip = m.Kind != "" && !embargoed && !liveblog.StreamEvent(m.Kind)
			if !skip && cover != nil {
				ok, err := cover.allows(r, m)
				if err != nil {
					return false
				}
				skip = !ok
			}
		}
		if skip {
			// Not for this stream: pass over it, but count it as seen so
			// that Last-Event-ID keeps moving.
			sent = m.ID
			return true
		}
		rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := w.Write(m.Frame); err != nil {
			return false
		}
		if m.ID != 0 {
			sent = m.ID
		}
		return true
	}
	for {
		for _, m := range backlog {
			if !write(m) {
				return nil
			}
		}
		if rc.Flush() != nil {
			return nil
		}
		if complete {
			break
		}
		if readGap() != nil {
			return nil // the client reconnects from the last event it got
		}
	}
	for {
		select {
		case <-r.Context().Done():
			return nil
		case m, ok := <-sub.C:
			if !ok || !write(m) {
				return nil
			}
			// Write what else is waiting before one flush.
			for n := len(sub.C); n > 0; n-- {
				if m, ok = <-sub.C; !ok || !write(m) {
					return nil
				}
			}
			if rc.Flush() != nil {
				return nil
			}
		}
	}
}

// gapPage is how many events a stream reads from the store at a time
// when its client resumes from further back than the hub keeps.
const gapPage = 500
