package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/audit"
	"github.com/mailgate/mailgate/internal/introspection"
	"github.com/mailgate/mailgate/internal/mailauth"
	"github.com/mailgate/mailgate/internal/mailfront"
	"github.com/mailgate/mailgate/internal/reqctx"
)

// workmailSource is the eventSource of sign-ins and token uses.
var workmailSource = audit.Source("workmail")

// organization is the account and ARN of a WorkMail organization, for
// the events of its mailbox users ("" when it does not exist).
func (s *Server) organization(ctx context.Context, id string) (account, region string, res []audit.Resource) {
	o, err := s.cfg.Store.GetOrganization(ctx, id)
	if err != nil {
		return "", "", nil
	}
	arn := "arn:" + reqctx.PartitionOf(o.Region) + ":workmail:" + o.Region + ":" + o.AccountID + ":organization/" + o.ID
	return o.AccountID, o.Region, []audit.Resource{{ARN: arn, Type: "AWS::WorkMail::Organization", Name: o.ID}}
}

// mailboxIdentity is the userIdentity of a signed-in mailbox user.
func mailboxIdentity(account string, who *mailauth.Identity) audit.Identity {
	return audit.Identity{Type: audit.IdentityDirectory, PrincipalID: who.UserID, AccountID: account, UserName: who.Name}
}

// auditSignIn queues the record of a sign-in decision. A failed one
// names no user, as CloudTrail hides the user name of a failed console
// sign-in: what was typed may be a password.
func (s *Server) auditSignIn(r *http.Request, req mailauth.SignInRequest, who *mailauth.Identity, err error) {
	if s.cfg.Audit == nil {
		return
	}
	account, region, res := s.organization(r.Context(), req.OrganizationID)
	ev := audit.Event{RequestID: r.Header.Get("x-amzn-RequestId"), AccountID: account, Region: region, SourceIP: sourceIP(r), UserAgent: userAgent(r),
		Source: workmailSource, Name: "SignIn", Type: audit.TypeConsoleSignIn, Resources: res,
		Identity:   audit.Identity{Type: audit.IdentityUnknown, AccountID: account, UserName: audit.Hidden},
		Response:   audit.Params{Doc: map[string]any{"SignIn": "Success"}},
		Additional: map[string]any{"Method": signInMethod(req), "OrganizationId": req.OrganizationID}}
	if err != nil {
		ev.Response.Doc["SignIn"] = "Failure"
		ev.ErrorMessage = "Failed authentication"
		if !errors.Is(err, mailauth.ErrSignInFailed) {
			ev.ErrorMessage = err.Error()
		}
	} else {
		ev.Identity = mailboxIdentity(account, who)
		if who.PersonalAccessTokenID != "" {
			ev.Additional["PersonalAccessTokenId"] = who.PersonalAccessTokenID
		}
	}
	s.cfg.Audit.Record(r.Context(), ev)
}

// auditMailLogin queues the record of a mail front end's login decision,
// in the shape of an HTTP sign-in's with the protocol, the impersonation
// role and the deciding rules added; a refusal names no user.
func (s *Server) auditMailLogin(ctx context.Context, d mailfront.Decision) {
	if s.cfg.Audit == nil {
		return
	}
	account, region, res := s.organization(ctx, d.OrganizationID)
	ev := audit.Event{Time: d.At, AccountID: account, Region: region, SourceIP: d.RemoteIP, Source: workmailSource,
		Name: "SignIn", Type: audit.TypeConsoleSignIn, Resources: res,
		Identity: audit.Identity{Type: audit.IdentityUnknown, AccountID: account, UserName: audit.Hidden},
		Response: audit.Params{Doc: map[string]any{"SignIn": "Success"}},
		Additional: map[string]any{"Method": d.Kind, "OrganizationId": d.OrganizationID, "Protocol": d.Protocol,
			"ImpersonationRoleId": d.RoleID, "MatchedRules": d.Rules}}
	if d.Allowed {
		ev.Identity = audit.Identity{Type: audit.IdentityDirectory, PrincipalID: d.UserID, AccountID: account, UserName: d.User}
	} else {
		ev.Response.Doc["SignIn"] = "Failure"
		ev.ErrorMessage = "Failed authentication"
	}
	s.cfg.Audit.Record(ctx, ev)
}

