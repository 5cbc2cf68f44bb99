package newsletter

import (
	"context"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strings"
	"time"

	"dateline"
	"dateline/i18n"
)

// Digests and follows are queued by every node once a minute; the dedupe
// key (the date of a digest in the reader's zone, the hour of a follow
// batch) makes one message of each across the cluster.

// DigestSize is how many stories a digest lists at most.
const DigestSize = 10

// digestKey and followKey are the dedupe keys: one digest per reader,
// edition and local date; one batch per reader, follow and UTC hour.
func digestKey(list, address string, day time.Time) string {
	return "digest:" + list + ":" + strings.ToLower(address) + ":" + day.Format("2006-01-02")
}

func followKey(list, address string, hour time.Time) string {
	return "follow:" + list + ":" + strings.ToLower(address) + ":" + hour.UTC().Format("2006-01-02T15")
}

// Top orders a day's stories for a digest: the most urgent first (1, 2,
// ...; breaking before its urgency's others), then the newest, and keeps
// the first n.
func Top(stories []dateline.Article, n int) []dateline.Article {
	rank := func(a dateline.Article) int {
		u := a.Urgency
		if u <= 0 {
			u = 9
		}
		if a.Breaking {
			return 0
		}
		return u
	}
	slices.SortStableFunc(stories, func(a, b dateline.Article) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return b.PublishedAt.Compare(a.PublishedAt)
	})
	if len(stories) > n {
		stories = stories[:n]
	}
	return stories
}

// zone is the reader's time zone, the site's (Moscow) when it cannot be
// read.
func zone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	if loc, err := time.LoadLocation("Europe/Moscow"); err == nil {
		return loc
	}
	return time.UTC
}

