// Command juece-bench is a load generator for Juece's HTTP API: it measures
// how many workflow transitions per second a running server sustains, and
// at what latency, at several numbers of concurrent connections.
//
// It first creates --items items of a workflow (bench-toggle by default,
// scripts/bench/bench-toggle.yaml: states open ⇄ in_review through the
// events review and reopen) with POST /api/v1/items, 8 at a time. Then, for
// each level in --conns, it runs that many workers for --warmup plus
// --duration. Each worker owns a disjoint slice of the items, so requests
// never conflict, remembers each item's version and state, and sends
// POST /api/v1/items/{id}/events/{review|reopen} with If-Match set to the
// version it holds and a ~250-byte comment, like the raw-SQL baseline's
// audit payload (../shared/bench). The new version is read from the ETag.
// Only requests started after the warmup are measured.
//
// All requests go through one http.Client whose Transport keeps at least as
// many idle keep-alive connections as the largest level, so each worker
// reuses one connection.
//
// For each level it prints the connections, requests, errors (any status
// other than 200, by status; transport failures as "transport"), the
// throughput (successful requests per second), and the p50, p99 and maximum
// latency. With --json it prints one JSON object per level instead. It
// exits with status 1 when any level had errors, and 2 when the setup
// failed.
//
// Usage:
//
//	juece-bench --url http://127.0.0.1:8080 --token jt_… [--conns 1,8,16,32] [--duration 15s] [--json]
//	juece-bench --mode comments --url … --token jt_… --org CODE --item ID [--clients 50] [--rate 200] [--duration 30s] [--staff-rate 10]
//
// --mode comments measures public comment intake instead (comments.go,
// scripts/bench-comments.sh).
//
// scripts/bench-http.sh starts a PostgreSQL-backed server, runs this next
// to the pgbench baseline and writes the comparison (see BENCHMARKS.md).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// comment is about as long as the text of the baseline's audit payload.
const comment = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore " +
	"et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip " +
	"ex ea commodo consequat. Duis aute irure dolor."

// reason goes with every transition, as the baseline's payload has one.
const reason = "Automated benchmark transition exercising the audit chain"

// createConcurrency is how many items are created at a time.
const createConcurrency = 8

type config struct {
	url      string
	token    string
	workflow string
	items    int
	conns    []int
	duration time.Duration
	warmup   time.Duration
	json     bool
}

// item is one benchmark item as a worker knows it.
type item struct {
	id      int64
	version int
	state   string
}

// result is the measurement of one connection level; it is also the
// --json output.
type result struct {
	Conns    int            `json:"conns"`
	Requests int            `json:"requests"`
	Errors   int            `json:"errors"`
	ByStatus map[string]int `json:"errors_by_status"`
	Seconds  float64        `json:"seconds"`
	RPS      float64        `json:"rps"`
	P50ms    float64        `json:"p50_ms"`
	P99ms    float64        `json:"p99_ms"`
	MaxMs    float64        `json:"max_ms"`
	MeanMs   float64        `json:"mean_ms"`
	// Dials counts TCP connections opened during the level (warmup
	// included); with keep-alive working it is at most Conns.
	Dials int64 `json:"dials"`
}

func main() {
	mode, args, err := modeFlag(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "juece-bench:", err)
		os.Exit(2)
	}
	if mode == "comments" {
		os.Exit(commentsMain(args, os.Stdout, os.Stderr))
	}
	cfg, err := parseFlags(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "juece-bench:", err)
		os.Exit(2)
	}
	failed, err := run(context.Background(), cfg, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "juece-bench:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("juece-bench", flag.ContinueOnError)
	cfg := &config{}
	var conns string
	fs.StringVar(&cfg.url, "url", "http://127.0.0.1:8080", "base URL of the Juece server")
	fs.StringVar(&cfg.token, "token", os.Getenv("JUECE_BENCH_TOKEN"), "API token (jt_…) of a user who may create items and fire the events (env JUECE_BENCH_TOKEN)")
	fs.StringVar(&cfg.workflow, "workflow", "bench-toggle", "workflow of the benchmark items: states open and in_review, events review and reopen")
	fs.IntVar(&cfg.items, "items", 2000, "items to create and share among the workers")
	fs.StringVar(&conns, "conns", "1,8,16,32", "comma-separated numbers of concurrent connections, one measurement each")
	fs.DurationVar(&cfg.duration, "duration", 15*time.Second, "measured time per level")
	fs.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "unmeasured time at the start of each level")
	fs.BoolVar(&cfg.json, "json", false, "print one JSON object per level instead of text")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	cfg.url = strings.TrimRight(cfg.url, "/")
	if cfg.token == "" {
		return nil, errors.New("no token: pass --token or set JUECE_BENCH_TOKEN")
	}
	for _, s := range strings.Split(conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("--conns: %q is not a positive number", s)
		}
		cfg.conns = append(cfg.conns, n)
	}
	if cfg.items < slices.Max(cfg.conns) {
		return nil, fmt.Errorf("--items (%d) must be at least the largest level (%d): each worker needs its own items", cfg.items, slices.Max(cfg.conns))
	}
	if cfg.duration <= 0 || cfg.warmup < 0 {
		return nil, errors.New("--duration must be positive and --warmup not negative")
	}
	return cfg, nil
}

