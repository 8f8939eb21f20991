package identitystore

import "context"

// The service answers WorkMail's questions about Identity Center
// instances created through sso-admin (workmail.IdentityCenter).

// IdentityStoreID returns the identity store of the account's instance
// arn in the Region, "" when the account has no such instance. In the
// test mode, create makes a well-formed ARN an instance.
func (s *Service) IdentityStoreID(ctx context.Context, account, region, arn string, create bool) (string, error) {
	i, err := s.sso.Instance(ctx, account, region, arn, create)
	if err != nil || i == nil {
		return "", err
	}
	return i.IdentityStoreID, nil
}

// HasUser reports whether the account's identity store holds the user.
func (s *Service) HasUser(ctx context.Context, account, storeID, userID string) (bool, error) {
	_, ok, err := users.Get(ctx, s.st, account, dir{account: account, id: storeID}.key(userID))
	return ok, err
}
