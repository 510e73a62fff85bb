// Package memstore is an in-memory engine.Store for tests of the engine and
// the workflows. It keeps the same contract as the SQL stores (version
// check, atomic commit, organisation scoping) but nothing survives the
// process. Production code never imports it.
package memstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"sync"

	"github.com/juece/juece/engine"
)

// Store is an in-memory engine.Store. The zero value is not usable; call New.
type Store struct {
	mu      sync.Mutex
	regions map[int64]string
	items   map[int64]*engine.Item
	events  map[int64][]*engine.AuditEvent
	docs    []*engine.Document
	nextID  int64
}

var _ engine.Store = (*Store)(nil)

// New returns an empty store that knows the given organisations and their
// calendar regions.
func New(orgRegions map[int64]string) *Store {
	return &Store{regions: orgRegions, items: map[int64]*engine.Item{}, events: map[int64][]*engine.AuditEvent{}}
}

// clone deep-copies an item through JSON so callers never share maps with
// the store, as with a real database.
func clone(it *engine.Item) *engine.Item {
	c := *it
	b, _ := json.Marshal(it.Record)
	c.Record = engine.Record{}
	_ = json.Unmarshal(b, &c.Record)
	c.Head = bytes.Clone(it.Head)
	return &c
}

func notFound() error { return engine.Errorz(engine.CodeNotFound, "事项不存在", "no such item") }

// CreateItem implements engine.Store.
func (s *Store) CreateItem(ctx context.Context, it *engine.Item, genesis func(*engine.Item) (*engine.AuditEvent, error)) error {
	s.mu.Lock()
	region, ok := s.regions[it.OrgID]
	if !ok {
		s.mu.Unlock()
		return engine.Errorz(engine.CodeNotFound, "机关不存在", "no such organisation")
	}
	s.nextID++
	it.ID = s.nextID
	it.Region = region
	s.mu.Unlock()
	// genesis runs the creation rules, which may read the store.
	ev, err := genesis(it)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	it.Head = ev.Hash
	s.items[it.ID] = clone(it)
	s.events[it.ID] = []*engine.AuditEvent{ev}
	return nil
}

// GetItem implements engine.Store.
func (s *Store) GetItem(ctx context.Context, org, id int64) (*engine.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.items[id]
	if it == nil || it.OrgID != org {
		return nil, notFound()
	}
	return clone(it), nil
}

// CommitTransition implements engine.Store.
func (s *Store) CommitTransition(ctx context.Context, it *engine.Item, expectedVersion int, ev *engine.AuditEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.items[it.ID]
	if cur == nil || cur.OrgID != it.OrgID {
		return notFound()
	}
	if cur.Version != expectedVersion || len(s.events[it.ID]) != ev.Seq-1 {
		return engine.Errorz(engine.CodeConflict, "事项已被他人修改，请刷新后重试", "the item was changed by someone else; reload and retry")
	}
	s.items[it.ID] = clone(it)
	s.events[it.ID] = append(s.events[it.ID], ev)
	return nil
}

// CreateDocument keeps a document (its digest computed from the content,
// as the SQL stores do), so that document fields can name it.
func (s *Store) CreateDocument(ctx context.Context, d *engine.Document) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it := s.items[d.ItemID]; it == nil || it.OrgID != d.OrgID {
		return notFound()
	}
	sum := sha256.Sum256(d.Content)
	d.SHA256, d.Size = hex.EncodeToString(sum[:]), int64(len(d.Content))
	d.ID = int64(len(s.docs) + 1)
	c := *d
	s.docs = append(s.docs, &c)
	return nil
}

// FindDocument implements engine.Store.
func (s *Store) FindDocument(ctx context.Context, org, item int64, sha string) (*engine.Document, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.docs) - 1; i >= 0; i-- {
		if d := s.docs[i]; d.OrgID == org && d.ItemID == item && d.SHA256 == sha {
			c := *d
			return &c, nil
		}
	}
	return nil, engine.Errorz(engine.CodeNotFound, "文件不存在", "no such document")
}

// AuditEvents implements engine.Store.
func (s *Store) AuditEvents(ctx context.Context, org, item int64) ([]*engine.AuditEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.items[item]
	if it == nil || it.OrgID != org {
		return nil, notFound()
	}
	return append([]*engine.AuditEvent(nil), s.events[item]...), nil
}

// ScanChains implements engine.Store.
func (s *Store) ScanChains(ctx context.Context, org, item int64, fn func(engine.ChainHead, func(func(*engine.AuditEvent) error) error) error) error {
	s.mu.Lock()
	var ids []int64
	for id, it := range s.items {
		if (org == 0 || it.OrgID == org) && (item == 0 || id == item) {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	type chain struct {
		head engine.ChainHead
		evs  []*engine.AuditEvent
	}
	chains := make([]chain, len(ids))
	for i, id := range ids {
		it := clone(s.items[id])
		chains[i] = chain{engine.ChainHead{OrgID: it.OrgID, ItemID: id, Version: it.Version, Head: bytes.Clone(it.Head),
			State: it.State, Title: it.Title, Record: it.Record},
			append([]*engine.AuditEvent(nil), s.events[id]...)}
	}
	s.mu.Unlock()
	for _, c := range chains {
		err := fn(c.head, func(yield func(*engine.AuditEvent) error) error {
			for _, ev := range c.evs {
				if err := yield(ev); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Tamper replaces the stored event seq of item with the result of f, for
// tests that show verification catches tampering.
func (s *Store) Tamper(item int64, seq int, f func(*engine.AuditEvent)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, ev := range s.events[item] {
		if ev.Seq == seq {
			c := *ev
			f(&c)
			s.events[item][i] = &c
		}
	}
}
