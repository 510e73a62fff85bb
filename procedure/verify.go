package procedure

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/juece/juece/engine"
)

// Verifying the audit trail (Art. 33: every record of the procedure is
// kept, completely): the auditor recomputes the hash chains of one item
// or of every item of the organisation, and the chain of the holiday
// calendar log the due dates are counted on, and learns the first event
// that does not match.

// ChainReport is the outcome of recomputing audit hash chains.
type ChainReport struct {
	// ItemID is the item verified, 0 when every item was.
	ItemID int64
	// Items and Events count what was checked (up to the break).
	Items, Events int
	// Break is the first event that does not verify, nil when all hold.
	Break *ChainFault
	// Calendar is the check of the calendar log (when every item was
	// verified and the calendars were given).
	Calendar          *CalendarLogReport
	Started, Finished time.Time
}

// OK reports whether every chain checked holds.
func (r *ChainReport) OK() bool {
	return r.Break == nil && (r.Calendar == nil || r.Calendar.Break == nil)
}

// ChainFault names the first audit event that does not verify.
type ChainFault struct {
	ItemID int64
	// Title is the item's title ("" when it cannot be read).
	Title string
	// Seq is the event's sequence number in the item's trail.
	Seq int
	// Problem says what does not match; Detail is the engine's words.
	Problem engine.Text
	Detail  string
}

// CalendarLogReport is the outcome of recomputing the calendar log's
// chain.
type CalendarLogReport struct {
	Entries int
	Break   *CalendarFault
}

// CalendarFault names the first calendar log entry that does not verify.
type CalendarFault struct {
	Seq     int64
	Problem engine.Text
	Detail  string
}

// Progress receives the counts verified so far, after each item.
type Progress func(items, events int)

// MayVerify returns forbidden unless actor verifies the audit trail (the
// auditor).
func MayVerify(actor engine.Actor) error { return RequireRole(actor, engine.RoleAuditor) }

// verifyBatch is how many items one page of a verification lists.
const verifyBatch = 200

// VerifyChains recomputes the audit hash chains of the auditor's
// organisation (engine.Verify, item by item): of item id, or of every
// item when id is 0 — then also the calendar log's chain when cals is not
// nil. It stops at the first event that does not match; a broken chain is
// not an error but the report's Break. progress, when not nil, is called
// after each item. Only the auditor verifies (forbidden otherwise); an
// unknown item is not_found.
func (s *Service) VerifyChains(ctx context.Context, actor engine.Actor, id int64, cals *Calendars, progress Progress) (*ChainReport, error) {
	if err := MayVerify(actor); err != nil {
		return nil, err
	}
	rep := &ChainReport{ItemID: id, Started: s.eng.Now()}
	one := func(item int64) (bool, error) {
		res, err := engine.Verify(ctx, s.store, actor.OrgID, item)
		if err != nil {
			return false, err
		}
		rep.Items += res.Items
		rep.Events += res.Events
		if b := res.Break; b != nil {
			f := &ChainFault{ItemID: b.ItemID, Seq: b.Seq, Problem: ChainProblem(b.Problem), Detail: b.Problem}
			if it, err := s.store.GetItem(ctx, actor.OrgID, b.ItemID); err == nil {
				f.Title = it.Title
			}
			rep.Break = f
		}
		if progress != nil {
			progress(rep.Items, rep.Events)
		}
		return rep.Break == nil, nil
	}
	if id != 0 {
		if _, err := s.Load(ctx, actor, id); err != nil {
			return nil, err
		}
		if _, err := one(id); err != nil {
			return nil, err
		}
		rep.Finished = s.eng.Now()
		return rep, nil
	}
	var before int64
walk:
	for {
		items, err := s.store.ListItems(ctx, engine.ItemQuery{OrgID: actor.OrgID, Before: before, Limit: verifyBatch})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			ok, err := one(it.ID)
			if err != nil {
				return nil, err
			}
			if !ok {
				break walk
			}
		}
		if len(items) < verifyBatch {
			break
		}
		before = items[len(items)-1].ID
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if cals != nil {
		var err error
		if rep.Calendar, err = cals.VerifyLog(ctx); err != nil {
			return nil, err
		}
	}
	rep.Finished = s.eng.Now()
	return rep, nil
}

