package workmail_test

// Resource delegates through the official AWS SDK for Go v2.

import (
	"reflect"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"
)

func (f *fx) delegate(t *testing.T, org, resource, entity string) {
	t.Helper()
	must(t, f.associateDelegate(org, resource, entity))
}

func (f *fx) associateDelegate(org, resource, entity string) error {
	_, err := f.wm.AssociateDelegateToResource(f.ctx, &workmail.AssociateDelegateToResourceInput{OrganizationId: &org, ResourceId: &resource, EntityId: &entity})
	return err
}

func (f *fx) disassociateDelegate(org, resource, entity string) error {
	_, err := f.wm.DisassociateDelegateFromResource(f.ctx, &workmail.DisassociateDelegateFromResourceInput{OrganizationId: &org, ResourceId: &resource, EntityId: &entity})
	return err
}

// delegates pages through ListResourceDelegates with MaxResults 1, checks
// the pages add up to the single-call listing in delegate ID order, and
// returns delegate ID → type.
func (f *fx) delegates(t *testing.T, org, resource string) map[string]types.MemberType {
	t.Helper()
	paged := pageAll(t, func(tok *string) ([]types.Delegate, *string, error) {
		out, err := f.wm.ListResourceDelegates(f.ctx, &workmail.ListResourceDelegatesInput{OrganizationId: &org, ResourceId: &resource, MaxResults: aws.Int32(1), NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return out.Delegates, out.NextToken, nil
	})
	whole, err := f.wm.ListResourceDelegates(f.ctx, &workmail.ListResourceDelegatesInput{OrganizationId: &org, ResourceId: &resource})
	must(t, err)
	if whole.Delegates == nil || len(paged) != len(whole.Delegates) || len(paged) > 0 && !reflect.DeepEqual(paged, whole.Delegates) {
		t.Fatalf("paged %+v, whole %+v", paged, whole.Delegates)
	}
	out := map[string]types.MemberType{}
	var ids []string
	for _, d := range paged {
		out[*d.Id] = d.Type
		ids = append(ids, *d.Id)
	}
	if !sort.StringsAreSorted(ids) {
		t.Fatalf("delegates not in ID order: %v", ids)
	}
	return out
}

func TestResourceDelegatesSDK(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	domain := "t-" + rnd() + ".example"
	org, _ := f.org(t, domain)
	room := f.resource(t, org, "room", types.ResourceTypeRoom)
	f.register(t, org, room, "room@"+domain)
	ann := f.user(t, org, "ann")
	f.register(t, org, ann, "ann@"+domain)
	ben := f.user(t, org, "ben")
	desk := f.group(t, org, "front-desk")

	t.Run("method=AssociateDelegateToResource/case=users and groups", func(t *testing.T) {
		// Identifiers may be IDs, addresses or names, the resource's too.
		f.delegate(t, org, "room@"+domain, "ann@"+domain)
		f.delegate(t, org, "room", "BEN")
		f.delegate(t, org, room, desk)
		f.delegate(t, org, room, ann) // again: no error, no duplicate
		want := map[string]types.MemberType{ann: types.MemberTypeUser, ben: types.MemberTypeUser, desk: types.MemberTypeGroup}
		if got := f.delegates(t, org, room); !reflect.DeepEqual(got, want) {
			t.Fatalf("delegates %v, want %v", got, want)
		}
		if got := f.delegates(t, org, "room@"+domain); !reflect.DeepEqual(got, want) {
			t.Fatalf("delegates by address %v", got)
		}
	})

	t.Run("method=ListResourceDelegates/case=tokens", func(t *testing.T) {
		out, err := f.wm.ListResourceDelegates(f.ctx, &workmail.ListResourceDelegatesInput{OrganizationId: &org, ResourceId: &room, MaxResults: aws.Int32(2)})
		must(t, err)
		if len(out.Delegates) != 2 || out.NextToken == nil {
			t.Fatalf("first page %+v", out)
		}
		other := f.resource(t, org, "other", types.ResourceTypeEquipment)
		for _, in := range []*workmail.ListResourceDelegatesInput{
			{OrganizationId: &org, ResourceId: &other, NextToken: out.NextToken}, // another resource's token
			{OrganizationId: &org, ResourceId: &room, NextToken: aws.String("garbled")},
			{OrganizationId: &org, ResourceId: &room, MaxResults: aws.Int32(0)},
		} {
			_, err := f.wm.ListResourceDelegates(f.ctx, in)
			expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		}
		if got := f.delegates(t, org, other); len(got) != 0 {
			t.Fatalf("delegates of a resource without any: %v", got)
		}
	})

	t.Run("method=DisassociateDelegateFromResource/case=ok", func(t *testing.T) {
		must(t, f.disassociateDelegate(org, room, "ben"))
		want := map[string]types.MemberType{ann: types.MemberTypeUser, desk: types.MemberTypeGroup}
		if got := f.delegates(t, org, room); !reflect.DeepEqual(got, want) {
			t.Fatalf("delegates %v, want %v", got, want)
		}
		err := f.disassociateDelegate(org, room, ben)
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		wantMessage(t, err, ben, room)
	})

	t.Run("method=AssociateDelegateToResource/case=errors", func(t *testing.T) {
		o2, _ := f.org(t)
		stranger := f.user(t, o2, "stranger")
		other := f.resource(t, org, "van", types.ResourceTypeEquipment)
		gone := f.user(t, org, "gone")
		_, err := f.wm.DeleteUser(f.ctx, &workmail.DeleteUserInput{OrganizationId: &org, UserId: &gone})
		must(t, err)
		cases := []struct {
			name, resource, entity, code string
			parts                        []string
		}{
			{"unknown entity", room, "nobody", "EntityNotFoundException", []string{"nobody"}},
			{"entity of another organization", room, stranger, "EntityNotFoundException", []string{stranger}},
			{"unknown resource", "nothing", ann, "EntityNotFoundException", []string{"nothing"}},
			{"a user as resource", ann, ben, "EntityNotFoundException", []string{ann}},
			{"a resource as delegate", room, other, "InvalidParameterException", []string{other, "users and groups"}},
			{"bad identifier", room, "not valid!", "InvalidParameterException", nil},
		}
		for _, c := range cases {
			t.Run("case="+c.name, func(t *testing.T) {
				for _, call := range []func(org, resource, entity string) error{f.associateDelegate, f.disassociateDelegate} {
					err := call(org, c.resource, c.entity)
					apiErr(t, err, c.code, 400)
					wantMessage(t, err, c.parts...)
				}
			})
		}
		// A deleted user cannot become a delegate; it is no delegate to
		// remove either.
		err = f.associateDelegate(org, room, gone)
		expect[*types.EntityStateException](t, err, "EntityStateException")
		wantMessage(t, err, gone)
		expect[*types.EntityNotFoundException](t, f.disassociateDelegate(org, room, gone), "EntityNotFoundException")
	})

	t.Run("method=DeleteUser/case=delegate goes", func(t *testing.T) {
		carl := f.user(t, org, "carl")
		f.delegate(t, org, room, carl)
		_, err := f.wm.DeleteUser(f.ctx, &workmail.DeleteUserInput{OrganizationId: &org, UserId: &carl})
		must(t, err)
		if got := f.delegates(t, org, room); got[carl] != "" || len(got) != 2 {
			t.Fatalf("a deleted user is still a delegate: %v", got)
		}
		_, err = f.wm.DeleteGroup(f.ctx, &workmail.DeleteGroupInput{OrganizationId: &org, GroupId: &desk})
		must(t, err)
		if got := f.delegates(t, org, room); !reflect.DeepEqual(got, map[string]types.MemberType{ann: types.MemberTypeUser}) {
			t.Fatalf("delegates after deleting the group %v", got)
		}
	})

	t.Run("method=DeleteResource/case=delegates go", func(t *testing.T) {
		hall := f.resource(t, org, "hall", types.ResourceTypeRoom)
		f.delegate(t, org, hall, ann)
		_, err := f.wm.DeleteResource(f.ctx, &workmail.DeleteResourceInput{OrganizationId: &org, ResourceId: &hall})
		must(t, err)
		for _, err := range []error{
			f.associateDelegate(org, hall, ann),
			f.disassociateDelegate(org, hall, ann),
			func() error {
				_, err := f.wm.ListResourceDelegates(f.ctx, &workmail.ListResourceDelegatesInput{OrganizationId: &org, ResourceId: &hall})
				return err
			}(),
		} {
			expect[*types.EntityStateException](t, err, "EntityStateException")
			wantMessage(t, err, hall)
		}
		// ann's delegation of the deleted resource went with it; the
		// room's remains.
		if got := f.delegates(t, org, room); !reflect.DeepEqual(got, map[string]types.MemberType{ann: types.MemberTypeUser}) {
			t.Fatalf("room's delegates %v", got)
		}
		_, err = f.wm.DeleteUser(f.ctx, &workmail.DeleteUserInput{OrganizationId: &org, UserId: &ann})
		expect[*types.EntityStateException](t, err, "EntityStateException") // ann is enabled
	})

	t.Run("method=UpdateResource/case=last delegate", func(t *testing.T) {
		// A resource that does not answer by itself may still lose its
		// last delegate; then it cannot stop answering again until one is
		// added.
		must(t, f.updateResource(workmail.UpdateResourceInput{OrganizationId: &org, ResourceId: &room, BookingOptions: &types.BookingOptions{}}))
		must(t, f.disassociateDelegate(org, room, ann))
		if got := f.describeResource(t, org, room).BookingOptions; got.AutoAcceptRequests {
			t.Fatalf("booking options %+v", got)
		}
		err := f.updateResource(workmail.UpdateResourceInput{OrganizationId: &org, ResourceId: &room, BookingOptions: &types.BookingOptions{AutoDeclineRecurringRequests: true}})
		expect[*types.InvalidConfigurationException](t, err, "InvalidConfigurationException")
	})
}
