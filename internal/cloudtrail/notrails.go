package cloudtrail

// Every operation but LookupEvents answers as for an account without
// trails, event data stores, channels, dashboards, queries or imports:
// listings are empty, and what names one of them is not found (the
// model's error for it). Creating a trail fails on its S3 bucket, which
// mailgate has none of.

import (
	"context"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api/cloudtrailapi"
	"github.com/mailgate/mailgate/internal/opt"
)

func (s *Service) AddTags(_ context.Context, in *cloudtrailapi.AddTagsRequest) (*cloudtrailapi.AddTagsResponse, error) {
	return nil, resourceNotFound(in.ResourceId)
}

func (s *Service) CancelQuery(_ context.Context, in *cloudtrailapi.CancelQueryRequest) (*cloudtrailapi.CancelQueryResponse, error) {
	return nil, queryNotFound(in.QueryId)
}

func (s *Service) CreateChannel(_ context.Context, in *cloudtrailapi.CreateChannelRequest) (*cloudtrailapi.CreateChannelResponse, error) {
	return nil, cloudtrailapi.NewEventDataStoreNotFoundException("The event data store given as a destination of channel %s was not found.", in.Name)
}

func (s *Service) CreateDashboard(_ context.Context, _ *cloudtrailapi.CreateDashboardRequest) (*cloudtrailapi.CreateDashboardResponse, error) {
	return nil, cloudtrailapi.NewUnsupportedOperationException("Dashboards are not supported: this account has no event data stores.")
}

func (s *Service) CreateEventDataStore(_ context.Context, _ *cloudtrailapi.CreateEventDataStoreRequest) (*cloudtrailapi.CreateEventDataStoreResponse, error) {
	return nil, cloudtrailapi.NewUnsupportedOperationException("Event data stores are not supported; the account's events are read with LookupEvents.")
}

func (s *Service) CreateTrail(_ context.Context, in *cloudtrailapi.CreateTrailRequest) (*cloudtrailapi.CreateTrailResponse, error) {
	return nil, cloudtrailapi.NewS3BucketDoesNotExistException("S3 bucket %s does not exist.", in.S3BucketName)
}

func (s *Service) DeleteChannel(_ context.Context, in *cloudtrailapi.DeleteChannelRequest) (*cloudtrailapi.DeleteChannelResponse, error) {
	return nil, channelNotFound(in.Channel)
}

func (s *Service) DeleteDashboard(_ context.Context, in *cloudtrailapi.DeleteDashboardRequest) (*cloudtrailapi.DeleteDashboardResponse, error) {
	return nil, resourceNotFound(in.DashboardId)
}

func (s *Service) DeleteEventDataStore(_ context.Context, in *cloudtrailapi.DeleteEventDataStoreRequest) (*cloudtrailapi.DeleteEventDataStoreResponse, error) {
	return nil, eventDataStoreNotFound(in.EventDataStore)
}

func (s *Service) DeleteResourcePolicy(_ context.Context, in *cloudtrailapi.DeleteResourcePolicyRequest) (*cloudtrailapi.DeleteResourcePolicyResponse, error) {
	return nil, resourceNotFound(in.ResourceArn)
}

func (s *Service) DeleteTrail(ctx context.Context, in *cloudtrailapi.DeleteTrailRequest) (*cloudtrailapi.DeleteTrailResponse, error) {
	return nil, trailNotFound(ctx, in.Name)
}

func (s *Service) DeregisterOrganizationDelegatedAdmin(_ context.Context, _ *cloudtrailapi.DeregisterOrganizationDelegatedAdminRequest) (*cloudtrailapi.DeregisterOrganizationDelegatedAdminResponse, error) {
	return nil, organizationsNotInUse()
}

func (s *Service) DescribeQuery(_ context.Context, in *cloudtrailapi.DescribeQueryRequest) (*cloudtrailapi.DescribeQueryResponse, error) {
	return nil, queryNotFound(opt.Deref(in.QueryId))
}

func (s *Service) DescribeTrails(_ context.Context, _ *cloudtrailapi.DescribeTrailsRequest) (*cloudtrailapi.DescribeTrailsResponse, error) {
	return &cloudtrailapi.DescribeTrailsResponse{TrailList: []cloudtrailapi.Trail{}}, nil
}

