package identitystore

import (
	"context"

	"github.com/mailgate/mailgate/internal/api/identitystoreapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
)

// principalKind is what users and groups share: records keyed by ID, a
// unique name kept in an index (UserName, DisplayName), memberships
// indexed under their ID, and the same get, write, list and delete.
type principalKind[T any] struct {
	recs records.Kind[T]
	// names indexes the name attribute nameAttr; memberships indexes the
	// principal's memberships (byMember for users, byGroup for groups).
	names       records.Kind[ref]
	nameAttr    string
	memberships records.Kind[ref]
	notFound    func(id string) error
	id, name    func(*T) string
	externalIDs func(*T) []identitystoreapi.ExternalId
}

var (
	userKind = principalKind[identitystoreapi.User]{recs: users, names: userNames, nameAttr: "UserName", memberships: byMember,
		notFound: userNotFound, id: func(u *identitystoreapi.User) string { return u.UserId },
		name:        func(u *identitystoreapi.User) string { return opt.Deref(u.UserName) },
		externalIDs: func(u *identitystoreapi.User) []identitystoreapi.ExternalId { return u.ExternalIds }}
	groupKind = principalKind[identitystoreapi.Group]{recs: groups, names: groupNames, nameAttr: "DisplayName", memberships: byGroup,
		notFound: groupNotFound, id: func(g *identitystoreapi.Group) string { return g.GroupId },
		name:        func(g *identitystoreapi.Group) string { return opt.Deref(g.DisplayName) },
		externalIDs: func(g *identitystoreapi.Group) []identitystoreapi.ExternalId { return g.ExternalIds }}
)

// get returns one of the store's; the kind's not-found error when there
// is none.
func (k principalKind[T]) get(ctx context.Context, s *Service, d dir, id string) (*T, error) {
	t, ok, err := k.recs.Get(ctx, s.st, d.account, d.key(id))
	if err == nil && !ok {
		return nil, k.notFound(id)
	}
	return t, err
}

// put writes t in one transaction, moving its name in the index from
// old ("" for a new one).
func (k principalKind[T]) put(ctx context.Context, s *Service, d dir, t *T, old string) error {
	id := k.id(t)
	return s.st.InTx(ctx, func(ctx context.Context) error {
		if n := k.name(t); nameKey(n) != nameKey(old) {
			if err := s.claim(ctx, k.names, d, k.nameAttr, n, id); err != nil {
				return err
			}
			if err := s.release(ctx, k.names, d, old, id); err != nil {
				return err
			}
		}
		_, err := k.recs.Put(ctx, s.st, d.account, d.key(id), func(*T) (*T, error) { return t, nil })
		return err
	})
}

// update applies fn to one of the store's and writes it, in one
// transaction.
func (k principalKind[T]) update(ctx context.Context, s *Service, d dir, id string, fn func(*T) error) error {
	return s.st.InTx(ctx, func(ctx context.Context) error {
		t, err := k.get(ctx, s, d, id)
		if err != nil {
			return err
		}
		old := k.name(t)
		if err := fn(t); err != nil {
			return err
		}
		return k.put(ctx, s, d, t, old)
	})
}

// list is a List operation's page: by ID, or the one whose name the
// filter names (the only attribute either List filters on).
func (k principalKind[T]) list(ctx context.Context, s *Service, d dir, filters []identitystoreapi.Filter, maxResults *int32, token *string) ([]T, *string, error) {
	p, err := pageOf(maxResults, token)
	if err != nil {
		return nil, nil, err
	}
	out := []T{}
	if len(filters) > 0 {
		id, err := s.filtered(ctx, k.names, d, filters, k.nameAttr)
		if err != nil || id == "" || p.after != "" {
			return out, nil, err
		}
		t, ok, err := k.recs.Get(ctx, s.st, d.account, d.key(id))
		if ok {
			out = append(out, *t)
		}
		return out, nil, err
	}
	recs, err := k.recs.Page(ctx, s.st, d.account, d.key(), p.fetch())
	if err != nil {
		return nil, nil, err
	}
	var next *string
	for i := 0; i < len(recs) && i < p.limit; i++ {
		out = append(out, recs[i].Value)
		next = p.next(len(recs), recs[i].Key)
	}
	return out, next, nil
}

// external lists every one's ID with its external IDs, for GetUserId and
// GetGroupId by external ID.
func (k principalKind[T]) external(s *Service, d dir) func(context.Context) ([]idWithExternal, error) {
	return func(ctx context.Context) ([]idWithExternal, error) {
		all, err := k.recs.All(ctx, s.st, d.account, d.key())
		out := make([]idWithExternal, len(all))
		for i := range all {
			out[i] = idWithExternal{k.id(&all[i]), k.externalIDs(&all[i])}
		}
		return out, err
	}
}

// delete deletes one with its memberships and its name.
func (k principalKind[T]) delete(ctx context.Context, s *Service, d dir, id string) error {
	return s.st.InTx(ctx, func(ctx context.Context) error {
		t, err := k.get(ctx, s, d, id)
		if err != nil {
			return err
		}
		if err := s.removeMemberships(ctx, d, k.memberships, id); err != nil {
			return err
		}
		if err := s.release(ctx, k.names, d, k.name(t), id); err != nil {
			return err
		}
		_, err = k.recs.Remove(ctx, s.st, d.account, d.key(id))
		return err
	})
}
