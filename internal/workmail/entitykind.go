package workmail

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"time"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/model"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

// The directory-entity frame.
//
// Users, groups and resources (rooms and equipment) are one record,
// store.Entity, told apart by Type; the store keeps them in one table
// with one set of rules. They share:
//
//   - one namespace of names per organization, ignoring case, with the
//     directory's reserved names refused (checkName), and lowercase UUIDs;
//   - one life cycle: created DISABLED, ENABLED by RegisterToWorkMail,
//     DISABLED again by DeregisterFromWorkMail, and a DELETED tombstone
//     after Delete<Kind>, listed for the retention period and describable
//     by ID for good;
//   - addresses, held only while ENABLED: the primary one
//     (RegisterToWorkMail, UpdatePrimaryEmailAddress) and aliases
//     (CreateAlias, DeleteAlias, ListAliases);
//   - DescribeEntity by address, and one way to resolve an identifier
//     (ID, address or name: entity, orgEntity, liveEntity).
//
// The shared operations (entities.go, aliases.go) take an entity of any
// kind. What differs between kinds is an entityKind; each kind's own
// operations are a frame call plus what the kind's request sets:
//
//	Create<Kind>    createEntity(ctx, k, org, name, check, fill)
//	Describe<Kind>  orgEntity(ctx, org, id, k), then describe[Describe<Kind>Response](e, "<Kind>Id")
//	Update<Kind>    updateEntity(ctx, org, id, k, check, fn)
//	List<Kind>s     listEntities(ctx, k, org, token, max, filter), then apiList of describe[<Kind>](e, "Id")
//	Delete<Kind>    deleteEntity(ctx, org, id, k), refused or adjusted by k.retire
//
// Answers are filled by member name from one mapping of the record
// (entityMembers), which a kind extends through k.members.
//
// Resources (resources.go) keep on the record what they have beyond the
// common fields: their type (ROOM or EQUIPMENT, which their answers call
// Type) and Description; their booking options and their delegates
// (delegates.go) are organization records. Resources are not group
// members (the model's MemberType is USER or GROUP: memberKinds).

// entityKind is what one kind of directory entity does differently.
type entityKind struct {
	// typ is the store's Entity.Type, spelled as the model's EntityType.
	typ string
	// noun names the kind in messages ("The user ... does not exist").
	noun string
	// list is the kind's List operation, which NextToken is bound to.
	list string
	// retire is the kind's Delete check, run in the write on an entity
	// that is not deleted yet, just before it becomes a tombstone: it may
	// refuse (EntityStateException) or adjust the record. nil: an entity
	// of the kind is deleted in any state, as it is.
	retire func(e *store.Entity, now time.Time) error
	// newID makes the ID of a new entity of the kind. nil: a UUID.
	newID func() string
	// members adds to entityMembers what the kind's answers carry beyond
	// the common members, or what they mean otherwise. nil: nothing.
	members func(e *store.Entity, m map[string]any)
}

var (
	userKind     = &entityKind{typ: store.EntityUser, noun: "user", list: "ListUsers", retire: retireUser}
	groupKind    = &entityKind{typ: store.EntityGroup, noun: "group", list: "ListGroups", retire: retireGroup}
	resourceKind = &entityKind{typ: store.EntityResource, noun: "resource", list: "ListResources",
		newID: newResourceID, retire: retireResource, members: resourceMembers}

	// memberKinds are what a group may contain.
	memberKinds = []*entityKind{userKind, groupKind}
)

// kindOf is the kind of an entity type; an unknown type is an "entity".
func kindOf(typ string) *entityKind {
	for _, k := range []*entityKind{userKind, groupKind, resourceKind} {
		if k.typ == typ {
			return k
		}
	}
	return &entityKind{typ: typ, noun: "entity"}
}

// entityMembers is an entity under the names the model gives the members
// of Describe<Kind> answers and List<Kind>s summaries (and group
// members), the ID under idMember, which each shape names its own way:
// one mapping from the record for every kind and shape, each shape
// taking the members it has (describe). Empty strings and zero times are
// left out, as absent members; Name, State, UserRole and
// HiddenFromGlobalAddressList are always present. Type is the entity
// type (a group member's MemberType) unless the kind's members hook says
// otherwise (a resource's Type is ROOM or EQUIPMENT).
func entityMembers(e *store.Entity, idMember string) map[string]any {
	m := map[string]any{
		idMember: e.ID, "Name": e.Name, "State": e.State, "Type": e.Type,
		"UserRole": e.Role, "HiddenFromGlobalAddressList": e.Hidden,
	}
	for name, v := range map[string]string{
		"Email": e.Email, "DisplayName": e.DisplayName, "FirstName": e.FirstName, "LastName": e.LastName,
		"Initials": e.Initials, "Telephone": e.Telephone, "Street": e.Street, "JobTitle": e.JobTitle,
		"City": e.City, "Company": e.Company, "ZipCode": e.ZipCode, "Department": e.Department,
		"Country": e.Country, "Office": e.Office, "IdentityProviderUserId": e.IdentityProviderUserID,
		"IdentityProviderIdentityStoreId": e.IdentityProviderIdentityStoreID,
	} {
		if v != "" {
			m[name] = v
		}
	}
	for name, t := range map[string]time.Time{
		"EnabledDate": e.EnabledAt, "DisabledDate": e.DisabledAt,
		"MailboxProvisionedDate": e.MailboxProvisionedAt, "MailboxDeprovisionedDate": e.MailboxDeprovisionedAt,
	} {
		if !t.IsZero() {
			m[name] = t
		}
	}
	if k := kindOf(e.Type); k.members != nil {
		k.members(e, m)
	}
	return m
}

