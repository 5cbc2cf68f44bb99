package newsroom

import (
	"strings"
	"testing"
	"time"

	"dateline"
)

func TestSettleCollection(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	first := now.Add(-48 * time.Hour)
	good := []dateline.Photo{{ID: 1, Caption: "Crane", Credit: "DATELINE"}, {ID: 2, Caption: "Quay", Credit: "DATELINE"}}
	bare := []dateline.Photo{{ID: 1, Caption: "Crane", Credit: "DATELINE"}, {ID: 7}}
	for _, tt := range []struct {
		name       string
		c          Collection
		action     string
		wantStatus dateline.Status
		wantAt     time.Time
		wantErr    string
	}{
		{"a new one is a draft", Collection{Title: "Port", Photos: bare}, CollectionSave, dateline.StatusDraft, time.Time{}, ""},
		{"a draft stays one", Collection{Title: "Port", Photos: bare, Status: dateline.StatusDraft}, CollectionSave, dateline.StatusDraft, time.Time{}, ""},
		{"published when ready", Collection{Title: "Port", Photos: good, Status: dateline.StatusDraft}, CollectionPublish, dateline.StatusPublished, now, ""},
		{"not without captions", Collection{Title: "Port", Photos: bare, Status: dateline.StatusDraft}, CollectionPublish, "", time.Time{}, "Photo 7 needs a caption"},
		{"a published one keeps its captions", Collection{Title: "Port", Photos: bare, Status: dateline.StatusPublished}, CollectionSave, "", time.Time{}, "Photo 7 needs a caption"},
		{"withdrawn", Collection{Title: "Port", Photos: good, Status: dateline.StatusPublished, PublishedAt: first}, CollectionWithdraw, dateline.StatusWithdrawn, first, ""},
		{"a draft is not withdrawn", Collection{Title: "Port", Photos: good, Status: dateline.StatusDraft}, CollectionWithdraw, "", time.Time{}, "Only a published one"},
		{"back with its first time", Collection{Title: "Port", Photos: good, Status: dateline.StatusWithdrawn, PublishedAt: first}, CollectionPublish, dateline.StatusPublished, first, ""},
		{"no title", Collection{Title: "  ", Photos: good}, CollectionSave, "", time.Time{}, "title"},
		{"no photos", Collection{Title: "Port"}, CollectionSave, "", time.Time{}, "1 to 200 photos"},
		{"an unknown action", Collection{Title: "Port", Photos: good}, "delete", "", time.Time{}, "save, publish or withdraw"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			err := SettleCollection(&c, tt.action, now)
			if tt.wantErr != "" {
				if dateline.ErrorCode(err) != dateline.EINVALID || !strings.Contains(dateline.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("err = %v, want EINVALID saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || c.Status != tt.wantStatus || !c.PublishedAt.Equal(tt.wantAt) {
				t.Errorf("status %q at %v, err %v; want %q at %v", c.Status, c.PublishedAt, err, tt.wantStatus, tt.wantAt)
			}
		})
	}
}
