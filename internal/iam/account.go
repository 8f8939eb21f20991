package iam

import (
	"context"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// An account has at most one alias (AccountAliasesPerAccount), unique
// among all the accounts of this server as among AWS's. Each alias is
// recorded twice in one transaction: in the account ("alias") and in an
// index of every account's aliases, kept under the AWS-managed scope and
// keyed by the alias, which makes the second claim of an alias fail.
const (
	accountAliasKey = "alias"
	aliasIndexScope = store.AWSManagedAccount
	stsSettingsKey  = "sts"
)

type accountAlias struct {
	Alias   string
	Account string
}

var accountAliases = records.Of[accountAlias](records.Account, store.RecordAccountAlias)

func (s *Service) CreateAccountAlias(ctx context.Context, in *iamapi.CreateAccountAliasRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	alias := in.AccountAlias
	return s.st.InTx(ctx, func(ctx context.Context) error {
		cur, _, err := accountAliases.Get(ctx, s.st, sc.account, accountAliasKey)
		if err != nil {
			return err
		}
		if cur != nil {
			if cur.Alias == alias {
				return nil
			}
			return iamapi.NewLimitExceededException("Cannot exceed quota for AccountAliasesPerAccount: 1")
		}
		a := &accountAlias{Alias: alias, Account: sc.account}
		if _, err := accountAliases.Put(ctx, s.st, aliasIndexScope, alias, func(cur *accountAlias) (*accountAlias, error) {
			if cur != nil {
				return nil, iamapi.NewEntityAlreadyExistsException("The account alias %s already exists.", alias)
			}
			return a, nil
		}); err != nil {
			return err
		}
		_, err = accountAliases.Put(ctx, s.st, sc.account, accountAliasKey, func(*accountAlias) (*accountAlias, error) { return a, nil })
		return err
	})
}

func (s *Service) DeleteAccountAlias(ctx context.Context, in *iamapi.DeleteAccountAliasRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(ctx context.Context) error {
		cur, _, err := accountAliases.Get(ctx, s.st, sc.account, accountAliasKey)
		if err != nil {
			return err
		}
		if cur == nil || cur.Alias != in.AccountAlias {
			return iamapi.NewNoSuchEntityException("The account alias %s cannot be found.", in.AccountAlias)
		}
		if _, err := accountAliases.Remove(ctx, s.st, sc.account, accountAliasKey); err != nil {
			return err
		}
		_, err = accountAliases.Remove(ctx, s.st, aliasIndexScope, cur.Alias)
		return err
	})
}

func (s *Service) ListAccountAliases(ctx context.Context, in *iamapi.ListAccountAliasesRequest) (*iamapi.ListAccountAliasesResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	cur, _, err := accountAliases.Get(ctx, s.st, sc.account, accountAliasKey)
	if err != nil {
		return nil, err
	}
	var all []string
	if cur != nil {
		all = append(all, cur.Alias)
	}
	page, trunc, next, err := paginate(all, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListAccountAliasesResponse{AccountAliases: page, IsTruncated: trunc, Marker: next}, nil
}

// ---- STS preferences ----

type stsSettings struct {
	TokenVersion string
}

var accountSettings = records.Of[stsSettings](records.Account, store.RecordAccountSettings)

func (s *Service) SetSecurityTokenServicePreferences(ctx context.Context, in *iamapi.SetSecurityTokenServicePreferencesRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	_, err = accountSettings.Put(ctx, s.st, sc.account, stsSettingsKey, func(*stsSettings) (*stsSettings, error) {
		return &stsSettings{TokenVersion: string(in.GlobalEndpointTokenVersion)}, nil
	})
	return err
}

// globalEndpointTokenVersion is 1 (v1Token, the default) or 2 (v2Token),
// as GetAccountSummary reports it.
func (s *Service) globalEndpointTokenVersion(ctx context.Context, account string) (int32, error) {
	st, _, err := accountSettings.Get(ctx, s.st, account, stsSettingsKey)
	if err != nil || st == nil || st.TokenVersion != string(iamapi.GlobalEndpointTokenVersionV2Token) {
		return 1, err
	}
	return 2, nil
}
