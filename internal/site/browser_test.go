package site

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/openfoodfoundation/announce/internal/cldr"
)

// browser is the one headless Debian chromium of the test run: every page
// opens in a new tab of it.
var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel []context.CancelFunc
	err    error
}

// needs fails the test when CI=true (the test command installs what it
// needs) and skips it, saying why, otherwise.
func needs(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and %v (testdata/browser/install.sh installs it)", err)
	}
	t.Skipf("%v (testdata/browser/install.sh installs it; with CI=true this fails)", err)
}

func chromium(t *testing.T) context.Context {
	t.Helper()
	browser.once.Do(func() {
		path, err := exec.LookPath("chromium")
		if err != nil {
			browser.err = errors.New("no chromium on PATH")
			return
		}
		profile, err := os.MkdirTemp("", "announce-chromium-")
		if err != nil {
			browser.err = err
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
			chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile),
			chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
			chromedp.Flag("hide-scrollbars", true),
		}
		actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, cancelB := chromedp.NewContext(actx)
		browser.ctx, browser.cancel = bctx, []context.CancelFunc{cancelB, cancelA, func() { os.RemoveAll(profile) }}
		// The first action starts the browser, on bctx itself: a context
		// derived from it would take the browser down when cancelled.
		if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
			browser.err = errors.New("chromium does not start: " + err.Error())
		}
	})
	needs(t, browser.err)
	return browser.ctx
}

func closeBrowser() {
	for _, c := range browser.cancel {
		c()
	}
}

// artifacts is where screenshots go: $ANNOUNCE_ARTIFACTS/site-browser when
// set (kept), else the test's temporary directory (logged).
func artifacts(t *testing.T) string {
	dir := t.TempDir()
	if a := os.Getenv("ANNOUNCE_ARTIFACTS"); a != "" {
		dir = filepath.Join(a, "site-browser")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// layout is what a page looks like in the browser.
type layout struct {
	ScrollWidth int `json:"scrollWidth"`
	ClientWidth int `json:"clientWidth"`
	// Overflowing names elements that reach past the right edge.
	Overflowing []string `json:"overflowing"`
	// Found, Visible and Text are about the first element that matches the
	// page's window selector and holds the wanted text.
	Found   int    `json:"found"`
	Visible bool   `json:"visible"`
	Text    string `json:"text"`
}

// measure is run in the page: the document's widths, what sticks out past
// the right edge (outside scrolling boxes), and whether an element holding
// the window's text is on screen and shown.
const measure = `((sel, want) => {
  const d = document.documentElement, w = d.clientWidth;
  const norm = s => s.replace(/[\u202f\u2009\u00a0\s]+/g, " ").trim();
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll" || o === "hidden") return true; } return false; };
  const over = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 0.5 && !scrolls(el)) over.push(el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined ? "." + el.className : "") + ": " + norm(el.textContent).slice(0, 60));
  }
  const els = [...document.querySelectorAll(sel)];
  const el = els.find(e => norm(e.textContent).includes(norm(want)));
  let visible = false;
  if (el) {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    visible = r.width > 0 && r.height > 0 && r.left >= -0.5 && r.right <= w + 0.5 && cs.visibility === "visible" && cs.display !== "none" && cs.opacity !== "0";
  }
  return {scrollWidth: d.scrollWidth, clientWidth: w, overflowing: over.slice(0, 5), found: els.length, visible, text: el ? norm(el.textContent) : ""};
})`

// page is one file to look at, what holds its window, and the text that
// must show there.
type page struct{ file, sel, want string }

func pages(t *testing.T, dir string) []page {
	in := shippedInput(t, june13)
	var out []page
	add := func(file, sel, want string) { out = append(out, page{file, sel, want}) }
	add("site/index.html", "text.window-label", "Thu 09:00–11:00 CEST (+1h)")
	add("plan.html", "text.window-label", "Tue 21:00–Wed 01:00 AEST (+1h)")
	for _, k := range keys(in) {
		inst := in.Instances.Instances[k]
		win, _ := in.Schedule.Window(k)
		loc := inst.Location()
		for _, l := range inst.Locales {
			tag := strings.ReplaceAll(l, "_", "-")
			c := cldr.For(tag)
			add("site/"+k+"/"+tag+"/index.html", "p.when", c.Date(win.Begin().In(loc)))
			add("maintenance/"+k+"/"+tag+".html", "p.when", c.Date(win.End().In(loc)))
		}
	}
	emails, _ := filepath.Glob(filepath.Join(dir, "email", "*.html"))
	for _, e := range emails {
		name := filepath.Base(e)
		parts := strings.SplitN(strings.TrimSuffix(name, ".html"), "-", 3)
		if parts[1] == "done" {
			continue // no window line: it is over
		}
		win, _ := in.Schedule.Window(parts[0])
		c := cldr.For(parts[2])
		add("email/"+name, "p.window", c.Date(win.Begin().In(in.Instances.Instances[parts[0]].Location())))
	}
	return out
}

// Every page at a phone's width and a desktop's: nothing wider than the
// screen, and the window's text shown. A screenshot of each is kept.
func TestPagesInBrowser(t *testing.T) {
	ctx := chromium(t)
	dir := sharedDir(t)
	art := artifacts(t)
	ps := pages(t, dir)
	if len(ps) < 40 {
		t.Fatalf("only %d pages to check", len(ps))
	}
	for _, p := range ps {
		for _, width := range []int64{375, 1280} {
			name := strings.NewReplacer("/", "_", ".html", "").Replace(p.file) + "-" + map[int64]string{375: "375", 1280: "1280"}[width]
			t.Run(name, func(t *testing.T) {
				tab, cancel := chromedp.NewContext(ctx)
				defer cancel()
				tab, cancelT := context.WithTimeout(tab, 30*time.Second)
				defer cancelT()
				if err := chromedp.Do(tab, chromedp.EmulateViewport(width, 800), chromedp.Navigate("file://"+filepath.Join(dir, p.file))); err != nil {
					t.Fatal(err)
				}
				got, err := chromedp.Run(tab, chromedp.Evaluate[layout](measure+"("+quote(p.sel)+","+quote(p.want)+")"))
				if err != nil {
					t.Fatal(err)
				}
				shot, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(art, name+".png"), shot, 0o644); err != nil {
					t.Fatal(err)
				}
				if got.ScrollWidth > got.ClientWidth || len(got.Overflowing) > 0 {
					t.Errorf("%s at %d px: scrollWidth %d > clientWidth %d; sticking out: %q", p.file, width, got.ScrollWidth, got.ClientWidth, got.Overflowing)
				}
				if !got.Visible {
					t.Errorf("%s at %d px: no visible %s holding %q (%d such elements; text %q)", p.file, width, p.sel, p.want, got.Found, got.Text)
				}
			})
		}
	}
}

// quote writes s as a JavaScript string literal.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\u2028", `\u2028`, "\u2029", `\u2029`)
	return `"` + r.Replace(s) + `"`
}
