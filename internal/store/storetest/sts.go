package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

func testSTS(t *testing.T, s store.Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	sum := sha256.Sum256([]byte("token"))
	sess := store.STSSession{
		AccessKeyID: "ASIA" + randHex(8), SecretAccessKey: "secret/" + randHex(8), TokenSHA256: sum[:], AccountID: newAccountID(),
		Kind: store.SessionAssumedRole, RoleID: "AROA" + randHex(8), RoleName: "r", RolePath: "/p/", SessionName: "s",
		SessionPolicies: []string{`{"Statement":[]}`}, Tags: []store.Tag{{Key: "k", Value: "v"}}, TransitiveTagKeys: []string{"k"},
		SourceIdentity: "me", Chained: true, IssuedAt: now, ExpiresAt: now.Add(time.Hour),
		MFAAuthenticatedAt: now.Add(-time.Minute),
	}
	t.Run("method=PutSTSSession/case=roundtrip", func(t *testing.T) {
		if err := s.PutSTSSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		if err := s.PutSTSSession(ctx, sess); !errors.Is(err, store.ErrAlreadyExists) {
			t.Fatalf("duplicate: %v", err)
		}
		got, err := s.GetSTSSession(ctx, sess.AccessKeyID)
		if err != nil {
			t.Fatal(err)
		}
		if got.SecretAccessKey != sess.SecretAccessKey || !bytes.Equal(got.TokenSHA256, sum[:]) || got.RoleName != "r" || got.RolePath != "/p/" ||
			!got.Chained || got.SourceIdentity != "me" || len(got.Tags) != 1 || got.TransitiveTagKeys[0] != "k" || len(got.SessionPolicies) != 1 ||
			!got.IssuedAt.Equal(now) || !got.ExpiresAt.Equal(now.Add(time.Hour)) {
			t.Fatalf("session: %+v", got)
		}
		if !got.MFAAuthenticatedAt.Equal(now.Add(-time.Minute)) {
			t.Fatalf("MFA time: %v", got.MFAAuthenticatedAt)
		}
		if _, err := s.GetSTSSession(ctx, "ASIANOTTHERE"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing: %v", err)
		}
	})
	t.Run("method=DeleteExpiredSTSSessions/case=only-expired", func(t *testing.T) {
		if _, err := s.DeleteExpiredSTSSessions(ctx, now.Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetSTSSession(ctx, sess.AccessKeyID); err != nil {
			t.Fatalf("unexpired session deleted: %v", err)
		}
		if _, err := s.DeleteExpiredSTSSessions(ctx, now.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetSTSSession(ctx, sess.AccessKeyID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired session kept: %v", err)
		}
	})
}
