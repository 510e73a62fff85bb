// Package calendars holds the shipped holiday calendars (YAML, embedded)
// and the strict parser of the notice format an administrator loads, which
// turns a file into engine calendar data with every problem named by line.
//
// The format, by example (JSON with the same keys is accepted too):
//
//	region: cn                       # lower case; a regional calendar names its parent
//	parent: ""                       # e.g. cn for cn-xj (Xinjiang adds its holidays to the national ones)
//	name: {zh: 全国, en: National}   # required for a region not known yet
//	years:
//	  2027:
//	    status: complete             # complete, or partial (known days applied; dates stay provisional)
//	    basis: 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）
//	    holidays:
//	      - {zh: 元旦, en: "New Year's Day", from: 2027-01-01, to: 2027-01-01}
//	    workdays: [2027-01-04]       # make-up working days (调休), each a Saturday or Sunday
//
// Unknown keys, malformed dates, holidays outside their year, a date listed
// twice, make-up days on weekdays and unknown statuses are errors, each
// naming its line.
package calendars

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/juece/juece/engine"
	"go.yaml.in/yaml/v3"
)

//go:embed *.yaml
var shipped embed.FS

// MaxFileSize is the largest notice file accepted, in bytes.
const MaxFileSize = 1 << 20

// Notice is the parsed content of one file: one region and one or more of
// its years.
type Notice struct {
	// Source names where the notice came from (a file name).
	Source string
	Region engine.CalendarRegion
	// HasName reports whether the file gave the region's name; a file for
	// a known region may omit it.
	HasName bool
	Years   []engine.CalendarYear
}

// Problem is one error in a notice file.
type Problem struct {
	// Line is the 1-based line the problem is on, 0 when it concerns the
	// whole file.
	Line    int
	Message engine.Text
}

// ParseError lists every problem found in one file.
type ParseError struct {
	Source   string
	Problems []Problem
}

// Error lists the problems, one per line, as "source:line: message" in
// English.
func (e *ParseError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Source)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
		b.WriteString(p.Message.En)
	}
	return b.String()
}

// Zh lists the problems in Chinese, one per line ("第N行：…").
func (e *ParseError) Zh() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		if p.Line > 0 {
			fmt.Fprintf(&b, "第%d行：", p.Line)
		}
		b.WriteString(p.Message.Zh)
	}
	return b.String()
}

type parser struct {
	probs []Problem
}

func (p *parser) add(line int, zh, en string) {
	p.probs = append(p.probs, Problem{Line: line, Message: engine.Text{Zh: zh, En: en}})
}

// keys walks a mapping node, calling fn for each known key and reporting
// unknown and repeated keys.
func (p *parser) keys(n *yaml.Node, known []string, fn func(key string, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, "此处应为键值对（映射）", "a mapping (keys and values) is expected here")
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(known, k.Value):
			p.add(k.Line, fmt.Sprintf("未知的键“%s”（可用：%s）", k.Value, strings.Join(known, "、")),
				fmt.Sprintf("unknown key %q (known: %s)", k.Value, strings.Join(known, ", ")))
		case seen[k.Value]:
			p.add(k.Line, fmt.Sprintf("键“%s”重复", k.Value), fmt.Sprintf("key %q is given twice", k.Value))
		default:
			seen[k.Value] = true
			fn(k.Value, v)
		}
	}
}

func (p *parser) scalar(n *yaml.Node, what Text) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		p.add(n.Line, fmt.Sprintf("%s应为单个值", what.Zh), fmt.Sprintf("%s must be a single value", what.En))
		return "", false
	}
	return strings.TrimSpace(n.Value), true
}

// Text is a bilingual label (alias for readability here).
type Text = engine.Text

func (p *parser) date(n *yaml.Node, what Text) engine.Date {
	s, ok := p.scalar(n, what)
	if !ok {
		return engine.Date{}
	}
	d, err := engine.ParseDate(s)
	if err != nil {
		p.add(n.Line, fmt.Sprintf("%s“%s”不是有效日期，应为 YYYY-MM-DD", what.Zh, s),
			fmt.Sprintf("%s %q is not a valid date: use YYYY-MM-DD", what.En, s))
		return engine.Date{}
	}
	return d
}

func (p *parser) label(n *yaml.Node, out *engine.Text) {
	p.keys(n, []string{"zh", "en"}, func(k string, v *yaml.Node) {
		s, _ := p.scalar(v, Text{Zh: "名称", En: "the name"})
		if k == "zh" {
			out.Zh = s
		} else {
			out.En = s
		}
	})
}

