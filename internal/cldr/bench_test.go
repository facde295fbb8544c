package cldr

import (
	"testing"
	"time"
)

// BenchmarkLocale measures one recipient's worth of formatting: the renderer
// calls these once per message, at up to 20,000 messages a second.
func BenchmarkLocale(b *testing.B) {
	madrid := load(b, "Europe/Madrid")
	start := time.Date(2019, time.April, 9, 9, 0, 0, 0, madrid)
	end := start.Add(5 * time.Hour)
	for _, tag := range []string{"ca", "en-US"} {
		l := mustFor(b, tag)
		b.Run(tag+"/Date", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l.Date(start)
			}
		})
		b.Run(tag+"/Time", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l.Time(start)
			}
		})
		b.Run(tag+"/TimeRange", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l.TimeRange(start, end)
			}
		})
		b.Run(tag+"/Zone", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l.Zone(start)
			}
		})
	}
	b.Run("For", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			For("fr_BE")
		}
	})
}
