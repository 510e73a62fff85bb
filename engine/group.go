package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// NormalizeText folds a text for grouping near-identical opinions: Unicode
// compatibility normalisation (NFKC), full-width to half-width, lower
// case, and every space, punctuation mark and symbol removed. "建议，增加
// 绿地！" and "建议增加绿地" normalise alike.
func NormalizeText(s string) string {
	s = width.Fold.String(norm.NFKC.String(s))
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsControl(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// GroupKey is the key of the group a text belongs to: the first 16 hex
// digits of the SHA-256 of NormalizeText. Identical and nearly identical
// texts (differing in spacing, punctuation, width or case) share a key.
func GroupKey(s string) string {
	sum := sha256.Sum256([]byte(NormalizeText(s)))
	return hex.EncodeToString(sum[:8])
}
