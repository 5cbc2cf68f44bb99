//go:build !linux

package e2e

import "os/exec"

// dieWithParent does nothing where the kernel cannot tie a child's life to
// its parent's; a test that panics there may leave its server running.
func dieWithParent(*exec.Cmd) {}
