package cloudtrail

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api/cloudtrailapi"
	"github.com/mailgate/mailgate/internal/audit"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

// defaultMaxResults is LookupEvents' page size when none is asked for.
const defaultMaxResults = 50

// LookupEvents lists the account's events newest first, filtered by at
// most one lookup attribute and a time range
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).
func (s *Service) LookupEvents(ctx context.Context, in *cloudtrailapi.LookupEventsRequest) (*cloudtrailapi.LookupEventsResponse, error) {
	if len(in.LookupAttributes) > 1 {
		return nil, cloudtrailapi.NewInvalidLookupAttributesException("You can only specify one lookup attribute.")
	}
	q := store.AuditQuery{AccountID: account(ctx), Limit: int(opt.Deref(in.MaxResults))}
	if q.Limit == 0 {
		q.Limit = defaultMaxResults
	}
	if in.StartTime != nil {
		q.From = *in.StartTime
	}
	if in.EndTime != nil {
		q.To = *in.EndTime
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.From.After(q.To) {
		return nil, cloudtrailapi.NewInvalidTimeRangeException("Start time must be before end time.")
	}
	if len(in.LookupAttributes) == 1 {
		a := in.LookupAttributes[0]
		q.Key = &store.AuditKey{Attr: string(a.AttributeKey), Value: a.AttributeValue}
	}
	resp := &cloudtrailapi.LookupEventsResponse{Events: []cloudtrailapi.Event{}}
	if in.EventCategory != nil {
		// The only category is insight, and the account has no Insights
		// events.
		return resp, nil
	}
	digest := queryDigest(in)
	if in.NextToken != nil {
		c, err := parseToken(*in.NextToken, digest)
		if err != nil {
			return nil, err
		}
		q.Before = c
	}
	if s.opts.Flush != nil {
		_ = s.opts.Flush(ctx)
	}
	recs, err := s.store.LookupAuditRecords(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		resp.Events = append(resp.Events, event(r))
	}
	if len(recs) == q.Limit {
		last := recs[len(recs)-1]
		resp.NextToken = opt.Ptr(makeToken(last, digest))
	}
	return resp, nil
}

// event is a stored record as LookupEvents lists it.
func event(r store.AuditRecord) cloudtrailapi.Event {
	var rec audit.Record
	_ = json.Unmarshal(r.Doc, &rec) // written by audit.Event.Record
	e := cloudtrailapi.Event{EventId: opt.Ptr(r.EventID), EventName: opt.NonEmpty(rec.EventName), ReadOnly: opt.Ptr(strconv.FormatBool(rec.ReadOnly)),
		AccessKeyId: opt.NonEmpty(rec.UserIdentity.AccessKeyID), EventTime: opt.Ptr(r.Time.Truncate(time.Second)), EventSource: opt.NonEmpty(rec.EventSource),
		Username: opt.NonEmpty(rec.UserIdentity.LookupName()), CloudTrailEvent: opt.Ptr(string(r.Doc)), Resources: []cloudtrailapi.Resource{}}
	for _, res := range rec.Resources {
		e.Resources = append(e.Resources, cloudtrailapi.Resource{ResourceType: opt.NonEmpty(res.Type), ResourceName: opt.NonEmpty(res.Name)})
	}
	return e
}

// queryDigest ties a NextToken to the query it continues: CloudTrail
// refuses a token with other parameters.
func queryDigest(in *cloudtrailapi.LookupEventsRequest) string {
	h := sha256.New()
	for _, a := range in.LookupAttributes {
		fmt.Fprintf(h, "%s\x00%s\x00", a.AttributeKey, a.AttributeValue)
	}
	for _, t := range []*time.Time{in.StartTime, in.EndTime} {
		if t != nil {
			fmt.Fprintf(h, "%d", t.UnixNano())
		}
		h.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:9])
}

// makeToken is the NextToken after r: its time and ID, and the query.
func makeToken(r store.AuditRecord, digest string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(r.Time.UnixNano(), 10) + " " + r.EventID + " " + digest))
}

func parseToken(tok, digest string) (*store.AuditCursor, error) {
	bad := cloudtrailapi.NewInvalidNextTokenException("Invalid NextToken.")
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(b), " ")
	if len(parts) != 3 || parts[2] != digest {
		return nil, bad
	}
	n, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return nil, bad
	}
	return &store.AuditCursor{Time: time.Unix(0, n).UTC(), EventID: parts[1]}, nil
}
