package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/scenario"
	"github.com/juece/juece/procedure"
	"github.com/juece/juece/store"
	"github.com/juece/juece/web"
	"golang.org/x/crypto/bcrypt"
)

// demoPassword is the password of every demo login. The demo is for trying
// Juece out on a laptop, never for production data.
const demoPassword = "juece-demo-2026"

// demoLogin is one printed demo account.
type demoLogin struct{ username, name, roles string }

// seedDemo fills an empty database with a demo government: departments,
// counsel from a retained law firm, meeting members, and items spread over
// the stages of the procedures. It does nothing (and returns no logins) when
// the demo organisation already exists.
func seedDemo(ctx context.Context, a *app) ([]demoLogin, error) {
	return seedDemoOn(ctx, a, a.engine.Today())
}

// seedDemoOn is seedDemo with the demo's dates placed relative to today.
func seedDemoOn(ctx context.Context, a *app, today engine.Date) ([]demoLogin, error) {
	if _, err := a.db.GetOrganisationByCode(ctx, "demo"); err == nil {
		return nil, nil
	} else if engine.ErrorCode(err) != engine.CodeNotFound {
		return nil, err
	}
	// Nineteen accounts with a published password, an administrator among
	// them, never go into a database that serves a real government.
	orgs, err := a.db.ListOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if o.ID != 0 {
			return nil, fmt.Errorf("the database already holds organisation %q (%s): --demo adds its demo accounts only to an empty database (演示数据只能填入空数据库)", o.Code, o.Name)
		}
	}
	org, err := a.db.CreateOrganisation(ctx, "demo", "示范区人民政府", "cn")
	if err != nil {
		return nil, err
	}
	depts := map[string]int64{}
	for _, n := range []string{"区发展和改革委员会", "区交通运输局", "区住房和城乡建设局", "区司法局", "区人民政府办公室", "区财政局"} {
		id, err := a.db.CreateDepartment(ctx, org, n)
		if err != nil {
			return nil, err
		}
		depts[n] = id
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(demoPassword), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	var logins []demoLogin
	actors := map[string]engine.Actor{}
	addUser := func(username, name, dept string, roles ...engine.Role) error {
		u := &store.User{OrgID: org, Username: username, DisplayName: name, PasswordHash: string(hash), DepartmentID: depts[dept], Roles: roles}
		id, err := a.db.CreateUser(ctx, u)
		if err != nil {
			return fmt.Errorf("user %s: %w", username, err)
		}
		actors[username] = engine.Actor{OrgID: org, UserID: id, Name: name, Roles: roles, DepartmentID: depts[dept]}
		rs := ""
		for i, r := range roles {
			if i > 0 {
				rs += ","
			}
			rs += string(r)
		}
		logins = append(logins, demoLogin{username, name, rs})
		return nil
	}
	for _, u := range demoUsers {
		if err := addUser(u.u, u.name, u.dept, u.roles...); err != nil {
			return nil, err
		}
	}
	firm, err := a.db.CreateLawFirm(ctx, org, "明德律师事务所")
	if err != nil {
		return nil, err
	}
	for i, u := range []string{"lawyer1", "lawyer2"} {
		c := store.Counsel{OrgID: org, UserID: actors[u].UserID, LawFirmID: firm,
			LicenceNo: fmt.Sprintf("1650120181%07d", 1234+i), ContractFrom: today.AddDays(-365).String(), ContractTo: today.AddDays(365).String()}
		if _, err := a.db.CreateCounsel(ctx, c); err != nil {
			return nil, err
		}
	}
	if err := seedDemoItems(ctx, a, org, depts, actors, today); err != nil {
		return nil, err
	}
	return logins, nil
}

