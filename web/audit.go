package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// The audit pages (审计校验, the auditor): recompute the hash chain of one
// item, or of every item of the organisation and the calendar log, and
// name the first event that does not match (Art. 33: every record of the
// procedure is kept, completely). One item is verified while the page
// loads; every item runs in the background, its page showing how far it
// has come (refreshed by htmx, or by a link without JavaScript), so that
// the auditor may leave and come back. Runs are kept in this process's
// memory: the latest run of each organisation, until it is replaced.

func init() {
	routeSets = append(routeSets, func(w *Web, g *echo.Group) {
		runs := &auditRuns{byID: map[string]*auditRun{}, latest: map[int64]*auditRun{}}
		g.GET("/audit", func(c echo.Context) error { return w.auditPage(c, runs) })
		g.POST("/audit/runs", func(c echo.Context) error { return w.startAuditRun(c, runs) })
		g.GET("/audit/runs/:run", func(c echo.Context) error { return w.auditRunPage(c, runs) })
	})
	addMessages(auditMessages)
}

// auditRun is one verification of every item of an organisation.
type auditRun struct {
	ID      string
	OrgID   int64
	By      string
	Started time.Time

	mu            sync.Mutex
	items, events int
	done          bool
	report        *procedure.ChainReport
	err           *engine.Error
}

// auditRunView is a run as a page shows it at one moment.
type auditRunView struct {
	ID, By        string
	Started       time.Time
	Items, Events int
	Done          bool
	Report        *procedure.ChainReport
	Error         *engine.Error
}

func (r *auditRun) view() auditRunView {
	r.mu.Lock()
	defer r.mu.Unlock()
	return auditRunView{ID: r.ID, By: r.By, Started: r.Started, Items: r.items, Events: r.events, Done: r.done, Report: r.report, Error: r.err}
}

// auditRuns keeps the latest run of each organisation.
type auditRuns struct {
	mu     sync.Mutex
	byID   map[string]*auditRun
	latest map[int64]*auditRun
}

// start returns the organisation's running verification, or starts one
// with begin.
func (rs *auditRuns) start(org int64, by string, now time.Time, begin func(*auditRun)) *auditRun {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if r := rs.latest[org]; r != nil {
		r.mu.Lock()
		running := !r.done
		r.mu.Unlock()
		if running {
			return r
		}
		delete(rs.byID, r.ID)
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	r := &auditRun{ID: hex.EncodeToString(b), OrgID: org, By: by, Started: now}
	rs.byID[r.ID], rs.latest[org] = r, r
	begin(r)
	return r
}

// get returns run id of org, nil when there is none (or it was replaced).
func (rs *auditRuns) get(org int64, id string) *auditRun {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if r := rs.byID[id]; r != nil && r.OrgID == org {
		return r
	}
	return nil
}

func (rs *auditRuns) latestOf(org int64) *auditRun {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.latest[org]
}

// auditRunTimeout bounds one verification of every item.
const auditRunTimeout = 2 * time.Hour

type auditData struct {
	// ItemInput is what was typed in the one-item form; Item the report
	// on that item, ItemError its refusal.
	ItemInput string
	Item      *procedure.ChainReport
	ItemError *engine.Error
	// Run is the run shown (the latest, or the one asked for).
	Run *auditRunView
	// Poll is set on a run's own page while it is running.
	Poll bool
}

// auditor checks that the viewer verifies (a 403 page otherwise).
func auditor(c echo.Context) (*viewer, error) {
	v := viewerOf(c)
	return v, procedure.MayVerify(v.Actor)
}

func (w *Web) auditPage(c echo.Context, runs *auditRuns) error {
	v, err := auditor(c)
	if err != nil {
		return err
	}
	d := auditData{}
	status := http.StatusOK
	if c.QueryParams().Has("item") {
		d.ItemInput = strings.TrimPrefix(strings.TrimSpace(c.QueryParam("item")), "#")
		id, perr := strconv.ParseInt(d.ItemInput, 10, 64)
		if perr != nil || id <= 0 {
			d.ItemError = &engine.Error{Code: engine.CodeInvalid, Field: "item", MessageZh: "请输入事项编号（正整数）", Message: "enter the item's number (a positive whole number)"}
		} else if d.Item, err = w.svc.VerifyChains(c.Request().Context(), v.Actor, id, nil, nil); err != nil {
			if d.ItemError = refusalOf(err); d.ItemError == nil {
				return err
			}
		}
		if d.ItemError != nil {
			status = procedure.StatusOf(d.ItemError.Code)
		}
	}
	if r := runs.latestOf(v.Actor.OrgID); r != nil {
		rv := r.view()
		d.Run = &rv
	}
	return w.render(c, status, "audit", &page{Title: "audit.title", Nav: "audit", Data: d})
}

func (w *Web) startAuditRun(c echo.Context, runs *auditRuns) error {
	v, err := auditor(c)
	if err != nil {
		return err
	}
	actor := v.Actor
	r := runs.start(actor.OrgID, v.User.DisplayName, w.svc.Now(), func(r *auditRun) {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), auditRunTimeout)
			defer cancel()
			rep, err := w.svc.VerifyChains(ctx, actor, 0, w.cals, func(items, events int) {
				r.mu.Lock()
				r.items, r.events = items, events
				r.mu.Unlock()
			})
			var ee *engine.Error
			if err != nil {
				w.log.Error("verifying every audit chain", slog.Int64("org", actor.OrgID), slog.String("error", err.Error()))
				if ee = refusalOf(err); ee == nil {
					ee = engine.Errorz(engine.CodeInternal, "校验未能完成，请稍后重试；如问题持续，请联系系统管理员",
						"the verification could not finish; try again later, or tell the administrator if it persists")
				}
			}
			r.mu.Lock()
			r.done, r.report, r.err = true, rep, ee
			if rep != nil {
				r.items, r.events = rep.Items, rep.Events
			}
			r.mu.Unlock()
		}()
	})
	return c.Redirect(http.StatusSeeOther, "/audit/runs/"+r.ID)
}

