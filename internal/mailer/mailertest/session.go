package mailertest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// session is one SMTP session; go-smtp calls it from the connection's
// goroutine only.
type session struct {
	s      *Server
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
	inData bool // go-smtp resets the session after each DATA: not an RSET
}

var errGone = errors.New("mailertest: client hung up")

func (ss *session) Reset() {
	ss.from, ss.to = "", nil
	if ss.inData {
		ss.inData = false
		return
	}
	ss.s.mu.Lock()
	ss.s.stats.Rset++
	ss.s.mu.Unlock()
}

func (ss *session) Logout() error { return nil }

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || ss.s.opts.Username == "" {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		s := ss.s
		s.mu.Lock()
		defer s.mu.Unlock()
		if username == s.opts.Username && password == s.opts.Password {
			s.stats.AuthOK++
			ss.authed = true
			return nil
		}
		s.stats.AuthFailed++
		if s.opts.EchoCredentials {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8},
				Message: fmt.Sprintf("Authentication failed for %s with password %s", username, password)}
		}
		return smtp.ErrAuthFailed
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	s := ss.s
	s.mu.Lock()
	s.stats.Mail++
	s.mu.Unlock()
	if s.slow(Mail) && !ss.stall() {
		return errGone
	}
	if s.opts.Username != "" && !ss.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	s.mu.Lock()
	gone := s.opts.GoneAfter > 0 && s.stats.Accepted >= s.opts.GoneAfter
	s.mu.Unlock()
	if gone {
		ss.conn.Conn().Write([]byte("421 4.3.2 mailertest: service shutting down\r\n"))
		ss.hangUp()
		return errGone
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s := ss.s
	s.mu.Lock()
	s.stats.Rcpt++
	tempFail := take(&s.rcptBad)
	s.mu.Unlock()
	if s.slow(Rcpt) && !ss.stall() {
		return errGone
	}
	switch {
	case s.opts.RejectSender != "" && strings.EqualFold(ss.from, s.opts.RejectSender):
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
			Message: "<" + ss.from + ">: Sender address rejected: not owned by user " + ss.from}
	case s.opts.RcptReply != "":
		return parseReply(s.opts.RcptReply, to)
	case containsFold(s.opts.Reject, to):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: "<" + to + ">: Recipient address rejected: User unknown"}
	case tempFail || containsFold(s.opts.TempFail, to):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
			Message: "<" + to + ">: Temporary lookup failure"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	s := ss.s
	s.mu.Lock()
	s.stats.Data++
	drop := take(&s.drops)
	s.mu.Unlock()
	ss.inData = true
	if drop {
		// Read some of the message, then hang up without a word: abruptly,
		// on the TCP connection under any TLS, as a crashing server would.
		io.CopyN(io.Discard, r, 64)
		ss.hangUp()
		return errGone
	}
	var data []byte
	var err error
	if s.opts.Discard {
		_, err = io.Copy(io.Discard, r)
	} else {
		data, err = io.ReadAll(r)
	}
	if err != nil {
		return err
	}
	if s.opts.DataReply != "" {
		return parseReply(s.opts.DataReply, ss.from)
	}
	s.mu.Lock()
	s.stats.Accepted++
	id := fmt.Sprintf("M%06d", s.stats.Accepted)
	if !s.opts.Discard {
		s.msgs = append(s.msgs, Message{From: ss.from, To: slices.Clone(ss.to), Data: data, QueueID: id})
	}
	s.mu.Unlock()
	if s.slow(EndOfData) && !ss.stall() {
		return errGone // recorded all the same: the client cannot know
	}
	// go-smtp writes whatever code the error carries: this is the success
	// reply, with a queue id the test can match.
	return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0}, Message: "OK: queued as " + id}
}

// stall waits as the options say; false means the client hung up, and the
// connection is closed.
func (ss *session) stall() bool {
	if stall(ss.conn.Conn(), ss.s.opts.SlowFor) {
		return true
	}
	ss.hangUp()
	return false
}

func (ss *session) hangUp() {
	c := ss.conn.Conn()
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	c.Close()
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}
