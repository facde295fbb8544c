package dispatch

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ledger"
)

// WriteStatus writes status's rows as a table for the operator.
func WriteStatus(w io.Writer, rows []NoticeStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "INSTANCE\tNOTICE\tDUE (LOCAL)\tDUE (UTC)\tSTATE\tSENT\tFAILED\tSUPPRESSED\tPENDING\tFORUM\n")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", r.Instance, r.Notice, r.DueLocal, r.DueUTC.Format("2006-01-02 15:04Z"), r.State, r.Sent, r.Failed, r.Suppressed, r.Pending, r.ForumURL)
	}
	return tw.Flush()
}

// WriteStatusJSON writes status's rows as JSON lines, one object a notice.
func WriteStatusJSON(w io.Writer, rows []NoticeStatus) error {
	enc := json.NewEncoder(w)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// WriteFailures writes the failed deliveries (Failures) as a table with the
// server's last reply: status --failed.
func WriteFailures(w io.Writer, fs []ledger.Failure) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INSTANCE\tNOTICE\tADDRESS\tFAILURE\tATTEMPTS\tLAST REPLY")
	for _, f := range fs {
		kind := "temporary (the next run retries)"
		if f.Permanent {
			kind = "permanent (announce retry --failed)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", f.Instance, f.Notice, f.Recipient, kind, f.Attempts, f.LastReply)
	}
	return tw.Flush()
}

// WriteUncertain writes, after status's table, the messages held as
// uncertain (UncertainMessages): sent in full with no reply, or in flight
// at repeated crashes; --resend-uncertain sends them. Nothing when none.
func WriteUncertain(w io.Writer, us []ledger.Failure) error {
	if len(us) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nUncertain (maybe delivered; not sent again unless --resend-uncertain): %d\n", len(us))
	for _, u := range us {
		if _, err := fmt.Fprintf(w, "  %s %s %s: %s\n", u.Instance, u.Notice, u.Recipient, u.LastReply); err != nil {
			return err
		}
	}
	return nil
}

// StatusReport is what announce status shows.
type StatusReport struct {
	Instances *config.Instances
	Schedule  *config.Schedule
	Keys      []string // the instances whose notices are listed
	Scope     Scope    // the failures and uncertain messages listed
	Now       time.Time
	Failed    bool // the failed deliveries instead of the notices
	JSON      bool // the notices as JSON lines, without the uncertain ones
}

// Write writes the report from l (nil: nothing was sent yet): the notices
// as a table followed by the uncertain messages, or as JSON lines; with
// Failed, the failed deliveries.
func (r StatusReport) Write(ctx context.Context, w io.Writer, l *ledger.Ledger) error {
	if r.Failed {
		fs, err := Failures(ctx, l, r.Scope)
		if err != nil {
			return err
		}
		return WriteFailures(w, fs)
	}
	rows, err := Status(ctx, l, r.Instances, r.Schedule, r.Keys, r.Now)
	if err != nil {
		return err
	}
	if r.JSON {
		return WriteStatusJSON(w, rows)
	}
	if err := WriteStatus(w, rows); err != nil {
		return err
	}
	us, err := UncertainMessages(ctx, l, r.Scope)
	if err != nil {
		return err
	}
	return WriteUncertain(w, us)
}
