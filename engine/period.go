package engine

import "fmt"

// Period state lives in the item's record under record.periods[name] as a
// JSON object, so that rules and readers see it:
//
//	started_on     date the period started (the start day is not counted, Civil Code Art. 201)
//	unit, kind     as declared
//	length         statutory length in units
//	paused_on      date the clock stopped, "" while running (tolling)
//	paused_days    units not counted because the clock was stopped
//	extended_days  units added by recorded extensions
//	due            the date the period ends: for working days the
//	               (length+paused+extended)-th working day after started_on;
//	               for calendar days started_on plus that many days, moved to
//	               the next working day when it is not one (Civil Code Art. 203)
//	basis          the legal basis of the period
//	ended_on       date a stop operation ended the period, "" while it runs

// PeriodDue computes the due date of a period that started on start and has
// run with the given paused and extended units.
func PeriodDue(cal *Calendar, p *PeriodDef, start Date, paused, extended int) (Date, error) {
	n := p.Length + paused + extended
	if p.Unit == WorkingDays {
		return cal.AddWorkingDays(start, n)
	}
	return cal.CalendarPeriodEnd(start, n)
}

func periodState(rec Record, name string) map[string]any {
	ps, _ := rec["periods"].(map[string]any)
	if ps == nil {
		return nil
	}
	p, _ := ps[name].(map[string]any)
	return p
}

func setPeriodState(rec Record, name string, p map[string]any) {
	ps, _ := rec["periods"].(map[string]any)
	if ps == nil {
		ps = map[string]any{}
		rec["periods"] = ps
	}
	ps[name] = p
}

func numInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	}
	return 0
}

func strOf(v any) string { s, _ := v.(string); return s }

// applyPeriods performs an event's period operations on rec.
func applyPeriods(d *Definition, ev *EventDef, rec Record, cal *Calendar, today Date, payload map[string]any) error {
	recompute := func(name string, p map[string]any) error {
		start, err := ParseDate(strOf(p["started_on"]))
		if err != nil {
			return Internal(fmt.Errorf("period %s: bad started_on: %w", name, err))
		}
		due, err := PeriodDue(cal, d.Period(name), start, numInt(p["paused_days"]), numInt(p["extended_days"]))
		if err != nil {
			return calendarErr(err)
		}
		p["due"] = due.String()
		return nil
	}
	for _, name := range ev.Periods.Start {
		pd := d.Period(name)
		p := map[string]any{
			"started_on": today.String(), "unit": string(pd.Unit), "kind": string(pd.Kind),
			"length": pd.Length, "paused_on": "", "paused_days": 0, "extended_days": 0, "basis": pd.Basis, "ended_on": "",
		}
		if err := recompute(name, p); err != nil {
			return err
		}
		setPeriodState(rec, name, p)
	}
	for _, name := range ev.Periods.Pause {
		p := periodState(rec, name)
		if p == nil {
			return Errorz(CodeConflict, fmt.Sprintf("期限“%s”尚未开始，不能中止计算", d.Period(name).Label.Zh),
				fmt.Sprintf("period %q has not started and cannot be paused", name))
		}
		if strOf(p["paused_on"]) != "" {
			return Errorz(CodeConflict, fmt.Sprintf("期限“%s”已经中止计算", d.Period(name).Label.Zh),
				fmt.Sprintf("period %q is already paused", name))
		}
		p["paused_on"] = today.String()
	}
	for _, name := range ev.Periods.Resume {
		p := periodState(rec, name)
		if p == nil || strOf(p["paused_on"]) == "" {
			return Errorz(CodeConflict, fmt.Sprintf("期限“%s”未中止计算，无需恢复", d.Period(name).Label.Zh),
				fmt.Sprintf("period %q is not paused", name))
		}
		from, err := ParseDate(strOf(p["paused_on"]))
		if err != nil {
			return Internal(err)
		}
		var paused int
		if d.Period(name).Unit == WorkingDays {
			paused, err = cal.WorkingDaysBetween(from, today)
			if err != nil {
				return calendarErr(err)
			}
		} else {
			paused = max(DaysBetween(from, today), 0)
		}
		p["paused_days"] = numInt(p["paused_days"]) + paused
		p["paused_on"] = ""
		if err := recompute(name, p); err != nil {
			return err
		}
	}
	for _, name := range ev.Periods.Extend {
		p := periodState(rec, name)
		if p == nil {
			return Errorz(CodeConflict, fmt.Sprintf("期限“%s”尚未开始，不能延长", d.Period(name).Label.Zh),
				fmt.Sprintf("period %q has not started and cannot be extended", name))
		}
		p["extended_days"] = numInt(p["extended_days"]) + numInt(payload["extend_days"])
		if err := recompute(name, p); err != nil {
			return err
		}
	}
	for _, name := range ev.Periods.Stop {
		if p := periodState(rec, name); p != nil && strOf(p["ended_on"]) == "" {
			p["ended_on"] = today.String()
			p["paused_on"] = ""
		}
	}
	return nil
}

// DueOn returns the earliest due date among the running maximum periods of
// rec (started, not paused, not ended), or "" when there is none. An item
// is overdue when today is after its DueOn.
func DueOn(rec Record) string {
	ps, _ := rec["periods"].(map[string]any)
	due := ""
	for _, v := range ps {
		p, _ := v.(map[string]any)
		if p == nil || strOf(p["kind"]) != string(Maximum) || strOf(p["ended_on"]) != "" || strOf(p["paused_on"]) != "" {
			continue
		}
		if d := strOf(p["due"]); d != "" && (due == "" || d < due) {
			due = d
		}
	}
	return due
}