// bench holds the HTTP client shared by every request.
type bench struct {
	cfg    *config
	client *http.Client
	tr     *http.Transport
	dials  atomic.Int64
}

func newBench(cfg *config) *bench {
	b := &bench{cfg: cfg}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	maxConns := max(slices.Max(cfg.conns), createConcurrency)
	b.tr = &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			b.dials.Add(1)
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConns:        maxConns,
		MaxIdleConnsPerHost: maxConns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	b.client = &http.Client{Transport: b.tr, Timeout: 30 * time.Second}
	return b
}

// do sends one JSON request and returns the status, the response's ETag
// and, when out is not nil, decodes a 2xx body into it. The body is always
// read to the end so that the connection is reused.
func (b *bench) do(ctx context.Context, method, path string, body []byte, ifMatch string, out any) (int, string, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.cfg.url+path, rd)
	if err != nil {
		return 0, "", nil, err
	}
	req.Header.Set("Authorization", "Bearer "+b.cfg.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	var data []byte
	if out != nil || resp.StatusCode >= 300 {
		data, err = io.ReadAll(resp.Body)
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	if err != nil {
		return resp.StatusCode, "", nil, err
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, "", data, fmt.Errorf("decode %s %s: %w", method, path, err)
		}
	}
	return resp.StatusCode, resp.Header.Get("ETag"), data, nil
}

// itemBody is the part of an item response the benchmark reads.
type itemBody struct {
	ID      int64 `json:"id"`
	Version int   `json:"version"`
	State   struct {
		Name string `json:"name"`
	} `json:"state"`
}

func (b *bench) createItems(ctx context.Context) ([]*item, error) {
	items := make([]*item, b.cfg.items)
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range createConcurrency {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(items) || ctx.Err() != nil {
					return
				}
				body, _ := json.Marshal(map[string]any{"workflow": b.cfg.workflow, "title": fmt.Sprintf("基准事项 %d", i+1),
					"payload": map[string]any{"comment": comment}})
				var ib itemBody
				status, _, data, err := b.do(ctx, http.MethodPost, "/api/v1/items", body, "", &ib)
				if err == nil && status != http.StatusCreated {
					err = fmt.Errorf("POST /api/v1/items: status %d: %s", status, strings.TrimSpace(string(data)))
				}
				if err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
				items[i] = &item{id: ib.ID, version: ib.Version, state: ib.State.Name}
			}
		})
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return items, nil
}

// eventBody is the same for every transition.
var eventBody, _ = json.Marshal(map[string]any{"payload": map[string]any{"comment": comment}, "reason": reason})

// fire toggles it once: review from open, reopen from in_review.
func (b *bench) fire(ctx context.Context, it *item) (int, error) {
	event := "review"
	if it.state == "in_review" {
		event = "reopen"
	}
	status, tag, _, err := b.do(ctx, http.MethodPost, "/api/v1/items/"+strconv.FormatInt(it.id, 10)+"/events/"+event,
		eventBody, `"`+strconv.Itoa(it.version)+`"`, nil)
	if err != nil || status != http.StatusOK {
		return status, err
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(tag, "W/"), `"`))
	if err != nil {
		return status, fmt.Errorf("bad ETag %q", tag)
	}
	it.version = v
	if event == "review" {
		it.state = "in_review"
	} else {
		it.state = "open"
	}
	return status, nil
}

// resync re-reads an item after a failed transition so that the worker
// goes on from the item's real version and state. It is not measured.
func (b *bench) resync(ctx context.Context, it *item) {
	var ib itemBody
	status, _, _, err := b.do(ctx, http.MethodGet, "/api/v1/items/"+strconv.FormatInt(it.id, 10), nil, "", &ib)
	if err == nil && status == http.StatusOK {
		it.version, it.state = ib.Version, ib.State.Name
	}
}

