// Package progress shows a send as it goes: a bar on a terminal, a log line
// every few seconds otherwise (cron, systemd), so a long run is never silent.
package progress

import (
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/openfoodfoundation/announce/internal/dispatch"
)

// Progress is one notice's send: counts under a lock, so the workers can
// add to it at once.
type Progress struct {
	mu        sync.Mutex
	total     int
	done      int
	sent      int
	failed    int
	start     time.Time
	bar       *progressbar.ProgressBar
	log       *slog.Logger
	every     time.Duration
	lastLog   time.Time
	instance  string
	notice    string
	now       func() time.Time
	closeOnce sync.Once
}

// New shows the send of total messages of instance's notice: a bar on w
// when tty, else a log line every 5 seconds.
func New(w io.Writer, tty bool, total int, instance, notice string, log *slog.Logger, now func() time.Time) *Progress {
	p := &Progress{total: total, start: now(), log: log, every: 5 * time.Second, instance: instance, notice: notice, now: now}
	p.lastLog = p.start
	if tty {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(fmt.Sprintf("%s %s", instance, notice)),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("msg"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// Add counts one recipient dealt with.
func (p *Progress) Add(o dispatch.Outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	switch o.Result {
	case dispatch.Sent:
		p.sent++
	case dispatch.FailedTemp, dispatch.FailedPerm:
		p.failed++
	}
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%s %s: %d sent, %d failed", p.instance, p.notice, p.sent, p.failed))
		p.bar.Add(1)
		return
	}
	if now := p.now(); now.Sub(p.lastLog) >= p.every {
		p.lastLog = now
		p.logLine(now)
	}
}

func (p *Progress) logLine(now time.Time) {
	elapsed := now.Sub(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.sent) / elapsed
	}
	remaining := p.total - p.done
	eta := "unknown"
	if rate > 0 {
		eta = time.Duration(float64(remaining) / rate * float64(time.Second)).Round(time.Second).String()
	}
	p.log.Info("sending", "instance", p.instance, "notice", p.notice, "sent", p.sent, "failed", p.failed,
		"remaining", remaining, "rate_per_s", fmt.Sprintf("%.1f", rate), "eta", eta)
}

// Finish ends the bar, once.
func (p *Progress) Finish() {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.bar != nil {
			p.bar.Finish()
		}
	})
}
