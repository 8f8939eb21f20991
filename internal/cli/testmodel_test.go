package cli

import (
	"sync"
	"testing"

	"github.com/mailgate/mailgate/internal/model"
)

// The embedded models have no timestamp, blob, long, double or map
// parameters, so the coercion tests use this small model, which has one
// of every type botocore knows (JSON protocol, like WorkMail).
const testServiceJSON = `{
  "metadata": {"apiVersion": "2024-01-01", "protocol": "json", "jsonVersion": "1.1",
    "targetPrefix": "Test", "endpointPrefix": "test", "serviceId": "Test"},
  "operations": {
    "PutThing": {"name": "PutThing", "input": {"shape": "PutThingRequest"}, "output": {"shape": "PutThingResponse"}},
    "ListThings": {"name": "ListThings", "input": {"shape": "ListThingsRequest"}, "output": {"shape": "ListThingsResponse"}},
    "Ping": {"name": "Ping"}
  },
  "shapes": {
    "PutThingRequest": {"type": "structure", "required": ["Name"], "members": {
      "Name": {"shape": "Name"},
      "Count": {"shape": "Count"},
      "Size": {"shape": "Size"},
      "Ratio": {"shape": "Ratio"},
      "Weight": {"shape": "Weight"},
      "Enabled": {"shape": "Flag"},
      "When": {"shape": "When"},
      "Data": {"shape": "Data"},
      "Kind": {"shape": "Kind"},
      "Labels": {"shape": "Labels"},
      "Numbers": {"shape": "Numbers"},
      "Attributes": {"shape": "Attributes"},
      "Settings": {"shape": "Settings"},
      "Rules": {"shape": "Rules"},
      "Matrix": {"shape": "Matrix"},
      "Token": {"shape": "Name", "idempotencyToken": true}
    }},
    "PutThingResponse": {"type": "structure", "members": {"Id": {"shape": "Name"}, "Count": {"shape": "Count"}}},
    "ListThingsRequest": {"type": "structure", "members": {
      "Prefix": {"shape": "Name"}, "NextToken": {"shape": "Name"}, "MaxResults": {"shape": "Count"}}},
    "ListThingsResponse": {"type": "structure", "members": {
      "Things": {"shape": "Labels"}, "NextToken": {"shape": "Name"}}},
    "Name": {"type": "string", "min": 1},
    "Count": {"type": "integer", "min": 1},
    "Size": {"type": "long"},
    "Ratio": {"type": "double"},
    "Weight": {"type": "float"},
    "Flag": {"type": "boolean"},
    "When": {"type": "timestamp"},
    "Data": {"type": "blob"},
    "Kind": {"type": "string", "enum": ["SMALL", "LARGE"]},
    "Labels": {"type": "list", "member": {"shape": "Name"}, "min": 1},
    "Numbers": {"type": "list", "member": {"shape": "Count"}},
    "Attributes": {"type": "map", "key": {"shape": "Name"}, "value": {"shape": "Name"}},
    "Settings": {"type": "structure", "required": ["Mode"], "members": {
      "Mode": {"shape": "Kind"}, "Limit": {"shape": "Count"}, "Active": {"shape": "Flag"},
      "Tags": {"shape": "Labels"}, "Inner": {"shape": "Settings"}, "Since": {"shape": "When"}}},
    "Rules": {"type": "list", "member": {"shape": "Rule"}},
    "Rule": {"type": "structure", "required": ["Id"], "members": {
      "Id": {"shape": "Name"}, "Users": {"shape": "Labels"}, "Priority": {"shape": "Count"}}},
    "Matrix": {"type": "list", "member": {"shape": "Labels"}}
  }
}`

const testPaginatorsJSON = `{"pagination": {"ListThings": {"input_token": "NextToken", "output_token": "NextToken",
  "limit_key": "MaxResults", "result_key": "Things"}}}`

var (
	testServiceOnce sync.Once
	testServiceVal  *model.Service
)

func testService(t *testing.T) *model.Service {
	t.Helper()
	testServiceOnce.Do(func() {
		s, err := model.Load("test", []byte(testServiceJSON), []byte(testPaginatorsJSON))
		if err != nil {
			panic(err)
		}
		testServiceVal = s
	})
	return testServiceVal
}

// testInvocation parses a command line for an operation of the test model
// (or of an embedded one, as "workmail ListUsers") the way run does.
func testInvocation(t *testing.T, svc *model.Service, opName string, args ...string) *invocation {
	t.Helper()
	cl, err := parseCommandLine(append([]string{svc.Name, XformName(opName)}, args...))
	if err != nil {
		t.Fatalf("parseCommandLine: %v", err)
	}
	op := buildOperation(svc, svc.Operations[opName])
	cfg := &cliConfig{binaryFormat: firstNonEmpty(cl.globals.str("cli-binary-format"), "base64"), output: "json"}
	return &invocation{io: &IO{Getenv: func(string) string { return "" }}, cl: cl, svc: svc, op: op, cfg: cfg, ord: newOrderer()}
}

// testInput runs the command-line half of a command (options, then the
// input document) and returns the document or the error.
func testInput(t *testing.T, svc *model.Service, opName string, args ...string) (map[string]any, error) {
	t.Helper()
	inv := testInvocation(t, svc, opName, args...)
	_, inJSON, inYAML, err := inv.extractCommandOptions()
	if err != nil {
		return nil, err
	}
	return inv.buildInput(inJSON, inYAML)
}
