package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// AuditEncodingVersion tags the canonical encoding below; it is the first
// field hashed, so that encodings can never collide. Events written since
// the item digest exists use AuditEncodingVersion; those written before
// it (without ItemDigest) keep AuditEncodingV1 and verify as they were.
const (
	AuditEncodingVersion = "juece.audit.v2"
	AuditEncodingV1      = "juece.audit.v1"
)

// GenesisHash is the PrevHash of an item's first audit event: 32 zero bytes.
var GenesisHash = make([]byte, sha256.Size)

// AuditTime normalises an event time to what both databases store exactly:
// UTC, truncated to the microsecond.
func AuditTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// CanonicalEncoding returns the bytes that an audit event's Hash covers.
//
// The encoding, for outside verifiers: a sequence of fields, each written as
// its length in bytes as an unsigned 64-bit big-endian integer followed by
// the field's UTF-8 bytes. The fields, in order:
//
//  1. the literal "juece.audit.v1"
//  2. org id, decimal
//  3. item id, decimal
//  4. seq, decimal
//  5. time, UTC, RFC 3339 with exactly six fractional digits ("2026-02-10T08:00:00.000000Z")
//  6. actor reference ("user:12", "public", "system")
//  7. role
//  8. event name
//  9. from state
//  10. to state
//  11. reason
//  12. payload: the canonical JSON stored with the event (object keys sorted,
//     no insignificant white space, no HTML escaping)
//  13. prev hash, lower-case hex (64 characters)
//  14. (v2 only) the item digest, lower-case hex: SHA-256 of the canonical
//     JSON of {"record": …, "state": …, "title": …}, the item as the event
//     left it (see ItemDigest)
//
// In v1 (events without an item digest) field 1 is "juece.audit.v1" and
// field 14 is absent. Hash = SHA-256 of these bytes.
func CanonicalEncoding(ev *AuditEvent) []byte {
	version := AuditEncodingVersion
	if ev.ItemDigest == nil {
		version = AuditEncodingV1
	}
	fields := []string{
		version,
		strconv.FormatInt(ev.OrgID, 10),
		strconv.FormatInt(ev.ItemID, 10),
		strconv.Itoa(ev.Seq),
		AuditTime(ev.At).Format("2006-01-02T15:04:05.000000Z"),
		ev.Actor,
		ev.Role,
		ev.Event,
		ev.FromState,
		ev.ToState,
		ev.Reason,
		string(ev.Payload),
		hex.EncodeToString(ev.PrevHash),
	}
	if ev.ItemDigest != nil {
		fields = append(fields, hex.EncodeToString(ev.ItemDigest))
	}
	n := 0
	for _, f := range fields {
		n += 8 + len(f)
	}
	buf := make([]byte, 0, n)
	for _, f := range fields {
		buf = binary.BigEndian.AppendUint64(buf, uint64(len(f)))
		buf = append(buf, f...)
	}
	return buf
}

// ItemDigest is the SHA-256 of the canonical JSON of the item's record,
// state and title: what an audit event (v2) says the item is after it, so
// that a change of the item made without an event is found by Verify.
func ItemDigest(it *Item) ([]byte, error) {
	canon, err := Canonical(map[string]any{"record": map[string]any(it.Record), "state": it.State, "title": it.Title})
	if err != nil {
		return nil, err
	}
	// The record as the store gives it back (numbers as float64, lists as
	// []any) must digest the same as the record in memory: both are
	// digested in the decoded form.
	var norm any
	if err := json.Unmarshal(canon, &norm); err != nil {
		return nil, err
	}
	if canon, err = Canonical(norm); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(canon)
	return sum[:], nil
}

// HashEvent computes the hash of ev from its fields and PrevHash.
func HashEvent(ev *AuditEvent) []byte {
	sum := sha256.Sum256(CanonicalEncoding(ev))
	return sum[:]
}

// Seal normalises ev.At and sets ev.Hash. Call it after every other field,
// PrevHash included, is final.
func Seal(ev *AuditEvent) {
	ev.At = AuditTime(ev.At)
	ev.Hash = HashEvent(ev)
}

