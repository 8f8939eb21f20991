package sts

import (
	"context"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/api/stsapi"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// GetFederationToken limits (STS API reference): 12 hours by default,
// up to 36; the root's sessions are cut to one hour.
const (
	defaultFederationDuration = 43200
)

// federatedUserARN is arn:aws:sts::<account>:federated-user/<name>.
func federatedUserARN(partition, account, name string) string {
	return "arn:" + partition + ":sts::" + account + ":federated-user/" + name
}

// GetFederationTokenTarget is the federated user to be, and sts:TagSession
// as well when the request passes session tags.
func (s *Service) GetFederationTokenTarget(_ context.Context, req *reqctx.Request, in *stsapi.GetFederationTokenRequest) (*api.Target, error) {
	t := in.AuthzTarget()
	if req.Caller != nil {
		t.Resources = append(t.Resources, federatedUserARN(req.ARNPartition(), req.Caller.AccountID, in.Name))
	}
	if len(in.Tags) > 0 {
		t.Also = append(t.Also, "sts:TagSession")
	}
	return t, nil
}

// GetFederationToken issues credentials for a federated user: the
// permissions of the calling IAM user (or root) intersected with the
// session policies passed, and none at all when none is passed (the
// authorizer caps the session, authz.Engine). Only long-term credentials
// may call it.
func (s *Service) GetFederationToken(ctx context.Context, in *stsapi.GetFederationTokenRequest) (*stsapi.GetFederationTokenResponse, error) {
	r := reqctx.From(ctx)
	c := r.Caller
	if c.Session != nil {
		return nil, apierror.AccessDenied.InQuery("Cannot call GetFederationToken with session credentials")
	}
	dur := defaultFederationDuration
	if in.DurationSeconds != nil {
		dur = int(*in.DurationSeconds)
	}
	if c.Root && dur > rootTokenMaxDuration {
		dur = rootTokenMaxDuration // the root's federated sessions last at most an hour
	}
	tags, err := federationTags(in.Tags)
	if err != nil {
		return nil, err
	}
	policies, packed, pct, err := packedSession(ctx, s.st, c.AccountID, in.Policy, in.PolicyArns, tags)
	if err != nil {
		return nil, err
	}

	now := s.now().UTC().Truncate(time.Millisecond)
	creds, sess := newCredentials(c.AccountID, now, dur)
	sess.Kind, sess.SessionName, sess.SessionPolicies, sess.Tags = store.SessionFederated, in.Name, policies, tags
	if !c.Root {
		sess.UserName = c.UserName
	}
	if err := s.st.PutSTSSession(ctx, *sess); err != nil {
		return nil, err
	}
	s.sweep(ctx, now)
	return &stsapi.GetFederationTokenResponse{
		Credentials:      creds,
		FederatedUser:    &stsapi.FederatedUser{FederatedUserId: c.AccountID + ":" + in.Name, Arn: federatedUserARN(r.ARNPartition(), c.AccountID, in.Name)},
		PackedPolicySize: packedSize(packed, pct),
	}, nil
}

// federationTags are the session tags: keys unique ignoring case.
func federationTags(in []stsapi.Tag) ([]store.Tag, error) {
	seen := map[string]bool{}
	var out []store.Tag
	for _, t := range in {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return nil, apierror.InvalidParameterValue.InQuery("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
		out = append(out, store.Tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}
