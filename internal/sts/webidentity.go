package sts

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/mailgate/mailgate/internal/api/stsapi"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/iam"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// AssumeRoleWithWebIdentity is called without AWS credentials (the
// model's authtype "none"): the token is the credential. It is checked as
// AWS does (IAM user guide, "OIDC federation"):
//
//   - the token's iss names an IAM OIDC provider of the role's account
//     (https://host/path, the provider's URL);
//   - its signature verifies with a key the issuer publishes (OIDC
//     discovery, then jwks_uri; keys are cached and fetched again for an
//     unknown key ID);
//   - its audience (azp when present, else aud) is among the provider's
//     client IDs;
//   - it has not expired, with five minutes allowed for clock skew, and
//     is not used before nbf;
//   - the role's trust policy allows sts:AssumeRoleWithWebIdentity to the
//     principal {"Federated": <provider ARN>} with the token's claims as
//     condition keys (<host/path>:aud, :oaud, :sub, :amr), and
//     sts:TagSession when the token carries session tags
//     ("https://aws.amazon.com/tags").
func (s *Service) AssumeRoleWithWebIdentity(ctx context.Context, in *stsapi.AssumeRoleWithWebIdentityRequest) (*stsapi.AssumeRoleWithWebIdentityResponse, error) {
	const action = "sts:AssumeRoleWithWebIdentity"
	notAuthorized := apierror.AccessDenied.InQuery("Not authorized to perform %s", action)
	role, ok, err := authz.EntityByARN(ctx, s.st, in.RoleArn)
	if err != nil {
		return nil, err
	}
	if !ok || role.Kind != store.IAMRole {
		return nil, notAuthorized
	}
	claims, err := unverifiedClaims(in.WebIdentityToken)
	if err != nil {
		return nil, err
	}
	prov, ok, err := iam.LookupOIDCProvider(ctx, s.st, role.AccountID, claims.Issuer)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, stsapi.NewInvalidIdentityTokenException("No OpenIDConnect provider found in your account for %s", claims.Issuer)
	}
	if err := s.web.verify(ctx, claims.Issuer, in.WebIdentityToken); err != nil {
		return nil, err
	}
	if err := claims.checkTime(s.now()); err != nil {
		return nil, err
	}
	audience, ok := claims.audienceIn(prov.ClientIDs)
	if !ok {
		return nil, stsapi.NewInvalidIdentityTokenException("Incorrect token audience")
	}
	tags, transitive, err := claims.sessionTags()
	if err != nil {
		return nil, err
	}

	partition, region := requestPlace(ctx)
	providerARN := "arn:" + partition + ":iam::" + role.AccountID + ":oidc-provider/" + prov.URL
	keys := claims.conditionKeys(prov.URL, audience, providerARN)
	keys.Set("sts:RoleSessionName", in.RoleSessionName)
	addRequestKeys(ctx, keys, s.now())
	needs := []string{action}
	if len(tags) > 0 {
		needs = append(needs, "sts:TagSession")
		addTagKeys(keys, tags, transitive)
	}
	roleARN := "arn:" + partition + ":iam::" + role.AccountID + ":role" + role.Path + role.Name
	if !s.trusts(role, roleARN, &policy.Caller{Federated: providerARN}, needs, keys) {
		return nil, notAuthorized
	}

	dur, err := roleDuration(role, in.DurationSeconds)
	if err != nil {
		return nil, err
	}
	policies, packed, pct, err := packedSession(ctx, s.st, role.AccountID, in.Policy, in.PolicyArns, tags)
	if err != nil {
		return nil, err
	}
	creds, user, err := s.issueRoleSession(ctx, roleSession{role: role, name: in.RoleSessionName, duration: dur, policies: policies,
		tags: tags, transitive: transitive, partition: partition, region: region, contextKeys: claims.conditionKeys(prov.URL, audience, providerARN)})
	if err != nil {
		return nil, err
	}
	return &stsapi.AssumeRoleWithWebIdentityResponse{Credentials: creds, AssumedRoleUser: user, PackedPolicySize: packedSize(packed, pct),
		SubjectFromWebIdentityToken: &claims.Subject, Audience: &audience, Provider: &providerARN}, nil
}

