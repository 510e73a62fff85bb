package store_test

// Transition throughput of the engine over the real stores, to compare
// with the raw-SQL pgbench baseline (../shared/bench, run next to it by
// scripts/bench.sh; results in BENCHMARKS.md). Only `go test -bench` runs
// these.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/enginetest"
	"github.com/juece/juece/internal/pgtest"
	"github.com/juece/juece/store"
	"github.com/juece/juece/store/storetest"
	"github.com/juece/juece/workflows"
)

// benchWorkflowFile is the benchmark-only workflow the HTTP benchmark
// serves too: two states toggled by two events, one optional text field and
// one rule, mirroring the baseline's transition.
const benchWorkflowFile = "../scripts/bench/bench-toggle.yaml"

// benchComment is about as long as the baseline's audit payload text.
const benchComment = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore " +
	"et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip " +
	"ex ea commodo consequat. Duis aute irure dolor."

// benchItems is how many items the callers pick from at random.
const benchItems = 5000

func benchPostgres(b *testing.B) *store.DB {
	b.Helper()
	return benchOpen(b, pgtest.NewDB(b))
}

func benchSQLite(b *testing.B) *store.DB {
	b.Helper()
	return benchOpen(b, "sqlite:"+filepath.Join(b.TempDir(), "b.db"))
}

func benchOpen(b *testing.B, dsn string) *store.DB {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	storetest.SeedHarness(b, db)
	return db
}

// benchFixture is an engine over db with the bench workflow and n items.
type benchFixture struct {
	db  *store.DB
	eng *engine.Engine
	ids []int64
}

func newBenchFixture(b *testing.B, db *store.DB, n int) *benchFixture {
	b.Helper()
	data, err := os.ReadFile(benchWorkflowFile)
	if err != nil {
		b.Fatal(err)
	}
	d, err := workflows.Parse(benchWorkflowFile, data)
	if err != nil {
		b.Fatal(err)
	}
	reg, err := engine.NewRegistry(d)
	if err != nil {
		b.Fatal(err)
	}
	cals, err := calendars.Default()
	if err != nil {
		b.Fatal(err)
	}
	eng, err := engine.New(engine.Config{Store: db, Workflows: reg, Calendars: cals, Now: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	f := &benchFixture{db: db, eng: eng, ids: make([]int64, 0, n)}
	ctx := context.Background()
	for i := range n {
		res, err := eng.Create(ctx, enginetest.Secretariat, engine.CreateInput{WorkflowID: "bench-toggle",
			Title: fmt.Sprintf("基准事项 %d", i+1), Input: engine.Input{Payload: map[string]any{"comment": benchComment}}})
		if err != nil {
			b.Fatalf("create item %d: %v", i+1, err)
		}
		f.ids = append(f.ids, res.Item.ID)
	}
	return f
}

// runFire runs b.N transitions with exactly callers concurrent callers.
// Each transition reads a random item (state and version, as a client
// holding the ETag has them) and fires the event toggling its state at that
// version. A conflict (two callers on one item) is counted and retried.
func (f *benchFixture) runFire(b *testing.B, callers int) {
	ctx := context.Background()
	actor := enginetest.Secretariat
	var (
		next      atomic.Int64 // ops claimed
		conflicts atomic.Int64
		failed    atomic.Bool
		wg        sync.WaitGroup
	)
	n := int64(b.N)
	b.ResetTimer()
	start := time.Now()
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= n && !failed.Load() {
				id := f.ids[rand.IntN(len(f.ids))]
				for {
					it, err := f.db.GetItem(ctx, enginetest.Org, id)
					if err != nil {
						failed.Store(true)
						b.Errorf("get item %d: %v", id, err)
						return
					}
					event := "review"
					if it.State == "in_review" {
						event = "reopen"
					}
					_, err = f.eng.Fire(ctx, id, event, actor, engine.Input{
						Payload: map[string]any{"comment": benchComment}, Reason: "benchmark transition"}, it.Version)
					if err == nil {
						break
					}
					if engine.ErrorCode(err) == engine.CodeConflict {
						conflicts.Add(1)
						continue
					}
					failed.Store(true)
					b.Errorf("fire %s on item %d: %v", event, id, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failed.Load() {
		b.FailNow()
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "tx/s")
	b.ReportMetric(float64(conflicts.Load()), "conflicts")
}

// verifySample checks the audit chains of a few items after the run.
func (f *benchFixture) verifySample(b *testing.B, k int) {
	b.Helper()
	for range k {
		id := f.ids[rand.IntN(len(f.ids))]
		res, err := engine.Verify(context.Background(), f.db, enginetest.Org, id)
		if err != nil {
			b.Fatal(err)
		}
		if res.Break != nil {
			b.Fatalf("audit chain of item %d broken: %v", id, res.Break)
		}
	}
}

// BenchmarkFire_PostgreSQL: one fresh database, benchItems items, shared by
// the sub-benchmarks (the parent runs once; the sub-benchmarks run b.N
// transitions each).
func BenchmarkFire_PostgreSQL(b *testing.B) {
	f := newBenchFixture(b, benchPostgres(b), benchItems)
	for _, callers := range []int{1, 8, 16} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) { f.runFire(b, callers) })
	}
	f.verifySample(b, 20)
}

// BenchmarkFire_SQLite is the embedded store at one caller, for reference.
func BenchmarkFire_SQLite(b *testing.B) {
	f := newBenchFixture(b, benchSQLite(b), 1000)
	b.Run("callers=1", func(b *testing.B) { f.runFire(b, 1) })
	f.verifySample(b, 20)
}
