package engine

import (
	"slices"
	"time"
)

// Organisation is a government (决策机关), the tenant every row belongs to.
// Region selects its working-day calendar (e.g. "cn", "cn-xj").
type Organisation struct {
	ID     int64  `json:"id"`
	Code   string `json:"code"`
	Name   string `json:"name"`
	Region string `json:"region"`
	// MeetingQuorumPercent: more than this share of a meeting's members
	// must attend for it to decide (default 50: more than half).
	MeetingQuorumPercent int       `json:"meeting_quorum_percent"`
	CreatedAt            time.Time `json:"created_at"`
}

// Department is a unit of an organisation that proposes or executes items.
type Department struct {
	ID    int64  `json:"id" db:"id"`
	OrgID int64  `json:"org_id" db:"org_id"`
	Name  string `json:"name" db:"name"`
}

// User is an account of an organisation. PasswordHash is a bcrypt hash,
// never a password, and never leaves the server. DepartmentID is 0 for
// users outside any department (counsel, experts, meeting members).
type User struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"display_name"`
	PasswordHash string    `json:"-"`
	DepartmentID int64     `json:"department_id,omitempty"`
	Roles        []Role    `json:"roles"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
}

// Actor returns the engine actor the user acts as.
func (u *User) Actor() Actor {
	return Actor{OrgID: u.OrgID, UserID: u.ID, Name: u.DisplayName, Roles: slices.Clone(u.Roles), DepartmentID: u.DepartmentID}
}

// LawFirm is a law firm retained by an organisation.
type LawFirm struct {
	ID    int64  `json:"id"`
	OrgID int64  `json:"org_id"`
	Name  string `json:"name"`
}

// Counsel is a retained lawyer (法律顾问): a user of the organisation who
// works for a law firm under a contract. Dates are "2006-01-02".
type Counsel struct {
	ID           int64  `json:"id"`
	OrgID        int64  `json:"org_id"`
	UserID       int64  `json:"user_id"`
	LawFirmID    int64  `json:"law_firm_id"`
	LicenceNo    string `json:"licence_no"`
	ContractFrom string `json:"contract_from"`
	ContractTo   string `json:"contract_to"`
}

