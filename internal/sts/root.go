package sts

import (
	"context"
	"regexp"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/api/stsapi"
	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/reqctx"
)

// A target principal: a member account's ID or its root's ARN.
var rootTarget = regexp.MustCompile(`^(?:arn:[\w-]+:iam::)?(\d{12})(?::root)?$`)

// rootARN is the root ARN a TargetPrincipal names ("" when it names
// none).
func rootARN(r *reqctx.Request, target string) string {
	m := rootTarget.FindStringSubmatch(target)
	if m == nil {
		return ""
	}
	return "arn:" + r.ARNPartition() + ":iam::" + m[1] + ":root"
}

// AssumeRootTarget is the member account's root, with the task policy as
// sts:TaskPolicyArn (service authorization reference, AWS STS).
func (s *Service) AssumeRootTarget(_ context.Context, r *reqctx.Request, in *stsapi.AssumeRootRequest) (*api.Target, error) {
	t := in.AuthzTarget()
	if a := rootARN(r, in.TargetPrincipal); a != "" {
		t.Resources = []string{a}
	}
	if in.TaskPolicyArn != nil {
		t.SetKey("sts:TaskPolicyArn", opt.Deref(in.TaskPolicyArn.Arn))
	}
	return t, nil
}

// AssumeRoot issues a privileged root session on a member account of an
// organization whose centralized root access is enabled, to its
// management account or delegated administrator. A mailgate account
// belongs to no organization, so no account is a member it may act on:
// the call is refused as AWS refuses it for an account outside an
// organization, once the caller's own policies allowed it.
func (s *Service) AssumeRoot(ctx context.Context, in *stsapi.AssumeRootRequest) (*stsapi.AssumeRootResponse, error) {
	r := reqctx.From(ctx)
	r.Resource = rootARN(r, in.TargetPrincipal)
	if r.Resource == "" {
		r.Resource = in.TargetPrincipal
	}
	r.Action = "sts:AssumeRoot"
	return nil, authz.AccessDeniedBecause(r, "because the account is not the management account or delegated administrator of an organization with centralized root access that includes the target account")
}

// GetDelegatedAccessToken exchanges a trade-in token that AWS issues when
// a delegation request is approved. mailgate approves none, so it has
// issued no token that could still be exchanged.
func (s *Service) GetDelegatedAccessToken(_ context.Context, _ *stsapi.GetDelegatedAccessTokenRequest) (*stsapi.GetDelegatedAccessTokenResponse, error) {
	return nil, stsapi.NewExpiredTradeInTokenException("The trade-in token provided in the request has expired and can no longer be exchanged for credentials. Request a new token and retry the operation.")
}
