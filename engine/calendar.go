package engine

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Date is a civil date without time of day or zone. Statutory periods are
// counted in whole days (Civil Code Art. 201), so the engine works in Dates
// and converts wall-clock instants with DateOf in the government's zone.
//
// The zero Date is invalid. Dates marshal to JSON as "2006-01-02".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "2006-01-02". It rejects any other layout and impossible
// dates such as 2026-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String formats d as "2006-01-02".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// AddDays returns d plus n calendar days (n may be negative).
func (d Date) AddDays(n int) Date { return DateOf(d.time().AddDate(0, 0, n)) }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.time().Before(o.time()) }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.time().After(o.time()) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.time().Weekday() }

// DaysBetween returns the number of calendar days from a to b: positive when
// b is after a, so DaysBetween(d, d.AddDays(n)) == n.
func DaysBetween(a, b Date) int { return int(b.time().Sub(a.time()).Hours() / 24) }

// MarshalJSON encodes d as a "2006-01-02" string.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON decodes a "2006-01-02" string.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ErrNoCalendarData is matched (errors.Is) by every error caused by a date
// in a year for which a region has no holiday data. The engine never guesses
// a working day: such a computation fails.
var ErrNoCalendarData = errors.New("no holiday calendar data")

// NoCalendarDataError says which region and year lack data.
type NoCalendarDataError struct {
	Region string
	Year   int
}

// Error names the region and the year, e.g. "no holiday calendar data for
// region cn in 2027".
func (e *NoCalendarDataError) Error() string {
	return fmt.Sprintf("no holiday calendar data for region %s in %d; load the State Council notice for %d (--calendars DIR)", e.Region, e.Year, e.Year)
}

// Is makes errors.Is(err, ErrNoCalendarData) true.
func (e *NoCalendarDataError) Is(target error) bool { return target == ErrNoCalendarData }

// calendarFile is the on-disk format of one region's calendar (see
// engine/calendars/*.json). A year listed under years is covered: every day
// of it is a working day unless it is a weekend or a listed holiday, or it
// is a listed make-up working day (调休).
type calendarFile struct {
	Region string                  `json:"region"`
	Parent string                  `json:"parent"`
	Name   Text                    `json:"name"`
	Basis  string                  `json:"basis"`
	Years  map[string]calendarYear `json:"years"`
	source string
}

type calendarYear struct {
	Holidays []holidaySpan `json:"holidays"`
	Workdays []Date        `json:"workdays"`
}

type holidaySpan struct {
	Zh   string `json:"zh"`
	En   string `json:"en"`
	From Date   `json:"from"`
	To   Date   `json:"to"`
}

// Calendar is the working-day calendar of one region: weekends, statutory
// holidays and make-up working days, including those of its parent region.
// A Calendar is immutable and safe for concurrent use.
type Calendar struct {
	region   string
	name     Text
	parent   *Calendar
	years    map[int]bool
	holidays map[Date]Text
	workdays map[Date]bool
}

// Region returns the region code, e.g. "cn" or "cn-xj".
func (c *Calendar) Region() string { return c.region }

// Name returns the region's bilingual name.
func (c *Calendar) Name() Text { return c.name }

// Covers reports whether the calendar has holiday data for year, in its own
// file and in every ancestor's.
func (c *Calendar) Covers(year int) bool {
	for k := c; k != nil; k = k.parent {
		if !k.years[year] {
			return false
		}
	}
	return true
}

// Years returns the covered years in ascending order.
func (c *Calendar) Years() []int {
	var ys []int
	for y := range c.years {
		if c.Covers(y) {
			ys = append(ys, y)
		}
	}
	sort.Ints(ys)
	return ys
}

func (c *Calendar) check(d Date) error {
	if !c.Covers(d.Year) {
		return &NoCalendarDataError{Region: c.region, Year: d.Year}
	}
	return nil
}

