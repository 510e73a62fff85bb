package engine

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
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

// IsWeekend reports whether d is a Saturday or a Sunday.
func (d Date) IsWeekend() bool { wd := d.Weekday(); return wd == time.Saturday || wd == time.Sunday }

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

// YearStatus says how far a region's holiday data for a year can be relied
// on.
type YearStatus string

// The year statuses.
const (
	// YearComplete: the year's notice is loaded in full; dates counted on it
	// are final.
	YearComplete YearStatus = "complete"
	// YearPartial: some of the year's holidays are known (e.g. announced
	// separately); they are applied, but dates counted over the year stay
	// provisional.
	YearPartial YearStatus = "partial"
)

// Holiday is a span of statutory rest days (both ends included).
type Holiday struct {
	Name Text `json:"name"`
	From Date `json:"from"`
	To   Date `json:"to"`
}

// CalendarRegion describes a calendar region: "cn" is the national
// calendar; a regional calendar (e.g. "cn-xj", Xinjiang) names the national
// one as its parent and adds its own holidays to it.
type CalendarRegion struct {
	Code   string `json:"code"`
	Parent string `json:"parent"`
	Name   Text   `json:"name"`
}

// CalendarYear is one region's holiday data for one year, as an
// administrator loads it from the year's notice: the holidays and the
// make-up working days (调休) that the notice lists. Every other Monday to
// Friday is a working day.
type CalendarYear struct {
	Region   string     `json:"region"`
	Year     int        `json:"year"`
	Status   YearStatus `json:"status"`
	Basis    string     `json:"basis"`
	Holidays []Holiday  `json:"holidays"`
	Workdays []Date     `json:"workdays"`
}

// CalendarProblem is one thing wrong with a CalendarYear. Holiday or
// Workday is the index of the offending entry (-1 when the problem is not
// about one entry), so a parser can point at the line it came from.
type CalendarProblem struct {
	Holiday, Workday int
	Message          Text
}

