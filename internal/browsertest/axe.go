package browsertest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/juece/juece/web"
)

// axePath is the vendored axe-core inside web.Static.
const axePath = "static/vendor/axe.min.js"

// axeSource reads the vendored axe-core once.
var axeSource = sync.OnceValues(func() (string, error) {
	src, err := web.Static.ReadFile(axePath)
	if err != nil {
		return "", fmt.Errorf("reading the vendored axe-core (web.Static %s; run `make assets`): %w", axePath, err)
	}
	// The trailing expression keeps the evaluation's result a plain
	// undefined rather than whatever the script's last statement yields.
	return string(src) + "\n;undefined", nil
})

// axeRun runs axe-core on the whole document and resolves to the violations
// in the shape of AxeViolation. A target is a list of selectors, nested for
// shadow DOM and iframes; nested parts are joined with " >>> ".
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
	id: v.id,
	impact: v.impact || "",
	help: v.help,
	helpUrl: v.helpUrl,
	targets: v.nodes.map(n => n.target.map(s => Array.isArray(s) ? s.join(" >>> ") : String(s)).join(" ")),
})))`

// AxeViolation is one rule that axe-core found broken on a page.
type AxeViolation struct {
	ID      string   `json:"id"`      // rule id, such as "image-alt"
	Impact  string   `json:"impact"`  // "minor", "moderate", "serious" or "critical"
	Help    string   `json:"help"`    // one-line description of the rule
	HelpURL string   `json:"helpUrl"` // axe-core's page about the rule
	Targets []string `json:"targets"` // CSS selectors of the offending elements
}

// Blocking reports whether the violation fails Axe: impact "serious" or
// "critical".
func (v AxeViolation) Blocking() bool {
	return v.Impact == "serious" || v.Impact == "critical"
}

// String formats the violation as "rule (impact): help; at sel1, sel2, ..."
// with at most the first three targets.
func (v AxeViolation) String() string {
	targets := v.Targets
	more := ""
	if len(targets) > 3 {
		more = fmt.Sprintf(" and %d more", len(targets)-3)
		targets = targets[:3]
	}
	return fmt.Sprintf("%s (%s): %s; at %s%s", v.ID, v.Impact, v.Help, strings.Join(targets, ", "), more)
}

// AxeViolations injects the vendored axe-core into the current page, unless
// it is there already, runs axe.run() on the whole document and returns every
// violation, of any impact, in axe-core's order. It does not fail the test;
// Axe does.
//
// In a NoJavaScript tab, script execution is switched on for the duration
// of the check and off again afterwards: axe-core resolves its promise from
// timers, which do not fire while scripts are disabled. The page's own
// scripts, skipped when it loaded, do not run then.
func (b *Browser) AxeViolations() (_ []AxeViolation, err error) {
	src, err := axeSource()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	if b.noJS {
		if err := b.setScriptExecutionDisabled(ctx, false); err != nil {
			return nil, fmt.Errorf("enabling scripts for axe-core: %w", err)
		}
		defer func() {
			if e := b.setScriptExecutionDisabled(ctx, true); e != nil && err == nil {
				err = fmt.Errorf("disabling scripts again after axe-core: %w", e)
			}
		}()
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object" && typeof window.axe.run === "function"`))
	if err != nil {
		return nil, fmt.Errorf("looking for axe-core in the page: %w", err)
	}
	if !loaded {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			return nil, fmt.Errorf("injecting axe-core: %w", err)
		}
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]AxeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("running axe-core: %w", err)
	}
	return vs, nil
}

// Axe checks the current page with axe-core and fails t (with Errorf, so the
// test goes on to check other pages) when there is any violation of impact
// "serious" or "critical", listing for each its rule id, impact, help and
// first target selectors, with a screenshot of the page. Lesser violations
// are logged. It fails t with Fatalf when axe-core cannot run.
func (b *Browser) Axe(t testing.TB) {
	t.Helper()
	vs, err := b.AxeViolations()
	if err != nil {
		t.Fatalf("browsertest: axe: %v%s", err, b.failureShot(t))
	}
	var blocking []string
	for _, v := range vs {
		if v.Blocking() {
			blocking = append(blocking, "  "+v.String())
		} else {
			t.Logf("browsertest: axe (not failing): %s", v)
		}
	}
	if len(blocking) > 0 {
		t.Errorf("browsertest: axe found %d serious or critical accessibility violation(s) on %s:\n%s%s",
			len(blocking), b.location(), strings.Join(blocking, "\n"), b.failureShot(t))
	}
}

// location returns the URL of the current page, or a placeholder.
func (b *Browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "the current page"
	}
	return loc
}
