//go:build unix

package workmail_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/store"
)

// BenchmarkAccessModel measures, through the whole signed HTTP stack at
// concurrency 16, GetAccessControlEffect (a user by ID, IMAP) and
// GetMobileDeviceAccessEffect against a signed DescribeUser of the same
// organization, with 100 access control rules and 100 mobile device
// access rules, in an organization of 10 users and one of 100,000: the
// effects read the organization's rules, never the directory, so their
// cost does not depend on its size. Besides req/s and latencies, each
// reports the process's CPU time per request (client and server).
//
//	go test -run - -bench AccessModel -benchtime 3s ./internal/workmail/
//
// MAILGATE_BENCH_USERS overrides the size of the large organization,
// MAILGATE_BENCH_ROUNDS the number of rounds (3).
func BenchmarkAccessModel(b *testing.B) {
	large, rounds := 100_000, 3
	if v, err := strconv.Atoi(os.Getenv("MAILGATE_BENCH_USERS")); err == nil && v > 0 {
		large = v
	}
	if v, err := strconv.Atoi(os.Getenv("MAILGATE_BENCH_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	for _, n := range []int{10, large} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			f := benchOrg(b, n)
			seedAccessRules(b, f, 100)
			seedMobileRules(b, f, 100)
			alice := f.users["alice"]
			effectIn := &workmail.GetAccessControlEffectInput{OrganizationId: &f.org, IpAddress: aws.String("192.0.2.1"), Action: aws.String("IMAP"), UserId: &alice}
			deviceIn := &workmail.GetMobileDeviceAccessEffectInput{OrganizationId: &f.org, DeviceType: aws.String("iPhone"),
				DeviceModel: aws.String("iPhone15,2"), DeviceOperatingSystem: aws.String("iOS 17.1"), DeviceUserAgent: aws.String("Apple-iPhone15C2/2101.1")}
			wantSeeded(b, f, effectIn, deviceIn)
			bench := map[string]func() error{
				"op=DescribeUser": func() error {
					_, err := f.wm.DescribeUser(f.ctx, &workmail.DescribeUserInput{OrganizationId: &f.org, UserId: &alice})
					return err
				},
				"op=GetAccessControlEffect": func() error {
					_, err := f.wm.GetAccessControlEffect(f.ctx, effectIn)
					return err
				},
				"op=GetMobileDeviceAccessEffect": func() error {
					_, err := f.wm.GetMobileDeviceAccessEffect(f.ctx, deviceIn)
					return err
				},
			}
			// Rounds interleave the operations, so that a change in the
			// machine's load hits all of them.
			for round := 1; round <= rounds; round++ {
				for _, name := range []string{"op=DescribeUser", "op=GetAccessControlEffect", "op=GetMobileDeviceAccessEffect"} {
					b.Run(fmt.Sprintf("%s/concurrency=16/round=%d", name, round), func(b *testing.B) {
						cpu := cpuTime(b)
						concurrently(b, 16, bench[name])
						b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
					})
				}
			}
		})
	}
}

// cpuTime is the CPU time the process has used (user and system): per
// request, it is what a request costs the client and server together,
// which the machine's other load changes far less than throughput.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// seedAccessRules gives the organization n access control rules, the
// last one allowing everything, the others (DENY and ALLOW, on actions,
// ranges, users and roles) matching nothing the benchmark asks. The
// documented quota is 10 rules per organization (the model's
// AccessControlRulesList), which PutAccessControlRule enforces, so the
// rules are written through the store, in the record the service keeps
// them in, for this benchmark only.
func seedAccessRules(b *testing.B, f *impFx, n int) {
	type rule struct {
		Name, Effect, Description string
		Actions, NotActions       []string `json:",omitempty"`
		IPRanges, NotIPRanges     []string `json:",omitempty"`
		UserIDs, NotUserIDs       []string `json:",omitempty"`
		RoleIDs                   []string `json:",omitempty"`
		Created, Modified         time.Time
	}
	now := time.Now().UTC()
	var rules []rule
	for i := 0; i < n-1; i++ {
		r := rule{Name: fmt.Sprintf("rule-%03d", i), Effect: []string{"DENY", "ALLOW"}[i%2], Description: "benchmark", Created: now, Modified: now}
		switch i % 4 {
		case 0:
			r.Actions, r.IPRanges = []string{"IMAP", "EWS"}, []string{fmt.Sprintf("10.%d.0.0/16", i), fmt.Sprintf("172.16.%d.0/24", i)}
		case 1:
			r.NotIPRanges, r.UserIDs = []string{"192.0.2.0/24"}, []string{uuid.NewString(), uuid.NewString()}
		case 2:
			r.NotActions, r.NotUserIDs = []string{"IMAP"}, []string{uuid.NewString()}
		case 3:
			r.RoleIDs = []string{uuid.NewString()}
		}
		rules = append(rules, r)
	}
	rules = append(rules, rule{Name: "allow-all", Effect: "ALLOW", Description: "benchmark", Created: now, Modified: now})
	putRecord(b, f, store.RecordAccessControlRule, "rules", map[string]any{"Rules": rules})
	newGeneration(b, f, store.RecordAccessControlRule)
}