// workerStats is what one worker measured.
type workerStats struct {
	lat      []time.Duration
	byStatus map[string]int
}

// level runs conns workers over disjoint slices of items.
func (b *bench) level(ctx context.Context, items []*item, conns int) result {
	b.dials.Store(0)
	start := time.Now()
	measureFrom := start.Add(b.cfg.warmup)
	stopAt := measureFrom.Add(b.cfg.duration)
	stats := make([]workerStats, conns)
	var wg sync.WaitGroup
	for w := range conns {
		var mine []*item
		for i := w; i < len(items); i += conns {
			mine = append(mine, items[i])
		}
		st := &stats[w]
		st.byStatus = map[string]int{}
		st.lat = make([]time.Duration, 0, 1<<14)
		wg.Go(func() {
			for i := 0; ; i++ {
				t0 := time.Now()
				if !t0.Before(stopAt) {
					return
				}
				it := mine[i%len(mine)]
				status, err := b.fire(ctx, it)
				d := time.Since(t0)
				measured := !t0.Before(measureFrom)
				if measured {
					st.lat = append(st.lat, d)
				}
				if err != nil || status != http.StatusOK {
					if measured {
						key := strconv.Itoa(status)
						if status == 0 || (status == http.StatusOK && err != nil) {
							key = "transport"
						}
						st.byStatus[key]++
					}
					if ctx.Err() != nil {
						return
					}
					b.resync(ctx, it)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(measureFrom)
	res := result{Conns: conns, ByStatus: map[string]int{}, Seconds: elapsed.Seconds(), Dials: b.dials.Load()}
	var all []time.Duration
	for _, st := range stats {
		all = append(all, st.lat...)
		for k, n := range st.byStatus {
			res.ByStatus[k] += n
			res.Errors += n
		}
	}
	res.Requests = len(all)
	res.RPS = float64(res.Requests-res.Errors) / elapsed.Seconds()
	if len(all) > 0 {
		slices.Sort(all)
		var sum time.Duration
		for _, d := range all {
			sum += d
		}
		res.P50ms = ms(quantile(all, 0.50))
		res.P99ms = ms(quantile(all, 0.99))
		res.MaxMs = ms(all[len(all)-1])
		res.MeanMs = ms(sum / time.Duration(len(all)))
	}
	return res
}

// quantile is the nearest-rank quantile of sorted durations.
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func run(ctx context.Context, cfg *config, stdout, stderr io.Writer) (failed bool, err error) {
	b := newBench(cfg)
	t0 := time.Now()
	items, err := b.createItems(ctx)
	if err != nil {
		return false, fmt.Errorf("creating items: %w", err)
	}
	for _, it := range items {
		if it.state != "open" && it.state != "in_review" {
			return false, fmt.Errorf("item %d is in state %q: the workflow %q must toggle between open and in_review", it.id, it.state, cfg.workflow)
		}
	}
	fmt.Fprintf(stderr, "juece-bench: created %d items of %s in %.1fs; %s warmup + %s per level\n",
		len(items), cfg.workflow, time.Since(t0).Seconds(), cfg.warmup, cfg.duration)
	if !cfg.json {
		fmt.Fprintf(stdout, "%5s %9s %7s %10s %9s %9s %9s %6s  %s\n", "conns", "requests", "errors", "req/s", "p50 ms", "p99 ms", "max ms", "dials", "errors by status")
	}
	enc := json.NewEncoder(stdout)
	for _, c := range cfg.conns {
		b.tr.CloseIdleConnections()
		res := b.level(ctx, items, c)
		if res.Errors > 0 {
			failed = true
		}
		if cfg.json {
			if err := enc.Encode(res); err != nil {
				return failed, err
			}
			continue
		}
		fmt.Fprintf(stdout, "%5d %9d %7d %10.1f %9.2f %9.2f %9.2f %6d  %s\n", res.Conns, res.Requests, res.Errors, res.RPS,
			res.P50ms, res.P99ms, res.MaxMs, res.Dials, statusList(res.ByStatus))
	}
	return failed, nil
}

// statusList renders errors by status as "409×3 transport×1", or "-".
func statusList(m map[string]int) string {
	if len(m) == 0 {
		return "-"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, m[k])
	}
	return strings.Join(parts, " ")
}
