package recipients

import "sync"

// Source streams recipients: a CSV Reader, or an instance's database.
// Next returns the next recipient, a *RowError for a bad one (call Next
// again to go on), or io.EOF; any other error ends the stream.
type Source interface {
	Next() (Recipient, error)
	Close() error
}

// Opener opens a fresh stream over the same recipients.
type Opener func() (Source, error)

var (
	mu      sync.RWMutex
	openers = map[string]Opener{}
)

// Register makes Open(name) call open instead of reading a file called name.
// Everything downstream of Open (census, dry run, send, check) handles the
// recipients by name, as it handles a CSV path; cli registers an instance's
// database under a name that says which server it is. Registering a name
// again replaces its opener.
func Register(name string, open Opener) {
	mu.Lock()
	defer mu.Unlock()
	openers[name] = open
}

func registered(name string) Opener {
	mu.RLock()
	defer mu.RUnlock()
	return openers[name]
}
