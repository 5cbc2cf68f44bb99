package e2e

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The client's side of TestLifecycle: pollers that fetch every output of
// every node, and a reader of each node's public stream; each answer is
// checked against the model at the instant it was requested.

type lcKind int

const (
	tHome    lcKind = iota // only what must not be there is checked
	tList                  // every public story (of the section) is listed
	tSitemap               // every public story's address is listed
	tPlain                 // only what must not be there
	tArticle               // a story's address
	tWrong                 // a story's id under the other section
	tTag                   // a story's topic or person page
	tItem                  // GET /api/v1/items/{id}, read token
	tItemEmb               // the same with an embargo token
	tEmbList               // GET /api/v1/items?embargoed=1, embargo token
)

type lcTarget struct {
	path    string
	kind    lcKind
	s       *lcStory
	section string
	only    *lcStory // a list that holds this story alone (a search for its word)
	token   int      // 0 none, 1 read, 2 embargo
}

// targets lists what a poller fetches now.
func (r *lcRun) targets() []lcTarget {
	ts := []lcTarget{
		{path: "/", kind: tHome},
		{path: "/news", kind: tList},
		{path: "/feed.rss", kind: tList},
		{path: "/feed.atom", kind: tList},
		{path: "/feed.json", kind: tList},
		{path: "/sitemap.xml", kind: tPlain},
		{path: r.month, kind: tSitemap},
		{path: "/sitemaps/news.xml", kind: tList},
		{path: "/search?q=" + r.run, kind: tList},
		{path: "/api/v1/search?q=" + r.run, kind: tList},
		{path: "/api/v1/items?limit=100", kind: tList, token: 1},
		{path: "/api/v1/topics", kind: tPlain, token: 1},
		{path: "/api/v1/persons", kind: tPlain, token: 1},
		{path: "/api/v1/items?embargoed=1", kind: tEmbList, token: 2},
	}
	for i, sec := range lcSections {
		ts = append(ts, lcTarget{path: "/" + sec.slug, kind: tList, section: sec.slug})
		ts = append(ts, lcTarget{path: "/" + sec.slug + "/feed." + []string{"rss", "atom"}[i%2], kind: tList, section: sec.slug})
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.stories {
		if s.id == 0 {
			continue
		}
		ts = append(ts,
			lcTarget{path: s.path(), kind: tArticle, s: s},
			lcTarget{path: "/topics/" + s.topic, kind: tTag, s: s},
			lcTarget{path: "/persons/" + s.pslug, kind: tTag, s: s},
			lcTarget{path: fmt.Sprintf("/api/v1/items/%d", s.id), kind: tItem, s: s, token: 1},
			lcTarget{path: s.wrongPath(), kind: tWrong, s: s},
			lcTarget{path: "/api/v1/search?q=" + s.word, kind: tList, only: s},
		)
		if s.state == stWaiting || s.killedEarly {
			ts = append(ts, lcTarget{path: fmt.Sprintf("/api/v1/items/%d", s.id), kind: tItemEmb, s: s, token: 2})
		}
	}
	return ts
}

// poll goes through the node's outputs (worker w of of) until stopped,
// each round in one of three ways per output: plain, gzip, or
// conditional with an ETag held from before.
func (r *lcRun) poll(ctx context.Context, nd *lcNode, w, of int) {
	c := lcClient()
	rng := rand.New(rand.NewPCG(uint64(nd.i), uint64(w)))
	round := 0
	for ctx.Err() == nil {
		start := time.Now()
		ts := r.targets()
		for i, tg := range ts {
			if i%of != w {
				continue
			}
			if ctx.Err() != nil {
				return
			}
			r.fetch(ctx, c, rng, nd, tg, (round+i)%3)
		}
		round++
		if w == 0 {
			r.cycles[nd.i].Add(1)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(lcCycle - time.Since(start)):
		}
	}
}

// probe fetches, every lcProbe, the outputs a change is measured on
// (the story's address, /news and /feed.rss) while the change is not
// yet seen there on the node, so that the delays are known to a few
// tens of milliseconds rather than to a polling round.
func (r *lcRun) probe(ctx context.Context, nd *lcNode) {
	c := lcClient()
	rng := rand.New(rand.NewPCG(uint64(nd.i), 99))
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(lcProbe):
		}
		now := time.Now()
		var ts []lcTarget
		seen := map[string]bool{}
		r.mu.Lock()
		for _, m := range r.meas {
			if m.done || m.node != nd.i || now.Before(m.after) || now.Sub(m.from) > 3*time.Second {
				continue
			}
			for _, t := range []lcTarget{{path: m.s.path(), kind: tArticle, s: m.s}, {path: "/news", kind: tList}, {path: "/feed.rss", kind: tList}} {
				out := t.path
				if t.kind == tArticle {
					out = "article"
				}
				if _, ok := m.seen[out]; !ok && !seen[t.path] {
					seen[t.path] = true
					ts = append(ts, t)
				}
			}
		}
		r.mu.Unlock()
		for _, t := range ts {
			r.fetch(ctx, c, rng, nd, t, 0)
		}
	}
}

