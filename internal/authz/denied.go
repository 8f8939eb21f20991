package authz

import (
	"encoding/base64"
	"encoding/json"

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
// sts:DecodeAuthorizationMessage reads: the JSON AWS documents (allowed,
// explicitDeny, matchedStatements, failures, context) with mailgate's
// explanation, base64url-encoded. It appears in the server's log of each
// denial, never in responses.
func EncodeAuthorizationMessage(req *reqctx.Request, ex *policy.Explanation) string {
	type stmt struct {
		SourcePolicyID   string `json:"sourcePolicyId"`
		SourcePolicyType string `json:"sourcePolicyType"`
		StartLine        int    `json:"startLine"`
		EndLine          int    `json:"endLine"`
	}
	m := struct {
		Allowed           bool           `json:"allowed"`
		ExplicitDeny      bool           `json:"explicitDeny"`
		MatchedStatements []stmt         `json:"matchedStatements"`
		Failures          []string       `json:"failures"`
		Context           map[string]any `json:"context"`
	}{Allowed: ex.Decision == policy.Allowed, ExplicitDeny: ex.Decision == policy.ExplicitDeny, MatchedStatements: []stmt{},
		Failures: []string{ex.String()},
		Context:  map[string]any{"principal": map[string]string{"arn": callerArn(req)}, "action": req.Action, "resource": req.Resource}}
	for _, s := range ex.Matched() {
		m.MatchedStatements = append(m.MatchedStatements, stmt{s.Source.ID, s.Source.Type, s.Span.StartLine, s.Span.EndLine})
	}
	b, _ := json.Marshal(m)
	return MessagePrefix + base64.RawURLEncoding.EncodeToString(b)
}
