package ninjs

import (
	"encoding/json"
	"testing"
	"time"

	"dateline"
	"dateline/wire"
)

// A gallery and an infographic, published or withdrawn, are valid ninjs
// 2.2 and read back with their type, pubstatus and pictures in order.
func TestFromCollectionValidates(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	photos := []dateline.Photo{
		{URI: "urn:dateline:photo:1", Path: "uploads/a.jpg", Width: 2000, Height: 1000, Widths: []int{320}, Caption: "First", Credit: "Photo: X"},
		{Path: "uploads/b.png", Width: 800, Height: 600, Caption: "Second"},
		{Remote: "https://pictures.example/c.jpg"},
	}
	for _, kind := range []string{dateline.KindGallery, dateline.KindInfographic} {
		for _, status := range []dateline.Status{dateline.StatusPublished, dateline.StatusWithdrawn} {
			c := wire.Collection{Kind: kind, ID: 7, URI: "urn:dateline:" + kind + ":7", Section: "politics", Lang: "ru",
				Title: "Talks in pictures", Text: "Three pictures.", PublishedAt: now, Status: status, Photos: photos}
			data, err := json.Marshal(FromCollection(&c, "Politics", "https://news.example"))
			if err != nil {
				t.Fatal(err)
			}
			it, err := Parse(data)
			if err != nil {
				t.Fatalf("%s %s: not valid ninjs: %v\n%s", kind, status, err, data)
			}
			wantType, wantName := "composite", "photo"
			if kind == dateline.KindInfographic {
				wantType, wantName = "graphic", "image"
			}
			if it.Type != wantType || it.PubStatus != PubStatus(status) || it.Language != "ru" || it.URI != c.URI {
				t.Errorf("%s %s: type %q pubstatus %q language %q uri %q", kind, status, it.Type, it.PubStatus, it.Language, it.URI)
			}
			if len(it.Subjects) != 1 || it.Subjects[0].URI != "https://news.example/politics" {
				t.Errorf("%s: subjects %+v", kind, it.Subjects)
			}
			if status == dateline.StatusWithdrawn {
				if len(it.Associations) != 0 {
					t.Errorf("%s withdrawn keeps its pictures", kind)
				}
				continue
			}
			if len(it.Associations) != 3 {
				t.Fatalf("%s: %d associations", kind, len(it.Associations))
			}
			for i, a := range it.Associations {
				if a.Name != wantName+string(rune('1'+i)) || len(a.Renditions) == 0 {
					t.Errorf("%s association %d: %q with %d renditions", kind, i, a.Name, len(a.Renditions))
				}
			}
			if a := it.Associations[0]; a.Descriptions[0].Value != "First" || a.CopyrightHolder != "Photo: X" ||
				a.Renditions[0].Href != "https://news.example/media/uploads/a.jpg" || len(a.Renditions) != 2 {
				t.Errorf("%s first picture %+v", kind, a)
			}
		}
	}
}