// Canonical returns the canonical JSON of v: object keys sorted (as
// encoding/json does for maps), no insignificant white space, no HTML
// escaping. Numbers decoded with UseNumber keep their textual form.
func Canonical(v any) (json.RawMessage, error) {
	if v == nil {
		return json.RawMessage("{}"), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// ChainBreak describes the first audit event of a chain that does not
// verify.
type ChainBreak struct {
	OrgID  int64
	ItemID int64
	Seq    int
	// Problem says what does not match, in English.
	Problem string
}

// Error formats the break for people.
func (b *ChainBreak) Error() string {
	return fmt.Sprintf("item %d event %d: %s", b.ItemID, b.Seq, b.Problem)
}

// ChainVerifier checks one item's chain event by event, in seq order, so that
// chains of any length are verified without holding them in memory.
type ChainVerifier struct {
	orgID, itemID int64
	next          int
	prev          []byte
	count         int
	// last is the last event added (its to-state and item digest are
	// checked against the item by FinishItem).
	last *AuditEvent
}

// NewChainVerifier starts verifying the chain of one item.
func NewChainVerifier(orgID, itemID int64) *ChainVerifier {
	return &ChainVerifier{orgID: orgID, itemID: itemID, next: 1, prev: GenesisHash}
}

// Add checks the next event. It returns a *ChainBreak when the event is out
// of sequence, does not link to its predecessor, or its stored hash is not
// the hash of its stored fields.
func (v *ChainVerifier) Add(ev *AuditEvent) *ChainBreak {
	brk := func(p string) *ChainBreak {
		return &ChainBreak{OrgID: ev.OrgID, ItemID: ev.ItemID, Seq: ev.Seq, Problem: p}
	}
	if ev.OrgID != v.orgID || ev.ItemID != v.itemID {
		return brk("event belongs to another chain")
	}
	if ev.Seq != v.next {
		return brk(fmt.Sprintf("sequence gap: expected event %d", v.next))
	}
	if !bytes.Equal(ev.PrevHash, v.prev) {
		return brk("prev_hash does not match the hash of the previous event")
	}
	if !bytes.Equal(HashEvent(ev), ev.Hash) {
		return brk("hash does not match the event's recorded fields")
	}
	v.prev = ev.Hash
	v.next++
	v.count++
	v.last = ev
	return nil
}

// Finish checks the chain against the head recorded on the item (its last
// hash and version). A nil head skips that check.
func (v *ChainVerifier) Finish(head []byte, version int) *ChainBreak {
	return v.FinishItem(ChainHead{OrgID: v.orgID, ItemID: v.itemID, Version: version, Head: head})
}

// FinishItem is Finish that also checks the item against its last event:
// its state is the state the event led to, and, for events that carry an
// item digest, its record, state and title are what the event says (a
// change made in the database without an event breaks here). h.Record nil
// skips the digest check (a caller that did not load the record).
func (v *ChainVerifier) FinishItem(h ChainHead) *ChainBreak {
	head, version := h.Head, h.Version
	if head == nil {
		return nil
	}
	if v.count != version {
		return &ChainBreak{OrgID: v.orgID, ItemID: v.itemID, Seq: v.next,
			Problem: fmt.Sprintf("item is at version %d but its chain has %d events", version, v.count)}
	}
	if !bytes.Equal(head, v.prev) {
		return &ChainBreak{OrgID: v.orgID, ItemID: v.itemID, Seq: v.count,
			Problem: "the item's recorded chain head is not the hash of its last event"}
	}
	if h.State != "" && v.last != nil && h.State != v.last.ToState {
		return &ChainBreak{OrgID: v.orgID, ItemID: v.itemID, Seq: v.count,
			Problem: fmt.Sprintf("the item is in state %q but its last event left it in %q", h.State, v.last.ToState)}
	}
	if h.Record != nil && v.last != nil && v.last.ItemDigest != nil {
		got, err := ItemDigest(&Item{Record: h.Record, State: h.State, Title: h.Title})
		if err != nil || !bytes.Equal(got, v.last.ItemDigest) {
			return &ChainBreak{OrgID: v.orgID, ItemID: v.itemID, Seq: v.count,
				Problem: "the item's record, state or title is not what its last event left (changed without an event)"}
		}
	}
	return nil
}

// Count is the number of events verified so far.
func (v *ChainVerifier) Count() int { return v.count }

// VerifyResult is the outcome of Verify.
type VerifyResult struct {
	// Items and Events count what was checked before stopping.
	Items  int
	Events int
	// Break is the first event that does not verify, nil when all chains hold.
	Break *ChainBreak
}

// errStop ends a scan at the first break.
var errStop = errors.New("stop")

// Verify recomputes the hash chains of the items in scope (one item, one
// organisation, or all when org and item are 0) and stops at the first
// event that does not match. A storage failure is returned as the error; a
// broken chain is not an error but VerifyResult.Break.
func Verify(ctx context.Context, s Store, org, item int64) (VerifyResult, error) {
	var res VerifyResult
	err := s.ScanChains(ctx, org, item, func(h ChainHead, events func(func(*AuditEvent) error) error) error {
		res.Items++
		v := NewChainVerifier(h.OrgID, h.ItemID)
		err := events(func(ev *AuditEvent) error {
			res.Events++
			if b := v.Add(ev); b != nil {
				res.Break = b
				return errStop
			}
			return nil
		})
		if err != nil {
			return err
		}
		if b := v.FinishItem(h); b != nil {
			res.Break = b
			return errStop
		}
		return nil
	})
	if errors.Is(err, errStop) {
		err = nil
	}
	return res, err
}