// VerifyLog recomputes the calendar log's hash chain.
func (c *Calendars) VerifyLog(ctx context.Context) (*CalendarLogReport, error) {
	entries, err := c.store.CalendarEntries(ctx)
	if err != nil {
		return nil, err
	}
	rep := &CalendarLogReport{Entries: len(entries)}
	if b := engine.VerifyCalendarLog(entries); b != nil {
		rep.Break = &CalendarFault{Seq: b.Seq, Problem: calendarProblem(b.Reason), Detail: b.Reason}
	}
	return rep, nil
}

// ChainProblem puts what engine.ChainVerifier found (in English) in both
// languages.
func ChainProblem(p string) engine.Text {
	var a, b int
	switch {
	case p == "event belongs to another chain":
		return engine.Text{Zh: "该记录属于另一事项的审计链", En: "the event belongs to another item's chain"}
	case p == "prev_hash does not match the hash of the previous event":
		return engine.Text{Zh: "该记录与上一条记录的哈希不衔接（记录被插入、删除或改动）",
			En: "the event does not link to the hash of the previous one (an event was inserted, removed or altered)"}
	case p == "hash does not match the event's recorded fields":
		return engine.Text{Zh: "该记录的内容与其哈希不符（记录被改动）", En: "the event's content does not match its hash (the event was altered)"}
	case p == "the item's recorded chain head is not the hash of its last event":
		return engine.Text{Zh: "事项记载的链头不是最后一条记录的哈希", En: "the item's recorded chain head is not the hash of its last event"}
	case p == "the item's record, state or title is not what its last event left (changed without an event)":
		return engine.Text{Zh: "事项的内容、阶段或标题与最后一条记录不符（未经办理被改动）",
			En: "the item's record, state or title is not what its last event left (changed without an event)"}
	case stateMismatch.MatchString(p):
		m := stateMismatch.FindStringSubmatch(p)
		return engine.Text{Zh: fmt.Sprintf("事项处于状态 %s，而最后一条记录使其进入 %s（未经办理被改动）", m[1], m[2]),
			En: fmt.Sprintf("the item is in state %s but its last event left it in %s (changed without an event)", m[1], m[2])}
	case scan(p, "sequence gap: expected event %d", &a):
		return engine.Text{Zh: fmt.Sprintf("序号不连续：此处应为第 %d 条（记录缺失）", a), En: fmt.Sprintf("sequence gap: event %d was expected here (an event is missing)", a)}
	case scan(p, "item is at version %d but its chain has %d events", &a, &b):
		return engine.Text{Zh: fmt.Sprintf("事项为第 %d 版，审计链却有 %d 条记录（记录缺失）", a, b),
			En: fmt.Sprintf("the item is at version %d but its chain has %d events (events are missing)", a, b)}
	}
	return engine.Text{Zh: "记录与哈希链不符", En: p}
}

var stateMismatch = regexp.MustCompile(`^the item is in state ("[^"]*") but its last event left it in ("[^"]*")$`)

func calendarProblem(p string) engine.Text {
	var a, b int
	switch {
	case p == "prev_hash does not match the previous entry":
		return engine.Text{Zh: "该条目与上一条目的哈希不衔接", En: "the entry does not link to the hash of the previous one"}
	case p == "hash does not match the entry's content":
		return engine.Text{Zh: "该条目的内容与其哈希不符（条目被改动）", En: "the entry's content does not match its hash (the entry was altered)"}
	case scan(p, "sequence number %d where %d was expected (an entry is missing)", &a, &b):
		return engine.Text{Zh: fmt.Sprintf("序号为 %d，此处应为 %d（条目缺失）", a, b), En: fmt.Sprintf("sequence number %d where %d was expected (an entry is missing)", a, b)}
	}
	return engine.Text{Zh: "条目与哈希链不符", En: p}
}

// scan reports whether s is exactly format filled with integers.
func scan(s, format string, args ...*int) bool {
	ptrs := make([]any, len(args))
	for i, a := range args {
		ptrs[i] = a
	}
	n, err := fmt.Sscanf(s, format, ptrs...)
	return err == nil && n == len(args) && fmt.Sprintf(format, deref(args)...) == s
}

func deref(args []*int) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = *a
	}
	return out
}
