package support_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailbox/mailboxtest"
	"github.com/openfoodfoundation/announce/internal/support"
)

// TestBenchDigest measures the first read of a large support inbox and an
// incremental read of 100 new messages, with the peak heap of each. It runs
// only when ANNOUNCE_BENCH_DIGEST holds the number of messages (see
// scripts/bench-digest.sh); ANNOUNCE_BENCH_DIGEST_ASSERT=1 also fails it
// above 60 s and 2 s.
func TestBenchDigest(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ANNOUNCE_BENCH_DIGEST"))
	if n <= 0 {
		t.Skip("set ANNOUNCE_BENCH_DIGEST=20000 (scripts/bench-digest.sh)")
	}
	box := mailboxtest.Dovecot(t).NewBox(t, "INBOX")
	l := openLedger(t)
	mailboxtest.Seed(t, l)

	start := time.Now()
	const chunk = 2000 // generate and append in chunks: the test's own memory stays small too
	for i := 0; i < n; i += chunk {
		var msgs [][]byte
		for j := i; j < min(n, i+chunk); j++ {
			msgs = append(msgs, benchMessage(j))
		}
		box.Append(t, msgs...)
	}
	t.Logf("filled %d messages in %v", n, time.Since(start).Round(time.Millisecond))

	first, firstHeap := measure(t, box, l)
	var more [][]byte
	for j := n; j < n+100; j++ {
		more = append(more, benchMessage(j))
	}
	box.Append(t, more...)
	second, secondHeap := measure(t, box, l)

	fmt.Printf("digest bench: %d messages: first read %v (peak heap %.1f MB), 100 new %v (peak heap %.1f MB)\n",
		n, first.Round(time.Millisecond), firstHeap, second.Round(time.Millisecond), secondHeap)
	if os.Getenv("ANNOUNCE_BENCH_DIGEST_ASSERT") == "1" {
		if first > 60*time.Second {
			t.Errorf("first read of %d messages took %v, want under 60 s", n, first)
		}
		if second > 2*time.Second {
			t.Errorf("incremental read of 100 messages took %v, want under 2 s", second)
		}
	}
}

// measure runs one Sync (connection included) and returns its time and the
// peak live heap seen while it ran, sampled every 5 ms.
func measure(t *testing.T, box *mailboxtest.Box, l *ledger.Ledger) (time.Duration, float64) {
	t.Helper()
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	res := sync(t, box, l, support.SyncOptions{})
	d := time.Since(start)
	close(stop)
	<-done
	t.Logf("read %d, bodies %d, new %d in %v", res.Read, res.Bodies, res.New, d)
	return d, float64(peak.Load()) / (1 << 20)
}

// benchMessage is message i of a support inbox that is mostly other mail:
// newsletters, suppliers and people writing about other things, with the
// headers real mail carries; one in 50 replies to a notice, one in 100 is a
// bounce.
func benchMessage(i int) []byte {
	seed := mailboxtest.Seeds[i%len(mailboxtest.Seeds)]
	switch {
	case i%50 == 7:
		return mailboxtest.Reply(fmt.Sprintf("bench-%d", i), seed.MessageID())
	case i%100 == 13:
		return mailboxtest.Bounce(fmt.Sprintf("user%d@example.test", i), seed.MessageID(), fmt.Sprintf("bench-%d", i), i%200 == 13)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Return-Path: <list-%d@lists.example.test>\r\n", i%37)
	for h := 0; h < 3; h++ {
		fmt.Fprintf(&b, "Received: from mx%d.example.test (mx%d.example.test [192.0.2.%d])\r\n\tby mail.katuma.test (Postfix) with ESMTPS id %X\r\n\tfor <info@katuma.test>; Thu, 2 May 2019 10:%02d:00 +0200 (CEST)\r\n", h, h, i%250, i*7919+h, i%60)
	}
	fmt.Fprintf(&b, "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.test; s=s1; h=from:to:subject:date;\r\n\tbh=%s;\r\n\tb=%s\r\n", strings.Repeat("Q", 44), strings.Repeat("AbCd", 86))
	fmt.Fprintf(&b, "From: Sender %d <sender%d@example.test>\r\nTo: info@katuma.test\r\nSubject: Comanda setmanal %d\r\n", i, i%500, i)
	fmt.Fprintf(&b, "Date: Thu, 2 May 2019 10:%02d:%02d +0200\r\nMessage-ID: <bench-%d@example.test>\r\n", i%60, i%60, i)
	fmt.Fprintf(&b, "List-Unsubscribe: <mailto:unsubscribe@lists.example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	for p := 0; p < 12; p++ {
		fmt.Fprintf(&b, "Paràgraf %d del missatge %d: cistelles, comandes, horaris de repartiment i altres coses.\r\n", p, i)
	}
	return []byte(b.String())
}
