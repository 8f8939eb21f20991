package workmail

// Mailbox retention policy.
//
// An organization has at most one retention policy, its default policy
// (https://docs.aws.amazon.com/workmail/latest/adminguide/mailbox-retention-policy.html:
// the policy applies to the chosen folders of every mailbox of the
// organization). PutRetentionPolicy writes it:
//
//   - without Id, it creates the policy with a new ID, or replaces the
//     existing one, keeping its ID: a retried Put changes nothing more;
//   - with the Id of the existing policy, it replaces it;
//   - with an Id while there is no policy, it creates the policy with
//     that ID;
//   - with another Id while a policy exists, it would make a second
//     policy: LimitExceededException.
//
// FolderConfigurations name each folder at most once, and a folder whose
// action deletes (DELETE, PERMANENTLY_DELETE) needs the Period in days
// after which it does; the model bounds Period to 1..730 and the enums.
// A NONE action may carry a Period, which is kept as given.
//
// GetDefaultRetentionPolicy of an organization without one answers
// EntityNotFoundException, the only not-found error its model lists.
// DeleteRetentionPolicy of an ID that is not the organization's policy
// succeeds and changes nothing (its model lists no not-found error).
//
// mailgate stores no mail yet, so the policy deletes nothing until the
// mail front end applies it.

import (
	"context"

	"github.com/mailgate/mailgate/internal/records"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

// retentionPolicy is the organization's retention policy, stored under
// the key orgSettingKey.
type retentionPolicy struct {
	ID          string
	Name        string
	Description string `json:",omitempty"`
	Folders     []workmailapi.FolderConfiguration
}

var retentionPolicies = records.Of[retentionPolicy](records.Org, store.RecordRetentionPolicy)

// checkFolders enforces what the model cannot state.
func checkFolders(folders []workmailapi.FolderConfiguration) error {
	seen := map[workmailapi.FolderName]bool{}
	for _, f := range folders {
		if seen[f.Name] {
			return workmailapi.NewInvalidParameterException("The folder %s is configured more than once.", f.Name)
		}
		seen[f.Name] = true
		if f.Action != workmailapi.RetentionActionNone && f.Period == nil {
			return workmailapi.NewInvalidParameterException("The folder %s has the action %s but no Period: the number of days (1 to 730) after which items are deleted.", f.Name, f.Action)
		}
	}
	return nil
}

func (s *Service) PutRetentionPolicy(ctx context.Context, in *workmailapi.PutRetentionPolicyRequest) (*workmailapi.PutRetentionPolicyResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if err := checkFolders(in.FolderConfigurations); err != nil {
		return nil, err
	}
	_, err = retentionPolicies.Put(ctx, s.st, o.ID, orgSettingKey, func(cur *retentionPolicy) (*retentionPolicy, error) {
		id := opt.Deref(in.Id)
		switch {
		case cur != nil && id != "" && id != cur.ID:
			return nil, workmailapi.NewLimitExceededException("Organization %s already has the retention policy %s, and an organization has one retention policy. Put it by its Id, or delete it first.", o.ID, cur.ID)
		case cur != nil:
			id = cur.ID
		case id == "":
			id = newEntityID()
		}
		return &retentionPolicy{ID: id, Name: in.Name, Description: opt.Deref(in.Description), Folders: in.FolderConfigurations}, nil
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.PutRetentionPolicyResponse{}, nil
}

func (s *Service) GetDefaultRetentionPolicy(ctx context.Context, in *workmailapi.GetDefaultRetentionPolicyRequest) (*workmailapi.GetDefaultRetentionPolicyResponse, error) {
	o, p, ok, err := orgSetting(ctx, s, retentionPolicies, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, workmailapi.NewEntityNotFoundException("Organization %s has no retention policy.", o.ID)
	}
	folders := p.Folders
	if folders == nil {
		folders = []workmailapi.FolderConfiguration{}
	}
	return &workmailapi.GetDefaultRetentionPolicyResponse{Id: &p.ID, Name: &p.Name, Description: opt.NonEmpty(p.Description), FolderConfigurations: folders}, nil
}

func (s *Service) DeleteRetentionPolicy(ctx context.Context, in *workmailapi.DeleteRetentionPolicyRequest) (*workmailapi.DeleteRetentionPolicyResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		p, ok, err := retentionPolicies.Get(ctx, s.st, o.ID, orgSettingKey)
		if err != nil || !ok || p.ID != in.Id {
			return err
		}
		_, err = retentionPolicies.Remove(ctx, s.st, o.ID, orgSettingKey)
		return err
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.DeleteRetentionPolicyResponse{}, nil
}