// seedDemoItems walks items to different stages with an engine whose clock
// follows the script's dates. The dates are relative to today: each item's
// script is moved by whole weeks so that its last step lies in the week
// before today, and a newcomer sees open consultations, running reviews
// and due dates in the coming weeks rather than a year of overdue items.
func seedDemoItems(ctx context.Context, a *app, org int64, depts map[string]int64, actors map[string]engine.Actor, today engine.Date) error {
	var mu sync.Mutex
	var now time.Time
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	set := func(date string) error {
		t, err := time.ParseInLocation("2006-01-02 15:04", date+" 10:00", engine.ChinaTime)
		if err != nil {
			return err
		}
		mu.Lock()
		now = t
		mu.Unlock()
		return nil
	}
	eng, err := engine.New(engine.Config{Store: a.db, Workflows: a.engine.Workflows(), Calendars: a.engine.Calendars(), Directory: a.db, Now: clock})
	if err != nil {
		return err
	}
	svc := procedure.New(procedure.Config{Engine: eng, Store: a.db})
	cast := scenario.Cast{Organizer: actors["fgw"], Secretariat: actors["zfb"], LegalOffice: actors["sfj"], Counsel: actors["lawyer1"],
		Expert: actors["expert"], RiskAssessor: actors["risk"], ChiefExecutive: actors["quzhang"], Executor: actors["zjj"],
		Evaluator: actors["evaluator"], OrganizerDept: depts["区发展和改革委员会"], ExecutorDept: depts["区住房和城乡建设局"],
		Members: []engine.Actor{actors["fuquzhang1"], actors["fuquzhang2"], actors["fuquzhang3"], actors["mishuzhang"]}}
	script := scenario.MajorDecision(cast)
	for _, s := range script {
		if m := s.Meeting; m != nil { // one vice-head disagrees: the minutes name the dissent
			m.Positions[1].Position, m.Positions[1].Remarks = "disagree", "补贴标准偏高，建议分档"
		}
	}
	items := []struct {
		title string
		steps int
	}{
		{"关于实施老旧小区加装电梯财政补贴的决定", len(script)},
		{"关于优化城区公交线网的实施方案", 25},
		{"关于建设区级综合养老服务中心的决定", 22},
		{"关于调整城区停车收费标准的决定", 19},
		{"关于推进背街小巷改造提升的实施意见", 18},
		{"关于实施中小学课后服务全覆盖的意见", 15},
		{"关于划定畜禽养殖禁养区的决定", 13},
		{"关于建立城市更新项目库的意见", 4},
		{"关于设立区级科技创新基金的建议", 0},
	}
	created := "2026-01-05" // the script's creation date
	for _, it := range items {
		// Move the script by whole weeks (weekdays stay weekdays) so that
		// its last step falls one to two weeks before today.
		last := created
		if it.steps > 0 {
			last = script[it.steps-1].On
		}
		lastDate, err := engine.ParseDate(last)
		if err != nil {
			return err
		}
		shift := floorWeeks(engine.DaysBetween(lastDate, today.AddDays(-8)))
		if err := set(shiftDate(created, shift)); err != nil {
			return err
		}
		res, err := eng.Create(ctx, cast.Organizer, engine.CreateInput{WorkflowID: "major-decision", Title: it.title, Input: engine.Input{Payload: scenario.Proposal()}})
		if err != nil {
			return fmt.Errorf("%s: %w", it.title, err)
		}
		// Holidays fall elsewhere than in the script's year: a step that a
		// period still holds back (a comment period whose closing date
		// moved past a holiday, a review's guaranteed working days) is
		// taken up to three weeks later, and the steps after it with it.
		slip := 0
		for _, s := range scenario.Shift(script[:it.steps], shift) {
			var err error
			for tries := 0; tries <= 21; tries++ {
				step := scenario.Shift([]scenario.Step{s}, slip)[0]
				if step.On > today.String() {
					err = fmt.Errorf("the step would fall after today (%s)", step.On)
					break
				}
				if err = set(step.On); err != nil {
					return err
				}
				err = play(ctx, svc, res.Item.ID, step)
				if engine.ErrorCode(err) != engine.CodeGuardFailed {
					break
				}
				slip++
			}
			if err != nil {
				return fmt.Errorf("%s: %s: %w", it.title, s.Event, err)
			}
		}
	}
	// A normative document under legality review and an enforcement case
	// awaiting the legal office, submitted in the last days, so that every
	// shipped procedure shows with its time limits running.
	if err := set(today.AddDays(-2).String()); err != nil {
		return err
	}
	doc, err := eng.Create(ctx, cast.Organizer, engine.CreateInput{WorkflowID: "normative-document", Title: "关于规范共享单车停放管理的通告",
		Input: engine.Input{Payload: map[string]any{"issuer": "示范区人民政府", "affects_rights": true}}})
	if err != nil {
		return fmt.Errorf("normative document: %w", err)
	}
	for _, s := range []scenario.Step{
		{Event: "record_draft", Actor: cast.Organizer, Payload: map[string]any{"draft_sha256": scenario.SHA("通告 送审稿"), "version_note": "送审稿"},
			Docs: []scenario.Doc{{Kind: "draft", Content: "通告 送审稿"}}},
		{Event: "submit_for_review", Actor: cast.Organizer, Payload: map[string]any{"draft_sha256": scenario.SHA("通告 送审稿"), "explanation": "为规范共享单车停放，起草本通告",
			"legal_basis": []any{"《中华人民共和国道路交通安全法》"}, "consultation_record": "已向社会公开征求意见，采纳12条",
			"drafter_legality_opinion": "经审查，内容合法", "own_review_body_first": true}},
	} {
		if err := play(ctx, svc, doc.Item.ID, s); err != nil {
			return fmt.Errorf("normative document: %s: %w", s.Event, err)
		}
	}
	ec, err := eng.Create(ctx, cast.Organizer, engine.CreateInput{WorkflowID: "enforcement-review", Title: "某公司违法排污罚款案",
		Input: engine.Input{Payload: map[string]any{"action_type": "penalty", "triggers": []any{"after_hearing", "major_rights"}}}})
	if err != nil {
		return fmt.Errorf("enforcement case: %w", err)
	}
	if _, err := eng.Fire(ctx, ec.Item.ID, "submit_for_review", cast.Organizer, engine.Input{Payload: map[string]any{
		"materials": []any{"调查报告", "听证笔录"}, "facts_summary": "超标排放", "proposed_decision": "罚款50万元",
		"discretion_benchmark": "生态环境行政处罚裁量基准第12项"}}, 0); err != nil {
		return fmt.Errorf("enforcement case: %w", err)
	}
	return nil
}

