package http

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"dateline"
	"dateline/live"
	"dateline/related"
	"dateline/views"
)

// Readership timings.
const (
	flushEvery   = 2 * time.Second  // counted views are written this often
	rankEvery    = 30 * time.Second // windows slide and rankings are read this often
	pollEvents   = 2 * time.Second  // the event log is read at least this often
	heartbeat    = 15 * time.Second // a comment on every stream, for proxies
	mostReadSize = 10
)

// readership is the state of counting, rankings and the live stream.
type readership struct {
	counter *views.Counter
	hub     *live.Hub
	wake    chan struct{}
	rerank  chan struct{} // content changed: read the rankings' headlines again

	pubMu sync.RWMutex
	pub   map[int64]bool // article id → published, emptied on every change

	rankMu sync.RWMutex
	ranks  map[rankKey][]dateline.Ranked
}

type rankKey struct {
	period  dateline.Period
	section string
}

func newReadership(now func() time.Time) *readership {
	return &readership{counter: views.New(now), hub: live.NewHub(1000), wake: make(chan struct{}, 1), rerank: make(chan struct{}, 1), pub: map[int64]bool{}}
}

// changed forgets which stories are published and wakes the event pump.
func (rd *readership) changed() {
	rd.pubMu.Lock()
	clear(rd.pub)
	rd.pubMu.Unlock()
	select {
	case rd.wake <- struct{}{}:
	default:
	}
	select {
	case rd.rerank <- struct{}{}:
	default:
	}
}

// published reports whether an article is published, from memory when it
// can: beacons come in thousands a second, mostly for the same stories.
func (s *Server) published(ctx context.Context, id int64) (bool, error) {
	rd := s.reads
	rd.pubMu.RLock()
	ok, known := rd.pub[id]
	rd.pubMu.RUnlock()
	if known {
		return ok, nil
	}
	m, err := s.store.PublishedIDs(ctx, []int64{id})
	if err != nil {
		return false, err
	}
	rd.pubMu.Lock()
	if len(rd.pub) > 200_000 {
		clear(rd.pub)
	}
	rd.pub[id] = m[id]
	rd.pubMu.Unlock()
	return m[id], nil
}

