package authz

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// conditionKeys builds the request's condition keys, reading only what a
// policy of the set reads: the global keys the server knows, the
// principal's and the session's tags, the target's own keys, and the
// resource's tags.
func (e *Engine) conditionKeys(ctx context.Context, req *reqctx.Request, t *api.Target, set *policy.Set, entityID string, role *store.IAMEntity) (policy.Context, error) {
	reads := func(prefix string) bool {
		for _, l := range [][]policy.Entry{set.Identity, set.Boundary, set.Session, set.Resource} {
			for _, en := range l {
				if en.Policy.Reads(prefix) {
					return true
				}
			}
		}
		return false
	}
	if !reads("") {
		return policy.Context{}, nil // no policy reads any key or variable
	}
	var principalTags map[string]string
	if entityID != "" && reads("aws:PrincipalTag/") {
		tags, err := e.st.ListIAMTags(ctx, entityID)
		if err != nil {
			return nil, err
		}
		principalTags = map[string]string{}
		for _, t := range tags {
			principalTags[t.Key] = t.Value
		}
	}
	pctx := e.globalKeys(req, principalTags, reads)
	for k, v := range t.Keys {
		pctx[k] = v
	}
	if reads("aws:ResourceTag/") {
		if err := e.resourceTags(ctx, req, role, pctx); err != nil {
			return nil, err
		}
	}
	return pctx, nil
}

// globalKeys are the keys every request has: transport, principal,
// session and clock.
func (e *Engine) globalKeys(req *reqctx.Request, principalTags map[string]string, reads func(prefix string) bool) policy.Context {
	c := req.Caller
	ctx := policy.Context{
		"aws:securetransport":  {strconv.FormatBool(req.Secure)},
		"aws:principalaccount": {c.AccountID},
		"aws:principaltype":    {c.Type},
		"aws:userid":           {c.UserID},
		"aws:principalarn":     {c.Arn},
	}
	if c.RoleArn != "" {
		ctx["aws:principalarn"] = []string{c.RoleArn}
	}
	// The clock keys cost a formatting each; most policies never read them.
	if reads("aws:currenttime") || reads("aws:epochtime") {
		now := e.now().UTC()
		ctx["aws:currenttime"] = []string{now.Format(time.RFC3339)}
		ctx["aws:epochtime"] = []string{strconv.FormatInt(now.Unix(), 10)}
	}
	if req.SourceIP != "" {
		ctx["aws:sourceip"] = []string{req.SourceIP}
	}
	if req.Region != "" {
		ctx["aws:requestedregion"] = []string{req.Region}
	}
	if c.UserName != "" {
		ctx["aws:username"] = []string{c.UserName}
	}
	for k, v := range principalTags {
		ctx.Set("aws:PrincipalTag/"+k, v)
	}
	if s := c.Session; s != nil {
		ctx["aws:tokenissuetime"] = []string{s.IssuedAt.UTC().Format(time.RFC3339)}
		ctx["aws:multifactorauthpresent"] = []string{"false"}
		if !s.MFAAt.IsZero() {
			// aws:MultiFactorAuthAge: seconds since the MFA check, present
			// only for MFA-authenticated sessions (IAM user guide, "AWS
			// global condition context keys").
			ctx["aws:multifactorauthpresent"] = []string{"true"}
			ctx["aws:multifactorauthage"] = []string{strconv.FormatInt(int64(e.now().Sub(s.MFAAt)/time.Second), 10)}
		}
		for k, v := range s.Tags {
			ctx.Set("aws:PrincipalTag/"+k, v) // session tags win over the role's
		}
		if s.SourceIdentity != "" {
			ctx["aws:sourceidentity"] = []string{s.SourceIdentity}
		}
		for k, v := range s.ContextKeys {
			ctx.Set(k, v...)
		}
	}
	return ctx
}

// resourceTags adds aws:ResourceTag/* for the resources that carry tags:
// IAM roles and users, and WorkMail organizations.
func (e *Engine) resourceTags(ctx context.Context, req *reqctx.Request, role *store.IAMEntity, pctx policy.Context) error {
	var tags []store.Tag
	var err error
	switch {
	case role != nil:
		tags, err = e.st.ListIAMTags(ctx, role.ID)
	case strings.Contains(req.Resource, ":saml-provider/") || strings.Contains(req.Resource, ":mfa/"):
		tags, err = e.recordTags(ctx, req.Resource)
	case strings.Contains(req.Resource, ":iam::"):
		ent, ok, lerr := EntityByARN(ctx, e.st, req.Resource)
		if lerr != nil || !ok {
			return lerr
		}
		tags, err = e.st.ListIAMTags(ctx, ent.ID)
	case strings.Contains(req.Resource, ":workmail:"):
		if _, org, ok := strings.Cut(req.Resource, ":organization/"); ok && !strings.Contains(org, "/") {
			tags, err = e.st.ListTags(ctx, org)
			if errors.Is(err, store.ErrNotFound) {
				err = nil
			}
		}
	}
	if err != nil {
		return err
	}
	for _, t := range tags {
		pctx.Set("aws:ResourceTag/"+t.Key, t.Value)
	}
	return nil
}
