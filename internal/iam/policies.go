package iam

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/arn"
	"github.com/mailgate/mailgate/internal/iam/managed"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/store"
)

// policyByARN loads a managed policy the caller can see (its own or an
// AWS-managed one), with the caller's usage counts; notFound builds the
// error for a policy that does not exist (each operation's model names
// its own: notAttachable, policyNotFound, scopeNotFound...).
func (s *Service) policyByARN(ctx context.Context, sc scope, policyARN string, notFound func(policyARN string) error) (*store.ManagedPolicy, error) {
	owner, path, name, ok := arn.Policy(policyARN)
	if !ok {
		return nil, iamapi.NewInvalidInputException("ARN %s is not valid.", policyARN)
	}
	if owner != sc.account && owner != store.AWSManagedAccount {
		return nil, notFound(policyARN)
	}
	p, err := s.st.GetManagedPolicy(ctx, owner, name, sc.account)
	if errors.Is(err, store.ErrNotFound) && owner == store.AWSManagedAccount {
		if c, ok := awsPolicy(path, name); ok {
			return catalogued(c), nil
		}
	}
	if errors.Is(err, store.ErrNotFound) || (err == nil && (p.Path != path || p.Name != name)) {
		return nil, notFound(policyARN)
	}
	return p, err
}

// notAttachable is the NoSuchEntity of operations that use a policy.
func notAttachable(arn string) error {
	return iamapi.NewNoSuchEntityException("Policy %s does not exist or is not attachable.", arn)
}

// ownPolicy loads a customer-managed policy for a write; AWS-managed
// policies cannot be changed.
func (s *Service) ownPolicy(ctx context.Context, sc scope, arn string) (*store.ManagedPolicy, error) {
	p, err := s.policyByARN(ctx, sc, arn, notAttachable)
	if err != nil {
		return nil, err
	}
	if p.AccountID == store.AWSManagedAccount {
		return nil, iamapi.NewInvalidInputException("Policy %s is an AWS managed policy and cannot be modified.", arn)
	}
	return p, nil
}

// inPolicyTx runs fn in one transaction on a customer-managed policy.
func (s *Service) inPolicyTx(ctx context.Context, arn string, fn func(ctx context.Context, p *store.ManagedPolicy) error) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(ctx context.Context) error {
		p, err := s.ownPolicy(ctx, sc, arn)
		if err != nil {
			return err
		}
		return fn(ctx, p)
	})
}

// policyView says which members a policy response carries.
type policyView int

const (
	policyListed  policyView = iota // ListPolicies: no description, no tags
	policyCreated                   // CreatePolicy: tags when set, no description
	policyFull                      // GetPolicy
)

