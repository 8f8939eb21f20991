// Package sts serves the Security Token Service: GetCallerIdentity,
// AssumeRole, GetSessionToken, GetAccessKeyInfo and
// DecodeAuthorizationMessage; AssumeRoleWithWebIdentity, called without
// credentials, against the account's IAM OIDC providers
// (webidentity.go); GetFederationToken (federation.go); and
// GetWebIdentityToken, with the account issuer the server publishes
// (webidentity_token.go, webidentity_issuer.go).
//
// Temporary credentials are an ASIA… key ID, a 40-character secret and a
// session token of 344 characters (256 random bytes, base64). The store
// keeps the secret sealed, as it does an access key's, and of the token
// only its SHA-256; the server's SigV4 verifier hashes the token a
// request presents and compares. Each session keeps its issue time
// (aws:TokenIssueTime, so a DateLessThan deny revokes older sessions), its
// expiry (afterwards: ExpiredToken), its session policies, tags,
// transitive tag keys and source identity.
//
// Whether the caller may assume the role (the trust policy, and the
// caller's own identity policy where the trust policy names the account)
// is decided by the server's policy engine before the handler runs; the
// handler checks what is the role's to say: DurationSeconds against
// MaxSessionDuration, the one-hour cap of role chaining, the session
// policies and tags.
package sts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mailgate/mailgate/internal/api/stsapi"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/arn"
	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// Session limits (STS API reference).
const (
	defaultRoleDuration  = 3600
	chainedMaxDuration   = 3600
	defaultTokenDuration = 43200
	rootTokenMaxDuration = 3600
	maxSessionPolicySize = 2048
	// expiredKept is how long expired sessions stay in the store, so that
	// their use is answered ExpiredToken rather than an unknown key.
	expiredKept = 24 * time.Hour
)

// Options configures the service.
type Options struct {
	Now func() time.Time
	// HTTPClient fetches web identity issuers' discovery documents and
	// keys (nil: a client with the system's roots and a 10s timeout).
	HTTPClient *http.Client
}

// Service implements stsapi.API.
type Service struct {
	stsapi.Unimplemented
	st        store.Store
	now       func() time.Time
	lastSweep atomic.Int64
	web       *webIdentity
}

// New returns the STS service over st.
func New(st store.Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{st: st, now: opts.Now, web: newWebIdentity(opts.HTTPClient)}
}

// GetCallerIdentity reports who signed the request.
func (s *Service) GetCallerIdentity(ctx context.Context, _ *stsapi.GetCallerIdentityRequest) (*stsapi.GetCallerIdentityResponse, error) {
	c := reqctx.From(ctx).Caller
	return &stsapi.GetCallerIdentityResponse{Account: &c.AccountID, Arn: &c.Arn, UserId: &c.UserID}, nil
}

func validation(format string, args ...any) error {
	return apierror.ValidationError.InQuery(format, args...)
}

func accessDenied(c *reqctx.Caller, action, resource string) error {
	msg := "User: " + c.Arn + " is not authorized to perform: " + action
	if resource != "" {
		msg += " on resource: " + resource
	}
	return apierror.AccessDenied.InQuery("%s", msg)
}

