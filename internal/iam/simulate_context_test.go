package iam_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func conditionDoc(cond string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":` + cond + `}]}`
}

// Every ContextKeyType reaches the engine as the operators compare it.
func TestSimulateContextEntryTypes(t *testing.T) {
	_, c := newEnv(t)
	cases := []struct {
		typ    types.ContextKeyTypeEnum
		cond   string
		allow  []string
		refuse []string
	}{
		{"string", `{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}`, []string{"us-east-1"}, []string{"eu-west-1"}},
		{"stringList", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, []string{"a", "b"}, []string{"a", "c"}},
		{"numeric", `{"NumericLessThan":{"s3:max-keys":"10"}}`, []string{"5.5"}, []string{"10"}},
		{"numericList", `{"ForAnyValue:NumericGreaterThanEquals":{"k:num":"10"}}`, []string{"1", "10"}, []string{"1", "9"}},
		{"boolean", `{"Bool":{"aws:SecureTransport":"true"}}`, []string{"TRUE"}, []string{"false"}},
		{"booleanList", `{"ForAllValues:Bool":{"k:bool":"true"}}`, []string{"true", "True"}, []string{"true", "false"}},
		{"ip", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, []string{"203.0.113.7"}, []string{"198.51.100.1"}},
		{"ipList", `{"ForAnyValue:IpAddress":{"k:ips":["10.0.0.0/8","2001:db8::/32"]}}`, []string{"192.0.2.1", "2001:db8::1"}, []string{"192.0.2.1"}},
		{"binary", `{"BinaryEquals":{"k:bin":"QmluYXJ5"}}`, []string{"QmluYXJ5"}, []string{"T3RoZXI="}},
		{"binaryList", `{"ForAnyValue:BinaryEquals":{"k:bins":"QmluYXJ5"}}`, []string{"T3RoZXI=", "QmluYXJ5"}, []string{"T3RoZXI="}},
		{"date", `{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`, []string{"2024-06-01T12:00:00Z"}, []string{"1500000000"}},
		{"dateList", `{"ForAllValues:DateLessThan":{"k:dates":"2030-01-01T00:00:00Z"}}`, []string{"2024-01-01", "1700000000"}, []string{"2024-01-01", "2031-01-01T00:00:00Z"}},
	}
	for _, tc := range cases {
		t.Run(string(tc.typ), func(t *testing.T) {
			key := tc.cond[strings.Index(tc.cond, `":{"`)+4:]
			key = key[:strings.Index(key, `"`)]
			simulate := func(values []string) types.PolicyEvaluationDecisionType {
				t.Helper()
				out, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{conditionDoc(tc.cond)}, ActionNames: []string{"s3:GetObject"},
					ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String(key), ContextKeyValues: values, ContextKeyType: tc.typ}}})
				must(t, err)
				r := out.EvaluationResults[0]
				if len(r.MissingContextValues) != 0 {
					t.Fatalf("missing %v", r.MissingContextValues)
				}
				return r.EvalDecision
			}
			if d := simulate(tc.allow); d != "allowed" {
				t.Fatalf("%v: %s", tc.allow, d)
			}
			if d := simulate(tc.refuse); d != "implicitDeny" {
				t.Fatalf("%v: %s", tc.refuse, d)
			}
		})
	}
}

// A value that is not of its type is InvalidInput.
func TestSimulateContextEntryMalformed(t *testing.T) {
	_, c := newEnv(t)
	cases := []struct {
		typ    types.ContextKeyTypeEnum
		values []string
	}{
		{"numeric", []string{"ten"}},
		{"numericList", []string{"1", "x"}},
		{"boolean", []string{"yes"}},
		{"booleanList", []string{"true", "1"}},
		{"ip", []string{"300.1.1.1"}},
		{"ipList", []string{"10.0.0.0/8"}},
		{"binary", []string{"not base64!"}},
		{"binaryList", []string{"QmluYXJ5", "%%"}},
		{"date", []string{"yesterday"}},
		{"dateList", []string{"2024-13-45"}},
		{"string", []string{"one", "two"}},
	}
	for _, tc := range cases {
		_, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{allowDoc("s3:GetObject")}, ActionNames: []string{"s3:GetObject"},
			ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("k:key"), ContextKeyValues: tc.values, ContextKeyType: tc.typ}}})
		apiErr(t, err, "InvalidInput", 400)
	}
	_, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{allowDoc("s3:GetObject")}, ActionNames: []string{"s3:GetObject"},
		ContextEntries: []types.ContextEntry{{ContextKeyValues: []string{"x"}, ContextKeyType: "string"}}})
	apiErr(t, err, "InvalidInput", 400)
	// A type outside the model's enum fails its constraint.
	_, err = c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{allowDoc("s3:GetObject")}, ActionNames: []string{"s3:GetObject"},
		ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("k:key"), ContextKeyValues: []string{"x"}, ContextKeyType: "uuid"}}})
	apiErr(t, err, "ValidationError", 400)
}

// MissingContextValues lists the keys the deciding statements read that
// the request did not give: on the result for "*", on the
// resource-specific result for a named resource.
func TestSimulateMissingContextValues(t *testing.T) {
	e, c := newEnv(t)
	doc := conditionDoc(`{"StringEquals":{"aws:RequestedRegion":"us-east-1"},"Bool":{"aws:SecureTransport":"true"}}`)
	given := []types.ContextEntry{{ContextKeyName: aws.String("aws:SecureTransport"), ContextKeyValues: []string{"true"}, ContextKeyType: "boolean"}}
	out, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{doc}, ActionNames: []string{"s3:GetObject"}, ContextEntries: given,
		ResourceArns: []string{"*", "arn:aws:s3:::b/k"}, ResourceOwner: aws.String(e.AccountID)})
	must(t, err)
	star, named := out.EvaluationResults[0], out.EvaluationResults[1]
	if len(star.MissingContextValues) != 1 || star.MissingContextValues[0] != "aws:RequestedRegion" || len(star.ResourceSpecificResults[0].MissingContextValues) != 0 {
		t.Fatalf("*: %+v", star)
	}
	if len(named.MissingContextValues) != 0 || len(named.ResourceSpecificResults[0].MissingContextValues) != 1 ||
		named.ResourceSpecificResults[0].MissingContextValues[0] != "aws:RequestedRegion" {
		t.Fatalf("named: %+v", named)
	}
	if star.EvalDecisionDetails != nil || named.EvalDecisionDetails == nil || len(named.EvalDecisionDetails) != 0 {
		t.Fatalf("same-account details: %v %v", star.EvalDecisionDetails, named.EvalDecisionDetails)
	}
}
