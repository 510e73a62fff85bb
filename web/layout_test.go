package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/juece/juece/internal/browsertest"
)

// UI.md: the pages work on a 1366×768 office screen and at 200% zoom (a
// 683×384 CSS viewport): nothing needs scrolling sideways, and the items
// list filters by state.
func TestPages_FitTheScreenAtDoubleZoomAndFilterByState(t *testing.T) {
	s := newSite(t)
	a := s.newItem("关于优化营商环境的若干措施")
	s.newItem("关于推进背街小巷改造提升的实施意见") // stays proposed
	s.walk(a, "open_comment_period")
	b := browsertest.New(t)
	s.signIn(b, "fgw")
	b.Run(chromedp.Navigate(s.URL + "/items?state=drafting"))
	wantText(t, b, "关于优化营商环境的若干措施")
	if body := mainText(b); strings.Contains(body, "关于推进背街小巷改造提升的实施意见") {
		t.Fatalf("the state filter lets a proposed item through:\n%s", body)
	}
	for _, zoom := range []struct{ w, h int64 }{{1366, 768}, {683, 384}} {
		b.Run(chromedp.EmulateViewport(zoom.w, zoom.h))
		for _, path := range []string{"/", "/items", fmt.Sprintf("/items/%d", a), fmt.Sprintf("/items/%d?tab=audit", a), fmt.Sprintf("/items/%d/review", a)} {
			b.Run(chromedp.Navigate(s.URL + path))
			if wide := browsertest.Get(b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)); wide {
				t.Errorf("%s at %dx%d scrolls sideways", path, zoom.w, zoom.h)
			}
		}
	}
}
