// Package model holds the embedded AWS API models (workmail, iam, sts) and
// everything mailgate derives from them at run time: shape lookup, input
// validation, and the conversion between wire documents and the typed
// structs that `go generate` produces from the same models.
//
// A "document" is the protocol-neutral form of a request or response that
// the codecs produce and consume: map[string]any for structures and maps,
// []any for lists, and string, int64, float64, bool, time.Time or []byte
// for scalars. Both codecs (awsJson1_1 and awsQuery) decode into documents
// and encode from them, so validation and binding are written once.
package model

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

//go:embed specs/*/service-2.json specs/*/paginators-1.json
var specFS embed.FS

// ServiceNames lists the embedded models.
var ServiceNames = []string{"workmail", "iam", "sts", "sso-admin", "identitystore", "cloudtrail"}

// Service is one API model.
type Service struct {
	Name           string // "workmail", "iam", "sts"
	APIVersion     string
	Protocol       string // "json" or "query"
	TargetPrefix   string // awsJson: X-Amz-Target prefix
	JSONVersion    string
	XMLNamespace   string
	EndpointPrefix string
	SigningName    string
	FullName       string
	ServiceID      string

	Operations map[string]*Operation
	Shapes     map[string]*Shape
	// OperationNames is sorted.
	OperationNames []string
	// ValidationError is the modeled error a JSON service answers input
	// that breaks the model's constraints with (WorkMail's
	// InvalidParameterException); nil where the service uses the common
	// ValidationError (IAM, STS).
	ValidationError *Shape
}

// validationErrorShapes are, in order of preference, the exception shapes
// through which awsJson services report invalid input.
var validationErrorShapes = []string{"ValidationException", "InvalidParameterException", "InvalidRequestException"}

// findValidationError picks the service's modeled validation error.
func (s *Service) findValidationError() *Shape {
	if s.Protocol != "json" {
		return nil
	}
	for _, n := range validationErrorShapes {
		if sh := s.Shapes[n]; sh != nil && sh.Exception {
			return sh
		}
	}
	return nil
}

// Operation is one API operation.
type Operation struct {
	Name          string
	Service       *Service
	Input         *Shape // nil when the operation takes no input
	Output        *Shape // nil when the operation returns nothing
	ResultWrapper string // awsQuery: element wrapping the output
	Errors        []*Shape
	Paginator     *Paginator
	Idempotent    bool
	// NoAuth: the operation is called without credentials ("authtype":
	// "none": AssumeRoleWithWebIdentity, AssumeRoleWithSAML); the handler
	// authenticates what the request carries.
	NoAuth bool
}

// Paginator describes how an operation pages (paginators-1.json).
type Paginator struct {
	InputToken  []string
	OutputToken []string
	LimitKey    string
	MoreResults string
	ResultKeys  []string
}

// Shape types as the models name them.
const (
	TypeStructure = "structure"
	TypeList      = "list"
	TypeMap       = "map"
	TypeString    = "string"
	TypeInteger   = "integer"
	TypeLong      = "long"
	TypeDouble    = "double"
	TypeFloat     = "float"
	TypeBoolean   = "boolean"
	TypeTimestamp = "timestamp"
	TypeBlob      = "blob"
)

// Shape is one model shape.
type Shape struct {
	Name      string
	Type      string
	Members   map[string]*Member
	Order     []string // member names in model order
	Required  map[string]bool
	Min, Max  *float64
	Pattern   *Pattern
	Enum      []string
	enumSet   map[string]bool
	Member    *Member // list element
	Key       *Member // map key
	Value     *Member // map value
	Sensitive bool
	Exception bool
	Error     *ErrorInfo
	Doc       string
}

// Member is a structure member (or list/map element reference).
type Member struct {
	Name             string
	Shape            *Shape
	IdempotencyToken bool
	LocationName     string
	Doc              string
}

// ErrorInfo is the "error" trait of an exception shape.
type ErrorInfo struct {
	Code        string
	HTTPStatus  int
	SenderFault bool
}

// IsEnumValue reports whether v is one of the shape's enum values.
func (s *Shape) IsEnumValue(v string) bool { return s.enumSet[v] }

// ErrorCode is the wire code of an exception shape.
func (s *Shape) ErrorCode() string {
	if s.Error != nil && s.Error.Code != "" {
		return s.Error.Code
	}
	return s.Name
}

