package engine

import (
	"context"
	"fmt"
)

// RecomputeEvent is the name of the system event that records due dates
// moved by a change of holiday data. No workflow may declare an event of
// this name.
const RecomputeEvent = "recompute_periods"

// SystemRole is the role recorded on events the system itself writes.
const SystemRole Role = "system"

// CalendarChange identifies one stored change of holiday data (a notice
// loaded for one region and year), the cause of a recomputation.
type CalendarChange struct {
	// Seq is the change's position in the calendar log.
	Seq    int64      `json:"seq"`
	Region string     `json:"region"`
	Year   int        `json:"year"`
	Status YearStatus `json:"status"`
	Basis  string     `json:"basis"`
	// Hash is the change's hash in the calendar log, hex.
	Hash string `json:"hash"`
}

// RecomputePayload is the payload of a RecomputeEvent: the holiday data
// loaded and every period whose due date or provisional mark it changed.
type RecomputePayload struct {
	Changes []CalendarChange `json:"calendar_changes"`
	Periods []PeriodChange   `json:"periods"`
}

// RecomputePeriods recomputes the due dates of the item's running periods
// on the current calendar of its region. When nothing changes it returns
// nil and writes nothing. Otherwise it commits, as one system event
// (RecomputeEvent, actor "system") of the item's audit chain, the new
// period states with the old and new due dates and the calendar changes
// that caused them. The item must not be shared: the engine changes it.
// Returns conflict when the item changed since it was read (reload and
// retry).
func (e *Engine) RecomputePeriods(ctx context.Context, it *Item, changes []CalendarChange) (*Result, error) {
	d := e.workflows.Get(it.WorkflowID, it.WorkflowVersion)
	if d == nil {
		return nil, Internal(fmt.Errorf("item %d is pinned to workflow %s@%d, which is not loaded", it.ID, it.WorkflowID, it.WorkflowVersion))
	}
	cal, err := e.calendars.Region(it.Region)
	if err != nil {
		return nil, Internal(err)
	}
	moved, err := recomputePeriods(d, it.Record, cal)
	if err != nil || len(moved) == 0 {
		return nil, err
	}
	changes = relevantChanges(cal, it.Record, moved, changes)
	now := e.now()
	loaded := it.Version
	it.Version = loaded + 1
	it.UpdatedAt = AuditTime(now)
	it.DueOn = DueOn(it.Record)
	sys := Actor{OrgID: it.OrgID}
	ev, err := newAuditEvent(it, it.Version, now, sys, SystemRole, RecomputeEvent, it.State, it.State, "",
		RecomputePayload{Changes: changes, Periods: moved}, it.Head)
	if err != nil {
		return nil, err
	}
	it.Head = ev.Hash
	if err := e.store.CommitTransition(ctx, it, loaded, ev); err != nil {
		return nil, err
	}
	return &Result{Item: it, Event: ev}, nil
}

// relevantChanges keeps the changes of the item's calendar regions (its
// own and its ancestors') for the years the moved periods span, from the
// year each started to the later of its old and new due dates.
func relevantChanges(cal *Calendar, rec Record, moved []PeriodChange, changes []CalendarChange) []CalendarChange {
	regions := map[string]bool{}
	for k := cal; k != nil; k = k.parent {
		regions[k.region] = true
	}
	lo, hi := 0, 0
	for _, m := range moved {
		p := periodState(rec, m.Period)
		for _, s := range []string{strOf(p["started_on"]), m.OldDue, m.NewDue} {
			if d, err := ParseDate(s); err == nil {
				if lo == 0 || d.Year < lo {
					lo = d.Year
				}
				hi = max(hi, d.Year)
			}
		}
	}
	out := []CalendarChange{}
	for _, c := range changes {
		if regions[c.Region] && c.Year >= lo && c.Year <= hi {
			out = append(out, c)
		}
	}
	return out
}
