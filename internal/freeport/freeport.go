// Package freeport finds loopback ports no one listens on, for the test
// servers (SeaweedFS, Mailpit) that are told their ports.
package freeport

import (
	"net"
	"testing"
)

// Ports returns n distinct free ports of 127.0.0.1: each was bound and let
// go, so another process may take one in between (rarely).
func Ports(t testing.TB, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}