// handleView takes the article page's beacon: "id=42" in the body. It
// answers 204 whether or not the view counted (a bot, a repeat, a flood,
// a story that is not published), so nothing can be learnt from it; only
// a body that is not a beacon at all gets 400.
func (s *Server) handleView(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	body, err := io.ReadAll(io.LimitReader(r.Body, 65))
	if err != nil || len(body) > 64 {
		s.error(w, r, dateline.Errorf(dateline.EINVALID, "A view beacon is id=NUMBER."))
		return
	}
	v, ok := strings.CutPrefix(strings.TrimSpace(string(body)), "id=")
	id, err := strconv.ParseInt(v, 10, 64)
	if !ok || err != nil || id <= 0 {
		s.error(w, r, dateline.Errorf(dateline.EINVALID, "A view beacon is id=NUMBER."))
		return
	}
	pub, err := s.published(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if pub {
		s.reads.counter.View(id, s.clientIP(r), r.UserAgent())
	}
	w.WriteHeader(http.StatusNoContent)
}

// RunReadership writes counted views, slides the windows, refreshes the
// rankings and feeds the live streams until ctx ends; then it writes the
// views still in memory.
func (s *Server) RunReadership(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(4)
	go func() {
		defer wg.Done()
		s.reads.counter.Run(ctx, s.store, flushEvery, func(err error) { s.log.Error("write views", "err", err) })
	}()
	go func() {
		defer wg.Done()
		t := time.NewTicker(rankEvery)
		defer t.Stop()
		for {
			if err := s.RefreshRankings(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("rankings", "err", err)
			}
			if !s.rerankUntil(ctx, t.C) {
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		s.pumpEvents(ctx)
	}()
	go func() {
		defer wg.Done()
		s.runAds(ctx)
	}()
	wg.Wait()
}

// rerankAfter gathers a burst of changes into one reading of the
// rankings.
const rerankAfter = 250 * time.Millisecond

// rerankUntil reads the rankings' headlines again after each change of
// content (without sliding the windows, which writes), so that an updated
// headline is not shown old until the next full refresh, until tick
// fires; false when ctx ended.
func (s *Server) rerankUntil(ctx context.Context, tick <-chan time.Time) bool {
	rd := s.reads
	for {
		select {
		case <-ctx.Done():
			return false
		case <-tick:
			return true
		case <-rd.rerank:
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(rerankAfter):
		}
		select {
		case <-rd.rerank: // changes during the wait are read now too
		default:
		}
		if err := s.readRankings(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("rankings", "err", err)
		}
	}
}

// FlushViews writes the counted views now (tests and shutdown).
func (s *Server) FlushViews(ctx context.Context) error { return s.reads.counter.Flush(ctx, s.store) }

// RefreshRankings slides the windows to now and reads every ranking:
// each period for the whole site and for each section. When a ranking
// changed, cached pages are dropped, since they show it.
func (s *Server) RefreshRankings(ctx context.Context) error {
	if err := s.store.ExpireViews(ctx, s.now()); err != nil {
		return err
	}
	return s.readRankings(ctx)
}

// readRankings reads every ranking as the windows stand, dropping cached
// pages when one changed (a story, its place, its views or its headline).
func (s *Server) readRankings(ctx context.Context) error {
	ranks := map[rankKey][]dateline.Ranked{}
	sections := append([]string{""}, sectionSlugs(s.sectionList())...)
	for _, p := range dateline.Periods {
		for _, sec := range sections {
			list, err := s.store.MostRead(ctx, p, sec, mostReadSize)
			if err != nil {
				return err
			}
			ranks[rankKey{p, sec}] = list
		}
	}
	rd := s.reads
	rd.rankMu.Lock()
	same := sameRanks(rd.ranks, ranks)
	rd.ranks = ranks
	rd.rankMu.Unlock()
	if !same {
		s.cache.invalidate()
	}
	return nil
}

func sectionSlugs(ss []dateline.Section) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Slug
	}
	return out
}

func sameRanks(a, b map[rankKey][]dateline.Ranked) bool {
	if len(a) != len(b) {
		return false
	}
	for k, x := range a {
		y := b[k]
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i].ID != y[i].ID || x[i].Views != y[i].Views || x[i].Headline != y[i].Headline {
				return false
			}
		}
	}
	return true
}

func (s *Server) mostRead(p dateline.Period, section string) []dateline.Ranked {
	rd := s.reads
	rd.rankMu.RLock()
	defer rd.rankMu.RUnlock()
	return rd.ranks[rankKey{p, section}]
}

// mostReadBlock is the tabbed block on the home and article pages.
type mostReadBlock struct {
	Lang             string
	Now, Today, Week []dateline.Ranked
}

// mostReadBlock is an edition's most read stories.
func (s *Server) mostReadBlock(ctx context.Context, lang string) (*mostReadBlock, error) {
	b := &mostReadBlock{Lang: lang, Now: s.mostReadIn(dateline.PeriodNow, lang), Today: s.mostReadIn(dateline.PeriodToday, lang),
		Week: s.mostReadIn(dateline.PeriodWeek, lang)}
	if err := s.stillPublished(ctx, &b.Now, &b.Today, &b.Week); err != nil {
		return nil, err
	}
	if len(b.Now)+len(b.Today)+len(b.Week) == 0 {
		return nil, nil
	}
	return b, nil
}

