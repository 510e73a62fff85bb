package procedure

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
)

// CalendarStore is the storage the calendar use cases need. The store
// package implements it for PostgreSQL and SQLite.
type CalendarStore interface {
	// AppendCalendarEntries appends entries to the hash-chained calendar
	// log in one transaction, skipping those whose content equals the
	// current entry of their region-year, and returns those appended.
	AppendCalendarEntries(ctx context.Context, entries []*engine.CalendarEntry) ([]*engine.CalendarEntry, error)
	// CalendarEntries returns the whole log in sequence order.
	CalendarEntries(ctx context.Context) ([]*engine.CalendarEntry, error)
	// CalendarVersion returns the last entry's sequence number, 0 if none.
	CalendarVersion(ctx context.Context) (int64, error)
	// RegionsInUse returns the regions of the organisations.
	RegionsInUse(ctx context.Context) ([]string, error)
	// ItemsWithRunningPeriods pages, by id, through the items of the
	// regions' organisations that have a running period.
	ItemsWithRunningPeriods(ctx context.Context, regions []string, after int64, limit int) ([]*engine.Item, error)
	// GetItem reads one item.
	GetItem(ctx context.Context, org, id int64) (*engine.Item, error)
}

// Calendars administers the holiday calendars: it loads notices into the
// calendar log (each change recorded, tamper-evidently, with who loaded it
// and from where), keeps the engine's calendar set equal to the data in
// force, recomputes the running periods a change touches (each moved due
// date an event of its item), and reports how far ahead the data reaches.
// Safe for concurrent use.
type Calendars struct {
	store CalendarStore
	eng   *engine.Engine
	log   *slog.Logger
	mu    sync.Mutex // serialises reloads
}

// NewCalendars returns the calendar use cases over store and the engine
// whose calendar set they keep current.
func NewCalendars(store CalendarStore, eng *engine.Engine, log *slog.Logger) *Calendars {
	if log == nil {
		log = slog.Default()
	}
	return &Calendars{store: store, eng: eng, log: log}
}

// Loader is who loads calendar data: a user (Ref "user:12" with OrgID),
// the command line ("cli:NAME") or the system ("system", shipped data).
type Loader struct {
	Ref   string
	OrgID int64
}

// SystemLoader is the loader of shipped data.
var SystemLoader = Loader{Ref: "system"}

// ImportResult says what a load changed.
type ImportResult struct {
	// Changed lists the region-years whose data changed (new log entries).
	Changed []engine.CalendarChange `json:"changed"`
	// Unchanged lists region-years ("cn:2026") the notice repeated as
	// they already were.
	Unchanged []string `json:"unchanged"`
	// Recomputed counts the items whose due dates moved (one event each).
	Recomputed int `json:"recomputed"`
}

// ImportFile parses a notice file (see package calendars) and loads it as
// Import does. A malformed file returns an invalid *engine.Error whose
// messages list every problem with its line, and changes nothing.
func (c *Calendars) ImportFile(ctx context.Context, by Loader, source string, data []byte) (*ImportResult, error) {
	n, err := calendars.Parse(source, data)
	if err != nil {
		return nil, parseProblem(err)
	}
	return c.Import(ctx, by, n)
}

// ParseProblems returns the line-numbered problems of a failed ImportFile,
// nil for any other error.
func ParseProblems(err error) []calendars.Problem {
	var pe *calendarParseError
	if errors.As(err, &pe) {
		return pe.pe.Problems
	}
	return nil
}

type calendarParseError struct{ pe *calendars.ParseError }

func (e *calendarParseError) Error() string { return e.pe.Error() }

func parseProblem(err error) error {
	var pe *calendars.ParseError
	if !errors.As(err, &pe) {
		return engine.Internal(err)
	}
	return &engine.Error{Code: engine.CodeInvalid, Field: "calendar",
		MessageZh: "节假日安排文件有误：\n" + pe.Zh(), Message: "the holiday notice file has errors:\n" + pe.Error(),
		Err: &calendarParseError{pe}}
}

