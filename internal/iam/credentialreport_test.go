package iam_test

import (
	"encoding/csv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	iamsvc "github.com/mailgate/mailgate/internal/iam"
	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/store"
	"github.com/mailgate/mailgate/internal/testenv"
)

func TestCredentialReport(t *testing.T) {
	var offset atomic.Int64 // how far the service's clock is ahead
	e := testenv.New(t, testenv.Options{Configure: func(c *server.Config) {
		c.IAM = iamsvc.New(c.Store, iamsvc.Options{Now: func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }})
	}})
	c := e.IAM()

	t.Run("method=GetCredentialReport/case=not-present", func(t *testing.T) {
		_, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
		apiErr(t, err, "ReportNotPresent", 410)
	})
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev"), Path: aws.String("/eng/")})
	must(t, err)
	_, err = c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("dev"), Password: aws.String("Corr3ct-Horse")})
	must(t, err)
	_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")})
	must(t, err)
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bare")})
	must(t, err)
	// An MFA device and a signing certificate of dev's, as their writers
	// keep them.
	for kind, doc := range map[string]string{
		store.RecordMFADevice:          `{"name":"dev","user_name":"dev","enabled_at":"2026-01-02T03:04:05Z"}`,
		store.RecordSigningCertificate: `{"user":"dev","id":"C1","status":"Active","uploaded":"2026-01-02T03:04:05Z"}`,
	} {
		_, err := e.Store.PutAccountRecord(ctx, e.AccountID, kind, "dev", 0, func(*store.Record) ([]byte, error) { return []byte(doc), nil })
		must(t, err)
	}

	t.Run("method=GenerateCredentialReport/case=started-then-complete", func(t *testing.T) {
		out, err := c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		must(t, err)
		if out.State != types.ReportStateTypeStarted || out.Description == nil {
			t.Fatalf("first: %+v", out)
		}
		again, err := c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		must(t, err)
		if again.State != types.ReportStateTypeComplete {
			t.Fatalf("second: %+v", again)
		}
	})
	t.Run("method=GetCredentialReport/case=csv", func(t *testing.T) {
		out, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
		must(t, err)
		if out.ReportFormat != types.ReportFormatTypeTextCsv || out.GeneratedTime == nil {
			t.Fatalf("report: %+v", out)
		}
		rows, err := csv.NewReader(strings.NewReader(string(out.Content))).ReadAll()
		must(t, err)
		header := "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active," +
			"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service," +
			"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service," +
			"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
		if len(rows) != 4 || strings.Join(rows[0], ",") != header {
			t.Fatalf("rows: %q", rows)
		}
		root := rows[1]
		if root[0] != "<root_account>" || root[1] != "arn:aws:iam::"+e.AccountID+":root" || root[3] != "not_supported" || root[8] != "true" {
			t.Fatalf("root: %q", root)
		}
		byUser := map[string][]string{}
		for _, r := range rows[2:] {
			byUser[r[0]] = r
		}
		dev := byUser["dev"]
		if dev[1] != "arn:aws:iam::"+e.AccountID+":user/eng/dev" || dev[3] != "true" || dev[4] != "no_information" || !strings.HasSuffix(dev[5], "+00:00") ||
			dev[6] != "N/A" || dev[7] != "true" || dev[8] != "true" || dev[9] == "N/A" || dev[10] != "N/A" || dev[13] != "false" ||
			dev[18] != "true" || dev[19] != "2026-01-02T03:04:05+00:00" || dev[20] != "false" {
			t.Fatalf("dev: %q", dev)
		}
		if _, err := time.Parse("2006-01-02T15:04:05-07:00", dev[2]); err != nil {
			t.Fatalf("creation time %q: %v", dev[2], err)
		}
		bare := byUser["bare"]
		if bare[3] != "false" || bare[4] != "N/A" || bare[5] != "N/A" || bare[7] != "false" || bare[8] != "false" || bare[18] != "false" {
			t.Fatalf("bare: %q", bare)
		}
	})
	t.Run("method=GetCredentialReport/case=expired", func(t *testing.T) {
		offset.Store(int64(5 * time.Hour))
		defer offset.Store(0)
		_, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
		apiErr(t, err, "ReportExpired", 410)
		out, err := c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		must(t, err)
		if out.State != types.ReportStateTypeStarted {
			t.Fatalf("regenerate: %+v", out)
		}
		_, err = c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
		must(t, err)
	})
}
