package workmail

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/store"
)

// Every List* operation pages by a stable key (an ID, a domain name, an
// address) in ascending order. NextToken carries the last key returned,
// MACed together with the listing it belongs to (operation, organization,
// entity, filters): a token is opaque, cannot be forged or moved to
// another listing, and stays valid across restarts and replicas because
// the MAC key lives in the store.
const (
	// defaultMaxResults applies when MaxResults is absent; the model caps
	// MaxResults at 100.
	defaultMaxResults = 100
	tokenMACSize      = 16
	// pageKeySetting names the store setting that holds the MAC key.
	pageKeySetting = "workmail.pagination-key"
)

func (s *Service) paginationKey(ctx context.Context) ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.pageKey != nil {
		return s.pageKey, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	v, err := s.st.PutSettingIfAbsent(ctx, pageKeySetting, hex.EncodeToString(fresh))
	if err != nil {
		return nil, err
	}
	k, err := hex.DecodeString(v)
	if err != nil || len(k) < 16 {
		return nil, fmt.Errorf("workmail: setting %s holds no usable key", pageKeySetting)
	}
	s.pageKey = k
	return k, nil
}

func tokenMAC(key []byte, listing, after string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(listing))
	m.Write([]byte{0})
	m.Write([]byte(after))
	return m.Sum(nil)[:tokenMACSize]
}

// listing identifies one listing for token binding.
func listing(parts ...string) string { return strings.Join(parts, "\x1f") }

func errInvalidToken() error { return workmailapi.NewInvalidParameterException("Invalid NextToken.") }

// startPage turns NextToken and MaxResults into a store page that asks
// for one entry more than the caller wants, to learn whether more follow.
func (s *Service) startPage(ctx context.Context, lst string, token *string, maxResults *int32) (store.Page, int, error) {
	limit := defaultMaxResults
	if maxResults != nil && *maxResults > 0 && *maxResults < defaultMaxResults {
		limit = int(*maxResults)
	}
	p := store.Page{Limit: limit + 1}
	if token == nil {
		return p, limit, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*token)
	if err != nil || len(raw) <= tokenMACSize {
		return p, limit, errInvalidToken()
	}
	key, err := s.paginationKey(ctx)
	if err != nil {
		return p, limit, err
	}
	after := string(raw[tokenMACSize:])
	if !hmac.Equal(raw[:tokenMACSize], tokenMAC(key, lst, after)) {
		return p, limit, errInvalidToken()
	}
	p.After = after
	return p, limit, nil
}

// finishPage trims what startPage over-fetched and returns the token of
// the next page (nil on the last one).
func finishPage[T any](ctx context.Context, s *Service, lst string, items []T, limit int, key func(T) string) ([]T, *string, error) {
	if len(items) <= limit {
		return items, nil, nil
	}
	items = items[:limit]
	k, err := s.paginationKey(ctx)
	if err != nil {
		return nil, nil, err
	}
	after := key(items[len(items)-1])
	tok := base64.RawURLEncoding.EncodeToString(append(tokenMAC(k, lst, after), after...))
	return items, &tok, nil
}

// page is one page of a listing: fetch reads the store page that follows
// NextToken, key is an item's paging key.
func page[T any](ctx context.Context, s *Service, lst string, token *string, maxResults *int32, fetch func(store.Page) ([]T, error), key func(T) string) ([]T, *string, error) {
	p, limit, err := s.startPage(ctx, lst, token, maxResults)
	if err != nil {
		return nil, nil, err
	}
	items, err := fetch(p)
	if err != nil {
		return nil, nil, err
	}
	return finishPage(ctx, s, lst, items, limit, key)
}

// entityID is the paging key of entities.
func entityID(e store.Entity) string { return e.ID }
