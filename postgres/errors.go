package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"dateline"
)

// wrap adds where an internal error happened, once per exported method
// (defer wrap(&err, "...")); errors with a code people may see pass
// unchanged.
func wrap(err *error, what string) {
	if *err != nil && dateline.ErrorCode(*err) == dateline.EINTERNAL {
		*err = fmt.Errorf("postgres: %s: %w", what, *err)
	}
}

// PostgreSQL's SQLSTATE codes the engine acts on
// (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const (
	pgUniqueViolation      = "23505"
	pgForeignKeyViolation  = "23503"
	pgDeadlockDetected     = "40P01"
	pgSerializationFailure = "40001"
)

// pgCode is the SQLSTATE of a server error, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// isUnique reports a unique (or primary key) violation.
func isUnique(err error) bool { return pgCode(err) == pgUniqueViolation }

// isForeignKey reports a foreign key violation.
func isForeignKey(err error) bool { return pgCode(err) == pgForeignKeyViolation }

// retryable reports a deadlock or serialisation failure.
func retryable(err error) bool {
	code := pgCode(err)
	return code == pgDeadlockDetected || code == pgSerializationFailure
}