// describe is an entity as the answer or summary shape T (a generated
// struct), idMember naming its ID member.
func describe[T any](e *store.Entity, idMember string) *T {
	out := new(T)
	if err := model.Bind(entityMembers(e, idMember), out); err != nil {
		panic("workmail: entityMembers does not fit " + reflect.TypeOf(out).Elem().Name() + ": " + err.Error())
	}
	return out
}

// apiList turns store records into the summaries of a List answer
// (never nil: an empty list is answered as []).
func apiList[T, R any](items []T, conv func(*T) R) []R {
	out := make([]R, 0, len(items))
	for i := range items {
		out = append(out, conv(&items[i]))
	}
	return out
}

// nounOf names an entity's kind in messages.
func nounOf(e *store.Entity) string { return kindOf(e.Type).noun }

func deletedErr(e *store.Entity) error {
	return workmailapi.NewEntityStateException("The %s %s is deleted.", nounOf(e), e.ID)
}

// nameErr maps the errors of writing an entity: a name another entity
// holds, a deleted organization.
func nameErr(err error, orgID string) error {
	var ce *store.ConflictError
	if errors.As(err, &ce) && ce.Key == store.KeyName {
		return workmailapi.NewNameAvailabilityException("The name %s is already in use in organization %s.", ce.Value, orgID)
	}
	return writeErr(err, orgID)
}

// entity resolves an identifier (ID, address or name) to an entity of
// one of kinds (any kind when none is given).
func (s *Service) entity(ctx context.Context, orgID, identifier string, kinds ...*entityKind) (*store.Entity, error) {
	e, err := s.st.ResolveEntity(ctx, orgID, identifier)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if err == nil && (len(kinds) == 0 || slices.ContainsFunc(kinds, func(k *entityKind) bool { return k.typ == e.Type })) {
		return e, nil
	}
	noun := "entity"
	if len(kinds) == 1 {
		noun = kinds[0].noun
	}
	return nil, workmailapi.NewEntityNotFoundException("The %s %s does not exist in organization %s.", noun, identifier, orgID)
}

// alive passes an entity look-up on, refusing a DELETED entity.
func alive(e *store.Entity, err error) (*store.Entity, error) {
	if err == nil && e.State == store.EntityDeleted {
		return nil, deletedErr(e)
	}
	return e, err
}

// live is entity refusing a DELETED one.
func (s *Service) live(ctx context.Context, orgID, identifier string, kinds ...*entityKind) (*store.Entity, error) {
	return alive(s.entity(ctx, orgID, identifier, kinds...))
}

// orgEntity starts an operation on one entity: the active organization,
// then the entity identifier names, of one of kinds (any when none).
func (s *Service) orgEntity(ctx context.Context, orgID, identifier string, kinds ...*entityKind) (*store.Organization, *store.Entity, error) {
	return inOrg(ctx, s, orgID, func(orgID string) (*store.Entity, error) {
		return s.entity(ctx, orgID, identifier, kinds...)
	})
}

// liveEntity is orgEntity refusing a DELETED entity.
func (s *Service) liveEntity(ctx context.Context, orgID, identifier string, kinds ...*entityKind) (*store.Organization, *store.Entity, error) {
	o, e, err := s.orgEntity(ctx, orgID, identifier, kinds...)
	e, err = alive(e, err)
	return o, e, err
}

// writeLive applies fn to entity id in one write, refusing it there if it
// is (by then) DELETED.
func (s *Service) writeLive(ctx context.Context, orgID, id string, fn func(e *store.Entity) error) error {
	_, err := s.st.UpdateEntity(ctx, orgID, id, func(e *store.Entity) error {
		if e.State == store.EntityDeleted {
			return deletedErr(e)
		}
		return fn(e)
	})
	if err != nil {
		return nameErr(err, orgID)
	}
	return nil
}