func (s *Service) apiPolicy(ctx context.Context, sc scope, p *store.ManagedPolicy, view policyView) (*iamapi.Policy, error) {
	out := &iamapi.Policy{
		PolicyName:                    opt.Ptr(p.Name),
		PolicyId:                      opt.Ptr(p.ID),
		Arn:                           opt.Ptr(sc.policyARN(p)),
		Path:                          opt.Ptr(p.Path),
		DefaultVersionId:              opt.Ptr(p.DefaultVersion),
		AttachmentCount:               opt.Ptr(int32(p.AttachmentCount)),
		PermissionsBoundaryUsageCount: opt.Ptr(int32(p.BoundaryCount)),
		IsAttachable:                  opt.Ptr(true),
		CreateDate:                    opt.Ptr(p.CreatedAt),
		UpdateDate:                    opt.Ptr(p.UpdatedAt),
	}
	if view == policyListed {
		return out, nil
	}
	tags, err := s.st.ListIAMTags(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	out.Tags = tagsOrNil(tags)
	if view == policyFull {
		out.Description = opt.NonEmpty(p.Description)
	}
	return out, nil
}

func (s *Service) CreatePolicy(ctx context.Context, in *iamapi.CreatePolicyRequest) (*iamapi.CreatePolicyResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkDocument(&in.PolicyDocument, policy.Identity, maxManagedPolicySize, "PolicySize"); err != nil {
		return nil, err
	}
	tags, err := toStoreTags(in.Tags)
	if err != nil {
		return nil, err
	}
	now := s.now()
	p := store.ManagedPolicy{AccountID: sc.account, ID: ids.Unique(ids.PrefixPolicy), Name: in.PolicyName, Path: pathOr(in.Path),
		Description: opt.Deref(in.Description), DefaultVersion: "v1", NextVersion: 2, CreatedAt: now, UpdatedAt: now}
	err = s.st.CreateManagedPolicy(ctx, p, store.PolicyVersion{VersionID: "v1", Document: in.PolicyDocument, CreatedAt: now}, tags)
	if errors.Is(err, store.ErrAlreadyExists) {
		return nil, iamapi.NewEntityAlreadyExistsException("A policy called %s already exists. Duplicate names are not allowed.", in.PolicyName)
	}
	if err != nil {
		return nil, err
	}
	out, err := s.apiPolicy(ctx, sc, &p, policyCreated)
	if err != nil {
		return nil, err
	}
	return &iamapi.CreatePolicyResponse{Policy: out}, nil
}

func (s *Service) GetPolicy(ctx context.Context, in *iamapi.GetPolicyRequest) (*iamapi.GetPolicyResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.policyByARN(ctx, sc, in.PolicyArn, policyNotFound)
	if err != nil {
		return nil, err
	}
	out, err := s.apiPolicy(ctx, sc, p, policyFull)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetPolicyResponse{Policy: out}, nil
}

// policyNotFound is the NoSuchEntity of operations on a policy itself.
func policyNotFound(arn string) error {
	return iamapi.NewNoSuchEntityException("Policy %s was not found.", arn)
}

func (s *Service) ListPolicies(ctx context.Context, in *iamapi.ListPoliciesRequest) (*iamapi.ListPoliciesResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	f := store.PolicyFilter{PathPrefix: opt.Deref(in.PathPrefix), Attached: opt.Deref(in.OnlyAttached), Usage: string(opt.Deref(in.PolicyUsageFilter))}
	switch opt.Deref(in.Scope) {
	case iamapi.PolicyScopeTypeAws:
		f.Accounts = []string{store.AWSManagedAccount}
	case iamapi.PolicyScopeTypeLocal:
		f.Accounts = []string{sc.account}
	default:
		f.Accounts = []string{sc.account, store.AWSManagedAccount}
	}
	after, err := decodeMarker(in.Marker)
	if err != nil {
		return nil, err
	}
	n := maxItems(in.MaxItems)
	ps, err := s.st.ListManagedPolicies(ctx, sc.account, f, store.Page{After: after, Limit: n + 1})
	if err != nil {
		return nil, err
	}
	if !f.Attached && opt.Deref(in.Scope) != iamapi.PolicyScopeTypeLocal {
		ps = withCatalogue(ps, after, f.PathPrefix, n+1)
	}
	out := &iamapi.ListPoliciesResponse{Policies: make([]iamapi.Policy, 0, len(ps)), IsTruncated: opt.Ptr(false)}
	if len(ps) > n {
		ps = ps[:n]
		out.IsTruncated, out.Marker = opt.Ptr(true), encodeMarker(store.PolicyCursor(ps[n-1]))
	}
	for i := range ps {
		p, _ := s.apiPolicy(ctx, sc, &ps[i], policyListed)
		out.Policies = append(out.Policies, *p)
	}
	return out, nil
}

func (s *Service) DeletePolicy(ctx context.Context, in *iamapi.DeletePolicyRequest) error {
	return s.inPolicyTx(ctx, in.PolicyArn, func(ctx context.Context, p *store.ManagedPolicy) error {
		if p.AttachmentCount > 0 {
			return iamapi.NewDeleteConflictException("Cannot delete a policy attached to entities.")
		}
		if p.BoundaryCount > 0 {
			return iamapi.NewDeleteConflictException("Cannot delete a policy used as a permissions boundary.")
		}
		vs, err := s.st.ListPolicyVersions(ctx, p.ID)
		if err != nil {
			return err
		}
		if len(vs) > 1 {
			return iamapi.NewDeleteConflictException("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		return s.st.DeleteManagedPolicy(ctx, p.ID)
	})
}

func (s *Service) CreatePolicyVersion(ctx context.Context, in *iamapi.CreatePolicyVersionRequest) (*iamapi.CreatePolicyVersionResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkDocument(&in.PolicyDocument, policy.Identity, maxManagedPolicySize, "PolicySize"); err != nil {
		return nil, err
	}
	var out *iamapi.PolicyVersion
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		p, err := s.ownPolicy(ctx, sc, in.PolicyArn)
		if err != nil {
			return err
		}
		vs, err := s.st.ListPolicyVersions(ctx, p.ID)
		if err != nil {
			return err
		}
		if len(vs) >= maxPolicyVersions {
			return iamapi.NewLimitExceededException("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions)
		}
		now := s.now()
		v := store.PolicyVersion{PolicyID: p.ID, VersionID: "v" + strconv.Itoa(p.NextVersion), Document: in.PolicyDocument, CreatedAt: now}
		if err := s.st.PutPolicyVersion(ctx, v); err != nil {
			return err
		}
		def := opt.Deref(in.SetAsDefault)
		if _, err := s.st.UpdateManagedPolicy(ctx, p.ID, func(m *store.ManagedPolicy) error {
			m.NextVersion++
			if def {
				m.DefaultVersion, m.UpdatedAt = v.VersionID, now
			}
			return nil
		}); err != nil {
			return err
		}
		out = &iamapi.PolicyVersion{VersionId: opt.Ptr(v.VersionID), IsDefaultVersion: opt.Ptr(def), CreateDate: opt.Ptr(now)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.CreatePolicyVersionResponse{PolicyVersion: out}, nil
}

func (s *Service) version(ctx context.Context, p *store.ManagedPolicy, arn, id string) (*store.PolicyVersion, error) {
	v, err := s.st.GetPolicyVersion(ctx, p.ID, id)
	if c, ok := managed.ByID(p.ID); ok && errors.Is(err, store.ErrNotFound) && p.AccountID == store.AWSManagedAccount && id == c.DefaultVersion {
		return &store.PolicyVersion{PolicyID: p.ID, VersionID: id, Document: c.Document, CreatedAt: c.UpdatedAt}, nil
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, iamapi.NewNoSuchEntityException("Policy %s version %s does not exist or is not attachable.", arn, id)
	}
	return v, err
}

func (s *Service) GetPolicyVersion(ctx context.Context, in *iamapi.GetPolicyVersionRequest) (*iamapi.GetPolicyVersionResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.policyByARN(ctx, sc, in.PolicyArn, policyNotFound)
	if err != nil {
		return nil, err
	}
	v, err := s.version(ctx, p, in.PolicyArn, in.VersionId)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetPolicyVersionResponse{PolicyVersion: &iamapi.PolicyVersion{
		Document: opt.Ptr(encodeDocument(v.Document)), VersionId: opt.Ptr(v.VersionID), IsDefaultVersion: opt.Ptr(v.VersionID == p.DefaultVersion), CreateDate: opt.Ptr(v.CreatedAt),
	}}, nil
}

func (s *Service) ListPolicyVersions(ctx context.Context, in *iamapi.ListPolicyVersionsRequest) (*iamapi.ListPolicyVersionsResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.policyByARN(ctx, sc, in.PolicyArn, policyNotFound)
	if err != nil {
		return nil, err
	}
	vs, err := s.st.ListPolicyVersions(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if c, ok := managed.ByID(p.ID); ok && len(vs) == 0 {
		vs = []store.PolicyVersion{{PolicyID: p.ID, VersionID: c.DefaultVersion, CreatedAt: c.UpdatedAt}}
	}
	all := make([]iamapi.PolicyVersion, 0, len(vs))
	for _, v := range vs {
		all = append(all, iamapi.PolicyVersion{VersionId: opt.Ptr(v.VersionID), IsDefaultVersion: opt.Ptr(v.VersionID == p.DefaultVersion), CreateDate: opt.Ptr(v.CreatedAt)})
	}
	page, trunc, next, err := paginate(all, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListPolicyVersionsResponse{Versions: page, IsTruncated: trunc, Marker: next}, nil
}

func (s *Service) DeletePolicyVersion(ctx context.Context, in *iamapi.DeletePolicyVersionRequest) error {
	return s.inPolicyTx(ctx, in.PolicyArn, func(ctx context.Context, p *store.ManagedPolicy) error {
		if _, err := s.version(ctx, p, in.PolicyArn, in.VersionId); err != nil {
			return err
		}
		if in.VersionId == p.DefaultVersion {
			return iamapi.NewDeleteConflictException("Cannot delete the default version of a policy.")
		}
		return s.st.DeletePolicyVersion(ctx, p.ID, in.VersionId)
	})
}

func (s *Service) SetDefaultPolicyVersion(ctx context.Context, in *iamapi.SetDefaultPolicyVersionRequest) error {
	return s.inPolicyTx(ctx, in.PolicyArn, func(ctx context.Context, p *store.ManagedPolicy) error {
		if _, err := s.version(ctx, p, in.PolicyArn, in.VersionId); err != nil {
			return err
		}
		_, err := s.st.UpdateManagedPolicy(ctx, p.ID, func(m *store.ManagedPolicy) error {
			m.DefaultVersion, m.UpdatedAt = in.VersionId, s.now()
			return nil
		})
		return err
	})
}

func (s *Service) TagPolicy(ctx context.Context, in *iamapi.TagPolicyRequest) error {
	return s.inPolicyTx(ctx, in.PolicyArn, func(ctx context.Context, p *store.ManagedPolicy) error {
		return s.putTags(ctx, p.ID, in.Tags)
	})
}

func (s *Service) UntagPolicy(ctx context.Context, in *iamapi.UntagPolicyRequest) error {
	return s.inPolicyTx(ctx, in.PolicyArn, func(ctx context.Context, p *store.ManagedPolicy) error {
		return s.st.DeleteIAMTags(ctx, p.ID, in.TagKeys)
	})
}

func (s *Service) ListPolicyTags(ctx context.Context, in *iamapi.ListPolicyTagsRequest) (*iamapi.ListPolicyTagsResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.policyByARN(ctx, sc, in.PolicyArn, notAttachable)
	if err != nil {
		return nil, err
	}
	tags, trunc, next, err := s.listTags(ctx, p.ID, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListPolicyTagsResponse{Tags: tags, IsTruncated: trunc, Marker: next}, nil
}

func (s *Service) ListEntitiesForPolicy(ctx context.Context, in *iamapi.ListEntitiesForPolicyRequest) (*iamapi.ListEntitiesForPolicyResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.policyByARN(ctx, sc, in.PolicyArn, notAttachable)
	if err != nil {
		return nil, err
	}
	var es []store.IAMEntity
	usage := opt.Deref(in.PolicyUsageFilter)
	if usage != iamapi.PolicyUsageTypePermissionsBoundary {
		attached, err := s.st.ListPolicyEntities(ctx, sc.account, p.ID, false)
		if err != nil {
			return nil, err
		}
		es = append(es, attached...)
	}
	if usage != iamapi.PolicyUsageTypePermissionsPolicy {
		bounded, err := s.st.ListPolicyEntities(ctx, sc.account, p.ID, true)
		if err != nil {
			return nil, err
		}
		es = append(es, bounded...)
	}
	want := map[iamapi.EntityType]string{iamapi.EntityTypeUser: store.IAMUser, iamapi.EntityTypeRole: store.IAMRole, iamapi.EntityTypeGroup: store.IAMGroup}
	var filtered []store.IAMEntity
	seen := map[string]bool{} // an entity both attached to and bounded by the policy is listed once
	for _, e := range es {
		if seen[e.ID] {
			continue
		}
		seen[e.ID] = true
		if in.EntityFilter != nil && want[*in.EntityFilter] != e.Kind {
			continue
		}
		if in.PathPrefix != nil && !strings.HasPrefix(e.Path, *in.PathPrefix) {
			continue
		}
		filtered = append(filtered, e)
	}
	page, trunc, next, err := paginate(filtered, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &iamapi.ListEntitiesForPolicyResponse{PolicyGroups: []iamapi.PolicyGroup{}, PolicyUsers: []iamapi.PolicyUser{}, PolicyRoles: []iamapi.PolicyRole{},
		IsTruncated: trunc, Marker: next}
	for _, e := range page {
		switch e.Kind {
		case store.IAMGroup:
			out.PolicyGroups = append(out.PolicyGroups, iamapi.PolicyGroup{GroupName: opt.Ptr(e.Name), GroupId: opt.Ptr(e.ID)})
		case store.IAMUser:
			out.PolicyUsers = append(out.PolicyUsers, iamapi.PolicyUser{UserName: opt.Ptr(e.Name), UserId: opt.Ptr(e.ID)})
		case store.IAMRole:
			out.PolicyRoles = append(out.PolicyRoles, iamapi.PolicyRole{RoleName: opt.Ptr(e.Name), RoleId: opt.Ptr(e.ID)})
		}
	}
	return out, nil
}

// ---- permissions boundaries ----

// scopeNotFound is the NoSuchEntity of a permissions boundary that does
// not exist; CreateRole answers the same words as InvalidInput
// (badScope).
func scopeNotFound(arn string) error {
	return iamapi.NewNoSuchEntityException("Scope ARN: %s does not exist or is not attachable.", arn)
}

func badScope(arn string) error {
	return iamapi.NewInvalidInputException("Scope ARN: %s does not exist or is not attachable.", arn)
}

// boundary is an entity's boundary for responses (nil when unset).
func (s *Service) boundary(ctx context.Context, sc scope, e *store.IAMEntity) (*iamapi.AttachedPermissionsBoundary, error) {
	if e.BoundaryPolicyID == "" {
		return nil, nil
	}
	p, err := s.st.GetManagedPolicyByID(ctx, e.BoundaryPolicyID, sc.account)
	if err != nil {
		return nil, err
	}
	return &iamapi.AttachedPermissionsBoundary{
		PermissionsBoundaryType: opt.Ptr(iamapi.PermissionsBoundaryAttachmentTypePermissionsBoundaryPolicy),
		PermissionsBoundaryArn:  opt.Ptr(sc.policyARN(p)),
	}, nil
}

func (s *Service) putBoundary(ctx context.Context, kind, name, arn string) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	if err := s.materialize(ctx, arn); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(ctx context.Context) error {
		p, err := s.policyByARN(ctx, sc, arn, scopeNotFound)
		if err != nil {
			return err
		}
		_, err = s.update(ctx, sc, kind, name, func(e *store.IAMEntity) error {
			if err := protected(e); err != nil {
				return err
			}
			e.BoundaryPolicyID = p.ID
			return nil
		})
		return err
	})
}

func (s *Service) deleteBoundary(ctx context.Context, kind, name string) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	_, err = s.update(ctx, sc, kind, name, func(e *store.IAMEntity) error {
		if err := protected(e); err != nil {
			return err
		}
		e.BoundaryPolicyID = ""
		return nil
	})
	return err
}

// ---- attachments ----

// attachment is the one frame of AttachRolePolicy, AttachUserPolicy,
// AttachGroupPolicy and their Detach twins: in one transaction on the
// role, user or group, it attaches (attach true) or detaches the managed
// policy arn. Attaching a policy the entity already has succeeds;
// detaching one it does not have is NoSuchEntity, as in IAM.
func (s *Service) attachment(ctx context.Context, kind, name, arn string, attach bool) error {
	if err := s.materialize(ctx, arn); err != nil {
		return err
	}
	return s.inEntityTx(ctx, kind, name, func(ctx context.Context, sc scope, e *store.IAMEntity) error {
		if err := protected(e); err != nil {
			return err
		}
		notFound := policyNotFound
		if attach {
			notFound = notAttachable
		}
		p, err := s.policyByARN(ctx, sc, arn, notFound)
		if err != nil {
			return err
		}
		if !attach {
			err := s.st.DetachPolicy(ctx, e.ID, p.ID)
			if errors.Is(err, store.ErrNotFound) {
				return policyNotFound(arn)
			}
			return err
		}
		attached, err := s.st.ListAttachedPolicies(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, a := range attached {
			if a.ID == p.ID {
				return nil
			}
		}
		if len(attached) >= maxAttachedPolicies {
			quota := map[string]string{store.IAMRole: "PoliciesPerRole", store.IAMUser: "PoliciesPerUser", store.IAMGroup: "PoliciesPerGroup"}[kind]
			return iamapi.NewLimitExceededException("Cannot exceed quota for %s: %d", quota, maxAttachedPolicies)
		}
		return s.st.AttachPolicy(ctx, sc.account, *e, p.ID)
	})
}

func (s *Service) listAttached(ctx context.Context, kind, name string, prefix, marker *string, max *int32) ([]iamapi.AttachedPolicy, *bool, *string, error) {
	sc, e, err := s.scopedEntity(ctx, kind, name)
	if err != nil {
		return nil, nil, nil, err
	}
	ps, err := s.st.ListAttachedPolicies(ctx, e.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	all := make([]iamapi.AttachedPolicy, 0, len(ps))
	for i := range ps {
		if prefix != nil && !strings.HasPrefix(ps[i].Path, *prefix) {
			continue
		}
		all = append(all, iamapi.AttachedPolicy{PolicyName: opt.Ptr(ps[i].Name), PolicyArn: opt.Ptr(sc.policyARN(&ps[i]))})
	}
	return paginate(all, marker, max)
}

func (s *Service) AttachRolePolicy(ctx context.Context, in *iamapi.AttachRolePolicyRequest) error {
	return s.attachment(ctx, store.IAMRole, in.RoleName, in.PolicyArn, true)
}

func (s *Service) DetachRolePolicy(ctx context.Context, in *iamapi.DetachRolePolicyRequest) error {
	return s.attachment(ctx, store.IAMRole, in.RoleName, in.PolicyArn, false)
}

func (s *Service) AttachUserPolicy(ctx context.Context, in *iamapi.AttachUserPolicyRequest) error {
	return s.attachment(ctx, store.IAMUser, in.UserName, in.PolicyArn, true)
}

func (s *Service) DetachUserPolicy(ctx context.Context, in *iamapi.DetachUserPolicyRequest) error {
	return s.attachment(ctx, store.IAMUser, in.UserName, in.PolicyArn, false)
}

func (s *Service) AttachGroupPolicy(ctx context.Context, in *iamapi.AttachGroupPolicyRequest) error {
	return s.attachment(ctx, store.IAMGroup, in.GroupName, in.PolicyArn, true)
}

func (s *Service) DetachGroupPolicy(ctx context.Context, in *iamapi.DetachGroupPolicyRequest) error {
	return s.attachment(ctx, store.IAMGroup, in.GroupName, in.PolicyArn, false)
}

func (s *Service) ListAttachedRolePolicies(ctx context.Context, in *iamapi.ListAttachedRolePoliciesRequest) (*iamapi.ListAttachedRolePoliciesResponse, error) {
	ps, trunc, next, err := s.listAttached(ctx, store.IAMRole, in.RoleName, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListAttachedRolePoliciesResponse{AttachedPolicies: ps, IsTruncated: trunc, Marker: next}, nil
}

func (s *Service) ListAttachedUserPolicies(ctx context.Context, in *iamapi.ListAttachedUserPoliciesRequest) (*iamapi.ListAttachedUserPoliciesResponse, error) {
	ps, trunc, next, err := s.listAttached(ctx, store.IAMUser, in.UserName, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListAttachedUserPoliciesResponse{AttachedPolicies: ps, IsTruncated: trunc, Marker: next}, nil
}

func (s *Service) ListAttachedGroupPolicies(ctx context.Context, in *iamapi.ListAttachedGroupPoliciesRequest) (*iamapi.ListAttachedGroupPoliciesResponse, error) {
	ps, trunc, next, err := s.listAttached(ctx, store.IAMGroup, in.GroupName, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListAttachedGroupPoliciesResponse{AttachedPolicies: ps, IsTruncated: trunc, Marker: next}, nil
}
