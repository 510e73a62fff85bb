package server

// SetDieAfterHandler lets the tests stop the idempotency layer right after
// a handler, as a process killed between the commit and the answer would.
func SetDieAfterHandler(s *Server, f func() bool) { s.dieAfterHandler = f }
