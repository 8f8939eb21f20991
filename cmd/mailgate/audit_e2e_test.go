package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/mailgate/mailgate/internal/testenv"
)

// TestAuditTrailWithAWSCLI: an impersonation, a denial and an IAM change,
// each found with `aws cloudtrail lookup-events` by user name and by
// event name, and no secret of them in the trail or the --audit-log
// stream.
func TestAuditTrailWithAWSCLI(t *testing.T) {
	awsPath := requireAWSCLI(t)
	const keyID, secret = "AKIAAUDITTRAILE2E000", "audit/trail/e2e/secret/key/0123456789abcd"
	logFile := filepath.Join(t.TempDir(), "audit.jsonl")
	srv := startServer(t, buildBinary(t), "--data-dir", t.TempDir(), "--root-access-key-id", keyID, "--root-secret-access-key", secret, "--audit-log", logFile)
	root := awsCLIEnv(keyID, secret)
	cli := func(env []string, args ...string) map[string]any {
		t.Helper()
		return awsJSON(t, awsPath, env, append([]string{"--endpoint-url", srv.endpoint}, args...)...)
	}

	// An IAM change, and a key for the user it makes.
	cli(root, "iam", "create-user", "--user-name", "bob")
	key := cli(root, "iam", "create-access-key", "--user-name", "bob")["AccessKey"].(map[string]any)
	bobSecret := key["SecretAccessKey"].(string)

	// A denial: bob has no policy.
	cmd := exec.Command(awsPath, "--endpoint-url", srv.endpoint, "--region", "us-east-1", "iam", "delete-user", "--user-name", "bob")
	cmd.Env = awsCLIEnv(key["AccessKeyId"].(string), bobSecret)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "AccessDenied") {
		t.Fatalf("bob deleting himself: %v\n%s", err, out)
	}

	// An impersonation: a role, a token, and the token's use.
	const password = "Corr3ct-Horse-Audit-Pw"
	org := cli(root, "workmail", "create-organization", "--alias", fmt.Sprintf("audit-e2e-%d", time.Now().UnixNano()%1000000))["OrganizationId"].(string)
	cli(root, "workmail", "create-user", "--organization-id", org, "--name", "alice", "--display-name", "Alice", "--password", password)
	role := cli(root, "workmail", "create-impersonation-role", "--organization-id", org, "--name", "archiver", "--type", "READ_ONLY",
		"--rules", "ImpersonationRuleId=r1,Effect=ALLOW,TargetUsers=alice")["ImpersonationRoleId"].(string)
	token := cli(root, "workmail", "assume-impersonation-role", "--organization-id", org, "--impersonation-role-id", role)["Token"].(string)
	if curl, err := exec.LookPath("curl"); err == nil {
		out, err := exec.Command(curl, "-sS", "--aws-sigv4", "aws:amz:us-east-1:workmail", "--user", keyID+":"+secret,
			"--data-urlencode", "token="+token, "--data-urlencode", "mailbox=alice", srv.endpoint+"/_mailgate/v1/impersonation/introspect").CombinedOutput()
		if err != nil || !strings.Contains(string(out), `"active":true`) {
			t.Fatalf("introspect: %v\n%s", err, out)
		}
	}

	lookup := func(attr, value string) []map[string]any {
		t.Helper()
		out := cli(root, "cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey="+attr+",AttributeValue="+value)
		var recs []map[string]any
		for _, ev := range out["Events"].([]any) {
			doc := ev.(map[string]any)["CloudTrailEvent"].(string)
			for _, s := range []string{token, password, bobSecret, secret} {
				if strings.Contains(doc, s) {
					t.Fatalf("a secret in the record of %s=%s: %s", attr, value, doc)
				}
			}
			var rec map[string]any
			if err := json.Unmarshal([]byte(doc), &rec); err != nil {
				t.Fatal(err)
			}
			recs = append(recs, rec)
		}
		return recs
	}
	find := func(recs []map[string]any, name string, source ...string) map[string]any {
		for _, r := range recs {
			if r["eventName"] == name && (len(source) == 0 || r["eventSource"] == source[0]) {
				return r
			}
		}
		return nil
	}
	byRoot := lookup("Username", "root")
	for _, want := range []struct{ name, source string }{
		{"CreateUser", "iam.amazonaws.com"}, {"AssumeImpersonationRole", "workmail.amazonaws.com"}, {"IntrospectImpersonationToken", "workmail.amazonaws.com"},
	} {
		if want.name == "IntrospectImpersonationToken" && find(byRoot, want.name, want.source) == nil {
			if _, err := exec.LookPath("curl"); err != nil {
				continue
			}
		}
		r := find(byRoot, want.name, want.source)
		if r == nil || r["eventSource"] != want.source || r["eventVersion"] != "1.09" || r["userIdentity"].(map[string]any)["type"] != "Root" {
			t.Fatalf("%s by user name root: %v", want.name, r)
		}
		if byName := lookup("EventName", want.name); find(byName, want.name, want.source) == nil {
			t.Fatalf("%s by event name: %v", want.name, byName)
		}
	}
	assume := find(lookup("EventName", "AssumeImpersonationRole"), "AssumeImpersonationRole")
	if assume["responseElements"].(map[string]any)["token"] != "HIDDEN_DUE_TO_SECURITY_REASONS" {
		t.Fatalf("token recorded as %v", assume["responseElements"])
	}
	denied := find(lookup("Username", "bob"), "DeleteUser")
	if denied == nil || denied["errorCode"] != "AccessDenied" {
		t.Fatalf("bob's denial: %v", denied)
	}
	if find(lookup("EventName", "DeleteUser"), "DeleteUser")["userIdentity"].(map[string]any)["userName"] != "bob" {
		t.Fatal("the denial by event name is not bob's")
	}

	// The stream: one record a line, every one of them, no secret; what
	// is queued is written by the clean shutdown.
	srv.stop(t)
	f, err := os.Open(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("not a JSON line: %s", sc.Text())
		}
		for _, s := range []string{token, password, bobSecret, secret} {
			if strings.Contains(sc.Text(), s) {
				t.Fatalf("a secret in the audit log: %s", sc.Text())
			}
		}
		names[rec["eventName"].(string)] = true
	}
	for _, n := range []string{"CreateUser", "CreateAccessKey", "DeleteUser", "AssumeImpersonationRole", "LookupEvents"} {
		if !names[n] {
			t.Fatalf("no %s in the audit log (%v)", n, names)
		}
	}
}

