package web

import (
	"fmt"
	"sync"
)

// The message catalogue: every text of the pages that is not the
// workflow's (its labels come from the YAML) or a refusal's (from the
// engine and the procedure). zh-CN is the default; every entry has both
// languages (TestMessages_EveryKeyHasBothLanguages). Values may hold
// fmt verbs filled by the template's arguments. UI.md's words are used.
//
// Each part of the workspace adds its entries in its own file with
// addMessages, so that the parts stay apart.

var (
	messagesMu sync.RWMutex
	messages   = map[string][2]string{}
)

// addMessages adds entries to the catalogue; a key given twice panics at
// start-up, so that two parts never silently disagree.
func addMessages(m map[string][2]string) {
	messagesMu.Lock()
	defer messagesMu.Unlock()
	for k, v := range m {
		if _, dup := messages[k]; dup {
			panic("web: message " + k + " defined twice")
		}
		messages[k] = v
	}
}

// translate returns the message key in lang, filled with args; an
// unknown key is shown as itself (and fails TestTemplates_UseOnlyKnownMessages).
func translate(lang, key string, args ...any) string {
	messagesMu.RLock()
	v, ok := messages[key]
	messagesMu.RUnlock()
	if !ok {
		return key
	}
	s := v[0]
	if lang == langEn {
		s = v[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

func init() {
	addMessages(map[string][2]string{
		"app.name":   {"决策——重大行政决策程序", "Juece — major administrative decisions"},
		"app.footer": {"依据《重大行政决策程序暂行条例》（国务院令第713号）办理；每一步均记入防篡改审计记录。", "Run under the Interim Regulations on Major Administrative Decision Procedures (State Council Decree 713); every step is kept in a tamper-evident audit trail."},
		"basis":      {"依据%s", "Basis: %s"},
		"yes":        {"是", "Yes"},
		"no":         {"否", "No"},

		"nav.skip":     {"跳到正文", "Skip to content"},
		"nav.label":    {"主菜单", "Main menu"},
		"nav.work":     {"我的待办", "My work"},
		"nav.items":    {"决策事项", "Decision items"},
		"nav.meetings": {"会议", "Meetings"},
		"nav.audit":    {"审计校验", "Audit"},
		"nav.admin":    {"系统管理", "Administration"},
		"nav.logout":   {"退出登录", "Sign out"},

		"login.title":        {"登录", "Sign in"},
		"login.lead":         {"请输入机关代码、用户名和密码。", "Enter your organisation code, username and password."},
		"login.organisation": {"机关代码", "Organisation code"},
		"login.username":     {"用户名", "Username"},
		"login.password":     {"密码", "Password"},
		"login.submit":       {"登录", "Sign in"},
		"login.demo":         {"演示账号", "Demo accounts"},
		"login.demo_lead":    {"演示模式：机关代码 %s，所有账号的密码均为 %s。", "Demo mode: organisation code %s; every account's password is %s."},
		"login.name":         {"姓名", "Name"},
		"login.roles":        {"角色", "Roles"},

		"error.title": {"无法完成", "This could not be done"},
		"error.home":  {"返回我的待办", "Back to my work"},

		"refusal.title": {"未能办理：", "Not done:"},

		"due.provisional": {"暂定", "provisional"},
		"due.overdue":     {"已逾期", "overdue"},

		"work.title":         {"我的待办", "My work"},
		"work.caption":       {"等待您办理的事项（%d 项），逾期的在前", "Items waiting for you (%d), overdue first"},
		"work.expected":      {"待办理", "To do"},
		"work.empty":         {"暂无待办事项。需要查找事项时，请打开“决策事项”。", "Nothing waits for you. To find an item, open Decision items."},
		"work.calendar":      {"节假日数据", "Holiday data"},
		"work.calendar_load": {"载入通知", "Load the notice"},
		"work.covered_until": {"数据至%s", "data until %s"},

		"items.title":      {"决策事项", "Decision items"},
		"items.new":        {"新建事项", "New item"},
		"items.new_of":     {"新建：%s", "New: %s"},
		"items.filter":     {"筛选事项", "Filter items"},
		"items.search":     {"标题包含", "Title contains"},
		"items.workflow":   {"流程", "Procedure"},
		"items.stage":      {"阶段", "Stage"},
		"items.state":      {"状态", "State"},
		"items.department": {"承办单位", "Organizer"},
		"items.overdue":    {"只看已逾期", "Overdue only"},
		"items.all":        {"全部", "All"},
		"items.apply":      {"筛选", "Filter"},
		"items.reset":      {"清除筛选", "Clear filters"},
		"items.caption":    {"本页 %d 项，新建的在前", "%d items on this page, newest first"},
		"items.next":       {"下一页", "Next page"},
		"items.empty":      {"没有符合条件的事项。", "No item matches."},
		"items.created":    {"事项 #%d 已创建。", "Item #%d created."},

		"item.title":        {"事项名称", "Title"},
		"item.state":        {"当前阶段", "Stage"},
		"item.due":          {"法定期限", "Statutory due date"},
		"item.updated":      {"最近办理", "Last changed"},
		"item.organizer":    {"承办单位", "Organizer"},
		"item.version":      {"第%d版", "version %d"},
		"item.deadline":     {"法定期限", "Statutory due date"},
		"item.progress":     {"办理进度", "Progress"},
		"item.waived":       {"已依法豁免", "Waived"},
		"item.tabs":         {"事项内容", "Item contents"},
		"item.periods":      {"正在计算的法定期限", "Running statutory periods"},
		"item.record_empty": {"尚无记录。", "Nothing recorded yet."},
		"item.actions":      {"可办理事项", "What you can do"},
		"item.no_actions":   {"您目前没有可办理的事项。", "There is nothing for you to do now."},
		"item.via_meeting":  {"在会议室办理", "Done in the meeting room"},
		"item.to_meetings":  {"前往会议", "Go to meetings"},
		"item.blocked":      {"暂不能办理", "Not possible yet"},
		"item.others":       {"由其他角色办理的事项（%d）", "Done by other roles (%d)"},
		"item.done":         {"已办理：%s。", "Done: %s."},

		"step.done":    {"已完成", "done"},
		"step.current": {"当前阶段", "current"},
		"step.todo":    {"未开始", "not yet"},

		"tab.record":    {"记录", "Record"},
		"tab.documents": {"材料", "Documents"},
		"tab.audit":     {"审计记录", "Audit trail"},
		"tab.diagram":   {"流程图", "Procedure map"},
		"tab.comments":  {"意见", "Opinions"},
		"tab.review":    {"合法性审查", "Legality review"},

		"period.name":   {"期限", "Period"},
		"period.due":    {"截止日", "Due"},
		"period.basis":  {"依据", "Basis"},
		"period.paused": {"已中止计算", "paused"},

		"doc.name":        {"文件名", "File"},
		"doc.kind":        {"类别", "Kind"},
		"doc.uploaded":    {"上传", "Uploaded"},
		"doc.actions":     {"操作", "Actions"},
		"doc.download":    {"下载", "Download"},
		"doc.preview":     {"预览", "Preview"},
		"doc.empty":       {"尚无材料。", "No documents yet."},
		"doc.upload":      {"上传材料", "Upload a document"},
		"doc.file":        {"文件", "File"},
		"doc.public":      {"随事项向社会公开", "Publish with the item"},
		"doc.is_public":   {"公开", "public"},
		"doc.draft_hint":  {"决策草案请通过“提交决策草案”办理，以便草案与审查对应。", "Record a draft through “Record a (new) draft”, so that reviews refer to it."},
		"doc.uploaded_ok": {"已上传：%s。", "Uploaded: %s."},

		"audit.ok":     {"审计记录共 %d 条，哈希链校验通过，未被篡改。", "%d audit events; the hash chain verifies: nothing was altered."},
		"audit.broken": {"审计记录在第 %d 条处校验失败：%s", "The audit trail breaks at event %d: %s"},

		"diagram.help":    {"流程的全部阶段，以及本事项经过的路径。", "Every state of the procedure, and the path this item took."},
		"diagram.current": {"当前", "current"},
		"diagram.visited": {"已经过", "passed"},
		"diagram.taken":   {"本事项经过", "taken by this item"},

		"form.required":      {"（必填）", "(required)"},
		"form.reason":        {"理由", "Reason"},
		"form.confirm":       {"我已核对，确认办理（办理后不可撤销）", "I have checked and confirm (this cannot be undone)"},
		"form.choose":        {"请选择", "Choose"},
		"form.cancel":        {"取消", "Cancel"},
		"form.no_input":      {"无需填写内容。", "Nothing to fill in."},
		"form.no_choices":    {"暂无可选项。", "Nothing to choose from."},
		"form.one_per_line":  {"每行一项。", "One per line."},
		"form.doc_existing":  {"选择已上传的文件", "Choose an uploaded file"},
		"form.doc_none":      {"（不选择）", "(none)"},
		"form.doc_or_upload": {"或上传新文件", "or upload a new file"},
		"form.doc_upload":    {"上传文件", "Upload the file"},
	})
}
