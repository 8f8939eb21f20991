package authz

import (
	"encoding/base64"
	"encoding/json"
	"sort"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/reqctx"
)

// AccessDenied is the denial in the shape of the request's service, with
// the message AWS gives: principal, action and resource.
func AccessDenied(req *reqctx.Request) error { return AccessDeniedBecause(req, "") }

// AccessDeniedBecause is AccessDenied with the reason AWS appends ("because
// no identity-based policy allows the iam:GetUser action", "with an
// explicit deny in an identity-based policy").
func AccessDeniedBecause(req *reqctx.Request, reason string) error {
	msg := "User: " + callerArn(req) + " is not authorized to perform: " + req.Action
	if req.Resource != "" && req.Resource != "*" {
		msg += " on resource: " + req.Resource
	}
	if reason != "" {
		msg += " " + reason
	}
	return apierror.AccessDenied.New(protocolOf(req.Service), "%s", msg)
}

// protocolOf is the protocol of a service ("json" when unknown).
func protocolOf(service string) string {
	for _, n := range model.ServiceNames {
		if n == service {
			return model.Get(n).Protocol
		}
	}
	return apierror.ProtocolJSON
}

// MessagePrefix starts every encoded authorization message.
const MessagePrefix = "mgam1."

// EncodeAuthorizationMessage is the decision in the form
// sts:DecodeAuthorizationMessage reads, base64url-encoded: the JSON AWS
// documents, with AWS's {"items": [...]} lists (allowed, explicitDeny,
// matchedStatements, failures, and the context: principal, action,
// resource and the request's condition keys), the deciding statements
// named by policy and lines. AWS puts such a message in the denials of
// some services (EC2's UnauthorizedOperation); IAM, STS and WorkMail
// answer AccessDenied without one, so here it appears in the server's
// log of each denial, never in responses.
func EncodeAuthorizationMessage(req *reqctx.Request, ex *policy.Explanation, conds policy.Context) string {
	type value struct {
		Value string `json:"value"`
	}
	type stmt struct {
		StatementID      string `json:"statementId"`
		Effect           string `json:"effect"`
		SourcePolicyID   string `json:"sourcePolicyId"`
		SourcePolicyType string `json:"sourcePolicyType"`
		StartLine        int    `json:"startLine"`
		EndLine          int    `json:"endLine"`
	}
	type cond struct {
		Key    string       `json:"key"`
		Values items[value] `json:"values"`
	}
	effect := "ALLOW"
	if ex.Decision == policy.ExplicitDeny {
		effect = "DENY"
	}
	matched := items[stmt]{Items: []stmt{}}
	for _, s := range ex.Matched() {
		matched.Items = append(matched.Items, stmt{"", effect, s.Source.ID, s.Source.Type, s.Span.StartLine, s.Span.EndLine})
	}
	keys := make([]string, 0, len(conds))
	for k := range conds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	conditions := items[cond]{Items: []cond{}}
	for _, k := range keys {
		c := cond{Key: k, Values: items[value]{Items: []value{}}}
		for _, v := range conds[k] {
			c.Values.Items = append(c.Values.Items, value{v})
		}
		conditions.Items = append(conditions.Items, c)
	}
	principal := map[string]string{"arn": callerArn(req)}
	if c := req.Caller; c != nil {
		principal["id"] = c.UserID
		if c.UserName != "" {
			principal["name"] = c.UserName
		}
	}
	m := map[string]any{
		"allowed":           ex.Decision == policy.Allowed,
		"explicitDeny":      ex.Decision == policy.ExplicitDeny,
		"matchedStatements": matched,
		"failures":          items[string]{Items: []string{ex.String()}},
		"context": map[string]any{"principal": principal, "action": req.Action, "resource": req.Resource,
			"conditions": conditions},
	}
	b, _ := json.Marshal(m)
	return MessagePrefix + base64.RawURLEncoding.EncodeToString(b)
}

// items is AWS's wrapping of the lists in a decoded message.
type items[T any] struct {
	Items []T `json:"items"`
}

// DecodedPrincipalARN is the ARN of the principal a decoded message was
// denied to ("" when the message has none).
func DecodedPrincipalARN(decoded []byte) string {
	var m struct {
		Context struct {
			Principal struct {
				ARN string `json:"arn"`
			} `json:"principal"`
		} `json:"context"`
	}
	_ = json.Unmarshal(decoded, &m)
	return m.Context.Principal.ARN
}
