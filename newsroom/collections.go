package newsroom

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
)

// Collection is a gallery or an infographic as the newsroom edits it: its
// words, its photos in order (with their captions and credits as typed),
// its status and first publication.
type Collection struct {
	Title, Text string
	Photos      []dateline.Photo
	Status      dateline.Status // "" for a new one
	PublishedAt time.Time
}

// Collection actions: save as it is (a new one as a draft), publish,
// withdraw, or take back to draft one that was never public.
const (
	CollectionSave     = "save"
	CollectionPublish  = "publish"
	CollectionWithdraw = "withdraw"
)

// SettleCollection applies an editor's action to c under the rules of
// galleries and infographics: a title of 1 to 300 characters, a text of at
// most 5,000, 1 to 200 photos; every photo of a published one has a
// caption and a credit; only a published one is withdrawn; publishing
// sets the publication time the first time (a withdrawn one published
// again keeps it). Returns EINVALID in words for the editor.
func SettleCollection(c *Collection, action string, now time.Time) error {
	c.Title, c.Text = strings.TrimSpace(c.Title), strings.TrimSpace(c.Text)
	if c.Title == "" || utf8.RuneCountInString(c.Title) > 300 || utf8.RuneCountInString(c.Text) > 5000 {
		return dateline.Errorf(dateline.EINVALID, "Give it a title of at most 300 characters and a text of at most 5,000.")
	}
	if len(c.Photos) == 0 || len(c.Photos) > 200 {
		return dateline.Errorf(dateline.EINVALID, "Keep 1 to 200 photos in it.")
	}
	for _, p := range c.Photos {
		if utf8.RuneCountInString(p.Caption) > 1000 || utf8.RuneCountInString(p.Credit) > 200 {
			return dateline.Errorf(dateline.EINVALID, "A caption has at most 1,000 characters and a credit 200.")
		}
	}
	switch action {
	case CollectionSave:
		if c.Status == "" {
			c.Status = dateline.StatusDraft
		}
	case CollectionPublish:
		if c.Status != dateline.StatusWithdrawn {
			c.PublishedAt = now.UTC()
		}
		c.Status = dateline.StatusPublished
	case CollectionWithdraw:
		if c.Status != dateline.StatusPublished {
			return dateline.Errorf(dateline.EINVALID, "Only a published one can be withdrawn; this one is a %s.", statusWord(c.Status))
		}
		c.Status = dateline.StatusWithdrawn
		return nil
	default:
		return dateline.Errorf(dateline.EINVALID, "Choose to save, publish or withdraw.")
	}
	if c.Status == dateline.StatusPublished {
		for _, p := range c.Photos {
			if strings.TrimSpace(p.Caption) == "" || strings.TrimSpace(p.Credit) == "" {
				return dateline.Errorf(dateline.EINVALID, "Photo %s needs a caption and a credit before it is published.", strconv.FormatInt(p.ID, 10))
			}
		}
	}
	return nil
}

func statusWord(s dateline.Status) string {
	if s == "" {
		return "new draft"
	}
	return string(s)
}
