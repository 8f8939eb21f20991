package iam

import (
	"bytes"
	"context"
	"encoding/csv"
	"sort"
	"strconv"
	"time"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// The credential report is built when GenerateCredentialReport asks for
// one, at once (the first call answers STARTED, as AWS's does, and the
// report is ready for the next GetCredentialReport), and kept as an
// account record. A report is good for four hours: until then
// GenerateCredentialReport keeps it (COMPLETE), and after it
// GetCredentialReport answers ReportExpired ("Getting credential
// reports", IAM user guide).
const (
	credentialReportKey = "report"
	credentialReportTTL = 4 * time.Hour
	reportNA            = "N/A"
	rootAccountUser     = "<root_account>"
)

// credentialReportColumns are AWS's, in AWS's order.
var credentialReportColumns = []string{"user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
	"password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated"}

type credentialReport struct {
	Generated time.Time
	CSV       []byte
}

var credentialReports = records.Of[credentialReport](records.Account, store.RecordCredentialReport)

func (s *Service) GenerateCredentialReport(ctx context.Context) (*iamapi.GenerateCredentialReportResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	cur, _, err := credentialReports.Get(ctx, s.st, sc.account, credentialReportKey)
	if err != nil {
		return nil, err
	}
	if cur != nil && s.now().Sub(cur.Generated) < credentialReportTTL {
		return &iamapi.GenerateCredentialReportResponse{State: opt.Ptr(iamapi.ReportStateTypeComplete)}, nil
	}
	now := s.now()
	content, err := s.buildCredentialReport(ctx, sc)
	if err != nil {
		return nil, err
	}
	r := &credentialReport{Generated: now, CSV: content}
	if _, err := credentialReports.Put(ctx, s.st, sc.account, credentialReportKey, func(*credentialReport) (*credentialReport, error) { return r, nil }); err != nil {
		return nil, err
	}
	return &iamapi.GenerateCredentialReportResponse{State: opt.Ptr(iamapi.ReportStateTypeStarted),
		Description: opt.Ptr("No report exists. Starting a new report generation task")}, nil
}

func (s *Service) GetCredentialReport(ctx context.Context) (*iamapi.GetCredentialReportResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	r, _, err := credentialReports.Get(ctx, s.st, sc.account, credentialReportKey)
	if err != nil {
		return nil, err
	}
	switch {
	case r == nil:
		return nil, iamapi.NewCredentialReportNotPresentException("Credential report not present. Use GenerateCredentialReport to generate a report.")
	case r.CSV == nil:
		return nil, iamapi.NewCredentialReportNotReadyException("Credential report is being generated.")
	case s.now().Sub(r.Generated) >= credentialReportTTL:
		return nil, iamapi.NewCredentialReportExpiredException("Credential report expired. Use GenerateCredentialReport to generate a new report.")
	}
	return &iamapi.GetCredentialReportResponse{Content: r.CSV, ReportFormat: opt.Ptr(iamapi.ReportFormatTypeTextCsv), GeneratedTime: opt.Ptr(r.Generated)}, nil
}

// reportTime is a time as the report writes it: 2014-05-12T21:31:07+00:00.
func reportTime(t time.Time) string {
	if t.IsZero() {
		return reportNA
	}
	return t.UTC().Format("2006-01-02T15:04:05+00:00")
}

// reportCredentials are the account's MFA devices and signing
// certificates, by user name ("" for the root).
type reportCredentials struct {
	mfa   map[string]bool
	certs map[string][]looseRecord
}

func (s *Service) buildCredentialReport(ctx context.Context, sc scope) ([]byte, error) {
	creds := reportCredentials{mfa: map[string]bool{}, certs: map[string][]looseRecord{}}
	devices, err := s.looseRecords(ctx, sc.account, store.RecordMFADevice)
	if err != nil {
		return nil, err
	}
	for _, d := range devices {
		creds.mfa[d.UserName] = creds.mfa[d.UserName] || d.enabled()
	}
	certs, err := s.looseRecords(ctx, sc.account, store.RecordSigningCertificate)
	if err != nil {
		return nil, err
	}
	for _, c := range certs {
		creds.certs[c.User] = append(creds.certs[c.User], c)
	}
	pol, err := s.passwordPolicy(ctx, sc.account)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(credentialReportColumns)
	root, err := s.rootReportRow(ctx, sc, creds)
	if err != nil {
		return nil, err
	}
	_ = w.Write(root)
	users, err := s.allEntities(ctx, sc.account, store.IAMUser)
	if err != nil {
		return nil, err
	}
	for i := range users {
		row, err := s.userReportRow(ctx, sc, &users[i], pol, creds)
		if err != nil {
			return nil, err
		}
		_ = w.Write(row)
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func (s *Service) rootReportRow(ctx context.Context, sc scope, creds reportCredentials) ([]string, error) {
	created := time.Time{}
	if a, err := s.st.GetAccount(ctx, sc.account); err == nil {
		created = a.CreatedAt
	} else if store.IsUnavailable(err) {
		return nil, err
	}
	row := []string{rootAccountUser, "arn:" + sc.partition + ":iam::" + sc.account + ":root", reportTime(created),
		"not_supported", reportNA, "not_supported", "not_supported", strconv.FormatBool(creds.mfa[""])}
	return s.appendKeysAndCerts(ctx, sc, row, "", creds)
}

func (s *Service) userReportRow(ctx context.Context, sc scope, u *store.IAMEntity, pol *passwordPolicy, creds reportCredentials) ([]string, error) {
	row := []string{u.Name, sc.entityARN(u), reportTime(u.CreatedAt)}
	lp, ok, err := loginProfiles.Get(ctx, s.st, sc.account, u.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		row = append(row, "false", reportNA, reportNA, reportNA)
	} else {
		used, next := "no_information", reportNA
		if !lp.LastUsed.IsZero() {
			used = reportTime(lp.LastUsed)
		}
		if pol != nil && pol.MaxAge > 0 {
			next = reportTime(lp.Changed.AddDate(0, 0, pol.MaxAge))
		}
		row = append(row, "true", used, reportTime(lp.Changed), next)
	}
	row = append(row, strconv.FormatBool(creds.mfa[u.Name]))
	return s.appendKeysAndCerts(ctx, sc, row, u.Name, creds)
}

// appendKeysAndCerts adds the two access keys' and two signing
// certificates' columns of a user ("" for the root), oldest first.
func (s *Service) appendKeysAndCerts(ctx context.Context, sc scope, row []string, user string, creds reportCredentials) ([]string, error) {
	keys, err := s.st.ListUserAccessKeys(ctx, sc.account, user)
	if err != nil {
		return nil, err
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].CreatedAt.Before(keys[j].CreatedAt) })
	for i := range 2 {
		if i >= len(keys) {
			row = append(row, "false", reportNA, reportNA, reportNA, reportNA)
			continue
		}
		k := keys[i]
		u, err := s.st.GetAccessKeyUsage(ctx, k.AccessKeyID)
		if err != nil {
			return nil, err
		}
		used, region, service := reportNA, reportNA, reportNA
		if !u.At.IsZero() {
			used, region, service = reportTime(u.At), orNA(u.Region), orNA(u.Service)
		}
		row = append(row, strconv.FormatBool(k.Status == string(iamapi.StatusTypeActive)), reportTime(k.CreatedAt), used, region, service)
	}
	certs := creds.certs[user]
	sort.Slice(certs, func(i, j int) bool { return certs[i].Uploaded < certs[j].Uploaded })
	for i := range 2 {
		if i >= len(certs) {
			row = append(row, "false", reportNA)
			continue
		}
		uploaded, _ := time.Parse(time.RFC3339Nano, certs[i].Uploaded)
		row = append(row, strconv.FormatBool(certs[i].Status == string(iamapi.StatusTypeActive)), reportTime(uploaded))
	}
	return row, nil
}

func orNA(s string) string {
	if s == "" {
		return reportNA
	}
	return s
}
