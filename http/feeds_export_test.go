package http

import (
	"time"

	"dateline"
)

// NotifyHub is notifyHub, which the event pump calls after each batch of
// events, for the tests.
func (s *Server) NotifyHub(es []dateline.Event) { s.site.Hub.Notify(es) }

// WaitHub waits for the hub pings sent or planned so far.
func (s *Server) WaitHub() {
	s.site.Hub.Wait()
}

// SetHubTimeout bounds each ping to the hub.
func (s *Server) SetHubTimeout(d time.Duration) { s.site.Hub.SetTimeout(d) }
