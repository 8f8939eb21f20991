package sts

import (
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/mailgate/mailgate/internal/api/stsapi"
	"github.com/mailgate/mailgate/internal/iam"
)

// AWS's sign-in endpoint, the recipient and audience of the assertions
// it accepts, and the attributes it reads (IAM user guide, "Configure
// SAML assertions for the authentication response").
const (
	samlSignIn           = "https://signin.aws.amazon.com/saml"
	samlAudienceURN      = "urn:amazon:webservices"
	samlAttrRole         = "https://aws.amazon.com/SAML/Attributes/Role"
	samlAttrSessionName  = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	samlAttrDuration     = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
	samlAttrSource       = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"
	samlAttrTagPrefix    = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:"
	samlAttrTransitive   = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys"
	samlNameIDFormatPref = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
	samlAssertionNS      = "urn:oasis:names:tc:SAML:2.0:assertion"
)

// samlClaims is what a verified assertion says.
type samlClaims struct {
	Issuer, Subject, SubjectType, Recipient string
	// Roles are the (role ARN, provider ARN) pairs of the Role attribute.
	Roles            [][2]string
	SessionName      string
	SessionDuration  int       // 0: not given
	SessionEnd       time.Time // AuthnStatement SessionNotOnOrAfter (zero: none)
	SourceIdentity   string
	Tags             [][2]string
	TransitiveKeys   []string
	Audiences        []string
	attributesByName map[string][]string
}

// regionalSignIn is the sign-in endpoint of a region, which AWS accepts
// as well as the global one.
func regionalSignIn(region string) string {
	return "https://" + region + ".signin.aws.amazon.com/saml"
}

// verifySAML checks a base64 SAMLResponse against the provider with
// crewjam/saml's service provider (XML signatures by goxmldsig): the
// signature of the response or of its assertion by a certificate of the
// provider's metadata, the issuer, the recipient and audience (AWS's
// sign-in endpoint), the validity window and the status; encrypted
// assertions are decrypted with the provider's private keys.
func verifySAML(b64 string, p *iam.SAMLProvider, region string, now time.Time) (*samlClaims, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		return nil, stsapi.NewInvalidIdentityTokenException("Invalid base64 SAMLResponse (check that the SAMLResponse is base64 encoded)")
	}
	sp := &saml.ServiceProvider{
		EntityID:          samlAudienceURN,
		AllowIDPInitiated: true,
		IDPMetadata:       &saml.EntityDescriptor{EntityID: p.Issuer, IDPSSODescriptors: []saml.IDPSSODescriptor{idpDescriptor(p)}},
		Clock:             dsig.NewFakeClockAt(now),
		ValidateAudienceRestriction: func(a *saml.Assertion) error {
			return checkAudience(a, region)
		},
	}
	for _, k := range p.PrivateKeys {
		if rk, ok := k.(*rsa.PrivateKey); ok {
			sp.DecryptionKeys = append(sp.DecryptionKeys, rk)
		}
	}
	endpoints := []string{samlSignIn}
	if region != "" {
		endpoints = append(endpoints, regionalSignIn(region))
	}
	var a *saml.Assertion
	for _, ep := range endpoints {
		u, _ := url.Parse(ep)
		sp.AcsURL = *u
		if a, err = sp.ParseXMLResponse(raw, nil, *u); err == nil || !errors.Is(err, saml.ErrDestinationMismatch) {
			break
		}
	}
	if err != nil {
		return nil, samlError(err)
	}
	if p.EncryptionRequired && !encrypted(raw) {
		return nil, stsapi.NewInvalidIdentityTokenException("The SAML provider requires encrypted assertions.")
	}
	return claimsOf(a), nil
}

// idpDescriptor carries the provider's signing certificates as the
// service provider reads them.
func idpDescriptor(p *iam.SAMLProvider) saml.IDPSSODescriptor {
	var d saml.IDPSSODescriptor
	for _, c := range p.Certs {
		d.KeyDescriptors = append(d.KeyDescriptors, saml.KeyDescriptor{Use: "signing", KeyInfo: saml.KeyInfo{
			X509Data: saml.X509Data{X509Certificates: []saml.X509Certificate{{Data: base64.StdEncoding.EncodeToString(c.Raw)}}}}})
	}
	return d
}

// checkAudience: every AudienceRestriction names AWS (its sign-in
// endpoint, global or regional, or urn:amazon:webservices).
func checkAudience(a *saml.Assertion, region string) error {
	if a.Conditions == nil || len(a.Conditions.AudienceRestrictions) == 0 {
		return errors.New("no audience restriction")
	}
	for i := range a.Conditions.AudienceRestrictions {
		ok := false
		for _, au := range a.Conditions.AudienceRestrictions[i].AllAudiences() {
			ok = ok || au.Value == samlSignIn || au.Value == samlAudienceURN || (region != "" && au.Value == regionalSignIn(region))
		}
		if !ok {
			return errors.New("audience is not AWS")
		}
	}
	return nil
}

