package engine

import "context"

// IdempotentReply is the answer an idempotent request (one sent with an
// idempotency key) will give, written by the store in the same
// transaction as the effect it answers: a retry after a crash between the
// commit and the answer finds the answer, and never repeats the effect.
// The engine does not read it; an adapter puts it in the request's
// context (WithIdempotentReply), a use case fills it through Render just
// before committing, the store writes it with the commit and sets Stored.
type IdempotentReply struct {
	// Org, Principal and Key identify the claimed idempotency record.
	Org       int64
	Principal string
	Key       string
	// Render turns the use case's result into the answer the adapter will
	// send; nil leaves the reply unfilled.
	Render func(result any) (status int, headers map[string]string, body []byte)
	// Status, Headers and Body are the answer, once rendered.
	Status  int
	Headers map[string]string
	Body    []byte
	// Stored is set by the store once the answer is committed.
	Stored bool
}

// Fill renders result into r, if r and its Render are set.
func (r *IdempotentReply) Fill(result any) {
	if r == nil || r.Render == nil {
		return
	}
	r.Status, r.Headers, r.Body = r.Render(result)
}

// Ready reports whether r holds an answer to store.
func (r *IdempotentReply) Ready() bool { return r != nil && r.Body != nil && r.Status != 0 }

type replyKey struct{}

// WithIdempotentReply returns ctx carrying r.
func WithIdempotentReply(ctx context.Context, r *IdempotentReply) context.Context {
	return context.WithValue(ctx, replyKey{}, r)
}

// IdempotentReplyFrom returns the reply ctx carries, or nil.
func IdempotentReplyFrom(ctx context.Context) *IdempotentReply {
	r, _ := ctx.Value(replyKey{}).(*IdempotentReply)
	return r
}