// seedMobileRules brings the organization's mobile device access rules
// (its default rule allowing every device included) to n: the others
// deny devices the benchmark's is not. The documented quota is 10 rules,
// so they are written through the store, for this benchmark only.
func seedMobileRules(b *testing.B, f *impFx, n int) {
	now := time.Now().UTC()
	for i := 0; i < n-1; i++ {
		id := uuid.NewString()
		r := map[string]any{"ID": id, "Name": fmt.Sprintf("mobile-%03d", i), "Effect": "DENY", "CreatedAt": now, "UpdatedAt": now}
		switch i % 4 {
		case 0:
			r["DeviceTypes"] = []string{fmt.Sprintf("Android%d", i)}
		case 1:
			r["DeviceModels"], r["DeviceOperatingSystems"] = []string{"Pixel"}, []string{"Android 1"}
		case 2:
			r["DeviceUserAgents"] = []string{fmt.Sprintf("Outlook-%d", i), "$NONE"}
		case 3:
			r["NotDeviceTypes"] = []string{"iPhone", "iPad"}
		}
		putRecord(b, f, store.RecordMobileDeviceAccessRule, id, r)
	}
	newGeneration(b, f, store.RecordMobileDeviceAccessRule)
}

// newGeneration marks rules written through the store as changed, as the
// service does when it writes them.
func newGeneration(b *testing.B, f *impFx, kind string) {
	putRecord(b, f, store.RecordRulesGeneration, kind, map[string]string{"ID": uuid.NewString()})
}

func putRecord(b *testing.B, f *impFx, kind, key string, v any) {
	doc, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	_, err = f.e.Store.PutOrgRecord(context.Background(), f.org, kind, key, 0, func(*store.Record) ([]byte, error) { return doc, nil })
	if err != nil {
		b.Fatal(err)
	}
}

// wantSeeded checks that the service reads the seeded rules: the effects
// are decided by the rules that allow everything.
func wantSeeded(b *testing.B, f *impFx, effectIn *workmail.GetAccessControlEffectInput, deviceIn *workmail.GetMobileDeviceAccessEffectInput) {
	e, err := f.wm.GetAccessControlEffect(f.ctx, effectIn)
	if err != nil || e.Effect != "ALLOW" || !reflect.DeepEqual(e.MatchedRules, []string{"allow-all"}) {
		b.Fatalf("GetAccessControlEffect: %+v %v", e, err)
	}
	d, err := f.wm.GetMobileDeviceAccessEffect(f.ctx, deviceIn)
	if err != nil || d.Effect != "ALLOW" || len(d.MatchedRules) != 1 || *d.MatchedRules[0].Name != "DefaultAllowAll" {
		b.Fatalf("GetMobileDeviceAccessEffect: %+v %v", d, err)
	}
	rules, err := f.e.Store.ListOrgRecords(f.ctx, f.org, store.RecordMobileDeviceAccessRule, "", store.Page{Limit: 1000})
	if err != nil || len(rules) != 100 {
		b.Fatalf("%d mobile device access rules, %v", len(rules), err)
	}
}
