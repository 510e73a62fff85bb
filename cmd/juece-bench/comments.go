package main

// Comments mode (--mode comments): public comment intake under load.
//
// --clients clients (default 50) each hold one keep-alive connection and
// send POST /api/v1/public/{org}/items/{id}/comments for --duration, each on
// its own ticker-like schedule of one comment every clients/--rate, the
// clients' schedules staggered evenly. A client still waiting for an answer
// when its next slot is due sends as soon as it is free; a slot more than
// one period overdue is dropped (as time.Ticker drops ticks) and counted as
// "missed". Every
// comment's text is unique (client number and sequence), except that about
// 40% repeat an earlier text with different spacing and punctuation, which
// the server groups as near-duplicates (engine.GroupKey) but must still
// count one by one.
//
// Meanwhile a staff user (--token) reads at --staff-rate requests per
// second, cycling GET /api/v1/items/{id}, GET /api/v1/items?limit=20 and GET
// /api/v1/me/tasks; each read runs in its own goroutine at its tick, so a
// slow answer delays no later one.
//
// Before the load it reads the item's comments (GET
// /api/v1/items/{id}/comments, "total") and after the load, once every
// request has finished, again: count in = total before + comments
// acknowledged with 201, stored = total after, lost = count in - stored. It
// also checks that every group of acknowledged texts is stored at least as
// often as it was acknowledged.
//
// The verdict is PASS when no acknowledged comment is lost, every comment
// was sent on time and acknowledged, no staff request failed, and the staff
// p99 is under --staff-p99 (100 ms). Exit status: 0 PASS, 1 FAIL, 2 setup
// error.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/juece/juece/engine"
)

// modeFlag takes --mode out of args: "transitions" (the default) or
// "comments".
func modeFlag(args []string) (mode string, rest []string, err error) {
	mode = "transitions"
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "mode" {
			rest = append(rest, a)
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return "", nil, errors.New("--mode needs a value: transitions or comments")
			}
			i++
			val = args[i]
		}
		mode = val
	}
	switch mode {
	case "transitions", "comments":
		return mode, rest, nil
	}
	return "", nil, fmt.Errorf("--mode: %q is neither transitions nor comments", mode)
}

type commentsConfig struct {
	url       string
	token     string
	org       string
	item      int64
	clients   int
	rate      float64
	duration  time.Duration
	staffRate float64
	staffP99  time.Duration
	repeat    float64
	seed      uint64
}

func parseCommentsFlags(args []string) (*commentsConfig, error) {
	fs := flag.NewFlagSet("juece-bench --mode comments", flag.ContinueOnError)
	cfg := &commentsConfig{}
	var item int
	fs.String("mode", "comments", "comments: this mode; transitions (the default) is the transition benchmark")
	fs.StringVar(&cfg.url, "url", "http://127.0.0.1:8080", "base URL of the Juece server")
	fs.StringVar(&cfg.token, "token", os.Getenv("JUECE_BENCH_TOKEN"), "API token (jt_…) of a staff user who may read the item and its comments (env JUECE_BENCH_TOKEN)")
	fs.StringVar(&cfg.org, "org", "", "organisation code, as in /api/v1/public/{org}/…")
	fs.IntVar(&item, "item", 0, "id of an item open for public comment")
	fs.IntVar(&cfg.clients, "clients", 50, "concurrent public clients, one connection each")
	fs.Float64Var(&cfg.rate, "rate", 200, "comments per second, all clients together, paced evenly")
	fs.DurationVar(&cfg.duration, "duration", 30*time.Second, "how long comments are sent")
	fs.Float64Var(&cfg.staffRate, "staff-rate", 10, "staff reads per second during the load (0: none)")
	fs.DurationVar(&cfg.staffP99, "staff-p99", 100*time.Millisecond, "the staff p99 latency must stay below this")
	fs.Float64Var(&cfg.repeat, "repeat", 0.4, "share of comments that repeat an earlier text with other spacing and punctuation")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the text generator")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	cfg.url = strings.TrimRight(cfg.url, "/")
	cfg.item = int64(item)
	switch {
	case cfg.token == "":
		return nil, errors.New("no token: pass --token or set JUECE_BENCH_TOKEN")
	case cfg.org == "":
		return nil, errors.New("--org is required in comments mode")
	case cfg.item <= 0:
		return nil, errors.New("--item (an item open for public comment) is required in comments mode")
	case cfg.clients < 1 || cfg.rate <= 0 || cfg.duration <= 0 || cfg.staffRate < 0:
		return nil, errors.New("--clients, --rate and --duration must be positive and --staff-rate not negative")
	case cfg.repeat < 0 || cfg.repeat >= 1:
		return nil, errors.New("--repeat must be in [0, 1)")
	}
	return cfg, nil
}