func (s *Service) DisableFederation(_ context.Context, in *cloudtrailapi.DisableFederationRequest) (*cloudtrailapi.DisableFederationResponse, error) {
	return nil, eventDataStoreNotFound(in.EventDataStore)
}

func (s *Service) EnableFederation(_ context.Context, in *cloudtrailapi.EnableFederationRequest) (*cloudtrailapi.EnableFederationResponse, error) {
	return nil, eventDataStoreNotFound(in.EventDataStore)
}

func (s *Service) GenerateQuery(_ context.Context, in *cloudtrailapi.GenerateQueryRequest) (*cloudtrailapi.GenerateQueryResponse, error) {
	return nil, eventDataStoreNotFound(strings.Join(in.EventDataStores, ", "))
}

func (s *Service) GetChannel(_ context.Context, in *cloudtrailapi.GetChannelRequest) (*cloudtrailapi.GetChannelResponse, error) {
	return nil, channelNotFound(in.Channel)
}

func (s *Service) GetDashboard(_ context.Context, in *cloudtrailapi.GetDashboardRequest) (*cloudtrailapi.GetDashboardResponse, error) {
	return nil, resourceNotFound(in.DashboardId)
}

func (s *Service) GetEventConfiguration(ctx context.Context, in *cloudtrailapi.GetEventConfigurationRequest) (*cloudtrailapi.GetEventConfigurationResponse, error) {
	return nil, trailOrStoreNotFound(ctx, in.TrailName, in.EventDataStore)
}

func (s *Service) GetEventDataStore(_ context.Context, in *cloudtrailapi.GetEventDataStoreRequest) (*cloudtrailapi.GetEventDataStoreResponse, error) {
	return nil, eventDataStoreNotFound(in.EventDataStore)
}

func (s *Service) GetEventSelectors(ctx context.Context, in *cloudtrailapi.GetEventSelectorsRequest) (*cloudtrailapi.GetEventSelectorsResponse, error) {
	return nil, trailNotFound(ctx, in.TrailName)
}

func (s *Service) GetImport(_ context.Context, in *cloudtrailapi.GetImportRequest) (*cloudtrailapi.GetImportResponse, error) {
	return nil, importNotFound(in.ImportId)
}

func (s *Service) GetInsightSelectors(ctx context.Context, in *cloudtrailapi.GetInsightSelectorsRequest) (*cloudtrailapi.GetInsightSelectorsResponse, error) {
	return nil, trailOrStoreNotFound(ctx, in.TrailName, in.EventDataStore)
}

func (s *Service) GetQueryResults(_ context.Context, in *cloudtrailapi.GetQueryResultsRequest) (*cloudtrailapi.GetQueryResultsResponse, error) {
	return nil, queryNotFound(in.QueryId)
}

func (s *Service) GetResourcePolicy(_ context.Context, in *cloudtrailapi.GetResourcePolicyRequest) (*cloudtrailapi.GetResourcePolicyResponse, error) {
	return nil, resourceNotFound(in.ResourceArn)
}

func (s *Service) GetTrail(ctx context.Context, in *cloudtrailapi.GetTrailRequest) (*cloudtrailapi.GetTrailResponse, error) {
	return nil, trailNotFound(ctx, in.Name)
}

func (s *Service) GetTrailStatus(ctx context.Context, in *cloudtrailapi.GetTrailStatusRequest) (*cloudtrailapi.GetTrailStatusResponse, error) {
	return nil, trailNotFound(ctx, in.Name)
}

func (s *Service) ListChannels(_ context.Context, _ *cloudtrailapi.ListChannelsRequest) (*cloudtrailapi.ListChannelsResponse, error) {
	return &cloudtrailapi.ListChannelsResponse{Channels: []cloudtrailapi.Channel{}}, nil
}

func (s *Service) ListDashboards(_ context.Context, _ *cloudtrailapi.ListDashboardsRequest) (*cloudtrailapi.ListDashboardsResponse, error) {
	return &cloudtrailapi.ListDashboardsResponse{Dashboards: []cloudtrailapi.DashboardDetail{}}, nil
}

