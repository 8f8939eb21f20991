package iam

import "context"

// ResetState runs again, after the test mode's reset wiped the store, the
// once-per-process refresh of the AWS-managed policies in use (there are
// none then: the catalogue itself lives in the binary); ctx carries the
// reset's transaction.
func (s *Service) ResetState(ctx context.Context) error {
	s.seeded.Store(false)
	return s.seed(ctx)
}
