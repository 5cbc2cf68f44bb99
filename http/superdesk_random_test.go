package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/superdesk"
)

// sdVersion is one version of one guid the random sender sends.
type sdVersion struct {
	guid, from string
	version    int
	created    time.Time
	headline   string
	kill       bool
}

func (v sdVersion) body() []byte {
	item := map[string]any{
		"guid": v.guid, "version": strconv.Itoa(v.version), "type": "text", "pubstatus": "usable",
		"versioncreated": v.created.Format("2006-01-02T15:04:05-0700"), "firstcreated": v.created.Format("2006-01-02T15:04:05-0700"),
		"headline": v.headline, "body_html": "<p>" + v.headline + " in full.</p>", "priority": 5,
		"service": []map[string]string{{"code": "i", "name": "International News"}},
	}
	if v.from != "" {
		item["evolvedfrom"] = v.from
	}
	if v.kill {
		item["pubstatus"], item["headline"] = "canceled", "Kill/Takedown notice"
		item["body_html"] = "<p>Please kill story slugged x headlined " + v.headline + " exMoscow at 1 Mar 2025 10:00.</p>"
	}
	b, _ := json.Marshal(item)
	return b
}

// TestSuperdeskRandomSender plays random rewrite chains as an
// unreliable Superdesk sends them (versions repeated and out of order,
// rewrites before their originals, kills) and checks the end: a chain
// that was not killed is one public article showing its newest guid's
// newest version; nothing of a killed chain is public.
func TestSuperdeskRandomSender(t *testing.T) {
	s := newSDEnv(t)
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, seed^0x5d))
	ctx := context.Background()
	base := s.clock.Now().Add(-30 * 24 * time.Hour)
	for round := range 6 {
		type chain struct {
			guids  []string
			newest string // the headline readers should see
			killed bool
		}
		var chains []chain
		var sends []sdVersion
		for c := range 5 {
			var ch chain
			n := 1 + rng.IntN(3)
			start := base.Add(time.Duration(round*10+c) * time.Hour)
			last := start
			for g := range n {
				// A rewrite may be stamped before the last correction of
				// the guid it follows (both edited at once): the newest
				// guid still wins.
				at := start.Add(time.Duration(g*2+rng.IntN(4)) * time.Minute)
				guid := fmt.Sprintf("urn:newsml:sd.example.org:r%d:c%d:g%d", round, c, g)
				from := ""
				if g > 0 {
					from = ch.guids[g-1]
				}
				ch.guids = append(ch.guids, guid)
				version := 1 + rng.IntN(3)
				for range 1 + rng.IntN(3) {
					at = at.Add(time.Minute)
					v := sdVersion{guid: guid, from: from, version: version, created: at,
						headline: fmt.Sprintf("Round %d chain %d guid %d version %d", round, c, g, version)}
					sends = append(sends, v)
					ch.newest = v.headline
					version += 1 + rng.IntN(2)
					if at.After(last) {
						last = at
					}
				}
			}
			if rng.IntN(3) == 0 {
				// A kill of any guid of the chain, after all its versions.
				victim := sends[len(sends)-1]
				if g := rng.IntN(n); g < n-1 {
					victim.guid, victim.from = ch.guids[g], ""
					if g > 0 {
						victim.from = ch.guids[g-1]
					}
				}
				victim.version, victim.created, victim.kill = 99, last.Add(time.Minute), true
				sends = append(sends, victim)
				ch.killed = true
			}
			chains = append(chains, ch)
		}
		// Repeats, then any order.
		for _, v := range sends {
			if rng.IntN(3) == 0 {
				sends = append(sends, v)
			}
		}
		rng.Shuffle(len(sends), func(i, j int) { sends[i], sends[j] = sends[j], sends[i] })
		// Two senders at once, as a subscriber marked async sends; a 503
		// is sent again, as Superdesk does.
		var wg sync.WaitGroup
		errs := make(chan string, len(sends))
		for part := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := part; i < len(sends); i += 2 {
					v := sends[i]
					body := v.body()
					for try := 0; ; try++ {
						w := s.do("POST", "/api/v2/content/push", string(body), "Content-type", "application/json", "x-superdesk-signature", superdesk.Sign(sdSecret, body))
						if w.Code == http.StatusServiceUnavailable && try < 5 {
							continue
						}
						if w.Code != http.StatusCreated {
							errs <- fmt.Sprintf("round %d: %s v%d: %d %s", round, v.guid, v.version, w.Code, w.Body)
						}
						break
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Fatal(e)
		}
		for c, ch := range chains {
			public := 0
			for _, g := range ch.guids {
				a, err := s.store.ArticleByURI(ctx, g)
				if dateline.ErrorCode(err) == dateline.ENOTFOUND {
					continue
				} else if err != nil {
					t.Fatal(err)
				}
				page := s.get(fmt.Sprintf("/%s/%d", a.Section, a.ID))
				if a.Status != dateline.StatusPublished {
					if page.Code != http.StatusGone && page.Code != http.StatusNotFound {
						t.Errorf("round %d chain %d: %s is %s but its page answers %d", round, c, g, a.Status, page.Code)
					}
					if strings.Contains(page.Body.String(), "Please kill") {
						t.Errorf("round %d chain %d: the kill notice is shown", round, c)
					}
					continue
				}
				public++
				if ch.killed {
					t.Errorf("round %d chain %d was killed, but %s is public: %q", round, c, g, a.Headline)
				} else if a.Headline != ch.newest {
					t.Errorf("round %d chain %d: %s shows %q, want %q", round, c, g, a.Headline, ch.newest)
				}
				if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), a.Headline) {
					t.Errorf("round %d chain %d: page %d", round, c, page.Code)
				}
			}
			if !ch.killed && public != 1 {
				t.Errorf("round %d chain %d (%d guids): %d public articles, want 1", round, c, len(ch.guids), public)
			}
		}
	}
}
