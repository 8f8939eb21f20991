// Package bootstrap prepares a fresh store: the server's account and its
// root access key, created once and reported once.
package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/store"
)

// Options pin what would otherwise be generated.
type Options struct {
	AccountID           string // 12 digits; "" = the stored default, or a new random one
	RootAccessKeyID     string // with RootSecretAccessKey: pin the root credentials
	RootSecretAccessKey string
	// NoRootKey skips generating a root key when none is pinned (the test
	// mode, where any unknown key already acts as the root).
	NoRootKey bool
}

// Result says what the server runs as.
type Result struct {
	AccountID string
	// NewRootKey is set only when bootstrap created the root key now, so
	// that its secret is shown exactly once.
	NewRootKey *store.AccessKey
}

const defaultAccountSetting = "default_account_id"

var accountPattern = regexp.MustCompile(`^[0-9]{12}$`)

// Run ensures the account and root key exist.
func Run(ctx context.Context, st store.Store, opts Options) (*Result, error) {
	if opts.AccountID != "" && !accountPattern.MatchString(opts.AccountID) {
		return nil, fmt.Errorf("account ID must be 12 digits, got %q", opts.AccountID)
	}
	if (opts.RootAccessKeyID == "") != (opts.RootSecretAccessKey == "") {
		return nil, errors.New("root access key ID and secret access key are given together or not at all")
	}
	acct := opts.AccountID
	if acct == "" {
		stored, err := st.PutSettingIfAbsent(ctx, defaultAccountSetting, ids.AccountID())
		if err != nil {
			return nil, err
		}
		acct = stored
	}
	if err := st.CreateAccount(ctx, store.Account{ID: acct, CreatedAt: time.Now().UTC()}); err != nil && !errors.Is(err, store.ErrAlreadyExists) {
		return nil, err
	}
	res := &Result{AccountID: acct}

	if opts.RootAccessKeyID != "" {
		return res, pinRootKey(ctx, st, acct, opts)
	}
	if opts.NoRootKey {
		return res, nil
	}
	// One generated root key per account, ever: the marker is written in
	// the same transaction as the key.
	marker := "root_key_created:" + acct
	err := st.InTx(ctx, func(ctx context.Context) error {
		if _, err := st.GetSetting(ctx, marker); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		k := store.AccessKey{AccessKeyID: ids.AccessKeyID(ids.PrefixAccessKey), SecretAccessKey: ids.SecretAccessKey(), AccountID: acct, Status: "Active", CreatedAt: time.Now().UTC()}
		if err := st.PutAccessKey(ctx, k); err != nil {
			return err
		}
		if _, err := st.PutSettingIfAbsent(ctx, marker, k.AccessKeyID); err != nil {
			return err
		}
		res.NewRootKey = &k
		return nil
	})
	return res, err
}

func pinRootKey(ctx context.Context, st store.Store, acct string, opts Options) error {
	return st.InTx(ctx, func(ctx context.Context) error {
		k, err := st.GetAccessKey(ctx, opts.RootAccessKeyID)
		switch {
		case err == nil && k.AccountID == acct && k.UserName == "" && k.SecretAccessKey == opts.RootSecretAccessKey && k.Status == "Active":
			return nil
		case err == nil:
			// Pinned credentials win over whatever the key was before.
			if err := st.DeleteAccessKey(ctx, k.AccessKeyID); err != nil {
				return err
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		return st.PutAccessKey(ctx, store.AccessKey{AccessKeyID: opts.RootAccessKeyID, SecretAccessKey: opts.RootSecretAccessKey, AccountID: acct, Status: "Active", CreatedAt: time.Now().UTC()})
	})
}