func (s *Service) ListEventDataStores(_ context.Context, _ *cloudtrailapi.ListEventDataStoresRequest) (*cloudtrailapi.ListEventDataStoresResponse, error) {
	return &cloudtrailapi.ListEventDataStoresResponse{EventDataStores: []cloudtrailapi.EventDataStore{}}, nil
}

func (s *Service) ListImportFailures(_ context.Context, _ *cloudtrailapi.ListImportFailuresRequest) (*cloudtrailapi.ListImportFailuresResponse, error) {
	return &cloudtrailapi.ListImportFailuresResponse{Failures: []cloudtrailapi.ImportFailureListItem{}}, nil
}

func (s *Service) ListImports(_ context.Context, _ *cloudtrailapi.ListImportsRequest) (*cloudtrailapi.ListImportsResponse, error) {
	return &cloudtrailapi.ListImportsResponse{Imports: []cloudtrailapi.ImportsListItem{}}, nil
}

func (s *Service) ListInsightsData(_ context.Context, _ *cloudtrailapi.ListInsightsDataRequest) (*cloudtrailapi.ListInsightsDataResponse, error) {
	return &cloudtrailapi.ListInsightsDataResponse{Events: []cloudtrailapi.Event{}}, nil
}

func (s *Service) ListInsightsMetricData(_ context.Context, in *cloudtrailapi.ListInsightsMetricDataRequest) (*cloudtrailapi.ListInsightsMetricDataResponse, error) {
	return &cloudtrailapi.ListInsightsMetricDataResponse{EventSource: &in.EventSource, EventName: &in.EventName, InsightType: &in.InsightType,
		ErrorCode: in.ErrorCode, Timestamps: []time.Time{}, Values: []float64{}}, nil
}

func (s *Service) ListPublicKeys(_ context.Context, _ *cloudtrailapi.ListPublicKeysRequest) (*cloudtrailapi.ListPublicKeysResponse, error) {
	return &cloudtrailapi.ListPublicKeysResponse{PublicKeyList: []cloudtrailapi.PublicKey{}}, nil
}

func (s *Service) ListQueries(_ context.Context, in *cloudtrailapi.ListQueriesRequest) (*cloudtrailapi.ListQueriesResponse, error) {
	return nil, eventDataStoreNotFound(in.EventDataStore)
}

func (s *Service) ListTags(_ context.Context, in *cloudtrailapi.ListTagsRequest) (*cloudtrailapi.ListTagsResponse, error) {
	return nil, resourceNotFound(strings.Join(in.ResourceIdList, ", "))
}

func (s *Service) ListTrails(_ context.Context, _ *cloudtrailapi.ListTrailsRequest) (*cloudtrailapi.ListTrailsResponse, error) {
	return &cloudtrailapi.ListTrailsResponse{Trails: []cloudtrailapi.TrailInfo{}}, nil
}

func (s *Service) PutEventConfiguration(ctx context.Context, in *cloudtrailapi.PutEventConfigurationRequest) (*cloudtrailapi.PutEventConfigurationResponse, error) {
	return nil, trailOrStoreNotFound(ctx, in.TrailName, in.EventDataStore)
}

func (s *Service) PutEventSelectors(ctx context.Context, in *cloudtrailapi.PutEventSelectorsRequest) (*cloudtrailapi.PutEventSelectorsResponse, error) {
	return nil, trailNotFound(ctx, in.TrailName)
}

func (s *Service) PutInsightSelectors(ctx context.Context, in *cloudtrailapi.PutInsightSelectorsRequest) (*cloudtrailapi.PutInsightSelectorsResponse, error) {
	return nil, trailOrStoreNotFound(ctx, in.TrailName, in.EventDataStore)
}

func (s *Service) PutResourcePolicy(_ context.Context, in *cloudtrailapi.PutResourcePolicyRequest) (*cloudtrailapi.PutResourcePolicyResponse, error) {
	return nil, resourceNotFound(in.ResourceArn)
}

