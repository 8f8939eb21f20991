package iam

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"strings"
	"time"

	"github.com/crewjam/saml"
)

// samlMetadata is what a SAML provider's metadata document says that
// IAM and STS use: the identity provider's entity ID (the Issuer of its
// assertions), its signing certificates, and how long it is valid.
type samlMetadata struct {
	EntityID   string
	Certs      []*x509.Certificate
	ValidUntil time.Time // zero: the document sets no validUntil
}

// parseSAMLMetadata reads a metadata document as IAM does: one
// md:EntityDescriptor with an IDPSSODescriptor that holds at least one
// signing certificate (a KeyDescriptor whose use is "signing" or not
// given). ok is false for anything else ("Could not parse metadata").
func parseSAMLMetadata(doc string) (*samlMetadata, bool) {
	var ed saml.EntityDescriptor
	if err := xml.Unmarshal([]byte(doc), &ed); err != nil || ed.EntityID == "" || len(ed.IDPSSODescriptors) == 0 {
		return nil, false
	}
	md := &samlMetadata{EntityID: ed.EntityID, ValidUntil: ed.ValidUntil}
	for _, idp := range ed.IDPSSODescriptors {
		if idp.ValidUntil != nil && (md.ValidUntil.IsZero() || idp.ValidUntil.Before(md.ValidUntil)) {
			md.ValidUntil = *idp.ValidUntil
		}
		for _, kd := range idp.KeyDescriptors {
			if kd.Use != "" && kd.Use != "signing" {
				continue
			}
			for _, c := range kd.KeyInfo.X509Data.X509Certificates {
				cert, ok := parseX509(c.Data)
				if !ok {
					return nil, false
				}
				md.Certs = append(md.Certs, cert)
			}
		}
	}
	if len(md.Certs) == 0 {
		return nil, false
	}
	return md, true
}

// parseX509 reads the base64 DER of a ds:X509Certificate (whitespace
// and line breaks allowed).
func parseX509(data string) (*x509.Certificate, bool) {
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(data), ""))
	if err != nil {
		return nil, false
	}
	cert, err := x509.ParseCertificate(der)
	return cert, err == nil
}
