// Package htmlcheck finds elements in an HTML page with simple CSS
// selectors, so tests can check a page's structure without comparing every
// byte of it.
package htmlcheck

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
)

// Doc is a parsed page.
type Doc struct{ root *html.Node }

// Parse parses a page. HTML parsing never fails; bad markup is repaired as
// browsers do.
func Parse(b []byte) *Doc {
	n, _ := html.Parse(bytes.NewReader(b))
	return &Doc{n}
}

// compound is one step of a selector: tag, #id, .class and [attr] or
// [attr=value] parts, all of which must match.
type compound struct {
	tag, id string
	classes []string
	attrs   [][2]string // name, value ("" value with has=true means present)
	has     []bool
}

func parseCompound(s string) compound {
	var c compound
	for len(s) > 0 {
		switch s[0] {
		case '#', '.':
			end := strings.IndexAny(s[1:], "#.[")
			if end < 0 {
				end = len(s) - 1
			}
			v := s[1 : end+1]
			if s[0] == '#' {
				c.id = v
			} else {
				c.classes = append(c.classes, v)
			}
			s = s[end+1:]
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				end = len(s)
			}
			inner := s[1:end]
			name, val, eq := strings.Cut(inner, "=")
			c.attrs = append(c.attrs, [2]string{name, strings.Trim(val, `"'`)})
			c.has = append(c.has, !eq)
			s = s[min(end+1, len(s)):]
		default:
			end := strings.IndexAny(s, "#.[")
			if end < 0 {
				end = len(s)
			}
			c.tag = s[:end]
			s = s[end:]
		}
	}
	return c
}

func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func (c compound) match(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if c.tag != "" && c.tag != "*" && n.Data != c.tag {
		return false
	}
	if c.id != "" {
		if v, _ := attr(n, "id"); v != c.id {
			return false
		}
	}
	if len(c.classes) > 0 {
		v, _ := attr(n, "class")
		have := strings.Fields(v)
		for _, want := range c.classes {
			found := false
			for _, h := range have {
				found = found || h == want
			}
			if !found {
				return false
			}
		}
	}
	for i, a := range c.attrs {
		v, ok := attr(n, a[0])
		if !ok || (!c.has[i] && v != a[1]) {
			return false
		}
	}
	return true
}

// All returns the elements matching a selector of compound steps joined by
// spaces (descendant combinators), in document order.
func (d *Doc) All(sel string) []*Node {
	steps := strings.Fields(sel)
	cs := make([]compound, len(steps))
	for i, s := range steps {
		cs[i] = parseCompound(s)
	}
	var out []*Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if cs[len(cs)-1].match(n) && ancestorsMatch(n.Parent, cs[:len(cs)-1]) {
			out = append(out, &Node{n})
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(d.root)
	return out
}

func ancestorsMatch(n *html.Node, cs []compound) bool {
	if len(cs) == 0 {
		return true
	}
	for ; n != nil; n = n.Parent {
		if cs[len(cs)-1].match(n) {
			return ancestorsMatch(n.Parent, cs[:len(cs)-1])
		}
	}
	return false
}

// First returns the first match, or nil.
func (d *Doc) First(sel string) *Node {
	if all := d.All(sel); len(all) > 0 {
		return all[0]
	}
	return nil
}

// Node is one element.
type Node struct{ n *html.Node }

// Attr returns an attribute's value.
func (n *Node) Attr(name string) string {
	v, _ := attr(n.n, name)
	return v
}

// Text returns the element's text with white space folded.
func (n *Node) Text() string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		if x.Type == html.TextNode {
			b.WriteString(x.Data)
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n.n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// Find returns the first element under n matching the selector, or nil.
func (n *Node) Find(sel string) *Node {
	return (&Doc{n.n}).First(sel)
}
