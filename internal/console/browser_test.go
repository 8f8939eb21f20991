package console_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browser starts headless Chromium for the test, with a profile of its
// own; without Chromium the test is skipped, unless
// MAILGATE_REQUIRE_CHROMIUM=1.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("MAILGATE_REQUIRE_CHROMIUM") == "1" {
			t.Fatal("chromium is not installed (MAILGATE_REQUIRE_CHROMIUM=1)")
		}
		t.Skip("chromium is not installed")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1000, 760),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// run runs browser actions, failing the test on the first error.
func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		failed(t, ctx, step, err)
	}
}

// value runs one action that answers a value.
func value[T any](t *testing.T, ctx context.Context, step string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		failed(t, ctx, step, err)
	}
	return v
}

// failed stops the test, showing where the browser was and what it showed.
func failed(t *testing.T, ctx context.Context, step string, err error) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(sctx, chromedp.Location())
	body, _ := chromedp.Run(sctx, chromedp.Text(chromedp.CSS("main")))
	t.Fatalf("%s: %v\nat %s:\n%s", step, err, loc, body)
}

// screenshot saves the viewport as a PNG: into docs/console/ when
// MAILGATE_CONSOLE_SCREENSHOTS=1 (to refresh the documentation's),
// into the test's directory otherwise.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png := value(t, ctx, "screenshot "+name, chromedp.CaptureScreenshot())
	dir := t.TempDir()
	if os.Getenv("MAILGATE_CONSOLE_SCREENSHOTS") == "1" {
		dir = filepath.Join("..", "..", "docs", "console")
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// text is the text of the first element a selector finds.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	run(t, ctx, "wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	return value(t, ctx, "read "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// notice waits for the confirmation of a change.
func notice(msg string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.Search(`//p[@class="notice" and text()="` + msg + `"]`))
}

func signInActions(url, keyID, secret string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(url + "/console/signin"),
		chromedp.WaitVisible(chromedp.CSS(`#signin-access_key_id`)),
		chromedp.SendKeys(chromedp.CSS(`#signin-access_key_id`), keyID),
		chromedp.SendKeys(chromedp.CSS(`#signin-secret_access_key`), secret),
		chromedp.Submit(chromedp.CSS(`#signin-secret_access_key`)),
		chromedp.WaitVisible(chromedp.CSS(`form.signout`)),
	}
}

