// Package live fans announcements of published, updated and withdrawn
// stories out to every open Server-Sent Events stream of a node. Each
// event is formatted once and handed to every stream; the node reads the
// store once per change, never once per reader.
package live

import (
	"strconv"
	"sync"
)

// Message is one event as it goes on the wire, formatted once.
type Message struct {
	ID   int64
	Kind string // the event's kind, so a stream can pass over kinds it may not send
	// Article is the story the event is about, so that a client's stream
	// can pass over stories outside its products; 0 for a comment.
	Article int64
	// Collection is the kind of the gallery or infographic the event is
	// about (Article then holds its id); "" for a story or a comment.
	Collection string
	// Section and Lang are a collection's section and its edition when
	// the event was written, which decide a client's stream.
	Section, Lang string
	Frame         []byte // "id: N\nevent: KIND\ndata: JSON\n\n", or a comment
}

// Frame formats an event for an SSE stream. data must be one line (JSON
// without newlines).
func Frame(id int64, event string, data []byte) []byte {
	b := make([]byte, 0, len(data)+len(event)+32)
	b = append(b, "id: "...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, "\nevent: "...)
	b = append(b, event...)
	b = append(b, "\ndata: "...)
	b = append(b, data...)
	return append(b, "\n\n"...)
}

// Ping is the heartbeat comment that keeps proxies from closing an idle
// stream.
var Ping = Message{Frame: []byte(": ping\n\n")}

// Hub holds the open streams and the newest events, so a stream that
// reconnects with Last-Event-ID gets what it missed.
type Hub struct {
	mu   sync.Mutex
	subs map[*Sub]struct{}
	ring []Message // the newest events, oldest first
	keep int
	last int64 // the id of the newest event published, even if not kept
}

// Sub is one open stream. C delivers messages; it is closed when the
// stream falls too far behind, and the client reconnects from its last id.
type Sub struct {
	C chan Message
}

// NewHub keeps the newest keep events for resuming streams.
func NewHub(keep int) *Hub {
	return &Hub{subs: map[*Sub]struct{}{}, keep: keep}
}

// buffer is how many messages a slow stream may have waiting.
const buffer = 32

// Subscribe opens a stream that has seen every event up to lastID. It
// returns the kept events after lastID to send first, and whether they
// are complete: false when events after lastID are no longer kept (the
// caller reads them from the store).
func (h *Hub) Subscribe(lastID int64) (*Sub, []Message, bool) {
	s := &Sub{C: make(chan Message, buffer)}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.subs[s] = struct{}{}
	if lastID <= 0 || lastID >= h.last {
		return s, nil, true
	}
	i := len(h.ring)
	for i > 0 && h.ring[i-1].ID > lastID {
		i--
	}
	complete := i > 0 || (len(h.ring) > 0 && h.ring[0].ID == lastID+1)
	return s, append([]Message(nil), h.ring[i:]...), complete
}

// Unsubscribe closes the stream's channel if the hub has not already.
func (h *Hub) Unsubscribe(s *Sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		close(s.C)
	}
}

// Last is the id of the newest event published.
func (h *Hub) Last() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

// SetLast starts the hub at an event id, so streams opened before the
// first event are not sent old ones.
func (h *Hub) SetLast(id int64) {
	h.mu.Lock()
	if id > h.last {
		h.last = id
	}
	h.mu.Unlock()
}

// Publish hands messages to every stream, in order. A stream whose buffer
// is full is closed rather than waited for: one slow reader never holds
// up the others.
func (h *Hub) Publish(msgs ...Message) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range msgs {
		if m.ID != 0 {
			if m.ID <= h.last {
				continue // already published (a second wake-up read it again)
			}
			h.last = m.ID
			h.ring = append(h.ring, m)
			if len(h.ring) > h.keep {
				h.ring = append(h.ring[:0], h.ring[len(h.ring)-h.keep:]...)
			}
		}
		for s := range h.subs {
			select {
			case s.C <- m:
			default:
				delete(h.subs, s)
				close(s.C)
			}
		}
	}
}

// Len is the number of open streams.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// CloseAll ends every stream, for a graceful shutdown: clients reconnect
// to another node with their last event id.
func (h *Hub) CloseAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		delete(h.subs, s)
		close(s.C)
	}
}
