package iam

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// Service-specific credentials (IAM user guide, "Service-specific
// credentials for IAM users"): a user name and password for CodeCommit
// and Amazon Keyspaces, an API key (alias and secret) for Bedrock and
// CloudWatch Logs, which alone may expire. Two per user per service.
const (
	maxServiceCredsPerService = 2
	prefixServiceCred         = "ACCA"
)

// apiKeyServices issue an alias and a secret rather than a user name and
// password, and accept CredentialAgeDays.
var apiKeyServices = map[string]bool{"bedrock.amazonaws.com": true, "logs.amazonaws.com": true}

var passwordServices = map[string]bool{"codecommit.amazonaws.com": true, "cassandra.amazonaws.com": true}

// serviceCred is one credential; the password or secret is kept only as
// its SHA-256 (it is random and long, so a slow hash adds nothing).
type serviceCred struct {
	User        string     `json:"user"`
	UserID      string     `json:"userId"`
	ID          string     `json:"id"`
	Service     string     `json:"service"`
	ServiceUser string     `json:"serviceUser,omitempty"`
	Alias       string     `json:"alias,omitempty"`
	SecretHash  string     `json:"secretHash"`
	Status      string     `json:"status"`
	Created     time.Time  `json:"created"`
	Expires     *time.Time `json:"expires,omitempty"`
}

// serviceCreds has no per-user quota of its own: the quota is per
// service, checked on creation.
var serviceCreds = userCredentials[serviceCred]{
	kind: records.Of[serviceCred](records.Account, store.RecordServiceCredential),
	max:  maxServiceCredsPerService * (len(apiKeyServices) + len(passwordServices)),
	notFound: func(id string) error {
		return iamapi.NewNoSuchEntityException("No such credential %s exists", id)
	},
	usersOnly: true,
}

func checkCredService(name string) error {
	if apiKeyServices[name] || passwordServices[name] {
		return nil
	}
	return iamapi.NewServiceNotSupportedException("Service %s is not supported for service specific credentials", name)
}

// newSecret returns a random secret of 44 characters and its hash.
func newSecret() (string, string) {
	b := make([]byte, 33)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	s := base64.StdEncoding.EncodeToString(b)
	return s, hashSecret(s)
}

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// serviceUserName names the n-th (from 0) credential of user for a
// password service as AWS does: jane-at-123456789012, then
// jane+1-at-123456789012.
func serviceUserName(user, account string, n int) string {
	if n == 0 {
		return user + "-at-" + account
	}
	return user + "+" + strconv.Itoa(n) + "-at-" + account
}

