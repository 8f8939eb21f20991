package iam

import "context"

// PrepareTx seeds the AWS-managed policies before the server runs a call
// inside the transaction that writes its audit record: a call that fails
// and rolls back must not take them along (see scope).
func (s *Service) PrepareTx(ctx context.Context) error {
	if s.seeded.Load() {
		return nil
	}
	return s.seed(ctx)
}
