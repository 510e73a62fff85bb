// Package workflows holds the shipped workflow definitions (YAML, embedded)
// and the strict loader that turns YAML into compiled engine.Definitions.
//
// The format, by example (see major-decision.yaml for a whole procedure):
//
//	id: major-decision            # workflow id; items are pinned to id and version
//	version: 1
//	title: {zh: 重大行政决策, en: Major administrative decision}
//	basis: 《重大行政决策程序暂行条例》
//	initial: proposed
//	settings: {party_report_before_meeting: false}   # read by rules as settings.<name>
//	create: {roles: [organizer], fields: {...}, rules: [...], record: {stage: proposal}}
//	states:
//	  proposed: {zh: 决策建议, en: Proposed, stage: initiation}
//	  archived: {zh: 已归档, en: Archived, terminal: true}
//	periods:
//	  legality_review: {zh: …, en: …, unit: working_days, kind: minimum, length: 7, basis: 第二十六条}
//	  comment_period:               # a period whose last day the starting event names
//	    {zh: …, en: …, unit: calendar_days, kind: minimum, length: 30, basis: 第十五条,
//	     ends_with: closes_on,        # that date field; a rest day moves to the next working day
//	     when: '"public_comment" in payload.methods'}   # started only when this holds
//	events:
//	  open_comment_period:
//	    zh: 公开征求意见
//	    en: Open the public comment period
//	    from: [drafting]            # one state or a list
//	    to: consultation            # or `stay: true` to remain in the current state
//	    roles: [organizer]
//	    fields:
//	      closes_on: {type: date, required: true, zh: 截止日期, en: Closing date}
//	    rules:
//	      - check: days_between(today(), payload.closes_on) >= 30 || payload.shortened_reason != ""
//	        zh: 征求意见期限一般不少于30日
//	        en: The comment period is at least 30 days
//	        basis: 第十五条
//	    record: {stage: consultation}          # merge payload into record.consultation
//	    # record: {stage: legality, append: counsel_opinions}  # append one entry instead
//	    # record: {stage: consultation, append: dispositions, key_by: group}  # a map entry per payload.group
//	    # record: {stage: consultation, count_by: content, count_in: comment_groups}
//	    #   counts payload.content (text or list of texts) by engine.GroupKey, for near-duplicates
//	    reason: required                        # the request must carry a reason
//	    waives: public_participation            # a waiver; reason required, kept in record.waivers
//	    optional: true                          # never listed as expected work in queues
//	    periods: {start: [comment_period], pause: [], resume: [], extend: [], stop: []}
//
// Unknown keys anywhere are errors naming the file and line.
package workflows

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/juece/juece/engine"
	"go.yaml.in/yaml/v3"
)

//go:embed *.yaml
var embedded embed.FS

type yLabel struct {
	Zh string `yaml:"zh"`
	En string `yaml:"en"`
}

type yState struct {
	Zh       string `yaml:"zh"`
	En       string `yaml:"en"`
	Terminal bool   `yaml:"terminal"`
	Stage    string `yaml:"stage"`
}

type yField struct {
	Type     string   `yaml:"type"`
	Required bool     `yaml:"required"`
	Zh       string   `yaml:"zh"`
	En       string   `yaml:"en"`
	Values   []string `yaml:"values"`
	Min      int      `yaml:"min"`
	Max      int      `yaml:"max"`
	ItemMax  int      `yaml:"item_max"`
	Assigns  string   `yaml:"assigns"`
	// AssignsDepartment: the ids are departments assigned in that role.
	AssignsDepartment string `yaml:"assigns_department"`
	// Labels name enum (and list) values: {value: {zh, en}}.
	Labels map[string]yLabel `yaml:"labels"`
	Help   yLabel            `yaml:"help"`
	// Document makes a sha256 field stand for a stored document of these kinds.
	Document stringList `yaml:"document"`
	// Basis is cited when the field is refused.
	Basis string `yaml:"basis"`
}

type yRule struct {
	Check string `yaml:"check"`
	Zh    string `yaml:"zh"`
	En    string `yaml:"en"`
	Basis string `yaml:"basis"`
}

type yRecord struct {
	Stage   string         `yaml:"stage"`
	Append  string         `yaml:"append"`
	KeyBy   string         `yaml:"key_by"`
	CountBy string         `yaml:"count_by"`
	CountIn string         `yaml:"count_in"`
	Set     map[string]any `yaml:"set"`
}