// commentsMain runs comments mode and returns the exit status.
func commentsMain(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseCommentsFlags(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "juece-bench:", err)
		return 2
	}
	pass, err := runComments(context.Background(), cfg, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "juece-bench:", err)
		return 2
	}
	if !pass {
		return 1
	}
	return 0
}

// newClient is an HTTP client with its own transport of up to conns
// keep-alive connections.
func newClient(conns int) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		DialContext:         dialer.DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}}
}

// call sends one request and reads the whole answer; out, when not nil,
// receives a 2xx JSON body.
func call(ctx context.Context, client *http.Client, method, url, token string, body []byte, out any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(string(body))
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, data, fmt.Errorf("decode %s %s: %w", method, url, err)
		}
	}
	return resp.StatusCode, data, nil
}

// storedComments is the part of GET /api/v1/items/{id}/comments read here.
type storedComments struct {
	Total  int `json:"total"`
	Groups []struct {
		Group string `json:"group"`
		Count int    `json:"count"`
	} `json:"groups"`
}

func (cfg *commentsConfig) readComments(ctx context.Context, client *http.Client) (*storedComments, error) {
	var sc storedComments
	path := "/api/v1/items/" + strconv.FormatInt(cfg.item, 10) + "/comments"
	status, data, err := call(ctx, client, http.MethodGet, cfg.url+path, cfg.token, nil, &sc)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d: %s", path, status, strings.TrimSpace(string(data)))
	}
	if err != nil {
		return nil, err
	}
	return &sc, nil
}

// Texts. A comment is a few sentences from these, plus its author's
// client number and sequence, so that unique texts are really unique.
var commentSentences = []string{
	"建议加装电梯的财政补贴按楼层和住户人数细化，不宜一刀切。",
	"低楼层住户的采光和通风会受影响，补偿方案应当事先公示。",
	"希望明确电梯建成后的维保费用由谁承担、如何分摊。",
	"老旧小区管线复杂，施工前应由专业机构评估地下管网。",
	"建议简化审批流程，实行一窗受理、并联审批。",
	"补贴资金应当专款专用，定期向社会公开使用情况。",
	"支持这项决策，家中老人上下楼确实困难。",
	"应当听取全体业主意见，不能只征求高层住户的意见。",
	"电梯井道占用公共绿地的，应当另行补种绿化。",
	"建议引入第三方监理，保障施工质量和安全。",
}

// textGen makes the comments of one client.
type textGen struct {
	client int
	seq    int
	rnd    *rand.Rand
	repeat float64
	pool   *textPool
}

// textPool holds unique texts already sent, for repeats.
type textPool struct {
	mu    sync.Mutex
	texts []string
}

func (p *textPool) add(s string) {
	p.mu.Lock()
	p.texts = append(p.texts, s)
	p.mu.Unlock()
}

func (p *textPool) pick(r *rand.Rand) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.texts) == 0 {
		return "", false
	}
	return p.texts[r.IntN(len(p.texts))], true
}

