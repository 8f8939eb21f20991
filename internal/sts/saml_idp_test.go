package sts_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"
	dsig "github.com/russellhaering/goxmldsig"
)

// testIdP is a SAML identity provider for the tests: a key, its
// self-signed certificate, its metadata, and the responses it signs
// with goxmldsig.
type testIdP struct {
	entityID string
	key      *rsa.PrivateKey
	cert     []byte // DER
}

func newIdP(t *testing.T, entityID string) *testIdP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: entityID},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(t, err)
	return &testIdP{entityID: entityID, key: key, cert: der}
}

// metadata is the IdP's md:EntityDescriptor.
func (p *testIdP) metadata() string {
	return `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="` + p.entityID + `">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>` +
		base64.StdEncoding.EncodeToString(p.cert) + `</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="` + p.entityID + `/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`
}

// assertion is what a test response says; zero fields take defaults.
type assertion struct {
	subject    string
	audience   string
	recipient  string
	issued     time.Time
	notAfter   time.Time
	attributes map[string][]string
	// signer signs in place of the IdP (a forger).
	signer *testIdP
	// tamper changes the signed document before it is sent.
	tamper func(string) string
	// status is the response's status code (default Success).
	status string
	// encryptTo encrypts the signed assertion to a service provider's
	// certificate (saml:EncryptedAssertion).
	encryptTo *x509.Certificate
}

const (
	samlNS   = "urn:oasis:names:tc:SAML:2.0:assertion"
	samlpNS  = "urn:oasis:names:tc:SAML:2.0:protocol"
	signInTo = "https://signin.aws.amazon.com/saml"
)

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// response is a base64 samlp:Response carrying the assertion, signed by
// the IdP (the assertion's enveloped signature).
func (p *testIdP) response(t *testing.T, a assertion) string {
	t.Helper()
	if a.subject == "" {
		a.subject = "alice@example.com"
	}
	if a.audience == "" {
		a.audience = signInTo
	}
	if a.recipient == "" {
		a.recipient = signInTo
	}
	if a.issued.IsZero() {
		a.issued = time.Now()
	}
	if a.notAfter.IsZero() {
		a.notAfter = a.issued.Add(5 * time.Minute)
	}
	if a.status == "" {
		a.status = "urn:oasis:names:tc:SAML:2.0:status:Success"
	}
	as := etree.NewElement("saml:Assertion")
	as.CreateAttr("xmlns:saml", samlNS)
	as.CreateAttr("ID", "_a"+strings.ReplaceAll(rnd(), "-", ""))
	as.CreateAttr("Version", "2.0")
	as.CreateAttr("IssueInstant", stamp(a.issued))
	as.CreateElement("saml:Issuer").SetText(p.entityID)
	subj := as.CreateElement("saml:Subject")
	nid := subj.CreateElement("saml:NameID")
	nid.CreateAttr("Format", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
	nid.SetText(a.subject)
	sc := subj.CreateElement("saml:SubjectConfirmation")
	sc.CreateAttr("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer")
	scd := sc.CreateElement("saml:SubjectConfirmationData")
	scd.CreateAttr("NotOnOrAfter", stamp(a.notAfter))
	scd.CreateAttr("Recipient", a.recipient)
	cond := as.CreateElement("saml:Conditions")
	cond.CreateAttr("NotBefore", stamp(a.issued.Add(-time.Minute)))
	cond.CreateAttr("NotOnOrAfter", stamp(a.notAfter))
	cond.CreateElement("saml:AudienceRestriction").CreateElement("saml:Audience").SetText(a.audience)
	authn := as.CreateElement("saml:AuthnStatement")
	authn.CreateAttr("AuthnInstant", stamp(a.issued))
	authn.CreateElement("saml:AuthnContext").CreateElement("saml:AuthnContextClassRef").SetText("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
	attrs := as.CreateElement("saml:AttributeStatement")
	for name, vals := range a.attributes {
		at := attrs.CreateElement("saml:Attribute")
		at.CreateAttr("Name", name)
		for _, v := range vals {
			at.CreateElement("saml:AttributeValue").SetText(v)
		}
	}

	signer := p
	if a.signer != nil {
		signer = a.signer
	}
	ctx, err := dsig.NewSigningContext(signer.key, [][]byte{signer.cert})
	must(t, err)
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	signed, err := ctx.SignEnveloped(as)
	must(t, err)
	// The schema puts ds:Signature right after saml:Issuer.
	last := len(signed.Child) - 1
	sig := signed.Child[last]
	signed.RemoveChildAt(last)
	signed.InsertChildAt(1, sig)

	doc := etree.NewDocument()
	resp := doc.CreateElement("samlp:Response")
	resp.CreateAttr("xmlns:samlp", samlpNS)
	resp.CreateAttr("xmlns:saml", samlNS)
	resp.CreateAttr("ID", "_r"+rnd())
	resp.CreateAttr("Version", "2.0")
	resp.CreateAttr("IssueInstant", stamp(a.issued))
	resp.CreateAttr("Destination", a.recipient)
	resp.CreateElement("saml:Issuer").SetText(p.entityID)
	resp.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", a.status)
	if a.encryptTo != nil {
		resp.CreateElement("saml:EncryptedAssertion").AddChild(encrypt(t, signed, a.encryptTo))
	} else {
		resp.AddChild(signed)
	}
	out, err := doc.WriteToString()
	must(t, err)
	if a.tamper != nil {
		out = a.tamper(out)
	}
	return base64.StdEncoding.EncodeToString([]byte(out))
}

func rnd() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return strings.ToLower(base64.RawURLEncoding.EncodeToString(b))
}

// privateKeyPEM is the IdP's key in PKCS #8 PEM, as a provider's
// decryption key is given.
func (p *testIdP) privateKeyPEM() string {
	der, _ := x509.MarshalPKCS8PrivateKey(p.key)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// encrypt is the xenc:EncryptedData of an element, for cert's key.
func encrypt(t *testing.T, el *etree.Element, cert *x509.Certificate) *etree.Element {
	t.Helper()
	d := etree.NewDocument()
	d.SetRoot(el.Copy())
	plain, err := d.WriteToBytes()
	must(t, err)
	e := xmlenc.OAEP()
	e.BlockCipher = xmlenc.AES256GCM
	enc, err := e.Encrypt(cert, plain, nil)
	must(t, err)
	return enc
}

// certificate is the parsed certificate of the IdP's key.
func (p *testIdP) certificate(t *testing.T) *x509.Certificate {
	c, err := x509.ParseCertificate(p.cert)
	must(t, err)
	return c
}