// Import loads the years of notice n: each region-year whose content
// differs from the data in force becomes a new entry of the calendar log,
// the engine's calendars are reloaded, and every running period of the
// affected regions' items is recomputed, each item whose due dates move
// gaining one event that names the old and new dates and the notice. The
// region must be known or named by the notice, its parent known; otherwise
// invalid, and nothing changes.
func (c *Calendars) Import(ctx context.Context, by Loader, n *calendars.Notice) (*ImportResult, error) {
	return c.load(ctx, by, n, false)
}

// load appends the notice (only the region-years missing from the log
// when onlyMissing), reloads and recomputes.
func (c *Calendars) load(ctx context.Context, by Loader, n *calendars.Notice, onlyMissing bool) (*ImportResult, error) {
	logged, err := c.store.CalendarEntries(ctx)
	if err != nil {
		return nil, err
	}
	rs, ys := engine.CurrentCalendars(logged)
	region, err := regionFor(rs, n)
	if err != nil {
		return nil, err
	}
	// Check that the data in force plus this notice makes a valid set
	// before anything is written.
	rs = slices.DeleteFunc(rs, func(r engine.CalendarRegion) bool { return r.Code == region.Code })
	rs = append(rs, region)
	known := map[int]bool{}
	for _, y := range ys {
		if y.Region == region.Code {
			known[y.Year] = true
		}
	}
	for _, y := range n.Years {
		ys = slices.DeleteFunc(ys, func(o engine.CalendarYear) bool { return o.Region == y.Region && o.Year == y.Year })
		ys = append(ys, y)
	}
	if _, err := engine.NewCalendarSet(rs, ys, 0); err != nil {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "calendar",
			MessageZh: fmt.Sprintf("地区“%s”的上级地区“%s”不存在或形成循环", region.Code, region.Parent),
			Message:   fmt.Sprintf("the parent %q of region %q is unknown or forms a cycle", region.Parent, region.Code), Err: err}
	}
	now := c.eng.Now()
	var entries []*engine.CalendarEntry
	res := &ImportResult{Changed: []engine.CalendarChange{}, Unchanged: []string{}}
	for _, y := range n.Years {
		if onlyMissing && known[y.Year] {
			continue
		}
		entries = append(entries, &engine.CalendarEntry{Region: region, Year: y, Source: n.Source, LoadedBy: by.Ref, OrgID: by.OrgID, LoadedAt: now})
	}
	added, err := c.store.AppendCalendarEntries(ctx, entries)
	if err != nil {
		return nil, err
	}
	for _, e := range added {
		res.Changed = append(res.Changed, change(e))
	}
	for _, e := range entries {
		if !slices.ContainsFunc(added, func(a *engine.CalendarEntry) bool { return a.Year.Year == e.Year.Year }) {
			res.Unchanged = append(res.Unchanged, e.Region.Code+":"+strconv.Itoa(e.Year.Year))
		}
	}
	if _, err := c.Refresh(ctx); err != nil {
		return nil, err
	}
	if len(added) > 0 {
		res.Recomputed, err = c.Recompute(ctx, res.Changed)
	}
	return res, err
}

// regionFor returns the region a notice describes: the known region with
// the notice's parent and name where given. A new region must be named.
func regionFor(known []engine.CalendarRegion, n *calendars.Notice) (engine.CalendarRegion, error) {
	r := n.Region
	for _, k := range known {
		if k.Code == r.Code {
			if r.Parent == "" {
				r.Parent = k.Parent
			}
			if !n.HasName {
				r.Name = k.Name
			}
			return r, nil
		}
	}
	if !n.HasName {
		return r, &engine.Error{Code: engine.CodeInvalid, Field: "calendar",
			MessageZh: fmt.Sprintf("地区“%s”尚无日历，新地区须写明名称（name，含 zh 和 en）", r.Code),
			Message:   fmt.Sprintf("region %q has no calendar yet: a new region needs its name (name with zh and en)", r.Code)}
	}
	return r, nil
}

