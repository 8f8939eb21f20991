package iam

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/store"
)

// roleView says which members a response carries: AWS's listings leave
// out tags, boundary and last use.
type roleView int

const (
	roleListed  roleView = iota // ListRoles
	roleCreated                 // CreateRole, CreateServiceLinkedRole: tags and boundary when set
	roleFull                    // GetRole, UpdateRoleDescription
)

func (s *Service) role(ctx context.Context, sc scope, e *store.IAMEntity, view roleView) (*iamapi.Role, error) {
	r := &iamapi.Role{
		Path:                     e.Path,
		RoleName:                 e.Name,
		RoleId:                   e.ID,
		Arn:                      sc.entityARN(e),
		CreateDate:               e.CreatedAt,
		AssumeRolePolicyDocument: opt.Ptr(encodeDocument(e.TrustPolicy)),
		Description:              opt.NonEmpty(e.Description),
		MaxSessionDuration:       opt.Ptr(int32(e.MaxSessionDuration)),
	}
	if view == roleListed {
		return r, nil
	}
	b, err := s.boundary(ctx, sc, e)
	if err != nil {
		return nil, err
	}
	r.PermissionsBoundary = b
	tags, err := s.st.ListIAMTags(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	r.Tags = tagsOrNil(tags)
	if view == roleFull {
		r.RoleLastUsed = &iamapi.RoleLastUsed{}
		if !e.LastUsedAt.IsZero() {
			r.RoleLastUsed.LastUsedDate = opt.Ptr(e.LastUsedAt)
			r.RoleLastUsed.Region = opt.NonEmpty(e.LastUsedRegion)
		}
	}
	return r, nil
}

// protected refuses changes to a service-linked role.
func protected(e *store.IAMEntity) error {
	if e.ServiceName != "" {
		return iamapi.NewUnmodifiableEntityException("Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", e.Name)
	}
	return nil
}

// modifiableRole loads a role that is not service-linked.
func (s *Service) modifiableRole(ctx context.Context, sc scope, name string) (*store.IAMEntity, error) {
	e, err := s.entity(ctx, sc, store.IAMRole, name)
	if err != nil {
		return nil, err
	}
	return e, protected(e)
}

func (s *Service) CreateRole(ctx context.Context, in *iamapi.CreateRoleRequest) (*iamapi.CreateRoleResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkDocument(&in.AssumeRolePolicyDocument, policy.Trust, maxTrustPolicySize, "ACLSizePerRole"); err != nil {
		return nil, err
	}
	path := pathOr(in.Path)
	if strings.HasPrefix(path, serviceRolePathPrefix) {
		return nil, iamapi.NewInvalidInputException("The path %s is reserved for service-linked roles.", path)
	}
	tags, err := toStoreTags(in.Tags)
	if err != nil {
		return nil, err
	}
	e := store.IAMEntity{
		AccountID: sc.account, Kind: store.IAMRole, ID: ids.Unique(ids.PrefixRole), Name: in.RoleName, Path: path,
		Description: opt.Deref(in.Description), MaxSessionDuration: defaultMaxSession, TrustPolicy: in.AssumeRolePolicyDocument,
		CreatedAt: s.now(),
	}
	if in.MaxSessionDuration != nil {
		e.MaxSessionDuration = int(*in.MaxSessionDuration)
	}
	var out *iamapi.Role
	if err := s.materialize(ctx, opt.Deref(in.PermissionsBoundary)); err != nil {
		return nil, err
	}
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		if in.PermissionsBoundary != nil {
			p, err := s.policyByARN(ctx, sc, *in.PermissionsBoundary, badScope)
			if err != nil {
				return err
			}
			e.BoundaryPolicyID = p.ID
		}
		if err := s.st.CreateIAMEntity(ctx, e, tags); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				return iamapi.NewEntityAlreadyExistsException("Role with name %s already exists.", in.RoleName)
			}
			return err
		}
		out, err = s.role(ctx, sc, &e, roleCreated)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateRoleResponse{Role: out}, nil
}

func (s *Service) GetRole(ctx context.Context, in *iamapi.GetRoleRequest) (*iamapi.GetRoleResponse, error) {
	sc, e, err := s.scopedEntity(ctx, store.IAMRole, in.RoleName)
	if err != nil {
		return nil, err
	}
	r, err := s.role(ctx, sc, e, roleFull)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetRoleResponse{Role: r}, nil
}

// listEntities reads one page of roles, users or groups by keyset.
func (s *Service) listEntities(ctx context.Context, sc scope, kind string, prefix, marker *string, max *int32) ([]store.IAMEntity, *bool, *string, error) {
	after, err := decodeMarker(marker)
	if err != nil {
		return nil, nil, nil, err
	}
	n := maxItems(max)
	es, err := s.st.ListIAMEntities(ctx, sc.account, kind, opt.Deref(prefix), store.Page{After: after, Limit: n + 1})
	if err != nil {
		return nil, nil, nil, err
	}
	if len(es) <= n {
		return es, opt.Ptr(false), nil, nil
	}
	es = es[:n]
	return es, opt.Ptr(true), encodeMarker(store.IAMEntityCursor(es[n-1])), nil
}