func signInMethod(req mailauth.SignInRequest) string {
	switch {
	case req.IDToken != "":
		return mailauth.MethodIDToken
	case introspection.IsPersonalAccessToken(req.Password):
		return mailauth.MethodPersonalAccessToken
	}
	return mailauth.MethodPassword
}

// mailboxUserCall runs fn, a call a signed-in mailbox user makes on the
// personal access token endpoint, and records it: a change in one
// transaction with its record, a listing after it.
func (s *Server) mailboxUserCall(r *http.Request, name string, who *mailauth.Identity, params map[string]any, fn func(ctx context.Context) (map[string]any, error)) error {
	if s.cfg.Audit == nil {
		_, err := fn(r.Context())
		return err
	}
	account, region, res := s.organization(r.Context(), who.OrganizationID)
	ev := audit.Event{RequestID: r.Header.Get("x-amzn-RequestId"), AccountID: account, Region: region, SourceIP: sourceIP(r), UserAgent: userAgent(r),
		Source: workmailSource, Name: name, Identity: mailboxIdentity(account, who), Resources: res, ReadOnly: readOnly(name),
		Request: audit.Params{Doc: params}}
	if ev.ReadOnly {
		_, err := fn(r.Context())
		s.recordFailure(r.Context(), &ev, err)
		s.cfg.Audit.Record(r.Context(), ev)
		return err
	}
	var rec audit.Written
	err := s.cfg.Store.InTx(r.Context(), func(ctx context.Context) error {
		out, err := fn(ctx)
		if err != nil {
			return err
		}
		ev.Response.Doc = out
		rec, err = s.cfg.Audit.Write(ctx, ev)
		return err
	})
	if err != nil {
		s.recordFailure(r.Context(), &ev, err)
		s.cfg.Audit.Record(r.Context(), ev)
		return err
	}
	s.cfg.Audit.Committed(rec)
	return nil
}

// recordFailure sets the error of an event.
func (s *Server) recordFailure(_ context.Context, ev *audit.Event, err error) {
	if err == nil {
		return
	}
	ev.ErrorCode, ev.ErrorMessage = "Failure", err.Error()
	if ae, ok := apierror.As(err); ok {
		ev.ErrorCode, ev.ErrorMessage = ae.ErrorCode(), ae.ErrorMessage()
	}
}

// auditIntrospection queues the record of a token check: the use of an
// impersonation or personal access token by the mail front end that
// asks. denied is the Authorizer's refusal.
func (s *Server) auditIntrospection(c *call, token, mailbox string, res *TokenIntrospection, denied bool) {
	if s.cfg.Audit == nil || c.req.Caller == nil || c.req.Caller.AccountID == "" {
		return
	}
	ev := s.requestEvent(c.req, c.audit.userAgent)
	ev.Source, ev.Name, ev.ReadOnly, ev.Data = workmailSource, "IntrospectImpersonationToken", true, true
	if introspection.IsPersonalAccessToken(token) {
		ev.Name = "IntrospectPersonalAccessToken"
	}
	ev.Request.Doc = map[string]any{"token": audit.Hidden}
	if mailbox != "" {
		ev.Request.Doc["mailbox"] = mailbox
	}
	if denied {
		ev.ErrorCode = apierror.AccessDenied.JSONCode
		ev.ErrorMessage = "User: " + c.req.Caller.Arn + " is not authorized to perform: " + IntrospectAction + " on resource: " + c.req.Resource
	}
	ev.Response.Doc = introspectionElements(res)
	ev.Resources = resourcesOf([]string{c.req.Resource})
	s.cfg.Audit.Record(context.Background(), ev)
}

// introspectionElements are the response elements of a token check: who
// the token acts for and what it may do, never the token.
func introspectionElements(res *TokenIntrospection) map[string]any {
	m := map[string]any{"active": res.Active}
	for k, v := range map[string]string{"sub": res.Sub, "organizationId": res.OrganizationID, "impersonationRoleId": res.ImpersonationRoleID,
		"roleType": res.RoleType, "mailbox": res.Mailbox, "mailboxUserId": res.MailboxUserID, "userId": res.UserID,
		"personalAccessTokenId": res.PersonalAccessTokenID, "scope": res.Scope} {
		if v != "" {
			m[k] = v
		}
	}
	if res.MailboxAllowed != nil {
		m["mailboxAllowed"] = *res.MailboxAllowed
	}
	return m
}
