package server_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/mailgate/mailgate/internal/ids"
)

// An access key created through A works on B; deactivating or deleting it
// through A stops it on B with the write's acknowledgement.
func TestReplicasIAMKeyRevocation(t *testing.T) {
	a, b := replicas(t)
	ctx := context.Background()
	user := "u" + ids.AccountID()
	if _, err := a.IAM().CreateUser(ctx, &iam.CreateUserInput{UserName: &user}); err != nil {
		t.Fatal(err)
	}
	k, err := a.IAM().CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: &user})
	if err != nil {
		t.Fatal(err)
	}
	onB := sts.NewFromConfig(b.AWSConfigFor(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
	id, err := onB.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("B refuses a key created on A: %v", err)
	}
	if want := "arn:aws:iam::" + a.AccountID + ":user/" + user; *id.Arn != want {
		t.Fatalf("caller %s, want %s", *id.Arn, want)
	}
	if _, err := a.IAM().UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: &user, AccessKeyId: k.AccessKey.AccessKeyId, Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	_, err = onB.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiErr(t, err, "InvalidClientTokenId", 403)

	if _, err := b.IAM().UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: &user, AccessKeyId: k.AccessKey.AccessKeyId, Status: iamtypes.StatusTypeActive}); err != nil {
		t.Fatal(err)
	}
	onA := sts.NewFromConfig(a.AWSConfigFor(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
	if _, err := onA.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("reactivated through B, refused by A: %v", err)
	}
	if _, err := b.IAM().DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: &user, AccessKeyId: k.AccessKey.AccessKeyId}); err != nil {
		t.Fatal(err)
	}
	_, err = onA.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiErr(t, err, "InvalidClientTokenId", 403)
}

// Writers on both replicas race to add versions to one managed policy:
// the five-version quota holds and every acknowledged version exists.
func TestReplicasPolicyVersionQuota(t *testing.T) {
	a, b := replicas(t)
	ctx := context.Background()
	doc := func(i int) *string {
		return aws.String(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"S%d","Effect":"Allow","Action":"workmail:ListUsers","Resource":"*"}]}`, i))
	}
	p, err := a.IAM().CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p" + ids.AccountID()), PolicyDocument: doc(0)})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var acked []string
	for i := 1; i <= 12; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := a.IAM()
			if i%2 == 0 {
				c = b.IAM()
			}
			out, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: p.Policy.Arn, PolicyDocument: doc(i), SetAsDefault: i%3 == 0})
			if err != nil {
				var le *iamtypes.LimitExceededException
				if !errors.As(err, &le) {
					t.Errorf("version %d: %v", i, err)
				}
				return
			}
			mu.Lock()
			acked = append(acked, *out.PolicyVersion.VersionId)
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if len(acked) != 4 {
		t.Fatalf("5-version quota: %d versions were added to the first", len(acked))
	}
	vs, err := b.IAM().ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: p.Policy.Arn})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	defaults := 0
	for _, v := range vs.Versions {
		have[*v.VersionId] = true
		if v.IsDefaultVersion {
			defaults++
		}
	}
	for _, id := range acked {
		if !have[id] {
			t.Fatalf("acknowledged version %s lost; have %v", id, have)
		}
	}
	if len(vs.Versions) != 5 || defaults != 1 {
		t.Fatalf("%d versions, %d default", len(vs.Versions), defaults)
	}
}
