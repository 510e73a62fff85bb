package engine_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	cals, err := engine.DefaultCalendars()
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
			got, err := c.IsWorkingDay(date(t, tc.day))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
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
		got, err := c.WorkingDaysBetween(start, end)
		if err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", start, end, got, n)
		}
		back, _ := c.WorkingDaysBetween(end, start)
		if back != -n {
			t.Fatalf("reversed = %d, want %d", back, -n)
		}
	}
}

// REGULATION.md §6 and DESIGN.md "Time": a period into a year without data
// is an error naming the year, never a guess.
func TestCalendar_CountingIntoAYearWithoutDataFailsNamingTheYear(t *testing.T) {
	c := national(t)
	_, err := c.AddWorkingDays(date(t, "2026-12-28"), 7)
	if !errors.Is(err, engine.ErrNoCalendarData) {
		t.Fatalf("want ErrNoCalendarData, got %v", err)
	}
	if !strings.Contains(err.Error(), "2027") {
		t.Fatalf("error %q does not name 2027", err)
	}
	if _, err := c.IsWorkingDay(date(t, "2024-12-31")); !errors.Is(err, engine.ErrNoCalendarData) {
		t.Fatalf("2024: want ErrNoCalendarData, got %v", err)
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
	cals, err := engine.DefaultCalendars()
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
		got, err := xj.IsWorkingDay(date(t, day))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("cn-xj %s working=%v, want %v", day, got, want)
		}
	}
	if name, ok := xj.HolidayName(date(t, "2025-03-31")); !ok || name.Zh != "肉孜节" {
		t.Errorf("holiday name = %v %v", name, ok)
	}
	// The 2026 Xinjiang notice was not found (REGULATION.md §6): refuse.
	if _, err := xj.IsWorkingDay(date(t, "2026-03-20")); !errors.Is(err, engine.ErrNoCalendarData) {
		t.Errorf("cn-xj 2026 without data: want ErrNoCalendarData, got %v", err)
	}
}

func TestCalendarSet_LoadDirExtendsWithDataAloneWithoutCodeChange(t *testing.T) {
	dir := t.TempDir()
	data := map[string]any{
		"region": "cn",
		"years": map[string]any{"2027": map[string]any{
			"holidays": []map[string]string{{"zh": "元旦", "en": "New Year's Day", "from": "2027-01-01", "to": "2027-01-01"}},
			"workdays": []string{},
		}},
	}
	b, _ := json.Marshal(data)
	if err := os.WriteFile(filepath.Join(dir, "cn-2027.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	cals, err := engine.DefaultCalendars()
	if err != nil {
		t.Fatal(err)
	}
	if err := cals.LoadDir(dir); err != nil {
		t.Fatal(err)
	}
	c, _ := cals.Region("cn")
	got, err := c.AddWorkingDays(date(t, "2026-12-28"), 7)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != "2027-01-07" {
		t.Errorf("got %s, want 2027-01-07", got)
	}
	// 2026 data is still there.
	if ok, _ := c.IsWorkingDay(date(t, "2026-02-28")); !ok {
		t.Error("2026 make-up day lost after loading 2027")
	}
}

func TestCalendarSet_LoadRejectsBadData(t *testing.T) {
	for name, data := range map[string]string{
		"unknown key":       `{"region":"x","yeers":{}}`,
		"no region":         `{"years":{}}`,
		"bad date":          `{"region":"x","years":{"2026":{"holidays":[],"workdays":["2026-02-30"]}}}`,
		"date outside year": `{"region":"x","years":{"2026":{"holidays":[],"workdays":["2027-01-02"]}}}`,
		"unknown parent":    `{"region":"x","parent":"nowhere","years":{}}`,
		"bad year":          `{"region":"x","years":{"26":{}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			cals, _ := engine.DefaultCalendars()
			if err := cals.Load("test.json", []byte(data)); err == nil || !strings.Contains(err.Error(), "test.json") {
				t.Fatalf("want an error naming the file, got %v", err)
			}
			if _, err := cals.Region("x"); err == nil {
				t.Fatal("a rejected file must leave the set unchanged")
			}
		})
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
