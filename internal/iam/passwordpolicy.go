package iam

import (
	"context"
	"strings"
	"unicode"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// The account password policy is one account record. Without one, IAM
// applies its default policy to console passwords: at least 8
// characters, of at least three of the four kinds, and not the user name
// ("Setting an account password policy for IAM users", IAM user guide).
const (
	passwordPolicyKey        = "policy"
	defaultMinPasswordLength = 8
	// passwordSymbols are the characters IAM counts as symbols.
	passwordSymbols = "!@#$%^&*()_+-=[]{}|'"
)

type passwordPolicy struct {
	MinLength      int
	Symbols        bool
	Numbers        bool
	Upper          bool
	Lower          bool
	AllowChange    bool
	MaxAge         int
	ReusePrevented int
	HardExpiry     bool
}

var passwordPolicies = records.Of[passwordPolicy](records.Account, store.RecordPasswordPolicy)

func noPasswordPolicy(account string) error {
	return iamapi.NewNoSuchEntityException("The Password Policy with domain name %s cannot be found.", account)
}

// passwordPolicy is the account's policy, nil when it has none.
func (s *Service) passwordPolicy(ctx context.Context, account string) (*passwordPolicy, error) {
	p, _, err := passwordPolicies.Get(ctx, s.st, account, passwordPolicyKey)
	return p, err
}

// UpdateAccountPasswordPolicy sets every field: those left out take
// IAM's defaults (minimum length 8, nothing required, no expiry).
func (s *Service) UpdateAccountPasswordPolicy(ctx context.Context, in *iamapi.UpdateAccountPasswordPolicyRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	p := &passwordPolicy{
		MinLength: int(opt.Deref(in.MinimumPasswordLength)), Symbols: opt.Deref(in.RequireSymbols), Numbers: opt.Deref(in.RequireNumbers),
		Upper: opt.Deref(in.RequireUppercaseCharacters), Lower: opt.Deref(in.RequireLowercaseCharacters),
		AllowChange: opt.Deref(in.AllowUsersToChangePassword), MaxAge: int(opt.Deref(in.MaxPasswordAge)),
		ReusePrevented: int(opt.Deref(in.PasswordReusePrevention)), HardExpiry: opt.Deref(in.HardExpiry),
	}
	if in.MinimumPasswordLength == nil {
		p.MinLength = defaultMinPasswordLength
	}
	_, err = passwordPolicies.Put(ctx, s.st, sc.account, passwordPolicyKey, func(*passwordPolicy) (*passwordPolicy, error) { return p, nil })
	return err
}

func (s *Service) GetAccountPasswordPolicy(ctx context.Context) (*iamapi.GetAccountPasswordPolicyResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.passwordPolicy(ctx, sc.account)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, noPasswordPolicy(sc.account)
	}
	out := &iamapi.PasswordPolicy{
		MinimumPasswordLength: opt.Ptr(int32(p.MinLength)), RequireSymbols: opt.Ptr(p.Symbols), RequireNumbers: opt.Ptr(p.Numbers),
		RequireUppercaseCharacters: opt.Ptr(p.Upper), RequireLowercaseCharacters: opt.Ptr(p.Lower),
		AllowUsersToChangePassword: opt.Ptr(p.AllowChange), ExpirePasswords: opt.Ptr(p.MaxAge > 0),
	}
	// AWS returns the expiry members only for a policy that sets them.
	if p.MaxAge > 0 {
		out.MaxPasswordAge, out.HardExpiry = opt.Ptr(int32(p.MaxAge)), opt.Ptr(p.HardExpiry)
	} else if p.HardExpiry {
		out.HardExpiry = opt.Ptr(true)
	}
	if p.ReusePrevented > 0 {
		out.PasswordReusePrevention = opt.Ptr(int32(p.ReusePrevented))
	}
	return &iamapi.GetAccountPasswordPolicyResponse{PasswordPolicy: out}, nil
}

func (s *Service) DeleteAccountPasswordPolicy(ctx context.Context) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	ok, err := passwordPolicies.Remove(ctx, s.st, sc.account, passwordPolicyKey)
	if err == nil && !ok {
		return noPasswordPolicy(sc.account)
	}
	return err
}

// checkPassword enforces the account's policy (IAM's default one when
// there is none) on a console password, with IAM's messages.
func checkPassword(p *passwordPolicy, password, userName string) error {
	var upper, lower, digit, symbol bool
	for _, r := range password {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case strings.ContainsRune(passwordSymbols, r):
			symbol = true
		}
	}
	if p == nil {
		// IAM names the kinds missing and how many more it needs:
		// "Password should meet 1 more of the following requirements:
		// Password should have at least one uppercase letter, ...".
		var missing []string
		for _, k := range []struct {
			have bool
			rule string
		}{{upper, ruleUpper}, {lower, ruleLower}, {digit, ruleNumber}, {symbol, ruleSymbol}} {
			if !k.have {
				missing = append(missing, k.rule)
			}
		}
		switch {
		case len([]rune(password)) < defaultMinPasswordLength:
			return violation("Password should have a minimum length of %d", defaultMinPasswordLength)
		case len(missing) > 1:
			return violation("Password should meet %d more of the following requirements: %s", len(missing)-1, strings.Join(missing, ", "))
		case strings.EqualFold(password, userName):
			return violation("Password should not be identical to your user name")
		}
		return nil
	}
	switch {
	case len([]rune(password)) < p.MinLength:
		return violation("Password should have a minimum length of %d", p.MinLength)
	case p.Upper && !upper:
		return violation(ruleUpper)
	case p.Lower && !lower:
		return violation(ruleLower)
	case p.Numbers && !digit:
		return violation(ruleNumber)
	case p.Symbols && !symbol:
		return violation(ruleSymbol)
	}
	return nil
}

// IAM's words for each kind of character a password lacks.
const (
	ruleUpper  = "Password should have at least one uppercase letter"
	ruleLower  = "Password should have at least one lowercase letter"
	ruleNumber = "Password should have at least one number"
	ruleSymbol = "Password should have at least one symbol"
)

func violation(format string, args ...any) error {
	return iamapi.NewPasswordPolicyViolationException(format, args...)
}
