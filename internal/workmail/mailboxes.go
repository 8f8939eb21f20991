package workmail

// Mailbox details and quotas.
//
// A user has a mailbox while it is ENABLED: RegisterToWorkMail provisions
// it and DeregisterFromWorkMail deprovisions it (DescribeUser reports
// both dates). GetMailboxDetails of a user without a mailbox (disabled or
// deleted) answers EntityNotFoundException, the only entity error its
// model lists; UpdateMailboxQuota answers EntityStateException for them.
// Identifiers that name no user (unknown, or a group) answer
// EntityNotFoundException in both.
//
// Quotas are in MB. Every mailbox starts with the default of 51,200 MB
// (50 GB) and a quota can be set from 1 to 51,200 MB, as the console
// allows ("Quotas can range from 1 MB to 51,200 MB (50 GB)",
// https://docs.aws.amazon.com/workmail/latest/adminguide/edit_user.html);
// the model only bounds it below (1), so a larger one answers
// InvalidParameterException here. The quota is kept per user and
// survives a deregistration: WorkMail keeps a disabled user's mailbox for
// 30 days and restores it on re-enabling
// (https://docs.aws.amazon.com/workmail/latest/adminguide/manage-mailboxes.html).

import (
	"context"

	"github.com/mailgate/mailgate/internal/records"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

const (
	// defaultMailboxQuotaMB is the quota of every new mailbox, and the
	// largest one UpdateMailboxQuota accepts.
	defaultMailboxQuotaMB = 51200
)

// mailboxQuota is a quota set by UpdateMailboxQuota, keyed by user ID.
type mailboxQuota struct {
	MB int32
}

var mailboxQuotas = records.Of[mailboxQuota](records.Org, store.RecordMailboxQuota)

// GetMailboxDetails reports the quota and size of a user's mailbox.
// MailboxSize is 0: mailgate stores no mail yet, so every mailbox is
// empty until the mail front end lands and counts what it stores.
func (s *Service) GetMailboxDetails(ctx context.Context, in *workmailapi.GetMailboxDetailsRequest) (*workmailapi.GetMailboxDetailsResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	u, err := s.entity(ctx, o.ID, in.UserId, userKind)
	if err != nil {
		return nil, err
	}
	if u.State != store.EntityEnabled {
		return nil, workmailapi.NewEntityNotFoundException("The user %s has no mailbox: it is %s. RegisterToWorkMail gives it one.", u.ID, u.State)
	}
	q, ok, err := mailboxQuotas.Get(ctx, s.st, o.ID, u.ID)
	if err != nil {
		return nil, err
	}
	quota := int32(defaultMailboxQuotaMB)
	if ok {
		quota = q.MB
	}
	return &workmailapi.GetMailboxDetailsResponse{MailboxQuota: &quota, MailboxSize: opt.Ptr(0.0)}, nil
}

// UpdateMailboxQuota sets the quota of an enabled user's mailbox.
func (s *Service) UpdateMailboxQuota(ctx context.Context, in *workmailapi.UpdateMailboxQuotaRequest) (*workmailapi.UpdateMailboxQuotaResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if in.MailboxQuota > defaultMailboxQuotaMB {
		return nil, workmailapi.NewInvalidParameterException("MailboxQuota must be from 1 to %d MB (50 GB), not %d.", defaultMailboxQuotaMB, in.MailboxQuota)
	}
	// The user is checked in the transaction that writes the quota, so a
	// user deregistered meanwhile cannot get one.
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		u, err := s.entity(ctx, o.ID, in.UserId, userKind)
		if err != nil {
			return err
		}
		switch u.State {
		case store.EntityDeleted:
			return deletedErr(u)
		case store.EntityDisabled:
			return workmailapi.NewEntityStateException("The user %s is disabled and has no mailbox. Register it to WorkMail first.", u.ID)
		}
		_, err = mailboxQuotas.Put(ctx, s.st, o.ID, u.ID, func(*mailboxQuota) (*mailboxQuota, error) {
			return &mailboxQuota{MB: in.MailboxQuota}, nil
		})
		return err
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.UpdateMailboxQuotaResponse{}, nil
}
