package engine

import (
	"fmt"
	"slices"
)

// Period state lives in the item's record under record.periods[name] as a
// JSON object, so that rules and readers see it:
//
//	started_on     date the period started (the start day is not counted, Civil Code Art. 201)
//	unit, kind     as declared
//	length         statutory length in units
//	last_day       for a period whose end the starting event named (PeriodDef.EndsWith):
//	               that date as given, "" otherwise
//	paused_on      date the clock stopped, "" while running (tolling)
//	paused_days    units not counted because the clock was stopped
//	extended_days  units added by recorded extensions
//	due            the date the period ends: for working days the
//	               (length+paused+extended)-th working day after started_on;
//	               for calendar days started_on plus that many days (or
//	               last_day plus paused and extended days), moved to the
//	               next working day when it is not one (Civil Code Art. 203)
//	provisional    true when the due date was counted over a year whose
//	               holiday data is missing or partial; it is recomputed when
//	               the data is loaded
//	provisional_reason  {zh, en}: why, present only when provisional
//	calendar_gaps  the region-years missing ("cn:2027"), present only when provisional
//	basis          the legal basis of the period
//	ended_on       date a stop operation ended the period, "" while it runs

// PeriodDue computes the due date of the period p whose state is st (see
// above) on cal, and the calendar gaps it was counted over: a non-empty
// list makes the date provisional.
func PeriodDue(cal *Calendar, p *PeriodDef, st map[string]any) (Date, []Gap, error) {
	start, err := ParseDate(strOf(st["started_on"]))
	if err != nil {
		return Date{}, nil, Internal(fmt.Errorf("period %s: bad started_on: %w", p.Name, err))
	}
	more := numInt(st["paused_days"]) + numInt(st["extended_days"])
	if more < 0 {
		return Date{}, nil, Internal(fmt.Errorf("period %s: negative paused or extended days", p.Name))
	}
	if last := strOf(st["last_day"]); last != "" {
		ld, err := ParseDate(last)
		if err != nil {
			return Date{}, nil, Internal(fmt.Errorf("period %s: bad last_day: %w", p.Name, err))
		}
		end := ld.AddDays(more)
		if p.Unit == WorkingDays {
			end, _ = cal.AddWorkingDays(ld, more)
		}
		due := cal.FirstWorkingDayFrom(end)
		return due, cal.Gaps(end, due), nil
	}
	n := p.Length + more
	if p.Unit == WorkingDays {
		due, _ := cal.AddWorkingDays(start, n)
		return due, cal.Gaps(start.AddDays(1), due), nil
	}
	end := start.AddDays(n)
	due := cal.FirstWorkingDayFrom(end)
	return due, cal.Gaps(end, due), nil
}