// play performs one scripted step through the procedure: the documents
// are uploaded with the event that records them (a draft through the
// workflow's draft event), a meeting step holds the whole meeting. A
// refused step changes nothing.
func play(ctx context.Context, svc *procedure.Service, id int64, s scenario.Step) error {
	if m := s.Meeting; m != nil {
		return meet(ctx, svc, id, m)
	}
	if len(s.Docs) == 0 {
		_, err := svc.Fire(ctx, s.Actor, id, s.Event, engine.Input{Payload: s.Payload, Reason: s.Reason}, 0)
		return err
	}
	for i, d := range s.Docs {
		up := procedure.Upload{Kind: d.Kind, Filename: engine.DocumentKindLabel(d.Kind).Zh + ".txt", ContentType: "text/plain",
			Content: []byte(d.Content), Public: d.Kind == "draft" || d.Kind == "decision"}
		if i == len(s.Docs)-1 {
			up.Event, up.Payload, up.Reason = s.Event, s.Payload, s.Reason
		}
		if _, err := svc.UploadDocument(ctx, s.Actor, id, up); err != nil {
			return err
		}
	}
	return nil
}

// meet holds meeting m on item id: convened, the item on its agenda,
// everyone present, the positions in order, the decision, closed.
func meet(ctx context.Context, svc *procedure.Service, id int64, m *scenario.Meeting) error {
	members := []int64{m.ChiefExecutive.UserID}
	for _, a := range m.Members {
		members = append(members, a.UserID)
	}
	d, err := svc.CreateMeeting(ctx, m.Secretariat, procedure.NewMeeting{Kind: m.Kind, Number: fmt.Sprintf("%s第%d次常务会议", m.HeldOn[:4]+"年", id),
		HeldOn: m.HeldOn, MemberUserIDs: members, ChiefExecutiveUserID: m.ChiefExecutive.UserID})
	if err != nil {
		return err
	}
	if _, err := svc.AddToAgenda(ctx, m.Secretariat, d.ID, id); err != nil {
		return err
	}
	if _, err := svc.SetAttendance(ctx, m.Secretariat, d.ID, members); err != nil {
		return err
	}
	for _, p := range m.Positions {
		if _, err := svc.RecordPosition(ctx, m.Secretariat, d.ID, id, procedure.Position{MemberUserID: p.Member.UserID, Position: p.Position, Remarks: p.Remarks}); err != nil {
			return err
		}
	}
	if _, err := svc.SetDecision(ctx, m.ChiefExecutive, d.ID, id, procedure.Decision{Decision: m.Decision, DepartureReason: m.DepartureReason}); err != nil {
		return err
	}
	_, err = svc.CloseMeeting(ctx, m.Secretariat, d.ID)
	return err
}