func (r *lcRun) token(kind int) string {
	n := r.rr.Add(1)
	switch kind {
	case 1:
		return r.reads[n%uint64(len(r.reads))]
	case 2:
		return r.embs[n%uint64(len(r.embs))]
	}
	return ""
}

// fetch gets one output and checks it.
func (r *lcRun) fetch(ctx context.Context, c *http.Client, rng *rand.Rand, nd *lcNode, tg lcTarget, way int) {
	req, _ := http.NewRequestWithContext(ctx, "GET", nd.base+tg.path, nil)
	if tg.token != 0 {
		req.Header.Set("Authorization", "Bearer "+r.token(tg.token))
	}
	gz := way == 1
	var held *lcHeld
	how := [...]string{"plain", "gzip", "conditional"}[way]
	if way == 2 {
		gz = rng.IntN(2) == 0
		nd.heldMu.Lock()
		if hs := nd.held[tg.path+"|"+strconv.FormatBool(gz)]; len(hs) > 0 {
			h := hs[rng.IntN(len(hs))]
			held = &h
		}
		nd.heldMu.Unlock()
		if held != nil {
			req.Header.Set("If-None-Match", held.etag)
		}
		if gz {
			how = "conditional gzip"
		}
	}
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	R := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			r.mu.Lock()
			r.violate(nil, nd.i, "request failed", tg.path, fmt.Sprintf("node %d %s requested %s: %v", nd.i+1, tg.path, r.since(R), err))
			r.mu.Unlock()
		}
		return
	}
	var rd io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err == nil {
			rd = zr
			r.gzipped.Add(1)
		}
	}
	b, err := io.ReadAll(rd)
	resp.Body.Close()
	C := time.Now()
	if err != nil {
		if ctx.Err() == nil {
			r.mu.Lock()
			r.violate(nil, nd.i, "reading failed", tg.path, fmt.Sprintf("node %d %s (%s) requested %s: %v", nd.i+1, tg.path, how, r.since(R), err))
			r.mu.Unlock()
		}
		return
	}
	status, body := resp.StatusCode, string(b)
	if status == http.StatusNotModified {
		if held == nil {
			r.mu.Lock()
			r.violate(nil, nd.i, "304 to a request without If-None-Match", tg.path, fmt.Sprintf("node %d %s", nd.i+1, tg.path))
			r.mu.Unlock()
			return
		}
		status, body = held.status, held.body
		how += " (304: the content held from before)"
		r.notMod.Add(1)
	} else if etag := resp.Header.Get("ETag"); etag != "" {
		key := tg.path + "|" + strconv.FormatBool(gz)
		nd.heldMu.Lock()
		hs := append(nd.held[key], lcHeld{etag: etag, status: status, body: body})
		if len(hs) > 3 {
			hs = hs[len(hs)-3:]
		}
		nd.held[key] = hs
		nd.heldMu.Unlock()
	}
	r.check(nd, tg, R, C, status, body, how)
}

