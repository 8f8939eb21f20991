package workmail_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"
	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/store"
)

// BenchmarkImpersonation measures, through the whole signed HTTP stack at
// concurrency 16 (AWS SDK client, SigV4, decode, validate, store, encode),
// GetImpersonationRoleEffect (target by ID, as DescribeUser's, and by
// address) and AssumeImpersonationRole against a signed DescribeUser of
// the same organization, and token introspection (mailbox by address),
// in an organization of 10 users and one of 100,000 (created directly
// through the store, in batches). Each reports req/s and p50/p99 latency;
// allocations include the client's.
//
//	go test -run - -bench Impersonation -benchtime 3s ./internal/workmail/
//
// MAILGATE_BENCH_USERS overrides the size of the large organization.
func BenchmarkImpersonation(b *testing.B) {
	large := 100_000
	if v, err := strconv.Atoi(os.Getenv("MAILGATE_BENCH_USERS")); err == nil && v > 0 {
		large = v
	}
	for _, n := range []int{10, large} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			f := benchOrg(b, n)
			role := f.createRole(b, rule("a", types.AccessEffectAllow, []string{"alice", "bob", "carol"}, nil),
				rule("d", types.AccessEffectDeny, []string{"bob"}, nil), rule("rest", types.AccessEffectAllow, nil, []string{"dave"}))
			target := "alice@" + f.domain
			tok := *f.assume(b, role).Token
			alice := f.users["alice"]
			bench := map[string]func() error{
				"op=DescribeUser": func() error {
					_, err := f.wm.DescribeUser(f.ctx, &workmail.DescribeUserInput{OrganizationId: &f.org, UserId: &alice})
					return err
				},
				"op=GetImpersonationRoleEffect/target=id": func() error {
					_, err := f.wm.GetImpersonationRoleEffect(f.ctx, &workmail.GetImpersonationRoleEffectInput{OrganizationId: &f.org,
						ImpersonationRoleId: &role, TargetUser: &alice})
					return err
				},
				"op=GetImpersonationRoleEffect/target=email": func() error {
					_, err := f.wm.GetImpersonationRoleEffect(f.ctx, &workmail.GetImpersonationRoleEffectInput{OrganizationId: &f.org,
						ImpersonationRoleId: &role, TargetUser: &target})
					return err
				},
				"op=AssumeImpersonationRole": func() error {
					_, err := f.wm.AssumeImpersonationRole(f.ctx, &workmail.AssumeImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role})
					return err
				},
				"op=Introspect": func() error {
					status, m := f.introspect(b, "", "", url.Values{"token": {tok}, "mailbox": {target}})
					if status != 200 || m["mailbox_allowed"] != true {
						return fmt.Errorf("introspect: %d %v", status, m)
					}
					return nil
				},
			}
			for _, name := range []string{"op=DescribeUser", "op=GetImpersonationRoleEffect/target=id", "op=GetImpersonationRoleEffect/target=email",
				"op=AssumeImpersonationRole", "op=Introspect"} {
				for _, conc := range []int{1, 16} {
					b.Run(fmt.Sprintf("%s/concurrency=%d", name, conc), func(b *testing.B) { concurrently(b, conc, bench[name]) })
				}
			}
		})
	}
}

// benchOrg is an impFx whose organization holds n users, all registered.
func benchOrg(b *testing.B, n int) *impFx {
	f := newImpFx(b, impOpts{})
	ctx := context.Background()
	now := time.Now().UTC()
	const batch = 5000
	for done := len(f.users); done < n; done += batch {
		err := f.e.Store.InTx(ctx, func(ctx context.Context) error {
			for i := done; i < done+batch && i < n; i++ {
				name := "user" + strconv.Itoa(i)
				e := store.Entity{OrgID: f.org, ID: uuid.NewString(), Type: store.EntityUser, Name: name, State: store.EntityEnabled,
					Email: name + "@" + f.domain, DisplayName: name, Role: "USER", CreatedAt: now, EnabledAt: now}
				if err := f.e.Store.CreateEntity(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return f
}

// concurrently runs op from conc goroutines and reports requests per
// second and the p50 and p99 latencies.
func concurrently(b *testing.B, conc int, op func() error) {
	b.ReportAllocs()
	b.SetParallelism((conc + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	var mu sync.Mutex
	var lat []time.Duration
	start := time.Now()
	if conc == 1 {
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			if err := op(); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
	} else {
		b.RunParallel(func(pb *testing.PB) {
			var mine []time.Duration
			for pb.Next() {
				t0 := time.Now()
				if err := op(); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	elapsed := time.Since(start)
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
