package iam

import (
	"context"
	"strings"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/arn"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// Resolve names what an operation acts on, for the authorization step,
// as IAM's authorization reference does: the role, user or group (with
// its path) for operations on one, including attaching a policy to it
// and adding a user to a group; the policy for operations on a managed
// policy; the caller itself for a user member left out (GetUser,
// access keys); the key's user for GetAccessKeyLastUsed. The generated
// AuthzTarget of each input says which member names the resource.
func (s *Service) Resolve(ctx context.Context, req *reqctx.Request, refs []api.Ref) ([]string, error) {
	if req.Caller == nil || req.Caller.AccountID == "" {
		return []string{"*"}, nil
	}
	sc := scope{account: req.Caller.AccountID, partition: req.ARNPartition(), caller: req.Caller}
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		a, err := s.resolve(ctx, sc, r)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (s *Service) resolve(ctx context.Context, sc scope, r api.Ref) (string, error) {
	switch r.Kind {
	case store.IAMRole, store.IAMGroup, store.IAMUser, "instance-profile":
		switch {
		case r.Name == "":
			return sc.callerARN(), nil
		case r.New:
			return sc.arn(r.Kind, pathOr(&r.Path), r.Name), nil
		}
		return s.existingARN(ctx, sc, r.Kind, r.Name)
	case "policy-arn":
		if _, _, _, ok := arn.Policy(r.Name); !ok {
			return "*", nil // the operation answers InvalidInput
		}
		return r.Name, nil
	case "policy":
		return "arn:" + sc.partition + ":iam::" + sc.account + ":policy" + pathOr(&r.Path) + r.Name, nil
	case "mfa":
		// A virtual device's serial number is its ARN; a hardware one's
		// is not, and names the device under the root path.
		if strings.HasPrefix(r.Name, "arn:") {
			return r.Name, nil
		}
		return sc.arn("mfa", pathOr(&r.Path), r.Name), nil
	case "server-certificate":
		return s.serverCertARN(ctx, sc, r)
	case "access-key":
		k, err := s.st.GetAccessKey(ctx, r.Name)
		if err != nil || k.AccountID != sc.account || k.UserName == "" {
			return sc.callerARN(), nil
		}
		return s.existingARN(ctx, sc, store.IAMUser, k.UserName)
	}
	return "*", nil
}

// CreateServiceLinkedRoleTarget is the role the service's name and the
// suffix make (the model has no role name to point at).
func (s *Service) CreateServiceLinkedRoleTarget(_ context.Context, _ *reqctx.Request, in *iamapi.CreateServiceLinkedRoleRequest) (*api.Target, error) {
	t := in.AuthzTarget()
	t.Refs = []api.Ref{{Kind: store.IAMRole, New: true, Path: serviceRolePathPrefix + in.AWSServiceName + "/",
		Name: serviceRoleName(in.AWSServiceName, opt.Deref(in.CustomSuffix))}}
	return t, nil
}

// callerARN is the caller's own ARN ("*" when it has none).
func (sc scope) callerARN() string {
	if sc.caller.Arn != "" {
		return sc.caller.Arn
	}
	return "*"
}

// existingARN is the ARN of an entity with its path; one that does not
// exist is named with the root path (the operation then fails with
// NoSuchEntity, after authorization, as in AWS).
func (s *Service) existingARN(ctx context.Context, sc scope, kind, name string) (string, error) {
	if kind == instanceProfileKind {
		return s.instanceProfileARN(ctx, sc, name)
	}
	e, err := s.st.GetIAMEntity(ctx, sc.account, kind, name)
	if err == nil {
		return sc.entityARN(e), nil
	}
	if store.IsUnavailable(err) {
		return "", err
	}
	return sc.arn(kind, "/", name), nil
}