// next returns the next text and whether it repeats an earlier one.
func (g *textGen) next() (string, bool) {
	g.seq++
	if g.rnd.Float64() < g.repeat {
		if s, ok := g.pool.pick(g.rnd); ok {
			return respell(s, g.rnd), true
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "第%d号意见人第%d条意见：", g.client, g.seq)
	n := 1 + g.rnd.IntN(3)
	for range n {
		b.WriteString(commentSentences[g.rnd.IntN(len(commentSentences))])
	}
	s := b.String()
	g.pool.add(s)
	return s, false
}

// respell changes s only in spacing, punctuation, width and case, which
// engine.NormalizeText ignores.
func respell(s string, r *rand.Rand) string {
	swap := map[rune]string{'，': ", ", '。': ".", '：': ": ", '、': "/"}
	var b strings.Builder
	for _, c := range s {
		switch {
		case swap[c] != "" && r.IntN(2) == 0:
			b.WriteString(swap[c])
		case c >= '0' && c <= '9' && r.IntN(3) == 0:
			b.WriteRune(c - '0' + '０') // full width
		default:
			b.WriteRune(c)
		}
		if r.IntN(12) == 0 {
			b.WriteString([]string{" ", "  ", "\u3000", "……", "!"}[r.IntN(5)])
		}
	}
	if r.IntN(2) == 0 {
		b.WriteString("！！")
	}
	return "  " + b.String() + " "
}

// sample is one timed request.
type sample struct {
	at     time.Duration // start, from the start of the load
	d      time.Duration
	status int // 0: transport failure
	path   string
}

// clientStats is what one public client did.
type clientStats struct {
	scheduled, sent, missed int
	samples                 []sample
	acked                   map[string]int // group key → acknowledged
	repeats                 int
	lastDone                time.Time
}

func runComments(ctx context.Context, cfg *commentsConfig, stdout, stderr io.Writer) (bool, error) {
	setup := newClient(2)
	itemPath := "/api/v1/items/" + strconv.FormatInt(cfg.item, 10)
	publicPath := "/api/v1/public/" + cfg.org + "/items/" + strconv.FormatInt(cfg.item, 10)

	// The item must be open for comment, seen from outside.
	var pub struct {
		Open  bool `json:"open_for_comment"`
		State struct {
			Name string `json:"name"`
		} `json:"state"`
	}
	status, data, err := call(ctx, setup, http.MethodGet, cfg.url+publicPath, "", nil, &pub)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d: %s", publicPath, status, strings.TrimSpace(string(data)))
	}
	if err != nil {
		return false, err
	}
	if !pub.Open {
		return false, fmt.Errorf("item %d (state %s) is not open for public comment", cfg.item, pub.State.Name)
	}
	before, err := cfg.readComments(ctx, setup)
	if err != nil {
		return false, err
	}

	interval := time.Duration(float64(time.Second) * float64(cfg.clients) / cfg.rate)
	fmt.Fprintf(stderr, "juece-bench: %d clients × 1 comment every %s (%.0f/s) for %s on item %d; staff %.0f reads/s; %d comments stored before\n",
		cfg.clients, interval, cfg.rate, cfg.duration, cfg.item, cfg.staffRate, before.Total)

	pool := &textPool{}
	stats := make([]clientStats, cfg.clients)
	start := time.Now().Add(100 * time.Millisecond)
	end := start.Add(cfg.duration)
	var wg sync.WaitGroup
	for i := range cfg.clients {
		st := &stats[i]
		offset := interval * time.Duration(i) / time.Duration(cfg.clients)
		st.scheduled = int((cfg.duration - offset + interval - 1) / interval)
		st.acked = map[string]int{}
		gen := &textGen{client: i + 1, rnd: rand.New(rand.NewPCG(cfg.seed, uint64(i))), repeat: cfg.repeat, pool: pool}
		client := newClient(1)
		wg.Go(func() {
			// Slot k is due at start+offset+k×interval. A slot more than
			// one interval overdue when the client is free again is
			// dropped, as a time.Ticker drops ticks; a less late one is
			// sent at once.
			for k := range st.scheduled {
				due := start.Add(offset + time.Duration(k)*interval)
				if time.Since(due) > interval {
					st.missed++
					continue
				}
				time.Sleep(time.Until(due))
				t0 := time.Now()
				text, rep := gen.next()
				if rep {
					st.repeats++
				}
				body, _ := json.Marshal(publicCommentBody{Content: text, Commenter: fmt.Sprintf("意见人%d", gen.client), Contact: fmt.Sprintf("1380000%04d", gen.client)})
				st.sent++
				status, _, err := call(ctx, client, http.MethodPost, cfg.url+publicPath+"/comments", "", body, nil)
				d := time.Since(t0)
				if err != nil {
					status = 0
				}
				st.samples = append(st.samples, sample{at: t0.Sub(start), d: d, status: status})
				if status == http.StatusCreated {
					st.acked[engine.GroupKey(text)]++
				}
			}
			st.lastDone = time.Now()
		})
	}

	// Staff reads, each in its own goroutine at its tick.
	var (
		staffMu      sync.Mutex
		staffSamples []sample
		staffErrs    = map[string]int{}
		staffWG      sync.WaitGroup
	)
	if cfg.staffRate > 0 {
		staffClient := newClient(8)
		paths := []string{itemPath, "/api/v1/items?limit=20", "/api/v1/me/tasks"}
		wg.Go(func() {
			time.Sleep(time.Until(start))
			tick := time.NewTicker(time.Duration(float64(time.Second) / cfg.staffRate))
			defer tick.Stop()
			for n := 0; time.Now().Before(end); n++ {
				path := paths[n%len(paths)]
				staffWG.Go(func() {
					t0 := time.Now()
					status, _, err := call(ctx, staffClient, http.MethodGet, cfg.url+path, cfg.token, nil, nil)
					d := time.Since(t0)
					key := ""
					if err != nil {
						status, key = 0, "transport"
					} else if status != http.StatusOK {
						key = strconv.Itoa(status)
					}
					staffMu.Lock()
					staffSamples = append(staffSamples, sample{d: d, status: status, path: path})
					if key != "" {
						staffErrs[key]++
					}
					staffMu.Unlock()
				})
				<-tick.C
			}
		})
	}
	wg.Wait()
	staffWG.Wait()
	loadEnd := time.Now()

	after, err := cfg.readComments(ctx, setup)
	if err != nil {
		return false, fmt.Errorf("after the load: %w", err)
	}

	// Tally the comments.
	var (
		all                                  []sample
		lat                                  []time.Duration
		scheduled, sent, missed, acked, reps int
		byStatus                             = map[string]int{}
		ackedGroups                          = map[string]int{}
		lastDone                             time.Time
	)
	for _, st := range stats {
		scheduled += st.scheduled
		sent += st.sent
		missed += st.missed
		reps += st.repeats
		if st.lastDone.After(lastDone) {
			lastDone = st.lastDone
		}
		for k, n := range st.acked {
			ackedGroups[k] += n
		}
		all = append(all, st.samples...)
		for _, s := range st.samples {
			lat = append(lat, s.d)
			switch s.status {
			case http.StatusCreated:
				acked++
			case 0:
				byStatus["transport"]++
			default:
				byStatus[strconv.Itoa(s.status)]++
			}
		}
	}
	failed := sent - acked
	window := lastDone.Sub(start)
	countIn := before.Total + acked
	lost := countIn - after.Total
	storedGroups := map[string]int{}
	sumGroups := 0
	for _, g := range after.Groups {
		storedGroups[g.Group] = g.Count
		sumGroups += g.Count
	}
	short := 0 // groups stored fewer times than acknowledged
	for k, n := range ackedGroups {
		if storedGroups[k] < n {
			short++
		}
	}

	w := stdout
	fmt.Fprintf(w, "Public comment intake: item %d of %s, %d clients, %.0f comments/s for %s, staff %.0f reads/s\n",
		cfg.item, cfg.org, cfg.clients, cfg.rate, cfg.duration, cfg.staffRate)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "comments scheduled   %d (one every %s per client)\n", scheduled, interval)
	fmt.Fprintf(w, "comments sent        %d (%d near-duplicate repeats, %.0f%%; %d ticks missed while a client waited)\n",
		sent, reps, pct(reps, sent), missed)
	fmt.Fprintf(w, "acknowledged (201)   %d\n", acked)
	fmt.Fprintf(w, "failed               %d %s\n", failed, statusList(byStatus))
	fmt.Fprintf(w, "achieved rate        %.1f acknowledged/s over %.2f s (target %.0f/s)\n", float64(acked)/window.Seconds(), window.Seconds(), cfg.rate)
	if len(lat) > 0 {
		slices.Sort(lat)
		fmt.Fprintf(w, "comment latency      p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", ms(quantile(lat, 0.5)), ms(quantile(lat, 0.99)), ms(lat[len(lat)-1]))
	}
	// The same by the time the comments were sent: the cost of a comment
	// may grow as the item collects them.
	step := max(cfg.duration/6, time.Second)
	fmt.Fprintf(w, "  by send time:%8s %6s %6s %9s %9s\n", "sent", "201", "/s", "p50 ms", "p99 ms")
	for from := time.Duration(0); from < cfg.duration; from += step {
		var l []time.Duration
		ok := 0
		for _, s := range all {
			if s.at >= from && s.at < from+step {
				l = append(l, s.d)
				if s.status == http.StatusCreated {
					ok++
				}
			}
		}
		if len(l) == 0 {
			continue
		}
		slices.Sort(l)
		fmt.Fprintf(w, "  %4.0f–%-4.0f s   %8d %6d %6.0f %9.1f %9.1f\n", from.Seconds(), min(from+step, cfg.duration).Seconds(),
			len(l), ok, float64(ok)/min(step, cfg.duration-from).Seconds(), ms(quantile(l, 0.5)), ms(quantile(l, 0.99)))
	}
	fmt.Fprintln(w)
	var staffLat []time.Duration
	byPath := map[string][]time.Duration{}
	for _, s := range staffSamples {
		staffLat = append(staffLat, s.d)
		byPath[s.path] = append(byPath[s.path], s.d)
	}
	staffErrors := 0
	for _, n := range staffErrs {
		staffErrors += n
	}
	var staffP99 time.Duration
	fmt.Fprintf(w, "staff requests       %d, errors %d %s\n", len(staffLat), staffErrors, statusList(staffErrs))
	if len(staffLat) > 0 {
		slices.Sort(staffLat)
		staffP99 = quantile(staffLat, 0.99)
		fmt.Fprintf(w, "staff latency        p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", ms(quantile(staffLat, 0.5)), ms(staffP99), ms(staffLat[len(staffLat)-1]))
		paths := make([]string, 0, len(byPath))
		for p := range byPath {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		for _, p := range paths {
			l := byPath[p]
			slices.Sort(l)
			fmt.Fprintf(w, "  GET %-28s %4d, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", p, len(l), ms(quantile(l, 0.5)), ms(quantile(l, 0.99)), ms(l[len(l)-1]))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "stored before %d; after: total %d in %d groups (sum of group counts %d); %d acknowledged texts fall in %d groups, %d of them stored short\n",
		before.Total, after.Total, len(after.Groups), sumGroups, acked, len(ackedGroups), short)
	fmt.Fprintf(w, "count in = %d, stored = %d, lost = %d\n", countIn, after.Total, lost)
	fmt.Fprintf(w, "wall time of the load %.2f s\n", loadEnd.Sub(start).Seconds())
	fmt.Fprintln(w)

	var why []string
	if lost > 0 || short > 0 {
		why = append(why, fmt.Sprintf("%d acknowledged comments missing", max(lost, short)))
	}
	if lost < 0 {
		fmt.Fprintf(w, "note: %d more comments stored than acknowledged (a request that failed on the client side was stored)\n", -lost)
	}
	if sumGroups != after.Total {
		why = append(why, fmt.Sprintf("group counts add up to %d, not the total %d", sumGroups, after.Total))
	}
	if failed > 0 {
		why = append(why, fmt.Sprintf("%d comments not acknowledged", failed))
	}
	if missed > 0 {
		why = append(why, fmt.Sprintf("%d comments not sent on time (clients waiting on slow answers)", missed))
	}
	if staffErrors > 0 {
		why = append(why, fmt.Sprintf("%d staff requests failed", staffErrors))
	}
	if len(staffLat) > 0 && staffP99 >= cfg.staffP99 {
		why = append(why, fmt.Sprintf("staff p99 %.1f ms ≥ %s", ms(staffP99), cfg.staffP99))
	}
	if len(why) == 0 {
		fmt.Fprintf(w, "verdict: PASS — %d comments in %s from %d clients, none lost; staff p99 %.1f ms < %s\n",
			acked, cfg.duration, cfg.clients, ms(staffP99), cfg.staffP99)
		return true, nil
	}
	fmt.Fprintf(w, "verdict: FAIL — %s\n", strings.Join(why, "; "))
	return false, nil
}

type publicCommentBody struct {
	Content   string `json:"content"`
	Commenter string `json:"commenter,omitempty"`
	Contact   string `json:"contact,omitempty"`
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
