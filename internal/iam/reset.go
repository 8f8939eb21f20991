package iam

import "context"

// ResetState writes the AWS-managed policies again after the test mode's
// reset wiped the store; ctx carries the reset's transaction, so the
// policies are back in the same commit that removed them.
func (s *Service) ResetState(ctx context.Context) error {
	s.seeded.Store(false)
	return s.seed(ctx)
}
