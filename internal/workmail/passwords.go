package workmail

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/passhash"
	"github.com/mailgate/mailgate/internal/store"
)

// Passwords follow the complexity rule of the directories behind
// WorkMail (Active Directory's): a minimum length, three of four
// character classes, and not the user name. They are stored only as
// argon2id hashes and never returned, logged or echoed in errors.
const (
	minPasswordLength = 8
	passwordClasses   = 3 // of upper case, lower case, digits, others
)

func invalidPassword() error {
	return workmailapi.NewInvalidPasswordException(
		"The password must be at least %d characters long, contain characters of at least %d of these kinds: upper case letters, lower case letters, digits, other characters, and must not contain the user name.",
		minPasswordLength, passwordClasses)
}

// checkPassword enforces the complexity rule.
func checkPassword(password, userName string) error {
	if len([]rune(password)) < minPasswordLength {
		return invalidPassword()
	}
	var upper, lower, digit, other int
	for _, r := range password {
		switch {
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	if upper+lower+digit+other < passwordClasses {
		return invalidPassword()
	}
	// Like Active Directory, only names of three characters or more count.
	local := strings.ToLower(userName)
	if i := strings.IndexByte(local, '@'); i >= 0 {
		local = local[:i]
	}
	if len(local) >= 3 && strings.Contains(strings.ToLower(password), local) {
		return invalidPassword()
	}
	return nil
}

// hashPassword returns a PHC-format argon2id hash; verifyHash checks one.
var (
	hashPassword = passhash.Hash
	verifyHash   = passhash.Verify
	errBadHash   = passhash.ErrMalformed
)

// dummyHash is verified against when there is no user, so that unknown
// users take as long to refuse as wrong passwords.
var dummyHash, _ = hashPassword("mailgate dummy password")

// VerifyPassword checks a password for mailbox sign-in. userID is any
// entity identifier (ID, email address or alias, or name). It is true
// only for an ENABLED user with a password of an active organization;
// unknown organizations and users are false, not errors, and cost as
// much time as a wrong password. While the organization's identity
// provider configuration is IDENTITY_PROVIDER_ONLY it is always false. It does not look at the request's
// caller: sign-in happens outside AWS authentication.
func (s *Service) VerifyPassword(ctx context.Context, orgID, userID, password string) (bool, error) {
	hash := ""
	o, err := s.st.GetOrganization(ctx, orgID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	if err == nil && o.State == store.OrganizationActive {
		e, err := s.st.ResolveEntity(ctx, orgID, userID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return false, err
		}
		if err == nil && e.Type == store.EntityUser && e.State == store.EntityEnabled {
			hash = e.PasswordHash
			// IDENTITY_PROVIDER_ONLY turns directory passwords off (signin.go).
			c, err := s.st.GetIdentityProviderConfig(ctx, orgID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return false, err
			}
			if err == nil && c.AuthenticationMode != store.AuthIdentityProviderAndDirectory {
				hash = ""
			}
		}
	}
	if hash == "" {
		_, _ = verifyHash(dummyHash, password)
		return false, nil
	}
	return verifyHash(hash, password)
}
