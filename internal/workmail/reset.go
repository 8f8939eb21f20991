package workmail

import "context"

// ResetState forgets the pagination key after the test mode's reset wiped
// the store (and the setting holding it); the next listing stores a new one.
func (s *Service) ResetState(context.Context) error {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	s.pageKey = nil
	return nil
}