// createEntity is the frame of Create<Kind>: in the active organization,
// after check (the kind's refusals of the request that come before the
// name's; nil for none) and the reserved names, it inserts a DISABLED
// entity of kind k with the fields fill sets (fill may still refuse;
// nil for none) and returns its ID.
func (s *Service) createEntity(ctx context.Context, k *entityKind, orgID, name string, check func() error, fill func(o *store.Organization, e *store.Entity) error) (string, error) {
	o, err := s.activeOrg(ctx, orgID)
	if err != nil {
		return "", err
	}
	if check != nil {
		if err := check(); err != nil {
			return "", err
		}
	}
	if err := checkName(name); err != nil {
		return "", err
	}
	id := newEntityID
	if k.newID != nil {
		id = k.newID
	}
	e := store.Entity{OrgID: o.ID, ID: id(), Type: k.typ, Name: name, State: store.EntityDisabled, CreatedAt: s.now()}
	if fill != nil {
		if err := fill(o, &e); err != nil {
			return "", err
		}
	}
	if err := s.st.CreateEntity(ctx, e); err != nil {
		return "", nameErr(err, o.ID)
	}
	return e.ID, nil
}

// updateEntity is the frame of Update<Kind> and of the other writes on
// one entity: in the active organization, after check (refusals of the
// request that come before the look-up; nil for none), fn changes the
// entity identifier names, of kind k (nil: any kind), in one write; a
// DELETED entity is refused.
func (s *Service) updateEntity(ctx context.Context, orgID, identifier string, k *entityKind, check func() error, fn func(e *store.Entity) error) error {
	o, err := s.activeOrg(ctx, orgID)
	if err != nil {
		return err
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	var kinds []*entityKind
	if k != nil {
		kinds = append(kinds, k)
	}
	e, err := s.entity(ctx, o.ID, identifier, kinds...)
	if err != nil {
		return err
	}
	return s.writeLive(ctx, o.ID, e.ID, fn)
}

// listEntities is the frame of List<Kind>s: one page of the entities of
// kind k in the active organization, deleted ones for the retention
// period. filter sets the request's filters on f, refusing more than one
// (oneFilter), and returns the values NextToken is bound to.
func (s *Service) listEntities(ctx context.Context, k *entityKind, orgID string, token *string, maxResults *int32, filter func(f *store.EntityFilter) ([]string, error)) (*store.Organization, []store.Entity, *string, error) {
	o, err := s.activeOrg(ctx, orgID)
	if err != nil {
		return nil, nil, nil, err
	}
	f := store.EntityFilter{Type: k.typ, DeletedSince: s.deletedSince()}
	bound, err := filter(&f)
	if err != nil {
		return nil, nil, nil, err
	}
	lst := listing(append([]string{k.list, o.ID}, bound...)...)
	es, next, err := page(ctx, s, lst, token, maxResults, func(p store.Page) ([]store.Entity, error) {
		return s.st.ListEntities(ctx, o.ID, f, p)
	}, entityID)
	return o, es, next, err
}

// nameEmailStateFilter reads the filters of ListGroups and
// ListResources: a name prefix, a primary address prefix or a state.
func nameEmailStateFilter(f *store.EntityFilter, name, email *string, state *workmailapi.EntityState) ([]string, error) {
	if err := oneFilter(opt.Deref(name) != "", opt.Deref(email) != "", state != nil); err != nil {
		return nil, err
	}
	f.NamePrefix, f.EmailPrefix, f.State = opt.Deref(name), opt.Deref(email), string(opt.Deref(state))
	return []string{f.NamePrefix, f.EmailPrefix, f.State}, nil
}

// oneFilter enforces "You can only use one filter per request".
func oneFilter(set ...bool) error {
	n := 0
	for _, b := range set {
		if b {
			n++
		}
	}
	if n > 1 {
		return workmailapi.NewInvalidParameterException("Only one filter can be used per request.")
	}
	return nil
}

// deleteEntity is the frame of Delete<Kind>: it turns the entity of kind
// k into a DELETED tombstone once k.retire passes, and ends the
// delegations it was part of (a resource's delegates, or a user's or
// group's delegation of resources). An identifier that
// names nothing of that kind, or something already deleted, succeeds:
// the delete operations are idempotent and model no not-found error.
func (s *Service) deleteEntity(ctx context.Context, orgID, identifier string, k *entityKind) error {
	o, err := s.activeOrg(ctx, orgID)
	if err != nil {
		return err
	}
	e, err := s.st.ResolveEntity(ctx, o.ID, identifier)
	if errors.Is(err, store.ErrNotFound) || err == nil && e.Type != k.typ {
		return nil
	}
	if err != nil {
		return err
	}
	now := s.now()
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		_, err := s.st.UpdateEntity(ctx, o.ID, e.ID, func(e *store.Entity) error {
			if e.State == store.EntityDeleted {
				return nil
			}
			if k.retire != nil {
				if err := k.retire(e, now); err != nil {
					return err
				}
			}
			e.State, e.DeletedAt = store.EntityDeleted, now
			return nil
		})
		if err != nil {
			return err
		}
		return s.dropDelegations(ctx, o.ID, e.ID)
	})
	if err != nil {
		return writeErr(err, o.ID)
	}
	return nil
}