// roleDuration is DurationSeconds (default one hour) within the role's
// MaxSessionDuration.
func roleDuration(role *store.IAMEntity, in *int32) (int, error) {
	dur := defaultRoleDuration
	if in != nil {
		dur = int(*in)
	}
	if max := role.MaxSessionDuration; max > 0 && dur > max {
		return 0, validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	return dur, nil
}

// trusts evaluates the role's trust policy alone for a caller that has no
// identity policies (a federated principal): each action must be allowed
// to the caller by the trust policy, and none denied.
func (s *Service) trusts(role *store.IAMEntity, roleARN string, caller *policy.Caller, actions []string, keys policy.Context) bool {
	trust, _ := policy.Compile(role.TrustPolicy, policy.Trust)
	set := &policy.Set{ResourceRequired: true, Resource: []policy.Entry{{Policy: trust, Source: policy.Source{ID: role.Name, Type: "resource"}}}}
	for _, a := range actions {
		req := &policy.Request{Action: a, Resource: roleARN, Caller: caller, Context: keys}
		if d := policy.Evaluate(set, req); d != policy.Allowed {
			slog.Default().Debug("trust policy refuses federated principal", "role", roleARN, "action", a, "decision", d.String())
			return false
		}
	}
	return true
}

// addRequestKeys sets the global keys an unsigned request has: source
// address, transport, region and clock.
func addRequestKeys(ctx context.Context, keys policy.Context, now time.Time) {
	r := reqctx.From(ctx)
	keys.Set("aws:SecureTransport", strconv.FormatBool(r.Secure))
	if r.SourceIP != "" {
		keys.Set("aws:SourceIp", r.SourceIP)
	}
	if r.Region != "" {
		keys.Set("aws:RequestedRegion", r.Region)
	}
	keys.Set("aws:CurrentTime", now.UTC().Format(time.RFC3339))
	keys.Set("aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
}

// addTagKeys sets aws:RequestTag/*, aws:TagKeys and sts:TransitiveTagKeys
// for session tags.
func addTagKeys(keys policy.Context, tags []store.Tag, transitive []string) {
	names := make([]string, 0, len(tags))
	for _, t := range tags {
		keys.Set("aws:RequestTag/"+t.Key, t.Value)
		names = append(names, t.Key)
	}
	keys.Set("aws:TagKeys", names...)
	if len(transitive) > 0 {
		keys.Set("sts:TransitiveTagKeys", transitive...)
	}
}

// webClaims are the claims of a web identity token that STS reads.
type webClaims struct {
	Issuer   string          `json:"iss"`
	Subject  string          `json:"sub"`
	Audience audience        `json:"aud"`
	AZP      string          `json:"azp"`
	AMR      audience        `json:"amr"`
	Expiry   *float64        `json:"exp"`
	NotAfter *float64        `json:"nbf"`
	Tags     *webSessionTags `json:"https://aws.amazon.com/tags"`
}

// webSessionTags is the claim that passes session tags (IAM user guide,
// "Passing session tags using AssumeRoleWithWebIdentity").
type webSessionTags struct {
	PrincipalTags     map[string][]string `json:"principal_tags"`
	TransitiveTagKeys []string            `json:"transitive_tag_keys"`
}

// audience is a claim that is a string or a list of strings.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*a = many
	return nil
}

// unverifiedClaims reads the token's claims before its signature is
// checked: the issuer says which provider's keys check it.
func unverifiedClaims(token string) (*webClaims, error) {
	invalid := stsapi.NewInvalidIdentityTokenException("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)")
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, invalid
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, invalid
	}
	c := &webClaims{}
	if err := json.Unmarshal(payload, c); err != nil || c.Issuer == "" {
		return nil, invalid
	}
	if c.Subject == "" || c.Expiry == nil || len(c.Audience) == 0 {
		return nil, stsapi.NewInvalidIdentityTokenException("The web identity token is missing a required claim (sub, aud or exp).")
	}
	return c, nil
}