var reRegion = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]{1,16}){0,3}$`)

// ValidRegionCode reports whether code is a well-formed region code:
// lower-case, like "cn" or "cn-xj".
func ValidRegionCode(code string) bool { return reRegion.MatchString(code) }

// maxHolidaySpan is the longest holiday span accepted, in days: longer
// spans are taken to be typing mistakes.
const maxHolidaySpan = 31

// Validate lists every problem of y: the region code and year are
// well formed, the status is known, every holiday lies within the year with
// from <= to and has a Chinese name, every date appears once (no day in two
// holidays, no make-up day twice or inside a holiday), and every make-up
// working day falls on a Saturday or Sunday. An empty result means y is
// valid.
func (y CalendarYear) Validate() []CalendarProblem {
	var out []CalendarProblem
	add := func(h, w int, zh, en string) {
		out = append(out, CalendarProblem{Holiday: h, Workday: w, Message: Text{Zh: zh, En: en}})
	}
	if !ValidRegionCode(y.Region) {
		add(-1, -1, fmt.Sprintf("地区代码“%s”格式不正确，应为小写字母，如 cn 或 cn-xj", y.Region),
			fmt.Sprintf("region code %q is malformed: use lower case, like cn or cn-xj", y.Region))
	}
	if y.Year < 1949 || y.Year > 9999 {
		add(-1, -1, fmt.Sprintf("年份%d不正确", y.Year), fmt.Sprintf("year %d is not valid", y.Year))
	}
	if y.Status != YearComplete && y.Status != YearPartial {
		add(-1, -1, fmt.Sprintf("年度数据状态“%s”不正确，应为 complete（完整）或 partial（部分）", y.Status),
			fmt.Sprintf("status %q is not valid: use complete or partial", y.Status))
	}
	seen := map[Date]string{}
	for i, h := range y.Holidays {
		if strings.TrimSpace(h.Name.Zh) == "" {
			add(i, -1, "节假日缺少中文名称", "the holiday has no Chinese name")
		}
		if h.From.IsZero() || h.To.IsZero() {
			add(i, -1, "节假日缺少起止日期", "the holiday needs a first and a last day")
			continue
		}
		if h.From.Year != y.Year || h.To.Year != y.Year {
			add(i, -1, fmt.Sprintf("节假日“%s”（%s至%s）不在%d年内", h.Name.Zh, h.From, h.To, y.Year),
				fmt.Sprintf("holiday %q (%s to %s) is not within %d", h.Name.En, h.From, h.To, y.Year))
			continue
		}
		if h.To.Before(h.From) {
			add(i, -1, fmt.Sprintf("节假日“%s”的结束日期%s早于开始日期%s", h.Name.Zh, h.To, h.From),
				fmt.Sprintf("holiday %q ends (%s) before it starts (%s)", h.Name.En, h.To, h.From))
			continue
		}
		if DaysBetween(h.From, h.To) >= maxHolidaySpan {
			add(i, -1, fmt.Sprintf("节假日“%s”长达%d天，超过%d天，请核对日期", h.Name.Zh, DaysBetween(h.From, h.To)+1, maxHolidaySpan),
				fmt.Sprintf("holiday %q lasts %d days, more than %d: check the dates", h.Name.En, DaysBetween(h.From, h.To)+1, maxHolidaySpan))
			continue
		}
		for d := h.From; !d.After(h.To); d = d.AddDays(1) {
			if prev, dup := seen[d]; dup {
				add(i, -1, fmt.Sprintf("%s已列在“%s”中，每个日期只能出现一次", d, prev),
					fmt.Sprintf("%s is already listed in %q: each date appears once", d, prev))
				break
			}
			seen[d] = h.Name.Zh
		}
	}
	for i, w := range y.Workdays {
		switch {
		case w.IsZero():
			add(-1, i, "调休上班日期为空", "the make-up working day is empty")
		case w.Year != y.Year:
			add(-1, i, fmt.Sprintf("调休上班日%s不在%d年内", w, y.Year), fmt.Sprintf("make-up working day %s is not within %d", w, y.Year))
		case !w.IsWeekend():
			add(-1, i, fmt.Sprintf("调休上班日%s不是周六或周日", w), fmt.Sprintf("make-up working day %s is not a Saturday or Sunday", w))
		default:
			if prev, dup := seen[w]; dup {
				add(-1, i, fmt.Sprintf("%s已列在“%s”中，每个日期只能出现一次", w, prev),
					fmt.Sprintf("%s is already listed (%s): each date appears once", w, prev))
				continue
			}
			seen[w] = "调休上班日"
		}
	}
	return out
}

// Gap is a region-year for which holiday data is missing or only partial,
// so that dates counted over it are provisional.
type Gap struct {
	// Region and RegionName name the calendar that lacks the data.
	Region     string
	RegionName Text
	Year       int
	// Partial is set when some data is loaded (status partial); otherwise
	// the year has no data at all.
	Partial bool
	// National is set when the missing data is regional and the national
	// calendar for the year applies; otherwise weekends alone are counted
	// (or the partial data known).
	National bool
}

// Key identifies the gap, e.g. "cn:2027".
func (g Gap) Key() string { return fmt.Sprintf("%s:%d", g.Region, g.Year) }

// Reason explains the gap to a user, in Chinese and in English.
func (g Gap) Reason() Text {
	name := g.RegionName
	if name.Zh == "" {
		name = Text{Zh: g.Region, En: g.Region}
	}
	switch {
	case g.Partial:
		return Text{Zh: fmt.Sprintf("%s%d年节假日安排尚不完整，日期为暂定", name.Zh, g.Year),
			En: fmt.Sprintf("the %d holiday data of %s is incomplete, so the date is provisional", g.Year, name.En)}
	case g.National:
		return Text{Zh: fmt.Sprintf("尚未载入%s%d年节假日安排，暂按全国节假日安排计算", name.Zh, g.Year),
			En: fmt.Sprintf("the %d holiday notice of %s is not loaded yet; counted on the national calendar", g.Year, name.En)}
	}
	return Text{Zh: fmt.Sprintf("尚未载入%s%d年节假日安排，暂按周末计算", name.Zh, g.Year),
		En: fmt.Sprintf("the %d holiday notice of %s is not loaded yet; counted on weekends alone", g.Year, name.En)}
}

// GapsReason joins the reasons of gaps ("" parts when gaps is empty).
func GapsReason(gaps []Gap) Text {
	var zh, en []string
	for _, g := range gaps {
		r := g.Reason()
		zh, en = append(zh, r.Zh), append(en, r.En)
	}
	t := Text{Zh: strings.Join(zh, "；"), En: strings.Join(en, "; ")}
	if t.En != "" {
		t.En = strings.ToUpper(t.En[:1]) + t.En[1:]
	}
	return t
}

// Calendar is the working-day calendar of one region: weekends, statutory
// holidays and make-up working days, including those of its parent region.
// Where a year has no data, weekends alone (or the parent's data) are
// counted and Gaps says so: the calendar never refuses a date. A Calendar
// is immutable and safe for concurrent use.
type Calendar struct {
	region   string
	name     Text
	parent   *Calendar
	years    map[int]YearStatus
	holidays map[Date]Text
	workdays map[Date]bool
}

// Region returns the region code, e.g. "cn" or "cn-xj".
func (c *Calendar) Region() string { return c.region }

// Name returns the region's bilingual name.
func (c *Calendar) Name() Text { return c.name }

// Parent returns the parent region's calendar, nil for the national one.
func (c *Calendar) Parent() *Calendar { return c.parent }

// Covers reports whether the calendar has complete holiday data for year,
// in its own data and in every ancestor's.
func (c *Calendar) Covers(year int) bool { return c.Gap(year) == nil }

// Gap returns what is missing for year, nil when the region and every
// ancestor have complete data. The national gap is reported first: without
// national data, regional data does not make a date final.
func (c *Calendar) Gap(year int) *Gap {
	var chain []*Calendar
	for k := c; k != nil; k = k.parent {
		chain = append(chain, k)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		k := chain[i]
		st, ok := k.years[year]
		switch {
		case !ok:
			return &Gap{Region: k.region, RegionName: k.name, Year: year, National: i < len(chain)-1}
		case st == YearPartial:
			return &Gap{Region: k.region, RegionName: k.name, Year: year, Partial: true}
		}
	}
	return nil
}

// Gaps returns the gaps of the years from a to b (both included, in either
// order), in year order.
func (c *Calendar) Gaps(a, b Date) []Gap {
	if b.Before(a) {
		a, b = b, a
	}
	var out []Gap
	for y := a.Year; y <= b.Year; y++ {
		if g := c.Gap(y); g != nil {
			out = append(out, *g)
		}
	}
	return out
}

// CoveredUntil returns the last day of the run of covered years starting
// with from's year, and false when from's year itself is not covered.
func (c *Calendar) CoveredUntil(from Date) (Date, bool) {
	y := from.Year
	if !c.Covers(y) {
		return Date{}, false
	}
	for c.Covers(y + 1) {
		y++
	}
	return Date{y, time.December, 31}, true
}

// Years returns the years with any data for this region or an ancestor,
// ascending.
func (c *Calendar) Years() []int {
	set := map[int]bool{}
	for k := c; k != nil; k = k.parent {
		for y := range k.years {
			set[y] = true
		}
	}
	out := make([]int, 0, len(set))
	for y := range set {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// IsWorkingDay reports whether d is a working day: Monday to Friday that is
// not a known holiday, or a known make-up working weekend day. For a year
// without data only weekends are rest days (see Gap).
func (c *Calendar) IsWorkingDay(d Date) bool {
	if c.workdays[d] {
		return true
	}
	if _, ok := c.holidays[d]; ok {
		return false
	}
	return !d.IsWeekend()
}

// HolidayName returns the name of the holiday d falls in, and false when d
// is not a listed holiday (ordinary weekends are not named).
func (c *Calendar) HolidayName(d Date) (Text, bool) {
	t, ok := c.holidays[d]
	return t, ok
}

// AddWorkingDays returns the n-th working day after start; start itself is
// never counted (Civil Code Art. 201); n == 0 returns start. It fails only
// for a negative n.
func (c *Calendar) AddWorkingDays(start Date, n int) (Date, error) {
	if n < 0 {
		return Date{}, fmt.Errorf("negative number of working days: %d", n)
	}
	d := start
	for n > 0 {
		d = d.AddDays(1)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d, nil
}

// WorkingDaysBetween counts the working days d with a < d <= b (the start
// day is not counted). When b is before a the count is negative.
func (c *Calendar) WorkingDaysBetween(a, b Date) int {
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return sign * n
}

// FirstWorkingDayFrom returns d when it is a working day, otherwise the next
// working day after it (Civil Code Art. 203: a period whose last day is a
// rest day ends on the next working day).
func (c *Calendar) FirstWorkingDayFrom(d Date) Date {
	for !c.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// CalendarPeriodEnd returns the last day of a period of n calendar days
// starting on start: start is not counted (Civil Code Art. 201), and an end
// falling on a holiday or rest day moves to the next working day (Art. 203).
func (c *Calendar) CalendarPeriodEnd(start Date, n int) (Date, error) {
	if n < 0 {
		return Date{}, fmt.Errorf("negative number of days: %d", n)
	}
	return c.FirstWorkingDayFrom(start.AddDays(n)), nil
}

// calendarData is one immutable generation of a CalendarSet.
type calendarData struct {
	version int64
	regions map[string]CalendarRegion
	years   map[string]map[int]CalendarYear
	cals    map[string]*Calendar
}

// CalendarSet holds the calendars of all known regions. Its data is
// replaced as a whole (Replace) when an administrator loads a notice; every
// lookup sees one consistent generation. Safe for concurrent use.
type CalendarSet struct {
	data atomic.Pointer[calendarData]
}

// DefaultRegion is the region used for organisations that name none.
const DefaultRegion = "cn"

// NewCalendarSet returns a set built from regions and years (see Replace).
func NewCalendarSet(regions []CalendarRegion, years []CalendarYear, version int64) (*CalendarSet, error) {
	s := &CalendarSet{}
	if err := s.Replace(regions, years, version); err != nil {
		return nil, err
	}
	return s, nil
}

// Replace swaps in new data. version identifies the generation (the
// sequence number of the last notice stored; 0 for data that was never
// stored). Every year must be valid (CalendarYear.Validate), belong to a
// listed region, and appear once; every parent must be listed and parents
// must not form a cycle. On error the set is unchanged.
func (s *CalendarSet) Replace(regions []CalendarRegion, years []CalendarYear, version int64) error {
	d := &calendarData{version: version, regions: map[string]CalendarRegion{}, years: map[string]map[int]CalendarYear{}, cals: map[string]*Calendar{}}
	for _, r := range regions {
		if !ValidRegionCode(r.Code) {
			return fmt.Errorf("calendar region %q is malformed", r.Code)
		}
		if _, dup := d.regions[r.Code]; dup {
			return fmt.Errorf("calendar region %q listed twice", r.Code)
		}
		d.regions[r.Code] = r
		d.years[r.Code] = map[int]CalendarYear{}
	}
	for _, y := range years {
		if probs := y.Validate(); len(probs) > 0 {
			return fmt.Errorf("calendar %s %d: %s", y.Region, y.Year, probs[0].Message.En)
		}
		m, ok := d.years[y.Region]
		if !ok {
			return fmt.Errorf("calendar %s %d: unknown region", y.Region, y.Year)
		}
		if _, dup := m[y.Year]; dup {
			return fmt.Errorf("calendar %s %d listed twice", y.Region, y.Year)
		}
		m[y.Year] = y
	}
	var build func(code string, seen map[string]bool) (*Calendar, error)
	build = func(code string, seen map[string]bool) (*Calendar, error) {
		if c := d.cals[code]; c != nil {
			return c, nil
		}
		r, ok := d.regions[code]
		if !ok {
			return nil, fmt.Errorf("unknown calendar region %q", code)
		}
		if seen[code] {
			return nil, fmt.Errorf("calendar parent cycle through %q", code)
		}
		seen[code] = true
		c := &Calendar{region: code, name: r.Name, years: map[int]YearStatus{}, holidays: map[Date]Text{}, workdays: map[Date]bool{}}
		if r.Parent != "" {
			p, err := build(r.Parent, seen)
			if err != nil {
				return nil, err
			}
			c.parent = p
			for k, v := range p.holidays {
				c.holidays[k] = v
			}
			for k := range p.workdays {
				c.workdays[k] = true
			}
		}
		for _, y := range d.years[code] {
			c.years[y.Year] = y.Status
			for _, h := range y.Holidays {
				for day := h.From; !day.After(h.To); day = day.AddDays(1) {
					c.holidays[day] = h.Name
					delete(c.workdays, day)
				}
			}
			for _, w := range y.Workdays {
				c.workdays[w] = true
				delete(c.holidays, w)
			}
		}
		d.cals[code] = c
		return c, nil
	}
	for code := range d.regions {
		if _, err := build(code, map[string]bool{}); err != nil {
			return err
		}
	}
	s.data.Store(d)
	return nil
}

func (s *CalendarSet) current() *calendarData {
	if d := s.data.Load(); d != nil {
		return d
	}
	return &calendarData{}
}

// Version returns the generation of the data (see Replace).
func (s *CalendarSet) Version() int64 { return s.current().version }

// Region returns the calendar of region ("" means DefaultRegion), or an
// invalid *Error when no calendar is known for it.
func (s *CalendarSet) Region(region string) (*Calendar, error) {
	if region == "" {
		region = DefaultRegion
	}
	c := s.current().cals[region]
	if c == nil {
		return nil, &Error{Code: CodeInvalid,
			Message:   fmt.Sprintf("there is no holiday calendar for region %q", region),
			MessageZh: fmt.Sprintf("没有地区“%s”的节假日日历", region)}
	}
	return c, nil
}

// Regions returns the known regions, sorted by code.
func (s *CalendarSet) Regions() []CalendarRegion {
	d := s.current()
	out := make([]CalendarRegion, 0, len(d.regions))
	for _, r := range d.regions {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b CalendarRegion) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// Years returns the data of region (all regions when region is ""),
// sorted by region and year.
func (s *CalendarSet) Years(region string) []CalendarYear {
	d := s.current()
	var out []CalendarYear
	for code, m := range d.years {
		if region != "" && code != region {
			continue
		}
		for _, y := range m {
			out = append(out, y)
		}
	}
	slices.SortFunc(out, func(a, b CalendarYear) int {
		if c := strings.Compare(a.Region, b.Region); c != 0 {
			return c
		}
		return a.Year - b.Year
	})
	return out
}

// Descendants returns region and every region below it (whose parent
// chain reaches it), sorted.
func (s *CalendarSet) Descendants(region string) []string {
	d := s.current()
	var out []string
	for code, c := range d.cals {
		for k := c; k != nil; k = k.parent {
			if k.region == region {
				out = append(out, code)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}
