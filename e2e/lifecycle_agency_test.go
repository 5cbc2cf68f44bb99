package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// The agency's side of TestLifecycle: a random schedule of ninjs
// versions, each sent to a random node, with the answer the README's
// table gives and the model of what every output must show after it.

const lcMaxStories = 14

// agency runs the schedule and returns when the watchers may stop: every
// embargo due and every node given time to follow.
func (r *lcRun) agency() time.Time {
	c := lcClient()
	nOps := 40 + r.rng.IntN(21)
	opsEnd := time.Now().Add(time.Duration(nOps) * 380 * time.Millisecond)
	for i := 0; i < nOps; i++ {
		time.Sleep(time.Duration(200+r.rng.IntN(350)) * time.Millisecond)
		r.step(c, i, nOps, opsEnd)
	}
	end := time.Now().Add(2500 * time.Millisecond)
	r.mu.Lock()
	for _, s := range r.stories {
		if s.state == stWaiting && s.embargo.Add(2500*time.Millisecond).After(end) {
			end = s.embargo.Add(2500 * time.Millisecond)
		}
	}
	r.mu.Unlock()
	return end
}

// lcChoice is a possible next operation.
type lcChoice struct {
	kind string
	s    *lcStory
	w    float64
}

// step picks and sends one operation.
func (r *lcRun) step(c *http.Client, i, nOps int, opsEnd time.Time) {
	now := time.Now()
	r.mu.Lock()
	r.tick(now)
	var cs []lcChoice
	add := func(kind string, s *lcStory, w float64) {
		if i > nOps/3 && r.opCount[kind] == 0 {
			w *= 4 // every kind of version at least once a run, when it can be
		}
		cs = append(cs, lcChoice{kind, s, w})
	}
	room := opsEnd.Add(3*time.Second).Sub(now) > 4*time.Second
	if len(r.stories) < lcMaxStories {
		w := 2.0
		if len(r.stories) < 4 {
			w = 8
		}
		add("new", nil, w)
		if room {
			add("new embargoed", nil, w)
		}
	}
	for _, s := range r.stories {
		if s.id == 0 || s.ambiguous || now.Sub(s.lastOp) < 1200*time.Millisecond {
			continue
		}
		if len(s.versions) >= 2 || s.state == stKilled {
			add("resend old", s, 0.3)
		}
		add("other source", s, 0.12)
		switch s.state {
		case stWaiting:
			if s.embargo.Sub(now) < 1500*time.Millisecond {
				continue
			}
			add("update under embargo", s, 0.8)
			add("same second", s, 0.3)
			add("kill before release", s, 0.35)
			add("release now", s, 0.12)
			if room {
				add("move embargo", s, 0.5)
			}
		case stPublic:
			if now.Sub(s.firstPublic) < 1200*time.Millisecond {
				continue
			}
			add("update", s, 0.8)
			add("correction", s, 0.6)
			add("same second", s, 0.3)
			add("kill", s, 0.3)
			add("withhold", s, 0.25)
			add("embargo public", s, 0.2)
		case stWithheld:
			add("usable again", s, 1.2)
			add("kill", s, 0.15)
		case stKilled:
			add("revive", s, 0.3)
			add("kill again", s, 0.12)
		}
	}
	var total float64
	for _, c := range cs {
		total += c.w
	}
	pick := r.rng.Float64() * total
	var ch lcChoice
	for _, c := range cs {
		if pick -= c.w; pick < 0 {
			ch = c
			break
		}
	}
	if ch.kind == "" {
		ch = cs[len(cs)-1]
	}
	r.opCount[ch.kind]++
	r.mu.Unlock()
	r.do(c, ch.kind, ch.s, opsEnd)
}

// lcDoc is a ninjs document as the agency's editorial system sends it.
type lcDoc struct {
	URI            string              `json:"uri"`
	Version        any                 `json:"version,omitempty"`
	VersionCreated string              `json:"versioncreated"`
	PubStatus      string              `json:"pubstatus,omitempty"`
	Embargoed      string              `json:"embargoed,omitempty"`
	EdNote         string              `json:"ednote,omitempty"`
	Language       string              `json:"language"`
	Headlines      []map[string]string `json:"headlines"`
	Bodies         []map[string]string `json:"bodies"`
	Subjects       []map[string]string `json:"subjects,omitempty"`
	People         []map[string]string `json:"people,omitempty"`
}