// floorWeeks rounds days down to whole weeks (towards the past).
func floorWeeks(days int) int {
	w := days / 7
	if days < 0 && days%7 != 0 {
		w--
	}
	return w * 7
}

func shiftDate(date string, days int) string {
	return scenario.Shift([]scenario.Step{{On: date}}, days)[0].On
}

func printDemo(w io.Writer, logins []demoLogin) {
	if logins == nil {
		fmt.Fprintln(w, "演示数据已存在，未重复填充 (demo data already present; nothing added)")
		return
	}
	fmt.Fprintln(w, "演示政府“示范区人民政府”已创建 (demo government created). 演示账号 (demo logins), 密码 (password):", demoPassword)
	for _, l := range logins {
		fmt.Fprintf(w, "  %-12s %-28s %s\n", l.username, l.name, l.roles)
	}
}

// demoUsers are the demo government's accounts (password demoPassword).
var demoUsers = []struct {
	u, name, dept string
	roles         []engine.Role
}{
	{"fgw", "张伟（区发改委）", "区发展和改革委员会", []engine.Role{engine.RoleOrganizer}},
	{"jtj", "李娜（区交通运输局）", "区交通运输局", []engine.Role{engine.RoleOrganizer}},
	{"zjj", "王强（区住建局）", "区住房和城乡建设局", []engine.Role{engine.RoleOrganizer, engine.RoleExecutor}},
	{"zfb", "刘洋（区政府办）", "区人民政府办公室", []engine.Role{engine.RoleSecretariat}},
	{"sfj", "陈静（区司法局）", "区司法局", []engine.Role{engine.RoleLegalOffice}},
	{"lawyer1", "杨帆律师（明德律师事务所）", "", []engine.Role{engine.RoleCounsel}},
	{"lawyer2", "赵敏律师（明德律师事务所）", "", []engine.Role{engine.RoleCounsel}},
	{"expert", "周教授（专家库）", "", []engine.Role{engine.RoleExpert}},
	{"risk", "社会稳定风险评估中心", "", []engine.Role{engine.RoleRiskAssessor}},
	{"evaluator", "某大学公共管理学院", "", []engine.Role{engine.RoleEvaluator}},
	{"quzhang", "吴区长", "", []engine.Role{engine.RoleChiefExecutive, engine.RoleMember}},
	{"fuquzhang1", "孙副区长", "", []engine.Role{engine.RoleMember}},
	{"fuquzhang2", "钱副区长", "", []engine.Role{engine.RoleMember}},
	{"fuquzhang3", "冯副区长", "", []engine.Role{engine.RoleMember}},
	{"mishuzhang", "郑秘书长", "区人民政府办公室", []engine.Role{engine.RoleMember, engine.RoleSecretariat}},
	{"weiyuan1", "何委员", "", []engine.Role{engine.RoleMember}},
	{"weiyuan2", "高委员", "", []engine.Role{engine.RoleMember}},
	{"audit", "审计局 林审计", "", []engine.Role{engine.RoleAuditor}},
	{"admin", "系统管理员", "", []engine.Role{engine.RoleAdmin}},
}

// webDemoLogins lists the demo accounts for the sign-in page.
func webDemoLogins() []web.DemoLogin {
	out := make([]web.DemoLogin, len(demoUsers))
	for i, u := range demoUsers {
		out[i] = web.DemoLogin{Organisation: "demo", Username: u.u, Name: u.name, Password: demoPassword, Roles: u.roles}
	}
	return out
}
