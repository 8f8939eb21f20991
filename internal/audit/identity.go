package audit

import (
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/reqctx"
)

// Identity is CloudTrail's userIdentity.
type Identity struct {
	Type           string          `json:"type"`
	PrincipalID    string          `json:"principalId,omitempty"`
	ARN            string          `json:"arn,omitempty"`
	AccountID      string          `json:"accountId,omitempty"`
	AccessKeyID    string          `json:"accessKeyId,omitempty"`
	UserName       string          `json:"userName,omitempty"`
	SessionContext *SessionContext `json:"sessionContext,omitempty"`
}

// SessionContext describes temporary credentials.
type SessionContext struct {
	SessionIssuer  *SessionIssuer `json:"sessionIssuer,omitempty"`
	Attributes     SessionAttrs   `json:"attributes"`
	SourceIdentity string         `json:"sourceIdentity,omitempty"`
}

// SessionIssuer is the role (or user) a session was issued for.
type SessionIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	ARN         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName"`
}

// SessionAttrs are a session's attributes.
type SessionAttrs struct {
	CreationDate     string `json:"creationDate"`
	MFAAuthenticated string `json:"mfaAuthenticated"`
}

// Identity types (userIdentity.type).
const (
	IdentityRoot        = "Root"
	IdentityIAMUser     = "IAMUser"
	IdentityAssumedRole = "AssumedRole"
	// IdentityDirectory is a mailbox user of a WorkMail directory.
	IdentityDirectory = "Directory"
	IdentityUnknown   = "Unknown"
)

// IdentityOf is the userIdentity of an authenticated caller.
func IdentityOf(c *reqctx.Caller) Identity {
	if c == nil || c.AccountID == "" {
		return Identity{Type: IdentityUnknown}
	}
	id := Identity{PrincipalID: c.UserID, ARN: c.Arn, AccountID: c.AccountID, AccessKeyID: c.AccessKeyID}
	switch {
	case c.Root:
		id.Type, id.PrincipalID = IdentityRoot, c.AccountID
	case c.Type == "AssumedRole":
		id.Type = IdentityAssumedRole
		id.SessionContext = &SessionContext{SessionIssuer: &SessionIssuer{Type: "Role", PrincipalID: c.EntityID, ARN: c.RoleArn, AccountID: c.AccountID, UserName: c.RoleName}}
	default:
		id.Type, id.UserName = IdentityIAMUser, c.UserName
	}
	if c.Session != nil {
		if id.SessionContext == nil {
			id.SessionContext = &SessionContext{}
		}
		id.SessionContext.Attributes = SessionAttrs{CreationDate: formatTime(c.Session.IssuedAt), MFAAuthenticated: "false"}
		id.SessionContext.SourceIdentity = c.Session.SourceIdentity
	}
	return id
}

// LookupName is the name LookupEvents finds the identity's events by
// (its Username): the user name, "root", or a role session's name.
func (id Identity) LookupName() string {
	switch id.Type {
	case IdentityRoot:
		return "root"
	case IdentityAssumedRole:
		if i := strings.LastIndexByte(id.ARN, '/'); i >= 0 {
			return id.ARN[i+1:]
		}
	}
	return id.UserName
}

// formatTime is CloudTrail's time format: UTC, to the second.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
