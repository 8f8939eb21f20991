package identitystore

import (
	"context"

	"github.com/mailgate/mailgate/internal/api/identitystoreapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// "Groups in the Identity Center directory: 100,000" (IAM Identity
// Center quotas).
const maxGroups = 100000

var groups = records.Of[identitystoreapi.Group](records.Account, store.RecordIdentityStoreGroup).Max(maxGroups, func() error {
	return identitystoreapi.NewServiceQuotaExceededException("The identity store holds the maximum number of groups (%d).", maxGroups)
})

func groupNotFound(id string) error {
	return identitystoreapi.NewResourceNotFoundException("Group %s does not exist.", id).
		WithResourceType(identitystoreapi.ResourceTypeGroup).WithResourceId(id)
}

func (s *Service) CreateGroup(ctx context.Context, in *identitystoreapi.CreateGroupRequest) (*identitystoreapi.CreateGroupResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	name := opt.Deref(in.DisplayName)
	switch {
	case name == "":
		return nil, identitystoreapi.NewValidationException("DisplayName is required.")
	case reserved(name):
		return nil, identitystoreapi.NewValidationException("%s is a reserved name and can't be used for users or groups.", name)
	}
	g := &identitystoreapi.Group{IdentityStoreId: d.id, GroupId: d.newID(), DisplayName: in.DisplayName, Description: in.Description,
		CreatedAt: s.now(), UpdatedAt: s.now(), CreatedBy: opt.NonEmpty(d.caller), UpdatedBy: opt.NonEmpty(d.caller)}
	if err := s.putGroup(ctx, d, g, ""); err != nil {
		return nil, err
	}
	return &identitystoreapi.CreateGroupResponse{IdentityStoreId: d.id, GroupId: g.GroupId}, nil
}

// putGroup writes g, moving its display name in the index from old
// (none when "").
func (s *Service) putGroup(ctx context.Context, d dir, g *identitystoreapi.Group, old string) error {
	return s.st.InTx(ctx, func(ctx context.Context) error {
		if n := opt.Deref(g.DisplayName); nameKey(n) != nameKey(old) {
			if err := s.claim(ctx, groupNames, d, "DisplayName", n, g.GroupId); err != nil {
				return err
			}
			if err := s.release(ctx, groupNames, d, old, g.GroupId); err != nil {
				return err
			}
		}
		_, err := groups.Put(ctx, s.st, d.account, d.key(g.GroupId), func(*identitystoreapi.Group) (*identitystoreapi.Group, error) { return g, nil })
		return err
	})
}

func (s *Service) group(ctx context.Context, d dir, id string) (*identitystoreapi.Group, error) {
	g, ok, err := groups.Get(ctx, s.st, d.account, d.key(id))
	if err == nil && !ok {
		return nil, groupNotFound(id)
	}
	return g, err
}

func (s *Service) DescribeGroup(ctx context.Context, in *identitystoreapi.DescribeGroupRequest) (*identitystoreapi.DescribeGroupResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	g, err := s.group(ctx, d, in.GroupId)
	if err != nil {
		return nil, err
	}
	return convert[identitystoreapi.DescribeGroupResponse](g), nil
}

// ListGroups lists the groups by ID, or the one whose DisplayName a
// filter names.
func (s *Service) ListGroups(ctx context.Context, in *identitystoreapi.ListGroupsRequest) (*identitystoreapi.ListGroupsResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	p, err := pageOf(in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := &identitystoreapi.ListGroupsResponse{Groups: []identitystoreapi.Group{}}
	if len(in.Filters) > 0 {
		id, err := s.filtered(ctx, groupNames, d, in.Filters, "DisplayName")
		if err != nil || id == "" || p.after != "" {
			return out, err
		}
		g, err := s.group(ctx, d, id)
		if err != nil {
			return nil, err
		}
		out.Groups = append(out.Groups, *g)
		return out, nil
	}
	recs, err := groups.Page(ctx, s.st, d.account, d.key(), p.fetch())
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(recs) && i < p.limit; i++ {
		out.Groups = append(out.Groups, recs[i].Value)
		out.NextToken = p.next(len(recs), recs[i].Key)
	}
	return out, nil
}

func (s *Service) GetGroupId(ctx context.Context, in *identitystoreapi.GetGroupIdRequest) (*identitystoreapi.GetGroupIdResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	// "For the unique attribute, the only valid path is displayName."
	// (Identity Store API reference, GetGroupId)
	unique := uniqueAttrs{"displayname": func(ctx context.Context, name string) (string, error) {
		return s.lookup(ctx, groupNames, d, name)
	}}
	id, err := s.alternate(ctx, in.AlternateIdentifier, unique, func(ctx context.Context) ([]idWithExternal, error) {
		all, err := groups.All(ctx, s.st, d.account, d.key())
		out := make([]idWithExternal, len(all))
		for i, g := range all {
			out[i] = idWithExternal{g.GroupId, g.ExternalIds}
		}
		return out, err
	})
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, identitystoreapi.NewResourceNotFoundException("No group matches the alternate identifier.").WithResourceType(identitystoreapi.ResourceTypeGroup)
	}
	return &identitystoreapi.GetGroupIdResponse{IdentityStoreId: d.id, GroupId: id}, nil
}

func (s *Service) UpdateGroup(ctx context.Context, in *identitystoreapi.UpdateGroupRequest) (*identitystoreapi.UpdateGroupResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		g, err := s.group(ctx, d, in.GroupId)
		if err != nil {
			return err
		}
		old := opt.Deref(g.DisplayName)
		if err := applyGroup(g, in.Operations); err != nil {
			return err
		}
		g.UpdatedAt, g.UpdatedBy = s.now(), opt.NonEmpty(d.caller)
		return s.putGroup(ctx, d, g, old)
	})
	if err != nil {
		return nil, err
	}
	return &identitystoreapi.UpdateGroupResponse{}, nil
}

// DeleteGroup deletes a group with its memberships.
func (s *Service) DeleteGroup(ctx context.Context, in *identitystoreapi.DeleteGroupRequest) (*identitystoreapi.DeleteGroupResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		g, err := s.group(ctx, d, in.GroupId)
		if err != nil {
			return err
		}
		if err := s.removeMemberships(ctx, d, byGroup, g.GroupId); err != nil {
			return err
		}
		if err := s.release(ctx, groupNames, d, opt.Deref(g.DisplayName), g.GroupId); err != nil {
			return err
		}
		_, err = groups.Remove(ctx, s.st, d.account, d.key(g.GroupId))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &identitystoreapi.DeleteGroupResponse{}, nil
}
