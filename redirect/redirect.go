// Package redirect keeps the addresses of a site that moved to dateline
// (dateline import --from wordpress|ghost): each old path leads to a
// story, or to a section's or a topic's page, and the site answers it
// with a permanent redirect where it would answer 404.
package redirect

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// OldPath is one address of the old site, in Key's form, and where it
// leads: the story with URI, else Target (a path of this site).
type OldPath struct {
	Path   string
	URI    string
	Target string
	Source string // who recorded it: "wordpress", "ghost"
}

// Found is where an old path leads now: Target, or the story ArticleID
// in Section (Public when readers may see it; an old path of a draft or
// a withdrawn story is answered as any unknown address).
type Found struct {
	Target    string
	ArticleID int64
	Section   string
	Public    bool
}

// Store keeps the old paths; sqlite.DB and postgres.DB satisfy it.
type Store interface {
	// SaveOldPaths records the paths in one transaction: a path known
	// already is pointed at the new URI or target. It returns how many
	// were new or changed (0 when all were known as they are).
	SaveOldPaths(ctx context.Context, ps []OldPath, now time.Time) (int, error)
	// OldPath returns where a path in Key's form leads. Returns
	// ENOTFOUND when it is not an old path, or leads to a story no longer
	// stored.
	OldPath(ctx context.Context, path string) (Found, error)
}

// Key is the form old paths are stored and looked up in: the decoded path
// in lower case, without its trailing slash and with no empty segment,
// and of the query only WordPress's post and page numbers (p, page_id,
// which address a post on any WordPress site): "/2017/10/23/привет",
// "/?p=123". "" when nothing is left to match (the home page), or the
// key would be longer than 1,000 bytes.
func Key(path string, q url.Values) string {
	var segs []string
	for _, s := range strings.Split(path, "/") {
		if s != "" && s != "." {
			segs = append(segs, s)
		}
	}
	k := "/" + strings.ToLower(strings.Join(segs, "/"))
	for _, name := range []string{"p", "page_id"} {
		if v := q.Get(name); v != "" && len(v) <= 20 && strings.Trim(v, "0123456789") == "" {
			k = strings.TrimSuffix(k, "/") + "/?" + name + "=" + strings.TrimLeft(v, "0")
			break
		}
	}
	if k == "/" || len(k) > 1000 {
		return ""
	}
	return k
}

// KeyURL is Key of an absolute or relative address as an export writes
// it (percent-encoded); "" when it is not one.
func KeyURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	return Key(u.Path, u.Query())
}
