package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	p := RetryPolicy{Attempts: 10, Base: time.Second, Max: 10 * time.Second}
	top := func(n int64) int64 { return n - 1 }
	bottom := func(int64) int64 { return 0 }
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for i, w := range want {
		if got := p.backoff(i+1, top); got != w {
			t.Errorf("backoff(%d) at most = %s, want %s", i+1, got, w)
		}
		if got := p.backoff(i+1, bottom); got != 0 {
			t.Errorf("backoff(%d) at least = %s, want 0", i+1, got)
		}
	}
	if got := p.backoff(200, top); got != p.Max {
		t.Errorf("backoff(200) = %s, want %s (no overflow)", got, p.Max)
	}
	if got := (RetryPolicy{}).withDefaults(); got != DefaultRetry {
		t.Errorf("zero policy = %+v, want %+v", got, DefaultRetry)
	}
	if got := (RetryPolicy{Attempts: 2, Base: 2 * time.Minute}).withDefaults(); got.Max != 2*time.Minute {
		t.Errorf("Max below Base = %s, want Base", got.Max)
	}
}

func TestSleepRespectsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	start := time.Now()
	if err := sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Errorf("sleep(cancelled, 1h) = %v after %s", err, time.Since(start))
	}
	if err := sleep(t.Context(), time.Millisecond); err != nil {
		t.Errorf("sleep(1ms) = %v", err)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestClassify(t *testing.T) {
	reply := func(code int, msg string) error { return &textproto.Error{Code: code, Msg: msg} }
	opErr := func(err error) error { return &net.OpError{Op: "read", Net: "tcp", Err: err} }
	tests := []struct {
		name string
		err  error
		at   stage
		want failure
	}{
		{"550 at RCPT", reply(550, "5.1.1 <x@y>: Recipient address rejected: User unknown"), stageRcpt,
			failure{code: 550, enhanced: "5.1.1", reply: "550 5.1.1 <x@y>: Recipient address rejected: User unknown", permanent: true, keepConn: true}},
		{"451 at RCPT", reply(451, "4.3.0 Temporary lookup failure"), stageRcpt,
			failure{code: 451, enhanced: "4.3.0", reply: "451 4.3.0 Temporary lookup failure", keepConn: true}},
		{"452 at MAIL, wrapped", fmt.Errorf("mail: %w", reply(452, "4.3.1 Insufficient system storage")), stageMail,
			failure{code: 452, enhanced: "4.3.1", reply: "452 4.3.1 Insufficient system storage", keepConn: true}},
		{"421 at MAIL closes", reply(421, "4.4.2 Idle timeout"), stageMail,
			failure{code: 421, enhanced: "4.4.2", reply: "421 4.4.2 Idle timeout"}},
		{"421 at greeting", reply(421, "mx.test Service not available"), stageConnect,
			failure{code: 421, reply: "421 mx.test Service not available"}},
		{"535 at AUTH", reply(535, "5.7.8 Authentication failed"), stageConnect,
			failure{code: 535, enhanced: "5.7.8", reply: "535 5.7.8 Authentication failed", permanent: true}},
		{"554 after data", reply(554, "5.7.1 Spam"), stageEndOfData,
			failure{code: 554, enhanced: "5.7.1", reply: "554 5.7.1 Spam", permanent: true, keepConn: true}},
		{"enhanced code of another class is not one", reply(550, "4.1.1 odd"), stageRcpt,
			failure{code: 550, reply: "550 4.1.1 odd", permanent: true, keepConn: true}},
		{"multi-line", reply(550, "5.7.1 first\n5.7.1 second"), stageRcpt,
			failure{code: 550, enhanced: "5.7.1", reply: "550-5.7.1 first\n550 5.7.1 second", permanent: true, keepConn: true}},
		{"unexpected 354 drops the connection", reply(354, "go ahead"), stageRcpt,
			failure{code: 354, reply: "354 go ahead"}},
		{"EOF", io.EOF, stageEndOfData, failure{}},
		{"reset", opErr(os.NewSyscallError("read", syscall.ECONNRESET)), stageMail, failure{}},
		{"timeout", opErr(timeoutErr{}), stageRcpt, failure{}},
		{"refused", opErr(os.NewSyscallError("connect", syscall.ECONNREFUSED)), stageConnect, failure{}},
		{"no STARTTLS", errNoSTARTTLS, stageConnect, failure{permanent: true}},
		{"no such AUTH", fmt.Errorf("%w: PLAIN", errNoAuth), stageConnect, failure{permanent: true}},
		{"not TLS", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, stageConnect, failure{permanent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.err, tt.at); got != tt.want {
				t.Errorf("classify(%v, %s) = %+v, want %+v", tt.err, tt.at, got, tt.want)
			}
		})
	}
}

func TestStale(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&textproto.Error{Code: 421, Msg: "4.4.2 Idle timeout, bye bye"}, true},
		{io.EOF, true},
		{&net.OpError{Op: "write", Err: os.NewSyscallError("write", syscall.EPIPE)}, true},
		{&net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, true},
		{&net.OpError{Op: "read", Err: timeoutErr{}}, false},
		{&textproto.Error{Code: 451, Msg: "4.3.0 try later"}, false},
	}
	for _, tt := range tests {
		if got := stale(tt.err); got != tt.want {
			t.Errorf("stale(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestSendErrorText(t *testing.T) {
	tests := []struct {
		err  *SendError
		want string
	}{
		{&SendError{Permanent: true, Code: 550, Reply: "550 5.1.1 <x@y>: User unknown", Attempts: 1, Stage: "RCPT TO"},
			"smtp RCPT TO: 550 5.1.1 <x@y>: User unknown (permanent, 1 attempt)"},
		{&SendError{Attempts: 1, Stage: "end of data", Uncertain: true, Err: io.EOF},
			"smtp end of data: EOF (uncertain, not retried, 1 attempt, maybe delivered)"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