// Session is a login session of the web interface. The store keeps only
// TokenHash (SHA-256 of the cookie's token).
type Session struct {
	TokenHash []byte
	OrgID     int64
	UserID    int64
	// CSRFToken must accompany every unsafe request made with the session
	// cookie (X-CSRF-Token header or csrf_token form field).
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken is a revocable bearer token of an integration. The store keeps
// only TokenHash; Prefix (the first characters) identifies it in lists.
type APIToken struct {
	ID         int64      `json:"id"`
	OrgID      int64      `json:"org_id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	TokenHash  []byte     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// SecurityEvent is one entry of the security log: logins (successful and
// failed), logouts, token creation and revocation.
type SecurityEvent struct {
	OrgID    int64
	At       time.Time
	Kind     string
	Username string
	UserID   int64
	IP       string
	Detail   string
}

// DocumentKinds are the kinds of documents an item may carry, with their
// names for people.
var DocumentKinds = []string{"draft", "explanation", "proposal", "opinion", "report", "transcript", "minutes", "decision", "attachment", "other"}

var documentKindLabels = map[string]Text{
	"draft":       {Zh: "草案", En: "draft"},
	"explanation": {Zh: "起草说明", En: "explanatory note"},
	"proposal":    {Zh: "书面建议", En: "written proposal"},
	"opinion":     {Zh: "签署的意见书", En: "signed opinion"},
	"report":      {Zh: "报告", En: "report"},
	"transcript":  {Zh: "笔录", En: "transcript"},
	"minutes":     {Zh: "会议纪要", En: "minutes"},
	"decision":    {Zh: "决策文本", En: "decision text"},
	"attachment":  {Zh: "附件", En: "attachment"},
	"other":       {Zh: "其他材料", En: "other"},
}

// DocumentKindLabel names a document kind for people.
func DocumentKindLabel(kind string) Text {
	if l, ok := documentKindLabels[kind]; ok {
		return l
	}
	return Text{Zh: kind, En: kind}
}

// Document is a file attached to an item. Content is returned only by
// the download path.
type Document struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"org_id"`
	ItemID      int64     `json:"item_id"`
	Kind        string    `json:"kind"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	CreatedAt   time.Time `json:"created_at"`
	// Public marks a document published with the item (the draft and its
	// explanation during a consultation, the decision's text).
	Public  bool   `json:"public"`
	Content []byte `json:"-"`
}

// ItemQuery selects items of one organisation, newest first. Zero fields
// do not filter.
type ItemQuery struct {
	OrgID        int64
	WorkflowID   string
	States       []string // any of these states
	DepartmentID int64
	// Scope, when not nil, limits the list to what a caller without an
	// organisation-wide role may see.
	Scope *ItemScope
	// DueBefore ("2006-01-02") keeps items whose running time limit ended
	// before that day: pass today for overdue items.
	DueBefore string
	// Text matches a substring of the title.
	Text string
	// Before is the keyset cursor: only items with a smaller id.
	Before int64
	// Limit caps the page (the store caps it at 200).
	Limit int
}

// ItemScope is the part of an organisation's items a caller may see: the
// items of its department, those it is assigned to, and those assigned to
// its department. Zero parts grant nothing; a scope with every part zero
// sees no item.
type ItemScope struct {
	DepartmentID         int64 // items proposed by this department (organizer)
	AssignedUser         int64 // items this user is assigned to (counsel, expert…)
	AssignedDepartmentID int64 // items assigned to this department (executor)
}

// IdempotencyRecord is the first response to a POST carrying an
// Idempotency-Key, replayed to retries. Status 0 means the first request
// is still being processed.
type IdempotencyRecord struct {
	RequestHash []byte
	Status      int
	Headers     map[string]string
	Body        []byte
}

// UserUpdate lists the fields of a user to change; nil fields stay.
type UserUpdate struct {
	DisplayName  *string
	DepartmentID *int64 // 0 removes the department
	Roles        *[]Role
	Active       *bool
	PasswordHash *string
}

// Meeting is an executive (常务会议) or plenary (全体会议) meeting of the
// government that discusses and decides items (Decree 713 Arts. 29–30).
type Meeting struct {
	ID            int64   `json:"id"`
	OrgID         int64   `json:"org_id"`
	Kind          string  `json:"kind"` // executive or plenary
	Number        string  `json:"number"`
	HeldOn        string  `json:"held_on"`
	MemberUserIDs []int64 `json:"member_user_ids"`
	// PresentUserIDs are the members recorded as attending; empty until
	// the secretariat records attendance.
	PresentUserIDs       []int64    `json:"present_user_ids"`
	ChiefExecutiveUserID int64      `json:"chief_executive_user_id"`
	LegalOfficeUserID    int64      `json:"legal_office_user_id,omitempty"`
	State                string     `json:"state"` // open or closed
	MinutesSHA256        string     `json:"minutes_sha256"`
	CreatedBy            string     `json:"created_by"`
	CreatedAt            time.Time  `json:"created_at"`
	ClosedAt             *time.Time `json:"closed_at"`
	// Minutes is the HTML of the minutes once closed (not in lists).
	Minutes string `json:"-"`
}

// AgendaEntry is one item on a meeting's agenda: the package it is
// discussed on and the decision drafted for it until the meeting closes.
type AgendaEntry struct {
	MeetingID       int64  `json:"meeting_id"`
	ItemID          int64  `json:"item_id"`
	Position        int    `json:"position"`
	Package         string `json:"-"`
	PackageSHA256   string `json:"package_sha256"`
	Decision        string `json:"decision"`
	DepartureReason string `json:"departure_reason"`
}
