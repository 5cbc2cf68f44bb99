package sqlite

import (
	"errors"
	"fmt"

	msqlite "modernc.org/sqlite"

	"dateline"
)

// wrap adds where an internal error happened, once per exported method
// (defer wrap(&err, "...")); errors with a code people may see pass
// unchanged.
func wrap(err *error, what string) {
	if *err != nil && dateline.ErrorCode(*err) == dateline.EINTERNAL {
		*err = fmt.Errorf("sqlite: %s: %w", what, *err)
	}
}

// SQLite's extended result codes for the constraints the engine turns
// into domain errors (https://sqlite.org/rescode.html).
const (
	sqliteConstraintForeignKey = 787
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

// sqliteCode is the extended result code of a driver error, or 0.
func sqliteCode(err error) int {
	var se *msqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

// isUnique reports a UNIQUE or PRIMARY KEY constraint failed.
func isUnique(err error) bool {
	code := sqliteCode(err)
	return code == sqliteConstraintUnique || code == sqliteConstraintPrimaryKey
}

// isForeignKey reports a FOREIGN KEY constraint failed.
func isForeignKey(err error) bool { return sqliteCode(err) == sqliteConstraintForeignKey }