type yPeriodOps struct {
	Start  []string `yaml:"start"`
	Pause  []string `yaml:"pause"`
	Resume []string `yaml:"resume"`
	Extend []string `yaml:"extend"`
	Stop   []string `yaml:"stop"`
}

// stringList accepts a scalar or a sequence of scalars.
type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*l = []string{n.Value}
		return nil
	case yaml.SequenceNode:
		var s []string
		if err := n.Decode(&s); err != nil {
			return err
		}
		*l = s
		return nil
	}
	return fmt.Errorf("line %d: expected a name or a list of names", n.Line)
}

type yEvent struct {
	Zh      string            `yaml:"zh"`
	En      string            `yaml:"en"`
	From    stringList        `yaml:"from"`
	To      string            `yaml:"to"`
	Stay    bool              `yaml:"stay"`
	Roles   []string          `yaml:"roles"`
	Fields  map[string]yField `yaml:"fields"`
	Rules   []yRule           `yaml:"rules"`
	Record  yRecord           `yaml:"record"`
	Reason  string            `yaml:"reason"`
	Waives  string            `yaml:"waives"`
	Periods yPeriodOps        `yaml:"periods"`
	// Optional events are never expected work (work queues skip them).
	Optional bool `yaml:"optional"`
	// Via: only this use case fires the event ("meeting").
	Via string `yaml:"via"`
}

type yViewField struct {
	Zh    string `yaml:"zh"`
	En    string `yaml:"en"`
	Value string `yaml:"value"`
}

type yViewPart struct {
	Part    string                `yaml:"part"`
	Zh      string                `yaml:"zh"`
	En      string                `yaml:"en"`
	When    string                `yaml:"when"`
	Account string                `yaml:"account"`
	Fields  map[string]yViewField `yaml:"fields"`
}

type yProcedure struct {
	Draft *struct {
		Event string `yaml:"event"`
		Field string `yaml:"field"`
	} `yaml:"draft"`
	Comments *struct {
		Event            string `yaml:"event"`
		BatchEvent       string `yaml:"batch_event"`
		ImportEvent      string `yaml:"import_event"`
		DispositionEvent string `yaml:"disposition_event"`
		Period           string `yaml:"period"`
	} `yaml:"comments"`
	LegalityReview *struct {
		SubmitEvent string            `yaml:"submit_event"`
		Package     string            `yaml:"package"`
		Payload     map[string]string `yaml:"payload"`
	} `yaml:"legality_review"`
	Meeting *struct {
		AgendaEvent   string            `yaml:"agenda_event"`
		PositionEvent string            `yaml:"position_event"`
		Decisions     map[string]string `yaml:"decisions"`
		Package       string            `yaml:"package"`
	} `yaml:"meeting"`
	Public *struct {
		States       []string `yaml:"states"`
		Disclosed    string   `yaml:"disclosed"`
		Consultation string   `yaml:"consultation"`
		Hearing      string   `yaml:"hearing"`
		Decision     string   `yaml:"decision"`
		Documents    string   `yaml:"documents"`
	} `yaml:"public"`
}

type yPeriod struct {
	Zh         string `yaml:"zh"`
	En         string `yaml:"en"`
	Unit       string `yaml:"unit"`
	Kind       string `yaml:"kind"`
	Length     int    `yaml:"length"`
	Basis      string `yaml:"basis"`
	EndsWith   string `yaml:"ends_with"`
	StartsWith string `yaml:"starts_with"`
	When       string `yaml:"when"`
}

type yDef struct {
	ID       string         `yaml:"id"`
	Version  int            `yaml:"version"`
	Title    yLabel         `yaml:"title"`
	Basis    string         `yaml:"basis"`
	Initial  string         `yaml:"initial"`
	Settings map[string]any `yaml:"settings"`
	// Stages labels the stages states belong to and records are kept by.
	Stages map[string]yLabel `yaml:"stages"`
	// Procedure names the events, periods and views the use cases use.
	Procedure yProcedure `yaml:"procedure"`
	// Views are named views of the record: name → parts in order.
	Views   map[string][]yViewPart `yaml:"views"`
	Create  *yEvent                `yaml:"create"`
	States  map[string]yState      `yaml:"states"`
	Periods map[string]yPeriod     `yaml:"periods"`
	Events  map[string]yEvent      `yaml:"events"`
	// Extensions holds top-level keys starting with "x-": places for YAML
	// anchors shared by several events. Any other unknown key is an error.
	Extensions map[string]any `yaml:",inline"`
}