// AssumeRole issues credentials for a role session.
func (s *Service) AssumeRole(ctx context.Context, in *stsapi.AssumeRoleRequest) (*stsapi.AssumeRoleResponse, error) {
	r := reqctx.From(ctx)
	c := r.Caller
	role, ok, err := authz.EntityByARN(ctx, s.st, in.RoleArn)
	if err != nil {
		return nil, err
	}
	if !ok || role.Kind != store.IAMRole {
		return nil, accessDenied(c, "sts:AssumeRole", in.RoleArn)
	}
	chained := c.Session != nil && c.Session.Kind == store.SessionAssumedRole
	dur := defaultRoleDuration
	if in.DurationSeconds != nil {
		dur = int(*in.DurationSeconds)
	}
	if chained && dur > chainedMaxDuration {
		return nil, validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if max := role.MaxSessionDuration; max > 0 && dur > max {
		return nil, validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}

	// Session policies: the inline Policy and the documents of PolicyArns.
	policies, packed, err := sessionPolicies(ctx, s.st, role.AccountID, in.Policy, in.PolicyArns)
	if err != nil {
		return nil, err
	}

	// Session tags: the caller's transitive tags carry over and cannot be
	// overridden.
	var tags []store.Tag
	var transitive []string
	seen := map[string]bool{}
	if c.Session != nil {
		for _, k := range c.Session.TransitiveTagKeys {
			if v, ok := c.Session.Tags[k]; ok {
				tags = append(tags, store.Tag{Key: k, Value: v})
				transitive = append(transitive, k)
				seen[strings.ToLower(k)] = true
			}
		}
	}
	mine := map[string]bool{}
	for _, t := range in.Tags {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return nil, apierror.InvalidParameterValue.InQuery("One or more session tags in the request override transitive session tags: %s.", t.Key)
		}
		if mine[k] {
			return nil, apierror.InvalidParameterValue.InQuery("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		mine[k] = true
		tags = append(tags, store.Tag{Key: t.Key, Value: t.Value})
		packed += len(t.Key) + len(t.Value)
	}
	for _, k := range in.TransitiveTagKeys {
		if !mine[strings.ToLower(k)] {
			return nil, apierror.InvalidParameterValue.InQuery("The specified transitive tag key must be included in the requested tags.")
		}
		transitive = append(transitive, k)
	}
	pct, err := packedPercent(packed)
	if err != nil {
		return nil, err
	}

	source := opt.Deref(in.SourceIdentity)
	if c.Session != nil && c.Session.SourceIdentity != "" {
		if source != "" && source != c.Session.SourceIdentity {
			return nil, accessDenied(c, "sts:SetSourceIdentity", in.RoleArn)
		}
		source = c.Session.SourceIdentity
	}

	creds, user, err := s.issueRoleSession(ctx, roleSession{role: role, name: in.RoleSessionName, duration: dur, policies: policies,
		tags: tags, transitive: transitive, sourceIdentity: source, chained: chained, partition: r.ARNPartition(), region: r.Region})
	if err != nil {
		return nil, err
	}
	out := &stsapi.AssumeRoleResponse{Credentials: creds, AssumedRoleUser: user, PackedPolicySize: packedSize(packed, pct)}
	if source != "" {
		out.SourceIdentity = &source
	}
	return out, nil
}

// GetSessionToken issues temporary credentials for the calling user or
// root; they carry the caller's own permissions.
func (s *Service) GetSessionToken(ctx context.Context, in *stsapi.GetSessionTokenRequest) (*stsapi.GetSessionTokenResponse, error) {
	c := reqctx.From(ctx).Caller
	if c.Session != nil {
		return nil, apierror.AccessDenied.InQuery("Cannot call GetSessionToken with session credentials")
	}
	dur := defaultTokenDuration
	if c.Root {
		dur = rootTokenMaxDuration
	}
	if in.DurationSeconds != nil {
		dur = int(*in.DurationSeconds)
		if c.Root && dur > rootTokenMaxDuration {
			dur = rootTokenMaxDuration // AWS caps root sessions silently at one hour
		}
	}
	mfa, err := s.checkMFA(ctx, reqctx.From(ctx), in.SerialNumber, in.TokenCode)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	creds, sess := newCredentials(c.AccountID, now, dur)
	sess.Kind = store.SessionToken
	if mfa {
		sess.MFAAuthenticatedAt = now
	}
	if !c.Root {
		sess.UserName = c.UserName
	}
	if err := s.st.PutSTSSession(ctx, *sess); err != nil {
		return nil, err
	}
	s.sweep(ctx, now)
	return &stsapi.GetSessionTokenResponse{Credentials: creds}, nil
}

// GetAccessKeyInfo names the account of an access key (long-term or
// temporary).
func (s *Service) GetAccessKeyInfo(ctx context.Context, in *stsapi.GetAccessKeyInfoRequest) (*stsapi.GetAccessKeyInfoResponse, error) {
	var account string
	if strings.HasPrefix(in.AccessKeyId, ids.PrefixTempAccessKey) {
		sess, err := s.st.GetSTSSession(ctx, in.AccessKeyId)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if sess != nil {
			account = sess.AccountID
		}
	} else {
		k, err := s.st.GetAccessKey(ctx, in.AccessKeyId)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if k != nil {
			account = k.AccountID
		}
	}
	if account == "" {
		return nil, apierror.InvalidParameterValue.InQuery("The access key ID %s is not valid.", in.AccessKeyId)
	}
	return &stsapi.GetAccessKeyInfoResponse{Account: &account}, nil
}

// DecodeAuthorizationMessage decodes an authorization message from the
// server's log into the JSON AWS documents.
func (s *Service) DecodeAuthorizationMessage(ctx context.Context, in *stsapi.DecodeAuthorizationMessageRequest) (*stsapi.DecodeAuthorizationMessageResponse, error) {
	bad := stsapi.NewInvalidAuthorizationMessageException("The message is not a valid authorization message.")
	rest, ok := strings.CutPrefix(in.EncodedMessage, authz.MessagePrefix)
	if !ok {
		return nil, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || !json.Valid(b) {
		return nil, bad
	}
	// A message is decoded only in the account of the denied principal.
	if c := reqctx.From(ctx).Caller; arn.Account(authz.DecodedPrincipalARN(b)) != c.AccountID {
		return nil, bad
	}
	msg := string(b)
	return &stsapi.DecodeAuthorizationMessageResponse{DecodedMessage: &msg}, nil
}

// newCredentials makes a key, secret and token valid from now for dur
// seconds, and the session record that holds them.
func newCredentials(account string, now time.Time, dur int) (*stsapi.Credentials, *store.STSSession) {
	raw := make([]byte, 256)
	if _, err := rand.Read(raw); err != nil {
		panic(err)
	}
	token := base64.StdEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(token))
	exp := now.Add(time.Duration(dur) * time.Second)
	creds := &stsapi.Credentials{AccessKeyId: ids.AccessKeyID(ids.PrefixTempAccessKey), SecretAccessKey: ids.SecretAccessKey(), SessionToken: token, Expiration: exp}
	return creds, &store.STSSession{AccessKeyID: creds.AccessKeyId, SecretAccessKey: creds.SecretAccessKey, TokenSHA256: sum[:],
		AccountID: account, IssuedAt: now, ExpiresAt: exp}
}

// sweep deletes long-expired sessions, at most once every ten minutes per
// server.
func (s *Service) sweep(ctx context.Context, now time.Time) {
	last := s.lastSweep.Load()
	if now.UnixNano()-last < int64(10*time.Minute) || !s.lastSweep.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	_, _ = s.st.DeleteExpiredSTSSessions(ctx, now.Add(-expiredKept))
}
