package dispatch

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/render"
)

// countingSink writes each message's MIME bytes to io.Discard — the full cost
// of building them — and samples the live heap.
type countingSink struct {
	n       int
	bytes   int64
	maxHeap uint64
}

func (s *countingSink) Deliver(_ context.Context, d *Delivery) error {
	n, err := d.Msg.WriteTo(io.Discard)
	s.n++
	s.bytes += n
	if s.n%10000 == 0 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		s.maxHeap = max(s.maxHeap, ms.HeapAlloc)
	}
	return err
}

func writeRecipients(tb testing.TB, n int) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "r.csv")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("email,name,locale,role\n")
	locales := []string{"ca", "es", "", "en"}
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "user%d@example.test,Usuària %d,%s,shopper\n", i, i, locales[i%len(locales)])
	}
	w.Flush()
	f.Close()
	return p
}

func katumaJob(tb testing.TB) *render.Prepared {
	tb.Helper()
	r, err := render.New(os.DirFS("../../templates"), "templates", os.DirFS("../../locales"), "locales")
	if err != nil {
		tb.Fatal(err)
	}
	inst, err := config.LoadInstances("../../config/instances.toml")
	if err != nil {
		tb.Fatal(err)
	}
	sched, err := config.LoadSchedule("../../config/schedule.toml", inst)
	if err != nil {
		tb.Fatal(err)
	}
	w, _ := sched.Window("katuma")
	p, err := r.Prepare(render.Job{Schedule: sched, Instance: inst.Instances["katuma"], Window: w, Notice: config.Announce})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkRender renders recipients of Katuma's announcement to full MIME
// bytes: CSV parsing, locale choice, templates, go-mail building and writing.
// Run with -cpu 1 for the one-core figure; msgs/s and max-heap-MB are the
// figures to read (the heap should not grow with the recipient count).
func BenchmarkRender(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("recipients=%d", n), func(b *testing.B) {
			p := katumaJob(b)
			path := writeRecipients(b, n)
			now := time.Date(2019, 4, 30, 10, 0, 0, 0, time.UTC)
			b.ReportAllocs()
			b.ResetTimer()
			var sink *countingSink
			start := time.Now()
			for i := 0; i < b.N; i++ {
				sink = &countingSink{}
				if err := Run(context.Background(), p, path, now, sink, nil); err != nil {
					b.Fatal(err)
				}
				if sink.n != n {
					b.Fatalf("delivered %d, want %d", sink.n, n)
				}
			}
			elapsed := time.Since(start)
			b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "msgs/s")
			b.ReportMetric(float64(sink.maxHeap)/(1<<20), "max-heap-MB")
			b.ReportMetric(float64(sink.bytes)/float64(n), "bytes/msg")
		})
	}
}