// samlError maps the service provider's refusal to STS's errors.
func samlError(err error) error {
	var status saml.ErrBadStatus
	switch {
	case errors.As(err, &status):
		return stsapi.NewIDPRejectedClaimException("The identity provider did not authenticate the subject: status %s.", status.Status)
	case errors.Is(err, saml.ErrExpired):
		return stsapi.NewExpiredTokenException("Response is expired")
	case errors.Is(err, saml.ErrNotYetValid):
		return stsapi.NewInvalidIdentityTokenException("Response is not yet valid")
	case errors.Is(err, saml.ErrAudienceMismatch):
		return stsapi.NewInvalidIdentityTokenException("The audience of the SAML assertion is not AWS (%s).", samlSignIn)
	case errors.Is(err, saml.ErrIssuerMismatch):
		return stsapi.NewInvalidIdentityTokenException("Issuer does not match the SAML provider's metadata")
	case errors.Is(err, saml.ErrDestinationMismatch):
		return stsapi.NewInvalidIdentityTokenException("The recipient of the SAML assertion is not %s.", samlSignIn)
	case errors.Is(err, saml.ErrInvalidSignature), errors.Is(err, saml.ErrUntrustedCertificate), errors.Is(err, saml.ErrCertificateNotValidNow):
		return stsapi.NewInvalidIdentityTokenException("Signature validation failed. SAML Response rejected")
	}
	return stsapi.NewInvalidIdentityTokenException("Invalid SAML Response")
}

// claimsOf reads the claims AWS uses from a verified assertion.
func claimsOf(a *saml.Assertion) *samlClaims {
	c := &samlClaims{Issuer: a.Issuer.Value, attributesByName: map[string][]string{}}
	if s := a.Subject; s != nil {
		if s.NameID != nil {
			c.Subject = s.NameID.Value
			c.SubjectType = strings.TrimPrefix(s.NameID.Format, samlNameIDFormatPref)
		}
		for _, sc := range s.SubjectConfirmations {
			if sc.SubjectConfirmationData != nil && sc.SubjectConfirmationData.Recipient != "" {
				c.Recipient = sc.SubjectConfirmationData.Recipient
			}
		}
	}
	if a.Conditions != nil {
		for i := range a.Conditions.AudienceRestrictions {
			for _, au := range a.Conditions.AudienceRestrictions[i].AllAudiences() {
				c.Audiences = append(c.Audiences, au.Value)
			}
		}
	}
	for _, st := range a.AuthnStatements {
		if st.SessionNotOnOrAfter != nil && (c.SessionEnd.IsZero() || st.SessionNotOnOrAfter.Before(c.SessionEnd)) {
			c.SessionEnd = *st.SessionNotOnOrAfter
		}
	}
	for _, st := range a.AttributeStatements {
		for _, at := range st.Attributes {
			for _, v := range at.Values {
				c.attributesByName[at.Name] = append(c.attributesByName[at.Name], strings.TrimSpace(v.Value))
			}
		}
	}
	c.readAttributes()
	return c
}

func (c *samlClaims) first(name string) string {
	if v := c.attributesByName[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// readAttributes reads AWS's attributes: the role pairs (either order
// within a pair), the session name and duration, the source identity and
// the session tags.
func (c *samlClaims) readAttributes() {
	for _, v := range c.attributesByName[samlAttrRole] {
		a, b, ok := strings.Cut(v, ",")
		if !ok {
			continue
		}
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		if strings.Contains(a, ":saml-provider/") {
			a, b = b, a
		}
		c.Roles = append(c.Roles, [2]string{a, b})
	}
	c.SessionName = c.first(samlAttrSessionName)
	if d, err := strconv.Atoi(c.first(samlAttrDuration)); err == nil {
		c.SessionDuration = d
	}
	c.SourceIdentity = c.first(samlAttrSource)
	for name, vals := range c.attributesByName {
		if k, ok := strings.CutPrefix(name, samlAttrTagPrefix); ok && len(vals) > 0 {
			c.Tags = append(c.Tags, [2]string{k, vals[0]})
		}
	}
	c.TransitiveKeys = c.attributesByName[samlAttrTransitive]
}

// encrypted: the response carries its assertion encrypted
// (saml:EncryptedAssertion) and none in the clear.
func encrypted(raw []byte) bool {
	doc := etree.NewDocument()
	if doc.ReadFromBytes(raw) != nil || doc.Root() == nil {
		return false
	}
	found := false
	for _, el := range doc.Root().ChildElements() {
		if el.NamespaceURI() != samlAssertionNS {
			continue
		}
		switch el.Tag {
		case "Assertion":
			return false
		case "EncryptedAssertion":
			found = true
		}
	}
	return found
}
