package engine

import (
	"fmt"
	"sort"
)

// Registry holds the compiled workflow definitions, every version of each.
// It is immutable after NewRegistry and safe for concurrent use.
type Registry struct {
	byKey  map[string]*Definition
	latest map[string]*Definition
	all    []*Definition
}

// NewRegistry compiles (if needed) and indexes defs. Two definitions with the
// same id and version are an error; so is any definition that does not
// compile.
func NewRegistry(defs ...*Definition) (*Registry, error) {
	r := &Registry{byKey: map[string]*Definition{}, latest: map[string]*Definition{}}
	for _, d := range defs {
		if !d.compiled {
			if err := d.Compile(); err != nil {
				return nil, err
			}
		}
		if _, dup := r.byKey[d.Key()]; dup {
			return nil, fmt.Errorf("workflow %s is defined twice", d.Key())
		}
		r.byKey[d.Key()] = d
		if l := r.latest[d.ID]; l == nil || d.Version > l.Version {
			r.latest[d.ID] = d
		}
		r.all = append(r.all, d)
	}
	sort.Slice(r.all, func(i, j int) bool {
		if r.all[i].ID != r.all[j].ID {
			return r.all[i].ID < r.all[j].ID
		}
		return r.all[i].Version < r.all[j].Version
	})
	return r, nil
}

// Get returns the definition id at version, or nil.
func (r *Registry) Get(id string, version int) *Definition {
	return r.byKey[fmt.Sprintf("%s@%d", id, version)]
}

// Latest returns the highest version of workflow id, or nil.
func (r *Registry) Latest(id string) *Definition { return r.latest[id] }

// All returns every definition, sorted by id then version.
func (r *Registry) All() []*Definition { return r.all }
