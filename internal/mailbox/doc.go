// Package mailbox is announce's IMAP adapter (go-imap v2): it connects to a
// support mailbox over TLS or STARTTLS with the certificate verified, opens a
// mailbox with EXAMINE (read-only) or SELECT, lists the UIDs above a given
// one, fetches summaries (envelope, flags, chosen header fields, body
// structure), whole messages up to a size and current flags, and stores a
// keyword. It knows nothing of notices, the ledger or what a message means:
// internal/support decides what to read and what it means.
//
// Bodies are fetched with BODY.PEEK, so reading leaves \Seen alone, and one
// message at a time is handed over, so memory grows with a batch of
// summaries, not with the mailbox.
package mailbox
