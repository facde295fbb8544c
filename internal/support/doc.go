// Package support runs the support-inbox digest: for each instance it reads
// what arrived in the support mailbox since the last run (through
// internal/mailbox, the IMAP adapter), classifies each message once
// (internal/inbox), ties replies and bounces to the deliveries of the ledger,
// applies inbox's suppression policy (by the bounce's reason) to bounces and
// complaints, suppresses the senders of unsubscribe requests, refreshes
// which replies were answered, and assembles the report internal/digest
// writes (problems of ours first, people's untied mail last); then it prints
// and optionally mails the digest and marks what it reported.
//
// Reading is incremental: the ledger keeps, per instance and mailbox, the
// server's UIDVALIDITY and the last UID read, and every message read, by its
// Message-ID. A new UIDVALIDITY (a recreated mailbox) reads everything again
// and counts nothing twice; a failed read leaves the checkpoint where it was.
//
// The mailbox is only read (EXAMINE, BODY.PEEK) unless the run marks what it
// read with a keyword. Summaries (envelope, header fields, flags, body
// structure) are fetched in batches, and whole messages only of those that
// may be ours, so memory grows with the batch and not with the mailbox.
//
// A bounce speaks only for an address its quoted Message-ID was sent to: one
// naming another address is forged or misdirected (everyone who got a
// notice knows a Message-ID and the support address), suppresses nobody,
// and the digest lists it as suspicious.
package support
