package iam

import (
	"context"
	"strings"

	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// ResourceARN names what an operation acts on, for the authorization
// step, as IAM's authorization reference does: the role, user or group
// (with its path) for operations on one, including attaching a policy to
// it and adding a user to a group; the policy for operations on a
// managed policy; the caller itself for access-key operations and
// GetUser without a user name; "*" for account-wide listings.
func (s *Service) ResourceARN(req *reqctx.Request, in map[string]any) string {
	if req.Caller == nil || req.Caller.AccountID == "" {
		return "*"
	}
	p := req.Partition
	if p == "" {
		p = reqctx.PartitionOf(req.Region)
	}
	sc := scope{account: req.Caller.AccountID, partition: p, caller: req.Caller}
	get := func(k string) string { v, _ := in[k].(string); return v }
	path := func() string { return pathOr(ptr(get("Path"))) }
	switch req.Operation {
	case "ListRoles", "ListUsers", "ListGroups", "ListPolicies", "GetServiceLinkedRoleDeletionStatus":
		return "*"
	case "CreateRole":
		return sc.arn(store.IAMRole, path(), get("RoleName"))
	case "CreateUser":
		return sc.arn(store.IAMUser, path(), get("UserName"))
	case "CreateGroup":
		return sc.arn(store.IAMGroup, path(), get("GroupName"))
	case "CreatePolicy":
		return "arn:" + p + ":iam::" + sc.account + ":policy" + path() + get("PolicyName")
	case "CreateServiceLinkedRole":
		svc := get("AWSServiceName")
		return sc.arn(store.IAMRole, serviceRolePathPrefix+svc+"/", serviceRoleName(svc, get("CustomSuffix")))
	case "SimulatePrincipalPolicy", "GetContextKeysForPrincipalPolicy":
		// Authorized on the principal simulated (the service answers
		// NoSuchEntity for one of another account).
		if arn := get("PolicySourceArn"); strings.HasPrefix(arn, "arn:") {
			return arn
		}
		return "*"
	case "GetAccessKeyLastUsed":
		k, err := s.st.GetAccessKey(context.Background(), get("AccessKeyId"))
		if err != nil || k.AccountID != sc.account || k.UserName == "" {
			return req.Caller.Arn
		}
		return s.existingARN(sc, store.IAMUser, k.UserName)
	}
	for _, k := range []struct{ member, kind string }{{"RoleName", store.IAMRole}, {"GroupName", store.IAMGroup}, {"UserName", store.IAMUser}} {
		if name := get(k.member); name != "" {
			return s.existingARN(sc, k.kind, name)
		}
	}
	if arn := get("PolicyArn"); arn != "" {
		if _, _, _, ok := parsePolicyARN(arn); !ok {
			return "*" // the operation answers InvalidInput
		}
		return arn
	}
	switch req.Operation {
	case "GetUser", "CreateAccessKey", "ListAccessKeys", "UpdateAccessKey", "DeleteAccessKey":
		if req.Caller.Arn != "" {
			return req.Caller.Arn
		}
	}
	return "*"
}

// existingARN is the ARN of an entity with its path; one that does not
// exist is named with the root path (the operation then fails with
// NoSuchEntity, after authorization, as in AWS).
func (s *Service) existingARN(sc scope, kind, name string) string {
	if e, err := s.st.GetIAMEntity(context.Background(), sc.account, kind, name); err == nil {
		return sc.entityARN(e)
	}
	return sc.arn(kind, "/", name)
}
