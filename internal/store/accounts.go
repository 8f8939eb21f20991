package store

import (
	"context"
	"time"
)

// Account is an AWS-style account: the tenant every resource belongs to.
type Account struct {
	ID        string // 12 digits
	CreatedAt time.Time
}

// AccessKey is a SigV4 credential. The secret is sealed at rest by the
// backend; records returned by the store carry it in the clear.
type AccessKey struct {
	AccessKeyID     string
	SecretAccessKey string
	AccountID       string
	// UserName is the IAM user that owns the key; "" for the account root.
	UserName  string
	Status    string // "Active" or "Inactive"
	CreatedAt time.Time
}

// Accounts holds accounts and their access keys.
type Accounts interface {
	Settings
	CreateAccount(ctx context.Context, a Account) error
	GetAccount(ctx context.Context, id string) (*Account, error)
	ListAccounts(ctx context.Context) ([]Account, error)

	// PutAccessKey creates a key (ErrAlreadyExists when the ID is taken).
	PutAccessKey(ctx context.Context, k AccessKey) error
	GetAccessKey(ctx context.Context, accessKeyID string) (*AccessKey, error)
	DeleteAccessKey(ctx context.Context, accessKeyID string) error
}