// clockSkew is what IAM allows past a token's exp (and before its nbf).
const clockSkew = 5 * time.Minute

func (c *webClaims) checkTime(now time.Time) error {
	exp := time.Unix(int64(*c.Expiry), 0).UTC()
	if now.After(exp.Add(clockSkew)) {
		return stsapi.NewExpiredTokenException("Token expired: current date/time %s must be before the expiration date/time %s",
			now.UTC().Format(time.RFC3339), exp.Format(time.RFC3339))
	}
	if c.NotAfter != nil {
		if nbf := time.Unix(int64(*c.NotAfter), 0); now.Add(clockSkew).Before(nbf) {
			return stsapi.NewInvalidIdentityTokenException("Token used before issued: nbf %s", nbf.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// audienceIn is the token's audience as IAM reads it (azp when present,
// otherwise aud) when it is one of the client IDs.
func (c *webClaims) audienceIn(clientIDs []string) (string, bool) {
	cands := []string(c.Audience)
	if c.AZP != "" {
		cands = []string{c.AZP}
	}
	for _, a := range cands {
		for _, id := range clientIDs {
			if a == id {
				return a, true
			}
		}
	}
	return "", false
}

// conditionKeys are the token's keys for the trust policy (IAM user
// guide, "Available keys for AWS web identity federation").
func (c *webClaims) conditionKeys(provider, aud, providerARN string) policy.Context {
	keys := policy.Context{}
	keys.Set(provider+":aud", aud)
	keys.Set(provider+":sub", c.Subject)
	if c.AZP != "" {
		keys.Set(provider+":oaud", c.Audience...)
	}
	if len(c.AMR) > 0 {
		keys.Set(provider+":amr", c.AMR...)
	}
	keys.Set("aws:FederatedProvider", providerARN)
	return keys
}

// sessionTags are the tags the token passes: one value per key.
func (c *webClaims) sessionTags() ([]store.Tag, []string, error) {
	if c.Tags == nil {
		return nil, nil, nil
	}
	var tags []store.Tag
	for k, vs := range c.Tags.PrincipalTags {
		if len(vs) != 1 {
			return nil, nil, stsapi.NewIDPRejectedClaimException("Session tag %s must have exactly one value.", k)
		}
		tags = append(tags, store.Tag{Key: k, Value: vs[0]})
	}
	for _, k := range c.Tags.TransitiveTagKeys {
		if _, ok := c.Tags.PrincipalTags[k]; !ok {
			return nil, nil, stsapi.NewIDPRejectedClaimException("The transitive tag key %s is not among the session tags.", k)
		}
	}
	return tags, c.Tags.TransitiveTagKeys, nil
}

// idpUnreachable is IDPCommunicationError as AWS words it.
func idpUnreachable() error {
	return stsapi.NewIDPCommunicationErrorException("Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")
}

// verify checks the token's signature with the issuer's published keys
// and that its iss is the issuer's.
func (w *webIdentity) verify(ctx context.Context, issuer, token string) error {
	p, err := w.provider(ctx, issuer)
	if err != nil {
		return err
	}
	v := p.Verifier(&oidc.Config{SkipClientIDCheck: true, SkipExpiryCheck: true})
	if _, err := v.Verify(ctx, token); err != nil {
		slog.Default().Debug("web identity token refused", "issuer", issuer, "error", err.Error())
		if strings.Contains(err.Error(), "fetching keys") {
			return idpUnreachable()
		}
		return stsapi.NewInvalidIdentityTokenException("The web identity token could not be verified with the keys of %s.", issuer)
	}
	return nil
}