// stillPublished keeps in each ranking the stories that are published
// now. Rankings are read every rankEvery; a story killed or withheld
// since leaves the lists at once. The answer is kept until content
// changes, as for view beacons.
func (s *Server) stillPublished(ctx context.Context, lists ...*[]dateline.Ranked) error {
	rd := s.reads
	var unknown []int64
	rd.pubMu.RLock()
	for _, l := range lists {
		for _, a := range *l {
			if _, known := rd.pub[a.ID]; !known && !slices.Contains(unknown, a.ID) {
				unknown = append(unknown, a.ID)
			}
		}
	}
	rd.pubMu.RUnlock()
	if len(unknown) > 0 {
		m, err := s.store.PublishedIDs(ctx, unknown)
		if err != nil {
			return err
		}
		rd.pubMu.Lock()
		if len(rd.pub) > 200_000 {
			clear(rd.pub)
		}
		for _, id := range unknown {
			rd.pub[id] = m[id]
		}
		rd.pubMu.Unlock()
	}
	rd.pubMu.RLock()
	defer rd.pubMu.RUnlock()
	for _, l := range lists {
		// The rankings are shared: filter a copy.
		*l = slices.DeleteFunc(slices.Clone(*l), func(a dateline.Ranked) bool {
			pub, known := rd.pub[a.ID]
			return known && !pub
		})
	}
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
func (s *Server) handleMostReadAPI(w http.ResponseWriter, r *http.Request) {
	q, err := query(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	p := dateline.Period(q.Get("period"))
	if p == "" {
		p = dateline.PeriodToday
	}
	if p.Minutes() == 0 {
		s.error(w, r, dateline.Errorf(dateline.EINVALID, "period is now, today or week, not %q.", truncate(string(p), 20)))
		return
	}
	sec := q.Get("section")
	if sec != "" && !s.hasSection(sec) {
		s.error(w, r, dateline.Errorf(dateline.EINVALID, "There is no section %q.", truncate(sec, 40)))
		return
	}
	ranked := s.mostRead(p, sec)
	if err := s.stillPublished(r.Context(), &ranked); err != nil {
		s.error(w, r, err)
		return
	}
	items := []rankedJSON{}
	for _, a := range ranked {
		items = append(items, rankedJSON{ID: a.ID, URL: s.cfg.BaseURL + s.articleURL(a.Article), Headline: a.Headline, Section: a.Section,
			PublishedAt: a.PublishedAt, Views: a.Views})
	}
	writeTagged(w, r, map[string]any{"period": p, "section": sec, "items": items}, "public, max-age=30")
}

// --- related stories ---

func (s *Server) related(ctx context.Context, a *dateline.Article) ([]related.Story, error) {
	nb, err := s.store.Neighbours(ctx, a.ID, 60)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, ref := range a.ReadAlso {
		if ref.ID != 0 {
			ids = append(ids, ref.ID)
		}
	}
	pub := map[int64]bool{}
	if len(ids) > 0 {
		if pub, err = s.store.PublishedIDs(ctx, ids); err != nil {
			return nil, err
		}
	}
	// Related stories are read in the story's own language.
	own := s.editionOfSection(a.Section)
	nb = slices.DeleteFunc(nb, func(n dateline.Neighbour) bool { return s.editionOfSection(n.Section) != own })
	return related.Pick(a, pub, nb, s.now(), 6), nil
}

// --- the live stream ---

type eventJSON struct {
	ID          int64       `json:"id"`
	Kind        string      `json:"kind"`
	URL         string      `json:"url"`
	Headline    string      `json:"headline"`
	Section     string      `json:"section"`
	SectionName string      `json:"section_name"`
	Urgency     int         `json:"urgency"`
	Breaking    bool        `json:"breaking"`
	Topics      []topicJSON `json:"topics"`
	Lang        string      `json:"lang"`
	At          time.Time   `json:"at"`
}

type topicJSON struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// message formats an event once for every stream.
func (s *Server) message(e dateline.Event, names map[string]string) live.Message {
	j := eventJSON{ID: e.ArticleID, Kind: e.Kind, URL: s.refURL(e.Section, e.ArticleID), Headline: e.Headline,
		Section: e.Section, Urgency: e.Urgency, Breaking: e.Breaking, Lang: e.Lang, At: e.At.UTC(), Topics: []topicJSON{}}
	if sec := s.section(e.Section); sec != nil {
		j.SectionName = sec.Name
	}
	for _, t := range e.Topics {
		name := names[t]
		if name == "" {
			name = t
		}
		j.Topics = append(j.Topics, topicJSON{Slug: t, Name: name})
	}
	data, _ := json.Marshal(j)
	return live.Message{ID: e.ID, Kind: e.Kind, Frame: live.Frame(e.ID, e.Kind, data)}
}

// messages formats events, looking up their topics' names once.
func (s *Server) messages(ctx context.Context, es []dateline.Event) []live.Message {
	names := map[string]string{}
	for _, e := range es {
		for _, t := range e.Topics {
			if _, ok := names[t]; !ok {
				names[t] = ""
				if tp, err := s.store.Topic(ctx, t); err == nil {
					names[t] = tp.Name
				}
			}
		}
	}
	out := make([]live.Message, len(es))
	for i, e := range es {
		out[i] = s.message(e, names)
	}
	return out
}

// pumpEvents reads new events from the store when content changes (and
// every few seconds, for changes made by another process) and hands them
// to the hub: one read per change for the whole node.
func (s *Server) pumpEvents(ctx context.Context) {
	rd := s.reads
	if last, err := s.store.LastEventID(ctx); err == nil {
		rd.hub.SetLast(last)
	}
	t := time.NewTicker(pollEvents)
	defer t.Stop()
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-beat.C:
			rd.hub.Publish(live.Ping)
			continue
		case <-rd.wake:
		case <-t.C:
		}
		s.PumpOnce(ctx)
	}
}

