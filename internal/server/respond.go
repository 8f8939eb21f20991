package server

import (
	"net/http"
	"strconv"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
	"github.com/mailgate/mailgate/internal/protocol/awsjson"
	"github.com/mailgate/mailgate/internal/protocol/awsquery"
)

// writeOutput encodes a handler's typed output in the service's protocol.
func (s *Server) writeOutput(w http.ResponseWriter, c *call, out any) {
	var doc map[string]any
	if out != nil {
		doc = model.ToDocument(out)
	}
	var body []byte
	var err error
	var ctype string
	if c.svc.model.Protocol == "json" {
		ctype = awsjson.ContentType
		body, err = awsjson.EncodeResponse(c.op.Output, doc)
	} else {
		ctype = awsquery.ContentType
		body, err = awsquery.EncodeResponse(c.op, doc, c.req.ID)
	}
	if err != nil {
		s.writeError(w, c, s.asAPIError(c, err))
		return
	}
	s.write(w, c, http.StatusOK, ctype, body)
}

// writeError encodes an API error in the shape of the request's protocol
// (awsJson when the service could not be told).
func (s *Server) writeError(w http.ResponseWriter, c *call, e apierror.APIError) {
	status := e.HTTPStatus()
	if status == 0 {
		status = 400
	}
	if c.svc == nil || c.svc.model.Protocol == "json" {
		w.Header().Set("X-Amzn-ErrorType", e.ErrorCode())
		s.write(w, c, status, awsjson.ContentType, awsjson.EncodeError(e))
		return
	}
	s.write(w, c, status, awsquery.ContentType, awsquery.EncodeError(e, c.svc.model.XMLNamespace, c.req.ID))
}

func (s *Server) write(w http.ResponseWriter, c *call, status int, ctype string, body []byte) {
	c.status = status
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