// TestAuditSurvivesKill: writes run while the server is killed with
// SIGKILL; after a restart every write that was acknowledged has its
// record, and no record claims a write that did not happen.
func TestAuditSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const keyID, secret = "AKIAAUDITKILLTEST000", "audit/kill/test/secret/key/0123456789abcdef"
	dataDir := t.TempDir()
	args := []string{"--data-dir", dataDir, "--root-access-key-id", keyID, "--root-secret-access-key", secret}
	srv := startServer(t, buildBinary(t), args...)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, ""), BaseEndpoint: aws.String(srv.endpoint), Retryer: testenv.Retryer}
	im := iam.NewFromConfig(cfg)

	var acked sync.Map
	var n, ok atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("k%d", n.Add(1))
				if _, err := im.CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String(name)}); err == nil {
					acked.Store(name, true)
					ok.Add(1)
				}
			}
		}()
	}
	for ok.Load() < 50 {
		time.Sleep(10 * time.Millisecond)
	}
	srv.cmd.Process.Signal(syscall.SIGKILL)
	<-srv.done
	close(stop)
	wg.Wait()

	srv2 := startServer(t, buildBinary(t), append(args, "--addr", strings.TrimPrefix(srv.endpoint, "http://"))...)
	defer srv2.stop(t)
	ct := cloudtrail.NewFromConfig(cfg)
	recorded := map[string]bool{}
	in := &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("CreateUser")}}}
	for {
		page, err := ct.LookupEvents(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range page.Events {
			var rec struct {
				ErrorCode         string            `json:"errorCode"`
				RequestParameters map[string]string `json:"requestParameters"`
			}
			json.Unmarshal([]byte(aws.ToString(ev.CloudTrailEvent)), &rec)
			if rec.ErrorCode == "" {
				recorded[rec.RequestParameters["userName"]] = true
			}
		}
		if page.NextToken == nil {
			break
		}
		in.NextToken = page.NextToken
	}
	missing := 0
	acked.Range(func(k, _ any) bool {
		if !recorded[k.(string)] {
			missing++
			t.Errorf("acknowledged CreateUser %s has no audit record", k)
		}
		return missing < 5
	})
	existing := map[string]bool{}
	p := iam.NewListUsersPaginator(im, &iam.ListUsersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range page.Users {
			existing[aws.ToString(u.UserName)] = true
		}
	}
	for name := range recorded {
		if !existing[name] {
			t.Errorf("a record of CreateUser %s, which did not commit", name)
		}
	}
	if len(recorded) != len(existing) {
		t.Errorf("%d users, %d records of their creation", len(existing), len(recorded))
	}
	t.Logf("%d writes acknowledged before SIGKILL, %d users, %d records", ok.Load(), len(existing), len(recorded))
}