// ErrorStatus is the HTTP status of an exception shape.
func (s *Shape) ErrorStatus() int {
	if s.Error != nil && s.Error.HTTPStatus != 0 {
		return s.Error.HTTPStatus
	}
	return 400
}

var (
	loadOnce sync.Once
	services map[string]*Service
	loadErr  error
)

// Get returns the named embedded service model. The models are parsed once,
// on first use; a broken embedded model is a build defect, so it panics.
func Get(name string) *Service {
	loadOnce.Do(func() {
		services = map[string]*Service{}
		for _, n := range ServiceNames {
			s, err := load(n)
			if err != nil {
				loadErr = err
				return
			}
			services[n] = s
		}
	})
	if loadErr != nil {
		panic(loadErr)
	}
	return services[name]
}

// Load parses a model from raw service-2.json and paginators-1.json bytes.
func Load(name string, serviceJSON, paginatorsJSON []byte) (*Service, error) {
	var raw rawService
	if err := json.Unmarshal(serviceJSON, &raw); err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	s := &Service{
		Name:           name,
		APIVersion:     raw.Metadata.APIVersion,
		Protocol:       raw.Metadata.Protocol,
		TargetPrefix:   raw.Metadata.TargetPrefix,
		JSONVersion:    raw.Metadata.JSONVersion,
		XMLNamespace:   raw.Metadata.XMLNamespace,
		EndpointPrefix: raw.Metadata.EndpointPrefix,
		SigningName:    raw.Metadata.SigningName,
		FullName:       raw.Metadata.ServiceFullName,
		ServiceID:      raw.Metadata.ServiceID,
		Operations:     map[string]*Operation{},
		Shapes:         map[string]*Shape{},
	}
	if s.SigningName == "" {
		s.SigningName = s.EndpointPrefix
	}
	for n, rs := range raw.Shapes {
		s.Shapes[n] = &Shape{Name: n}
		_ = rs
	}
	ref := func(r *rawRef) (*Member, error) {
		sh := s.Shapes[r.Shape]
		if sh == nil {
			return nil, fmt.Errorf("model %s: unknown shape %q", name, r.Shape)
		}
		return &Member{Shape: sh, IdempotencyToken: r.IdempotencyToken, LocationName: r.LocationName, Doc: r.Documentation}, nil
	}
	for n, rs := range raw.Shapes {
		sh := s.Shapes[n]
		sh.Type = rs.Type
		sh.Min, sh.Max = rs.Min, rs.Max
		sh.Enum = rs.Enum
		sh.Sensitive = rs.Sensitive
		sh.Exception = rs.Exception
		sh.Doc = rs.Documentation
		if rs.Error != nil {
			sh.Error = &ErrorInfo{Code: rs.Error.Code, HTTPStatus: rs.Error.HTTPStatusCode, SenderFault: rs.Error.SenderFault}
		}
		if len(rs.Enum) > 0 {
			sh.enumSet = map[string]bool{}
			for _, e := range rs.Enum {
				sh.enumSet[e] = true
			}
		}
		if rs.Pattern != "" {
			p, err := compilePattern(rs.Pattern)
			if err != nil {
				return nil, fmt.Errorf("model %s: shape %s: %w", name, n, err)
			}
			sh.Pattern = p
		}
		switch rs.Type {
		case TypeStructure:
			sh.Members = map[string]*Member{}
			sh.Required = map[string]bool{}
			for _, r := range rs.Required {
				sh.Required[r] = true
			}
			for _, mn := range rs.memberOrder {
				m, err := ref(rs.Members[mn])
				if err != nil {
					return nil, err
				}
				m.Name = mn
				sh.Members[mn] = m
				sh.Order = append(sh.Order, mn)
			}
		case TypeList:
			m, err := ref(rs.Member)
			if err != nil {
				return nil, err
			}
			sh.Member = m
		case TypeMap:
			k, err := ref(rs.Key)
			if err != nil {
				return nil, err
			}
			v, err := ref(rs.Value)
			if err != nil {
				return nil, err
			}
			sh.Key, sh.Value = k, v
		}
	}
	var pag rawPaginators
	if len(paginatorsJSON) > 0 {
		if err := json.Unmarshal(paginatorsJSON, &pag); err != nil {
			return nil, fmt.Errorf("model %s paginators: %w", name, err)
		}
	}
	for n, ro := range raw.Operations {
		op := &Operation{Name: n, Service: s, Idempotent: ro.Idempotent, NoAuth: ro.AuthType == "none"}
		if ro.Input != nil {
			op.Input = s.Shapes[ro.Input.Shape]
		}
		if ro.Output != nil {
			op.Output = s.Shapes[ro.Output.Shape]
			op.ResultWrapper = ro.Output.ResultWrapper
		}
		for _, e := range ro.Errors {
			if sh := s.Shapes[e.Shape]; sh != nil {
				op.Errors = append(op.Errors, sh)
			}
		}
		if p, ok := pag.Pagination[n]; ok {
			op.Paginator = &Paginator{
				InputToken:  stringOrList(p.InputToken),
				OutputToken: stringOrList(p.OutputToken),
				LimitKey:    p.LimitKey,
				MoreResults: p.MoreResults,
				ResultKeys:  stringOrList(p.ResultKey),
			}
		}
		s.Operations[n] = op
		s.OperationNames = append(s.OperationNames, n)
	}
	sort.Strings(s.OperationNames)
	s.ValidationError = s.findValidationError()
	return s, nil
}

