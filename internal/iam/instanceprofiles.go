package iam

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// Instance profiles are account records keyed by the lower-case name
// (names are unique ignoring case, as roles'); a profile holds at most
// one role, kept by ID. Tags live with the other IAM tags, under the
// profile's ID.
const (
	prefixInstanceProfile       = "AIPA"
	maxInstanceProfiles         = 1000 // InstanceProfilesPerAccountQuota
	maxRolesPerInstanceProfile  = 1    // InstanceSessionsPerInstanceProfile
	instanceProfileKind         = "instance-profile"
	instanceProfileRoleConflict = "Cannot delete entity, must remove roles from instance profile first."
)

type instanceProfile struct {
	ID      string
	Name    string
	Path    string
	Created time.Time
	RoleIDs []string `json:",omitempty"`
}

var instanceProfiles = records.Of[instanceProfile](records.Account, store.RecordInstanceProfile).Max(maxInstanceProfiles, func() error {
	return iamapi.NewLimitExceededException("Cannot exceed quota for InstanceProfilesPerAccount: %d", maxInstanceProfiles)
})

func noSuchInstanceProfile(name string) error {
	return iamapi.NewNoSuchEntityException("Instance Profile %s cannot be found.", name)
}

// instanceProfile loads a profile of the caller's account.
func (s *Service) instanceProfile(ctx context.Context, sc scope, name string) (*instanceProfile, error) {
	p, ok, err := instanceProfiles.Get(ctx, s.st, sc.account, strings.ToLower(name))
	if err == nil && !ok {
		return nil, noSuchInstanceProfile(name)
	}
	return p, err
}

// updateInstanceProfile changes a profile through fn in one write.
func (s *Service) updateInstanceProfile(ctx context.Context, sc scope, name string, fn func(p *instanceProfile) error) error {
	_, err := instanceProfiles.Put(ctx, s.st, sc.account, strings.ToLower(name), func(cur *instanceProfile) (*instanceProfile, error) {
		if cur == nil {
			return nil, noSuchInstanceProfile(name)
		}
		return cur, fn(cur)
	})
	return err
}

