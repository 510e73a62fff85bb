package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/browsertest"
	"github.com/juece/juece/internal/scenario"
	"github.com/juece/juece/procedure"
	"github.com/juece/juece/store"
	"github.com/juece/juece/web"
	"github.com/juece/juece/workflows"
	"golang.org/x/crypto/bcrypt"
)

// The harness of the web tests: the whole workspace (store on an embedded
// SQLite file, engine with a settable clock, procedure, web adapter)
// served by httptest, a seeded government, and helpers to drive pages in
// a real Chromium (internal/browsertest) or over plain HTTP.

// Password is every seeded account's password.
const Password = "correct-horse-battery"

// site is a running workspace.
type site struct {
	t     *testing.T
	URL   string
	db    *store.DB
	svc   *procedure.Service
	eng   *engine.Engine
	org   int64
	other int64
	depts map[string]int64
	users map[string]*engine.User
	mu    sync.Mutex
	now   time.Time
}

// seedUsers are the accounts of the seeded government: username →
// department and roles. "stranger" belongs to another government.
var seedUsers = []struct {
	name, display, dept string
	roles               []engine.Role
}{
	{"fgw", "张伟（发改委）", "发改委", []engine.Role{engine.RoleOrganizer}},
	{"jtj", "李娜（交通局）", "交通局", []engine.Role{engine.RoleOrganizer}},
	{"zjj", "王强（住建局）", "住建局", []engine.Role{engine.RoleExecutor}},
	{"zfb", "刘洋（政府办）", "", []engine.Role{engine.RoleSecretariat}},
	{"sfj", "陈静（司法局）", "", []engine.Role{engine.RoleLegalOffice}},
	{"lawyer1", "杨帆律师", "", []engine.Role{engine.RoleCounsel}},
	{"lawyer2", "赵敏律师", "", []engine.Role{engine.RoleCounsel}},
	{"expert", "周教授", "", []engine.Role{engine.RoleExpert}},
	{"risk", "社会稳定风险评估中心", "", []engine.Role{engine.RoleRiskAssessor}},
	{"evaluator", "某大学公共管理学院", "", []engine.Role{engine.RoleEvaluator}},
	{"quzhang", "吴区长", "", []engine.Role{engine.RoleChiefExecutive, engine.RoleMember}},
	{"member1", "孙副区长", "", []engine.Role{engine.RoleMember}},
	{"member2", "钱副区长", "", []engine.Role{engine.RoleMember}},
	{"member3", "冯副区长", "", []engine.Role{engine.RoleMember}},
	{"audit", "林审计", "", []engine.Role{engine.RoleAuditor}},
	{"admin", "系统管理员", "", []engine.Role{engine.RoleAdmin}},
}

