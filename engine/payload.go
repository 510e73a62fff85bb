package engine

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Limits on payloads, whatever the definition says.
const (
	// DefaultTextMax is the longest text field, in characters, when a field
	// declares no max.
	DefaultTextMax = 20000
	// DefaultListMax is the longest list when a field declares no max.
	DefaultListMax = 500
	// ReasonMax is the longest reason, in characters.
	ReasonMax = 5000
)

func invalidField(field, zh, en string) *Error {
	return &Error{Code: CodeInvalid, Field: field, MessageZh: zh, Message: en}
}

// normalizePayload checks p against the event's declared fields and returns
// a new map holding every declared field (absent optional ones as their zero
// value) with values of the declared Go types: string, int, bool,
// []any of string or int.
func normalizePayload(ev *EventDef, p map[string]any) (map[string]any, error) {
	// Unknown keys first, in a stable order so the message is deterministic.
	var unknown []string
	for k := range p {
		if ev.fields[k] == nil {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, invalidField(unknown[0],
			fmt.Sprintf("事项“%s”不接受字段“%s”", ev.Label.Zh, unknown[0]),
			fmt.Sprintf("event %q does not accept field %q", ev.Name, unknown[0]))
	}
	out := make(map[string]any, len(ev.Fields))
	for _, f := range ev.Fields {
		v, present := p[f.Name]
		if v == nil {
			present = false
		}
		nv, err := normalizeValue(f, v, present)
		if err != nil {
			return nil, err
		}
		out[f.Name] = nv
	}
	return out, nil
}

func (f *Field) label() string {
	if f.Label.Zh != "" {
		return f.Label.Zh
	}
	return f.Name
}

// valueNamesZh lists the allowed values by their Chinese labels.
func (f *Field) valueNamesZh() string {
	names := make([]string, len(f.Values))
	for i, v := range f.Values {
		if l, ok := f.ValueLabels[v]; ok && l.Zh != "" {
			names[i] = l.Zh
		} else {
			names[i] = v
		}
	}
	return strings.Join(names, "、")
}

func normalizeValue(f *Field, v any, present bool) (any, error) {
	wrongType := func(zhType, enType string) error {
		return invalidField(f.Name, fmt.Sprintf("字段“%s”应为%s", f.label(), zhType),
			fmt.Sprintf("field %q must be %s", f.Name, enType))
	}
	missing := func() error {
		return invalidField(f.Name, fmt.Sprintf("缺少必填字段“%s”", f.label()),
			fmt.Sprintf("field %q is required", f.Name))
	}
	switch f.Type {
	case FieldText, FieldDate, FieldEnum, FieldSHA256:
		if !present {
			if f.Required {
				return nil, missing()
			}
			return "", nil
		}
		s, ok := v.(string)
		if !ok {
			return nil, wrongType("文本", "a string")
		}
		if err := CheckText(f.Name, s); err != nil {
			return nil, err
		}
		if strings.TrimSpace(s) == "" {
			if f.Required {
				return nil, missing()
			}
			return "", nil
		}
		switch f.Type {
		case FieldText:
			limit := f.Max
			if limit <= 0 {
				limit = DefaultTextMax
			}
			if !utf8.ValidString(s) {
				return nil, wrongType("有效的UTF-8文本", "valid UTF-8 text")
			}
			if n := utf8.RuneCountInString(s); n > limit {
				return nil, &Error{Code: CodeInvalid, Field: f.Name,
					MessageZh: fmt.Sprintf("字段“%s”不能超过%d个字符", f.label(), limit),
					Message:   fmt.Sprintf("field %q must be at most %d characters", f.Name, limit)}
			}
		case FieldDate:
			if _, err := ParseDate(s); err != nil {
				return nil, wrongType("日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)")
			}
		case FieldEnum:
			ok := false
			for _, x := range f.Values {
				if x == s {
					ok = true
				}
			}
			if !ok {
				return nil, invalidField(f.Name,
					fmt.Sprintf("字段“%s”的取值应为：%s", f.label(), f.valueNamesZh()),
					fmt.Sprintf("field %q must be one of: %s", f.Name, strings.Join(f.Values, ", ")))
			}
		case FieldSHA256:
			if !isSHA256Hex(s) {
				return nil, wrongType("64位小写十六进制SHA-256摘要", "a SHA-256 digest in 64 lower-case hex digits")
			}
		}
		return s, nil
	case FieldInteger, FieldID:
		if !present {
			if f.Required {
				return nil, missing()
			}
			return 0, nil
		}
		n, ok := asInt(v)
		if !ok {
			return nil, wrongType("整数", "an integer")
		}
		if f.Type == FieldID && n <= 0 {
			return nil, wrongType("正整数编号", "a positive integer id")
		}
		if f.Type == FieldInteger && (f.Min != 0 || f.Max != 0) && (n < f.Min || (f.Max != 0 && n > f.Max)) {
			return nil, invalidField(f.Name, fmt.Sprintf("字段“%s”应在%d到%d之间", f.label(), f.Min, f.Max),
				fmt.Sprintf("field %q must be between %d and %d", f.Name, f.Min, f.Max))
		}
		return n, nil
	case FieldBoolean:
		if !present {
			if f.Required {
				return nil, missing()
			}
			return false, nil
		}
		b, ok := v.(bool)
		if !ok {
			return nil, wrongType("布尔值", "true or false")
		}
		return b, nil
	case FieldList, FieldIDList:
		if !present {
			if f.Required {
				return nil, missing()
			}
			return []any{}, nil
		}
		arr, ok := v.([]any)
		if !ok {
			return nil, wrongType("列表", "a list")
		}
		limit := f.Max
		if limit <= 0 {
			limit = DefaultListMax
		}
		if len(arr) > limit {
			return nil, invalidField(f.Name, fmt.Sprintf("字段“%s”最多%d项", f.label(), limit),
				fmt.Sprintf("field %q has at most %d entries", f.Name, limit))
		}
		if f.Required && len(arr) == 0 {
			return nil, missing()
		}
		out := make([]any, len(arr))
		itemMax := f.ItemMax
		if itemMax <= 0 {
			itemMax = 2000
		}
		for i, x := range arr {
			if f.Type == FieldList {
				s, ok := x.(string)
				if ok {
					if err := CheckText(fmt.Sprintf("%s[%d]", f.Name, i), s); err != nil {
						return nil, err
					}
				}
				if !ok || strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > itemMax {
					return nil, wrongType(fmt.Sprintf("非空文本的列表（每项不超过%d字）", itemMax), fmt.Sprintf("a list of non-empty strings of at most %d characters", itemMax))
				}
				if len(f.Values) > 0 && !slices.Contains(f.Values, s) {
					return nil, invalidField(f.Name,
						fmt.Sprintf("字段“%s”的每一项应为：%s", f.label(), f.valueNamesZh()),
						fmt.Sprintf("each entry of field %q must be one of: %s", f.Name, strings.Join(f.Values, ", ")))
				}
				out[i] = s
			} else {
				n, ok := asInt(x)
				if !ok || n <= 0 {
					return nil, wrongType("正整数编号的列表", "a list of positive integer ids")
				}
				out[i] = n
			}
		}
		return out, nil
	}
	return nil, Internal(fmt.Errorf("field %q: unknown type %q", f.Name, f.Type))
}

// asInt accepts the integer forms a decoded JSON value can take.
func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		if n > maxJSONInt || n < -maxJSONInt {
			return 0, false
		}
		return int(n), true
	case float64:
		if n != math.Trunc(n) || n > maxJSONInt || n < -maxJSONInt {
			return 0, false
		}
		return int(n), true
	case json.Number:
		i, err := n.Int64()
		if err != nil || i > maxJSONInt || i < -maxJSONInt {
			return 0, false
		}
		return int(i), true
	}
	return 0, false
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// maxJSONInt is the largest integer a JSON number carries exactly (2^53).
const maxJSONInt = 1 << 53
