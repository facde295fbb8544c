package dispatch

import (
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/ledger"
)

// TestWriteStatusTables: status's tables, as the operator reads them.
func TestWriteStatusTables(t *testing.T) {
	key := func(r string) ledger.Key {
		return ledger.Key{Campaign: "v5", Notice: "announce", Instance: "katuma", Recipient: r}
	}
	fs := []ledger.Failure{
		{Key: key("a@example.test"), Attempts: 2, LastReply: "451 4.3.0 try later"},
		{Key: key("b@example.test"), Permanent: true, Attempts: 1, LastReply: "550 5.1.1 no such user"},
	}
	rows := []NoticeStatus{{Instance: "katuma", Notice: "announce", DueLocal: "Tue 2019-04-30 09:00 CEST",
		DueUTC: time.Date(2019, 4, 30, 7, 0, 0, 0, time.UTC), State: "sent", Sent: 12, Failed: 1, ForumURL: "https://forum.test/t/1"}}
	tests := []struct {
		name  string
		write func(*strings.Builder) error
		want  string
	}{
		{"failures", func(b *strings.Builder) error { return WriteFailures(b, fs) }, `INSTANCE  NOTICE    ADDRESS         FAILURE                              ATTEMPTS  LAST REPLY
katuma    announce  a@example.test  temporary (the next run retries)     2         451 4.3.0 try later
katuma    announce  b@example.test  permanent (announce retry --failed)  1         550 5.1.1 no such user
`},
		{"uncertain", func(b *strings.Builder) error { return WriteUncertain(b, fs[:1]) }, `
Uncertain (maybe delivered; not sent again unless --resend-uncertain): 1
  katuma announce a@example.test: 451 4.3.0 try later
`},
		{"no uncertain", func(b *strings.Builder) error { return WriteUncertain(b, nil) }, ""},
		{"status", func(b *strings.Builder) error { return WriteStatus(b, rows) }, `INSTANCE  NOTICE    DUE (LOCAL)                DUE (UTC)          STATE  SENT  FAILED  SUPPRESSED  PENDING  FORUM
katuma    announce  Tue 2019-04-30 09:00 CEST  2019-04-30 07:00Z  sent   12    1       0           0        https://forum.test/t/1
`},
		{"status json", func(b *strings.Builder) error { return WriteStatusJSON(b, rows) },
			`{"instance":"katuma","notice":"announce","due_local":"Tue 2019-04-30 09:00 CEST","due_utc":"2019-04-30T07:00:00Z","valid_until_utc":"0001-01-01T00:00:00Z","state":"sent","sent":12,"failed":1,"suppressed":0,"pending":0,"uncertain":0,"forum_url":"https://forum.test/t/1"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.write(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}
