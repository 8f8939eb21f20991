package iam

import (
	"context"
	"errors"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

// keyOwner resolves the user an access-key operation is about: the named
// user, or the caller (an IAM user, or "" for the account root). A named
// user must exist.
func (s *Service) keyOwner(ctx context.Context, sc scope, name *string) (string, error) {
	if name == nil || *name == "" {
		return sc.callerUserName(), nil
	}
	e, err := s.entity(ctx, sc, store.IAMUser, *name)
	if err != nil {
		return "", err
	}
	return e.Name, nil
}

// ownedKey loads an access key of the owner within the caller's account.
func (s *Service) ownedKey(ctx context.Context, sc scope, owner, id string) (*store.AccessKey, error) {
	k, err := s.st.GetAccessKey(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (k.AccountID != sc.account || k.UserName != owner)) {
		return nil, iamapi.NewNoSuchEntityException("The Access Key with id %s cannot be found.", id)
	}
	return k, err
}

// inKeyTx runs fn in one transaction once the key id is found to belong
// to the user name names (keyOwner).
func (s *Service) inKeyTx(ctx context.Context, sc scope, name *string, id string, fn func(ctx context.Context) error) error {
	return s.st.InTx(ctx, func(ctx context.Context) error {
		owner, err := s.keyOwner(ctx, sc, name)
		if err != nil {
			return err
		}
		if _, err := s.ownedKey(ctx, sc, owner, id); err != nil {
			return err
		}
		return fn(ctx)
	})
}

func (s *Service) CreateAccessKey(ctx context.Context, in *iamapi.CreateAccessKeyRequest) (*iamapi.CreateAccessKeyResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	k := store.AccessKey{AccessKeyID: ids.AccessKeyID(ids.PrefixAccessKey), SecretAccessKey: ids.SecretAccessKey(), AccountID: sc.account, Status: "Active", CreatedAt: s.now()}
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		owner, err := s.keyOwner(ctx, sc, in.UserName)
		if err != nil {
			return err
		}
		keys, err := s.st.ListUserAccessKeys(ctx, sc.account, owner)
		if err != nil {
			return err
		}
		if len(keys) >= maxAccessKeysPerUser {
			return iamapi.NewLimitExceededException("Cannot exceed quota for AccessKeysPerUser: %d", maxAccessKeysPerUser)
		}
		k.UserName = owner
		return s.st.PutAccessKey(ctx, k)
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateAccessKeyResponse{AccessKey: &iamapi.AccessKey{
		UserName: k.UserName, AccessKeyId: k.AccessKeyID, Status: iamapi.StatusTypeActive, SecretAccessKey: k.SecretAccessKey, CreateDate: opt.Ptr(k.CreatedAt),
	}}, nil
}

func (s *Service) ListAccessKeys(ctx context.Context, in *iamapi.ListAccessKeysRequest) (*iamapi.ListAccessKeysResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	owner, err := s.keyOwner(ctx, sc, in.UserName)
	if err != nil {
		return nil, err
	}
	keys, err := s.st.ListUserAccessKeys(ctx, sc.account, owner)
	if err != nil {
		return nil, err
	}
	all := make([]iamapi.AccessKeyMetadata, 0, len(keys))
	for _, k := range keys {
		all = append(all, iamapi.AccessKeyMetadata{UserName: opt.NonEmpty(k.UserName), AccessKeyId: opt.Ptr(k.AccessKeyID),
			Status: opt.Ptr(iamapi.StatusType(k.Status)), CreateDate: opt.Ptr(k.CreatedAt)})
	}
	page, trunc, next, err := paginate(all, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListAccessKeysResponse{AccessKeyMetadata: page, IsTruncated: trunc, Marker: next}, nil
}

func (s *Service) UpdateAccessKey(ctx context.Context, in *iamapi.UpdateAccessKeyRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	if in.Status != iamapi.StatusTypeActive && in.Status != iamapi.StatusTypeInactive {
		return iamapi.NewInvalidInputException("Status must be Active or Inactive, got %s.", in.Status)
	}
	return s.inKeyTx(ctx, sc, in.UserName, in.AccessKeyId, func(ctx context.Context) error {
		return s.st.SetAccessKeyStatus(ctx, in.AccessKeyId, string(in.Status))
	})
}

func (s *Service) DeleteAccessKey(ctx context.Context, in *iamapi.DeleteAccessKeyRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	return s.inKeyTx(ctx, sc, in.UserName, in.AccessKeyId, func(ctx context.Context) error {
		return s.st.DeleteAccessKey(ctx, in.AccessKeyId)
	})
}

// GetAccessKeyLastUsed reports the last use of a key of the caller's
// account; a key never used reports N/A, as AWS does.
func (s *Service) GetAccessKeyLastUsed(ctx context.Context, in *iamapi.GetAccessKeyLastUsedRequest) (*iamapi.GetAccessKeyLastUsedResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	k, err := s.st.GetAccessKey(ctx, in.AccessKeyId)
	if errors.Is(err, store.ErrNotFound) || (err == nil && k.AccountID != sc.account) {
		return nil, iamapi.NewNoSuchEntityException("The Access Key with id %s cannot be found.", in.AccessKeyId)
	}
	if err != nil {
		return nil, err
	}
	u, err := s.st.GetAccessKeyUsage(ctx, in.AccessKeyId)
	if err != nil {
		return nil, err
	}
	last := &iamapi.AccessKeyLastUsed{ServiceName: "N/A", Region: "N/A"}
	if !u.At.IsZero() {
		last = &iamapi.AccessKeyLastUsed{LastUsedDate: opt.Ptr(u.At), ServiceName: u.Service, Region: u.Region}
	}
	name := k.UserName
	if name == "" {
		name = "root"
	}
	return &iamapi.GetAccessKeyLastUsedResponse{UserName: &name, AccessKeyLastUsed: last}, nil
}
