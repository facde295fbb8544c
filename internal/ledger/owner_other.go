//go:build !unix

package ledger

// processGone cannot tell here: claims of other processes wait for their lease.
func processGone(pid int) bool { return false }

// pidSpace is the same for all processes where PIDs have no namespaces.
func pidSpace() string { return "" }
