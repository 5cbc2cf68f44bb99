package readership

import (
	"context"
	"encoding/json"
	"time"

	"dateline"
	"dateline/live"
)

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
	Collection  string      `json:"collection,omitempty"` // "gallery" or "infographic"; id is then its id
}

type topicJSON struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// message formats an event once for every stream.
func (s *Service) message(e dateline.Event, names map[string]string) live.Message {
	j := eventJSON{ID: e.ArticleID, Kind: e.Kind, URL: s.site.StoryURL(e.Section, e.ArticleID), Headline: e.Headline,
		Section: e.Section, Urgency: e.Urgency, Breaking: e.Breaking, Lang: e.Lang, At: e.At.UTC(), Topics: []topicJSON{},
		SectionName: s.site.SectionName(e.Section)}
	for _, t := range e.Topics {
		name := names[t]
		if name == "" {
			name = t
		}
		j.Topics = append(j.Topics, topicJSON{Slug: t, Name: name})
	}
	if !e.IsStory() {
		// A gallery's or an infographic's: no story page; only a client's
		// stream whose products show it sends it.
		j.URL, j.Collection = "", e.Collection
	}
	data, _ := json.Marshal(j)
	m := live.Message{ID: e.ID, Kind: e.Kind, Article: e.ArticleID, Collection: e.Collection, Frame: live.Frame(e.ID, e.Kind, data)}
	if !e.IsStory() {
		m.Section, m.Lang = e.Section, e.Lang
	}
	return m
}

// Messages formats events for the streams, looking up their topics'
// names once.
func (s *Service) Messages(ctx context.Context, es []dateline.Event) []live.Message {
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

// Hub is the live hub the streams subscribe to.
func (s *Service) Hub() *live.Hub { return s.hub }

// pumpEvents reads new events from the store when content changes (and
// every few seconds, for changes made by another process) and hands them
// to the hub: one read per change for the whole node.
func (s *Service) pumpEvents(ctx context.Context) {
	if last, err := s.store.LastEventID(ctx); err == nil {
		s.hub.SetLast(last)
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
			s.hub.Publish(live.Ping)
			continue
		case <-s.wake:
		case <-t.C:
		}
		s.PumpOnce(ctx)
	}
}

// PumpOnce hands the events after the last one published to the hub, and
// tells the WebSub hub which feeds they changed.
func (s *Service) PumpOnce(ctx context.Context) {
	for {
		es, err := s.store.Events(ctx, s.hub.Last(), 500)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("read events", "err", err)
			}
			return
		}
		if len(es) == 0 {
			return
		}
		s.hub.Publish(s.Messages(ctx, es)...)
		s.websub.Notify(es)
		if len(es) < 500 {
			return
		}
	}
}