func change(e *engine.CalendarEntry) engine.CalendarChange {
	return engine.CalendarChange{Seq: e.Seq, Region: e.Region.Code, Year: e.Year.Year, Status: e.Year.Status, Basis: e.Year.Basis,
		Hash: fmt.Sprintf("%x", e.Hash)}
}

// Seed loads the shipped notices' region-years that the log does not hold
// at all, as the system: a fresh database gets the shipped data, and a new
// release's data reaches an existing database, but data an administrator
// loaded is never replaced. Then it loads extra (e.g. files given with
// --calendars DIR), which replace what they differ from.
func (c *Calendars) Seed(ctx context.Context, extra ...*calendars.Notice) error {
	shipped, err := calendars.Shipped()
	if err != nil {
		return err
	}
	for _, n := range shipped {
		if _, err := c.load(ctx, SystemLoader, n, true); err != nil {
			return fmt.Errorf("shipped calendar %s: %w", n.Source, err)
		}
	}
	for _, n := range extra {
		if _, err := c.load(ctx, SystemLoader, n, false); err != nil {
			return fmt.Errorf("calendar %s: %w", n.Source, err)
		}
	}
	return nil
}

// Refresh reloads the engine's calendars from the log when the log has
// entries the engine has not seen (another replica, or the command line,
// loaded a notice), and reports whether it did. A log whose hash chain
// does not verify is not loaded: the error names the broken entry.
func (c *Calendars) Refresh(ctx context.Context) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, err := c.store.CalendarVersion(ctx)
	if err != nil {
		return false, err
	}
	set := c.eng.Calendars()
	if v == set.Version() && v != 0 {
		return false, nil
	}
	if v == 0 {
		return false, nil // nothing stored yet: keep what the engine started with
	}
	entries, err := c.store.CalendarEntries(ctx)
	if err != nil {
		return false, err
	}
	if b := engine.VerifyCalendarLog(entries); b != nil {
		return false, engine.Internal(errors.New(b.String()))
	}
	rs, ys := engine.CurrentCalendars(entries)
	if err := set.Replace(rs, ys, entries[len(entries)-1].Seq); err != nil {
		return false, engine.Internal(err)
	}
	return true, nil
}

// Watch refreshes the calendars every interval until ctx ends, so that a
// notice loaded through another replica or the command line takes effect
// here too. Failures are logged and retried at the next tick.
func (c *Calendars) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := c.Refresh(ctx); err != nil && ctx.Err() == nil {
				c.log.Warn("calendar refresh failed", slog.String("error", err.Error()))
			}
		}
	}
}

// recomputeBatch is how many items one page of a recomputation reads.
const recomputeBatch = 200

// Recompute recomputes the running periods of every item in the regions
// that changes touch (all regions in use when changes is empty: a sweep
// that finishes a recomputation a crash interrupted) and returns how many
// items gained an event. changes is recorded as the cause.
func (c *Calendars) Recompute(ctx context.Context, changes []engine.CalendarChange) (int, error) {
	set := c.eng.Calendars()
	var regions []string
	if len(changes) == 0 {
		inUse, err := c.store.RegionsInUse(ctx)
		if err != nil {
			return 0, err
		}
		regions = inUse
		changes = currentChanges(set)
	} else {
		seen := map[string]bool{}
		for _, ch := range changes {
			for _, r := range set.Descendants(ch.Region) {
				if !seen[r] {
					seen[r] = true
					regions = append(regions, r)
				}
			}
		}
		sort.Strings(regions)
	}
	moved := 0
	var after int64
	for {
		items, err := c.store.ItemsWithRunningPeriods(ctx, regions, after, recomputeBatch)
		if err != nil {
			return moved, err
		}
		for _, it := range items {
			ok, err := c.recomputeItem(ctx, it, changes)
			if err != nil {
				return moved, fmt.Errorf("item %d: %w", it.ID, err)
			}
			if ok {
				moved++
			}
		}
		if len(items) < recomputeBatch {
			return moved, nil
		}
		after = items[len(items)-1].ID
	}
}

