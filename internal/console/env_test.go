package console_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/mailgate/mailgate/internal/bootstrap"
	"github.com/mailgate/mailgate/internal/console"
	iamsvc "github.com/mailgate/mailgate/internal/iam"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/store"
	stssvc "github.com/mailgate/mailgate/internal/sts"
	"github.com/mailgate/mailgate/internal/testenv"
	wmsvc "github.com/mailgate/mailgate/internal/workmail"
)

// env is the server with its console, as `mailgate serve` assembles them.
type env struct {
	URL, KeyID, Secret string
	Store              store.Store
	Console            *console.Handler
	// readerSecrets are the secrets of readOnlyUser's keys, by key ID.
	readerSecrets map[string]string
}

func newEnv(t testing.TB, configure ...func(*console.Config)) *env {
	t.Helper()
	st := testenv.OpenStore(t)
	e := &env{KeyID: ids.AccessKeyID(ids.PrefixAccessKey), Secret: ids.SecretAccessKey(), Store: st}
	if _, err := bootstrap.Run(context.Background(), st, bootstrap.Options{AccountID: ids.AccountID(), RootAccessKeyID: e.KeyID, RootSecretAccessKey: e.Secret}); err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Store: st, WorkMail: wmsvc.New(st, wmsvc.Options{}), IAM: iamsvc.New(st, iamsvc.Options{}), STS: stssvc.New(st, stssvc.Options{})})
	cfg := console.Config{Store: st, Invoker: srv}
	for _, c := range configure {
		c(&cfg)
	}
	e.Console = console.New(cfg)
	srv.MountConsole(e.Console)
	hs := httptest.NewUnstartedServer(srv)
	srv.Harden(hs.Config)
	hs.Start()
	t.Cleanup(hs.Close)
	e.URL = hs.URL
	return e
}

// IAM is an IAM client signed with the root key.
func (e *env) IAM() *iam.Client {
	return iam.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(e.URL), Retryer: testenv.Retryer,
		Credentials: credentials.NewStaticCredentialsProvider(e.KeyID, e.Secret, "")})
}

// readOnlyUser creates an IAM user allowed only to read WorkMail and
// returns its access key pair.
func (e *env) readOnlyUser(t testing.TB, name string) (string, string) {
	t.Helper()
	ctx := context.Background()
	im := e.IAM()
	if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"ReadWorkMail","Effect":"Allow","Action":["workmail:List*","workmail:Describe*","workmail:Get*"],"Resource":"*"}]}`
	if _, err := im.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("read-only"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	k, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	if e.readerSecrets == nil {
		e.readerSecrets = map[string]string{}
	}
	e.readerSecrets[*k.AccessKey.AccessKeyId] = *k.AccessKey.SecretAccessKey
	return *k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey
}

// client is a plain HTTP client with cookies that does not follow
// redirects, to see each answer.
type client struct {
	t    testing.TB
	base string
	http *http.Client
}

func (e *env) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: e.URL, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get returns the status, the Location and the body.
func (c *client) get(path string) (int, string, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	return c.answer(resp, err)
}

func (c *client) post(path string, form url.Values) (int, string, string) {
	c.t.Helper()
	resp, err := c.http.PostForm(c.base+path, form)
	return c.answer(resp, err)
}

func (c *client) answer(resp *http.Response, err error) (int, string, string) {
	c.t.Helper()
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, resp.Header.Get("Location"), b.String()
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf is the token of the first form of a page.
func csrf(t testing.TB, body string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in the page:\n%s", body)
	}
	return m[1]
}

// signIn signs the client in with a key pair.
func (c *client) signIn(keyID, secret string) {
	c.t.Helper()
	_, _, page := c.get("/console/signin")
	status, loc, body := c.post("/console/signin", url.Values{"csrf_token": {csrf(c.t, page)}, "access_key_id": {keyID}, "secret_access_key": {secret}})
	if status != http.StatusSeeOther || loc != "/console/" {
		c.t.Fatalf("sign-in: %d %q\n%s", status, loc, body)
	}
}

// readerClient is a client signed in as a new read-only user, and the
// user's access key ID.
func (e *env) readerClient(t testing.TB, name string) (*client, string) {
	t.Helper()
	keyID, secret := e.readOnlyUser(t, name)
	c := e.client(t)
	c.signIn(keyID, secret)
	return c, keyID
}

// expectSignIn asserts that the console sends the client to sign in.
func (c *client) expectSignIn(when string) {
	c.t.Helper()
	if status, loc, _ := c.get("/console/organizations"); status != http.StatusSeeOther || loc != "/console/signin" {
		c.t.Fatalf("%s: want a redirect to sign in, got %d %q", when, status, loc)
	}
}

// createOrg creates an organization through the console and returns its ID.
func (c *client) createOrg(alias string) string {
	c.t.Helper()
	_, _, page := c.get("/console/organizations")
	if status, _, body := c.post("/console/organizations", url.Values{"alias": {alias}, "csrf_token": {csrf(c.t, page)}}); status != http.StatusSeeOther {
		c.t.Fatalf("create organization: %d\n%s", status, body)
	}
	_, _, page = c.get("/console/organizations")
	m := regexp.MustCompile(`/console/organizations/(m-[0-9a-f]+)/users">` + regexp.QuoteMeta(alias) + `<`).FindStringSubmatch(page)
	if m == nil {
		c.t.Fatalf("no organization %s:\n%s", alias, page)
	}
	return m[1]
}

// firstMatch is the first group of the first match of expr in s ("" if none).
func firstMatch(expr, s string) string {
	m := regexp.MustCompile(expr).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}
