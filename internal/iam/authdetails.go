package iam

import (
	"context"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

// authItem is one entry of GetAccountAuthorizationDetails' listing: a
// user, group or role, or a managed policy. The listing reads the
// entries whole, pages them in memory in AWS's order (users, groups,
// roles, policies) and fills in the details of one page only.
type authItem struct {
	entity *store.IAMEntity
	policy *store.ManagedPolicy
}

// GetAccountAuthorizationDetails lists the account's users, groups,
// roles and managed policies with their policies: all customer-managed
// ones and the AWS-managed ones the account uses, each with every
// version. Filter keeps the kinds named.
func (s *Service) GetAccountAuthorizationDetails(ctx context.Context, in *iamapi.GetAccountAuthorizationDetailsRequest) (*iamapi.GetAccountAuthorizationDetailsResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	want := map[iamapi.EntityType]bool{}
	for _, f := range in.Filter {
		want[f] = true
	}
	wanted := func(t iamapi.EntityType) bool { return len(want) == 0 || want[t] }
	var items []authItem
	for _, k := range []struct {
		t    iamapi.EntityType
		kind string
	}{{iamapi.EntityTypeUser, store.IAMUser}, {iamapi.EntityTypeGroup, store.IAMGroup}, {iamapi.EntityTypeRole, store.IAMRole}} {
		if !wanted(k.t) {
			continue
		}
		es, err := s.allEntities(ctx, sc.account, k.kind)
		if err != nil {
			return nil, err
		}
		for i := range es {
			items = append(items, authItem{entity: &es[i]})
		}
	}
	for _, k := range []struct {
		t iamapi.EntityType
		f store.PolicyFilter
	}{
		{iamapi.EntityTypeLocalManagedPolicy, store.PolicyFilter{Accounts: []string{sc.account}}},
		{iamapi.EntityTypeAWSManagedPolicy, store.PolicyFilter{Accounts: []string{store.AWSManagedAccount}, Attached: true}},
	} {
		if !wanted(k.t) {
			continue
		}
		ps, err := s.allPolicies(ctx, sc.account, k.f)
		if err != nil {
			return nil, err
		}
		for i := range ps {
			items = append(items, authItem{policy: &ps[i]})
		}
	}
	page, trunc, next, err := paginate(items, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &iamapi.GetAccountAuthorizationDetailsResponse{UserDetailList: []iamapi.UserDetail{}, GroupDetailList: []iamapi.GroupDetail{},
		RoleDetailList: []iamapi.RoleDetail{}, Policies: []iamapi.ManagedPolicyDetail{}, IsTruncated: trunc, Marker: next}
	for _, it := range page {
		if err := s.addAuthDetail(ctx, sc, out, it); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) addAuthDetail(ctx context.Context, sc scope, out *iamapi.GetAccountAuthorizationDetailsResponse, it authItem) error {
	if it.policy != nil {
		d, err := s.policyDetail(ctx, sc, it.policy)
		if err == nil {
			out.Policies = append(out.Policies, *d)
		}
		return err
	}
	e := it.entity
	inline, attached, err := s.entityPolicies(ctx, sc, e)
	if err != nil {
		return err
	}
	switch e.Kind {
	case store.IAMGroup:
		out.GroupDetailList = append(out.GroupDetailList, iamapi.GroupDetail{Path: opt.Ptr(e.Path), GroupName: opt.Ptr(e.Name), GroupId: opt.Ptr(e.ID),
			Arn: opt.Ptr(sc.entityARN(e)), CreateDate: opt.Ptr(e.CreatedAt), GroupPolicyList: inline, AttachedManagedPolicies: attached})
	case store.IAMUser:
		d, err := s.userDetail(ctx, sc, e)
		if err != nil {
			return err
		}
		d.UserPolicyList, d.AttachedManagedPolicies = inline, attached
		out.UserDetailList = append(out.UserDetailList, *d)
	case store.IAMRole:
		d, err := s.roleDetail(ctx, sc, e)
		if err != nil {
			return err
		}
		d.RolePolicyList, d.AttachedManagedPolicies = inline, attached
		out.RoleDetailList = append(out.RoleDetailList, *d)
	}
	return nil
}

// entityPolicies are an entity's inline policies (documents URL-encoded)
// and attached managed policies.
func (s *Service) entityPolicies(ctx context.Context, sc scope, e *store.IAMEntity) ([]iamapi.PolicyDetail, []iamapi.AttachedPolicy, error) {
	inline, err := s.st.ListInlinePolicies(ctx, e.ID)
	if err != nil {
		return nil, nil, err
	}
	details := make([]iamapi.PolicyDetail, 0, len(inline))
	for _, p := range inline {
		details = append(details, iamapi.PolicyDetail{PolicyName: opt.Ptr(p.Name), PolicyDocument: opt.Ptr(encodeDocument(p.Document))})
	}
	ps, err := s.st.ListAttachedPolicies(ctx, e.ID)
	if err != nil {
		return nil, nil, err
	}
	attached := make([]iamapi.AttachedPolicy, 0, len(ps))
	for i := range ps {
		attached = append(attached, iamapi.AttachedPolicy{PolicyName: opt.Ptr(ps[i].Name), PolicyArn: opt.Ptr(sc.policyARN(&ps[i]))})
	}
	return details, attached, nil
}

func (s *Service) userDetail(ctx context.Context, sc scope, e *store.IAMEntity) (*iamapi.UserDetail, error) {
	u, err := s.user(ctx, sc, e, true)
	if err != nil {
		return nil, err
	}
	groups, err := s.st.ListIAMUserGroups(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(groups))
	for _, g := range groups {
		names = append(names, g.Name)
	}
	return &iamapi.UserDetail{Path: opt.Ptr(u.Path), UserName: opt.Ptr(u.UserName), UserId: opt.Ptr(u.UserId), Arn: opt.Ptr(u.Arn),
		CreateDate: opt.Ptr(u.CreateDate), GroupList: names, PermissionsBoundary: u.PermissionsBoundary, Tags: u.Tags}, nil
}

func (s *Service) roleDetail(ctx context.Context, sc scope, e *store.IAMEntity) (*iamapi.RoleDetail, error) {
	r, err := s.role(ctx, sc, e, roleFull)
	if err != nil {
		return nil, err
	}
	profiles, err := instanceProfiles.All(ctx, s.st, sc.account, "")
	if err != nil {
		return nil, err
	}
	list := []iamapi.InstanceProfile{}
	for i := range profiles {
		if !holdsRole(&profiles[i], e.ID) {
			continue
		}
		p, err := s.apiInstanceProfile(ctx, sc, &profiles[i], false)
		if err != nil {
			return nil, err
		}
		list = append(list, *p)
	}
	return &iamapi.RoleDetail{Path: opt.Ptr(r.Path), RoleName: opt.Ptr(r.RoleName), RoleId: opt.Ptr(r.RoleId), Arn: opt.Ptr(r.Arn),
		CreateDate: opt.Ptr(r.CreateDate), AssumeRolePolicyDocument: r.AssumeRolePolicyDocument, InstanceProfileList: list,
		PermissionsBoundary: r.PermissionsBoundary, Tags: r.Tags, RoleLastUsed: r.RoleLastUsed}, nil
}

// policyDetail is a managed policy with every version and its document.
func (s *Service) policyDetail(ctx context.Context, sc scope, p *store.ManagedPolicy) (*iamapi.ManagedPolicyDetail, error) {
	vs, err := s.st.ListPolicyVersions(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	versions := make([]iamapi.PolicyVersion, 0, len(vs))
	for _, v := range vs {
		versions = append(versions, iamapi.PolicyVersion{Document: opt.Ptr(encodeDocument(v.Document)), VersionId: opt.Ptr(v.VersionID),
			IsDefaultVersion: opt.Ptr(v.VersionID == p.DefaultVersion), CreateDate: opt.Ptr(v.CreatedAt)})
	}
	return &iamapi.ManagedPolicyDetail{PolicyName: opt.Ptr(p.Name), PolicyId: opt.Ptr(p.ID), Arn: opt.Ptr(sc.policyARN(p)), Path: opt.Ptr(p.Path),
		DefaultVersionId: opt.Ptr(p.DefaultVersion), AttachmentCount: opt.Ptr(int32(p.AttachmentCount)),
		PermissionsBoundaryUsageCount: opt.Ptr(int32(p.BoundaryCount)), IsAttachable: opt.Ptr(true), Description: opt.NonEmpty(p.Description),
		CreateDate: opt.Ptr(p.CreatedAt), UpdateDate: opt.Ptr(p.UpdatedAt), PolicyVersionList: versions}, nil
}