// lcScan returns the run's words ("zq" and letters, in any case) in a
// text, in lower case.
func lcScan(body string) map[string]bool {
	out := map[string]bool{}
	letter := func(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
	for k := 0; k+1 < len(body); k++ {
		if body[k]|0x20 != 'z' || body[k+1]|0x20 != 'q' || (k > 0 && letter(body[k-1])) {
			continue
		}
		e := k + 2
		for e < len(body) && letter(body[e]) {
			e++
		}
		out[strings.ToLower(body[k:e])] = true
		k = e
	}
	return out
}

// early reports whether a response requested at R and received whole at
// C shows the story before it may be public: received before its embargo
// instant, or at any time when it was killed before its release. A
// response requested before the instant but received after it is only
// counted (border): the node may have answered it after the instant.
func (s *lcStory) early(R, C time.Time) (early, border bool) {
	fp := s.firstPublic
	if fp.IsZero() {
		if s.killedEarly || s.embargo.IsZero() {
			return true, false
		}
		fp = s.embargo
	}
	if C.Before(fp) {
		return true, false
	}
	return false, R.Before(fp)
}

// settled returns the state a response requested at R and finished at C
// must show: the last change acknowledged more than lcBound before R,
// when no later change was sent before C.
func (s *lcStory) settled(R, C time.Time) (lcState, bool) {
	idx := -1
	for i, tr := range s.trans {
		if !tr.A.IsZero() && tr.A.Add(lcBound).Before(R) {
			idx = i
		}
	}
	if idx < 0 {
		return 0, false
	}
	for _, tr := range s.trans[idx+1:] {
		if tr.S.Before(C) {
			return 0, false
		}
	}
	return s.trans[idx].to, true
}

// headline returns the headline word every output must show to a
// response requested at R and finished at C.
func (s *lcStory) headline(R, C time.Time) (string, bool) {
	idx := -1
	for i, v := range s.versions {
		if !v.A.IsZero() && v.A.Add(lcBound).Before(R) {
			idx = i
		}
	}
	if idx < 0 {
		return "", false
	}
	for _, v := range s.versions[idx+1:] {
		if v.S.Before(C) && v.word != s.versions[idx].word {
			return "", false
		}
	}
	return s.versions[idx].word, true
}

// old reports whether a headline word was replaced by a version
// acknowledged more than lcBound before R.
func (s *lcStory) old(word string, R time.Time) (bool, *lcVersion) {
	cur := -1
	for i, v := range s.versions {
		if !v.A.IsZero() && v.A.Add(lcBound).Before(R) {
			cur = i
		}
	}
	if cur < 0 || s.versions[cur].word == word {
		return false, nil
	}
	for i := cur - 1; i >= 0; i-- {
		if s.versions[i].word == word {
			return true, s.versions[cur]
		}
	}
	return false, nil
}

// embargoSettled reports whether a response requested at R and finished
// at C must show the story as embargoed to an embargo client, and the
// instant.
func (s *lcStory) embargoSettled(R, C time.Time) (time.Time, bool) {
	if s.killedEarly || !s.firstPublic.IsZero() && !s.firstPublic.After(C) {
		return time.Time{}, false
	}
	st, ok := s.settled(R, C)
	if !ok || st != stWaiting || !C.Before(s.embargo) {
		return time.Time{}, false
	}
	// The op that set the embargo in force was acknowledged long enough.
	for i := len(s.ops) - 1; i >= 0; i-- {
		op := s.ops[i]
		if op.S.Before(C) && (op.A.IsZero() || !op.A.Add(lcBound).Before(R)) {
			return time.Time{}, false
		}
	}
	return s.embargo, true
}

var lcClass = map[lcKind]string{tHome: "home", tList: "list", tSitemap: "sitemap", tPlain: "page", tArticle: "article page",
	tWrong: "wrong-section address", tTag: "topic/person page", tItem: "API item", tItemEmb: "API item (embargo token)", tEmbList: "API embargoed list"}

// check judges one answer: what it shows of every story of the run, and
// what its own story (or list) must show.
func (r *lcRun) check(nd *lcNode, tg lcTarget, R, C time.Time, status int, body, how string) {
	r.responses.Add(1)
	class := tg.path
	switch {
	case tg.s != nil:
		class = lcClass[tg.kind]
	case tg.only != nil:
		class = "/api/v1/search?q=<the story's word>"
	}
	where := func() string {
		return fmt.Sprintf("node %d %s (%s) requested %s, answered %d after %v", nd.i+1, tg.path, how, r.since(R), status, C.Sub(R).Round(time.Millisecond))
	}
	if status >= 500 {
		r.mu.Lock()
		r.violate(nil, nd.i, "5xx", class, where()+": "+lcShort(body, 300))
		r.mu.Unlock()
		return
	}
	if status == http.StatusTooManyRequests {
		r.limited.Add(1)
		return
	}
	if tg.only != nil {
		// The answer repeats the query: only its results count.
		var res struct {
			Results json.RawMessage `json:"results"`
		}
		json.Unmarshal([]byte(body), &res)
		body = string(res.Results)
	}
	toks := lcScan(body)
	public := tg.kind != tItemEmb && tg.kind != tEmbList
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tick(time.Now())
	var checks int64
	defer func() { r.checks.Add(checks) }()

	// What the answer shows of every story.
	for tok := range toks {
		w, ok := r.words[tok]
		if !ok {
			continue
		}
		s := w.s
		checks++
		switch w.role {
		case roleRefused:
			r.violate(s, nd.i, "a refused version is shown", class, fmt.Sprintf("%s shows %s, a word of a version the contract refuses", where(), tok))
			continue
		case roleKill:
			r.violate(s, nd.i, "the kill notice's own words are shown", class, fmt.Sprintf("%s shows %s from the kill notice's headline or body", where(), tok))
			continue
		case roleWithheldOnly:
			r.violate(s, nd.i, "a withheld version's own words are shown", class, fmt.Sprintf("%s shows %s, the headline of a withheld version (the story keeps the words readers saw last)", where(), tok))
			continue
		case roleInternal:
			if public {
				r.violate(s, nd.i, "a first version's internal note is shown", class, fmt.Sprintf("%s shows %s from the first version's ednote", where(), tok))
			}
			continue
		}
		if !public || s.ambiguous {
			continue
		}
		own := tg.s == s && (tg.kind == tArticle || tg.kind == tItem)
		early, border := s.early(R, C)
		switch w.role {
		case roleTopic, rolePerson:
			if status == http.StatusNotFound {
				continue // the address may be repeated on a 404 page
			}
			if early {
				r.violate(s, nd.i, "a topic or person of a story not public yet is public", class, fmt.Sprintf("%s shows %s (%s) %s", where(), tok, map[lcRole]string{roleTopic: "its topic", rolePerson: "its person"}[w.role], s.notYet()))
			}
		case roleStory, roleBody, roleHeadline, roleCorrection:
			if early {
				kind := "embargo broken"
				if s.killedEarly {
					kind = "a story killed before its release is shown"
				}
				r.violate(s, nd.i, kind, class, fmt.Sprintf("%s shows %s %s", where(), tok, s.notYet()))
				continue
			}
			if border {
				r.border++
			}
			if st, ok := s.settled(R, C); ok && (st == stKilled || st == stWithheld) {
				// Only a kill's 410 page names the story (and the API
				// item, without its body); the withheld notice does not.
				if !own || (w.role == roleBody && tg.kind == tItem) || (st == stWithheld && tg.kind == tArticle) {
					r.violate(s, nd.i, fmt.Sprintf("a %s story is still served", st), class, fmt.Sprintf("%s shows %s; %s", where(), tok, r.lastChange(s)))
				}
			}
			if w.role == roleHeadline {
				if old, cur := s.old(tok, R); old {
					r.violate(s, nd.i, "an old headline is shown", class, fmt.Sprintf("%s shows the headline word %s, replaced by %s in op %d acknowledged %s", where(), tok, cur.word, cur.op.i, r.since(cur.A)))
				}
			}
		}
	}

	// What the answer must be for its own story.
	if s := tg.s; s != nil && !s.ambiguous {
		checks++
		early, _ := s.early(R, C)
		st, settled := s.settled(R, C)
		hw, hok := s.headline(R, C)
		switch tg.kind {
		case tArticle:
			switch {
			case early:
				if status != http.StatusNotFound {
					r.violate(s, nd.i, "the address of a story not public answers", fmt.Sprintf("%d", status), fmt.Sprintf("%s %s", where(), s.notYet()))
				}
			case settled && st == stPublic:
				if status != http.StatusOK || !toks[s.word] {
					r.violate(s, nd.i, "a public story is not served", class, fmt.Sprintf("%s; %s", where(), r.lastChange(s)))
				} else {
					if hok && !toks[hw] {
						r.violate(s, nd.i, "the article page lacks the current headline", class, fmt.Sprintf("%s lacks %s", where(), hw))
					}
					r.corrections(s, nd, class, R, toks, where)
					if a := s.advisory(R, C); a != nil && !toks[a.word] {
						r.violate(s, nd.i, "the update's advisory is not shown", class, fmt.Sprintf("%s lacks the advisory %s acknowledged %s", where(), a.word, r.since(a.A)))
					}
				}
			case settled && st == stKilled:
				switch {
				case status != http.StatusGone:
					r.violate(s, nd.i, "a story killed after publication does not answer 410", class, fmt.Sprintf("%s; %s", where(), r.lastChange(s)))
				case hok && !toks[hw]:
					r.violate(s, nd.i, "the 410 page lacks the story's last public headline", class, fmt.Sprintf("%s lacks %s", where(), hw))
				case !toks[s.reason]:
					r.violate(s, nd.i, "the 410 page lacks the reason the sender gave", class, fmt.Sprintf("%s lacks %s", where(), s.reason))
				}
			case settled && st == stWithheld:
				if status != http.StatusNotFound || !strings.Contains(strings.ToLower(body), "withheld") {
					r.violate(s, nd.i, "a withheld story's address does not say it is withheld (404)", class, fmt.Sprintf("%s; %s", where(), r.lastChange(s)))
				}
			}
		case tWrong:
			if early || (settled && st != stPublic) {
				if status != http.StatusNotFound {
					r.violate(s, nd.i, "a wrong-section address of a story not public answers", fmt.Sprintf("%d", status), where())
				}
			}
		case tTag:
			switch {
			case early:
				if status != http.StatusNotFound {
					r.violate(s, nd.i, "the topic or person page of a story not public yet answers", fmt.Sprintf("%d", status), fmt.Sprintf("%s %s", where(), s.notYet()))
				}
			case settled && st == stPublic:
				if status != http.StatusOK || !toks[s.word] || (hok && !toks[hw]) {
					r.violate(s, nd.i, "a public story is missing from its topic or person page", class, fmt.Sprintf("%s (want %s and %s); %s", where(), s.word, hw, r.lastChange(s)))
				}
			}
		case tItem, tItemEmb:
			var it struct {
				PubStatus string    `json:"pubstatus"`
				Embargoed time.Time `json:"embargoed"`
			}
			json.Unmarshal([]byte(body), &it)
			switch {
			case tg.kind == tItemEmb && s.killedEarly && settled && st == stKilled:
				if status != http.StatusOK || it.PubStatus != "canceled" {
					r.violate(s, nd.i, "an embargo client is not told of a kill before release", class, fmt.Sprintf("%s pubstatus %q", where(), it.PubStatus))
				}
			case tg.kind == tItemEmb:
				if e, ok := s.embargoSettled(R, C); ok {
					switch {
					case status != http.StatusOK || it.PubStatus != "withheld":
						r.violate(s, nd.i, "an embargo client does not get the embargoed item", class, fmt.Sprintf("%s pubstatus %q", where(), it.PubStatus))
					case it.Embargoed.UnixMilli() != e.UnixMilli():
						r.violate(s, nd.i, "an embargo client gets the wrong release time", class, fmt.Sprintf("%s embargoed %s, sent %s", where(), it.Embargoed.UTC().Format("15:04:05.000"), e.UTC().Format("15:04:05.000")))
					case hok && !toks[hw]:
						r.violate(s, nd.i, "an embargo client gets an old version", class, fmt.Sprintf("%s lacks %s", where(), hw))
					}
				}
			case early:
				if status != http.StatusNotFound {
					r.violate(s, nd.i, "a read token without the embargo scope gets a story not public", fmt.Sprintf("%d", status), fmt.Sprintf("%s %s", where(), s.notYet()))
				}
			case settled:
				want := map[lcState]string{stPublic: "usable", stKilled: "canceled", stWithheld: "withheld"}[st]
				if status != http.StatusOK || it.PubStatus != want {
					r.violate(s, nd.i, "the API item has the wrong pubstatus", fmt.Sprintf("%s want %s", class, want), fmt.Sprintf("%s pubstatus %q; %s", where(), it.PubStatus, r.lastChange(s)))
				} else if st == stPublic && hok && !toks[hw] {
					r.violate(s, nd.i, "the API item lacks the current headline", class, fmt.Sprintf("%s lacks %s", where(), hw))
				} else if st == stPublic {
					r.corrections(s, nd, class, R, toks, where)
				}
			}
		}
	}

	// What a list must list.
	switch tg.kind {
	case tList, tSitemap:
		for _, s := range r.stories {
			if s.ambiguous || s.id == 0 || (tg.section != "" && s.section != tg.section) || (tg.only != nil && tg.only != s) {
				continue
			}
			st, ok := s.settled(R, C)
			checks++
			if tg.kind == tSitemap {
				listed := strings.Contains(body, s.path()+"<")
				if e, _ := s.early(R, C); e && listed {
					r.violate(s, nd.i, "embargo broken", class, fmt.Sprintf("%s lists %s %s", where(), s.path(), s.notYet()))
				} else if ok && st != stPublic && listed {
					r.violate(s, nd.i, fmt.Sprintf("a %s story is still served", st), class, fmt.Sprintf("%s lists %s; %s", where(), s.path(), r.lastChange(s)))
				} else if ok && st == stPublic && !listed {
					r.violate(s, nd.i, "a public story is missing", class, fmt.Sprintf("%s lacks %s; %s", where(), s.path(), r.lastChange(s)))
				}
				continue
			}
			if ok && st == stPublic {
				if !toks[s.word] {
					r.violate(s, nd.i, "a public story is missing", class, fmt.Sprintf("%s lacks %s; %s", where(), s.word, r.lastChange(s)))
				} else if hw, hok := s.headline(R, C); hok && !toks[hw] {
					r.violate(s, nd.i, "the current headline is missing", class, fmt.Sprintf("%s lacks %s", where(), hw))
				}
			}
		}
	case tEmbList:
		var page struct {
			Items []struct {
				Embargoed time.Time `json:"embargoed"`
			} `json:"items"`
		}
		json.Unmarshal([]byte(body), &page)
		for i := 1; i < len(page.Items); i++ {
			if page.Items[i].Embargoed.Before(page.Items[i-1].Embargoed) {
				var es []string
				for _, it := range page.Items {
					es = append(es, it.Embargoed.UTC().Format("15:04:05.000"))
				}
				r.violate(nil, nd.i, "the embargoed list is not soonest first", class, where()+": "+strings.Join(es, ", "))
				break
			}
		}
		for _, s := range r.stories {
			if s.ambiguous || s.id == 0 {
				continue
			}
			checks++
			if _, ok := s.embargoSettled(R, C); ok && (status != http.StatusOK || !toks[s.word]) {
				r.violate(s, nd.i, "an embargo client's list lacks an embargoed story", class, fmt.Sprintf("%s lacks %s %s", where(), s.word, s.notYet()))
			}
			if st, ok := s.settled(R, C); ok && st == stPublic && !s.firstPublic.IsZero() && s.firstPublic.Add(lcBound).Before(R) && toks[s.word] {
				r.violate(s, nd.i, "a released story is still in the embargoed list", class, fmt.Sprintf("%s lists %s, released %s", where(), s.word, r.since(s.firstPublic)))
			}
		}
	}

	r.measure(nd, tg, R, status, toks)
}

// corrections checks that an answer carries every correction
// acknowledged more than lcBound before it was requested.
func (r *lcRun) corrections(s *lcStory, nd *lcNode, class string, R time.Time, toks map[string]bool, where func() string) {
	for _, c := range s.corrs {
		if !c.A.IsZero() && c.A.Add(lcBound).Before(R) && !toks[c.word] {
			r.violate(s, nd.i, "a correction is lost", class, fmt.Sprintf("%s lacks the correction %s acknowledged %s", where(), c.word, r.since(c.A)))
		}
	}
}

// advisory returns the advisory the article page must show: the last
// one, acknowledged more than lcBound before R, when no later version
// with an ednote was sent before C.
func (s *lcStory) advisory(R, C time.Time) *lcCorr {
	if len(s.advs) == 0 {
		return nil
	}
	a := s.advs[len(s.advs)-1]
	if a.A.IsZero() || !a.A.Add(lcBound).Before(R) {
		return nil
	}
	for _, at := range s.notes {
		if at.After(a.S) && at.Before(C) {
			return nil
		}
	}
	return a
}

// notYet says why a story is not public.
func (s *lcStory) notYet() string {
	if s.killedEarly {
		return fmt.Sprintf("(story %d, killed before its release)", s.n)
	}
	return fmt.Sprintf("(story %d, embargoed until %s)", s.n, s.embargo.UTC().Format("15:04:05.000"))
}

// lastChange says what the agency last did to a story.
func (r *lcRun) lastChange(s *lcStory) string {
	for i := len(s.ops) - 1; i >= 0; i-- {
		if op := s.ops[i]; !op.A.IsZero() {
			return fmt.Sprintf("story %d's last change: op %d %s acknowledged %s", s.n, op.i, op.kind, r.since(op.A))
		}
	}
	return fmt.Sprintf("story %d", s.n)
}

// lcShort cuts a text for a message.
func lcShort(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// measure records, per node, when a change became visible on the
// article page, /news and /feed.rss.
func (r *lcRun) measure(nd *lcNode, tg lcTarget, R time.Time, status int, toks map[string]bool) {
	var out string
	switch {
	case tg.kind == tArticle:
		out = "article"
	case tg.path == "/news", tg.path == "/feed.rss":
		out = tg.path
	default:
		return
	}
	for _, m := range r.meas {
		if m.done || m.node != nd.i || R.Before(m.after) || (out == "article" && tg.s != m.s) {
			continue
		}
		if _, ok := m.seen[out]; ok {
			continue
		}
		s := m.s
		ok := false
		switch m.kind {
		case "publish", "release", "usable again":
			ok = toks[s.word] && (out != "article" || status == http.StatusOK)
		case "update", "correction":
			if out == "article" {
				ok = status == http.StatusOK && toks[m.page]
			} else {
				ok = toks[m.word]
			}
		case "kill":
			ok = !toks[s.word]
			if out == "article" {
				ok = status == http.StatusGone
			}
		case "withheld":
			ok = !toks[s.word]
			if out == "article" {
				ok = status == http.StatusNotFound
			}
		}
		if !ok {
			continue
		}
		m.seen[out] = R
		if len(m.seen) == 3 {
			m.done = true
			var last time.Time
			for _, at := range m.seen {
				if at.After(last) {
					last = at
				}
			}
			r.delays[m.kind] = append(r.delays[m.kind], max(0, last.Sub(m.from)))
		}
	}
}

// stream reads a node's public stream (or, embargo, the embargo stream
// with an embargo token) until stopped, reconnecting with Last-Event-ID
// when it drops.
func (r *lcRun) stream(ctx context.Context, nd *lcNode, embargo bool) {
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	last := ""
	path := "/api/v1/stream"
	if embargo {
		path += "?embargoed=1"
	}
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, "GET", nd.base+path, nil)
		if last != "" {
			req.Header.Set("Last-Event-ID", last)
		}
		if embargo {
			req.Header.Set("Authorization", "Bearer "+r.embs[0])
		}
		resp, err := c.Do(req)
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			r.mu.Lock()
			r.violate(nil, nd.i, "a stream does not open", strconv.Itoa(resp.StatusCode), fmt.Sprintf("node %d %s", nd.i+1, path))
			r.mu.Unlock()
			resp.Body.Close()
			time.Sleep(time.Second)
			continue
		}
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		var id, kind, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				id = line[4:]
			case strings.HasPrefix(line, "event: "):
				kind = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = line[6:]
			case line == "" && data != "":
				r.event(nd, embargo, time.Now(), kind, data)
				last, kind, data = id, "", ""
			}
		}
		resp.Body.Close()
	}
}

