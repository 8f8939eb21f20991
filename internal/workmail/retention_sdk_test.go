package workmail_test

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"
)

func folder(name types.FolderName, action types.RetentionAction, days int32) types.FolderConfiguration {
	c := types.FolderConfiguration{Name: name, Action: action}
	if days > 0 {
		c.Period = aws.Int32(days)
	}
	return c
}

func TestRetentionPolicy(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	put := func(org string, id *string, name string, folders ...types.FolderConfiguration) error {
		if folders == nil {
			folders = []types.FolderConfiguration{}
		}
		_, err := f.wm.PutRetentionPolicy(f.ctx, &workmail.PutRetentionPolicyInput{OrganizationId: &org, Id: id, Name: &name,
			Description: aws.String("policy " + name), FolderConfigurations: folders})
		return err
	}
	get := func(org string) (*workmail.GetDefaultRetentionPolicyOutput, error) {
		return f.wm.GetDefaultRetentionPolicy(f.ctx, &workmail.GetDefaultRetentionPolicyInput{OrganizationId: &org})
	}
	del := func(org, id string) error {
		_, err := f.wm.DeleteRetentionPolicy(f.ctx, &workmail.DeleteRetentionPolicyInput{OrganizationId: &org, Id: &id})
		return err
	}
	mustGet := func(t *testing.T, org string) *workmail.GetDefaultRetentionPolicyOutput {
		t.Helper()
		out, err := get(org)
		must(t, err)
		return out
	}
	trash := folder(types.FolderNameDeletedItems, types.RetentionActionPermanentlyDelete, 30)
	junk := folder(types.FolderNameJunkEmail, types.RetentionActionDelete, 730)
	inbox := folder(types.FolderNameInbox, types.RetentionActionNone, 0)

	t.Run("method=GetDefaultRetentionPolicy/case=none set", func(t *testing.T) {
		org, _ := f.org(t)
		_, err := get(org)
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})

	t.Run("method=PutRetentionPolicy/case=create, replace, keep the ID", func(t *testing.T) {
		org, _ := f.org(t)
		must(t, put(org, nil, "first", trash, junk, inbox))
		got := mustGet(t, org)
		if got.Id == nil || *got.Name != "first" || *got.Description != "policy first" ||
			!reflect.DeepEqual(got.FolderConfigurations, []types.FolderConfiguration{trash, junk, inbox}) {
			t.Fatalf("GetDefaultRetentionPolicy: %+v", got)
		}
		id := *got.Id
		// Without Id, a Put replaces the policy and keeps its ID.
		must(t, put(org, nil, "second", junk))
		got = mustGet(t, org)
		if *got.Id != id || *got.Name != "second" || !reflect.DeepEqual(got.FolderConfigurations, []types.FolderConfiguration{junk}) {
			t.Fatalf("after a Put without Id: %+v", got)
		}
		// With its Id, too; an empty folder list is a policy that keeps everything.
		must(t, put(org, &id, "third"))
		got = mustGet(t, org)
		if *got.Id != id || *got.Name != "third" || got.FolderConfigurations == nil || len(got.FolderConfigurations) != 0 {
			t.Fatalf("after a Put by Id: %+v", got)
		}
	})

	t.Run("method=PutRetentionPolicy/case=one policy per organization", func(t *testing.T) {
		org, _ := f.org(t)
		must(t, put(org, aws.String("mine"), "p", trash))
		if got := mustGet(t, org); *got.Id != "mine" {
			t.Fatalf("a Put with an Id and no policy made %s", *got.Id)
		}
		expect[*types.LimitExceededException](t, put(org, aws.String("another"), "q", junk), "LimitExceededException")
		if got := mustGet(t, org); *got.Id != "mine" || *got.Name != "p" {
			t.Fatalf("a refused Put changed the policy: %+v", got)
		}
	})

	t.Run("method=PutRetentionPolicy/case=invalid folders", func(t *testing.T) {
		org, _ := f.org(t)
		for name, folders := range map[string][]types.FolderConfiguration{
			"duplicate folder":        {trash, folder(types.FolderNameDeletedItems, types.RetentionActionDelete, 5)},
			"delete without period":   {folder(types.FolderNameDrafts, types.RetentionActionDelete, 0)},
			"purge without period":    {folder(types.FolderNameSentItems, types.RetentionActionPermanentlyDelete, 0)},
			"period above 730 days":   {folder(types.FolderNameInbox, types.RetentionActionDelete, 731)},
			"unknown folder (model)":  {folder("ARCHIVE", types.RetentionActionDelete, 5)},
			"unknown action (model)":  {folder(types.FolderNameInbox, "ARCHIVE", 5)},
			"zero-day period (model)": {{Name: types.FolderNameInbox, Action: types.RetentionActionDelete, Period: aws.Int32(0)}},
		} {
			t.Run(name, func(t *testing.T) {
				expect[*types.InvalidParameterException](t, put(org, nil, "bad", folders...), "InvalidParameterException")
			})
		}
		_, err := get(org)
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		expect[*types.InvalidParameterException](t, put(org, aws.String("not an id!"), "p"), "InvalidParameterException")
	})

	t.Run("method=DeleteRetentionPolicy/case=by ID, idempotent", func(t *testing.T) {
		org, _ := f.org(t)
		must(t, del(org, "nothing-yet"))
		must(t, put(org, nil, "p", trash))
		id := *mustGet(t, org).Id
		must(t, del(org, "someone-else"))
		if got := mustGet(t, org); *got.Id != id {
			t.Fatalf("deleting another ID changed the policy: %+v", got)
		}
		for i := 0; i < 2; i++ {
			must(t, del(org, id))
		}
		_, err := get(org)
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		// A new policy after the delete gets a new ID.
		must(t, put(org, nil, "again", junk))
		if got := mustGet(t, org); *got.Id == id {
			t.Fatal("the new policy reused the deleted policy's ID")
		}
	})
}
