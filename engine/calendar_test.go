package engine_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
)

func date(t *testing.T, s string) engine.Date {
	t.Helper()
	d, err := engine.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func national(t *testing.T) *engine.Calendar {
	t.Helper()
	cals, err := calendars.Default()
	if err != nil {
		t.Fatal(err)
	}
	c, err := cals.Region("cn")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// REGULATION.md §6: working day = Monday–Friday, minus holidays, plus the
// make-up weekend days of the State Council's yearly notice.
func TestCalendar_IsWorkingDay_2025And2026Notices(t *testing.T) {
	c := national(t)
	for _, tc := range []struct {
		day  string
		want bool
		why  string
	}{
		{"2026-02-14", true, "Saturday make-up day before Spring Festival"},
		{"2026-02-28", true, "Saturday make-up day after Spring Festival"},
		{"2026-02-16", false, "Spring Festival (Monday)"},
		{"2026-02-23", false, "last day of the 9-day Spring Festival (Monday)"},
		{"2026-02-24", true, "first ordinary working day after Spring Festival"},
		{"2026-02-15", false, "Sunday inside Spring Festival"},
		{"2026-01-04", true, "Sunday make-up day for New Year"},
		{"2026-05-09", true, "Saturday make-up day for Labour Day"},
		{"2026-05-05", false, "Labour Day (Tuesday)"},
		{"2026-09-20", true, "Sunday make-up day for National Day"},
		{"2026-10-10", true, "Saturday make-up day for National Day"},
		{"2026-10-07", false, "National Day (Wednesday)"},
		{"2026-09-25", false, "Mid-Autumn (Friday)"},
		{"2026-11-26", true, "an ordinary Thursday"},
		{"2026-11-28", false, "an ordinary Saturday"},
		{"2025-01-26", true, "Sunday make-up day for Spring Festival 2025"},
		{"2025-02-08", true, "Saturday make-up day for Spring Festival 2025"},
		{"2025-02-04", false, "Spring Festival 2025 (Tuesday)"},
		{"2025-04-27", true, "Sunday make-up day for Labour Day 2025"},
		{"2025-06-02", false, "Dragon Boat 2025 (Monday)"},
		{"2025-10-08", false, "National Day 2025 (Wednesday)"},
		{"2025-10-11", true, "Saturday make-up day for National Day 2025"},
		{"2025-03-31", true, "Monday; an ordinary day outside Xinjiang"},
	} {
		t.Run(tc.day, func(t *testing.T) {
			if got := c.IsWorkingDay(date(t, tc.day)); got != tc.want {
				t.Errorf("%s (%s): working=%v, want %v", tc.day, tc.why, got, tc.want)
			}
		})
	}
}

// Civil Code Art. 201: the start day is not counted; Decree 713 Art. 26
// counts the legality review in working days.
func TestCalendar_AddWorkingDays_StartDayNotCountedAcrossSpringFestival(t *testing.T) {
	c := national(t)
	for _, tc := range []struct {
		start string
		n     int
		want  string
	}{
		{"2026-02-10", 7, "2026-02-26"},
		{"2026-02-12", 7, "2026-02-28"}, // Saturday, a make-up working day
		{"2026-11-23", 1, "2026-11-24"},
		{"2026-11-27", 1, "2026-11-30"}, // Friday + 1 skips the weekend
		{"2026-09-30", 1, "2026-10-08"},
		{"2026-11-26", 0, "2026-11-26"},
	} {
		got, err := c.AddWorkingDays(date(t, tc.start), tc.n)
		if err != nil {
			t.Fatalf("%s + %d: %v", tc.start, tc.n, err)
		}
		if got.String() != tc.want {
			t.Errorf("%s + %d working days = %s, want %s", tc.start, tc.n, got, tc.want)
		}
	}
}

func TestCalendar_WorkingDaysBetweenIsTheInverseOfAddWorkingDays(t *testing.T) {
	c := national(t)
	start := date(t, "2026-01-01")
	for n := 0; n < 240; n += 7 {
		end, err := c.AddWorkingDays(start, n)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.WorkingDaysBetween(start, end); got != n {
			t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", start, end, got, n)
		}
		back := c.WorkingDaysBetween(end, start)
		if back != -n {
			t.Fatalf("reversed = %d, want %d", back, -n)
		}
	}
}

// DESIGN.md "Time", REGULATION.md §6: a period reaching into a year
// without data is counted on weekends alone and reported as a gap naming
// the year — never refused, never silently final.
func TestCalendar_CountingIntoAYearWithoutDataUsesWeekendsAndNamesTheGap(t *testing.T) {
	c := national(t)
	got, err := c.AddWorkingDays(date(t, "2026-12-28"), 7)
	if err != nil {
		t.Fatal(err)
	}
	// 12-29, 12-30, 12-31, then 2027 on weekends alone: 01-01 (Fri), 01-04, 01-05, 01-06.
	if got.String() != "2027-01-06" {
		t.Fatalf("got %s, want 2027-01-06", got)
	}
	gaps := c.Gaps(date(t, "2026-12-29"), got)
	if len(gaps) != 1 || gaps[0].Key() != "cn:2027" || gaps[0].National || gaps[0].Partial {
		t.Fatalf("gaps %+v, want the national 2027 gap", gaps)
	}
	r := gaps[0].Reason()
	if !strings.Contains(r.Zh, "2027年") || !strings.Contains(r.Zh, "周末") || !strings.Contains(r.En, "2027") || strings.ContainsAny(r.Zh, "abcdefghijklmnopqrstuvwxyz-") {
		t.Fatalf("reason %+v: want Chinese-only zh and an English en naming 2027", r)
	}
	if g := c.Gap(2026); g != nil {
		t.Fatalf("2026 is covered, got gap %+v", g)
	}
	if until, ok := c.CoveredUntil(date(t, "2026-12-02")); !ok || until.String() != "2026-12-31" {
		t.Fatalf("covered until %s %v", until, ok)
	}
}

// Civil Code Art. 203: a period ending on a statutory holiday ends on the
// first working day after it.
func TestCalendar_CalendarPeriodEndingOnAHolidayMovesToTheNextWorkingDay(t *testing.T) {
	c := national(t)
	for _, tc := range []struct {
		start string
		n     int
		want  string
	}{
		{"2026-01-16", 30, "2026-02-24"}, // ends 02-15, inside Spring Festival
		{"2026-01-14", 30, "2026-02-13"}, // Friday, a working day
		{"2026-01-15", 30, "2026-02-14"}, // Saturday make-up day counts
		{"2026-11-02", 30, "2026-12-02"},
		{"2026-10-31", 30, "2026-11-30"}, // a Monday
		{"2026-10-30", 7, "2026-11-06"},
		{"2026-10-31", 7, "2026-11-09"}, // Saturday 11-07 → Monday 11-09
	} {
		got, err := c.CalendarPeriodEnd(date(t, tc.start), tc.n)
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != tc.want {
			t.Errorf("%s + %d days = %s, want %s", tc.start, tc.n, got, tc.want)
		}
	}
}

func TestCalendar_XinjiangAddsEidHolidaysToTheNationalCalendar(t *testing.T) {
	cals, err := calendars.Default()
	if err != nil {
		t.Fatal(err)
	}
	xj, err := cals.Region("cn-xj")
	if err != nil {
		t.Fatal(err)
	}
	for day, want := range map[string]bool{
		"2025-03-31": false, // 肉孜节
		"2025-06-06": false, // 古尔邦节
		"2025-06-09": false,
		"2025-06-10": false,
		"2025-06-11": true,
		"2025-02-04": false, // national Spring Festival still applies
		"2025-02-08": true,  // national make-up day still applies
	} {
		if got := xj.IsWorkingDay(date(t, day)); got != want {
			t.Errorf("cn-xj %s working=%v, want %v", day, got, want)
		}
	}
	if name, ok := xj.HolidayName(date(t, "2025-03-31")); !ok || name.Zh != "肉孜节" {
		t.Errorf("holiday name = %v %v", name, ok)
	}
	// The 2026 Xinjiang notice was not found (REGULATION.md §6): the
	// national data applies, and the gap says so.
	if !xj.IsWorkingDay(date(t, "2026-03-20")) || xj.IsWorkingDay(date(t, "2026-02-16")) {
		t.Error("cn-xj 2026 should follow the national calendar")
	}
	g := xj.Gap(2026)
	if g == nil || g.Region != "cn-xj" || !g.National || !strings.Contains(g.Reason().Zh, "全国节假日安排") {
		t.Errorf("cn-xj 2026 gap %+v", g)
	}
	// Without national data the national gap is named first.
	if g := xj.Gap(2027); g == nil || g.Region != "cn" {
		t.Errorf("cn-xj 2027 gap %+v, want the national one", g)
	}
}

func TestCalendarYear_ValidateNamesEachProblem(t *testing.T) {
	h := func(zh, from, to string) engine.Holiday {
		return engine.Holiday{Name: engine.Text{Zh: zh, En: zh}, From: date(t, from), To: date(t, to)}
	}
	for _, tc := range []struct {
		name string
		y    engine.CalendarYear
		want string // substring of the English message
		hol  int
		work int
	}{
		{"a date in two holidays", engine.CalendarYear{Region: "cn", Year: 2027, Status: engine.YearComplete,
			Holidays: []engine.Holiday{h("元旦", "2027-01-01", "2027-01-03"), h("重复", "2027-01-03", "2027-01-04")}}, "already listed", 1, -1},
		{"a make-up day on a weekday", engine.CalendarYear{Region: "cn", Year: 2027, Status: engine.YearComplete,
			Workdays: []engine.Date{date(t, "2027-01-05")}}, "not a Saturday or Sunday", -1, 0},
		{"a make-up day inside a holiday", engine.CalendarYear{Region: "cn", Year: 2027, Status: engine.YearComplete,
			Holidays: []engine.Holiday{h("春节", "2027-02-06", "2027-02-13")}, Workdays: []engine.Date{date(t, "2027-02-06")}}, "already listed", -1, 0},
		{"a holiday outside the year", engine.CalendarYear{Region: "cn", Year: 2027, Status: engine.YearComplete,
			Holidays: []engine.Holiday{h("元旦", "2026-12-31", "2027-01-01")}}, "not within 2027", 0, -1},
		{"a holiday ending before it starts", engine.CalendarYear{Region: "cn", Year: 2027, Status: engine.YearComplete,
			Holidays: []engine.Holiday{h("元旦", "2027-01-03", "2027-01-01")}}, "before it starts", 0, -1},
		{"an unknown status", engine.CalendarYear{Region: "cn", Year: 2027, Status: "final"}, "status", -1, -1},
		{"a malformed region", engine.CalendarYear{Region: "CN", Year: 2027, Status: engine.YearComplete}, "region code", -1, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			probs := tc.y.Validate()
			if len(probs) != 1 {
				t.Fatalf("problems %+v, want one", probs)
			}
			p := probs[0]
			if !strings.Contains(p.Message.En, tc.want) || p.Holiday != tc.hol || p.Workday != tc.work || p.Message.Zh == "" {
				t.Fatalf("problem %+v, want %q at holiday %d workday %d", p, tc.want, tc.hol, tc.work)
			}
		})
	}
}

func TestCalendarSet_ReplaceRejectsBadDataAndKeepsTheOld(t *testing.T) {
	cals, err := calendars.Default()
	if err != nil {
		t.Fatal(err)
	}
	for name, rs := range map[string][]engine.CalendarRegion{
		"unknown parent": {{Code: "cn"}, {Code: "cn-x", Parent: "nowhere"}},
		"parent cycle":   {{Code: "cn-a", Parent: "cn-b"}, {Code: "cn-b", Parent: "cn-a"}},
		"bad code":       {{Code: "CN"}},
	} {
		if err := cals.Replace(rs, nil, 9); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := cals.Region("cn-xj"); err != nil || cals.Version() != 0 {
		t.Fatal("a rejected replacement must leave the set unchanged")
	}
}

func TestDate_ParseRejectsImpossibleDatesAndRoundTripsJSON(t *testing.T) {
	if _, err := engine.ParseDate("2026-02-29"); err == nil {
		t.Error("2026-02-29 accepted")
	}
	if _, err := engine.ParseDate("2026/02/01"); err == nil {
		t.Error("slashes accepted")
	}
	d := date(t, "2026-02-10")
	b, _ := json.Marshal(d)
	if string(b) != `"2026-02-10"` {
		t.Errorf("json %s", b)
	}
	var back engine.Date
	if err := json.Unmarshal(b, &back); err != nil || back != d {
		t.Errorf("round trip %v %v", back, err)
	}
	if engine.DaysBetween(d, d.AddDays(30)) != 30 {
		t.Error("DaysBetween")
	}
}

func TestGroupKey_NearIdenticalTextsShareAGroup(t *testing.T) {
	same := []string{"建议，增加绿地！", "建议增加绿地", "  建议 增加\t绿地。", "建议增加绿地!!", "建议增加绿地"}
	for _, s := range same[1:] {
		if engine.GroupKey(s) != engine.GroupKey(same[0]) {
			t.Errorf("%q and %q fall in different groups", s, same[0])
		}
	}
	if engine.GroupKey("Add More Parks") != engine.GroupKey("add more parks.") {
		t.Error("case and punctuation should not split a group")
	}
	if engine.GroupKey("建议增加绿地") == engine.GroupKey("建议减少绿地") {
		t.Error("different opinions share a group")
	}
	if len(engine.GroupKey("x")) != 16 {
		t.Error("group keys are 16 hex digits")
	}
}

// A year loaded as partial (some holidays announced, the notice not yet
// complete) applies what is known and keeps its dates provisional.
func TestCalendar_PartialYearAppliesItsDaysAndStaysProvisional(t *testing.T) {
	cals, err := calendars.Default()
	if err != nil {
		t.Fatal(err)
	}
	partial := engine.CalendarYear{Region: "cn", Year: 2027, Status: engine.YearPartial, Basis: "测试用数据",
		Holidays: []engine.Holiday{{Name: engine.Text{Zh: "测试元旦", En: "Test New Year"}, From: date(t, "2027-01-01"), To: date(t, "2027-01-01")}}}
	if err := cals.Replace(cals.Regions(), append(cals.Years(""), partial), 1); err != nil {
		t.Fatal(err)
	}
	c, _ := cals.Region("cn")
	if c.IsWorkingDay(date(t, "2027-01-01")) {
		t.Error("a holiday of a partial year is not applied")
	}
	g := c.Gap(2027)
	if g == nil || !g.Partial || !strings.Contains(g.Reason().Zh, "尚不完整") {
		t.Fatalf("partial year gap %+v", g)
	}
	if _, ok := c.CoveredUntil(date(t, "2027-03-01")); ok {
		t.Error("a partial year counts as covered")
	}
}
