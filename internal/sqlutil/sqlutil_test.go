package sqlutil

import (
	"errors"
	"testing"
)

// fakeRows yields the numbers in order, then err.
type fakeRows struct {
	ns  []int
	i   int
	err error
}

func (r *fakeRows) Next() bool { r.i++; return r.i <= len(r.ns) }
func (r *fakeRows) Err() error { return r.err }
func (r *fakeRows) Scan(dest ...any) error {
	*dest[0].(*int) = r.ns[r.i-1]
	return nil
}

func scanInt(r Scanner) (*int, error) {
	var n int
	err := r.Scan(&n)
	return &n, err
}

func TestCollect(t *testing.T) {
	got, err := Collect(&fakeRows{ns: []int{3, 1, 2}}, []int{}, Value(scanInt))
	if err != nil || len(got) != 3 || got[0] != 3 || got[2] != 2 {
		t.Fatalf("Collect = %v, %v", got, err)
	}
	if got, _ := Collect(&fakeRows{}, []int{}, Value(scanInt)); got == nil {
		t.Error("an empty list came back nil")
	}
	if got, _ := Collect(&fakeRows{}, nil, Value(scanInt)); got != nil {
		t.Error("a nil list came back not nil")
	}
	boom := errors.New("boom")
	if _, err := Collect(&fakeRows{ns: []int{1}, err: boom}, nil, Value(scanInt)); !errors.Is(err, boom) {
		t.Errorf("err = %v, want the rows' error", err)
	}
}

func TestHelpers(t *testing.T) {
	for _, c := range []struct{ n, def, max, want int }{{0, 10, 50, 10}, {-1, 10, 50, 10}, {7, 10, 50, 7}, {99, 10, 50, 50}} {
		if got := LimitOr(c.n, c.def, c.max); got != c.want {
			t.Errorf("LimitOr(%d, %d, %d) = %d, want %d", c.n, c.def, c.max, got, c.want)
		}
	}
	if got := LikeContains(`50%_a\b`); got != `%50\%\_a\\b%` {
		t.Errorf("LikeContains = %q", got)
	}
	if got := SplitInts(JoinInts([]int{320, 640})); len(got) != 2 || got[1] != 640 {
		t.Errorf("SplitInts(JoinInts) = %v", got)
	}
	if NullID(0) != nil || NullID(5) != int64(5) {
		t.Error("NullID")
	}
}