func (s *Service) CreateServiceSpecificCredential(ctx context.Context, in *iamapi.CreateServiceSpecificCredentialRequest) (*iamapi.CreateServiceSpecificCredentialResponse, error) {
	if err := checkCredService(in.ServiceName); err != nil {
		return nil, err
	}
	if in.CredentialAgeDays != nil && !apiKeyServices[in.ServiceName] {
		return nil, iamapi.NewInvalidInputException("CredentialAgeDays is only valid for Bedrock and CloudWatch Logs API keys.")
	}
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	o, err := s.namedUser(ctx, sc, in.UserName)
	if err != nil {
		return nil, err
	}
	secret, hash := newSecret()
	c := &serviceCred{User: o.name, UserID: o.id, ID: ids.Unique(prefixServiceCred), Service: in.ServiceName, SecretHash: hash,
		Status: string(iamapi.StatusTypeActive), Created: s.now()}
	if in.CredentialAgeDays != nil {
		c.Expires = opt.Ptr(c.Created.AddDate(0, 0, int(*in.CredentialAgeDays)))
	}
	err = serviceCreds.add(ctx, s, sc, o, c.ID, c, func(have []serviceCred) error {
		taken := map[string]bool{}
		for _, h := range have {
			if h.Service == c.Service {
				taken[h.ServiceUser+h.Alias] = true
			}
		}
		if len(taken) >= maxServiceCredsPerService {
			return iamapi.NewLimitExceededException("Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: %d", maxServiceCredsPerService)
		}
		c.name(sc.account, taken)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateServiceSpecificCredentialResponse{ServiceSpecificCredential: c.withSecret(secret)}, nil
}

// name gives the credential the first service user name (or API key
// alias) that the user's other credentials for the service do not have.
func (c *serviceCred) name(account string, taken map[string]bool) {
	for n := 0; ; n++ {
		name := serviceUserName(c.User, account, n)
		if apiKeyServices[c.Service] {
			// The alias: the user, a version and the creation time.
			name = c.User + "+" + strconv.Itoa(n+1) + "-" + c.Created.Format("20060102T150405") + "-at-" + account
		}
		if !taken[name] {
			if apiKeyServices[c.Service] {
				c.Alias = name
			} else {
				c.ServiceUser = name
			}
			return
		}
	}
}

// withSecret is the credential as Create and Reset return it: with the
// password (or, for an API key, the secret) shown this once.
func (c *serviceCred) withSecret(secret string) *iamapi.ServiceSpecificCredential {
	out := &iamapi.ServiceSpecificCredential{CreateDate: c.Created, ExpirationDate: c.Expires, ServiceName: c.Service,
		ServiceUserName: opt.NonEmpty(c.ServiceUser), ServiceCredentialAlias: opt.NonEmpty(c.Alias),
		ServiceSpecificCredentialId: c.ID, UserName: c.User, Status: iamapi.StatusType(c.status(c.Created))}
	if c.Alias != "" {
		out.ServiceCredentialSecret = &secret
	} else {
		out.ServicePassword = &secret
	}
	return out
}

// status is Expired once an expiring credential's date has passed.
func (c *serviceCred) status(now time.Time) string {
	if c.Expires != nil && !now.Before(*c.Expires) {
		return string(iamapi.StatusTypeExpired)
	}
	return c.Status
}

func (c *serviceCred) metadata(now time.Time) iamapi.ServiceSpecificCredentialMetadata {
	return iamapi.ServiceSpecificCredentialMetadata{UserName: c.User, Status: iamapi.StatusType(c.status(now)),
		ServiceUserName: opt.NonEmpty(c.ServiceUser), ServiceCredentialAlias: opt.NonEmpty(c.Alias), CreateDate: c.Created,
		ExpirationDate: c.Expires, ServiceSpecificCredentialId: c.ID, ServiceName: c.Service}
}

func (s *Service) ListServiceSpecificCredentials(ctx context.Context, in *iamapi.ListServiceSpecificCredentialsRequest) (*iamapi.ListServiceSpecificCredentialsResponse, error) {
	if in.ServiceName != nil {
		if err := checkCredService(*in.ServiceName); err != nil {
			return nil, err
		}
	}
	all := opt.Deref(in.AllUsers)
	if all && in.UserName != nil {
		return nil, iamapi.NewInvalidInputException("AllUsers cannot be specified together with UserName.")
	}
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var creds []serviceCred
	if all {
		creds, err = serviceCreds.kind.All(ctx, s.st, sc.account, "")
	} else {
		var o owner
		if o, err = s.credentialOwner(ctx, sc, in.UserName); err == nil && o.id != "" {
			creds, err = serviceCreds.all(ctx, s, sc, o)
		}
	}
	if err == nil {
		err = s.nameOwners(ctx, creds)
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := []iamapi.ServiceSpecificCredentialMetadata{}
	for i := range creds {
		if in.ServiceName == nil || creds[i].Service == *in.ServiceName {
			out = append(out, creds[i].metadata(now))
		}
	}
	page, trunc, next, err := paginate(out, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListServiceSpecificCredentialsResponse{ServiceSpecificCredentials: page, IsTruncated: trunc, Marker: next}, nil
}

// nameOwners names each credential's user as it is named now.
func (s *Service) nameOwners(ctx context.Context, creds []serviceCred) error {
	names := map[string]string{}
	for i := range creds {
		id := creds[i].UserID
		if _, ok := names[id]; !ok {
			e, err := s.st.GetIAMEntityByID(ctx, id)
			if err != nil {
				return err
			}
			names[id] = e.Name
		}
		creds[i].User = names[id]
	}
	return nil
}

func (s *Service) ResetServiceSpecificCredential(ctx context.Context, in *iamapi.ResetServiceSpecificCredentialRequest) (*iamapi.ResetServiceSpecificCredentialResponse, error) {
	sc, o, err := serviceCreds.owned(ctx, s, in.UserName, in.ServiceSpecificCredentialId)
	if err != nil {
		return nil, err
	}
	secret, hash := newSecret()
	c, err := serviceCreds.change(ctx, s, sc, o, in.ServiceSpecificCredentialId, func(c *serviceCred) error {
		c.SecretHash = hash
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.User = o.name
	return &iamapi.ResetServiceSpecificCredentialResponse{ServiceSpecificCredential: c.withSecret(secret)}, nil
}

func (s *Service) UpdateServiceSpecificCredential(ctx context.Context, in *iamapi.UpdateServiceSpecificCredentialRequest) error {
	return serviceCreds.setStatus(ctx, s, in.UserName, in.ServiceSpecificCredentialId, in.Status, func(c *serviceCred, st string) { c.Status = st })
}

func (s *Service) DeleteServiceSpecificCredential(ctx context.Context, in *iamapi.DeleteServiceSpecificCredentialRequest) error {
	return serviceCreds.delete(ctx, s, in.UserName, in.ServiceSpecificCredentialId)
}
