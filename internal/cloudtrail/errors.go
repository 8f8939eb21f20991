package cloudtrail

import (
	"context"
	"strings"

	"github.com/mailgate/mailgate/internal/api/cloudtrailapi"
)

// trailNotFound is CloudTrail's answer for a trail the account lacks.
func trailNotFound(ctx context.Context, name string) error {
	if !strings.HasPrefix(name, "arn:") {
		name = "arn:aws:cloudtrail:" + region(ctx) + ":" + account(ctx) + ":trail/" + name
	}
	return cloudtrailapi.NewTrailNotFoundException("Unknown trail: %s for the user: %s", name, account(ctx))
}

// trailOrStoreNotFound answers for operations that take either a trail
// or an event data store.
func trailOrStoreNotFound(ctx context.Context, trail, eds *string) error {
	if eds != nil {
		return eventDataStoreNotFound(*eds)
	}
	if trail != nil {
		return trailNotFound(ctx, *trail)
	}
	return cloudtrailapi.NewInvalidParameterCombinationException("You must specify either a trail name or an event data store.")
}

func eventDataStoreNotFound(name string) error {
	return cloudtrailapi.NewEventDataStoreNotFoundException("The specified event data store %s was not found.", name)
}

func channelNotFound(name string) error {
	return cloudtrailapi.NewChannelNotFoundException("The specified channel %s was not found.", name)
}

func resourceNotFound(arn string) error {
	return cloudtrailapi.NewResourceNotFoundException("The specified resource %s is not found.", arn)
}

func queryNotFound(id string) error {
	return cloudtrailapi.NewQueryIdNotFoundException("The query ID %s does not exist or does not map to a query.", id)
}

func importNotFound(id string) error {
	return cloudtrailapi.NewImportNotFoundException("The import %s was not found.", id)
}

func organizationsNotInUse() error {
	return cloudtrailapi.NewOrganizationsNotInUseException("This account is not a member of an organization in AWS Organizations.")
}
