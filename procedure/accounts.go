package procedure

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/juece/juece/engine"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/time/rate"
)

// AccountStore is the storage the sign-in use cases need.
type AccountStore interface {
	GetOrganisationByCode(ctx context.Context, code string) (*engine.Organisation, error)
	GetUserByUsername(ctx context.Context, org int64, username string) (*engine.User, error)
	CreateSession(ctx context.Context, s engine.Session) error
	GetSession(ctx context.Context, hash []byte, now time.Time) (*engine.Session, *engine.User, error)
	DeleteSession(ctx context.Context, hash []byte) error
	AuthenticateToken(ctx context.Context, hash []byte, now time.Time) (*engine.APIToken, *engine.User, error)
	RecordSecurityEvent(ctx context.Context, ev engine.SecurityEvent) error
}

// TokenPrefix starts every API token, so that leaked tokens are easy to
// recognise in code and logs.
const TokenPrefix = "jt_"

// NewToken returns a fresh random secret with prefix and the SHA-256 the
// store keeps instead of it.
func NewToken(prefix string) (secret string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashToken(secret)
}

// HashToken is the SHA-256 of a session or API token as stored.
func HashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Accounts signs people in and out and resolves sessions and API tokens,
// for every adapter alike: sign-in is rate-limited per client address and
// per account, and every attempt is written to the security log. Safe for
// concurrent use.
type Accounts struct {
	store AccountStore
	now   func() time.Time
	ttl   time.Duration
	// failures limits failed sign-ins per address and per account;
	// pairFailures per account and address, more tightly.
	failures, pairFailures *Limiter
	mu                     sync.Mutex
	knownAt                map[string]time.Time
}

// NewAccounts returns the sign-in use cases. now is the clock, ttl how
// long a session lasts, loginPerMinute the sign-in attempts allowed per
// minute per client address and per account.
func NewAccounts(store AccountStore, now func() time.Time, ttl time.Duration, loginPerMinute int) *Accounts {
	pair := loginPerMinute / 2
	if pair < 3 {
		pair = 3
	}
	return &Accounts{store: store, now: now, ttl: ttl, failures: NewLimiter(loginPerMinute), pairFailures: NewLimiter(pair),
		knownAt: map[string]time.Time{}}
}

// Login is a sign-in attempt.
type Login struct {
	Organisation, Username, Password string
	// IP is the client address, for the limit and the security log.
	IP string
}

// SignedIn is a started session: Secret goes into the adapter's cookie
// (only its hash is stored) and CSRF into its forms or headers.
type SignedIn struct {
	User    *engine.User
	Session engine.Session
	Secret  string
}

// dummyHash is compared against when the user does not exist, so that a
// failed sign-in takes as long either way.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("juece-dummy-password"), bcrypt.DefaultCost)

// SignIn checks the password and starts a session. Returns invalid for
// missing or overlong input, rate_limited when the address or the account
// has tried too often, unauthenticated for a wrong organisation, user or
// password or an inactive account (the same message for each).
func (a *Accounts) SignIn(ctx context.Context, in Login) (*SignedIn, error) {
	in.Organisation, in.Username = strings.TrimSpace(in.Organisation), strings.TrimSpace(in.Username)
	if in.Organisation == "" || in.Username == "" || in.Password == "" {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "username", MessageZh: "请填写机关代码、用户名和密码", Message: "organisation, username and password are required"}
	}
	if utf8.RuneCountInString(in.Password) > 200 || utf8.RuneCountInString(in.Username) > 100 || utf8.RuneCountInString(in.Organisation) > 100 {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "password", MessageZh: "输入过长", Message: "input too long"}
	}
	// Only failures count (colleagues behind one office address sign in
	// freely): per address, per account and address, and per account —
	// the last waived for an address the account signed in from before,
	// so that guesses from elsewhere never keep the owner out.
	ipKey, acctKey := "ip:"+in.IP, "user:"+in.Organisation+"/"+in.Username
	pairKey := acctKey + "|" + in.IP
	if !a.failures.Has(ipKey) || !a.pairFailures.Has(pairKey) || (!a.failures.Has(acctKey) && !a.known(acctKey, in.IP)) {
		return nil, RateLimited()
	}
	now := a.now()
	fail := func(orgID, userID int64, detail string) error {
		a.failures.Take(ipKey)
		a.failures.Take(acctKey)
		a.pairFailures.Take(pairKey)
		_ = a.store.RecordSecurityEvent(ctx, engine.SecurityEvent{OrgID: orgID, At: now, Kind: "login_failed", Username: in.Username,
			UserID: userID, IP: in.IP, Detail: detail})
		return engine.Errorz(engine.CodeUnauthenticated, "机关代码、用户名或密码错误", "wrong organisation, username or password")
	}
	org, err := a.store.GetOrganisationByCode(ctx, in.Organisation)
	if err != nil {
		if engine.ErrorCode(err) != engine.CodeNotFound {
			return nil, err
		}
		bcrypt.CompareHashAndPassword(dummyHash, []byte(in.Password))
		return nil, fail(0, 0, "unknown organisation")
	}
	u, err := a.store.GetUserByUsername(ctx, org.ID, in.Username)
	if err != nil {
		if engine.ErrorCode(err) != engine.CodeNotFound {
			return nil, err
		}
		bcrypt.CompareHashAndPassword(dummyHash, []byte(in.Password))
		return nil, fail(org.ID, 0, "unknown user")
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(in.Password)) != nil {
		return nil, fail(org.ID, u.ID, "wrong password")
	}
	if !u.Active {
		return nil, fail(org.ID, u.ID, "inactive account")
	}
	secret, hash := NewToken("s_")
	csrf, _ := NewToken("c_")
	sess := engine.Session{TokenHash: hash, OrgID: org.ID, UserID: u.ID, CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(a.ttl)}
	if err := a.store.CreateSession(ctx, sess); err != nil {
		return nil, err
	}
	_ = a.store.RecordSecurityEvent(ctx, engine.SecurityEvent{OrgID: org.ID, At: now, Kind: "login_ok", Username: u.Username, UserID: u.ID, IP: in.IP})
	a.remember(acctKey, in.IP)
	return &SignedIn{User: u, Session: sess, Secret: secret}, nil
}