// version fills the sender's version and versioncreated of the story's
// next version: numbered stories stamp whole seconds (as Superdesk
// does) and say the number as text or as a JSON number; the others
// stamp milliseconds, always later than the last.
func (r *lcRun) version(s *lcStory, d *lcDoc, at time.Time) time.Time {
	var vc time.Time
	if s.numbered {
		s.verNum++
		if r.rng.IntN(2) == 0 {
			d.Version = fmt.Sprint(s.verNum)
		} else {
			d.Version = s.verNum
		}
		vc = at.UTC().Truncate(time.Second)
		if s.skewed && s.verNum == 1 {
			vc = vc.Add(time.Minute) // the sender's clock ran ahead
		}
		d.VersionCreated = vc.Format(time.RFC3339)
	} else {
		vc = at.UTC().Truncate(time.Millisecond)
		if !vc.After(s.lastVC) {
			vc = s.lastVC.Add(time.Millisecond)
		}
		d.VersionCreated = vc.Format("2006-01-02T15:04:05.000Z07:00")
	}
	if vc.After(s.lastVC) {
		s.lastVC = vc
	}
	return vc
}

func (r *lcRun) baseDoc(s *lcStory, headlineWord string) *lcDoc {
	sec := lcSections[0]
	for _, x := range lcSections {
		if x.slug == s.section {
			sec = x
		}
	}
	return &lcDoc{
		URI: s.uri, Language: "en",
		Headlines: []map[string]string{{"role": "main", "value": s.word + " " + headlineWord + " talks resume"}},
		Bodies:    []map[string]string{{"contenttype": "text/html", "value": "<p>" + r.run + " " + s.word + " " + s.bodyWord + " said on Monday.</p><p>More to follow.</p>"}},
		Subjects:  []map[string]string{{"literal": sec.code}, {"name": s.topic}},
		People:    []map[string]string{{"name": s.person}},
	}
}

// embargoTime is an instant 2 to at most 20 seconds ahead with a
// fraction of a second, written in UTC or at +03:00.
func (r *lcRun) embargoTime(now, latest time.Time) (time.Time, string) {
	span := min(18000, int(latest.Sub(now).Milliseconds())-2000)
	if span < 200 {
		span = 200
	}
	e := now.Add(2*time.Second + time.Duration(r.rng.IntN(span))*time.Millisecond).Truncate(time.Millisecond)
	if e.Nanosecond()/1e6 == 0 {
		e = e.Add(137 * time.Millisecond)
	}
	if r.rng.IntN(3) == 0 {
		return e, e.In(time.FixedZone("", 3*3600)).Format("2006-01-02T15:04:05.000-07:00")
	}
	return e, e.UTC().Format("2006-01-02T15:04:05.000Z")
}

// lcAnswer is the ingest's answer.
type lcAnswer struct {
	ID     int64  `json:"id"`
	Result string `json:"result"`
	Status string `json:"status"`
	Error  struct {
		Message string `json:"message"`
	} `json:"error"`
}

// lcSend is what one operation sends and what the model learns from it.
type lcSend struct {
	op      *lcOp
	token   string
	doc     *lcDoc
	ver     *lcVersion // a version the contract applies
	to      *lcState   // the state it moves the story to
	corr    *lcCorr
	adv     *lcCorr  // an update's advisory
	refused []string // words of a version the contract refuses
	kills   []string // words of a kill notice, never shown
	code    int
	result  string // "created", "updated", "unchanged"
	status  string
	embargo time.Time // the release instant it sets
	measure string    // the delay row
	event   string    // the public event it owes
	eevent  string    // the event the embargo stream owes
	page    string    // the word the article page shows once it applies (update)
	release bool      // a past embargo: published now
}

