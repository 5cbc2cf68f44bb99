package metrics

import (
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"dateline"
)

// exported is every metric name a node exports, histograms with their
// series' suffixes.
func exported(t *testing.T) map[string]bool {
	m := New()
	m.Pools(func() []dateline.PoolStats { return []dateline.PoolStats{{Pool: "write"}} })
	m.FreeSpace(t.TempDir(), "data")
	for _, n := range []string{CachePages, CacheBytes, Subscribers} {
		m.Gauge(n, n, func() float64 { return 0 })
	}
	for _, n := range []string{CacheHits, CacheMisses, CacheEvicts} {
		m.Counter(n, n, func() float64 { return 0 })
	}
	// Vectors show only once they have a series.
	m.Request("GET /{$}", 200, "", time.Millisecond)
	m.Render("home", time.Millisecond)
	m.Ingest("wire", "created")
	m.Query("select articles", time.Millisecond)
	m.ReleaseLag(Embargoed, time.Millisecond)
	m.Beacons("received", 1)
	m.Fetch("rates", "ok")
	m.Mail("failed", 1)
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	// Label names go in as "label:NAME", beside Prometheus's own.
	names := map[string]bool{"label:instance": true, "label:job": true, "label:le": true}
	for _, f := range fams {
		names[f.GetName()] = true
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				names["label:"+l.GetName()] = true
			}
		}
		if f.GetType().String() == "HISTOGRAM" {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				names[f.GetName()+s] = true
			}
		}
	}
	return names
}

var (
	metricName = regexp.MustCompile(`\b(dateline|go|process)_[a-z_]+\b`)
	byLabels   = regexp.MustCompile(`\bby \(([a-z_, ]+)\)`)
	matchLabel = regexp.MustCompile(`[{,]([a-z_]+)(=|!=|=~|!~)"`)
)

// checkExpr fails when expr names no metric or one the node does not export.
func checkExpr(t *testing.T, where, expr string, names map[string]bool) {
	t.Helper()
	found := metricName.FindAllString(expr, -1)
	if len(found) == 0 {
		t.Errorf("%s: %q names no metric of ours", where, expr)
	}
	for _, n := range found {
		if !names[n] {
			t.Errorf("%s: %q names %s, which no node exports", where, expr, n)
		}
	}
	var labels []string
	for _, m := range byLabels.FindAllStringSubmatch(expr, -1) {
		for _, l := range strings.Split(m[1], ",") {
			labels = append(labels, strings.TrimSpace(l))
		}
	}
	for _, m := range matchLabel.FindAllStringSubmatch(expr, -1) {
		labels = append(labels, m[1])
	}
	for _, l := range labels {
		if !names["label:"+l] {
			t.Errorf("%s: %q uses the label %s, which no metric has", where, expr, l)
		}
	}
}

// TestAlertRules: every rule of docs/prometheus-rules.yml has a name, an
// expression on metrics we export, a duration and a summary, and the
// alerts that matter are there.
func TestAlertRules(t *testing.T) {
	names := exported(t)
	b, err := os.ReadFile("../docs/prometheus-rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	type rule struct{ alert, expr, dur, summary string }
	var rules []rule
	for _, line := range strings.Split(string(b), "\n") {
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch key {
		case "- alert":
			rules = append(rules, rule{alert: val})
		case "expr", "for", "summary":
			if len(rules) == 0 {
				t.Fatalf("%s before the first alert", key)
			}
			r := &rules[len(rules)-1]
			switch key {
			case "expr":
				r.expr = val
			case "for":
				r.dur = val
			case "summary":
				r.summary = val
			}
		}
	}
	have := map[string]bool{}
	for _, r := range rules {
		have[r.alert] = true
		if r.expr == "" || r.summary == "" {
			t.Errorf("%s: no expr or summary", r.alert)
		}
		if _, err := time.ParseDuration(r.dur); err != nil {
			t.Errorf("%s: for %q: %v", r.alert, r.dur, err)
		}
		checkExpr(t, r.alert, r.expr, names)
	}
	for _, a := range []string{"DatelineErrors5xx", "DatelineReleaseLag", "DatelineIngestRefusals", "DatelineDiskSpace"} {
		if !have[a] {
			t.Errorf("no alert %s", a)
		}
	}
}

// TestDashboard: docs/grafana-dashboard.json is JSON whose every panel
// queries metrics we export.
func TestDashboard(t *testing.T) {
	names := exported(t)
	b, err := os.ReadFile("../docs/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Title  string
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if d.Title == "" || len(d.Panels) < 10 {
		t.Fatalf("title %q, %d panels", d.Title, len(d.Panels))
	}
	for _, p := range d.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, q := range p.Targets {
			checkExpr(t, p.Title, q.Expr, names)
		}
	}
}

// TestPromtool checks docs/prometheus-rules.yml with Prometheus's own
// checker, promtool (DATELINE_PROMTOOL; test.sh takes it from Debian's
// prometheus package without installing the server): the rules parse,
// their expressions are valid PromQL. Without promtool it skips, unless
// CI=true.
func TestPromtool(t *testing.T) {
	tool := os.Getenv("DATELINE_PROMTOOL")
	if tool == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("DATELINE_PROMTOOL is not set: test.sh provides promtool")
		}
		t.Skip("DATELINE_PROMTOOL is not set")
	}
	out, err := exec.Command(tool, "check", "rules", "../docs/prometheus-rules.yml").CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "SUCCESS") {
		t.Fatalf("promtool said:\n%s", out)
	}
}