func (w *Web) auditRunPage(c echo.Context, runs *auditRuns) error {
	v, err := auditor(c)
	if err != nil {
		return err
	}
	r := runs.get(v.Actor.OrgID, c.Param("run"))
	if r == nil {
		return engine.Errorz(engine.CodeNotFound, "该次校验已不再保留，请重新校验", "this verification is no longer kept; verify again")
	}
	rv := r.view()
	return w.render(c, http.StatusOK, "audit", &page{Title: "audit.title", Nav: "audit", Data: auditData{Run: &rv, Poll: !rv.Done}})
}

var auditMessages = map[string][2]string{
	"audit.title": {"审计校验", "Audit"},
	"audit.lead":  {"每一步办理都记入哈希链相连的审计记录（条例第三十三条：过程记录完整归档）。校验会重新计算哈希链，若有任何记录被改动、删除或插入，将指出第一条不符的记录。", "Every step is kept in an audit trail whose events are linked by a hash chain (Art. 33: the records of the procedure are kept completely). Verifying recomputes the chains and names the first event that was altered, removed or inserted, if any."},

	"audit.one":        {"校验单个事项", "Verify one item"},
	"audit.item":       {"事项编号", "Item number"},
	"audit.item_help":  {"事项页面标题旁的编号，如 12。", "The number beside the item's title, such as 12."},
	"audit.verify_one": {"校验该事项", "Verify the item"},
	"audit.all":        {"校验全部事项", "Verify every item"},
	"audit.all_help":   {"逐一校验本机关全部事项的审计链，以及节假日日历记录。事项较多时需要一些时间，可以离开本页，稍后回来查看结果。", "Verifies the audit chain of every item of this government, and the holiday calendar log. With many items this takes a while: you may leave this page and come back for the result."},
	"audit.verify_all": {"开始校验全部事项", "Start verifying every item"},

	"audit.result":         {"校验结果", "Result"},
	"audit.item_ok":        {"事项 #%d 的审计链完整：共 %d 条记录，哈希链校验通过，未被篡改。", "The audit chain of item #%d holds: %d events, the hash chain verifies, nothing was altered."},
	"audit.all_ok":         {"全部审计链完整：已校验 %d 个事项、%d 条审计记录，未发现篡改。", "Every audit chain holds: %d items and %d audit events verified, nothing was altered."},
	"audit.failed":         {"校验发现问题", "The verification found a problem"},
	"audit.break":          {"事项 #%d《%s》的第 %d 条审计记录与哈希链不符：", "Event %[3]d of item #%[1]d “%[2]s” does not match its hash chain:"},
	"audit.break_untitled": {"事项 #%d 的第 %d 条审计记录与哈希链不符：", "Event %[2]d of item #%[1]d does not match its hash chain:"},
	"audit.counted":        {"已校验 %d 个事项、%d 条审计记录，在第一处不符处停止。", "%d items and %d audit events verified; stopped at the first mismatch."},
	"audit.open_item":      {"查看该事项的审计记录", "Open the item's audit trail"},
	"audit.calendar_ok":    {"节假日日历记录完整：共 %d 条，哈希链校验通过。", "The holiday calendar log holds: %d entries, the hash chain verifies."},
	"audit.calendar_bad":   {"节假日日历记录第 %d 条与哈希链不符：", "Entry %d of the holiday calendar log does not match its hash chain:"},

	"audit.run":          {"全部事项校验", "Verification of every item"},
	"audit.running":      {"正在校验……", "Verifying…"},
	"audit.progress":     {"已校验 %d 个事项、%d 条审计记录。", "%d items and %d audit events verified so far."},
	"audit.refresh":      {"刷新进度", "Refresh the progress"},
	"audit.leave":        {"可以离开本页，稍后从“审计校验”回来查看结果。", "You may leave this page and come back from Audit for the result."},
	"audit.started":      {"由%s于%s开始", "Started by %s at %s"},
	"audit.finished":     {"于%s完成", "finished at %s"},
	"audit.done":         {"校验完成", "Verification finished"},
	"audit.not_finished": {"校验未能完成：", "The verification did not finish:"},
	"audit.again":        {"重新校验全部事项", "Verify every item again"},
	"audit.last":         {"最近一次全部事项校验", "The latest verification of every item"},
}
