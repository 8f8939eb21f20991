package sts

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api/stsapi"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/arn"
	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/iam"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// The session name AWS accepts from the RoleSessionName attribute.
var samlSessionName = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// Session durations a SessionDuration attribute may ask for.
const (
	minSAMLDuration = 900
	maxSAMLDuration = 43200
)

// AssumeRoleWithSAML issues role credentials to whoever holds an
// assertion a SAML provider of the role's account signed. The call is
// unsigned: the assertion authenticates it and the role's trust policy
// ("Federated": the provider's ARN, with the saml:* keys) authorizes it.
func (s *Service) AssumeRoleWithSAML(ctx context.Context, in *stsapi.AssumeRoleWithSAMLRequest) (*stsapi.AssumeRoleWithSAMLResponse, error) {
	r := reqctx.From(ctx)
	r.Resource = in.RoleArn
	now := s.now().UTC().Truncate(time.Millisecond)
	provider, claims, role, err := s.samlRequest(ctx, in, r.Region, now)
	if err != nil {
		return nil, err
	}
	dur, err := samlDuration(in.DurationSeconds, claims, role, now)
	if err != nil {
		return nil, err
	}
	tags, transitive := claims.sessionTags()
	policies, packed, pct, err := packedSession(ctx, s.st, role.AccountID, in.Policy, in.PolicyArns, tags)
	if err != nil {
		return nil, err
	}
	qualifier := nameQualifier(claims.Issuer, role.AccountID, provider.ARN)
	keys := claims.conditionKeys(qualifier, role.AccountID+"/"+providerName(provider.ARN))
	if err := authorizeSAML(r, role, provider.ARN, claims, keys, now); err != nil {
		return nil, err
	}
	creds, user, err := s.issueRoleSession(ctx, roleSession{role: role, name: claims.SessionName, duration: dur, policies: policies,
		tags: tags, transitive: transitive, sourceIdentity: claims.SourceIdentity, contextKeys: samlSessionKeys(keys),
		partition: r.ARNPartition(), region: r.Region})
	if err != nil {
		return nil, err
	}
	out := &stsapi.AssumeRoleWithSAMLResponse{Credentials: creds, AssumedRoleUser: user, PackedPolicySize: packedSize(packed, pct),
		Subject: &claims.Subject, SubjectType: &claims.SubjectType, Issuer: &claims.Issuer,
		Audience: &claims.Recipient, NameQualifier: &qualifier}
	if claims.SourceIdentity != "" {
		out.SourceIdentity = &claims.SourceIdentity
	}
	return out, nil
}

// samlRequest verifies the assertion against the provider PrincipalArn
// names and finds the role it pairs with the provider: a role of the
// provider's account that the Role attribute names, or AccessDenied.
func (s *Service) samlRequest(ctx context.Context, in *stsapi.AssumeRoleWithSAMLRequest, region string, now time.Time) (*iam.SAMLProvider, *samlClaims, *store.IAMEntity, error) {
	provider, ok, err := iam.LookupSAMLProvider(ctx, s.st, in.PrincipalArn)
	if err != nil {
		return nil, nil, nil, err
	}
	if !ok {
		return nil, nil, nil, stsapi.NewInvalidIdentityTokenException("SAML provider %s does not exist.", in.PrincipalArn)
	}
	claims, err := verifySAML(in.SAMLAssertion, provider, region, now)
	if err != nil {
		return nil, nil, nil, err
	}
	role, ok, err := authz.EntityByARN(ctx, s.st, in.RoleArn)
	if err != nil {
		return nil, nil, nil, err
	}
	if !ok || role.Kind != store.IAMRole || role.AccountID != arn.Account(provider.ARN) || !claims.names(in.RoleArn, in.PrincipalArn) {
		return nil, nil, nil, apierror.AccessDenied.InQuery("Not authorized to perform sts:AssumeRoleWithSAML")
	}
	if !samlSessionName.MatchString(claims.SessionName) {
		return nil, nil, nil, stsapi.NewInvalidIdentityTokenException("RoleSessionName in the SAML assertion is missing or invalid: it must be 2 to 64 characters of letters, digits and +=,.@-_.")
	}
	return provider, claims, role, nil
}

// authorizeSAML asks the role's trust policy: sts:AssumeRoleWithSAML for
// the provider, with sts:TagSession for session tags and
// sts:SetSourceIdentity for a source identity.
func authorizeSAML(r *reqctx.Request, role *store.IAMEntity, provider string, c *samlClaims, keys policy.Context, now time.Time) error {
	fed := authz.Federation{Role: role, Provider: provider, Actions: []string{"sts:AssumeRoleWithSAML"}, Keys: keys}
	if len(c.Tags) > 0 {
		fed.Actions = append(fed.Actions, "sts:TagSession")
	}
	if c.SourceIdentity != "" {
		fed.Actions = append(fed.Actions, "sts:SetSourceIdentity")
	}
	return authz.AuthorizeFederated(r, fed, now)
}