// PumpOnce hands the events after the last one published to the hub.
func (s *Server) PumpOnce(ctx context.Context) {
	rd := s.reads
	for {
		es, err := s.store.Events(ctx, rd.hub.Last(), 500)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("read events", "err", err)
			}
			return
		}
		if len(es) == 0 {
			return
		}
		rd.hub.Publish(s.messages(ctx, es)...)
		s.notifyHub(es)
		if len(es) < 500 {
			return
		}
	}
}

// handleStream is GET /api/v1/stream: Server-Sent Events announcing
// published, updated and withdrawn stories. A client that reconnects
// with Last-Event-ID gets what it missed. With ?embargoed=1 and a token
// with the embargo scope it also announces stories that arrived or
// changed under embargo and those killed before their release.
func (s *Server) handleStream(w http.ResponseWriter, r *http.Request) {
	q, err := query(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	embargoed := false
	if v := q.Get("embargoed"); v != "" {
		if v != "1" && v != "true" {
			s.error(w, r, dateline.Errorf(dateline.EINVALID, "embargoed is 1 (the embargo stream, for tokens with the embargo scope) or left out."))
			return
		}
		t := s.apiToken(w, r, "read")
		if t == nil {
			return
		}
		if !t.Embargo {
			s.error(w, r, dateline.Errorf(dateline.EFORBIDDEN, "The token %q has no embargo scope; the public stream needs no token.", t.Name))
			return
		}
		embargoed = true
	}
	var last int64
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			s.error(w, r, dateline.Errorf(dateline.EINVALID, "Last-Event-ID is the number of the last event received."))
			return
		}
		last = n
	}
	rc := http.NewResponseController(w)
	// The server's write timeout is for pages; a stream lives longer.
	rc.SetWriteDeadline(time.Time{})
	rd := s.reads
	sub, backlog, complete := rd.hub.Subscribe(last)
	defer rd.hub.Unsubscribe(sub)
	if !complete {
		// Older than the hub keeps: read the gap from the store, once.
		es, err := s.store.Events(r.Context(), last, 500)
		if err != nil {
			s.error(w, r, err)
			return
		}
		backlog = s.messages(r.Context(), es)
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache, no-transform")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("retry: 3000\n: dateline live\n\n"))
	sent := last
	write := func(m live.Message) bool {
		if m.ID != 0 && m.ID <= sent {
			return true
		}
		if m.Kind != "" && !embargoed && !dateline.PublicEvent(m.Kind) {
			// Not for the public: pass over it, but count it as seen so
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
	for _, m := range backlog {
		if !write(m) {
			return
		}
	}
	if rc.Flush() != nil {
		return
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case m, ok := <-sub.C:
			if !ok || !write(m) {
				return
			}
			// Write what else is waiting before one flush.
			for n := len(sub.C); n > 0; n-- {
				if m, ok = <-sub.C; !ok || !write(m) {
					return
				}
			}
			if rc.Flush() != nil {
				return
			}
		}
	}
}

// liveSections is what a page's live announcements count: its sections.
func liveSections(slugs ...string) string {
	return strings.Join(slices.DeleteFunc(slugs, func(s string) bool { return s == "" }), " ")
}
