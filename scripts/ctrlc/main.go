// Command ctrlc measures how long announce takes to exit after Ctrl-C
// (SIGINT) in each state a send can be in, against the in-process fault
// server (internal/mailer/mailertest) on loopback. Run it from the
// repository root: scripts/ctrlc-latency.sh.
package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

type state struct {
	name  string
	opts  mailertest.Options
	raw   bool                          // a listener that never accepts, instead of the server
	ready func(*mailertest.Server) bool // the send is in this state now
	pty   bool                          // at the confirmation prompt: Ctrl-C typed on a terminal
	twice bool                          // a second Ctrl-C 200 ms after the first
}

func main() {
	log.SetFlags(0)
	root, _ := os.Getwd()
	tmp, err := os.MkdirTemp("", "announce-ctrlc-")
	check(err)
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "announce")
	build := exec.Command("go", "build", "-o", bin, "./cmd/announce")
	build.Stderr = os.Stderr
	check(build.Run())

	long := time.Hour
	states := []state{
		{name: "connecting (listener never accepts)", raw: true},
		{name: "greeting (none comes)", opts: mailertest.Options{SlowAt: mailertest.Greeting, SlowFor: long},
			ready: func(s *mailertest.Server) bool { return s.Stats().Connections > 0 }},
		{name: "after the greeting (server stalls)", opts: mailertest.Options{StallAfterGreeting: true, SlowFor: long},
			ready: func(s *mailertest.Server) bool { return s.Stats().Connections > 0 }},
		{name: "waiting for the reply to RCPT", opts: mailertest.Options{SlowAt: mailertest.Rcpt, SlowFor: long},
			ready: func(s *mailertest.Server) bool { return s.Stats().Rcpt > 0 }},
		{name: "retrying / backing off (451 to every RCPT)", opts: mailertest.Options{RcptTempFailures: 1 << 30},
			ready: func(s *mailertest.Server) bool { return s.Stats().Rcpt > 1 }},
		{name: "waiting for the reply to the end of data", opts: mailertest.Options{SlowAt: mailertest.EndOfData, SlowFor: long},
			ready: func(s *mailertest.Server) bool { return s.Stats().Accepted > 0 }},
		{name: "same, second Ctrl-C 200 ms later", opts: mailertest.Options{SlowAt: mailertest.EndOfData, SlowFor: long}, twice: true,
			ready: func(s *mailertest.Server) bool { return s.Stats().Accepted > 0 }},
		{name: "at the confirmation prompt (a terminal)", pty: true},
	}
	fmt.Printf("| state | exit after Ctrl-C | exit status |\n|---|---|---|\n")
	for i, st := range states {
		dir := filepath.Join(tmp, fmt.Sprint(i))
		for _, d := range []string{"config", "templates", "locales", "recipients"} {
			check(os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(root, d))))
		}
		var srv *mailertest.Server
		var addr string
		if st.raw {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			check(err)
			defer ln.Close()
			addr = ln.Addr().String()
		} else {
			st.opts.TLS = mailertest.NoTLS
			srv, err = mailertest.New(st.opts)
			check(err)
			addr = srv.Addr
		}
		setup(dir, addr)
		took, status := measure(bin, dir, st, srv)
		fmt.Printf("| %s | %s | %s |\n", st.name, took.Round(time.Millisecond), status)
		if srv != nil {
			srv.Close()
		}
	}
}

// setup points Katuma's SMTP at addr and gives it 20 recipients.
func setup(dir, addr string) {
	host, port, _ := net.SplitHostPort(addr)
	p := filepath.Join(dir, "config", "instances.toml")
	b, err := os.ReadFile(p)
	check(err)
	block := fmt.Sprintf("[instances.katuma.smtp]\nhost = %q\nport = %s\ntls = \"none\"\nauth = \"none\"\nconnections = 2\n", host, port)
	re := regexp.MustCompile(`(?s)\[instances\.katuma\.smtp\].*?\n\n`)
	src := string(b)
	if re.MatchString(src) {
		src = re.ReplaceAllString(src, block+"\n")
	} else {
		src += "\n" + block + "\n"
	}
	check(os.WriteFile(p, []byte(src), 0o644))
	var rows strings.Builder
	rows.WriteString("email,name,locale,role\n")
	for i := range 20 {
		fmt.Fprintf(&rows, "c%02d@example.test,,ca,\n", i)
	}
	check(os.WriteFile(filepath.Join(dir, "recipients", "katuma.csv"), []byte(rows.String()), 0o644))
}

func measure(bin, dir string, st state, srv *mailertest.Server) (time.Duration, string) {
	args := []string{"--instance", "katuma", "--notice", "announce", "--no-forum", "--state", filepath.Join(dir, "ledger.db")}
	var cmd *exec.Cmd
	var out bytes.Buffer
	var typed io.WriteCloser
	if st.pty {
		// script(1) runs announce on a new terminal and copies our input
		// to it: a Ctrl-C byte there is a real Ctrl-C (the terminal's
		// line discipline sends SIGINT to announce).
		cmd = exec.Command("script", "-qfec", bin+" "+strings.Join(args, " "), "/dev/null")
		var err error
		typed, err = cmd.StdinPipe()
		check(err)
	} else {
		cmd = exec.Command(bin, append(args, "--yes")...)
	}
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &out, &out
	check(cmd.Start())
	deadline := time.Now().Add(30 * time.Second)
	for {
		ready := false
		switch {
		case st.pty:
			ready = strings.Contains(out.String(), "[y/N]")
		case srv == nil:
			ready = true
			time.Sleep(500 * time.Millisecond) // dialed, waiting for a greeting
		default:
			ready = st.ready(srv)
		}
		if ready {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			log.Fatalf("%s: state not reached in 30s:\n%s", st.name, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // settled in that state
	start := time.Now()
	if st.pty {
		typed.Write([]byte{3})
	} else {
		cmd.Process.Signal(os.Interrupt)
		if st.twice {
			time.Sleep(200 * time.Millisecond)
			cmd.Process.Signal(os.Interrupt)
		}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		took := time.Since(start)
		status := "0"
		if ee, ok := err.(*exec.ExitError); ok {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				status = "killed by " + ws.Signal().String()
			} else {
				status = fmt.Sprint(ee.ExitCode())
			}
		}
		return took, status
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		return 60 * time.Second, "did not exit within 60 s"
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
