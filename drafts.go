package dateline

// DraftRow is what DeleteDraft reads of a stored story before deleting
// it.
type DraftRow struct {
	Status    Status // as stored: a submitted story is a draft
	Withheld  bool
	Source    string // "" for a story written in the newsroom
	WasPublic bool   // it has a publication time
	Version   int
}

// Deletable reports whether a delete asked at version base may remove the
// story: only a draft written in the newsroom that readers never saw, not
// withheld, and still at base. Returns ECONFLICT and EINVALID.
func (r DraftRow) Deletable(base int) error {
	if r.Source != "" {
		return Errorf(EINVALID, "A story sent by the wire (%s) cannot be deleted; withdraw it instead.", truncateText(r.Source, 40))
	}
	if r.Status != StatusDraft || r.Withheld || r.WasPublic {
		return Errorf(EINVALID, "Only a draft that readers never saw can be deleted; a published story is withdrawn instead.")
	}
	if r.Version != base {
		return Errorf(ECONFLICT, "The draft was saved again (version %d) after you opened version %d; open it again before deleting it.", r.Version, base)
	}
	return nil
}