var (
	reYAMLLine    = regexp.MustCompile(`line (\d+): (.*)`)
	reUnknownKey  = regexp.MustCompile(`field (\S+) not found in type \S+`)
	reAlreadySet  = regexp.MustCompile(`mapping key "([^"]+)" already defined at line (\d+)`)
	reTypeMistake = regexp.MustCompile(`cannot unmarshal (.*)`)
)

// yamlProblems rewrites yaml.v3 errors as "file:line: message" lines.
func yamlProblems(name string, err error) error {
	var te *yaml.TypeError
	var lines []string
	if errors.As(err, &te) {
		lines = te.Errors
	} else {
		lines = []string{err.Error()}
	}
	var probs []string
	for _, l := range lines {
		l = strings.TrimPrefix(l, "yaml: ")
		m := reYAMLLine.FindStringSubmatch(l)
		if m == nil {
			probs = append(probs, name+": "+l)
			continue
		}
		msg := m[2]
		if u := reUnknownKey.FindStringSubmatch(msg); u != nil {
			msg = fmt.Sprintf("unknown key %q", u[1])
		} else if u := reAlreadySet.FindStringSubmatch(msg); u != nil {
			msg = fmt.Sprintf("key %q is already defined at line %s", u[1], u[2])
		} else if u := reTypeMistake.FindStringSubmatch(msg); u != nil {
			msg = "wrong type: cannot read " + u[1]
		}
		probs = append(probs, fmt.Sprintf("%s:%s: %s", name, m[1], msg))
	}
	return &engine.ValidationError{Problems: probs}
}

// positions maps dotted paths ("states.proposed", "events.start",
// "events.start.rules.0", "events.start.fields.x") to their line numbers,
// and records the order of states and events as written.
type positions struct {
	line       map[string]int
	stateOrder []string
	eventOrder []string
}

func findPositions(root *yaml.Node) positions {
	p := positions{line: map[string]int{}}
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	var walk func(n *yaml.Node, path string, depth int)
	walk = func(n *yaml.Node, path string, depth int) {
		if depth > 5 {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				sub := k.Value
				if path != "" {
					sub = path + "." + k.Value
				}
				p.line[sub] = k.Line
				switch path {
				case "states":
					p.stateOrder = append(p.stateOrder, k.Value)
				case "events":
					p.eventOrder = append(p.eventOrder, k.Value)
				}
				walk(v, sub, depth+1)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				sub := fmt.Sprintf("%s.%d", path, i)
				p.line[sub] = c.Line
				walk(c, sub, depth+1)
			}
		}
	}
	walk(root, "", 0)
	return p
}

