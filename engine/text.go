package engine

import (
	"fmt"
	"unicode/utf8"
)

// CheckText refuses text no record should hold: bytes that are not UTF-8,
// NUL and the other C0 control characters (tab, line feed and carriage
// return excepted), DEL, and the Unicode non-characters U+FFFE/U+FFFF.
// PostgreSQL refuses some of these and SQLite keeps them silently; both
// databases get the same answer by checking at the edge. field names the
// input for the message; the error is invalid with Field set.
func CheckText(field, s string) error {
	if !utf8.ValidString(s) {
		return &Error{Code: CodeInvalid, Field: field, MessageZh: fmt.Sprintf("“%s”含有非 UTF-8 字节", field),
			Message: fmt.Sprintf("%s holds bytes that are not UTF-8", field)}
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || r == 0xfffe || r == 0xffff {
			return &Error{Code: CodeInvalid, Field: field, MessageZh: fmt.Sprintf("“%s”含有不允许的控制字符（U+%04X）", field, r),
				Message: fmt.Sprintf("%s holds a control character that is not allowed (U+%04X)", field, r)}
		}
	}
	return nil
}

// CheckStrings applies CheckText to every string in v (a decoded JSON
// value: strings, lists, objects and their keys), naming the first bad one
// by its path ("payload.comments[2]").
func CheckStrings(path string, v any) error {
	switch x := v.(type) {
	case string:
		return CheckText(path, x)
	case []any:
		for i, e := range x {
			if err := CheckStrings(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if err := CheckText(p, k); err != nil {
				return err
			}
			if err := CheckStrings(p, e); err != nil {
				return err
			}
		}
	}
	return nil
}
