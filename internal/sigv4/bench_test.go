package sigv4

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"
)

// BenchmarkVerify measures the hot path: a header-signed POST with a 200-byte
// form body, signing key already cached.
func BenchmarkVerify(b *testing.B) {
	body := bytes.Repeat([]byte("a"), 200)
	copy(body, "Action=ListUsers&Version=2010-05-08&PathPrefix=")
	r := httptest.NewRequest("POST", "http://iam.example.com/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	signGo(b, r, permCreds(), sha256Hex(body), "iam", signTime)
	v := fixedVerifier(signTime)
	ctx := context.Background()
	if _, err := v.Verify(ctx, r, body); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := v.Verify(ctx, r, body); err != nil {
			b.Fatal(err)
		}
	}
}