func (s *Service) RegisterOrganizationDelegatedAdmin(_ context.Context, _ *cloudtrailapi.RegisterOrganizationDelegatedAdminRequest) (*cloudtrailapi.RegisterOrganizationDelegatedAdminResponse, error) {
	return nil, organizationsNotInUse()
}

func (s *Service) RemoveTags(_ context.Context, in *cloudtrailapi.RemoveTagsRequest) (*cloudtrailapi.RemoveTagsResponse, error) {
	return nil, resourceNotFound(in.ResourceId)
}

func (s *Service) RestoreEventDataStore(_ context.Context, in *cloudtrailapi.RestoreEventDataStoreRequest) (*cloudtrailapi.RestoreEventDataStoreResponse, error) {
	return nil, eventDataStoreNotFound(in.EventDataStore)
}

func (s *Service) SearchSampleQueries(_ context.Context, _ *cloudtrailapi.SearchSampleQueriesRequest) (*cloudtrailapi.SearchSampleQueriesResponse, error) {
	return &cloudtrailapi.SearchSampleQueriesResponse{SearchResults: []cloudtrailapi.SearchSampleQueriesSearchResult{}}, nil
}

func (s *Service) StartDashboardRefresh(_ context.Context, in *cloudtrailapi.StartDashboardRefreshRequest) (*cloudtrailapi.StartDashboardRefreshResponse, error) {
	return nil, resourceNotFound(in.DashboardId)
}

func (s *Service) StartEventDataStoreIngestion(_ context.Context, in *cloudtrailapi.StartEventDataStoreIngestionRequest) (*cloudtrailapi.StartEventDataStoreIngestionResponse, error) {
	return nil, eventDataStoreNotFound(in.EventDataStore)
}

func (s *Service) StartImport(_ context.Context, in *cloudtrailapi.StartImportRequest) (*cloudtrailapi.StartImportResponse, error) {
	if in.ImportId != nil {
		return nil, importNotFound(*in.ImportId)
	}
	return nil, eventDataStoreNotFound(strings.Join(in.Destinations, ", "))
}

func (s *Service) StartLogging(ctx context.Context, in *cloudtrailapi.StartLoggingRequest) (*cloudtrailapi.StartLoggingResponse, error) {
	return nil, trailNotFound(ctx, in.Name)
}

func (s *Service) StartQuery(_ context.Context, in *cloudtrailapi.StartQueryRequest) (*cloudtrailapi.StartQueryResponse, error) {
	return nil, eventDataStoreNotFound(opt.Deref(in.QueryAlias))
}

func (s *Service) StopEventDataStoreIngestion(_ context.Context, in *cloudtrailapi.StopEventDataStoreIngestionRequest) (*cloudtrailapi.StopEventDataStoreIngestionResponse, error) {
	return nil, eventDataStoreNotFound(in.EventDataStore)
}

func (s *Service) StopImport(_ context.Context, in *cloudtrailapi.StopImportRequest) (*cloudtrailapi.StopImportResponse, error) {
	return nil, importNotFound(in.ImportId)
}

func (s *Service) StopLogging(ctx context.Context, in *cloudtrailapi.StopLoggingRequest) (*cloudtrailapi.StopLoggingResponse, error) {
	return nil, trailNotFound(ctx, in.Name)
}

func (s *Service) UpdateChannel(_ context.Context, in *cloudtrailapi.UpdateChannelRequest) (*cloudtrailapi.UpdateChannelResponse, error) {
	return nil, channelNotFound(in.Channel)
}

func (s *Service) UpdateDashboard(_ context.Context, in *cloudtrailapi.UpdateDashboardRequest) (*cloudtrailapi.UpdateDashboardResponse, error) {
	return nil, resourceNotFound(in.DashboardId)
}

func (s *Service) UpdateEventDataStore(_ context.Context, in *cloudtrailapi.UpdateEventDataStoreRequest) (*cloudtrailapi.UpdateEventDataStoreResponse, error) {
	return nil, eventDataStoreNotFound(in.EventDataStore)
}

func (s *Service) UpdateTrail(ctx context.Context, in *cloudtrailapi.UpdateTrailRequest) (*cloudtrailapi.UpdateTrailResponse, error) {
	return nil, trailNotFound(ctx, in.Name)
}