// IsWorkingDay reports whether d is a working day: Monday to Friday that is
// not a holiday, or a make-up working weekend day. It returns an error
// matching ErrNoCalendarData when d's year is not covered.
func (c *Calendar) IsWorkingDay(d Date) (bool, error) {
	if err := c.check(d); err != nil {
		return false, err
	}
	if c.workdays[d] {
		return true, nil
	}
	if _, ok := c.holidays[d]; ok {
		return false, nil
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

// HolidayName returns the name of the holiday d falls in, and false when d
// is not a listed holiday (ordinary weekends are not named).
func (c *Calendar) HolidayName(d Date) (Text, bool) {
	t, ok := c.holidays[d]
	return t, ok
}

// AddWorkingDays returns the n-th working day after start; start itself is
// never counted (Civil Code Art. 201). n must not be negative; n == 0
// returns start.
func (c *Calendar) AddWorkingDays(start Date, n int) (Date, error) {
	if n < 0 {
		return Date{}, fmt.Errorf("negative number of working days: %d", n)
	}
	d := start
	for n > 0 {
		d = d.AddDays(1)
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return Date{}, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// WorkingDaysBetween counts the working days d with a < d <= b (the start
// day is not counted). When b is before a the count is negative.
func (c *Calendar) WorkingDaysBetween(a, b Date) (int, error) {
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return sign * n, nil
}

// FirstWorkingDayFrom returns d when it is a working day, otherwise the next
// working day after it.
func (c *Calendar) FirstWorkingDayFrom(d Date) (Date, error) {
	for {
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return Date{}, err
		}
		if ok {
			return d, nil
		}
		d = d.AddDays(1)
	}
}

// CalendarPeriodEnd returns the last day of a period of n calendar days
// starting on start: start is not counted (Civil Code Art. 201), and an end
// falling on a holiday or rest day moves to the next working day (Art. 203).
func (c *Calendar) CalendarPeriodEnd(start Date, n int) (Date, error) {
	if n < 0 {
		return Date{}, fmt.Errorf("negative number of days: %d", n)
	}
	return c.FirstWorkingDayFrom(start.AddDays(n))
}

// CalendarSet holds the calendars of all known regions. The default region
// is "cn". Loading is safe to do before the set is shared; lookups are safe
// for concurrent use.
type CalendarSet struct {
	mu    sync.RWMutex
	files map[string]*calendarFile
	cals  map[string]*Calendar
}

//go:embed calendars/*.json
var embeddedCalendars embed.FS

// DefaultRegion is the region used for organisations that name none.
const DefaultRegion = "cn"

// DefaultCalendars returns the shipped calendars: national ("cn") 2025–2026
// and Xinjiang ("cn-xj") 2025.
func DefaultCalendars() (*CalendarSet, error) {
	s := &CalendarSet{files: map[string]*calendarFile{}}
	if err := s.loadFS(embeddedCalendars, "calendars"); err != nil {
		return nil, err
	}
	return s, nil
}

// LoadDir adds or replaces calendars from the *.json files in dir. A file
// for an existing region adds its years to that region, replacing a year it
// also lists. Errors name the file.
func (s *CalendarSet) LoadDir(dir string) error {
	return s.loadFS(os.DirFS(dir), ".")
}

func (s *CalendarSet) loadFS(fsys fs.FS, dir string) error {
	names, err := fs.Glob(fsys, filepath.ToSlash(filepath.Join(dir, "*.json")))
	if err != nil {
		return err
	}
	sort.Strings(names)
	var files []*calendarFile
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return err
		}
		f, err := parseCalendarFile(n, data)
		if err != nil {
			return err
		}
		files = append(files, f)
	}
	return s.add(files...)
}

// Load adds one calendar file's data (see engine/calendars/cn.json for the
// format). source names the data in errors. Unknown keys, malformed dates,
// dates outside their year, unknown parents and parent cycles are errors;
// on error the set is unchanged.
func (s *CalendarSet) Load(source string, data []byte) error {
	f, err := parseCalendarFile(source, data)
	if err != nil {
		return err
	}
	return s.add(f)
}

func parseCalendarFile(source string, data []byte) (*calendarFile, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var f calendarFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	f.source = source
	if f.Region == "" {
		return nil, fmt.Errorf("%s: region is required", source)
	}
	for ys, y := range f.Years {
		year, err := parseYear(ys)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		for _, h := range y.Holidays {
			if h.From.IsZero() || h.To.IsZero() || h.To.Before(h.From) || h.From.Year != year || h.To.Year != year {
				return nil, fmt.Errorf("%s: holiday %s (%s…%s) must lie within %d with from <= to", source, h.Zh, h.From, h.To, year)
			}
		}
		for _, w := range y.Workdays {
			if w.Year != year {
				return nil, fmt.Errorf("%s: make-up working day %s is not in %d", source, w, year)
			}
		}
	}
	return &f, nil
}

// add merges parsed files into the set and rebuilds every calendar; on
// error the set is unchanged.
func (s *CalendarSet) add(in ...*calendarFile) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	files := make(map[string]*calendarFile, len(s.files)+len(in))
	for k, v := range s.files {
		files[k] = v
	}
	sources := make([]string, 0, len(in))
	for _, f := range in {
		sources = append(sources, f.source)
		old := files[f.Region]
		if old == nil {
			files[f.Region] = f
			continue
		}
		merged := *old
		merged.Years = map[string]calendarYear{}
		for k, v := range old.Years {
			merged.Years[k] = v
		}
		for k, v := range f.Years {
			merged.Years[k] = v
		}
		if f.Parent != "" {
			merged.Parent = f.Parent
		}
		if f.Name.Zh != "" || f.Name.En != "" {
			merged.Name = f.Name
		}
		merged.source = f.source
		files[f.Region] = &merged
	}
	cals, err := buildCalendars(files)
	if err != nil {
		return fmt.Errorf("%s: %w", strings.Join(sources, ", "), err)
	}
	s.files, s.cals = files, cals
	return nil
}

