// Package testseed gives random tests their seed.
package testseed

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// Seed is a random test's seed: DATELINE_TEST_SEED when set, to replay a
// run, else a new one, logged either way.
func Seed(t testing.TB) uint64 {
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("DATELINE_TEST_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("DATELINE_TEST_SEED=%d", seed)
	return seed
}