func load(name string) (*Service, error) {
	svc, err := specFS.ReadFile("specs/" + name + "/service-2.json")
	if err != nil {
		return nil, err
	}
	pag, _ := specFS.ReadFile("specs/" + name + "/paginators-1.json")
	return Load(name, svc, pag)
}

func stringOrList(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// GoName turns a model name into an exported Go identifier.
func GoName(n string) string {
	if n == "" {
		return n
	}
	return strings.ToUpper(n[:1]) + n[1:]
}

type rawService struct {
	Metadata struct {
		APIVersion      string `json:"apiVersion"`
		Protocol        string `json:"protocol"`
		TargetPrefix    string `json:"targetPrefix"`
		JSONVersion     string `json:"jsonVersion"`
		XMLNamespace    string `json:"xmlNamespace"`
		EndpointPrefix  string `json:"endpointPrefix"`
		SigningName     string `json:"signingName"`
		ServiceFullName string `json:"serviceFullName"`
		ServiceID       string `json:"serviceId"`
	} `json:"metadata"`
	Operations map[string]struct {
		Input      *rawRef  `json:"input"`
		Output     *rawRef  `json:"output"`
		Errors     []rawRef `json:"errors"`
		Idempotent bool     `json:"idempotent"`
		AuthType   string   `json:"authtype"`
	} `json:"operations"`
	Shapes map[string]*rawShape `json:"shapes"`
}

type rawRef struct {
	Shape            string `json:"shape"`
	ResultWrapper    string `json:"resultWrapper"`
	IdempotencyToken bool   `json:"idempotencyToken"`
	LocationName     string `json:"locationName"`
	Documentation    string `json:"documentation"`
}

type rawShape struct {
	Type          string             `json:"type"`
	Members       map[string]*rawRef `json:"members"`
	Required      []string           `json:"required"`
	Member        *rawRef            `json:"member"`
	Key           *rawRef            `json:"key"`
	Value         *rawRef            `json:"value"`
	Min           *float64           `json:"min"`
	Max           *float64           `json:"max"`
	Pattern       string             `json:"pattern"`
	Enum          []string           `json:"enum"`
	Sensitive     bool               `json:"sensitive"`
	Exception     bool               `json:"exception"`
	Documentation string             `json:"documentation"`
	Error         *struct {
		Code           string `json:"code"`
		HTTPStatusCode int    `json:"httpStatusCode"`
		SenderFault    bool   `json:"senderFault"`
	} `json:"error"`
	memberOrder []string
}

// UnmarshalJSON keeps the members' model order, which Go maps lose; the
// order matters for generated structs, help text and XML output.
func (r *rawShape) UnmarshalJSON(b []byte) error {
	type plain rawShape
	if err := json.Unmarshal(b, (*plain)(r)); err != nil {
		return err
	}
	if r.Members == nil {
		return nil
	}
	var probe struct {
		Members json.RawMessage `json:"members"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(probe.Members)))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		r.memberOrder = append(r.memberOrder, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return nil
}

type rawPaginators struct {
	Pagination map[string]struct {
		InputToken  any    `json:"input_token"`
		OutputToken any    `json:"output_token"`
		LimitKey    string `json:"limit_key"`
		MoreResults string `json:"more_results"`
		ResultKey   any    `json:"result_key"`
	} `json:"pagination"`
}
