package mailertest

import (
	"crypto/tls"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// The server as go-smtp's own client sees it: faults, counts, records.
func TestServer(t *testing.T) {
	s := Start(t, Options{Username: "u", Password: "p", Reject: []string{"no@x.test"}, RcptTempFailures: 1, GreetingFailures: 1})

	first, err := smtp.Dial(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	var se *smtp.SMTPError
	if err := first.Hello("client.test"); !errors.As(err, &se) || se.Code != 421 {
		t.Fatalf("first connection: %v, want a 421 greeting", err)
	}
	first.Close()
	c, err := smtp.DialStartTLS(s.Addr, &tls.Config{ServerName: "localhost", RootCAs: s.RootCAs()})
	if err != nil {
		t.Fatalf("STARTTLS: %v", err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", "u", "p")); err != nil {
		t.Fatalf("AUTH: %v", err)
	}
	if err := c.Mail("a@x.test", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("b@x.test", nil); !errors.As(err, &se) || se.Code != 451 {
		t.Errorf("first RCPT = %v, want 451", err)
	}
	if err := c.Rcpt("no@x.test", nil); !errors.As(err, &se) || se.Code != 550 || se.Message != "<no@x.test>: Recipient address rejected: User unknown" {
		t.Errorf("RCPT of a rejected address = %v, want 550", err)
	}
	if err := c.Reset(); err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail("a@x.test", []string{"b@x.test"}, strings.NewReader("Subject: hi\r\n\r\nhi\r\n")); err != nil {
		t.Fatalf("SendMail: %v", err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}

	msgs := s.Messages()
	if len(msgs) != 1 || msgs[0].From != "a@x.test" || msgs[0].To[0] != "b@x.test" || string(msgs[0].Data) != "Subject: hi\r\n\r\nhi\r\n" || msgs[0].QueueID != "M000001" {
		t.Errorf("Messages() = %+v", msgs)
	}
	st := s.Stats()
	// Rset: ours, and the EHLO go-smtp's client sends again after AUTH.
	if st.Connections != 2 || st.MaxOpen != 1 || st.Rset != 2 || st.Mail != 2 || st.Rcpt != 3 || st.Data != 1 || st.Accepted != 1 || st.AuthOK != 1 {
		t.Errorf("Stats() = %+v", st)
	}
}

// Open and MaxOpen follow concurrent clients; Close ends them all, twice
// if need be.
func TestServerCountsConnections(t *testing.T) {
	s, err := New(Options{TLS: NoTLS})
	if err != nil {
		t.Fatal(err)
	}
	const n = 5
	var clients []*smtp.Client
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			c, err := smtp.Dial(s.Addr)
			if err != nil {
				t.Error(err)
				return
			}
			if err := c.Hello("client.test"); err != nil {
				t.Error(err)
			}
			mu.Lock()
			clients = append(clients, c)
			mu.Unlock()
		})
	}
	wg.Wait()
	if st := s.Stats(); st.Connections != n || st.Open != n || st.MaxOpen != n {
		t.Errorf("Stats() = %+v, want %d open", st, n)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if st := s.Stats(); st.Open != 0 {
		t.Errorf("after Close, %d open", st.Open)
	}
	for _, c := range clients {
		c.Close()
	}
}
