package iam

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/arn"
	"github.com/mailgate/mailgate/internal/store"
)

// SAMLProvider is what STS needs of a SAML provider to accept an
// assertion (AssumeRoleWithSAML): the issuer and signing certificates of
// its metadata, whether assertions must be encrypted, and the keys that
// decrypt them.
type SAMLProvider struct {
	ARN                string
	Issuer             string
	Certs              []*x509.Certificate
	ValidUntil         time.Time
	EncryptionRequired bool
	PrivateKeys        []crypto.PrivateKey
}

// LookupSAMLProvider loads the SAML provider an ARN names; ok is false
// when there is none.
func LookupSAMLProvider(ctx context.Context, st store.Store, providerARN string) (*SAMLProvider, bool, error) {
	a, ok := arn.Parse(providerARN)
	if !ok || a.Service != "iam" {
		return nil, false, nil
	}
	sc := scope{account: a.Account, partition: a.Partition}
	k, ok := sc.samlKey(providerARN)
	if !ok {
		return nil, false, nil
	}
	p, found, err := samlProviders.Get(ctx, st, a.Account, k)
	if err != nil || !found {
		return nil, false, err
	}
	md, ok := parseSAMLMetadata(p.Metadata)
	if !ok {
		return nil, false, nil
	}
	out := &SAMLProvider{ARN: sc.samlARN(p.Name), Issuer: md.EntityID, Certs: md.Certs, ValidUntil: p.ValidUntil,
		EncryptionRequired: p.EncryptionMode == samlEncryptionRequired}
	for _, pk := range p.PrivateKeys {
		text, err := openSecret(st, pk.Sealed, out.ARN+"/"+pk.KeyID)
		if err != nil {
			return nil, false, err
		}
		if key := pemPrivateKey(text); key != nil {
			out.PrivateKeys = append(out.PrivateKeys, key)
		}
	}
	return out, true, nil
}

func pemPrivateKey(s string) crypto.PrivateKey {
	b, _ := pem.Decode([]byte(strings.TrimSpace(s)))
	if b == nil {
		return nil
	}
	if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		return k
	}
	if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		return k
	}
	if k, err := x509.ParseECPrivateKey(b.Bytes); err == nil {
		return k
	}
	return nil
}
