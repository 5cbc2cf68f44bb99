package superdesk

import (
	"context"
	"time"
)

// Superdesk uploads every picture rendition it may need before the item,
// and asks again (GET) before each publish, so an upload that no item
// used within a grace period (a rendition the site never shows, a story
// never sent) is dead weight: Prune removes its row and its file
// (superdesk/in/<SHA-256>). An upload an item used keeps both: later
// versions reuse the photo made of it. Rows go first, each deleted by one
// node of a cluster (PruneSuperdeskAssets), and only that node removes
// the file, unless another upload still names it (the same bytes under
// another media id). Should Superdesk upload the same bytes again in the
// instant between the row's deletion and the file's, its GET answers
// 404 and it uploads them once more before the next publish.

// Remover removes a file of the media store; a missing one is no error.
// media.Dir and s3media.Store are ones.
type Remover interface {
	Remove(ctx context.Context, p string) error
}

// pruneBatch is how many uploads one transaction deletes.
const pruneBatch = 500

// Prune deletes the uploads no item used that are older than keep, rows
// and files, and returns how many of each went. A file that cannot be
// removed is logged and left (its row is gone).
func (s *Service) Prune(ctx context.Context, files Remover, keep time.Duration) (rows, removed int, err error) {
	before := s.now().Add(-keep)
	for {
		n, paths, err := s.Store.PruneSuperdeskAssets(ctx, before, pruneBatch)
		if err != nil {
			return rows, removed, err
		}
		rows += n
		for _, p := range paths {
			if err := files.Remove(ctx, p); err != nil {
				s.log().Error("superdesk: an unused upload's file was not removed", "path", p, "err", err)
				continue
			}
			removed++
		}
		if n < pruneBatch || ctx.Err() != nil {
			return rows, removed, ctx.Err()
		}
	}
}

// RunCleanup prunes (keep as for Prune) a minute after it starts and then
// every hour, until ctx ends; every node of a cluster may run it.
func (s *Service) RunCleanup(ctx context.Context, files Remover, keep time.Duration) {
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rows, removed, err := s.Prune(ctx, files, keep)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log().Error("superdesk: cleanup of unused uploads", "err", err)
		case rows > 0:
			s.log().Info("superdesk: unused uploads removed", "uploads", rows, "files", removed)
		}
		t.Reset(time.Hour)
	}
}