// TestConsoleInBrowser walks the console in headless Chromium as an
// administrator would: sign in, create an organization and a user,
// enable the user, write an impersonation rule and test its effect, edit
// it and test again, an access control rule and its effect, a denied
// action with its explanation as a read-only principal, and sign-out.
func TestConsoleInBrowser(t *testing.T) {
	e := newEnv(t)
	readerKey, readerSecret := e.readOnlyUser(t, "reader")
	e.createRole(t)
	ctx := browser(t)

	// The keyboard reaches the skip link first.
	run(t, ctx, "keyboard", chromedp.Navigate(e.URL+"/console/signin"), chromedp.WaitVisible(chromedp.CSS(`#signin-access_key_id`)))
	value(t, ctx, "blur", chromedp.Evaluate[bool](`document.activeElement.blur(), true`))
	run(t, ctx, "tab", chromedp.KeyEvent(kb.Tab))
	focused := value(t, ctx, "focused", chromedp.Evaluate[string](`document.activeElement.textContent`))
	if focused != "Skip to content" {
		t.Fatalf("first Tab stop: %q", focused)
	}
	screenshot(t, ctx, "signin")
	run(t, ctx, "sign in", signInActions(e.URL, e.KeyID, e.Secret)...)

	run(t, ctx, "create organization",
		chromedp.WaitVisible(chromedp.CSS(`#create-alias`)),
		chromedp.SendKeys(chromedp.CSS(`#create-alias`), "acme"),
		chromedp.Submit(chromedp.CSS(`#create-alias`)),
		notice("Organization created."))
	if got := text(t, ctx, "tbody"); !strings.Contains(got, "acme") {
		t.Fatalf("organizations: %q", got)
	}
	screenshot(t, ctx, "organizations")

	run(t, ctx, "create user",
		chromedp.Click(chromedp.Search(`//a[text()="acme"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#create-name`)),
		chromedp.SendKeys(chromedp.CSS(`#create-name`), "alice"),
		chromedp.SendKeys(chromedp.CSS(`#create-displayName`), "Alice Liddell"),
		chromedp.Submit(chromedp.CSS(`#create-name`)),
		notice("User created."))
	run(t, ctx, "enable user",
		chromedp.SendKeys(chromedp.CSS(`form.inline input[type=email]`), "alice@acme.awsapps.com"),
		chromedp.Submit(chromedp.CSS(`form.inline input[type=email]`)),
		notice("User enabled."))
	if got := text(t, ctx, "tbody"); !strings.Contains(got, "alice@acme.awsapps.com") || !strings.Contains(got, "ENABLED") {
		t.Fatalf("users: %q", got)
	}
	screenshot(t, ctx, "users")

	// An impersonation rule, its effect, then the rule edited and tested again.
	run(t, ctx, "create impersonation role",
		chromedp.Click(chromedp.Search(`//a[text()="Impersonation roles"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#role-create`)), // not the users page's #create-name
		chromedp.SendKeys(chromedp.CSS(`#create-name`), "helpdesk"),
		chromedp.Submit(chromedp.CSS(`#create-name`)),
		chromedp.WaitVisible(chromedp.CSS(`[name="rule_id.0"]`)),
		chromedp.SendKeys(chromedp.CSS(`[name="rule_id.0"]`), "allow-alice"),
		chromedp.SendKeys(chromedp.CSS(`[name="rule_targets.0"]`), "alice"),
		chromedp.Click(chromedp.Search(`//button[text()="Save rules"]`)),
		notice("Rules saved."))
	testEffect := func(target string) (string, string) {
		run(t, ctx, "test effect for "+target,
			chromedp.SetValue(chromedp.CSS(`#effect-targetUser`), target),
			chromedp.Submit(chromedp.CSS(`#effect-targetUser`)),
			chromedp.WaitVisible(chromedp.CSS(`#effect-result`)))
		return text(t, ctx, "#effect-result .effect"), text(t, ctx, "#effect-result")
	}
	if eff, all := testEffect("alice"); eff != "ALLOW" || !strings.Contains(all, "allow-alice") {
		t.Fatalf("alice before the edit: %q / %q", eff, all)
	}
	run(t, ctx, "show the result", chromedp.ScrollIntoView(chromedp.CSS(`#effect-title`)))
	screenshot(t, ctx, "impersonation-role")
	run(t, ctx, "edit rule",
		chromedp.SetValue(chromedp.CSS(`[name="rule_effect.0"]`), "DENY"),
		chromedp.Click(chromedp.Search(`//button[text()="Save rules"]`)),
		notice("Rules saved."))
	if eff, all := testEffect("alice@acme.awsapps.com"); eff != "DENY" || !strings.Contains(all, "allow-alice") {
		t.Fatalf("alice after the edit: %q / %q", eff, all)
	}
	roleURL := value(t, ctx, "role URL", chromedp.Location())
	roleID := roleURL[strings.LastIndex(strings.TrimSuffix(roleURL, "/effect"), "/")+1:]
	roleID = strings.TrimSuffix(roleID, "/effect")

	run(t, ctx, "access control rule",
		chromedp.Click(chromedp.Search(`//a[text()="Access control rules"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#rule-name`)),
		chromedp.SendKeys(chromedp.CSS(`#rule-name`), "no-ews"),
		chromedp.SetValue(chromedp.CSS(`#rule-effect`), "DENY"),
		chromedp.SendKeys(chromedp.CSS(`#rule-description`), "No EWS for the helpdesk"),
		chromedp.SendKeys(chromedp.CSS(`#rule-actions`), "EWS"),
		chromedp.SendKeys(chromedp.CSS(`#rule-impersonationRoleIds`), roleID),
		chromedp.Submit(chromedp.CSS(`#rule-name`)),
		notice("Rule saved."),
		chromedp.SendKeys(chromedp.CSS(`#effect-ipAddress`), "192.0.2.7"),
		chromedp.SendKeys(chromedp.CSS(`#effect-action`), "EWS"),
		chromedp.SendKeys(chromedp.CSS(`#effect-impersonationRoleId`), roleID),
		chromedp.Submit(chromedp.CSS(`#effect-ipAddress`)),
		chromedp.WaitVisible(chromedp.CSS(`#effect-result`)))
	if eff, all := text(t, ctx, "#effect-result .effect"), text(t, ctx, "#effect-result"); eff != "DENY" || !strings.Contains(all, "no-ews") {
		t.Fatalf("access control effect: %q / %q", eff, all)
	}
	run(t, ctx, "show the result", chromedp.ScrollIntoView(chromedp.CSS(`#effect-title`)))
	screenshot(t, ctx, "access-control")

	// The policy simulator explains the reader's permissions.
	run(t, ctx, "simulate",
		chromedp.Navigate(e.URL+"/console/iam/users"),
		chromedp.WaitVisible(chromedp.Search(`//a[text()="reader"]`)),
		chromedp.Click(chromedp.Search(`//a[text()="reader"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#simulate-actionNames`)),
		chromedp.SendKeys(chromedp.CSS(`#simulate-actionNames`), "workmail:ListUsers, workmail:CreateUser"),
		chromedp.Submit(chromedp.CSS(`#simulate-actionNames`)),
		chromedp.WaitVisible(chromedp.CSS(`#simulation`)),
		chromedp.ScrollIntoView(chromedp.CSS(`#simulation`)))
	if got := text(t, ctx, "#simulation"); !strings.Contains(got, "allowed") || !strings.Contains(got, "implicitDeny") {
		t.Fatalf("simulation: %q", got)
	}
	screenshot(t, ctx, "iam-simulator")

	// The trust policy editor checks the document as it is typed.
	run(t, ctx, "open the role", chromedp.Navigate(e.URL+"/console/iam/roles/mailer"), chromedp.WaitVisible(chromedp.CSS(`#settings-trust`)))
	value(t, ctx, "clear", chromedp.Evaluate[bool](`document.getElementById("settings-trust").value = "", true`))
	run(t, ctx, "type a trust policy",
		chromedp.SendKeys(chromedp.CSS(`#settings-trust`), untrusting),
		chromedp.WaitVisible(chromedp.CSS(`#settings-trust-error`)))
	value(t, ctx, "scroll", chromedp.Evaluate[bool](`document.getElementById("settings-trust-error").scrollIntoView({block: "center"}), true`))
	if got := text(t, ctx, "#settings-trust-error"); !strings.Contains(got, "rincipal") {
		t.Fatalf("checked as typed: %q", got)
	}
	screenshot(t, ctx, "iam-role-editor")

	// A narrow window: nothing wider than the screen.
	run(t, ctx, "narrow window", chromedp.EmulateViewport(380, 760),
		chromedp.Navigate(e.URL+"/console/organizations"), chromedp.Click(chromedp.Search(`//a[text()="acme"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#q`)))
	fits := value(t, ctx, "fits", chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if !fits {
		t.Fatal("the users page is wider than a narrow window")
	}
	screenshot(t, ctx, "users-narrow")
	run(t, ctx, "wide again", chromedp.EmulateViewport(1000, 760))

	// Sign out, then in as a principal that may only read.
	run(t, ctx, "sign out",
		chromedp.Click(chromedp.Search(`//button[text()="Sign out"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#signin-access_key_id`)))
	run(t, ctx, "after sign-out", chromedp.Navigate(e.URL+"/console/organizations"), chromedp.WaitVisible(chromedp.CSS(`#signin-access_key_id`)))
	// The reader may create organizations when the page is shown, and no
	// longer when the form is sent.
	mayCreate := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"workmail:CreateOrganization","Resource":"*"}]}`
	if _, err := e.IAM().PutUserPolicy(context.Background(), &iam.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("may-create"), PolicyDocument: aws.String(mayCreate)}); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "sign in as reader", signInActions(e.URL, readerKey, readerSecret)...)
	if got := text(t, ctx, "tbody"); !strings.Contains(got, "acme") {
		t.Fatalf("the reader does not see the organizations: %q", got)
	}
	if _, err := e.IAM().DeleteUserPolicy(context.Background(), &iam.DeleteUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("may-create")}); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "denied create",
		chromedp.SendKeys(chromedp.CSS(`#create-alias`), "forbidden"),
		chromedp.Submit(chromedp.CSS(`#create-alias`)),
		chromedp.WaitVisible(chromedp.CSS(`section.failure`)))
	if got := text(t, ctx, "section.failure"); !strings.Contains(got, "AccessDenied") ||
		!strings.Contains(got, "user/reader is not authorized to perform: workmail:CreateOrganization") ||
		!strings.Contains(got, "ReadWorkMail") {
		t.Fatalf("denial: %q", got)
	}
	screenshot(t, ctx, "denied")
	// Shown again, the page is read-only.
	run(t, ctx, "read-only page", chromedp.Navigate(e.URL+"/console/organizations"), chromedp.WaitVisible(chromedp.CSS(`p.readonly`)))
	if got := text(t, ctx, "p.readonly"); !strings.Contains(got, "workmail:CreateOrganization") {
		t.Fatalf("read-only note: %q", got)
	}
	run(t, ctx, "sign out reader", chromedp.Click(chromedp.Search(`//button[text()="Sign out"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#signin-access_key_id`)))
}
