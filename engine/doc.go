// Package engine is the core of Juece: the domain types of a decision item,
// the typed error, the transition engine (looplab/fsm inside), rule
// evaluation (expr-lang), statutory periods on a working-day calendar, and
// the audit hash chain.
//
// The package knows no SQL and no HTTP. Storage is reached through the Store
// port (see store.go); the adapters in store/ implement it. Workflow
// definitions arrive as *Definition values built by the workflows package.
package engine