// Parse reads one workflow definition strictly and compiles it. name is used
// in messages ("name:line: problem"). Errors are *engine.ValidationError
// listing every problem found.
func Parse(name string, data []byte) (*engine.Definition, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var y yDef
	if err := dec.Decode(&y); err != nil {
		return nil, yamlProblems(name, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlProblems(name, err)
	}
	pos := findPositions(&root)
	at := func(path string) string {
		if l, ok := pos.line[path]; ok {
			return fmt.Sprintf("%s:%d", name, l)
		}
		return name
	}
	var probs []string
	for k := range y.Extensions {
		if !strings.HasPrefix(k, "x-") {
			probs = append(probs, fmt.Sprintf("%s: unknown key %q", at(k), k))
		}
	}
	d := &engine.Definition{
		ID: y.ID, Version: y.Version, Title: engine.Text(y.Title), Basis: y.Basis,
		Initial: y.Initial, Settings: y.Settings, Source: name,
	}
	if len(y.Stages) > 0 {
		d.StageLabels = map[string]engine.Text{}
		for k, l := range y.Stages {
			d.StageLabels[k] = engine.Text(l)
			if l.Zh == "" || l.En == "" {
				probs = append(probs, at("stages."+k)+fmt.Sprintf(": stage %q needs zh and en labels", k))
			}
		}
	}
	for _, s := range pos.stateOrder {
		ys := y.States[s]
		d.States = append(d.States, &engine.State{Name: s, Label: engine.Text{Zh: ys.Zh, En: ys.En},
			Terminal: ys.Terminal, Stage: ys.Stage, Pos: at("states." + s)})
		if ys.Zh == "" || ys.En == "" {
			probs = append(probs, at("states."+s)+fmt.Sprintf(": state %q needs zh and en labels", s))
		}
	}
	periodNames := make([]string, 0, len(y.Periods))
	for n := range y.Periods {
		periodNames = append(periodNames, n)
	}
	sort.Strings(periodNames)
	for _, n := range periodNames {
		yp := y.Periods[n]
		d.Periods = append(d.Periods, &engine.PeriodDef{Name: n, Label: engine.Text{Zh: yp.Zh, En: yp.En},
			Unit: engine.PeriodUnit(yp.Unit), Kind: engine.PeriodKind(yp.Kind), Length: yp.Length,
			Basis: yp.Basis, EndsWith: yp.EndsWith, StartsWith: yp.StartsWith, When: yp.When, Pos: at("periods." + n)})
	}
	convert := func(name, path string, ye *yEvent) *engine.EventDef {
		ev := &engine.EventDef{Name: name, Label: engine.Text{Zh: ye.Zh, En: ye.En}, From: ye.From, To: ye.To, Stay: ye.Stay,
			Record: engine.RecordSpec{Stage: ye.Record.Stage, Append: ye.Record.Append, KeyBy: ye.Record.KeyBy,
				CountBy: ye.Record.CountBy, CountIn: ye.Record.CountIn, Set: ye.Record.Set},
			Waives:  ye.Waives,
			Periods: engine.PeriodOps(ye.Periods),
			Pos:     at(path), RolesPos: at(path + ".roles"), Optional: ye.Optional, Via: ye.Via}
		for _, r := range ye.Roles {
			ev.Roles = append(ev.Roles, engine.Role(r))
		}
		switch ye.Reason {
		case "":
		case "required":
			ev.ReasonRequired = true
		default:
			probs = append(probs, at(path+".reason")+fmt.Sprintf(": reason must be \"required\" or absent, not %q", ye.Reason))
		}
		if ye.Zh == "" || ye.En == "" {
			probs = append(probs, at(path)+fmt.Sprintf(": event %q needs zh and en labels", name))
		}
		fnames := make([]string, 0, len(ye.Fields))
		for f := range ye.Fields {
			fnames = append(fnames, f)
		}
		sort.Slice(fnames, func(i, j int) bool {
			return pos.line[path+".fields."+fnames[i]] < pos.line[path+".fields."+fnames[j]]
		})
		for _, f := range fnames {
			yf := ye.Fields[f]
			fd := &engine.Field{Name: f, Type: engine.FieldType(yf.Type), Required: yf.Required,
				Label: engine.Text{Zh: yf.Zh, En: yf.En}, Values: yf.Values, Min: yf.Min, Max: yf.Max, ItemMax: yf.ItemMax,
				Assigns: engine.Role(yf.Assigns), AssignsDepartment: engine.Role(yf.AssignsDepartment), Pos: at(path + ".fields." + f),
				Help: engine.Text(yf.Help), DocumentKinds: yf.Document, Basis: yf.Basis}
			if len(yf.Labels) > 0 {
				fd.ValueLabels = map[string]engine.Text{}
				for v, l := range yf.Labels {
					fd.ValueLabels[v] = engine.Text(l)
				}
			}
			for _, k := range yf.Document {
				if !slices.Contains(engine.DocumentKinds, k) {
					probs = append(probs, at(path+".fields."+f)+fmt.Sprintf(": document kind %q is not one of %s", k, strings.Join(engine.DocumentKinds, ", ")))
				}
			}
			ev.Fields = append(ev.Fields, fd)
		}
		for i, yr := range ye.Rules {
			ev.Rules = append(ev.Rules, &engine.Rule{Check: yr.Check, Message: engine.Text{Zh: yr.Zh, En: yr.En},
				Basis: yr.Basis, Pos: at(fmt.Sprintf("%s.rules.%d", path, i))})
		}
		return ev
	}
	if y.Create != nil {
		d.Create = convert("create", "create", y.Create)
	}
	for _, e := range pos.eventOrder {
		ye := y.Events[e]
		d.Events = append(d.Events, convert(e, "events."+e, &ye))
	}
	d.Procedure = procedureSpec(y.Procedure)
	viewNames := make([]string, 0, len(y.Views))
	for n := range y.Views {
		viewNames = append(viewNames, n)
	}
	sort.Strings(viewNames)
	for _, n := range viewNames {
		v := &engine.ViewDef{Name: n, Pos: at("views." + n)}
		for i, yp := range y.Views[n] {
			ppath := fmt.Sprintf("views.%s.%d", n, i)
			part := &engine.ViewPart{Name: yp.Part, Label: engine.Text{Zh: yp.Zh, En: yp.En}, When: yp.When, Account: yp.Account, Pos: at(ppath)}
			fnames := make([]string, 0, len(yp.Fields))
			for f := range yp.Fields {
				fnames = append(fnames, f)
			}
			sort.Slice(fnames, func(a, b int) bool {
				return pos.line[ppath+".fields."+fnames[a]] < pos.line[ppath+".fields."+fnames[b]]
			})
			for _, f := range fnames {
				yf := yp.Fields[f]
				part.Fields = append(part.Fields, &engine.ViewField{Name: f, Label: engine.Text{Zh: yf.Zh, En: yf.En}, Value: yf.Value,
					Pos: at(ppath + ".fields." + f)})
			}
			v.Parts = append(v.Parts, part)
		}
		d.Views = append(d.Views, v)
	}
	err := d.Compile()
	var ve *engine.ValidationError
	if errors.As(err, &ve) {
		probs = append(probs, ve.Problems...)
	} else if err != nil {
		return nil, err
	}
	if len(probs) > 0 {
		return nil, &engine.ValidationError{Problems: probs}
	}
	return d, nil
}

func procedureSpec(y yProcedure) engine.ProcedureSpec {
	var p engine.ProcedureSpec
	if y.Draft != nil {
		p.Draft = &engine.DraftSpec{Event: y.Draft.Event, Field: y.Draft.Field}
	}
	if c := y.Comments; c != nil {
		p.Comments = &engine.CommentsSpec{Event: c.Event, BatchEvent: c.BatchEvent, ImportEvent: c.ImportEvent,
			DispositionEvent: c.DispositionEvent, Period: c.Period}
	}
	if r := y.LegalityReview; r != nil {
		p.LegalityReview = &engine.ReviewSpec{SubmitEvent: r.SubmitEvent, Package: r.Package, Payload: r.Payload}
	}
	if m := y.Meeting; m != nil {
		p.Meeting = &engine.MeetingSpec{AgendaEvent: m.AgendaEvent, PositionEvent: m.PositionEvent, Decisions: m.Decisions, Package: m.Package}
	}
	if pub := y.Public; pub != nil {
		p.Public = &engine.PublicSpec{States: pub.States, Disclosed: pub.Disclosed, Consultation: pub.Consultation,
			Hearing: pub.Hearing, Decision: pub.Decision, Documents: pub.Documents}
	}
	return p
}

// Embedded returns the shipped definitions, compiled.
func Embedded() ([]*engine.Definition, error) {
	return parseFS(embedded, ".", "workflows/")
}

// LoadDir parses every *.yaml and *.yml file in dir.
func LoadDir(dir string) ([]*engine.Definition, error) {
	return parseFS(os.DirFS(dir), ".", filepath.Clean(dir)+string(filepath.Separator))
}

func parseFS(fsys fs.FS, root, prefix string) ([]*engine.Definition, error) {
	entries, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, err
	}
	var defs []*engine.Definition
	var probs []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !(strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")) {
			continue
		}
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		d, err := Parse(prefix+n, data)
		if err != nil {
			var ve *engine.ValidationError
			if errors.As(err, &ve) {
				probs = append(probs, ve.Problems...)
				continue
			}
			return nil, err
		}
		defs = append(defs, d)
	}
	if len(probs) > 0 {
		return nil, &engine.ValidationError{Problems: probs}
	}
	return defs, nil
}

// Registry returns the shipped definitions, extended or overridden by the
// definitions in dir (when dir is not ""): a definition in dir with the same
// id and version as a shipped one replaces it; any other is added.
func Registry(dir string) (*engine.Registry, error) {
	defs, err := Embedded()
	if err != nil {
		return nil, fmt.Errorf("shipped workflows: %w", err)
	}
	if dir != "" {
		extra, err := LoadDir(dir)
		if err != nil {
			return nil, err
		}
		byKey := map[string]int{}
		for i, d := range defs {
			byKey[d.Key()] = i
		}
		for _, d := range extra {
			if i, ok := byKey[d.Key()]; ok {
				defs[i] = d
			} else {
				byKey[d.Key()] = len(defs)
				defs = append(defs, d)
			}
		}
	}
	return engine.NewRegistry(defs...)
}
