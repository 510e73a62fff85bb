package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// CalendarEncodingVersion tags the canonical encoding of calendar log
// entries; it is the first field hashed.
const CalendarEncodingVersion = "juece.calendar.v1"

// CalendarEntry is one link of the calendar log: the holiday data of one
// region and year as loaded at one time, by whom, from which source. The
// log is append-only and hash-chained like an item's audit trail; the
// current data of a region-year is its entry with the highest Seq.
type CalendarEntry struct {
	// Seq is the entry's position in the log, from 1; assigned by the store.
	Seq    int64
	Region CalendarRegion
	Year   CalendarYear
	// Source names the file or request the data came from.
	Source string
	// LoadedBy is the actor reference ("user:12", "system", "cli:NAME").
	LoadedBy string
	// OrgID is the organisation of the user who loaded it, 0 for the
	// system and the command line.
	OrgID    int64
	LoadedAt time.Time
	PrevHash []byte
	Hash     []byte
}

// calendarDays is the part of a year stored and hashed as its days.
type calendarDays struct {
	Holidays []Holiday `json:"holidays"`
	Workdays []Date    `json:"workdays"`
}

// DaysJSON returns the canonical JSON of the entry's holidays and make-up
// working days, as stored and hashed.
func (e *CalendarEntry) DaysJSON() (string, error) {
	h, w := e.Year.Holidays, e.Year.Workdays
	if h == nil {
		h = []Holiday{}
	}
	if w == nil {
		w = []Date{}
	}
	b, err := Canonical(calendarDays{Holidays: h, Workdays: w})
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// ParseDaysJSON fills the entry's holidays and make-up days from DaysJSON's
// output.
func (e *CalendarEntry) ParseDaysJSON(s string) error {
	var d calendarDays
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return err
	}
	e.Year.Holidays, e.Year.Workdays = d.Holidays, d.Workdays
	return nil
}

func (e *CalendarEntry) contentFields(days string) []string {
	return []string{e.Region.Code, e.Region.Parent, e.Region.Name.Zh, e.Region.Name.En,
		strconv.Itoa(e.Year.Year), string(e.Year.Status), e.Year.Basis, days}
}

// ContentDigest is the SHA-256 of what the entry says (region, parent,
// name, year, status, basis, days), without who loaded it or when: two
// loads of the same notice have the same digest.
func (e *CalendarEntry) ContentDigest() ([]byte, error) {
	days, err := e.DaysJSON()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(lengthPrefixed(e.contentFields(days)))
	return sum[:], nil
}

// CalendarCanonicalEncoding returns the bytes an entry's Hash covers: the
// same length-prefixed encoding as audit events (see CanonicalEncoding)
// of, in order: "juece.calendar.v1", seq, region, parent, name zh, name en,
// year, status, basis, the days JSON (DaysJSON), source, loaded by, org id,
// the time (UTC, six fractional digits) and the previous hash in hex.
func CalendarCanonicalEncoding(e *CalendarEntry) ([]byte, error) {
	days, err := e.DaysJSON()
	if err != nil {
		return nil, err
	}
	f := []string{CalendarEncodingVersion, strconv.FormatInt(e.Seq, 10)}
	f = append(f, e.contentFields(days)...)
	f = append(f, e.Source, e.LoadedBy, strconv.FormatInt(e.OrgID, 10),
		AuditTime(e.LoadedAt).Format("2006-01-02T15:04:05.000000Z"), hex.EncodeToString(e.PrevHash))
	return lengthPrefixed(f), nil
}

func lengthPrefixed(fields []string) []byte {
	var buf []byte
	for _, f := range fields {
		buf = binary.BigEndian.AppendUint64(buf, uint64(len(f)))
		buf = append(buf, f...)
	}
	return buf
}

// SealCalendarEntry sets e.Hash from its fields and PrevHash (Seq and
// PrevHash must be set).
func SealCalendarEntry(e *CalendarEntry) error {
	b, err := CalendarCanonicalEncoding(e)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	e.Hash = sum[:]
	return nil
}

// CalendarLogBreak names the first entry of the calendar log that does not
// verify.
type CalendarLogBreak struct {
	Seq    int64
	Reason string
}

// String formats the break for people.
func (b *CalendarLogBreak) String() string {
	return fmt.Sprintf("calendar log entry %d: %s", b.Seq, b.Reason)
}

// VerifyCalendarLog recomputes the chain of entries (in Seq order, from 1)
// and returns the first break, nil when every entry holds.
func VerifyCalendarLog(entries []*CalendarEntry) *CalendarLogBreak {
	prev := GenesisHash
	for i, e := range entries {
		if e.Seq != int64(i+1) {
			return &CalendarLogBreak{Seq: e.Seq, Reason: fmt.Sprintf("sequence number %d where %d was expected (an entry is missing)", e.Seq, i+1)}
		}
		if !bytes.Equal(e.PrevHash, prev) {
			return &CalendarLogBreak{Seq: e.Seq, Reason: "prev_hash does not match the previous entry"}
		}
		want := append([]byte(nil), e.Hash...)
		if err := SealCalendarEntry(e); err != nil {
			return &CalendarLogBreak{Seq: e.Seq, Reason: err.Error()}
		}
		if !bytes.Equal(e.Hash, want) {
			e.Hash = want
			return &CalendarLogBreak{Seq: e.Seq, Reason: "hash does not match the entry's content"}
		}
		prev = e.Hash
	}
	return nil
}

// CurrentCalendars reduces a log to the data in force: for each region its
// latest parent and name, for each region-year its latest entry.
func CurrentCalendars(entries []*CalendarEntry) ([]CalendarRegion, []CalendarYear) {
	regions := map[string]CalendarRegion{}
	years := map[string]CalendarYear{}
	var rorder, yorder []string
	for _, e := range entries {
		if _, ok := regions[e.Region.Code]; !ok {
			rorder = append(rorder, e.Region.Code)
		}
		regions[e.Region.Code] = e.Region
		k := e.Year.Region + ":" + strconv.Itoa(e.Year.Year)
		if _, ok := years[k]; !ok {
			yorder = append(yorder, k)
		}
		years[k] = e.Year
	}
	rs := make([]CalendarRegion, len(rorder))
	for i, k := range rorder {
		rs[i] = regions[k]
	}
	ys := make([]CalendarYear, len(yorder))
	for i, k := range yorder {
		ys[i] = years[k]
	}
	return rs, ys
}
