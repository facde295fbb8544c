package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/wneessen/go-mail/smtp"

	"github.com/openfoodfoundation/announce/internal/backoff"
)

// RetryPolicy says how often, and how patiently, Send tries a message whose
// failure is temporary: a 4xx reply, or a network failure (dial, TLS, timeout,
// connection lost). A 5xx reply is never retried.
type RetryPolicy struct {
	Attempts int           // tries per message, the first included; default 5
	Base     time.Duration // the longest wait after the first failure; default 1s
	Max      time.Duration // the longest wait ever; default 1m
}

// DefaultRetry is the policy of a Client without WithRetry. Its waits add up
// to at most 15s (1+2+4+8), 7.5s on average.
var DefaultRetry = RetryPolicy{Attempts: 5, Base: time.Second, Max: time.Minute}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.Attempts <= 0 {
		p.Attempts = DefaultRetry.Attempts
	}
	if p.Base <= 0 {
		p.Base = DefaultRetry.Base
	}
	if p.Max <= 0 {
		p.Max = max(DefaultRetry.Max, p.Base)
	}
	return p
}

// backoff is the wait after the n-th failed attempt (n ≥ 1): "full jitter",
// uniform in [0, min(Max, Base·2^(n-1))], so that workers that failed
// together (a server restart) do not come back together. randN(k) returns
// a number in [0, k).
func (p RetryPolicy) backoff(n int, randN func(int64) int64) time.Duration {
	return backoff.FullJitter(n, p.Base, p.Max, randN)
}

// sleep waits d or until ctx is done, whichever is first.
func sleep(ctx context.Context, d time.Duration) error { return backoff.Sleep(ctx, d) }

// Problems found on our side of the connection, which retrying cannot fix.
var (
	errNoSTARTTLS = errors.New("server does not offer STARTTLS, and tls = starttls requires it")
	errNoAuth     = errors.New("server does not offer this AUTH mechanism")
	errBadMessage = errors.New("cannot write the message")
	errNoSMTPUTF8 = errors.New("server does not offer SMTPUTF8, which a non-ASCII address needs")
)

// failure is what Send learns from one failed attempt.
type failure struct {
	code      int    // the reply's code, 0 without a reply
	enhanced  string // "5.1.1", "" if none
	reply     string // verbatim, "" without a reply
	permanent bool   // retrying cannot help
	keepConn  bool   // the connection is still in a known state
}

var enhancedCode = regexp.MustCompile(`^([245])\.[0-9]{1,3}\.[0-9]{1,3}$`)

// classify sorts an attempt's error: a 5xx reply is permanent; a 4xx reply,
// a timeout, a refused or lost connection are temporary; so are replies that
// make no sense where they came (the connection is then dropped). Local
// problems (STARTTLS missing, certificate not trusted, AUTH mechanism
// missing) are permanent: the next attempt would meet them again.
func classify(err error, at stage) failure {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		f := failure{code: tp.Code, reply: replyText(tp.Code, tp.Msg)}
		first, _, _ := strings.Cut(tp.Msg, "\n")
		if word, _, _ := strings.Cut(first, " "); enhancedCode.MatchString(word) && int(word[0]-'0') == tp.Code/100 {
			f.enhanced = word
		}
		switch tp.Code / 100 {
		case 5:
			f.permanent = true
			f.keepConn = at != stageConnect && at != stageRset
		case 4:
			// 421: the server is closing the connection.
			f.keepConn = tp.Code != 421 && at != stageConnect && at != stageRset
		}
		return f
	}
	var (
		verify   *tls.CertificateVerificationError
		hostname x509.HostnameError
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
	)
	switch {
	case errors.Is(err, errNoSMTPUTF8):
		return failure{permanent: true, keepConn: true}
	case errors.Is(err, errNoSTARTTLS), errors.Is(err, errNoAuth), errors.Is(err, errBadMessage),
		errors.Is(err, smtp.ErrUnencrypted), errors.Is(err, smtp.ErrWrongHostname),
		errors.As(err, &verify), errors.As(err, &hostname), errors.As(err, &unknown), errors.As(err, &invalid),
		errors.As(err, &record): // not TLS at all on the other end: tls = tls on a plain port
		return failure{permanent: true}
	}
	return failure{}
}

// replyText rebuilds a reply as the server sent it (lines joined with "\n"):
// textproto.Error's own Error() quotes the text.
func replyText(code int, msg string) string {
	lines := strings.Split(msg, "\n")
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		sep := " "
		if i < len(lines)-1 {
			sep = "-"
		}
		fmt.Fprintf(&b, "%03d%s%s", code, sep, l)
	}
	return b.String()
}

// stale reports whether err means an idle connection was closed by the
// server (421 as it left, or the connection reset or at EOF): then Send
// redials once without counting an attempt. Timeouts are not stale: the
// server is there but slow.
func stale(err error) bool {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code == 421
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