func parseYear(s string) (int, error) {
	var y int
	if _, err := fmt.Sscanf(s, "%d", &y); err != nil || fmt.Sprint(y) != s || y < 1949 || y > 9999 {
		return 0, fmt.Errorf("invalid year %q", s)
	}
	return y, nil
}

func buildCalendars(files map[string]*calendarFile) (map[string]*Calendar, error) {
	out := map[string]*Calendar{}
	var build func(region string, seen map[string]bool) (*Calendar, error)
	build = func(region string, seen map[string]bool) (*Calendar, error) {
		if c := out[region]; c != nil {
			return c, nil
		}
		f := files[region]
		if f == nil {
			return nil, fmt.Errorf("unknown calendar region %q", region)
		}
		if seen[region] {
			return nil, fmt.Errorf("calendar parent cycle through %q", region)
		}
		seen[region] = true
		c := &Calendar{region: region, name: f.Name, years: map[int]bool{}, holidays: map[Date]Text{}, workdays: map[Date]bool{}}
		if f.Parent != "" {
			p, err := build(f.Parent, seen)
			if err != nil {
				return nil, err
			}
			c.parent = p
			for d, t := range p.holidays {
				c.holidays[d] = t
			}
			for d := range p.workdays {
				c.workdays[d] = true
			}
		}
		for ys, y := range f.Years {
			year, _ := parseYear(ys)
			c.years[year] = true
			for _, h := range y.Holidays {
				for d := h.From; !d.After(h.To); d = d.AddDays(1) {
					c.holidays[d] = Text{Zh: h.Zh, En: h.En}
					delete(c.workdays, d)
				}
			}
			for _, w := range y.Workdays {
				c.workdays[w] = true
			}
		}
		out[region] = c
		return c, nil
	}
	for r := range files {
		if _, err := build(r, map[string]bool{}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Region returns the calendar of region ("" means DefaultRegion), or an
// invalid *Error when no calendar is loaded for it.
func (s *CalendarSet) Region(region string) (*Calendar, error) {
	if region == "" {
		region = DefaultRegion
	}
	s.mu.RLock()
	c := s.cals[region]
	s.mu.RUnlock()
	if c == nil {
		return nil, &Error{Code: CodeInvalid,
			Message:   fmt.Sprintf("no calendar for region %q", region),
			MessageZh: fmt.Sprintf("未配置地区 %q 的节假日日历", region)}
	}
	return c, nil
}

// Regions returns the loaded region codes, sorted.
func (s *CalendarSet) Regions() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rs := make([]string, 0, len(s.cals))
	for r := range s.cals {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	return rs
}
