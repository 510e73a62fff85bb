// Package browsertest drives a headless Chromium from Go tests with chromedp,
// for the browser tests of Juece's web interface. Import it from _test.go
// files only.
//
// New starts one browser per call with the flags that this project's
// machines need (their network is closed: without the background-networking
// flags Chromium stalls on refused connections) and a fresh profile, and
// stops it when the test ends. The browser is found through the CHROMIUM
// environment variable, then /usr/bin/chromium, then chromium,
// chromium-browser or google-chrome in PATH. When none is found the test is
// skipped, except when the environment variable CI is set or
// JUECE_REQUIRE_BROWSER=1: then it fails, so that CI never silently skips the
// browser tests. A CHROMIUM that names no executable always fails.
//
// Every helper fails the test on error with a message that names the step,
// and saves a screenshot of the page at the time of the failure (see
// ArtifactsEnv).
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Size of the viewport (and of the emulated screen) of every tab, in CSS
// pixels.
const (
	WindowWidth  = 1366
	WindowHeight = 768
)

// DefaultTimeout is how long one call of a Browser helper (Run, Get,
// Screenshot, Axe) may take before it fails the test. Timeout changes it.
const DefaultTimeout = 20 * time.Second

// startTimeout bounds the start of the browser process and its first tab.
const startTimeout = 30 * time.Second

// ArtifactsEnv names the environment variable of the directory that receives
// the screenshots taken when a helper fails. Unset, they go to
// $TMPDIR/juece-browsertest. The directory outlives the test, unlike
// t.TempDir, so the picture can be looked at afterwards; its path is printed
// in the failure message.
const ArtifactsEnv = "JUECE_BROWSER_ARTIFACTS"

// installHint is the instruction printed when no browser is found.
const installHint = "install Chromium and the CJK fonts (Debian: apt-get install -y chromium fonts-noto-cjk), " +
	"or set CHROMIUM to the path of a Chromium or Chrome binary"

// browserFlags are the command-line flags of every browser that New starts,
// as DESIGN.md and the machine notes prescribe. Each is a boolean switch.
var browserFlags = []string{
	"headless",
	"no-sandbox",
	"disable-gpu",
	"no-first-run",
	"disable-background-networking",
	"disable-component-update",
	"disable-sync",
	"disable-quic",
}

// Option changes how New or Browser.NewContext sets up a browser tab.
type Option func(*config)

type config struct {
	noJS    bool
	timeout time.Duration
}

// NoJavaScript makes the tab run with script execution disabled
// (Emulation.setScriptExecutionDisabled), for checking that pages and forms
// work without JavaScript. The setting lasts for the life of the tab, across
// navigations. Expressions that the test evaluates through the DevTools
// protocol (chromedp.Evaluate) still run; Axe switches scripts on for the
// duration of its check.
func NoJavaScript() Option {
	return func(c *config) { c.noJS = true }
}

// Timeout sets how long one call of a helper may take; d <= 0 means
// DefaultTimeout.
func Timeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// Browser is one tab of a headless Chromium, bound to the test that created
// it. Its methods fail that test on error. A Browser is not safe for
// concurrent use: actions on one tab race. Use NewContext for a second tab.
type Browser struct {
	t       testing.TB
	ctx     context.Context // chromedp context of the tab, without a deadline
	timeout time.Duration
	noJS    bool
	output  *tailBuffer   // the browser's stdout and stderr, last part
	shots   *atomic.Int64 // failure screenshots taken so far, shared by tabs
}

// New starts a headless Chromium for the test t and returns its first tab,
// with a viewport of WindowWidth x WindowHeight and a fresh profile in
// t.TempDir(). The browser stops in t.Cleanup. When no browser binary is
// found New skips t, or fails it when CI is set, JUECE_REQUIRE_BROWSER=1 or
// CHROMIUM names no executable; it fails t when the browser does not start.
func New(t testing.TB, opts ...Option) *Browser {
	t.Helper()
	cfg := newConfig(opts)
	path, err := findBrowser()
	if err != nil {
		if os.Getenv("CHROMIUM") != "" {
			t.Fatalf("browsertest: %v", err) // asked for a browser that is not there
		}
		if requireBrowser() {
			t.Fatalf("browsertest: %v; the browser tests must run here (CI or JUECE_REQUIRE_BROWSER=1 is set): %s", err, installHint)
		}
		t.Skipf("browsertest: %v; skipping: %s", err, installHint)
	}

	profile := t.TempDir() // removed after the cleanup below has stopped the browser
	out := &tailBuffer{max: 32 << 10}
	allocOpts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(WindowWidth, WindowHeight),
		chromedp.CombinedOutput(out),
	}
	for _, f := range browserFlags {
		allocOpts = append(allocOpts, chromedp.Flag(f, true))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})

	// The first Run starts the browser and binds its life to the context it
	// gets, so it must not carry a deadline; a timer stops a hung start.
	timer := time.AfterFunc(startTimeout, cancelAlloc)
	err = chromedp.Do(ctx)
	if !timer.Stop() {
		err = fmt.Errorf("no answer within %v (%v)", startTimeout, err)
	}
	if err != nil {
		t.Fatalf("browsertest: starting %s: %v\nbrowser output:\n%s", path, err, out.String())
	}

	b := &Browser{t: t, ctx: ctx, timeout: cfg.timeout, output: out, shots: new(atomic.Int64)}
	b.setup(cfg)
	return b
}

