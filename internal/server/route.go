package server

import (
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/protocol/awsjson"
	"github.com/mailgate/mailgate/internal/protocol/awsquery"
	"github.com/mailgate/mailgate/internal/sigv4"
)

const formContentType = "application/x-www-form-urlencoded"

// route identifies the service and operation. awsJson requests name them
// in X-Amz-Target; awsQuery requests in the Action parameter, with the
// service taken from the SigV4 credential scope (iam and sts share the
// protocol), falling back to the operation name, which no two query
// services share.
func (s *Server) route(r *http.Request, body []byte, c *call) (url.Values, apierror.APIError) {
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		if len(r.Header.Values("X-Amz-Target")) > 1 {
			// Which one names the operation is anyone's guess.
			return nil, awsjson.NewSerializationException("X-Amz-Target must be given once.")
		}
		prefix, op := splitTarget(target)
		b := s.byTarget[prefix]
		if b == nil {
			return nil, apierror.InvalidAction.InJSON("Unknown target prefix %q.", prefix)
		}
		c.svc = b
		if c.op = b.model.Operations[op]; c.op == nil {
			return nil, apierror.InvalidAction.InJSON("Unknown operation %q.", op)
		}
		if r.Method != http.MethodPost {
			return nil, apierror.InvalidAction.InJSON("Operations of %s are called with POST.", b.model.FullName)
		}
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/x-amz-json-1.1" && mt != "application/x-amz-json-1.0" {
			return nil, apierror.UnsupportedMediaType.InJSON(
				"Content-Type must be application/x-amz-json-1.1, got %q.", r.Header.Get("Content-Type"))
		}
		return nil, nil
	}

	form, err := queryForm(r, body)
	s.pickQueryService(r, form, c)
	if err != nil {
		return nil, err
	}
	action := form.Get("Action")
	if action == "" {
		if r.Method == http.MethodGet && r.URL.RawQuery == "" && r.URL.Path == "/" {
			return nil, apierror.MissingAction.InQuery("Missing Action: this endpoint serves AWS API requests; see %shealth for the server's health.", ControlPrefix)
		}
		return nil, apierror.MissingAction.InQuery("Missing Action.")
	}
	op := c.svc.model.Operations[action]
	if op == nil {
		return nil, apierror.InvalidAction.InQuery("Could not find operation %s for version %s.", action, form.Get("Version"))
	}
	if v := form.Get("Version"); v != "" && v != c.svc.model.APIVersion {
		return nil, apierror.InvalidAction.InQuery("Could not find operation %s for version %s.", action, v)
	}
	c.op = op
	return form, nil
}

// queryForm merges the URL query and, for POST, the form body; a key
// that comes twice, in either or in both, is refused (awsquery.MergeParams).
// Presigned SigV4 parameters stay in the URL for the verifier and are not
// input.
func queryForm(r *http.Request, body []byte) (url.Values, apierror.APIError) {
	form, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, apierror.MalformedQueryString.InQuery("The query string is not valid URL encoding.")
	}
	var bf url.Values
	if r.Method == http.MethodPost && len(body) > 0 {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != formContentType {
			return form, apierror.UnsupportedMediaType.InQuery(
				"Content-Type must be %s (or X-Amz-Target set for JSON services), got %q.", formContentType, r.Header.Get("Content-Type"))
		}
		if bf, err = url.ParseQuery(string(body)); err != nil {
			return form, apierror.MalformedInput.InQuery("The request body is not valid form encoding.")
		}
	} else if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return form, apierror.MethodNotAllowed.InQuery("Method %s is not supported.", r.Method)
	}
	merged, dup := awsquery.MergeParams(form, bf)
	if dup != nil {
		return form, dup
	}
	form = merged
	for k := range form {
		if strings.HasPrefix(k, "X-Amz-") {
			delete(form, k)
		}
	}
	return form, nil
}

// pickQueryService decides which awsQuery service a request is for, so
// that even its errors come in the right shape.
func (s *Server) pickQueryService(r *http.Request, form url.Values, c *call) {
	scope := ""
	if a, err := sigv4.ParseAuthorization(r.Header.Get("Authorization")); err == nil {
		scope = a.Service
	} else if cred := r.URL.Query().Get("X-Amz-Credential"); cred != "" {
		if parts := strings.Split(cred, "/"); len(parts) == 5 {
			scope = parts[3]
		}
	}
	if b := s.byName[scope]; b != nil && b.model.Protocol == "query" {
		c.svc = b
		return
	}
	host := strings.ToLower(r.Host)
	for _, b := range s.query {
		if strings.HasPrefix(host, b.model.EndpointPrefix+".") {
			c.svc = b
			return
		}
	}
	if action := form.Get("Action"); action != "" {
		for _, b := range s.query {
			if b.model.Operations[action] != nil {
				c.svc = b
				return
			}
		}
	}
	c.svc = s.byName["iam"]
}

// routeForError picks a service for an error raised before routing.
func (s *Server) routeForError(r *http.Request, c *call) {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		prefix, _ := splitTarget(t)
		if b := s.byTarget[prefix]; b != nil {
			c.svc = b
			return
		}
	}
	s.pickQueryService(r, url.Values{}, c)
}

// splitTarget splits X-Amz-Target at its last dot: CloudTrail's prefix
// has dots of its own ("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101").
func splitTarget(target string) (prefix, op string) {
	i := strings.LastIndexByte(target, '.')
	if i < 0 {
		return target, ""
	}
	return target[:i], target[i+1:]
}
