package support

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/openfoodfoundation/announce/internal/digest"
	"github.com/openfoodfoundation/announce/internal/mailer"
)

// Sender sends one message over one SMTP connection (mailer.Client is one).
type Sender interface {
	Send(ctx context.Context, envelopeFrom, rcpt string, m *gomail.Msg) (mailer.Result, error)
	Close() error
}

// mailDigest sends one instance's digest (text, with an HTML alternative)
// to the address to, through the instance's SMTP server.
func mailDigest(ctx context.Context, in Inbox, rep digest.Report, to string, now time.Time) error {
	from, err := mail.ParseAddress(in.Instance.From)
	if err != nil {
		return fmt.Errorf("instance %s from: %w", in.Instance.Key, err)
	}
	var text, html bytes.Buffer
	if err := digest.Write(&text, digest.Text, []digest.Report{rep}); err != nil {
		return err
	}
	if err := digest.Write(&html, digest.HTML, []digest.Report{rep}); err != nil {
		return err
	}
	subject := fmt.Sprintf("%s support inbox: %d replies (%d unanswered), %d bounces, %d suppressed",
		rep.Name, rep.Counts.Replies, rep.Unanswered(), rep.Counts.HardBounces+rep.Counts.SoftBounces, len(rep.Suppressed))
	if len(rep.Problems) > 0 {
		subject = "PROBLEM OF OURS (mail refused for our reasons): " + subject
	}
	msg, err := mailer.Build(&mailer.Email{
		From: from, To: &mail.Address{Address: to}, Subject: subject, Text: text.String(), HTML: html.String(),
		MessageID: fmt.Sprintf("digest.%s.%s@%s", in.Instance.Key, strings.ToLower(rand.Text()[:16]), mailer.Domain(from)), Date: now,
	})
	if err != nil {
		return err
	}
	s := in.Sender()
	defer s.Close()
	envelope := from.Address
	if in.Instance.SMTP != nil && in.Instance.SMTP.ReturnPath != "" {
		envelope = in.Instance.SMTP.ReturnPath
	}
	_, err = s.Send(ctx, envelope, to, msg)
	return err
}
