package iam

// serviceLinkedRoleNames are the names AWS gives the service-linked
// role of each service principal, as each service's page on its
// service-linked roles spells them (IAM user guide, "AWS services that
// work with IAM":
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-services-that-work-with-iam.html).
// A service not listed gets AWSServiceRoleFor and its principal's first
// label in title case.
var serviceLinkedRoleNames = map[string]string{
	"access-analyzer.amazonaws.com":                     "AWSServiceRoleForAccessAnalyzer",
	"acm.amazonaws.com":                                 "AWSServiceRoleForCertificateManager",
	"apprunner.amazonaws.com":                           "AWSServiceRoleForAppRunner",
	"appsync.amazonaws.com":                             "AWSServiceRoleForAppSync",
	"autoscaling.amazonaws.com":                         "AWSServiceRoleForAutoScaling",
	"backup.amazonaws.com":                              "AWSServiceRoleForBackup",
	"batch.amazonaws.com":                               "AWSServiceRoleForBatch",
	"chatbot.amazonaws.com":                             "AWSServiceRoleForAWSChatbot",
	"cloud9.amazonaws.com":                              "AWSServiceRoleForAWSCloud9",
	"cloudhsm.amazonaws.com":                            "AWSServiceRoleForCloudHSM",
	"cloudtrail.amazonaws.com":                          "AWSServiceRoleForCloudTrail",
	"codestar-notifications.amazonaws.com":              "AWSServiceRoleForCodeStarNotifications",
	"cognito-idp.amazonaws.com":                         "AWSServiceRoleForAmazonCognitoIdp",
	"compute-optimizer.amazonaws.com":                   "AWSServiceRoleForComputeOptimizer",
	"config.amazonaws.com":                              "AWSServiceRoleForConfig",
	"dax.amazonaws.com":                                 "AWSServiceRoleForDAX",
	"delivery.logs.amazonaws.com":                       "AWSServiceRoleForLogDelivery",
	"ec2scheduled.amazonaws.com":                        "AWSServiceRoleForEC2Scheduled",
	"ecs.amazonaws.com":                                 "AWSServiceRoleForECS",
	"eks.amazonaws.com":                                 "AWSServiceRoleForAmazonEKS",
	"eks-fargate.amazonaws.com":                         "AWSServiceRoleForAmazonEKSForFargate",
	"eks-nodegroup.amazonaws.com":                       "AWSServiceRoleForAmazonEKSNodegroup",
	"elasticache.amazonaws.com":                         "AWSServiceRoleForElastiCache",
	"elasticbeanstalk.amazonaws.com":                    "AWSServiceRoleForElasticBeanstalk",
	"elasticfilesystem.amazonaws.com":                   "AWSServiceRoleForAmazonElasticFileSystem",
	"elasticloadbalancing.amazonaws.com":                "AWSServiceRoleForElasticLoadBalancing",
	"elasticmapreduce.amazonaws.com":                    "AWSServiceRoleForEMRCleanup",
	"emr-containers.amazonaws.com":                      "AWSServiceRoleForAmazonEMRContainers",
	"es.amazonaws.com":                                  "AWSServiceRoleForAmazonElasticsearchService",
	"events.amazonaws.com":                              "AWSServiceRoleForCloudWatchEvents",
	"events.workmail.amazonaws.com":                     "AWSServiceRoleForAmazonWorkMailEvents",
	"fms.amazonaws.com":                                 "AWSServiceRoleForFMS",
	"fsx.amazonaws.com":                                 "AWSServiceRoleForAmazonFSx",
	"globalaccelerator.amazonaws.com":                   "AWSServiceRoleForGlobalAccelerator",
	"grafana.amazonaws.com":                             "AWSServiceRoleForAmazonGrafana",
	"guardduty.amazonaws.com":                           "AWSServiceRoleForAmazonGuardDuty",
	"imagebuilder.amazonaws.com":                        "AWSServiceRoleForImageBuilder",
	"inspector2.amazonaws.com":                          "AWSServiceRoleForAmazonInspector2",
	"kafka.amazonaws.com":                               "AWSServiceRoleForKafka",
	"lex.amazonaws.com":                                 "AWSServiceRoleForLexBots",
	"license-manager.amazonaws.com":                     "AWSServiceRoleForAWSLicenseManagerRole",
	"macie.amazonaws.com":                               "AWSServiceRoleForAmazonMacie",
	"ops.apigateway.amazonaws.com":                      "AWSServiceRoleForAPIGateway",
	"opensearchservice.amazonaws.com":                   "AWSServiceRoleForAmazonOpenSearchService",
	"organizations.amazonaws.com":                       "AWSServiceRoleForOrganizations",
	"ram.amazonaws.com":                                 "AWSServiceRoleForResourceAccessManager",
	"rds.amazonaws.com":                                 "AWSServiceRoleForRDS",
	"redshift.amazonaws.com":                            "AWSServiceRoleForRedshift",
	"replication.dynamodb.amazonaws.com":                "AWSServiceRoleForDynamoDBReplication",
	"resource-explorer-2.amazonaws.com":                 "AWSServiceRoleForResourceExplorer",
	"securityhub.amazonaws.com":                         "AWSServiceRoleForSecurityHub",
	"servicequotas.amazonaws.com":                       "AWSServiceRoleForServiceQuotas",
	"spot.amazonaws.com":                                "AWSServiceRoleForEC2Spot",
	"spotfleet.amazonaws.com":                           "AWSServiceRoleForEC2SpotFleet",
	"ssm.amazonaws.com":                                 "AWSServiceRoleForAmazonSSM",
	"sso.amazonaws.com":                                 "AWSServiceRoleForSSO",
	"stacksets.cloudformation.amazonaws.com":            "AWSServiceRoleForCloudFormationStackSetsOrgAdmin",
	"support.amazonaws.com":                             "AWSServiceRoleForSupport",
	"transitgateway.amazonaws.com":                      "AWSServiceRoleForVPCTransitGateway",
	"trustedadvisor.amazonaws.com":                      "AWSServiceRoleForTrustedAdvisor",
	"dynamodb.application-autoscaling.amazonaws.com":    "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
	"ecs.application-autoscaling.amazonaws.com":         "AWSServiceRoleForApplicationAutoScaling_ECSService",
	"rds.application-autoscaling.amazonaws.com":         "AWSServiceRoleForApplicationAutoScaling_RDSCluster",
	"ec2.application-autoscaling.amazonaws.com":         "AWSServiceRoleForApplicationAutoScaling_EC2SpotFleetRequest",
	"lambda.application-autoscaling.amazonaws.com":      "AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency",
	"sagemaker.application-autoscaling.amazonaws.com":   "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint",
	"cassandra.application-autoscaling.amazonaws.com":   "AWSServiceRoleForApplicationAutoScaling_CassandraTable",
	"elasticache.application-autoscaling.amazonaws.com": "AWSServiceRoleForApplicationAutoScaling_ElastiCacheRG",
}

// knownServiceRoleName is AWS's name for a listed service's linked role,
// with _suffix.
func knownServiceRoleName(service, suffix string) (string, bool) {
	name, ok := serviceLinkedRoleNames[service]
	if ok && suffix != "" {
		name += "_" + suffix
	}
	return name, ok
}