// apiInstanceProfile is a profile for responses, with its roles (as
// ListRoles shows them) and, when tagged is set, its tags.
func (s *Service) apiInstanceProfile(ctx context.Context, sc scope, p *instanceProfile, tagged bool) (*iamapi.InstanceProfile, error) {
	out := &iamapi.InstanceProfile{Path: p.Path, InstanceProfileName: p.Name, InstanceProfileId: p.ID,
		Arn: sc.arn(instanceProfileKind, p.Path, p.Name), CreateDate: p.Created, Roles: []iamapi.Role{}}
	for _, id := range p.RoleIDs {
		e, err := s.st.GetIAMEntityByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		r, err := s.role(ctx, sc, e, roleListed)
		if err != nil {
			return nil, err
		}
		out.Roles = append(out.Roles, *r)
	}
	if tagged {
		tags, err := s.st.ListIAMTags(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		out.Tags = tagsOrNil(tags)
	}
	return out, nil
}

func (s *Service) CreateInstanceProfile(ctx context.Context, in *iamapi.CreateInstanceProfileRequest) (*iamapi.CreateInstanceProfileResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	p := &instanceProfile{ID: ids.Unique(prefixInstanceProfile), Name: in.InstanceProfileName, Path: pathOr(in.Path), Created: s.now()}
	var out *iamapi.InstanceProfile
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		_, err := instanceProfiles.Put(ctx, s.st, sc.account, strings.ToLower(p.Name), func(cur *instanceProfile) (*instanceProfile, error) {
			if cur != nil {
				return nil, iamapi.NewEntityAlreadyExistsException("Instance Profile %s already exists.", cur.Name)
			}
			return p, nil
		})
		if err != nil {
			return err
		}
		if err := s.putTags(ctx, p.ID, in.Tags); err != nil {
			return err
		}
		out, err = s.apiInstanceProfile(ctx, sc, p, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateInstanceProfileResponse{InstanceProfile: out}, nil
}

// scopedInstanceProfile starts a read of one profile: the caller's scope,
// then the profile (NoSuchEntity when there is none).
func (s *Service) scopedInstanceProfile(ctx context.Context, name string) (scope, *instanceProfile, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return sc, nil, err
	}
	p, err := s.instanceProfile(ctx, sc, name)
	return sc, p, err
}

func (s *Service) GetInstanceProfile(ctx context.Context, in *iamapi.GetInstanceProfileRequest) (*iamapi.GetInstanceProfileResponse, error) {
	sc, p, err := s.scopedInstanceProfile(ctx, in.InstanceProfileName)
	if err != nil {
		return nil, err
	}
	out, err := s.apiInstanceProfile(ctx, sc, p, true)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetInstanceProfileResponse{InstanceProfile: out}, nil
}

// listInstanceProfiles pages through the profiles that keep, in name
// order. Listings leave out tags, as AWS's do.
func (s *Service) listInstanceProfiles(ctx context.Context, keep func(*instanceProfile) bool, marker *string, max *int32) ([]iamapi.InstanceProfile, *bool, *string, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	all, err := instanceProfiles.All(ctx, s.st, sc.account, "")
	if err != nil {
		return nil, nil, nil, err
	}
	var kept []*instanceProfile
	for i := range all {
		if keep(&all[i]) {
			kept = append(kept, &all[i])
		}
	}
	page, trunc, next, err := paginate(kept, marker, max)
	if err != nil {
		return nil, nil, nil, err
	}
	out := make([]iamapi.InstanceProfile, 0, len(page))
	for _, p := range page {
		ap, err := s.apiInstanceProfile(ctx, sc, p, false)
		if err != nil {
			return nil, nil, nil, err
		}
		out = append(out, *ap)
	}
	return out, trunc, next, nil
}

func (s *Service) ListInstanceProfiles(ctx context.Context, in *iamapi.ListInstanceProfilesRequest) (*iamapi.ListInstanceProfilesResponse, error) {
	prefix := opt.Deref(in.PathPrefix)
	ps, trunc, next, err := s.listInstanceProfiles(ctx, func(p *instanceProfile) bool { return strings.HasPrefix(p.Path, prefix) }, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListInstanceProfilesResponse{InstanceProfiles: ps, IsTruncated: trunc, Marker: next}, nil
}

func (s *Service) ListInstanceProfilesForRole(ctx context.Context, in *iamapi.ListInstanceProfilesForRoleRequest) (*iamapi.ListInstanceProfilesForRoleResponse, error) {
	_, role, err := s.scopedEntity(ctx, store.IAMRole, in.RoleName)
	if err != nil {
		return nil, err
	}
	holds := func(p *instanceProfile) bool { return holdsRole(p, role.ID) }
	ps, trunc, next, err := s.listInstanceProfiles(ctx, holds, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListInstanceProfilesForRoleResponse{InstanceProfiles: ps, IsTruncated: trunc, Marker: next}, nil
}

func holdsRole(p *instanceProfile, roleID string) bool {
	for _, id := range p.RoleIDs {
		if id == roleID {
			return true
		}
	}
	return false
}

func (s *Service) DeleteInstanceProfile(ctx context.Context, in *iamapi.DeleteInstanceProfileRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(ctx context.Context) error {
		p, err := s.instanceProfile(ctx, sc, in.InstanceProfileName)
		if err != nil {
			return err
		}
		if len(p.RoleIDs) > 0 {
			return iamapi.NewDeleteConflictException(instanceProfileRoleConflict)
		}
		if _, err := instanceProfiles.Remove(ctx, s.st, sc.account, strings.ToLower(p.Name)); err != nil {
			return err
		}
		return s.deleteAllTags(ctx, p.ID)
	})
}

// deleteAllTags deletes every tag of an owner that is not an entity
// (the store deletes an entity's with it).
func (s *Service) deleteAllTags(ctx context.Context, ownerID string) error {
	tags, err := s.st.ListIAMTags(ctx, ownerID)
	if err != nil || len(tags) == 0 {
		return err
	}
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		keys = append(keys, t.Key)
	}
	return s.st.DeleteIAMTags(ctx, ownerID, keys)
}

func (s *Service) AddRoleToInstanceProfile(ctx context.Context, in *iamapi.AddRoleToInstanceProfileRequest) error {
	return s.inEntityTx(ctx, store.IAMRole, in.RoleName, func(ctx context.Context, sc scope, role *store.IAMEntity) error {
		return s.updateInstanceProfile(ctx, sc, in.InstanceProfileName, func(p *instanceProfile) error {
			if len(p.RoleIDs) >= maxRolesPerInstanceProfile {
				return iamapi.NewLimitExceededException("Cannot exceed quota for InstanceSessionsPerInstanceProfile: %d", maxRolesPerInstanceProfile)
			}
			p.RoleIDs = append(p.RoleIDs, role.ID)
			return nil
		})
	})
}

func (s *Service) RemoveRoleFromInstanceProfile(ctx context.Context, in *iamapi.RemoveRoleFromInstanceProfileRequest) error {
	return s.inEntityTx(ctx, store.IAMRole, in.RoleName, func(ctx context.Context, sc scope, role *store.IAMEntity) error {
		return s.updateInstanceProfile(ctx, sc, in.InstanceProfileName, func(p *instanceProfile) error {
			if !holdsRole(p, role.ID) {
				return iamapi.NewNoSuchEntityException("Role %s in Instance Profile %s cannot be found.", role.Name, p.Name)
			}
			kept := p.RoleIDs[:0]
			for _, id := range p.RoleIDs {
				if id != role.ID {
					kept = append(kept, id)
				}
			}
			p.RoleIDs = kept
			return nil
		})
	})
}

// checkNotInInstanceProfile refuses to delete a role an instance profile
// still holds, as IAM does.
func (s *Service) checkNotInInstanceProfile(ctx context.Context, sc scope, role *store.IAMEntity) error {
	all, err := instanceProfiles.All(ctx, s.st, sc.account, "")
	if err != nil {
		return err
	}
	for i := range all {
		if holdsRole(&all[i], role.ID) {
			return iamapi.NewDeleteConflictException(instanceProfileRoleConflict)
		}
	}
	return nil
}

// inInstanceProfileTx runs fn in one transaction on a profile.
func (s *Service) inInstanceProfileTx(ctx context.Context, name string, fn func(ctx context.Context, p *instanceProfile) error) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(ctx context.Context) error {
		p, err := s.instanceProfile(ctx, sc, name)
		if err != nil {
			return err
		}
		return fn(ctx, p)
	})
}