// knownFor is how long an address an account signed in from stays known.
const knownFor = 30 * 24 * time.Hour

// maxKnown bounds the remembered (account, address) pairs.
const maxKnown = 100_000

// known reports whether acct signed in successfully from ip recently.
func (a *Accounts) known(acct, ip string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.knownAt[acct+"|"+ip]
	return ok && time.Since(t) < knownFor
}

// remember notes a successful sign-in of acct from ip.
func (a *Accounts) remember(acct, ip string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.knownAt) >= maxKnown {
		for k, t := range a.knownAt {
			if time.Since(t) > knownFor || len(a.knownAt) >= maxKnown {
				delete(a.knownAt, k)
			}
		}
	}
	a.knownAt[acct+"|"+ip] = time.Now()
}

// Session resolves a session secret (from a cookie). Returns
// unauthenticated when it is unknown or expired, or the user inactive.
func (a *Accounts) Session(ctx context.Context, secret string) (*engine.Session, *engine.User, error) {
	if secret == "" {
		return nil, nil, Unauthenticated()
	}
	return a.store.GetSession(ctx, HashToken(secret), a.now())
}

// Token resolves an API token secret. Returns unauthenticated for a
// malformed, unknown, expired or revoked token.
func (a *Accounts) Token(ctx context.Context, secret string) (*engine.APIToken, *engine.User, error) {
	secret = strings.TrimSpace(secret)
	if !strings.HasPrefix(secret, TokenPrefix) {
		return nil, nil, Unauthenticated()
	}
	return a.store.AuthenticateToken(ctx, HashToken(secret), a.now())
}

// SignOut ends a session and logs it.
func (a *Accounts) SignOut(ctx context.Context, sess *engine.Session, u *engine.User, ip string) error {
	if err := a.store.DeleteSession(ctx, sess.TokenHash); err != nil {
		return err
	}
	_ = a.store.RecordSecurityEvent(ctx, engine.SecurityEvent{OrgID: u.OrgID, At: a.now(), Kind: "logout", Username: u.Username, UserID: u.ID, IP: ip})
	return nil
}

// Unauthenticated is the error of a request without valid credentials.
func Unauthenticated() error {
	return engine.Errorz(engine.CodeUnauthenticated, "请先登录或提供有效的访问令牌", "sign in or present a valid API token")
}

// RateLimited is the error of a request over its limit.
func RateLimited() error {
	return engine.Errorz(engine.CodeRateLimited, "请求过于频繁，请稍后再试", "too many requests; try again later")
}

// Limiter is a per-key token bucket (requests per minute), kept in memory
// for each replica; idle keys are forgotten. Safe for concurrent use.
type Limiter struct {
	mu      sync.Mutex
	perMin  int
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	l    *rate.Limiter
	seen time.Time
}

// NewLimiter allows perMinute requests per minute per key, in bursts of
// up to perMinute.
func NewLimiter(perMinute int) *Limiter {
	return &Limiter{perMin: perMinute, buckets: map[string]*bucket{}}
}

// Allow takes one token for key and reports whether it was available.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bucket(key, time.Now()).l.AllowN(time.Now(), 1)
}

// Has reports whether key has a token left, without taking it.
func (l *Limiter) Has(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	return l.bucket(key, now).l.TokensAt(now) >= 1
}

// Take takes a token for key if one is left (a failure to count).
func (l *Limiter) Take(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.bucket(key, now).l.AllowN(now, 1)
}

// bucket returns key's bucket, sweeping idle ones now and then; l.mu held.
func (l *Limiter) bucket(key string, now time.Time) *bucket {
	if now.Sub(l.swept) > 10*time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{l: rate.NewLimiter(rate.Limit(float64(l.perMin)/60), l.perMin)}
		l.buckets[key] = b
	}
	b.seen = now
	return b
}
