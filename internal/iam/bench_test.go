package iam_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/mailgate/mailgate/internal/testenv"
)

// seedRoles creates n roles through the API, eight requests at a time.
func seedRoles(b *testing.B, c *iam.Client, n int) {
	b.Helper()
	const workers = 8
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func(w int) {
			for i := w; i < n; i += workers {
				if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(fmt.Sprintf("role-%05d", i)), AssumeRolePolicyDocument: aws.String(trustDoc)}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}(w)
	}
	for w := 0; w < workers; w++ {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetRole is a signed GetRole through the whole stack (SDK
// client, loopback HTTP, SigV4, decode, validate, authorize, store,
// encode).
func BenchmarkGetRole(b *testing.B) {
	e := testenv.New(b)
	c := e.IAM()
	seedRoles(b, c, 10)
	in := &iam.GetRoleInput{RoleName: aws.String("role-00005")}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := c.GetRole(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkListRoles reads the first page (5 roles), the next one and
// one 9,000 roles in (with 10 roles: the second again), with 10 and with 10,000 roles: keyset pagination makes a
// page cost the same however many roles there are.
func BenchmarkListRoles(b *testing.B) {
	for _, n := range []int{10, 10000} {
		b.Run(fmt.Sprintf("roles=%d", n), func(b *testing.B) {
			e := testenv.New(b)
			c := e.IAM()
			seedRoles(b, c, n)
			first, err := c.ListRoles(ctx, &iam.ListRolesInput{MaxItems: aws.Int32(5)})
			if err != nil {
				b.Fatal(err)
			}
			deep := first.Marker
			if n > 1000 { // a marker 9,000 roles in
				for i := 0; i < 9; i++ {
					out, err := c.ListRoles(ctx, &iam.ListRolesInput{MaxItems: aws.Int32(1000), Marker: deep})
					if err != nil {
						b.Fatal(err)
					}
					deep = out.Marker
				}
			}
			for _, page := range []struct {
				name   string
				marker *string
			}{{"first-page", nil}, {"second-page", first.Marker}, {"deep-page", deep}} {
				b.Run(page.name, func(b *testing.B) {
					in := &iam.ListRolesInput{MaxItems: aws.Int32(5), Marker: page.marker}
					b.ReportAllocs()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						out, err := c.ListRoles(ctx, in)
						if err != nil {
							b.Fatal(err)
						}
						if len(out.Roles) != 5 {
							b.Fatalf("%d roles", len(out.Roles))
						}
					}
				})
			}
		})
	}
}

// BenchmarkRoleMemory reports the server's heap after creating 10,000
// roles: the roles live in the store, not in memory.
func BenchmarkRoleMemory(b *testing.B) {
	for i := 0; i < b.N; i++ {
		e := testenv.New(b)
		c := e.IAM()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		seedRoles(b, c, 10000)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc)/(1<<20), "heap-MiB")
		b.ReportMetric((float64(after.HeapAlloc)-float64(before.HeapAlloc))/(1<<20), "heap-growth-MiB")
	}
}
