package sts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/api/stsapi"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/iam"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// GetWebIdentityToken limits (STS API reference): five minutes by
// default, one minute to one hour.
const defaultWebTokenDuration = 300

// awsClaimsNamespace holds the AWS-specific claims of the token (IAM
// user guide, "Understanding token claims").
const awsClaimsNamespace = "https://sts.amazonaws.com/"

// GetWebIdentityTokenTarget adds the request's keys: the audiences and the
// signing algorithm.
func (s *Service) GetWebIdentityTokenTarget(_ context.Context, _ *reqctx.Request, in *stsapi.GetWebIdentityTokenRequest) (*api.Target, error) {
	t := in.AuthzTarget()
	t.SetKey("sts:IdentityTokenAudience", in.Audience...)
	t.SetKey("sts:SigningAlgorithm", in.SigningAlgorithm)
	return t, nil
}

// GetWebIdentityToken signs a JWT for the caller with its account's
// outbound federation issuer: iss the issuer, sub the caller's ARN (the
// role's for a role session), aud the audiences, and the AWS claims
// (account, region, principal and request tags). It is refused while the
// account has outbound federation disabled, and for a session, beyond
// the session's own expiry.
func (s *Service) GetWebIdentityToken(ctx context.Context, in *stsapi.GetWebIdentityTokenRequest) (*stsapi.GetWebIdentityTokenResponse, error) {
	r := reqctx.From(ctx)
	c := r.Caller
	alg := jose.SignatureAlgorithm(in.SigningAlgorithm)
	if alg != jose.RS256 && alg != jose.ES384 {
		return nil, validation("1 validation error detected: Value '%s' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]", in.SigningAlgorithm)
	}
	o, ok, err := iam.LookupOutboundFederation(ctx, s.st, c.AccountID)
	if err != nil {
		return nil, err
	}
	if !ok || !o.Enabled {
		return nil, stsapi.NewOutboundWebIdentityFederationDisabledException("Outbound web identity federation is disabled for this account.")
	}
	dur := defaultWebTokenDuration
	if in.DurationSeconds != nil {
		dur = int(*in.DurationSeconds)
	}
	now := s.now().UTC().Truncate(time.Second)
	exp := now.Add(time.Duration(dur) * time.Second)
	if c.Session != nil && exp.After(c.Session.ExpiresAt) {
		return nil, stsapi.NewSessionDurationEscalationException("The requested token duration would extend the session beyond its original expiration time.")
	}
	signer, err := outboundSigner(o, alg)
	if err != nil {
		return nil, err
	}
	aws, err := s.awsClaims(ctx, c, r.Region, in.Tags)
	if err != nil {
		return nil, err
	}
	sub := c.Arn
	if c.RoleArn != "" {
		sub = c.RoleArn
	}
	jti := make([]byte, 16)
	_, _ = rand.Read(jti)
	std := jwt.Claims{Issuer: o.Issuer, Subject: sub, Audience: jwt.Audience(in.Audience), IssuedAt: jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(exp), ID: hex.EncodeToString(jti)}
	tok, err := jwt.Signed(signer).Claims(std).Claims(map[string]any{awsClaimsNamespace: aws}).Serialize()
	if err != nil {
		return nil, err
	}
	return &stsapi.GetWebIdentityTokenResponse{WebIdentityToken: &tok, Expiration: &exp}, nil
}

func outboundSigner(o *iam.OutboundFederation, alg jose.SignatureAlgorithm) (jose.Signer, error) {
	rk, ek, err := o.SigningKeys()
	if err != nil {
		return nil, err
	}
	var key any = rk
	if alg == jose.ES384 {
		key = ek
	}
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", o.KeyID(string(alg)))
	return jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
}

// awsClaims are the AWS claims: account, region, the principal's tags
// (its own, then its session's) and the request's tags.
func (s *Service) awsClaims(ctx context.Context, c *reqctx.Caller, region string, reqTags []stsapi.Tag) (map[string]any, error) {
	m := map[string]any{"aws_account": c.AccountID}
	if region != "" {
		m["source_region"] = region
	}
	principal := map[string]string{}
	if c.EntityID != "" {
		tags, err := s.st.ListIAMTags(ctx, c.EntityID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		for _, t := range tags {
			principal[t.Key] = t.Value
		}
	}
	if c.Session != nil {
		for k, v := range c.Session.Tags {
			principal[k] = v
		}
	}
	if len(principal) > 0 {
		m["principal_tags"] = principal
	}
	if len(reqTags) > 0 {
		rt := map[string]string{}
		for _, t := range reqTags {
			if _, dup := rt[t.Key]; dup {
				return nil, apierror.InvalidParameterValue.InQuery("Duplicate tag keys found.")
			}
			rt[t.Key] = t.Value
		}
		m["request_tags"] = rt
	}
	return m, nil
}
