package newsml

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
	"time"

	"dateline"
)

// FromArticle writes an article as a NewsML-G2 newsItem (standard
// version 2.35): its guid and version, status, embargo, urgency,
// headline, summary, byline, place, language, subjects (topics as
// cpnat:abstract, persons as cpnat:person), the editor's note that
// carries the advisory, corrections and a withdrawal's reason, and the
// text as XHTML paragraphs: text, the story's paragraphs as plain text
// (the markup within a paragraph is left out, so that the XML is
// well-formed whatever the story's HTML). base is the site's absolute
// URL, for the photo's link. Parse reads it back.
func FromArticle(a *dateline.Article, base string, text []string) []byte {
	var b bytes.Buffer
	w := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	lang := a.Lang
	if lang == "" {
		lang = dateline.LangMain
	}
	w(xml.Header, `<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="`, esc(a.URI), `" version="`, strconv.Itoa(max(a.Version, 1)),
		`" standard="NewsML-G2" standardversion="2.35" conformance="power" xml:lang="`, esc(lang), `">`, "\n")
	w(`<catalogRef href="http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml"/>`, "\n")
	w("<itemMeta>\n", `<itemClass qcode="ninat:text"/>`, "\n", `<provider literal="dateline"/>`, "\n")
	first, version := a.PublishedAt, a.ModifiedAt
	if first.IsZero() {
		first = a.CreatedAt
	}
	if !a.UpdatedAt.IsZero() {
		version = a.UpdatedAt
	}
	if a.Status == dateline.StatusWithdrawn && !a.WithdrawnAt.IsZero() {
		version = a.WithdrawnAt
	}
	if version.IsZero() {
		version = first
	}
	w("<versionCreated>", stamp(version), "</versionCreated>\n")
	if !first.IsZero() {
		w("<firstCreated>", stamp(first), "</firstCreated>\n")
	}
	if a.Status == dateline.StatusScheduled && a.Embargoed && !a.EmbargoUntil.IsZero() {
		w("<embargoed>", stamp(a.EmbargoUntil), "</embargoed>\n")
	}
	status := "usable"
	switch a.Status {
	case dateline.StatusScheduled, dateline.StatusWithheld:
		status = "withheld"
	case dateline.StatusWithdrawn:
		status = "canceled"
	}
	w(`<pubStatus qcode="stat:`, status, `"/>`, "\n")
	if note := articleNote(a); note != "" {
		w("<edNote>", esc(note), "</edNote>\n")
	}
	if !a.UpdatedAt.IsZero() {
		w(`<signal qcode="sig:update"/>`, "\n")
	}
	// A killed or withheld story's photo is not handed out (its ninjs
	// and the photo download hold it back too).
	if a.Photo != nil && a.Photo.Path != "" && a.Status != dateline.StatusWithdrawn && a.Status != dateline.StatusWithheld {
		w(`<link rel="irel:seeAlso" href="`, esc(base+"/media/"+a.Photo.Path), `" contenttype="image/jpeg"/>`, "\n")
	}
	w("</itemMeta>\n<contentMeta>\n")
	if a.Urgency > 0 {
		w("<urgency>", strconv.Itoa(a.Urgency), "</urgency>\n")
	}
	if a.Place != "" {
		w("<located><name>", esc(a.Place), "</name></located>\n")
	}
	if a.Byline != "" {
		w("<creator><name>", esc(a.Byline), "</name></creator>\n")
	}
	w(`<language tag="`, esc(lang), `"/>`, "\n")
	for _, t := range a.Topics {
		w(`<subject type="cpnat:abstract" literal="topic:`, esc(t.Slug), `"><name>`, esc(t.Name), "</name></subject>\n")
	}
	for _, p := range a.Persons {
		w(`<subject type="cpnat:person" literal="person:`, esc(p.Slug), `"><name>`, esc(p.Name), "</name></subject>\n")
	}
	w("<headline>", esc(a.Headline), "</headline>\n")
	if a.Lead != "" {
		w(`<description role="drol:summary">`, esc(a.Lead), "</description>\n")
	}
	if a.Byline != "" {
		w("<by>", esc(a.Byline), "</by>\n")
	}
	w("</contentMeta>\n")
	if a.Status != dateline.StatusWithdrawn && a.Status != dateline.StatusWithheld {
		w(`<contentSet><inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><head><title>`, esc(a.Headline), "</title></head><body>\n")
		for _, p := range text {
			w("<p>", esc(p), "</p>\n")
		}
		w("</body></html></inlineXML></contentSet>\n")
	}
	w("</newsItem>\n")
	return b.Bytes()
}

// articleNote is the editor's note: the advisory, the corrections and the
// reason for a withdrawal, as one text.
func articleNote(a *dateline.Article) string {
	var parts []string
	if a.Advisory != "" {
		parts = append(parts, a.Advisory)
	}
	for _, c := range a.Corrections {
		parts = append(parts, "Correction: "+c.Text)
	}
	if a.Status == dateline.StatusWithdrawn && a.WithdrawNote != "" {
		parts = append(parts, "Withdrawn: "+a.WithdrawNote)
	}
	return strings.Join(parts, " ")
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
