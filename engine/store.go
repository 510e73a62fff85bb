package engine

import (
	"context"
)

// Store is the storage port of the engine. The store package implements it
// for PostgreSQL and SQLite; every implementation must pass the conformance
// suite in store/storetest.
//
// Every method is scoped to one organisation: an id of another organisation
// behaves exactly like an id that does not exist.
type Store interface {
	// CreateItem inserts it (ID assigned by the store) together with its
	// first audit event, in one transaction. genesis is called inside the
	// transaction with the new item (ID and Region set); it may complete
	// the item (Record, CreatedAt, UpdatedAt) and returns the sealed genesis
	// event. The store writes the item as genesis leaves it, with Head set
	// from the event; an error from genesis writes nothing.
	// Returns not_found if it.OrgID does not exist.
	CreateItem(ctx context.Context, it *Item, genesis func(*Item) (*AuditEvent, error)) error

	// GetItem returns the item id of organisation org, with Region set from
	// the organisation. Returns not_found if there is none.
	GetItem(ctx context.Context, org, id int64) (*Item, error)

	// CommitTransition atomically writes the item's new State, Record, Head,
	// Version and UpdatedAt and appends ev, provided the stored version is
	// still expectedVersion. Returns conflict, changing nothing, when the
	// version moved or ev's sequence number is already taken.
	CommitTransition(ctx context.Context, it *Item, expectedVersion int, ev *AuditEvent) error

	// FindDocument returns the document of item whose SHA-256 (hex) is
	// sha, the latest when several share it. Returns not_found if none.
	FindDocument(ctx context.Context, org, item int64, sha string) (*Document, error)

	// AuditEvents returns the audit events of one item in sequence order.
	// Returns not_found if the item does not exist in org.
	AuditEvents(ctx context.Context, org, item int64) ([]*AuditEvent, error)

	// ScanChains calls fn for every item (of org, or of every organisation
	// when org is 0; of one item when item is not 0) with its head and
	// version and its events in sequence order, item by item, streaming.
	// An error from fn stops the scan and is returned.
	ScanChains(ctx context.Context, org, item int64, fn func(head ChainHead, events func(yield func(*AuditEvent) error) error) error) error
}

// ChainHead is an item's recorded chain head.
type ChainHead struct {
	OrgID   int64
	ItemID  int64
	Version int
	Head    []byte
	// State, Title and Record are the item as stored, checked against its
	// last event (Record nil: not loaded, not checked).
	State, Title string
	Record       Record
}