func (s *Service) TagInstanceProfile(ctx context.Context, in *iamapi.TagInstanceProfileRequest) error {
	return s.inInstanceProfileTx(ctx, in.InstanceProfileName, func(ctx context.Context, p *instanceProfile) error {
		return s.putTags(ctx, p.ID, in.Tags)
	})
}

func (s *Service) UntagInstanceProfile(ctx context.Context, in *iamapi.UntagInstanceProfileRequest) error {
	return s.inInstanceProfileTx(ctx, in.InstanceProfileName, func(ctx context.Context, p *instanceProfile) error {
		return s.st.DeleteIAMTags(ctx, p.ID, in.TagKeys)
	})
}

func (s *Service) ListInstanceProfileTags(ctx context.Context, in *iamapi.ListInstanceProfileTagsRequest) (*iamapi.ListInstanceProfileTagsResponse, error) {
	_, p, err := s.scopedInstanceProfile(ctx, in.InstanceProfileName)
	if err != nil {
		return nil, err
	}
	tags, trunc, next, err := s.listTags(ctx, p.ID, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListInstanceProfileTagsResponse{Tags: tags, IsTruncated: trunc, Marker: next}, nil
}

// instanceProfileARN names a profile with its path for authorization; one
// that does not exist is named with the root path.
func (s *Service) instanceProfileARN(ctx context.Context, sc scope, name string) (string, error) {
	p, ok, err := instanceProfiles.Get(ctx, s.st, sc.account, strings.ToLower(name))
	if err != nil && store.IsUnavailable(err) {
		return "", err
	}
	if !ok || err != nil {
		return sc.arn(instanceProfileKind, "/", name), nil
	}
	return sc.arn(instanceProfileKind, p.Path, p.Name), nil
}

// AddRoleToInstanceProfileTarget is the instance profile, as IAM's
// authorization reference names it (the model points at the role).
func (s *Service) AddRoleToInstanceProfileTarget(_ context.Context, _ *reqctx.Request, in *iamapi.AddRoleToInstanceProfileRequest) (*api.Target, error) {
	t := in.AuthzTarget()
	t.Refs = []api.Ref{{Kind: instanceProfileKind, Name: in.InstanceProfileName}}
	return t, nil
}

// RemoveRoleFromInstanceProfileTarget: as AddRoleToInstanceProfile.
func (s *Service) RemoveRoleFromInstanceProfileTarget(_ context.Context, _ *reqctx.Request, in *iamapi.RemoveRoleFromInstanceProfileRequest) (*api.Target, error) {
	t := in.AuthzTarget()
	t.Refs = []api.Ref{{Kind: instanceProfileKind, Name: in.InstanceProfileName}}
	return t, nil
}