// Parse reads one notice file. source names it in errors. On any problem
// it returns a *ParseError listing all of them, each with its line, and no
// notice.
func Parse(source string, data []byte) (*Notice, error) {
	p := &parser{}
	fail := func() (*Notice, error) { return nil, &ParseError{Source: source, Problems: p.probs} }
	if len(data) > MaxFileSize {
		p.add(0, fmt.Sprintf("文件超过%d字节", MaxFileSize), fmt.Sprintf("the file is larger than %d bytes", MaxFileSize))
		return fail()
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 0
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if _, rest, ok := strings.Cut(msg, "line "); ok {
			if n, err := strconv.Atoi(strings.SplitN(rest, ":", 2)[0]); err == nil {
				line = n
			}
		}
		p.add(line, "文件格式错误（应为 YAML 或 JSON）："+msg, "the file is not well-formed YAML or JSON: "+msg)
		return fail()
	}
	if len(doc.Content) == 0 {
		p.add(0, "文件为空", "the file is empty")
		return fail()
	}
	root := doc.Content[0]
	n := &Notice{Source: source}
	var yearsNode *yaml.Node
	regionLine := root.Line
	var basis string
	p.keys(root, []string{"region", "parent", "name", "basis", "years"}, func(k string, v *yaml.Node) {
		switch k {
		case "region":
			n.Region.Code, _ = p.scalar(v, Text{Zh: "地区代码", En: "the region"})
			regionLine = v.Line
		case "parent":
			n.Region.Parent, _ = p.scalar(v, Text{Zh: "上级地区", En: "the parent region"})
		case "name":
			p.label(v, &n.Region.Name)
			n.HasName = true
			if n.Region.Name.Zh == "" || n.Region.Name.En == "" {
				p.add(v.Line, "地区名称应有中文（zh）和英文（en）", "the region's name needs zh and en")
			}
		case "basis":
			basis, _ = p.scalar(v, Text{Zh: "依据", En: "the basis"})
		case "years":
			yearsNode = v
		}
	})
	switch {
	case n.Region.Code == "":
		p.add(regionLine, "缺少地区代码（region）", "region is required")
	case !engine.ValidRegionCode(n.Region.Code):
		p.add(regionLine, fmt.Sprintf("地区代码“%s”格式不正确，应为小写字母，如 cn 或 cn-xj", n.Region.Code),
			fmt.Sprintf("region code %q is malformed: use lower case, like cn or cn-xj", n.Region.Code))
	}
	if n.Region.Parent != "" && (n.Region.Parent == n.Region.Code || !engine.ValidRegionCode(n.Region.Parent)) {
		p.add(root.Line, fmt.Sprintf("上级地区“%s”不正确", n.Region.Parent), fmt.Sprintf("parent region %q is not valid", n.Region.Parent))
	}
	if yearsNode == nil {
		p.add(root.Line, "缺少年度数据（years）", "years is required")
		return fail()
	}
	if yearsNode.Kind != yaml.MappingNode {
		p.add(yearsNode.Line, "years 应为以年份为键的映射", "years must map each year to its data")
	} else {
		for i := 0; i+1 < len(yearsNode.Content); i += 2 {
			k, v := yearsNode.Content[i], yearsNode.Content[i+1]
			y, err := strconv.Atoi(k.Value)
			if err != nil || strconv.Itoa(y) != k.Value {
				p.add(k.Line, fmt.Sprintf("年份“%s”不正确", k.Value), fmt.Sprintf("year %q is not valid", k.Value))
				continue
			}
			if slices.ContainsFunc(n.Years, func(c engine.CalendarYear) bool { return c.Year == y }) {
				p.add(k.Line, fmt.Sprintf("%d年重复", y), fmt.Sprintf("year %d is given twice", y))
				continue
			}
			n.Years = append(n.Years, p.year(n.Region.Code, y, basis, k, v))
		}
	}
	if len(p.probs) > 0 {
		return fail()
	}
	if len(n.Years) == 0 {
		p.add(yearsNode.Line, "没有任何年度数据", "no year is given")
		return fail()
	}
	sort.Slice(n.Years, func(i, j int) bool { return n.Years[i].Year < n.Years[j].Year })
	return n, nil
}

