package sanitize

import "testing"

// TestSanitizeKeepsPastedShapes: what the editor's script makes of a
// paste from Word, Google Docs or a web page (lists, tables with a head
// and spans, subheads, links, inline photos) passes the body's sanitiser
// unchanged.
func TestSanitizeKeepsPastedShapes(t *testing.T) {
	for _, body := range []string{
		`<h2>What the new timetable changes</h2>`,
		`<p>Trains leave <a href="/politics/2" rel="nofollow">every twenty minutes</a> from <strong>Sunday</strong>.</p>`,
		`<ul><li>Earlier first train</li><li>Later last train</li></ul>`,
		`<ol><li>A rest room on the quay</li><li>Night pay at <em>time and a half</em></li></ol>`,
		`<table><thead><tr><th>Line</th><th>Before</th></tr></thead><tbody><tr><td colspan="2"><strong>Coastal</strong><br>30 min</td></tr></tbody></table>`,
		`<figure class="inline-photo"><img src="/media/uploads/2026/12/a-960.jpg" alt="Crane" width="960" height="640"><figcaption>Crane <span class="credit">Photo: DATELINE</span></figcaption></figure>`,
	} {
		if got := HTML(body); got != body {
			t.Errorf("sanitised\n%s\ninto\n%s", body, got)
		}
	}
}
