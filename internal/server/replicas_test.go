package server_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"

	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/store"
	"github.com/mailgate/mailgate/internal/testenv"
)

// replicas starts two servers on one PostgreSQL database, as two mailgate
// processes behind a load balancer would run.
func replicas(t *testing.T) (a, b *testenv.Env) {
	url := os.Getenv("MAILGATE_TEST_POSTGRES")
	if url == "" {
		t.Skip("MAILGATE_TEST_POSTGRES not set")
	}
	a = testenv.New(t, testenv.Options{StoreURL: url})
	return a, testenv.NewReplica(t, a)
}

func TestReplicasReadYourWrites(t *testing.T) {
	a, b := replicas(t)
	ctx := context.Background()
	org, err := a.WorkMail().CreateOrganization(ctx, &workmail.CreateOrganizationInput{Alias: aws.String("rep-" + ids.AccountID())})
	if err != nil {
		t.Fatal(err)
	}
	// Acknowledged on A, visible on B at once.
	d, err := b.WorkMail().DescribeOrganization(ctx, &workmail.DescribeOrganizationInput{OrganizationId: org.OrganizationId})
	if err != nil || *d.State != "Active" {
		t.Fatalf("B does not see A's organization: %v %v", d, err)
	}
	u, err := b.WorkMail().CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: org.OrganizationId, Name: aws.String("carol"), DisplayName: aws.String("Carol")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.WorkMail().DescribeUser(ctx, &workmail.DescribeUserInput{OrganizationId: org.OrganizationId, UserId: aws.String("carol")})
	if err != nil || *got.UserId != *u.UserId {
		t.Fatalf("A does not see B's user: %v %v", got, err)
	}
	// A uniqueness rule holds across replicas.
	_, err = a.WorkMail().CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: org.OrganizationId, Name: aws.String("CAROL"), DisplayName: aws.String("Carol")})
	var na *types.NameAvailabilityException
	if !errors.As(err, &na) {
		t.Fatalf("duplicate name across replicas: %v", err)
	}
}

func TestReplicasKeyRevocation(t *testing.T) {
	a, b := replicas(t)
	ctx := context.Background()
	k := store.AccessKey{AccessKeyID: ids.AccessKeyID(ids.PrefixAccessKey), SecretAccessKey: ids.SecretAccessKey(), AccountID: a.AccountID, Status: "Active", CreatedAt: time.Now()}
	if err := a.Store.PutAccessKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	onB := sts.NewFromConfig(b.AWSConfigFor(k.AccessKeyID, k.SecretAccessKey, ""))
	if _, err := onB.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("key written through A refused by B: %v", err)
	}
	if err := a.Store.DeleteAccessKey(ctx, k.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	_, err := onB.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiErr(t, err, "InvalidClientTokenId", 403)
}

func TestReplicasConcurrentWriters(t *testing.T) {
	a, b := replicas(t)
	ctx := context.Background()
	org, err := a.WorkMail().CreateOrganization(ctx, &workmail.CreateOrganizationInput{Alias: aws.String("conc-" + ids.AccountID())})
	if err != nil {
		t.Fatal(err)
	}
	// 24 writers split over both replicas create distinct users and race
	// for one shared name: every distinct user lands, the shared name once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := 0; i < 24; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			wm := a.WorkMail()
			if i%2 == 1 {
				wm = b.WorkMail()
			}
			if _, err := wm.CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: org.OrganizationId, Name: aws.String(fmt.Sprintf("user%02d", i)), DisplayName: aws.String("U")}); err != nil {
				t.Errorf("user%02d: %v", i, err)
			}
			_, err := wm.CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: org.OrganizationId, Name: aws.String("shared"), DisplayName: aws.String("S")})
			if err == nil {
				mu.Lock()
				won++
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("shared name created %d times", won)
	}
	n := 0
	p := workmail.NewListUsersPaginator(b.WorkMail(), &workmail.ListUsersInput{OrganizationId: org.OrganizationId})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Users)
	}
	if n != 25 {
		t.Fatalf("want 25 users, got %d", n)
	}
}
