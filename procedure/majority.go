package procedure

// PositionOf is one member's recorded position on an agenda item.
type PositionOf struct {
	MemberUserID int64  `json:"member_user_id"`
	Position     string `json:"position"`
	Remarks      string `json:"remarks"`
	// Order is the position's place in the speaking order (its audit
	// sequence number).
	Order int `json:"order"`
}

// The majority views (Art. 30¶2): the members' majority, the chief
// executive aside.
const (
	MajorityAgree    = "agree"
	MajorityDisagree = "disagree"
	// MajorityNone: a tie, or nobody took a side — no majority to depart
	// from; the minutes say so.
	MajorityNone = "none"
)

// Majority computes the members' majority view from the positions of
// those who spoke, the chief executive aside: "agree" when more agreed
// than disagreed, "disagree" when more disagreed, "none" on a tie or when
// nobody took a side (abstentions take no side).
func Majority(ps []PositionOf, chief int64) string {
	agree, disagree := 0, 0
	for _, p := range ps {
		if p.MemberUserID == chief {
			continue
		}
		switch p.Position {
		case "agree":
			agree++
		case "disagree":
			disagree++
		}
	}
	switch {
	case agree > disagree:
		return MajorityAgree
	case disagree > agree:
		return MajorityDisagree
	}
	return MajorityNone
}

// Departs reports whether decision departs from the majority, so that the
// reason must be stated at the meeting (Art. 30¶2): with no majority
// nothing departs; "agree" and "disagree" match the majority of the same
// name; any other decision (revise, postpone, discuss again) departs from
// a majority that took a side.
func Departs(decision, majority string) bool {
	return majority != MajorityNone && decision != majority
}

// Dissenters are the members, the chief executive aside, whose position
// differs from the decision (Art. 30¶3, relied on by Art. 38¶3): for
// "agree" those who disagreed, for "disagree" those who agreed, for the
// other decisions everyone who took a side. Abstentions never dissent.
// Computed once, it is what both the minutes and the item's record name.
func Dissenters(ps []PositionOf, chief int64, decision string) []PositionOf {
	out := []PositionOf{}
	for _, p := range ps {
		if p.MemberUserID == chief || p.Position == "abstain" || p.Position == decision {
			continue
		}
		out = append(out, p)
	}
	return out
}
