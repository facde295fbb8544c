// Package mailbox reads an instance's support inbox over IMAP and brings what
// came back after a notice into the ledger: each message classified once
// (inbox.Classify), bounced addresses suppressed, and a checkpoint
// (UIDVALIDITY and the last UID read) so that the next read fetches only what
// is new.
//
// It changes nothing in the mailbox unless asked to mark messages: the mailbox
// is opened with EXAMINE and bodies are fetched with BODY.PEEK. It reads in
// batches, envelope, header fields and body structure first, and the whole
// message only of those that may be ours, so memory grows with the batch and
// not with the mailbox.
package mailbox