// setDue computes and stores the due date of period p in st, with its
// provisional marks.
func setDue(cal *Calendar, p *PeriodDef, st map[string]any) error {
	due, gaps, err := PeriodDue(cal, p, st)
	if err != nil {
		return err
	}
	st["due"] = due.String()
	st["provisional"] = len(gaps) > 0
	if len(gaps) == 0 {
		delete(st, "provisional_reason")
		delete(st, "calendar_gaps")
		return nil
	}
	r := GapsReason(gaps)
	st["provisional_reason"] = map[string]any{"zh": r.Zh, "en": r.En}
	keys := make([]any, len(gaps))
	for i, g := range gaps {
		keys[i] = g.Key()
	}
	st["calendar_gaps"] = keys
	return nil
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

// applyPeriods performs an event's period operations on rec. start lists
// the periods to start: those of ev.Periods.Start whose condition holds.
func applyPeriods(d *Definition, ev *EventDef, start []string, rec Record, cal *Calendar, today Date, payload map[string]any) error {
	for _, name := range start {
		pd := d.Period(name)
		from := today
		if pd.StartsWith != "" {
			f, err := ParseDate(strOf(payload[pd.StartsWith]))
			if err != nil || f.After(today) {
				return invalidField(pd.StartsWith, fmt.Sprintf("期限“%s”的起算日期不能晚于今天", pd.Label.Zh),
					fmt.Sprintf("the period %q cannot start after today", pd.Label.En))
			}
			from = f
		}
		p := map[string]any{
			"started_on": from.String(), "unit": string(pd.Unit), "kind": string(pd.Kind),
			"length": pd.Length, "paused_on": "", "paused_days": 0, "extended_days": 0, "basis": pd.Basis, "ended_on": "",
		}
		if pd.EndsWith != "" {
			last := strOf(payload[pd.EndsWith])
			if last == "" {
				return Errorz(CodeInvalid, fmt.Sprintf("期限“%s”需要填写截止日期", pd.Label.Zh),
					fmt.Sprintf("the period %q needs its last day (%s)", pd.Label.En, pd.EndsWith))
			}
			p["last_day"] = last
		}
		if err := setDue(cal, pd, p); err != nil {
			return err
		}
		setPeriodState(rec, name, p)
	}
	for _, name := range ev.Periods.Pause {
		p := periodState(rec, name)
		if p == nil {
			return Errorz(CodeConflict, fmt.Sprintf("期限“%s”尚未开始，不能中止计算", d.Period(name).Label.Zh),
				fmt.Sprintf("the period %q has not started and cannot be paused", d.Period(name).Label.En))
		}
		if strOf(p["paused_on"]) != "" {
			return Errorz(CodeConflict, fmt.Sprintf("期限“%s”已经中止计算", d.Period(name).Label.Zh),
				fmt.Sprintf("the period %q is already paused", d.Period(name).Label.En))
		}
		p["paused_on"] = today.String()
	}
	for _, name := range ev.Periods.Resume {
		p := periodState(rec, name)
		if p == nil || strOf(p["paused_on"]) == "" {
			return Errorz(CodeConflict, fmt.Sprintf("期限“%s”未中止计算，无需恢复", d.Period(name).Label.Zh),
				fmt.Sprintf("the period %q is not paused", d.Period(name).Label.En))
		}
		from, err := ParseDate(strOf(p["paused_on"]))
		if err != nil {
			return Internal(err)
		}
		var paused int
		if d.Period(name).Unit == WorkingDays {
			paused = cal.WorkingDaysBetween(from, today)
		} else {
			paused = max(DaysBetween(from, today), 0)
		}
		p["paused_days"] = numInt(p["paused_days"]) + max(paused, 0)
		p["paused_on"] = ""
		if err := setDue(cal, d.Period(name), p); err != nil {
			return err
		}
	}
	for _, name := range ev.Periods.Extend {
		p := periodState(rec, name)
		if p == nil {
			return Errorz(CodeConflict, fmt.Sprintf("期限“%s”尚未开始，不能延长", d.Period(name).Label.Zh),
				fmt.Sprintf("the period %q has not started and cannot be extended", d.Period(name).Label.En))
		}
		p["extended_days"] = numInt(p["extended_days"]) + numInt(payload["extend_days"])
		if err := setDue(cal, d.Period(name), p); err != nil {
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

// NearestDue is the due date an item works towards: the earliest due date
// of its running maximum periods (started, not paused, not ended).
type NearestDue struct {
	// On is "2006-01-02", "" when no maximum period runs.
	On string
	// Provisional marks a date counted over missing holiday data; Reason
	// says which.
	Provisional bool
	Reason      Text
}

// DueOf returns the nearest due date of rec (see NearestDue).
func DueOf(rec Record) NearestDue {
	ps, _ := rec["periods"].(map[string]any)
	var out NearestDue
	for _, v := range ps {
		p, _ := v.(map[string]any)
		if p == nil || strOf(p["kind"]) != string(Maximum) || strOf(p["ended_on"]) != "" || strOf(p["paused_on"]) != "" {
			continue
		}
		if d := strOf(p["due"]); d != "" && (out.On == "" || d < out.On) {
			out = NearestDue{On: d}
			if prov, _ := p["provisional"].(bool); prov {
				out.Provisional = true
				r, _ := p["provisional_reason"].(map[string]any)
				out.Reason = Text{Zh: strOf(r["zh"]), En: strOf(r["en"])}
			}
		}
	}
	return out
}

// DueOn returns the earliest due date among the running maximum periods of
// rec (started, not paused, not ended), or "" when there is none. An item
// is overdue when today is after its DueOn.
func DueOn(rec Record) string { return DueOf(rec).On }

// HasRunningPeriods reports whether any period of rec has started and not
// ended: such items are recomputed when holiday data changes.
func HasRunningPeriods(rec Record) bool {
	ps, _ := rec["periods"].(map[string]any)
	for _, v := range ps {
		if p, _ := v.(map[string]any); p != nil && strOf(p["ended_on"]) == "" {
			return true
		}
	}
	return false
}

// PeriodChange is one period whose due date a recomputation moved.
type PeriodChange struct {
	Period         string `json:"period"`
	OldDue         string `json:"old_due"`
	NewDue         string `json:"new_due"`
	WasProvisional bool   `json:"was_provisional"`
	Provisional    bool   `json:"provisional"`
}

// recomputePeriods recomputes every running period of rec on cal and
// returns what changed, sorted by period name.
func recomputePeriods(d *Definition, rec Record, cal *Calendar) ([]PeriodChange, error) {
	ps, _ := rec["periods"].(map[string]any)
	var out []PeriodChange
	for name, v := range ps {
		p, _ := v.(map[string]any)
		pd := d.Period(name)
		if p == nil || pd == nil || strOf(p["ended_on"]) != "" {
			continue
		}
		old := strOf(p["due"])
		wasProv, _ := p["provisional"].(bool)
		oldReason := p["provisional_reason"]
		if err := setDue(cal, pd, p); err != nil {
			return nil, err
		}
		prov, _ := p["provisional"].(bool)
		if old != strOf(p["due"]) || wasProv != prov || fmt.Sprint(oldReason) != fmt.Sprint(p["provisional_reason"]) {
			out = append(out, PeriodChange{Period: name, OldDue: old, NewDue: strOf(p["due"]), WasProvisional: wasProv, Provisional: prov})
		}
	}
	slices.SortFunc(out, func(a, b PeriodChange) int {
		if a.Period < b.Period {
			return -1
		}
		if a.Period > b.Period {
			return 1
		}
		return 0
	})
	return out, nil
}
