package server

import (
	"net/http"
	"net/netip"
	"strings"
)

// Transport security of the requests that carry mailbox credentials.
//
// The sign-in and personal access token endpoints receive passwords, ID
// tokens and personal access tokens. They refuse a request that came in
// plain HTTP from another host, with 403 invalid_request, unless:
//
//   - it came over TLS (--tls-cert-file);
//   - it came from a trusted proxy (Config.TrustedProxies) whose
//     X-Forwarded-Proto says https: the proxy terminated TLS. A trusted
//     proxy that says http is refused even on loopback;
//   - it came from a loopback address (a proxy on the same host, a local
//     test);
//   - the operator allowed it (Config.AllowInsecureSignIn).

// secure reports whether the request reached mailgate over TLS, directly
// or through a trusted proxy that says so. It is aws:SecureTransport.
func (s *Server) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	proto, ok := s.forwardedProto(r)
	return ok && proto == "https"
}

// forwardedProto is the scheme a trusted proxy received the request in:
// the last X-Forwarded-Proto value, the one the nearest proxy added (a
// client can forge the ones before it).
func (s *Server) forwardedProto(r *http.Request) (string, bool) {
	if len(s.cfg.TrustedProxies) == 0 {
		return "", false
	}
	vals := r.Header.Values("X-Forwarded-Proto")
	if len(vals) == 0 {
		return "", false
	}
	addr, ok := remoteAddr(r)
	if !ok || !s.trustedProxy(addr) {
		return "", false
	}
	last := vals[len(vals)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.ToLower(strings.TrimSpace(last)), true
}

func (s *Server) trustedProxy(addr netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// remoteAddr is the address of the connection's peer.
func remoteAddr(r *http.Request) (netip.Addr, bool) {
	a, err := netip.ParseAddr(sourceIP(r))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// credentialTransportAllowed reports whether a request may carry mailbox
// credentials (see above).
func (s *Server) credentialTransportAllowed(r *http.Request) bool {
	if s.cfg.AllowInsecureSignIn || r.TLS != nil {
		return true
	}
	if proto, ok := s.forwardedProto(r); ok {
		return proto == "https"
	}
	a, ok := remoteAddr(r)
	return ok && a.IsLoopback()
}

// refuseInsecure answers a credential endpoint reached in plain HTTP.
func refuseInsecure(w http.ResponseWriter) int {
	return oauthError(w, http.StatusForbidden, "invalid_request", "Sign-in requires HTTPS.")
}