// year parses one year's data; key is the year's key node.
func (p *parser) year(region string, year int, basis string, key, n *yaml.Node) engine.CalendarYear {
	y := engine.CalendarYear{Region: region, Year: year, Basis: basis}
	before := len(p.probs)
	var hLines, wLines []int
	statusLine := key.Line
	p.keys(n, []string{"status", "basis", "holidays", "workdays"}, func(k string, v *yaml.Node) {
		switch k {
		case "status":
			s, _ := p.scalar(v, Text{Zh: "状态", En: "the status"})
			y.Status = engine.YearStatus(s)
			statusLine = v.Line
		case "basis":
			y.Basis, _ = p.scalar(v, Text{Zh: "依据", En: "the basis"})
		case "holidays":
			if v.Kind != yaml.SequenceNode {
				p.add(v.Line, "holidays 应为列表", "holidays must be a list")
				return
			}
			for _, h := range v.Content {
				var hol engine.Holiday
				p.keys(h, []string{"zh", "en", "from", "to"}, func(k string, v *yaml.Node) {
					switch k {
					case "zh":
						hol.Name.Zh, _ = p.scalar(v, Text{Zh: "节日名称", En: "the holiday's name"})
					case "en":
						hol.Name.En, _ = p.scalar(v, Text{Zh: "节日名称", En: "the holiday's name"})
					case "from":
						hol.From = p.date(v, Text{Zh: "开始日期", En: "the first day"})
					case "to":
						hol.To = p.date(v, Text{Zh: "结束日期", En: "the last day"})
					}
				})
				y.Holidays = append(y.Holidays, hol)
				hLines = append(hLines, h.Line)
			}
		case "workdays":
			if v.Kind != yaml.SequenceNode {
				p.add(v.Line, "workdays 应为日期列表", "workdays must be a list of dates")
				return
			}
			for _, w := range v.Content {
				y.Workdays = append(y.Workdays, p.date(w, Text{Zh: "调休上班日", En: "the make-up working day"}))
				wLines = append(wLines, w.Line)
			}
		}
	})
	if y.Status == "" {
		p.add(statusLine, fmt.Sprintf("%d年缺少状态（status: complete 或 partial）", year),
			fmt.Sprintf("year %d needs its status (complete or partial)", year))
		return y
	}
	if y.Basis == "" {
		p.add(key.Line, fmt.Sprintf("%d年缺少依据（basis，通知名称及文号）", year),
			fmt.Sprintf("year %d needs its basis (the notice's title and number)", year))
	}
	if len(p.probs) > before {
		return y // dates that did not parse would be reported again below
	}
	for _, pr := range y.Validate() {
		line := key.Line
		switch {
		case pr.Holiday >= 0 && pr.Holiday < len(hLines):
			line = hLines[pr.Holiday]
		case pr.Workday >= 0 && pr.Workday < len(wLines):
			line = wLines[pr.Workday]
		case strings.Contains(pr.Message.En, "status"):
			line = statusLine
		}
		p.probs = append(p.probs, Problem{Line: line, Message: pr.Message})
	}
	return y
}

// Shipped returns the notices shipped with Juece (the national 2025 and
// 2026 notices, Xinjiang 2025), national calendars first.
func Shipped() ([]*Notice, error) {
	ns, err := parseFS(shipped, ".")
	if err != nil {
		return nil, err
	}
	// A region's parent is loaded before it.
	sort.SliceStable(ns, func(i, j int) bool { return ns[i].Region.Parent == "" && ns[j].Region.Parent != "" })
	return ns, nil
}

// LoadDir parses every *.yaml, *.yml and *.json file in dir, sorted by
// name. Errors name the file and line.
func LoadDir(dir string) ([]*Notice, error) { return parseFS(os.DirFS(dir), ".") }

func parseFS(fsys fs.FS, dir string) ([]*Notice, error) {
	var names []string
	for _, pat := range []string{"*.yaml", "*.yml", "*.json"} {
		m, err := fs.Glob(fsys, filepath.ToSlash(filepath.Join(dir, pat)))
		if err != nil {
			return nil, err
		}
		names = append(names, m...)
	}
	sort.Strings(names)
	var out []*Notice
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		n, err := Parse(name, data)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// Merge combines notices into the regions and years of a calendar set:
// a later notice's year replaces an earlier one's for the same region, and
// a later notice's parent and name (when given) replace the region's.
func Merge(notices ...*Notice) ([]engine.CalendarRegion, []engine.CalendarYear) {
	regions := map[string]engine.CalendarRegion{}
	years := map[string]engine.CalendarYear{}
	for _, n := range notices {
		r, ok := regions[n.Region.Code]
		if !ok {
			r = engine.CalendarRegion{Code: n.Region.Code}
		}
		if n.Region.Parent != "" {
			r.Parent = n.Region.Parent
		}
		if n.HasName {
			r.Name = n.Region.Name
		}
		regions[r.Code] = r
		for _, y := range n.Years {
			years[fmt.Sprintf("%s:%d", y.Region, y.Year)] = y
		}
	}
	var rs []engine.CalendarRegion
	for _, r := range regions {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Code < rs[j].Code })
	var ys []engine.CalendarYear
	for _, y := range years {
		ys = append(ys, y)
	}
	sort.Slice(ys, func(i, j int) bool {
		return ys[i].Region < ys[j].Region || ys[i].Region == ys[j].Region && ys[i].Year < ys[j].Year
	})
	return rs, ys
}

// Default returns a calendar set of the shipped notices alone (version 0),
// for tests and tools that run without a database.
func Default() (*engine.CalendarSet, error) {
	ns, err := Shipped()
	if err != nil {
		return nil, err
	}
	rs, ys := Merge(ns...)
	return engine.NewCalendarSet(rs, ys, 0)
}
