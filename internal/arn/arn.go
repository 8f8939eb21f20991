// Package arn reads the Amazon Resource Names mailgate deals in:
// arn:<partition>:<service>:<region>:<account>:<resource>.
package arn

import "strings"

// AWSManagedAccount is the account of AWS-managed resources
// (arn:aws:iam::aws:policy/ReadOnlyAccess).
const AWSManagedAccount = "aws"

// ARN is a parsed ARN.
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

// Parse splits an ARN into its six parts; ok is false for anything else.
func Parse(s string) (ARN, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ARN{}, false
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, true
}

// Account is the account of an ARN ("" for "*" or anything not an ARN).
func Account(s string) string {
	a, _ := Parse(s)
	return a.Account
}

// Policy splits arn:<partition>:iam::<account|aws>:policy<path><name>.
func Policy(s string) (owner, path, name string, ok bool) {
	a, ok := Parse(s)
	if !ok || a.Partition == "" || a.Service != "iam" || a.Region != "" {
		return "", "", "", false
	}
	res, found := strings.CutPrefix(a.Resource, "policy/")
	if !found || res == "" || strings.HasSuffix(res, "/") {
		return "", "", "", false
	}
	i := strings.LastIndexByte(res, '/')
	return a.Account, "/" + res[:i+1], res[i+1:], true
}

// IAMEntity splits arn:<partition>:iam::<account>:<kind>/<path><name>
// for the kinds given (role, user, group).
func IAMEntity(s string, kinds ...string) (account, kind, path, name string, ok bool) {
	a, ok := Parse(s)
	if !ok || a.Service != "iam" || a.Region != "" {
		return "", "", "", "", false
	}
	kind, res, found := strings.Cut(a.Resource, "/")
	if !found {
		return "", "", "", "", false
	}
	known := false
	for _, k := range kinds {
		known = known || k == kind
	}
	if !known {
		return "", "", "", "", false
	}
	i := strings.LastIndexByte(res, '/')
	return a.Account, kind, "/" + res[:i+1], res[i+1:], true
}
