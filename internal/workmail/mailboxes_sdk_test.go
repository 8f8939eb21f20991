package workmail_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"
)

func TestMailboxQuota(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	org, alias := f.org(t)
	domain := alias + ".awsapps.com"
	alice := f.user(t, org, "alice")
	f.register(t, org, alice, "alice@"+domain)
	group := f.group(t, org, "staff")

	details := func(user string) (*workmail.GetMailboxDetailsOutput, error) {
		return f.wm.GetMailboxDetails(f.ctx, &workmail.GetMailboxDetailsInput{OrganizationId: &org, UserId: &user})
	}
	quota := func(t *testing.T, user string) int32 {
		t.Helper()
		out, err := details(user)
		must(t, err)
		if out.MailboxQuota == nil || out.MailboxSize != 0 {
			t.Fatalf("GetMailboxDetails %s: %+v", user, out)
		}
		return *out.MailboxQuota
	}
	setQuota := func(user string, mb int32) error {
		_, err := f.wm.UpdateMailboxQuota(f.ctx, &workmail.UpdateMailboxQuotaInput{OrganizationId: &org, UserId: &user, MailboxQuota: aws.Int32(mb)})
		return err
	}
	deregister := func(t *testing.T, user string) {
		t.Helper()
		_, err := f.wm.DeregisterFromWorkMail(f.ctx, &workmail.DeregisterFromWorkMailInput{OrganizationId: &org, EntityId: &user})
		must(t, err)
	}

	t.Run("method=GetMailboxDetails/case=default quota, empty mailbox", func(t *testing.T) {
		if q := quota(t, alice); q != 51200 {
			t.Fatalf("default quota %d, want 51200 MB", q)
		}
	})

	t.Run("method=UpdateMailboxQuota/case=any identifier, whole range", func(t *testing.T) {
		for _, c := range []struct {
			ident string
			mb    int32
		}{{alice, 1024}, {"ALICE@" + domain, 1}, {"alice", 51200}, {alice, 700}} {
			must(t, setQuota(c.ident, c.mb))
			for _, ident := range []string{alice, "alice@" + domain, "Alice"} {
				if q := quota(t, ident); q != c.mb {
					t.Fatalf("after setting %d through %s, %s reads %d", c.mb, c.ident, ident, q)
				}
			}
		}
	})

	t.Run("method=UpdateMailboxQuota/case=out of range", func(t *testing.T) {
		must(t, setQuota(alice, 300))
		expect[*types.InvalidParameterException](t, setQuota(alice, 51201), "InvalidParameterException")
		expect[*types.InvalidParameterException](t, setQuota(alice, 0), "InvalidParameterException")
		if q := quota(t, alice); q != 300 {
			t.Fatalf("a refused update changed the quota to %d", q)
		}
	})

	t.Run("method=UpdateMailboxQuota/case=kept across deregistration", func(t *testing.T) {
		carol := f.user(t, org, "carol")
		f.register(t, org, carol, "carol@"+domain)
		must(t, setQuota(carol, 2048))
		deregister(t, carol)
		_, err := details(carol)
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		expect[*types.EntityStateException](t, setQuota(carol, 10), "EntityStateException")
		f.register(t, org, carol, "carol@"+domain)
		if q := quota(t, carol); q != 2048 {
			t.Fatalf("re-registered mailbox has quota %d, want the 2048 set before", q)
		}
	})

	t.Run("method=GetMailboxDetails/case=no mailbox", func(t *testing.T) {
		never := f.user(t, org, "never")
		for _, ident := range []string{"nobody", "nobody@" + domain, group, never} {
			_, err := details(ident)
			expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		}
	})

	t.Run("method=UpdateMailboxQuota/case=no such user", func(t *testing.T) {
		for _, ident := range []string{"nobody", "nobody@" + domain, group} {
			expect[*types.EntityNotFoundException](t, setQuota(ident, 10), "EntityNotFoundException")
		}
	})

	t.Run("method=UpdateMailboxQuota/case=disabled or deleted user", func(t *testing.T) {
		dave := f.user(t, org, "dave")
		expect[*types.EntityStateException](t, setQuota(dave, 10), "EntityStateException")
		_, err := f.wm.DeleteUser(f.ctx, &workmail.DeleteUserInput{OrganizationId: &org, UserId: &dave})
		must(t, err)
		expect[*types.EntityStateException](t, setQuota(dave, 10), "EntityStateException")
		_, err = details(dave)
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})
}