// NewContext opens a new tab in a new, independent browser context of b's
// browser (its own cookies, storage and cache, like a separate profile), for
// a second user, bound to the test t (which may be a subtest of b's test).
// It does not inherit b's options. The tab closes in t.Cleanup.
func (b *Browser) NewContext(t testing.TB, opts ...Option) *Browser {
	t.Helper()
	cfg := newConfig(opts)
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first Run opens the tab and binds it to ctx: no deadline here
	// either, but the browser is running already.
	timer := time.AfterFunc(startTimeout, cancel)
	err := chromedp.Do(ctx)
	if !timer.Stop() {
		err = fmt.Errorf("no answer within %v (%v)", startTimeout, err)
	}
	if err != nil {
		t.Fatalf("browsertest: opening a tab in a new browser context: %v\nbrowser output:\n%s", err, b.output.String())
	}
	nb := &Browser{t: t, ctx: ctx, timeout: cfg.timeout, output: b.output, shots: b.shots}
	nb.setup(cfg)
	return nb
}

// setup applies the per-tab options of cfg.
func (b *Browser) setup(cfg config) {
	b.t.Helper()
	// --window-size sizes the window, not the page: the viewport comes out
	// shorter, and by a different amount in the first tab and in later
	// ones. Override the metrics so every tab has a 1366x768 viewport and
	// screen.
	b.Run(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: WindowWidth, Height: WindowHeight, DeviceScaleFactor: 1,
			ScreenWidth: WindowWidth, ScreenHeight: WindowHeight,
		})
		return err
	}))
	if cfg.noJS {
		b.noJS = true
		ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
		defer cancel()
		if err := b.setScriptExecutionDisabled(ctx, true); err != nil {
			b.fatal("disabling JavaScript", err)
		}
	}
}

// setScriptExecutionDisabled switches the page's script execution off or on
// with Emulation.setScriptExecutionDisabled.
func (b *Browser) setScriptExecutionDisabled(ctx context.Context, disabled bool) error {
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
		emulation.SetScriptExecutionDisabledParams{Value: disabled})
	return err
}

// Ctx returns the chromedp context of the tab, for calling chromedp
// directly. It has no deadline and ends when the test ends; derive a context
// with a timeout for each call.
func (b *Browser) Ctx() context.Context { return b.ctx }

// JavaScriptDisabled reports whether the tab runs with script execution
// disabled (NoJavaScript).
func (b *Browser) JavaScriptDisabled() bool { return b.noJS }

// Run runs the actions in order in the tab, within the timeout, and fails
// the test with the error and a screenshot when one of them fails.
func (b *Browser) Run(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fatal("run", err)
	}
}

// Get runs the action a in b's tab, within the timeout, and returns its
// value, for example Get(b, chromedp.Text(chromedp.ID("result"))). It fails
// the test with the error and a screenshot when the action fails.
func Get[T any](b *Browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.fatal("get", err)
	}
	return v
}

// Screenshot saves a PNG of the whole page (beyond the viewport) at path,
// creating its parent directories. It fails the test on error.
func (b *Browser) Screenshot(path string) {
	b.t.Helper()
	if err := b.screenshot(path); err != nil {
		b.t.Fatalf("browsertest: screenshot %s: %v", path, err)
	}
}

func (b *Browser) screenshot(path string) error {
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

// fatal fails b's test after saving a screenshot of the page.
func (b *Browser) fatal(step string, err error) {
	b.t.Helper()
	b.t.Fatalf("browsertest: %s: %v%s", step, err, b.failureShot(b.t))
}

// failureShot saves a screenshot of the page for a failure report of the
// test t and returns a sentence naming it, or naming why none was taken.
func (b *Browser) failureShot(t testing.TB) string {
	dir := os.Getenv(ArtifactsEnv)
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "juece-browsertest")
	}
	name := strings.NewReplacer("/", "_", " ", "_", ":", "_").Replace(t.Name())
	path := filepath.Join(dir, fmt.Sprintf("%s-failure-%d.png", name, b.shots.Add(1)))
	// The tab's context may be the one that failed; give the screenshot a
	// short deadline of its own.
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		if err = os.MkdirAll(dir, 0o755); err == nil {
			err = os.WriteFile(path, png, 0o644)
		}
	}
	if err != nil {
		return fmt.Sprintf("\n(no screenshot of the page: %v)", err)
	}
	return "\nscreenshot of the page: " + path
}

func newConfig(opts []Option) config {
	cfg := config{timeout: DefaultTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.timeout <= 0 {
		cfg.timeout = DefaultTimeout
	}
	return cfg
}

// requireBrowser reports whether a missing browser fails the tests rather
// than skipping them.
func requireBrowser() bool {
	return os.Getenv("CI") != "" || os.Getenv("JUECE_REQUIRE_BROWSER") == "1"
}

// findBrowser returns the path of the browser binary: $CHROMIUM, then
// /usr/bin/chromium, then chromium, chromium-browser or google-chrome in
// PATH.
func findBrowser() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		full, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("CHROMIUM=%s is not an executable: %w", p, err)
		}
		return full, nil
	}
	if p, err := exec.LookPath("/usr/bin/chromium"); err == nil {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found (CHROMIUM unset; no /usr/bin/chromium, chromium, chromium-browser or google-chrome in PATH)")
}

// tailBuffer keeps the last max bytes written to it; it is safe for
// concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (w *tailBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if extra := w.buf.Len() - w.max; extra > 0 {
		w.buf.Next(extra)
	}
	return len(p), nil
}

func (w *tailBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
