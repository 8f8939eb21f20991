package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"

	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/testenv"
)

// replicaOrg makes an organization with two registered users on a.
func replicaOrg(t *testing.T, a *testenv.Env) (org string) {
	ctx := context.Background()
	wm := a.WorkMail()
	o, err := wm.CreateOrganization(ctx, &workmail.CreateOrganizationInput{Alias: aws.String("imp-" + ids.AccountID())})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"alice", "bob"} {
		if _, err := wm.CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: o.OrganizationId, Name: aws.String(n), DisplayName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	return *o.OrganizationId
}

func introspect(t *testing.T, e *testenv.Env, token, mailbox string) map[string]any {
	t.Helper()
	form := url.Values{"token": {token}, "mailbox": {mailbox}}.Encode()
	req := signedPath(t, e, server.IntrospectPath, "workmail", "application/x-www-form-urlencoded", "", []byte(form), time.Now())
	resp := do(t, req)
	if resp.status != 200 {
		t.Fatalf("introspect: %d %s", resp.status, resp.body)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(resp.body), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// A token issued by one replica is verified by the other, and revoking it
// on one (by updating the role) holds on the other at once.
func TestReplicasImpersonationTokens(t *testing.T) {
	a, b := replicas(t)
	ctx := context.Background()
	org := replicaOrg(t, a)
	rules := []types.ImpersonationRule{{ImpersonationRuleId: aws.String("r1"), Effect: types.AccessEffectAllow, TargetUsers: []string{"alice"}}}
	role, err := a.WorkMail().CreateImpersonationRole(ctx, &workmail.CreateImpersonationRoleInput{OrganizationId: &org, Name: aws.String("r"), Type: types.ImpersonationRoleTypeFullAccess, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.WorkMail().AssumeImpersonationRole(ctx, &workmail.AssumeImpersonationRoleInput{OrganizationId: &org, ImpersonationRoleId: role.ImpersonationRoleId})
	if err != nil {
		t.Fatal(err)
	}
	if got := introspect(t, b, *tok.Token, "alice"); got["active"] != true || got["mailbox_allowed"] != true {
		t.Fatalf("B on A's token for alice: %v", got)
	}
	if got := introspect(t, b, *tok.Token, "bob"); got["active"] != true || got["mailbox_allowed"] != false {
		t.Fatalf("B on A's token for bob: %v", got)
	}
	if _, err := b.WorkMail().UpdateImpersonationRole(ctx, &workmail.UpdateImpersonationRoleInput{OrganizationId: &org, ImpersonationRoleId: role.ImpersonationRoleId, Name: aws.String("r"), Type: types.ImpersonationRoleTypeReadOnly, Rules: rules}); err != nil {
		t.Fatal(err)
	}
	if got := introspect(t, a, *tok.Token, "alice"); got["active"] != false {
		t.Fatalf("A still accepts a token revoked through B: %v", got)
	}
}

// Many writers on both replicas hammer one role: every update either
// lands whole or not at all (the final role is exactly one writer's), and
// the role quota holds however creates interleave.
func TestReplicasImpersonationConcurrency(t *testing.T) {
	a, b := replicas(t)
	ctx := context.Background()
	org := replicaOrg(t, a)
	role, err := a.WorkMail().CreateImpersonationRole(ctx, &workmail.CreateImpersonationRoleInput{OrganizationId: &org, Name: aws.String("hammer"), Type: types.ImpersonationRoleTypeFullAccess,
		Rules: []types.ImpersonationRule{{ImpersonationRuleId: aws.String("r0"), Effect: types.AccessEffectAllow, TargetUsers: []string{"alice"}}}})
	if err != nil {
		t.Fatal(err)
	}
	const writers = 16
	var wg sync.WaitGroup
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			wm := a.WorkMail()
			if i%2 == 1 {
				wm = b.WorkMail()
			}
			id := fmt.Sprintf("w%02d", i)
			_, err := wm.UpdateImpersonationRole(ctx, &workmail.UpdateImpersonationRoleInput{OrganizationId: &org, ImpersonationRoleId: role.ImpersonationRoleId,
				Name: aws.String(id), Description: aws.String(id), Type: types.ImpersonationRoleTypeReadOnly,
				Rules: []types.ImpersonationRule{{ImpersonationRuleId: aws.String(id), Name: aws.String(id), Effect: types.AccessEffectDeny, NotTargetUsers: []string{"bob"}}}})
			if err != nil {
				t.Errorf("writer %s: %v", id, err)
			}
		}(i)
	}
	wg.Wait()
	got, err := b.WorkMail().GetImpersonationRole(ctx, &workmail.GetImpersonationRoleInput{OrganizationId: &org, ImpersonationRoleId: role.ImpersonationRoleId})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rules) != 1 || *got.Rules[0].ImpersonationRuleId != *got.Name || *got.Description != *got.Name || got.Type != types.ImpersonationRoleTypeReadOnly {
		t.Fatalf("final role mixes writers: name %s, description %s, rules %+v", *got.Name, *got.Description, got.Rules)
	}

	// Quota: the default is 20 roles per organization; 1 exists.
	created := 0
	var mu sync.Mutex
	for i := 0; i < 30; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			wm := a.WorkMail()
			if i%2 == 1 {
				wm = b.WorkMail()
			}
			_, err := wm.CreateImpersonationRole(ctx, &workmail.CreateImpersonationRoleInput{OrganizationId: &org, Name: aws.String(fmt.Sprintf("q%02d", i)), Type: types.ImpersonationRoleTypeReadOnly,
				Rules: []types.ImpersonationRule{{ImpersonationRuleId: aws.String("r"), Effect: types.AccessEffectAllow, TargetUsers: []string{"alice"}}}})
			if err == nil {
				mu.Lock()
				created++
				mu.Unlock()
				return
			}
			var le *types.LimitExceededException
			if !errors.As(err, &le) {
				t.Errorf("create q%02d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	if created != 19 {
		t.Fatalf("quota of 20 roles: %d more were created beside the first", created)
	}
}
