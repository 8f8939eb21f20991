package iam_test

// Tests of the IAM service through the official AWS SDK for Go v2: real
// HTTP, real SigV4, the real store (SQLite, or PostgreSQL when
// MAILGATE_TEST_STORE names one). Every test runs in its own random
// account, so suites can share a database.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/mailgate/mailgate/internal/testenv"
)

var apiErr = testenv.APIError
var message = testenv.ErrorMessage

var ctx = context.Background()

const trustDoc = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::444455556666:root"]},"Action":"sts:AssumeRole"}}`

const permDoc = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/x"}}`

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func rnd() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func decode(t *testing.T, s *string) string {
	t.Helper()
	if s == nil {
		t.Fatal("no document")
	}
	d, err := url.QueryUnescape(*s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newEnv(t *testing.T) (*testenv.Env, *iam.Client) {
	e := testenv.New(t)
	return e, e.IAM()
}

func createRole(t *testing.T, c *iam.Client, name string) {
	t.Helper()
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trustDoc)})
	must(t, err)
}

func createPolicy(t *testing.T, c *iam.Client, name string) string {
	t.Helper()
	out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(permDoc)})
	must(t, err)
	return *out.Policy.Arn
}
