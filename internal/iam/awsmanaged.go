package iam

import (
	"context"
	"errors"
	"log/slog"
	"sort"

	"github.com/mailgate/mailgate/internal/arn"
	"github.com/mailgate/mailgate/internal/iam/managed"
	"github.com/mailgate/mailgate/internal/store"
)

// AWS-managed policies come from the embedded catalogue (package
// managed). The store holds a row only for those an account has used
// (attached or set as a boundary): the attachment needs a policy row to
// point at, and the authorizer reads documents from the store. Reads,
// listings and versions of the others answer from the catalogue.

// catalogued is the catalogue's policy as the store spells it, with no
// usage (a policy no account uses has no row).
func catalogued(c *managed.Policy) *store.ManagedPolicy {
	return &store.ManagedPolicy{AccountID: store.AWSManagedAccount, ID: c.ID, Name: c.Name, Path: c.Path,
		DefaultVersion: c.DefaultVersion, NextVersion: versionNumber(c.DefaultVersion) + 1, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func versionNumber(v string) int {
	n := 0
	for _, c := range v[min(1, len(v)):] {
		n = n*10 + int(c-'0')
	}
	return n
}

// awsPolicy finds an AWS-managed policy by path and name in the
// catalogue.
func awsPolicy(path, name string) (*managed.Policy, bool) {
	c, ok := managed.Lookup(name)
	if !ok || c.Path != path || c.Name != name {
		return nil, false
	}
	return c, true
}

// materialize writes the row of an AWS-managed policy an operation is
// about to attach or set as a boundary. It runs before the operation's
// transaction: a concurrent writer's duplicate is harmless outside one.
func (s *Service) materialize(ctx context.Context, policyARN string) error {
	owner, path, name, ok := arn.Policy(policyARN)
	if !ok || owner != store.AWSManagedAccount {
		return nil
	}
	c, ok := awsPolicy(path, name)
	if !ok {
		return nil
	}
	if _, err := s.st.GetManagedPolicy(ctx, owner, c.Name, ""); !errors.Is(err, store.ErrNotFound) {
		return err
	}
	err := s.st.CreateManagedPolicy(ctx, *catalogued(c), store.PolicyVersion{VersionID: c.DefaultVersion, Document: c.Document, CreatedAt: c.UpdatedAt}, nil)
	if errors.Is(err, store.ErrAlreadyExists) {
		return nil
	}
	return err
}

// seed brings the rows of AWS-managed policies in use up to the
// catalogue once per process: a refreshed catalogue's new default
// version replaces the stored one.
func (s *Service) seed(ctx context.Context) error {
	s.seedMu.Lock()
	defer s.seedMu.Unlock()
	if s.seeded.Load() {
		return nil
	}
	f := store.PolicyFilter{Accounts: []string{store.AWSManagedAccount}}
	page := store.Page{Limit: 500}
	for {
		ps, err := s.st.ListManagedPolicies(ctx, "", f, page)
		if err != nil {
			return err
		}
		for i := range ps {
			// Another server refreshing the same row at once makes one of
			// the two fail; the other's refresh stands.
			if err := s.refresh(ctx, &ps[i]); err != nil {
				if store.IsUnavailable(err) {
					return err
				}
				slog.Warn("iam: refreshing an AWS-managed policy", "policy", ps[i].Name, "err", err)
			}
		}
		if len(ps) < page.Limit {
			break
		}
		page.After = store.PolicyCursor(ps[len(ps)-1])
	}
	s.seeded.Store(true)
	return nil
}

// refresh replaces a stored AWS-managed policy's versions by the
// catalogue's default version when they differ.
func (s *Service) refresh(ctx context.Context, p *store.ManagedPolicy) error {
	c, ok := managed.ByID(p.ID)
	if !ok {
		return nil // no longer published: kept as it was for its attachments
	}
	vs, err := s.st.ListPolicyVersions(ctx, p.ID)
	if err != nil {
		return err
	}
	if len(vs) == 1 && vs[0].VersionID == c.DefaultVersion && p.DefaultVersion == c.DefaultVersion && vs[0].Document == c.Document {
		return nil
	}
	return s.st.InTx(ctx, func(ctx context.Context) error {
		for _, v := range vs {
			if err := s.st.DeletePolicyVersion(ctx, p.ID, v.VersionID); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		if err := s.st.PutPolicyVersion(ctx, store.PolicyVersion{PolicyID: p.ID, VersionID: c.DefaultVersion, Document: c.Document, CreatedAt: c.UpdatedAt}); err != nil {
			return err
		}
		_, err := s.st.UpdateManagedPolicy(ctx, p.ID, func(m *store.ManagedPolicy) error {
			m.DefaultVersion, m.NextVersion, m.UpdatedAt = c.DefaultVersion, versionNumber(c.DefaultVersion)+1, c.UpdatedAt
			return nil
		})
		return err
	})
}

// withCatalogue merges a page of policies read from the store (customer
// policies and the AWS-managed ones in use, with their usage) with the
// catalogue's policies after the same cursor: the first n of both, in
// listing order, a stored row standing for its catalogue entry.
func withCatalogue(stored []store.ManagedPolicy, after, prefix string, n int) []store.ManagedPolicy {
	seen := make(map[string]bool, len(stored))
	for _, p := range stored {
		seen[p.ID] = true
	}
	out := stored
	for _, c := range managed.After(after, prefix, n) {
		if !seen[c.ID] {
			out = append(out, *catalogued(c))
		}
	}
	sort.Slice(out, func(i, j int) bool { return store.PolicyCursor(out[i]) < store.PolicyCursor(out[j]) })
	return out[:min(n, len(out))]
}
