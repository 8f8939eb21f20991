package sts_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/reqctx"
)

// decodedMessage is the shape AWS documents for a decoded authorization
// message.
type decodedMessage struct {
	Allowed           bool `json:"allowed"`
	ExplicitDeny      bool `json:"explicitDeny"`
	MatchedStatements struct {
		Items []struct {
			Effect         string `json:"effect"`
			SourcePolicyID string `json:"sourcePolicyId"`
		} `json:"items"`
	} `json:"matchedStatements"`
	Failures struct {
		Items []string `json:"items"`
	} `json:"failures"`
	Context struct {
		Principal struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			ARN  string `json:"arn"`
		} `json:"principal"`
		Action     string `json:"action"`
		Resource   string `json:"resource"`
		Conditions struct {
			Items []struct {
				Key    string `json:"key"`
				Values struct {
					Items []struct {
						Value string `json:"value"`
					} `json:"items"`
				} `json:"values"`
			} `json:"items"`
		} `json:"conditions"`
	} `json:"context"`
}

// lastMessage is the encoded authorization message of the last denial
// in the server's log.
func (f *fx) lastMessage(t *testing.T) string {
	t.Helper()
	l := f.log.String()
	i := strings.LastIndex(l, "authorization_message=")
	if i < 0 {
		t.Fatal("no authorization message logged")
	}
	return strings.Fields(l[i+len("authorization_message="):])[0]
}

// TestDecodeAuthorizationMessage: a denial's message decodes, in AWS's
// shape, for a caller allowed sts:DecodeAuthorizationMessage in the
// denied principal's account, and for no one else.
func TestDecodeAuthorizationMessage(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	alice := f.user(t, "alice")
	f.putUserPolicy(t, "alice", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:DecodeAuthorizationMessage","Resource":"*"},
		{"Effect":"Deny","Action":"iam:DeleteRole","Resource":"*"}]}`)
	bob := f.user(t, "bob")

	decode := func(cfg aws.Config, enc string) (*decodedMessage, error) {
		out, err := sts.NewFromConfig(cfg).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: &enc})
		if err != nil {
			return nil, err
		}
		m := &decodedMessage{}
		if err := json.Unmarshal([]byte(*out.DecodedMessage), m); err != nil {
			t.Fatal(err, *out.DecodedMessage)
		}
		return m, nil
	}

	_, err := iam.NewFromConfig(alice).ListUsers(ctx, &iam.ListUsersInput{})
	apiErr(t, err, "AccessDenied", 403)
	implicit := f.lastMessage(t)
	m, err := decode(alice, implicit)
	must(t, err)
	if m.Allowed || m.ExplicitDeny || len(m.MatchedStatements.Items) != 0 || len(m.Failures.Items) != 1 ||
		m.Context.Action != "iam:ListUsers" || m.Context.Principal.ARN != "arn:aws:iam::"+f.e.AccountID+":user/alice" ||
		m.Context.Principal.Name != "alice" || !strings.HasPrefix(m.Context.Principal.ID, "AIDA") {
		t.Fatalf("implicit deny: %+v", m)
	}
	found := false
	for _, c := range m.Context.Conditions.Items {
		if c.Key == "aws:username" && len(c.Values.Items) == 1 && c.Values.Items[0].Value == "alice" {
			found = true
		}
	}
	if !found {
		t.Fatalf("conditions: %+v", m.Context.Conditions)
	}

	_, err = iam.NewFromConfig(alice).DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("any")})
	apiErr(t, err, "AccessDenied", 403)
	m, err = decode(alice, f.lastMessage(t))
	must(t, err)
	if m.Allowed || !m.ExplicitDeny || len(m.MatchedStatements.Items) != 1 || m.MatchedStatements.Items[0].Effect != "DENY" {
		t.Fatalf("explicit deny: %+v", m)
	}

	t.Run("case=caller-not-allowed", func(t *testing.T) {
		_, err := decode(bob, implicit)
		apiErr(t, err, "AccessDenied", 403)
	})
	t.Run("case=other-account", func(t *testing.T) {
		req := &reqctx.Request{Action: "iam:ListUsers", Resource: "*", Caller: &reqctx.Caller{AccountID: "111122223333", Arn: "arn:aws:iam::111122223333:user/x"}}
		enc := authz.EncodeAuthorizationMessage(req, &policy.Explanation{Decision: policy.ImplicitDeny}, nil)
		_, err := decode(alice, enc)
		apiErr(t, err, "InvalidAuthorizationMessageException", 400)
	})
	t.Run("case=garbage", func(t *testing.T) {
		_, err := decode(alice, "mgam1.!!")
		apiErr(t, err, "InvalidAuthorizationMessageException", 400)
	})
}

// TestGetAccessKeyInfo: the account of long-term and temporary keys, for
// any caller; an unknown key is InvalidParameterValue.
func TestGetAccessKeyInfo(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	alice := f.user(t, "alice")
	f.putUserPolicy(t, "alice", allow("sts:GetAccessKeyInfo", "sts:GetFederationToken"))
	c := sts.NewFromConfig(alice)
	fed, err := c.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("fed")})
	must(t, err)
	for _, id := range []string{f.e.AccessKey, *fed.Credentials.AccessKeyId} {
		out, err := c.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: &id})
		must(t, err)
		if *out.Account != f.e.AccountID {
			t.Fatalf("%s: %s", id, *out.Account)
		}
	}
	_, err = c.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String("ASIAAAAAAAAAAAAAAAAA")})
	apiErr(t, err, "InvalidParameterValue", 400)
	bob := f.user(t, "bob")
	_, err = sts.NewFromConfig(bob).GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: &f.e.AccessKey})
	apiErr(t, err, "AccessDenied", 403)
}