// event checks one event of a node's public stream, or of its embargo
// stream (embargo).
func (r *lcRun) event(nd *lcNode, embargo bool, at time.Time, kind, data string) {
	r.events.Add(1)
	var e struct {
		ID       int64  `json:"id"`
		Headline string `json:"headline"`
	}
	json.Unmarshal([]byte(data), &e)
	toks := lcScan(data)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tick(time.Now())
	name := "public stream"
	if embargo {
		name = "embargo stream"
	}
	where := fmt.Sprintf("node %d's %s sent %q %s at %s", nd.i+1, name, kind, lcShort(data, 160), r.since(at))
	if !embargo && kind != "published" && kind != "updated" && kind != "withdrawn" {
		r.violate(nil, nd.i, "the public stream sends a non-public event", kind, where)
	}
	s := r.byID[e.ID]
	for tok := range toks {
		w, ok := r.words[tok]
		if !ok {
			continue
		}
		r.checks.Add(1)
		if s == nil && (w.role == roleStory || w.role == roleHeadline) {
			s = w.s // the event came before the ingest's answer
		}
		switch w.role {
		case roleRefused:
			r.violate(w.s, nd.i, "a refused version is shown", "stream", where)
		case roleKill:
			r.violate(w.s, nd.i, "the kill notice's own words are shown", "stream", where)
		}
	}
	if s == nil {
		return
	}
	if embargo {
		nd.estream = append(nd.estream, lcEvent{at: at, kind: kind, s: s, headline: e.Headline})
		return
	}
	nd.stream = append(nd.stream, lcEvent{at: at, kind: kind, s: s, headline: e.Headline})
	if s.ambiguous {
		return
	}
	r.checks.Add(1)
	if early, border := s.early(at, at); early {
		k := "embargo broken"
		if s.killedEarly {
			k = "a story killed before its release is shown"
		}
		r.violate(s, nd.i, k, "stream", where+" "+s.notYet())
	} else if border {
		r.border++
	}
}
