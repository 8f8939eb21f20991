package workmail

import "context"

// ResetState forgets what the service keeps beside the store after the
// test mode's reset wiped it: the pagination key (the next listing stores
// a new one) and the sign-in failure counts, so that a lockout from one
// test does not leak into the next.
func (s *Service) ResetState(context.Context) error {
	s.keyMu.Lock()
	s.pageKey = nil
	s.keyMu.Unlock()
	s.idp.perUser.ResetAll()
	s.idp.perAddress.ResetAll()
	return nil
}
