package iam_test

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/mailgate/mailgate/internal/testenv"
)

// bufferedIAM is an IAM client that reads each response body whole as
// soon as it arrives. Large responses (tens of KB) read slowly by the
// SDK's XML decoder sometimes lose their connection midway ("use of
// closed network connection"), whatever the operation (ListUsers of 200
// users as well): a transport matter of its own, kept out of these pages.
func bufferedIAM(e *testenv.Env) *iam.Client {
	cfg := e.AWSConfig()
	cfg.HTTPClient = &http.Client{Transport: wholeBody{http.DefaultTransport}}
	return iam.NewFromConfig(cfg)
}

type wholeBody struct{ rt http.RoundTripper }

func (w wholeBody) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := w.rt.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// MaxItems and Marker page through the (action, resource) results, 100
// by default.
func TestSimulatePagination(t *testing.T) {
	e, _ := newEnv(t)
	c := bufferedIAM(e)
	var actions, resources []string
	for i := range 11 {
		actions = append(actions, "s3:Action"+strconv.Itoa(i))
	}
	for i := range 10 {
		resources = append(resources, "arn:aws:s3:::b/"+strconv.Itoa(i))
	}
	in := &iam.SimulateCustomPolicyInput{PolicyInputList: []string{allowDoc("s3:*")}, ActionNames: actions, ResourceArns: resources}
	out, err := c.SimulateCustomPolicy(ctx, in)
	must(t, err)
	if len(out.EvaluationResults) != 100 || !out.IsTruncated || out.Marker == nil {
		t.Fatalf("default page: %d %v", len(out.EvaluationResults), out.IsTruncated)
	}
	var got []string
	in.MaxItems = aws.Int32(40)
	for {
		out, err := c.SimulateCustomPolicy(ctx, in)
		must(t, err)
		for _, r := range out.EvaluationResults {
			got = append(got, *r.EvalActionName+" "+*r.EvalResourceName)
		}
		if !out.IsTruncated {
			break
		}
		in.Marker = out.Marker
	}
	if len(got) != 110 || got[0] != "s3:Action0 arn:aws:s3:::b/0" || got[1] != "s3:Action0 arn:aws:s3:::b/1" || got[109] != "s3:Action10 arn:aws:s3:::b/9" {
		t.Fatalf("%d results: %v", len(got), got)
	}
	in.Marker = aws.String("nonsense")
	_, err = c.SimulateCustomPolicy(ctx, in)
	if err == nil {
		t.Fatal("a marker that was never given was accepted")
	}
}
