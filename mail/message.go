// Package mail sends email: a Message (plain text and HTML as
// multipart/alternative, with the list headers of RFC 2369, 2919 and 8058's
// one-click unsubscribe), an SMTP sender configured by one URL (serve
// --smtp-url), the signed unsubscribe tokens, and the Outbox loop every
// node runs: it claims due messages of the outbox in the database with a
// lease, sends them at the node's rate, retries temporary failures with
// backoff for a day, and prunes what was sent.
//
// The SMTP work is github.com/wneessen/go-mail's (STARTTLS, implicit TLS,
// SMTP AUTH, RFC 2047 headers, MIME parts, and telling 4xx from 5xx).
package mail

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one email.
type Message struct {
	From    string // "Name <address>" or an address; the sender's From when empty
	To      string // one address
	Subject string // any UTF-8: encoded by RFC 2047 when not ASCII
	Text    string // the plain-text part
	HTML    string // the HTML part, "" for text only
	// MessageID is the Message-ID without its angle brackets; made from
	// the time and a random number when empty.
	MessageID string
	Date      time.Time // now when zero
	// Unsubscribe is the https address of the one-click unsubscribe
	// (List-Unsubscribe with List-Unsubscribe-Post), "" for none.
	Unsubscribe string
	// ListID names the list in List-Id ("breaking.news.example.org"), ""
	// for none.
	ListID string
}

// msg builds the go-mail message; from is used when m.From is empty.
func (m *Message) msg(from string) (*gomail.Msg, error) {
	g := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if m.From != "" {
		from = m.From
	}
	if err := g.From(from); err != nil {
		return nil, fmt.Errorf("the sender address %q: %w", from, err)
	}
	if err := g.To(m.To); err != nil {
		return nil, fmt.Errorf("the address %q: %w", m.To, err)
	}
	g.Subject(m.Subject)
	if m.MessageID != "" {
		g.SetMessageIDWithValue(m.MessageID)
	} else {
		g.SetMessageID()
	}
	if m.Date.IsZero() {
		g.SetDate()
	} else {
		g.SetDateWithValue(m.Date)
	}
	g.SetUserAgent("dateline")
	if m.Unsubscribe != "" {
		g.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
		g.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	if m.ListID != "" {
		g.SetGenHeader(gomail.Header("List-Id"), "<"+m.ListID+">")
	}
	if m.Unsubscribe != "" || m.ListID != "" {
		// Bulk mail: no vacation auto-replies (RFC 3834).
		g.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	}
	text := m.Text
	if text == "" {
		text = "This message is in HTML only."
	}
	g.SetBodyString(gomail.TypeTextPlain, text)
	if m.HTML != "" {
		g.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return g, nil
}

// OutboxMessageID is the Message-ID of an outbox message: the same on
// every attempt, so a repeat after a node died mid-send is the same
// message to the receiving servers.
func OutboxMessageID(id int64, dedupeKey, host string) string {
	sum := sha256.Sum256([]byte(dedupeKey))
	if host == "" {
		host = "dateline.invalid"
	}
	return fmt.Sprintf("dateline.%d.%s@%s", id, hex.EncodeToString(sum[:6]), host)
}

// ListID is the List-Id of list on the site at baseURL: "LIST.HOST".
func ListID(list, baseURL string) string {
	host := "dateline.invalid"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	id := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '-'
	}, strings.ToLower(list))
	return id + "." + host
}
