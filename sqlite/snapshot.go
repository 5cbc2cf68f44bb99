package sqlite

import (
	"context"
	"os"
)

// SnapshotTo writes a consistent copy of the whole database to a new file
// at path with VACUUM INTO, on a read connection: the copy is the
// database as one read transaction sees it, while writers go on.
func (db *DB) SnapshotTo(ctx context.Context, path string) (err error) {
	defer wrap(&err, "snapshot")
	if _, err := os.Stat(path); err == nil {
		return os.ErrExist
	}
	_, err = db.read.DB.ExecContext(ctx, `VACUUM INTO ?`, path)
	return err
}