// names: the Role attribute pairs the role with the provider.
func (c *samlClaims) names(roleARN, providerARN string) bool {
	for _, p := range c.Roles {
		if p[0] == roleARN && strings.EqualFold(p[1], providerARN) {
			return true
		}
	}
	return false
}

// samlDuration is the session's length: DurationSeconds, else the
// SessionDuration attribute, else an hour; never beyond the role's
// MaxSessionDuration nor the assertion's SessionNotOnOrAfter (STS API
// reference, AssumeRoleWithSAML).
func samlDuration(param *int32, c *samlClaims, role *store.IAMEntity, now time.Time) (int, error) {
	dur := defaultRoleDuration
	if c.SessionDuration != 0 {
		if c.SessionDuration < minSAMLDuration || c.SessionDuration > maxSAMLDuration {
			return 0, stsapi.NewInvalidIdentityTokenException("SessionDuration in the SAML assertion must be between %d and %d seconds.", minSAMLDuration, maxSAMLDuration)
		}
		dur = c.SessionDuration
	}
	max := role.MaxSessionDuration
	if max == 0 {
		max = defaultRoleDuration
	}
	if param != nil {
		dur = int(*param)
		if dur > max {
			return 0, validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
		}
	}
	if dur > max {
		dur = max
	}
	if !c.SessionEnd.IsZero() {
		if left := int(c.SessionEnd.Sub(now) / time.Second); left < dur {
			dur = left
		}
	}
	if dur <= 0 {
		return 0, stsapi.NewExpiredTokenException("Response is expired")
	}
	return dur, nil
}

// sessionTags are the PrincipalTag attributes, in key order, and the
// transitive keys among them.
func (c *samlClaims) sessionTags() ([]store.Tag, []string) {
	var tags []store.Tag
	for _, t := range c.Tags {
		tags = append(tags, store.Tag{Key: t[0], Value: t[1]})
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	var transitive []string
	for _, k := range c.TransitiveKeys {
		for _, t := range tags {
			if strings.EqualFold(t.Key, k) {
				transitive = append(transitive, t.Key)
			}
		}
	}
	return tags, transitive
}

// conditionKeys are the saml:* keys a trust policy may test, and the
// session tags as request tags (IAM user guide, "Available keys for SAML
// federation").
func (c *samlClaims) conditionKeys(qualifier, doc string) policy.Context {
	keys := policy.Context{}
	keys.Set("saml:aud", c.Recipient)
	keys.Set("saml:sub", c.Subject)
	keys.Set("saml:sub_type", c.SubjectType)
	keys.Set("saml:iss", c.Issuer)
	keys.Set("saml:namequalifier", qualifier)
	keys.Set("saml:doc", doc)
	for name, vals := range c.attributesByName {
		if short, ok := samlAttributeKeys[name]; ok {
			keys.Set("saml:"+short, vals...)
		}
	}
	var tagKeys []string
	for _, t := range c.Tags {
		keys.Set("aws:RequestTag/"+t[0], t[1])
		tagKeys = append(tagKeys, t[0])
	}
	if len(tagKeys) > 0 {
		keys.Set("aws:TagKeys", tagKeys...)
	}
	if c.SourceIdentity != "" {
		keys.Set("sts:SourceIdentity", c.SourceIdentity)
	}
	if c.SessionName != "" {
		keys.Set("sts:RoleSessionName", c.SessionName)
	}
	return keys
}

// samlSessionKeys are the saml:* keys among a request's: the session
// carries them to its requests, where permission policies read them as
// keys and policy variables (${saml:sub}).
func samlSessionKeys(keys policy.Context) map[string][]string {
	out := map[string][]string{}
	for k, v := range keys {
		if strings.HasPrefix(k, "saml:") {
			out[k] = v
		}
	}
	return out
}

// samlAttributeKeys are the attributes AWS exposes as saml:* keys, by
// the names (OIDs) IdPs send them under; saml:doc is
// <account>/<provider name>.
var samlAttributeKeys = map[string]string{
	"urn:oid:2.5.4.3":                   "cn",
	"urn:oid:0.9.2342.19200300.100.1.3": "mail",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.6":  "edupersonprincipalname",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.1":  "edupersonaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.7":  "edupersonentitlement",
	"urn:oid:2.16.840.1.113730.3.1.241": "displayname",
	"urn:oid:2.5.4.42":                  "givenname",
	"urn:oid:2.5.4.4":                   "sn",
	"urn:oid:0.9.2342.19200300.100.1.1": "uid",
	"urn:oid:2.5.4.11":                  "organizationalunit",
}

// nameQualifier is AWS's NameQualifier: Base64(SHA1(issuer + account ID
// + "/" + the provider's name)), which with Subject names a federated
// user uniquely.
func nameQualifier(issuer, account, providerARN string) string {
	sum := sha1.Sum([]byte(issuer + account + "/" + providerName(providerARN)))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// providerName is the last part of a provider's ARN.
func providerName(providerARN string) string {
	return providerARN[strings.LastIndexByte(providerARN, '/')+1:]
}