// recomputeItem recomputes one item, reloading and retrying when a
// concurrent transition moved it on.
func (c *Calendars) recomputeItem(ctx context.Context, it *engine.Item, changes []engine.CalendarChange) (bool, error) {
	for attempt := 0; ; attempt++ {
		res, err := c.eng.RecomputePeriods(ctx, it, changes)
		if err == nil {
			return res != nil, nil
		}
		if engine.ErrorCode(err) != engine.CodeConflict || attempt >= 4 {
			return false, err
		}
		if it, err = c.store.GetItem(ctx, it.OrgID, it.ID); err != nil {
			if engine.ErrorCode(err) == engine.CodeNotFound {
				return false, nil
			}
			return false, err
		}
	}
}

// currentChanges lists the data in force as changes (the cause recorded by
// a sweep).
func currentChanges(set *engine.CalendarSet) []engine.CalendarChange {
	var out []engine.CalendarChange
	for _, y := range set.Years("") {
		out = append(out, engine.CalendarChange{Region: y.Region, Year: y.Year, Status: y.Status, Basis: y.Basis})
	}
	return out
}

// warnDays is how long before a region's data runs out the admin is asked
// to load the next notice.
const warnDays = 60

// Coverage is how far ahead one region's holiday data reaches.
type Coverage struct {
	Region string      `json:"region"`
	Name   engine.Text `json:"name"`
	// CoveredUntil is the last day of the run of years with complete data
	// starting with the current year ("2026-12-31"), "" when the current
	// year itself lacks data (then every due date is provisional).
	CoveredUntil string `json:"covered_until"`
	// DaysLeft counts the days from today to CoveredUntil (negative: how
	// long ago it ran out; 0 when the current year lacks data).
	DaysLeft int `json:"days_left"`
	// Missing names the first year whose data is missing or partial, and
	// Reason explains what is counted meanwhile.
	Missing    engine.Gap  `json:"-"`
	MissingKey string      `json:"missing"`
	Reason     engine.Text `json:"reason"`
	// Warn is set from 60 days before the data runs out.
	Warn bool `json:"warn"`
}

// Coverage reports the coverage of every region in use by an
// organisation, sorted by region.
func (c *Calendars) Coverage(ctx context.Context) ([]Coverage, error) {
	regions, err := c.store.RegionsInUse(ctx)
	if err != nil {
		return nil, err
	}
	today := c.eng.Today()
	set := c.eng.Calendars()
	out := make([]Coverage, 0, len(regions))
	for _, r := range regions {
		cal, err := set.Region(r)
		if err != nil {
			out = append(out, Coverage{Region: r, Warn: true, Reason: engine.Text{Zh: "没有该地区的节假日日历", En: "there is no holiday calendar for this region"}})
			continue
		}
		cv := Coverage{Region: r, Name: cal.Name()}
		until, ok := cal.CoveredUntil(today)
		next := today.Year
		if ok {
			cv.CoveredUntil = until.String()
			cv.DaysLeft = engine.DaysBetween(today, until)
			next = until.Year + 1
		}
		g := cal.Gap(next)
		if g == nil { // cannot happen: next is the first year not covered
			g = &engine.Gap{Region: r, RegionName: cal.Name(), Year: next}
		}
		cv.Missing, cv.MissingKey, cv.Reason = *g, g.Key(), g.Reason()
		cv.Warn = !ok || cv.DaysLeft <= warnDays
		out = append(out, cv)
	}
	return out, nil
}

// CalendarTask is work the calendar asks of an administrator: loading the
// next holiday notice before a region's data runs out.
type CalendarTask struct {
	Region string      `json:"region"`
	Year   int         `json:"year"`
	Label  engine.Text `json:"label"`
	// DueOn is the last day covered ("" when already uncovered).
	DueOn  string      `json:"due_on"`
	Reason engine.Text `json:"reason"`
}