var (
	hashOnce sync.Once
	pwHash   []byte
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newSite starts a workspace on a fresh database with the seeded
// government, the clock at 2026-01-05 10:00 China time.
func newSite(t *testing.T) *site {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "web.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, db: db, depts: map[string]int64{}, users: map[string]*engine.User{}}
	s.on("2026-01-05")
	reg, err := workflows.Registry("")
	if err != nil {
		t.Fatal(err)
	}
	cals, err := calendars.Default()
	if err != nil {
		t.Fatal(err)
	}
	s.eng, err = engine.New(engine.Config{Store: db, Workflows: reg, Calendars: cals, Directory: db, Now: s.clock})
	if err != nil {
		t.Fatal(err)
	}
	pc := procedure.NewCalendars(db, s.eng, discard())
	if err := pc.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	s.svc = procedure.New(procedure.Config{Engine: s.eng, Store: db, Logger: discard()})
	// Sessions outlive the test clock's jumps of weeks between steps.
	acc := procedure.NewAccounts(db, s.clock, 5*365*24*time.Hour, 1000)
	w, err := web.New(web.Config{Procedure: s.svc, Accounts: acc, Calendars: pc, Directory: procedure.NewDirectory(db, s.clock, discard()),
		Logger: discard(), DocumentLimit: 2 << 20,
		DemoLogins: []web.DemoLogin{{Organisation: "demo", Username: "fgw", Name: "张伟（发改委）", Password: Password, Roles: []engine.Role{engine.RoleOrganizer}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	s.seed()
	return s
}

func (s *site) clock() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

// on sets the clock to 10:00 China time on date.
func (s *site) on(date string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" 10:00", engine.ChinaTime)
	if err != nil {
		s.t.Fatal(err)
	}
	s.mu.Lock()
	s.now = t
	s.mu.Unlock()
}

func (s *site) seed() {
	ctx := context.Background()
	t := s.t
	hashOnce.Do(func() { pwHash, _ = bcrypt.GenerateFromPassword([]byte(Password), bcrypt.MinCost) })
	var err error
	if s.org, err = s.db.CreateOrganisation(ctx, "demo", "示范区人民政府", "cn"); err != nil {
		t.Fatal(err)
	}
	if s.other, err = s.db.CreateOrganisation(ctx, "other", "另一区人民政府", "cn"); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"发改委", "交通局", "住建局"} {
		if s.depts[d], err = s.db.CreateDepartment(ctx, s.org, d); err != nil {
			t.Fatal(err)
		}
	}
	add := func(org int64, key, username, display, dept string, roles []engine.Role) {
		u := &engine.User{OrgID: org, Username: username, DisplayName: display, PasswordHash: string(pwHash), DepartmentID: s.depts[dept], Roles: roles}
		if _, err := s.db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		s.users[key] = u
	}
	for _, u := range seedUsers {
		add(s.org, u.name, u.name, u.display, u.dept, u.roles)
	}
	add(s.other, "stranger", "zfb", "外区政府办", "", []engine.Role{engine.RoleSecretariat, engine.RoleAuditor, engine.RoleOrganizer})
	firm, err := s.db.CreateLawFirm(ctx, s.org, "明德律师事务所")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range []string{"lawyer1", "lawyer2"} {
		if _, err := s.db.CreateCounsel(ctx, engine.Counsel{OrgID: s.org, UserID: s.users[l].ID, LawFirmID: firm,
			LicenceNo: fmt.Sprintf("1650120181000%04d", i+1), ContractFrom: "2026-01-01", ContractTo: "2027-12-31"}); err != nil {
			t.Fatal(err)
		}
	}
}

func (s *site) actor(name string) engine.Actor { return s.users[name].Actor() }

// cast is the scenario's cast played by the seeded users.
func (s *site) cast() scenario.Cast {
	return scenario.Cast{Organizer: s.actor("fgw"), Secretariat: s.actor("zfb"), LegalOffice: s.actor("sfj"), Counsel: s.actor("lawyer1"),
		Expert: s.actor("expert"), RiskAssessor: s.actor("risk"), ChiefExecutive: s.actor("quzhang"), Executor: s.actor("zjj"),
		Evaluator: s.actor("evaluator"), OrganizerDept: s.depts["发改委"], ExecutorDept: s.depts["住建局"],
		Members: []engine.Actor{s.actor("member1"), s.actor("member2"), s.actor("member3")}}
}

// newItem creates a major-decision item proposed by fgw, through the
// procedure (not the pages).
func (s *site) newItem(title string) int64 {
	s.t.Helper()
	_, it, err := s.svc.Create(context.Background(), s.actor("fgw"), procedure.NewItem{Workflow: "major-decision", Title: title, Payload: scenario.Proposal()})
	if err != nil {
		s.t.Fatal(err)
	}
	return it.ID
}

// walk plays the major-decision script on item id through the procedure,
// up to (not including) the first step whose event is until: documents
// uploaded with their events, the clock at each step's date. A meeting
// step is not supported (hold meetings through the pages).
func (s *site) walk(id int64, until string) {
	s.t.Helper()
	ctx := context.Background()
	for _, st := range scenario.MajorDecision(s.cast()) {
		if st.Event == until {
			s.on(st.On)
			return
		}
		if st.Meeting != nil {
			s.t.Fatalf("walk: %s is a meeting; stop before it", st.Event)
		}
		s.on(st.On)
		fired := false
		for _, d := range st.Docs {
			up := procedure.Upload{Kind: d.Kind, Filename: d.Kind + ".txt", ContentType: "text/plain", Content: []byte(d.Content)}
			if !fired {
				up.Event, up.Payload, up.Reason = st.Event, withoutDigests(st.Payload, d), st.Reason
			}
			if _, err := s.svc.UploadDocument(ctx, st.Actor, id, up); err != nil {
				s.t.Fatalf("walk: %s: upload %s: %v", st.Event, d.Kind, err)
			}
			fired = true
		}
		if !fired {
			if _, err := s.svc.Fire(ctx, st.Actor, id, st.Event, engine.Input{Payload: st.Payload, Reason: st.Reason}, 0); err != nil {
				s.t.Fatalf("walk: %s: %v", st.Event, err)
			}
		}
	}
	if until != "" {
		s.t.Fatalf("walk: no step %q", until)
	}
}

// withoutDigests drops the payload field the uploaded document fills.
func withoutDigests(p map[string]any, d scenario.Doc) map[string]any {
	out := map[string]any{}
	for k, v := range p {
		if v != scenario.SHA(d.Content) {
			out[k] = v
		}
	}
	return out
}

// ── driving the pages ───────────────────────────────────────────────────────

// signIn signs user in on the browser's tab through the sign-in page.
func (s *site) signIn(b *browsertest.Browser, user string) {
	s.t.Helper()
	b.Run(
		chromedp.Navigate(s.URL+"/lang/zh?back=/login"), // the pages in Chinese, as in China
		chromedp.Navigate(s.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SetValue(chromedp.ID("organisation"), "demo"),
		chromedp.SetValue(chromedp.ID("username"), user),
		chromedp.SetValue(chromedp.ID("password"), Password),
		submit(`form[action="/login"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
	)
}

// signOut signs the tab's user out through the header's button.
func (s *site) signOut(b *browsertest.Browser) {
	s.t.Helper()
	b.Run(
		submit(`form[action="/logout"] button`),
		chromedp.WaitVisible(chromedp.ID("username")),
	)
}

// text returns the text of the first element matching css.
func text(b *browsertest.Browser, css string) string {
	return browsertest.Get(b, chromedp.Text(chromedp.CSS(css)))
}

// mainText is the text of the page's main element.
func mainText(b *browsertest.Browser) string { return text(b, "main") }

// wantText fails the test unless the main element contains every s.
func wantText(t *testing.T, b *browsertest.Browser, ss ...string) {
	t.Helper()
	body := mainText(b)
	for _, s := range ss {
		if !strings.Contains(body, s) {
			t.Fatalf("the page does not show %q:\n%s", s, body)
		}
	}
}

// file writes content to a file named name in a temporary directory and
// returns its path, for uploads.
func file(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// shot saves a screenshot for the README into docs/screenshots when
// JUECE_SCREENSHOTS is set (make screenshots), else into the test's
// temporary directory.
func shot(t *testing.T, b *browsertest.Browser, name string) {
	t.Helper()
	dir := t.TempDir()
	if os.Getenv("JUECE_SCREENSHOTS") != "" {
		dir = filepath.Join("..", "docs", "screenshots")
	}
	b.Screenshot(filepath.Join(dir, name+".png"))
}

// client is a plain HTTP client with its own cookies, for checks that do
// not need a browser (forged forms, status codes).
func (s *site) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// submit clicks the element at css (a submit button or a link) and waits
// until the browser has loaded the page that follows, not just until an
// element of the old page is visible.
func submit(css string) chromedp.Action[chromedp.Void] {
	mark := chromedp.Evaluate[bool](`document.body.dataset.stale = "1", true`)
	return chromedp.Steps(
		func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			_, err := mark(ctx, t)
			return chromedp.Void{}, err
		},
		chromedp.Click(chromedp.CSS(css)),
		chromedp.WaitReady(chromedp.CSS(`body:not([data-stale]) footer`)),
	)
}