func (s *Service) ListRoles(ctx context.Context, in *iamapi.ListRolesRequest) (*iamapi.ListRolesResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	es, trunc, next, err := s.listEntities(ctx, sc, store.IAMRole, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &iamapi.ListRolesResponse{Roles: make([]iamapi.Role, 0, len(es)), IsTruncated: trunc, Marker: next}
	for i := range es {
		r, _ := s.role(ctx, sc, &es[i], roleListed)
		out.Roles = append(out.Roles, *r)
	}
	return out, nil
}

func (s *Service) DeleteRole(ctx context.Context, in *iamapi.DeleteRoleRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(ctx context.Context) error {
		e, err := s.modifiableRole(ctx, sc, in.RoleName)
		if err != nil {
			return err
		}
		if err := s.checkNoDependents(ctx, sc, e); err != nil {
			return err
		}
		if err := s.checkNotInInstanceProfile(ctx, sc, e); err != nil {
			return err
		}
		return s.st.DeleteIAMEntity(ctx, sc.account, store.IAMRole, e.Name)
	})
}

// checkNoDependents refuses to delete an entity that still has inline or
// attached policies, access keys, members or groups, with IAM's messages.
func (s *Service) checkNoDependents(ctx context.Context, sc scope, e *store.IAMEntity) error {
	if e.Kind == store.IAMUser {
		if err := s.checkNoLoginProfile(ctx, sc, e); err != nil {
			return err
		}
		keys, err := s.st.ListUserAccessKeys(ctx, sc.account, e.Name)
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			return iamapi.NewDeleteConflictException("Cannot delete entity, must delete access keys first.")
		}
		if err := s.checkNoUserCredentials(ctx, sc, e); err != nil {
			return err
		}
		groups, err := s.st.ListIAMUserGroups(ctx, e.ID)
		if err != nil {
			return err
		}
		if len(groups) > 0 {
			return iamapi.NewDeleteConflictException("Cannot delete entity, must remove users from group first.")
		}
	}
	if e.Kind == store.IAMGroup {
		members, err := s.st.ListIAMGroupMembers(ctx, e.ID)
		if err != nil {
			return err
		}
		if len(members) > 0 {
			return iamapi.NewDeleteConflictException("Cannot delete entity, must remove users from group first.")
		}
	}
	inline, err := s.st.ListInlinePolicies(ctx, e.ID)
	if err != nil {
		return err
	}
	if len(inline) > 0 {
		return iamapi.NewDeleteConflictException("Cannot delete entity, must delete policies first.")
	}
	attached, err := s.st.ListAttachedPolicies(ctx, e.ID)
	if err != nil {
		return err
	}
	if len(attached) > 0 {
		return iamapi.NewDeleteConflictException("Cannot delete entity, must detach all policies first.")
	}
	return nil
}

