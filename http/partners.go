package http

import (
	"context"

	"dateline"
	"dateline/http/newsroom"
)

// PartnerFetcher is what the newsroom's partner pages need of
// partners.Scheduler.
type PartnerFetcher = newsroom.PartnerFetcher

// partnerBlockSize is how many entries each home page block shows.
const partnerBlockSize = 8

// partnerBlocks fills the home page's "Partner News" and "In other media".
func (s *Server) partnerBlocks(ctx context.Context, d *homePage) error {
	ps := s.store
	var err error
	if d.PartnerNews, err = ps.PartnerEntries(ctx, dateline.PartnerNews, partnerBlockSize); err != nil {
		return err
	}
	d.OtherMedia, err = ps.PartnerEntries(ctx, dateline.PartnerMedia, partnerBlockSize)
	return err
}
