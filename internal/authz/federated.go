package authz

import (
	"strconv"
	"time"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// Federation is a request to assume a role by a caller an identity
// provider vouches for (AssumeRoleWithSAML): it carries no signature,
// so no identity policy applies and the role's trust policy alone
// decides, by its "Federated" principal and the provider's condition
// keys (saml:aud, saml:sub, ...).
type Federation struct {
	Role *store.IAMEntity
	// Provider is the provider's ARN, as trust policies name it.
	Provider string
	// Actions must each be allowed: the operation's action first, then
	// sts:TagSession or sts:SetSourceIdentity where the request needs
	// them.
	Actions []string
	// Keys are the request's condition keys from the provider.
	Keys policy.Context
}

// AuthorizeFederated decides a Federation on the request's role; a
// refusal is AccessDenied in AWS's words for these operations.
func AuthorizeFederated(req *reqctx.Request, f Federation, now time.Time) error {
	trust, err := policy.Compile(f.Role.TrustPolicy, policy.Trust)
	if err != nil {
		return notAuthorized(req, f.Actions[0])
	}
	set := &policy.Set{ResourceRequired: true, Resource: []policy.Entry{{Policy: trust, Source: policy.Source{ID: req.Resource, Type: "resource"}}}}
	pctx := policy.Context{
		"aws:securetransport": {strconv.FormatBool(req.Secure)},
		"aws:currenttime":     {now.UTC().Format(time.RFC3339)},
		"aws:epochtime":       {strconv.FormatInt(now.Unix(), 10)},
	}
	if req.SourceIP != "" {
		pctx["aws:sourceip"] = []string{req.SourceIP}
	}
	if req.Region != "" {
		pctx["aws:requestedregion"] = []string{req.Region}
	}
	for k, v := range f.Keys {
		pctx[k] = v
	}
	preq := &policy.Request{Resource: req.Resource, Caller: &policy.Caller{Federated: f.Provider}, Context: pctx}
	for _, a := range f.Actions {
		preq.Action = a
		if policy.Evaluate(set, preq) != policy.Allowed {
			return notAuthorized(req, a)
		}
	}
	return nil
}

// notAuthorized is AWS's refusal of a federated AssumeRole call.
func notAuthorized(req *reqctx.Request, action string) error {
	return apierror.AccessDenied.New(protocolOf(req.Service), "Not authorized to perform %s", action)
}
