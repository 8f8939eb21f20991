package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Service-linked roles take AWS's name for each service.
func TestServiceLinkedRoleNames(t *testing.T) {
	_, c := newEnv(t)
	for service, want := range map[string]string{
		"autoscaling.amazonaws.com":                      "AWSServiceRoleForAutoScaling",
		"elasticbeanstalk.amazonaws.com":                 "AWSServiceRoleForElasticBeanstalk",
		"eks.amazonaws.com":                              "AWSServiceRoleForAmazonEKS",
		"dynamodb.application-autoscaling.amazonaws.com": "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
		"my-thing.amazonaws.com":                         "AWSServiceRoleForMyThing", // not listed: from the principal
	} {
		t.Run("method=CreateServiceLinkedRole/case="+service, func(t *testing.T) {
			out, err := c.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String(service)})
			must(t, err)
			if *out.Role.RoleName != want || *out.Role.Path != "/aws-service-role/"+service+"/" {
				t.Fatalf("role %s at %s, want %s", *out.Role.RoleName, *out.Role.Path, want)
			}
		})
	}
	out, err := c.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("autoscaling.amazonaws.com"), CustomSuffix: aws.String("web")})
	must(t, err)
	if *out.Role.RoleName != "AWSServiceRoleForAutoScaling_web" {
		t.Fatalf("suffixed: %s", *out.Role.RoleName)
	}
}