// do sends one operation of the given kind.
func (r *lcRun) do(c *http.Client, kind string, s *lcStory, opsEnd time.Time) {
	now := time.Now()
	r.mu.Lock()
	if s == nil {
		s = r.newStory(now)
	}
	op := &lcOp{i: len(r.ops) + 1, kind: kind, s: s, node: r.rng.IntN(len(r.nodes))}
	x := &lcSend{op: op, token: r.write}
	newVersion := func(word string) *lcVersion {
		d := r.baseDoc(s, word)
		x.doc = d
		v := &lcVersion{n: len(s.versions) + 1, word: word, op: op}
		v.vc = r.version(s, d, now)
		x.ver = v
		r.words[word] = lcWord{s: s, role: roleHeadline, ver: v}
		return v
	}
	refusedVersion := func() {
		w := r.newWord()
		x.doc = r.baseDoc(s, w)
		r.version(s, x.doc, now)
		x.refused = append(x.refused, w)
	}
	state := func(st lcState) { x.to = &st }
	switch kind {
	case "new", "new embargoed":
		newVersion(r.newWord())
		x.code, x.result, x.status = 201, "created", "published"
		state(stPublic)
		x.measure, x.event = "publish", "published"
		if kind == "new embargoed" {
			e, text := r.embargoTime(now, opsEnd.Add(3*time.Second))
			x.doc.Embargoed, x.embargo = text, e
			x.status = "scheduled"
			state(stWaiting)
			x.measure, x.event, x.eevent = "", "", "embargoed"
		} else if r.rng.IntN(8) == 0 {
			x.doc.Embargoed = now.Add(-time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")
		}
		if r.rng.IntN(3) == 0 { // a first version's note is for editors only
			iw := r.newWord()
			x.doc.EdNote = "Please check the spelling of " + iw
			r.words[iw] = lcWord{s: s, role: roleInternal}
		}
	case "update", "update under embargo", "move embargo", "release now", "usable again":
		w := r.newWord()
		if kind == "usable again" && r.rng.IntN(2) == 0 {
			w = s.versions[len(s.versions)-1].word // back with the same headline
		}
		newVersion(w)
		x.code, x.result, x.status = 200, "updated", "published"
		x.measure, x.event, x.page = "update", "updated", x.ver.word
		switch kind {
		case "update":
			if r.rng.IntN(3) == 0 {
				aw := r.newWord()
				x.doc.EdNote = "Adds the minister's reaction " + aw
				x.adv = &lcCorr{word: aw}
				r.words[aw] = lcWord{s: s, role: roleAdvisoryShown}
			}
			if r.rng.IntN(3) == 0 { // repeats the embargo that has passed
				e := s.everEmbargoed
				if e.IsZero() || !e.Before(now) {
					// A story released early had an embargo still to
					// come: sending that again is an embargo of a public
					// story (409, tried by "embargo public").
					e = now.Add(-time.Hour)
				}
				x.doc.Embargoed = e.UTC().Format("2006-01-02T15:04:05.000Z")
			}
		case "update under embargo":
			x.status, x.measure, x.event, x.page, x.eevent = "scheduled", "", "", "", "embargoed"
		case "move embargo":
			e, text := r.embargoTime(now, opsEnd.Add(3*time.Second))
			x.doc.Embargoed, x.embargo = text, e
			x.status, x.measure, x.event, x.page, x.eevent = "scheduled", "", "", "", "embargoed"
		case "release now":
			x.doc.Embargoed = now.Add(-10 * time.Second).UTC().Format("2006-01-02T15:04:05.000Z")
			x.release = true
			state(stPublic)
			x.measure, x.event = "publish", "published"
		case "usable again":
			state(stPublic)
			x.measure, x.event, x.page = "usable again", "published", x.ver.word
		}
	case "correction":
		word := s.versions[len(s.versions)-1].word
		if r.rng.IntN(2) == 0 {
			word = r.newWord()
		}
		newVersion(word)
		cw := r.newWord()
		x.doc.EdNote = "CORRECTS: the talks resume on Tuesday, not Monday " + cw
		if r.rng.IntN(2) == 0 {
			x.doc.EdNote = "Corrected. The minister's name " + cw + " is spelt correctly"
		}
		x.corr = &lcCorr{word: cw}
		r.words[cw] = lcWord{s: s, role: roleCorrection}
		x.code, x.result, x.status = 200, "updated", "published"
		x.measure, x.event, x.page = "correction", "updated", cw
	case "same second":
		r.sameSecond(c, op, s, now)
		return
	case "kill", "kill before release", "kill again":
		kw, reason := r.newWord(), r.newWord()
		d := &lcDoc{URI: s.uri, Language: "en", PubStatus: "canceled",
			Headlines: []map[string]string{{"value": "Kill/Takedown notice " + kw}},
			Bodies:    []map[string]string{{"contenttype": "text/html", "value": "<p>Editors please remove the story " + kw + ".</p>"}}}
		vc := r.version(s, d, now)
		if r.rng.IntN(4) == 0 { // a kill stamped earlier than the last version still kills
			vc = s.lastVC.Add(-5 * time.Second)
			d.VersionCreated = vc.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		if r.rng.IntN(4) == 0 {
			d.Bodies[0]["value"] = "<p>Withdrawn " + reason + " because of a legal complaint.</p><p>Editors please remove the story " + kw + ".</p>"
		} else {
			d.EdNote = "Withdrawn " + reason + " because of a legal complaint"
		}
		x.doc, x.kills = d, []string{kw}
		r.words[reason] = lcWord{s: s, role: roleReason}
		x.code, x.result, x.status = 200, "updated", "withdrawn"
		state(stKilled)
		x.measure, x.event = "kill", "withdrawn"
		if s.state == stWithheld {
			x.event = "" // readers were told when it was withheld
		}
		if kind == "kill before release" {
			x.measure, x.event, x.eevent = "", "", "embargo-canceled"
		}
		if kind == "kill again" {
			x.result, x.status, x.to, x.measure, x.event = "unchanged", "", nil, "", ""
		} else {
			s.reason, s.killWord = reason, kw
		}
	case "withhold":
		if r.rng.IntN(2) == 0 {
			newVersion(s.versions[len(s.versions)-1].word)
		} else {
			// A withheld version with words of its own: the story keeps
			// the words readers saw last, and these are never shown.
			w := r.newWord()
			x.doc = r.baseDoc(s, w)
			r.version(s, x.doc, now)
			r.words[w] = lcWord{s: s, role: roleWithheldOnly}
		}
		x.doc.PubStatus = "withheld"
		x.code, x.result, x.status = 200, "updated", "withheld"
		state(stWithheld)
		x.measure, x.event = "withheld", "withdrawn"
	case "resend old":
		var docs []string
		for _, v := range s.versions {
			docs = append(docs, v.doc)
		}
		old := docs[r.rng.IntN(len(docs))]
		var d lcDoc
		json.Unmarshal([]byte(old), &d)
		x.doc = &d
		x.code, x.result = 200, "unchanged"
		op.note = " (resent " + d.VersionCreated + ")"
	case "embargo public":
		refusedVersion()
		_, text := r.embargoTime(now, now.Add(20*time.Second))
		x.doc.Embargoed = text
		x.code = 409
	case "revive":
		refusedVersion()
		x.code = 409
	case "other source":
		refusedVersion()
		s.verNum-- // the agency's own numbering goes on
		x.token, x.code = r.rival, 403
	}
	r.mu.Unlock()
	r.send(c, x)
}

// newStory makes the model of a story the agency is about to send.
func (r *lcRun) newStory(now time.Time) *lcStory {
	s := &lcStory{n: len(r.stories) + 1}
	s.uri = fmt.Sprintf("urn:agency:%s:story:%d", r.run, s.n)
	s.word, s.bodyWord = r.newWord(), r.newWord()
	s.topic = r.newWord()
	pw := r.newWord()
	s.person, s.pslug = "marta "+pw, "marta-"+pw
	sec := r.rng.IntN(len(lcSections))
	s.section, s.wrong = lcSections[sec].slug, lcSections[1-sec].slug
	s.numbered = r.rng.IntN(4) != 0
	s.skewed = s.numbered && r.rng.IntN(6) == 0
	s.state = stWaiting
	for w, role := range map[string]lcRole{s.word: roleStory, s.bodyWord: roleBody, s.topic: roleTopic, pw: rolePerson} {
		r.words[w] = lcWord{s: s, role: role}
	}
	r.stories = append(r.stories, s)
	return s
}

// sameSecond sends two versions stamped in the same second, numbered in
// order (or a few milliseconds apart when the sender does not number
// them): both apply, the second wins.
func (r *lcRun) sameSecond(c *http.Client, op *lcOp, s *lcStory, now time.Time) {
	public := s.state == stPublic
	mk := func(o *lcOp) *lcSend {
		x := &lcSend{op: o, token: r.write}
		w := r.newWord()
		x.doc = r.baseDoc(s, w)
		v := &lcVersion{n: len(s.versions) + 1, word: w, op: o}
		v.vc = r.version(s, x.doc, now)
		x.ver = v
		r.words[w] = lcWord{s: s, role: roleHeadline, ver: v}
		x.code, x.result, x.status = 200, "updated", "published"
		if public {
			x.measure, x.event, x.page = "update", "updated", w
		} else {
			x.status = "scheduled"
		}
		return x
	}
	first := mk(op)
	second := &lcOp{i: len(r.ops) + 2, kind: "same second (2nd)", s: s, node: r.rng.IntN(len(r.nodes))}
	x2 := mk(second)
	if !s.numbered {
		vc := first.ver.vc.Add(time.Duration(1+r.rng.IntN(300)) * time.Millisecond)
		x2.doc.VersionCreated, x2.ver.vc = vc.Format("2006-01-02T15:04:05.000Z07:00"), vc
		if vc.After(s.lastVC) {
			s.lastVC = vc
		}
	}
	first.measure = "" // only the second, which wins, is measured
	r.mu.Unlock()
	r.send(c, first)
	r.send(c, x2)
}

// send posts one version to the operation's node, recording in the
// model, before it is sent, what the contract says it does, and checking
// the answer.
func (r *lcRun) send(c *http.Client, x *lcSend) {
	op, s := x.op, x.op.s
	body, _ := json.Marshal(x.doc)
	op.doc = string(body)
	nd := r.nodes[op.node]

	r.mu.Lock()
	now := time.Now()
	op.S = now
	r.ops = append(r.ops, op)
	s.ops = append(s.ops, op)
	s.lastOp = now
	if x.ver != nil || x.to != nil || x.corr != nil {
		for _, m := range r.meas { // a measure in progress no longer measures one change
			if m.s == s && !m.done {
				m.done = true
			}
		}
	}
	for _, w := range x.refused {
		r.words[w] = lcWord{s: s, role: roleRefused}
	}
	for _, w := range x.kills {
		r.words[w] = lcWord{s: s, role: roleKill}
	}
	if x.ver != nil {
		x.ver.S, x.ver.doc = now, op.doc
		s.versions = append(s.versions, x.ver)
	}
	if x.corr != nil {
		x.corr.S = now
		s.corrs = append(s.corrs, x.corr)
	}
	if x.adv != nil {
		x.adv.S = now
		s.advs = append(s.advs, x.adv)
	}
	if x.doc.EdNote != "" && x.ver != nil {
		s.notes = append(s.notes, now)
	}
	oldEmbargo := s.embargo
	if x.to != nil {
		if *x.to == stKilled && s.state == stWaiting {
			s.killedEarly = true
		}
		if *x.to == stPublic && s.firstPublic.IsZero() {
			s.firstPublic = now
		}
		s.state = *x.to
		s.trans = append(s.trans, lcTrans{S: now, to: *x.to, op: op})
	}
	if !x.embargo.IsZero() {
		s.embargo, s.everEmbargoed = x.embargo, x.embargo
	}
	r.mu.Unlock()

	req, _ := http.NewRequest("POST", nd.base+"/api/v1/items", strings.NewReader(op.doc))
	req.Header.Set("Authorization", "Bearer "+x.token)
	req.Header.Set("Content-Type", "application/json")
	code, text := 0, ""
	resp, err := c.Do(req)
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		code, text = resp.StatusCode, string(b)
	} else {
		text = err.Error()
	}
	var ans lcAnswer
	json.Unmarshal([]byte(text), &ans)

	r.mu.Lock()
	defer r.mu.Unlock()
	a := time.Now()
	op.A = a
	if x.ver != nil {
		x.ver.A = a
	}
	if x.corr != nil {
		x.corr.A = a
	}
	if x.adv != nil {
		x.adv.A = a
	}
	for i := range s.trans {
		if s.trans[i].op == op {
			s.trans[i].A = a
		}
	}
	op.want = fmt.Sprintf("%d %s %s", x.code, x.result, x.status)
	op.got = fmt.Sprintf("%d %s %s", code, ans.Result, ans.Status)
	if ans.Error.Message != "" {
		op.got = fmt.Sprintf("%d %q", code, ans.Error.Message)
	}
	if code == 201 && s.id == 0 {
		s.id = ans.ID
		r.byID[s.id] = s
	}
	if code != x.code || (x.result != "" && ans.Result != x.result) || (x.status != "" && ans.Status != x.status) {
		r.violate(s, op.node, "ingest answer", op.kind, fmt.Sprintf("op %d (%s) sent to node %d at %s answered %s, the contract says %s", op.i, op.kind, op.node+1, r.since(op.S), op.got, op.want))
		if code == 0 || code >= 500 {
			r.violate(s, op.node, "5xx", "ingest", fmt.Sprintf("op %d: %s", op.i, text))
		}
	}
	if s.id == 0 {
		s.ambiguous = true // never created: nothing to watch
		return
	}
	// An embargo moved or killed only just before its instant: whether
	// it was released first cannot be known, so the story is not judged.
	if x.to != nil && *x.to == stKilled && s.killedEarly && a.After(oldEmbargo.Add(-50*time.Millisecond)) {
		s.ambiguous = true
		op.note += " (answered after the release instant: not judged)"
	}
	if !oldEmbargo.IsZero() && !x.embargo.IsZero() && x.embargo != oldEmbargo && a.After(oldEmbargo.Add(-50*time.Millisecond)) {
		s.ambiguous = true
		op.note += " (answered after the release instant: not judged)"
	}
	if x.measure != "" {
		for _, n := range r.nodes {
			r.meas = append(r.meas, &lcMeasure{kind: x.measure, s: s, node: n.i, from: a, after: op.S, word: x.ver.wordOr(""), page: x.page, seen: map[string]time.Time{}})
		}
	}
	if x.event != "" {
		w := ""
		if x.event != "withdrawn" && x.ver != nil {
			w = x.ver.word
		}
		op.expected = append(op.expected, lcExpect{kind: x.event, word: w, from: a, after: op.S, label: x.measure})
	}
	if x.eevent != "" && !s.ambiguous {
		w, label := "", "embargo canceled"
		if x.eevent == "embargoed" {
			w, label = x.ver.word, "embargoed"
		}
		op.expected = append(op.expected, lcExpect{embargo: true, kind: x.eevent, word: w, from: a, after: op.S, label: label})
	}
}

func (v *lcVersion) wordOr(d string) string {
	if v == nil {
		return d
	}
	return v.word
}

// tick releases, in the model, the embargoes whose instant has come.
func (r *lcRun) tick(now time.Time) {
	for _, s := range r.stories {
		if s.state != stWaiting || s.embargo.IsZero() || s.embargo.After(now) || s.ambiguous || s.id == 0 {
			continue
		}
		e := s.embargo
		s.state = stPublic
		if s.firstPublic.IsZero() {
			s.firstPublic = e
		}
		s.trans = append(s.trans, lcTrans{S: e, A: e, to: stPublic})
		op := s.ops[0]
		w := s.versions[len(s.versions)-1].word
		op.expected = append(op.expected, lcExpect{kind: "published", word: w, from: e, after: e.Add(-lcTravel), label: "release"})
		for _, n := range r.nodes {
			r.meas = append(r.meas, &lcMeasure{kind: "release", s: s, node: n.i, from: e, after: e.Add(-lcTravel), seen: map[string]time.Time{}})
		}
	}
}