// Tasks returns one task per region in use whose data runs out within 60
// days (or already has): "load the {year} holiday notice".
func (c *Calendars) Tasks(ctx context.Context) ([]CalendarTask, error) {
	cov, err := c.Coverage(ctx)
	if err != nil {
		return nil, err
	}
	out := []CalendarTask{}
	for _, cv := range cov {
		if !cv.Warn {
			continue
		}
		name := cv.Missing.RegionName
		out = append(out, CalendarTask{Region: cv.Missing.Region, Year: cv.Missing.Year, DueOn: cv.CoveredUntil, Reason: cv.Reason,
			Label: engine.Text{Zh: fmt.Sprintf("载入%s%d年节假日安排通知", name.Zh, cv.Missing.Year),
				En: fmt.Sprintf("Load the %d holiday notice of %s", cv.Missing.Year, name.En)}})
	}
	return out, nil
}

// YearView is one region-year as `juece calendar show` and the API show
// it: the data in force and where it came from, or, for a year without
// regional data, what is counted instead.
type YearView struct {
	Region   string           `json:"region"`
	Year     int              `json:"year"`
	Status   string           `json:"status"`
	Basis    string           `json:"basis"`
	Holidays []engine.Holiday `json:"holidays"`
	Workdays []engine.Date    `json:"workdays"`
	Source   string           `json:"source,omitempty"`
	LoadedBy string           `json:"loaded_by,omitempty"`
	LoadedAt *time.Time       `json:"loaded_at,omitempty"`
	Seq      int64            `json:"seq,omitempty"`
	Note     *engine.Text     `json:"note,omitempty"`
}

// Show lists the data in force, for one region (all when region is "")
// and one year (all when year is 0), sorted by region and year. For a
// regional calendar, a year the parent covers but the region does not is
// listed with status "missing" and a note saying the national data
// applies.
func (c *Calendars) Show(ctx context.Context, region string, year int) ([]YearView, error) {
	if _, err := c.Refresh(ctx); err != nil {
		return nil, err
	}
	entries, err := c.store.CalendarEntries(ctx)
	if err != nil {
		return nil, err
	}
	latest := map[string]*engine.CalendarEntry{}
	for _, e := range entries {
		latest[e.Region.Code+":"+strconv.Itoa(e.Year.Year)] = e
	}
	set := c.eng.Calendars()
	var out []YearView
	for _, r := range set.Regions() {
		if region != "" && r.Code != region {
			continue
		}
		cal, err := set.Region(r.Code)
		if err != nil {
			return nil, err
		}
		for _, y := range cal.Years() {
			if year != 0 && y != year {
				continue
			}
			v := YearView{Region: r.Code, Year: y, Holidays: []engine.Holiday{}, Workdays: []engine.Date{}}
			own := slices.IndexFunc(set.Years(r.Code), func(cy engine.CalendarYear) bool { return cy.Year == y })
			if own < 0 {
				g := cal.Gap(y)
				v.Status = "missing"
				if g != nil {
					t := g.Reason()
					v.Note = &t
				}
				out = append(out, v)
				continue
			}
			cy := set.Years(r.Code)[own]
			v.Status, v.Basis, v.Holidays, v.Workdays = string(cy.Status), cy.Basis, cy.Holidays, cy.Workdays
			if v.Holidays == nil {
				v.Holidays = []engine.Holiday{}
			}
			if v.Workdays == nil {
				v.Workdays = []engine.Date{}
			}
			if e := latest[r.Code+":"+strconv.Itoa(y)]; e != nil {
				at := e.LoadedAt.UTC()
				v.Source, v.LoadedBy, v.LoadedAt, v.Seq = e.Source, e.LoadedBy, &at, e.Seq
			}
			if g := cal.Gap(y); g != nil {
				t := g.Reason()
				v.Note = &t
			}
			out = append(out, v)
		}
	}
	if region != "" && len(out) == 0 {
		if _, err := set.Region(region); err != nil {
			return nil, &engine.Error{Code: engine.CodeNotFound, MessageZh: fmt.Sprintf("没有地区“%s”的节假日日历", region),
				Message: fmt.Sprintf("there is no holiday calendar for region %q", region)}
		}
	}
	return out, nil
}
