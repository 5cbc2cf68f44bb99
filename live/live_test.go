package live

import (
	"strings"
	"testing"
)

func msg(id int64) Message { return Message{ID: id, Frame: Frame(id, "published", []byte(`{"id":1}`))} }

func TestFanOutAndResume(t *testing.T) {
	h := NewHub(3)
	h.SetLast(10)
	a, back, ok := h.Subscribe(0)
	if len(back) != 0 || !ok {
		t.Fatal("a new stream got a backlog")
	}
	h.Publish(msg(11), msg(12), msg(12), msg(9))
	for _, want := range []int64{11, 12} {
		if m := <-a.C; m.ID != want {
			t.Errorf("got %d, want %d", m.ID, want)
		}
	}
	if len(a.C) != 0 {
		t.Error("a repeated or old event was sent again")
	}
	h.Publish(msg(13), msg(14))
	// A stream that saw 12 gets 13 and 14 from the ring.
	_, back, ok = h.Subscribe(12)
	if !ok || len(back) != 2 || back[0].ID != 13 {
		t.Errorf("resume from 12: %v %v", ok, back)
	}
	// 11 has left the ring (keep 3: 12, 13, 14): resuming from 10 is not complete.
	if _, _, ok := h.Subscribe(10); ok {
		t.Error("resume from 10 claims to be complete")
	}
	if _, back, ok := h.Subscribe(11); !ok || len(back) != 3 {
		t.Errorf("resume from 11: %v %d", ok, len(back))
	}
	if !strings.HasPrefix(string(Frame(5, "updated", []byte("{}"))), "id: 5\nevent: updated\ndata: {}\n\n") {
		t.Error("frame")
	}
}

func TestSlowStreamIsDropped(t *testing.T) {
	h := NewHub(10)
	slow, _, _ := h.Subscribe(0)
	fast, _, _ := h.Subscribe(0)
	got := 0
	for i := int64(1); i <= buffer+10; i++ {
		h.Publish(msg(i))
		if m := <-fast.C; m.ID == i {
			got++
		}
	}
	if got != buffer+10 {
		t.Errorf("the fast stream got %d", got)
	}
	if h.Len() != 1 {
		t.Errorf("%d streams open, want the fast one", h.Len())
	}
	h.Unsubscribe(fast)
	n := 0
	for range slow.C {
		n++
	}
	if n != buffer {
		t.Errorf("the slow stream got %d before it was closed, want %d", n, buffer)
	}
	if h.Len() != 0 {
		t.Errorf("%d streams left", h.Len())
	}
	h.Unsubscribe(slow) // closing twice is safe
}