// Digest queues the digests due now: for each confirmed digest whose hour
// it is in the reader's zone, the last day's top stories of the edition
// (or of the chosen sections). It returns how many it queued.
func (s *Sender) Digest(ctx context.Context) (int, error) {
	rs, err := s.store.NewsRecipients(ctx, KindDigest+":")
	if err != nil || len(rs) == 0 {
		return 0, err
	}
	key, eds, err := s.keyAndEditions(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now()
	s.forget(now)
	stories := map[string][]dateline.Article{} // by edition and sections
	n := 0
	for _, r := range rs {
		local := now.In(zone(r.Zone))
		if local.Hour() != r.Hour {
			continue
		}
		dk := digestKey(r.ListID, r.Address, local)
		if s.done[dk] {
			continue
		}
		_, edition := ParseList(r.ListID)
		secs := r.Sections
		if len(secs) == 0 {
			for _, slug := range slices.Sorted(maps.Keys(eds)) {
				if eds[slug] == edition {
					secs = append(secs, slug)
				}
			}
		}
		which := edition + " " + strings.Join(secs, " ")
		list, ok := stories[which]
		if !ok {
			all, err := s.store.Articles(ctx, dateline.ArticleFilter{Sections: secs, Since: now.Add(-24 * time.Hour), Limit: 200})
			if err != nil {
				return n, err
			}
			list = Top(all, DigestSize)
			stories[which] = list
		}
		s.done[dk] = true
		if len(list) == 0 {
			continue // nothing to tell: no message
		}
		l := i18n.Lang(edition)
		m := s.storiesMail(key, eds, r, edition, dk, i18n.T(l, "Your daily digest, %s", i18n.Date(l, local)), list)
		if err := s.enqueue(ctx, &m, now, &n); err != nil {
			return n, err
		}
	}
	s.wake(n)
	return n, nil
}

// Follows queues the batches of followed topics and persons: in the first
// minutes of each hour, the stories of the hour before, one message per
// reader and follow. It returns how many it queued.
func (s *Sender) Follows(ctx context.Context) (int, error) {
	var rs []dateline.NewsRecipient
	for _, kind := range []string{KindTopic, KindPerson} {
		more, err := s.store.NewsRecipients(ctx, kind+":")
		if err != nil {
			return 0, err
		}
		rs = append(rs, more...)
	}
	if len(rs) == 0 {
		return 0, nil
	}
	key, eds, err := s.keyAndEditions(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now()
	s.forget(now)
	hour := now.UTC().Truncate(time.Hour)
	from := hour.Add(-time.Hour)
	stories := map[string][]dateline.Article{}
	n := 0
	for _, r := range rs {
		fk := followKey(r.ListID, r.Address, from)
		if s.done[fk] {
			continue
		}
		list, ok := stories[r.ListID]
		if !ok {
			kind, slug := ParseList(r.ListID)
			f := dateline.ArticleFilter{Since: from, Limit: 200}
			if kind == KindTopic {
				f.Topic = slug
			} else {
				f.Person = slug
			}
			all, err := s.store.Articles(ctx, f)
			if err != nil {
				return n, err
			}
			list = nil
			for _, a := range all {
				if a.PublishedAt.Before(hour) {
					list = append(list, a)
				}
			}
			stories[r.ListID] = list
		}
		s.done[fk] = true
		if len(list) == 0 {
			continue
		}
		l := i18n.Lang(r.Lang)
		m := s.storiesMail(key, eds, r, r.Lang, fk, i18n.T(l, "New on %s", ListName(r.Lang, r.ListID)), list)
		if err := s.enqueue(ctx, &m, now, &n); err != nil {
			return n, err
		}
	}
	s.wake(n)
	return n, nil
}

// keyAndEditions reads the key that signs links and each section's
// edition.
func (s *Sender) keyAndEditions(ctx context.Context) ([]byte, map[string]string, error) {
	key, err := s.store.MailKey(ctx)
	if err != nil {
		return nil, nil, err
	}
	sections, err := s.store.Sections(ctx)
	if err != nil {
		return nil, nil, err
	}
	return key, editions(sections), nil
}

// enqueue queues m and counts it in n when it was queued (not a dedupe
// key's repeat).
func (s *Sender) enqueue(ctx context.Context, m *dateline.OutMail, now time.Time, n *int) error {
	queued, err := s.store.EnqueueMail(ctx, m, now)
	if queued {
		*n++
	}
	return err
}

// wake tells the outbox when n messages were queued.
func (s *Sender) wake(n int) {
	if n > 0 && s.Wake != nil {
		s.Wake()
	}
}

// forget drops what done remembers once a day: the keys of a day before
// are never made again.
func (s *Sender) forget(now time.Time) {
	if len(s.done) > 100000 || now.UTC().Hour() == 0 && now.Minute() == 0 {
		s.done = map[string]bool{}
	}
}

// storiesMail is a message listing stories: headline, lead and link each.
func (s *Sender) storiesMail(key []byte, edition map[string]string, r dateline.NewsRecipient, lang, dedupe, subject string, stories []dateline.Article) dateline.OutMail {
	var text, html strings.Builder
	fmt.Fprintf(&html, `<h1 style="font-size:1.3em">%s</h1><ol>`, template.HTMLEscapeString(subject))
	for i := range stories {
		a := &stories[i]
		link := s.StoryURL(a, editionOf(edition, a))
		fmt.Fprintf(&text, "* %s\n  %s\n  %s\n\n", a.Headline, a.Lead, link)
		fmt.Fprintf(&html, `<li><p><a href="%s">%s</a></p><p>%s</p></li>`, template.HTMLEscapeString(link), template.HTMLEscapeString(a.Headline), template.HTMLEscapeString(a.Lead))
	}
	html.WriteString("</ol>")
	return s.message(key, r.Address, lang, r.ListID, dedupe, subject, subject+"\n\n"+text.String(), html.String())
}

// editions maps each section to its edition, for the stories' links.
func editions(sections []dateline.Section) map[string]string {
	m := map[string]string{}
	for _, sec := range sections {
		m[sec.Slug] = dateline.EditionOf(sec.Lang)
	}
	return m
}

// editionOf is the edition of a story's section (the main one for a
// section the site does not know).
func editionOf(edition map[string]string, a *dateline.Article) string {
	if e := edition[a.Section]; e != "" {
		return e
	}
	return dateline.LangMain
}
