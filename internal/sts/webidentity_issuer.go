package sts

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/go-jose/go-jose/v4"

	"github.com/mailgate/mailgate/internal/iam"
)

// Well-known paths under an issuer.
const (
	discoveryPath = "/.well-known/openid-configuration"
	jwksPath      = "/.well-known/jwks.json"
)

// ServeIssuer answers the OIDC discovery document and the JWKS of an
// account's outbound federation issuer
// (<public URL>/_mailgate/issuer/<account>/<issuer ID>/.well-known/...),
// which external services read to verify GetWebIdentityToken's tokens.
// They stay published while the feature is disabled, so that tokens
// already issued still verify until they expire. It returns the status
// written.
func (s *Service) ServeIssuer(w http.ResponseWriter, r *http.Request) int {
	rest := strings.TrimPrefix(r.URL.Path, iam.OutboundIssuerPath)
	account, rest, _ := strings.Cut(rest, "/")
	id, doc, _ := strings.Cut(rest, "/")
	doc = "/" + doc
	if r.Method != http.MethodGet && r.Method != http.MethodHead || (doc != discoveryPath && doc != jwksPath) {
		http.NotFound(w, r)
		return http.StatusNotFound
	}
	o, ok, err := iam.LookupOutboundFederation(r.Context(), s.st, account)
	if err != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return http.StatusServiceUnavailable
	}
	if !ok || o.IssuerID != id {
		http.NotFound(w, r)
		return http.StatusNotFound
	}
	var body any
	if doc == discoveryPath {
		body = map[string]any{
			"issuer":                                o.Issuer,
			"jwks_uri":                              o.Issuer + jwksPath,
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{string(jose.RS256), string(jose.ES384)},
		}
	} else {
		rk, ek, err := o.SigningKeys()
		if err != nil {
			http.Error(w, "unavailable", http.StatusInternalServerError)
			return http.StatusInternalServerError
		}
		body = jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
			{Key: &rk.PublicKey, KeyID: o.KeyID(string(jose.RS256)), Algorithm: string(jose.RS256), Use: "sig"},
			{Key: &ek.PublicKey, KeyID: o.KeyID(string(jose.ES384)), Algorithm: string(jose.ES384), Use: "sig"},
		}}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "max-age=300")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(body)
	return http.StatusOK
}
