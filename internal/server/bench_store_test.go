package server_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"

	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/testenv"
)

// BenchmarkStores compares the two backends on a read (signed
// GetImpersonationRoleEffect) and a write (signed CreateRole), each sent
// by the AWS SDK through the whole HTTP stack at concurrency 16. The
// PostgreSQL runs need MAILGATE_TEST_POSTGRES.
func BenchmarkStores(b *testing.B) {
	stores := []struct{ name, url string }{{"sqlite", b.TempDir() + "/bench.db"}}
	if pg := os.Getenv("MAILGATE_TEST_POSTGRES"); pg != "" {
		stores = append(stores, struct{ name, url string }{"postgres", pg})
	} else {
		b.Log("MAILGATE_TEST_POSTGRES not set: SQLite only")
	}
	for _, st := range stores {
		e := testenv.New(b, testenv.Options{StoreURL: st.url})
		ctx := context.Background()
		wm := e.WorkMail()
		org, err := wm.CreateOrganization(ctx, &workmail.CreateOrganizationInput{Alias: aws.String("bench-" + ids.AccountID())})
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range []string{"alice", "bob"} {
			if _, err := wm.CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: org.OrganizationId, Name: aws.String(n), DisplayName: aws.String(n)}); err != nil {
				b.Fatal(err)
			}
		}
		role, err := wm.CreateImpersonationRole(ctx, &workmail.CreateImpersonationRoleInput{OrganizationId: org.OrganizationId, Name: aws.String("r"), Type: types.ImpersonationRoleTypeFullAccess,
			Rules: []types.ImpersonationRule{
				{ImpersonationRuleId: aws.String("deny-bob"), Effect: types.AccessEffectDeny, TargetUsers: []string{"bob"}},
				{ImpersonationRuleId: aws.String("allow-all"), Effect: types.AccessEffectAllow, NotTargetUsers: []string{"bob"}},
			}})
		if err != nil {
			b.Fatal(err)
		}
		in := &workmail.GetImpersonationRoleEffectInput{OrganizationId: org.OrganizationId, ImpersonationRoleId: role.ImpersonationRoleId, TargetUser: aws.String("alice")}
		b.Run("store="+st.name+"/op=GetImpersonationRoleEffect", func(b *testing.B) {
			parallel16(b, func() error {
				_, err := wm.GetImpersonationRoleEffect(ctx, in)
				return err
			})
		})
		im := e.IAM()
		var n atomic.Int64
		prefix := ids.AccountID()
		b.Run("store="+st.name+"/op=CreateRole", func(b *testing.B) {
			parallel16(b, func() error {
				_, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(fmt.Sprintf("r%s-%d", prefix, n.Add(1))),
					AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
				return err
			})
		})
	}
}

// parallel16 runs op from 16 goroutines and reports requests per second.
func parallel16(b *testing.B, op func() error) {
	b.ReportAllocs()
	b.SetParallelism(16)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}