func (s *Service) UpdateRole(ctx context.Context, in *iamapi.UpdateRoleRequest) (*iamapi.UpdateRoleResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	_, err = s.update(ctx, sc, store.IAMRole, in.RoleName, func(e *store.IAMEntity) error {
		if in.MaxSessionDuration != nil {
			if err := protected(e); err != nil {
				return err
			}
			e.MaxSessionDuration = int(*in.MaxSessionDuration)
		}
		if in.Description != nil {
			e.Description = *in.Description
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.UpdateRoleResponse{}, nil
}

func (s *Service) UpdateRoleDescription(ctx context.Context, in *iamapi.UpdateRoleDescriptionRequest) (*iamapi.UpdateRoleDescriptionResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var out *iamapi.Role
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		e, err := s.update(ctx, sc, store.IAMRole, in.RoleName, func(e *store.IAMEntity) error {
			e.Description = in.Description
			return nil
		})
		if err != nil {
			return err
		}
		out, err = s.role(ctx, sc, e, roleFull)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.UpdateRoleDescriptionResponse{Role: out}, nil
}

func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, in *iamapi.UpdateAssumeRolePolicyRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	if err := checkDocument(&in.PolicyDocument, policy.Trust, maxTrustPolicySize, "ACLSizePerRole"); err != nil {
		return err
	}
	_, err = s.update(ctx, sc, store.IAMRole, in.RoleName, func(e *store.IAMEntity) error {
		if err := protected(e); err != nil {
			return err
		}
		e.TrustPolicy = in.PolicyDocument
		return nil
	})
	return err
}

func (s *Service) PutRolePermissionsBoundary(ctx context.Context, in *iamapi.PutRolePermissionsBoundaryRequest) error {
	return s.putBoundary(ctx, store.IAMRole, in.RoleName, in.PermissionsBoundary)
}

func (s *Service) DeleteRolePermissionsBoundary(ctx context.Context, in *iamapi.DeleteRolePermissionsBoundaryRequest) error {
	return s.deleteBoundary(ctx, store.IAMRole, in.RoleName)
}

func (s *Service) TagRole(ctx context.Context, in *iamapi.TagRoleRequest) error {
	return s.tagEntity(ctx, store.IAMRole, in.RoleName, in.Tags)
}

func (s *Service) UntagRole(ctx context.Context, in *iamapi.UntagRoleRequest) error {
	return s.untagEntity(ctx, store.IAMRole, in.RoleName, in.TagKeys)
}

func (s *Service) ListRoleTags(ctx context.Context, in *iamapi.ListRoleTagsRequest) (*iamapi.ListRoleTagsResponse, error) {
	tags, trunc, next, err := s.listEntityTags(ctx, store.IAMRole, in.RoleName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListRoleTagsResponse{Tags: tags, IsTruncated: trunc, Marker: next}, nil
}

// ---- service-linked roles ----

// serviceRoleName is AWS's name for a service's linked role: the known
// one (servicelinked.go), else AWSServiceRoleFor + the service's first
// label in title case
// (workmail.amazonaws.com → AWSServiceRoleForWorkmail), with _suffix.
func serviceRoleName(service, suffix string) string {
	if name, ok := knownServiceRoleName(service, suffix); ok {
		return name
	}
	label, _, _ := strings.Cut(service, ".")
	var b strings.Builder
	b.WriteString(serviceLinkedRolePrefx)
	up := true
	for _, r := range label {
		if r == '-' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
		}
		up = false
		b.WriteRune(r)
	}
	if suffix != "" {
		b.WriteString("_" + suffix)
	}
	return b.String()
}

func (s *Service) CreateServiceLinkedRole(ctx context.Context, in *iamapi.CreateServiceLinkedRoleRequest) (*iamapi.CreateServiceLinkedRoleResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	svc := in.AWSServiceName
	label, _, _ := strings.Cut(svc, ".")
	if !strings.HasSuffix(svc, ".amazonaws.com") || label == "" || strings.ContainsAny(svc, "/ ") {
		return nil, iamapi.NewInvalidInputException("Invalid AWS service name %s: service principals look like service.amazonaws.com.", svc)
	}
	name := serviceRoleName(svc, opt.Deref(in.CustomSuffix))
	if len(name) > 64 {
		return nil, iamapi.NewInvalidInputException("The role name %s is longer than 64 characters.", name)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"sts:AssumeRole"}]}`
	e := store.IAMEntity{
		AccountID: sc.account, Kind: store.IAMRole, ID: ids.Unique(ids.PrefixRole), Name: name, Path: serviceRolePathPrefix + svc + "/",
		Description: opt.Deref(in.Description), MaxSessionDuration: defaultMaxSession, TrustPolicy: trust, ServiceName: svc, CreatedAt: s.now(),
	}
	if err := s.st.CreateIAMEntity(ctx, e, nil); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			return nil, iamapi.NewInvalidInputException("Service role name %s has been taken in this account, please try a different suffix.", name)
		}
		return nil, err
	}
	r, err := s.role(ctx, sc, &e, roleCreated)
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateServiceLinkedRoleResponse{Role: r}, nil
}

// deletionTaskKey names the setting that records a deletion task.
func deletionTaskKey(id string) string { return "iam.slr-deletion:" + id }

// DeleteServiceLinkedRole deletes the role at once; the task it returns
// reports SUCCEEDED.
func (s *Service) DeleteServiceLinkedRole(ctx context.Context, in *iamapi.DeleteServiceLinkedRoleRequest) (*iamapi.DeleteServiceLinkedRoleResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var task string
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		e, err := s.entity(ctx, sc, store.IAMRole, in.RoleName)
		if err != nil {
			return err
		}
		if e.ServiceName == "" {
			return iamapi.NewInvalidInputException("Role %s is not a service-linked role.", e.Name)
		}
		attached, err := s.st.ListAttachedPolicies(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, p := range attached {
			if err := s.st.DetachPolicy(ctx, e.ID, p.ID); err != nil {
				return err
			}
		}
		if err := s.st.DeleteIAMEntity(ctx, sc.account, store.IAMRole, e.Name); err != nil {
			return err
		}
		task = "task" + e.Path + e.Name + "/" + uuid.NewString()
		_, err = s.st.PutSettingIfAbsent(ctx, deletionTaskKey(sc.account+":"+task), string(iamapi.DeletionTaskStatusTypeSucceeded))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.DeleteServiceLinkedRoleResponse{DeletionTaskId: task}, nil
}

func (s *Service) GetServiceLinkedRoleDeletionStatus(ctx context.Context, in *iamapi.GetServiceLinkedRoleDeletionStatusRequest) (*iamapi.GetServiceLinkedRoleDeletionStatusResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(in.DeletionTaskId, "task/") {
		return nil, iamapi.NewInvalidInputException("Invalid deletion task ID %s.", in.DeletionTaskId)
	}
	v, err := s.st.GetSetting(ctx, deletionTaskKey(sc.account+":"+in.DeletionTaskId))
	if errors.Is(err, store.ErrNotFound) {
		return nil, iamapi.NewNoSuchEntityException("Deletion task %s does not exist.", in.DeletionTaskId)
	}
	if err != nil {
		return nil, err
	}
	return &iamapi.GetServiceLinkedRoleDeletionStatusResponse{Status: iamapi.DeletionTaskStatusType(v)}, nil
}
