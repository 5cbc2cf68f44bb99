package dateline

import "testing"

// TestDraftRowDeletable: only a newsroom draft readers never saw, at the
// version the person opened, may be deleted.
func TestDraftRowDeletable(t *testing.T) {
	ok := DraftRow{Status: StatusDraft, Version: 3}
	for _, tt := range []struct {
		name string
		row  DraftRow
		base int
		code string
	}{
		{"draft", ok, 3, ""},
		{"saved since", ok, 2, ECONFLICT},
		{"published", DraftRow{Status: StatusPublished, WasPublic: true, Version: 3}, 3, EINVALID},
		{"back to draft after readers saw it", DraftRow{Status: StatusDraft, WasPublic: true, Version: 3}, 3, EINVALID},
		{"withheld", DraftRow{Status: StatusDraft, Withheld: true, Version: 3}, 3, EINVALID},
		{"withdrawn", DraftRow{Status: StatusWithdrawn, Version: 3}, 3, EINVALID},
		{"from the wire", DraftRow{Status: StatusDraft, Source: "reuters", Version: 3}, 3, EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.row.Deletable(tt.base)
			if tt.code == "" && err != nil || tt.code != "" && ErrorCode(err) != tt.code {
				t.Errorf("Deletable(%d) = %v, want code %q", tt.base, err, tt.code)
			}
		})
	}
}
