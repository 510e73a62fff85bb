package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/juece/juece/internal/browsertest"
)

// Every form works without JavaScript (DESIGN.md, government intranets):
// with script execution disabled, a clerk signs in, opens an action from
// the work queue, records the consultation of departments (a list and a
// yes/no), and sees it in the record; the language switch works too.
func TestPages_WorkWithJavaScriptOff(t *testing.T) {
	s := newSite(t)
	id := s.newItem("关于优化营商环境的若干措施")
	s.walk(id, "record_department_consultation")

	b := browsertest.New(t, browsertest.NoJavaScript())
	s.signIn(b, "fgw")
	wantText(t, b, "我的待办", "关于优化营商环境的若干措施", "记录部门意见征求情况")
	b.Run(
		submit(`a[href$="?act=record_department_consultation#act-record_department_consultation"]`),
		chromedp.WaitVisible(chromedp.ID("ev-record_department_consultation-departments")),
		chromedp.SendKeys(chromedp.ID("ev-record_department_consultation-departments"), "区财政局\n区住建局"),
		chromedp.Click(chromedp.ID("ev-record_department_consultation-agreed-yes")),
		submit(`#act-record_department_consultation button[type="submit"]`),
	)
	wantText(t, b, "已办理：记录部门意见征求情况", "区财政局；区住建局")
	b.Axe(t)

	b.Run(submit(`a[href^="/lang/en"]`))
	wantText(t, b, "What you can do", "Departments and governments consulted", "区财政局; 区住建局")
	b.Run(submit(`a[href^="/lang/zh"]`))
	wantText(t, b, "记录部门意见征求情况")
}
