package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"

	"github.com/mailgate/mailgate/internal/model"
)

// Configuration is resolved as the AWS CLI resolves it: the command line,
// then the environment, then the profile. Credentials, region, endpoint
// URLs (global and per service) and the CA bundle come from the Go SDK's
// own loader (config.LoadDefaultConfig / LoadSharedConfigProfile), so
// ~/.aws/config, ~/.aws/credentials, AWS_PROFILE, AWS_ACCESS_KEY_ID, ...
// behave exactly as for any AWS SDK. The few settings only the CLI knows
// (output, cli_pager, cli_binary_format, cli_timestamp_format,
// cli_auto_prompt) are not in the SDK's model of a profile, so cliSetting
// reads just those keys.

type cliConfig struct {
	profile         string
	output          string
	color           string
	binaryFormat    string
	timestampFormat string
	pager           string
	autoPrompt      string
}

func (o *IO) profileName(g *Globals) string {
	if g.has("profile") {
		return g.str("profile")
	}
	if p := o.env("AWS_PROFILE"); p != "" {
		return p
	}
	if p := o.env("AWS_DEFAULT_PROFILE"); p != "" {
		return p
	}
	return "default"
}

func loadCLIConfig(o *IO, g *Globals) (*cliConfig, error) {
	c := &cliConfig{profile: o.profileName(g)}
	c.output = firstNonEmpty(g.str("output"), o.env("AWS_DEFAULT_OUTPUT"), cliSetting(o, c.profile, "output"), "json")
	if !contains([]string{"json", "text", "table", "yaml", "yaml-stream", "off"}, c.output) {
		return nil, &configError{msg: fmt.Sprintf("Unknown output type: %s", c.output)}
	}
	c.color = firstNonEmpty(g.str("color"), "auto")
	c.binaryFormat = firstNonEmpty(g.str("cli-binary-format"), cliSetting(o, c.profile, "cli_binary_format"), "base64")
	c.timestampFormat = firstNonEmpty(cliSetting(o, c.profile, "cli_timestamp_format"), "iso8601")
	if v, ok := o.lookupEnv("AWS_PAGER"); ok {
		c.pager = v
	} else {
		c.pager = firstNonEmpty(cliSetting(o, c.profile, "cli_pager"), "less")
	}
	c.autoPrompt = firstNonEmpty(o.env("AWS_CLI_AUTO_PROMPT"), cliSetting(o, c.profile, "cli_auto_prompt"))
	return c, nil
}

func configFilePath(o *IO) string {
	if p := o.env("AWS_CONFIG_FILE"); p != "" {
		return p
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".aws", "config")
}

func credentialsFilePath(o *IO) string {
	if p := o.env("AWS_SHARED_CREDENTIALS_FILE"); p != "" {
		return p
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".aws", "credentials")
}

// cliSetting reads one CLI-only key of a profile in the config file
// ([default] or [profile name]).
func cliSetting(o *IO, profile, key string) string {
	f, err := os.Open(configFilePath(o))
	if err != nil {
		return ""
	}
	defer f.Close()
	want := "profile " + profile
	if profile == "default" {
		want = "default"
	}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			sec := strings.Join(strings.Fields(strings.Trim(line, "[]")), " ")
			in = sec == want || (profile == "default" && sec == "profile default")
			continue
		}
		if !in {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// resolved is what a request needs: where, as whom, for which region.
type resolved struct {
	region   string
	endpoint string
	creds    aws.CredentialsProvider
	caBundle string
}

// resolve loads region, credentials and the endpoint for svc.
func resolve(ctx context.Context, o *IO, g *Globals, c *cliConfig, svc *model.Service) (*resolved, error) {
	opts := []func(*config.LoadOptions) error{config.WithSharedConfigProfile(c.profile)}
	if g.has("profile") || o.env("AWS_PROFILE") != "" || o.env("AWS_DEFAULT_PROFILE") != "" {
		// An explicitly named profile must exist.
	} else {
		opts = opts[:0]
	}
	if g.has("region") {
		opts = append(opts, config.WithRegion(g.str("region")))
	}
	// The SDK's own warnings (an IMDS fallback while looking for
	// credentials) are not the user's business; errors still surface.
	opts = append(opts, config.WithLogger(logging.Nop{}))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		var pe config.SharedConfigProfileNotExistError
		if errors.As(err, &pe) {
			return nil, &configError{msg: fmt.Sprintf("The config profile (%s) could not be found", c.profile)}
		}
		return nil, &configError{msg: err.Error()}
	}
	r := &resolved{region: cfg.Region, creds: cfg.Credentials}
	r.endpoint = endpointFor(o, g, cfg, svc)
	if r.region == "" {
		if r.endpoint != "" || svc.Name == "iam" {
			// A local server (or IAM's global endpoint) signs for us-east-1
			// when nothing else names a region.
			r.region = "us-east-1"
		} else {
			return nil, &configError{msg: "You must specify a region. You can also configure your region by running \"mailgate configure\"."}
		}
	}
	if r.endpoint == "" {
		r.endpoint = defaultEndpoint(svc, r.region)
	}
	r.caBundle = firstNonEmpty(g.str("ca-bundle"), o.env("AWS_CA_BUNDLE"))
	if r.caBundle == "" {
		if sc, err := config.LoadSharedConfigProfile(ctx, c.profile); err == nil {
			r.caBundle = sc.CustomCABundle
		}
	}
	return r, nil
}

// endpointFor follows the SDKs' order: --endpoint-url, then
// AWS_ENDPOINT_URL_<SERVICE>, the profile's services section, then
// AWS_ENDPOINT_URL and the profile's endpoint_url.
func endpointFor(o *IO, g *Globals, cfg aws.Config, svc *model.Service) string {
	if g.has("endpoint-url") {
		return g.str("endpoint-url")
	}
	if strings.EqualFold(o.env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		return ""
	}
	id := strings.ToUpper(strings.ReplaceAll(firstNonEmpty(svc.ServiceID, svc.Name), " ", "_"))
	if v := o.env("AWS_ENDPOINT_URL_" + id); v != "" {
		return v
	}
	if src := cfg.ConfigSources; src != nil {
		for _, s := range src {
			if sc, ok := s.(config.SharedConfig); ok {
				key := strings.ToLower(strings.ReplaceAll(firstNonEmpty(svc.ServiceID, svc.Name), " ", "_"))
				if vals, ok := sc.Services.ServiceValues[key]; ok && vals["endpoint_url"] != "" {
					return vals["endpoint_url"]
				}
			}
		}
	}
	if cfg.BaseEndpoint != nil && *cfg.BaseEndpoint != "" {
		return *cfg.BaseEndpoint
	}
	return o.env("AWS_ENDPOINT_URL")
}

func defaultEndpoint(svc *model.Service, region string) string {
	switch svc.EndpointPrefix {
	case "iam":
		return "https://iam.amazonaws.com"
	}
	return fmt.Sprintf("https://%s.%s.amazonaws.com", svc.EndpointPrefix, region)
}

// runConfigure is `mailgate configure [--profile p]`: it asks for (or takes
// from --access-key-id, --secret-access-key, --region, --endpoint-url,
// --output) the settings of a profile and writes them to the shared files.
func runConfigure(ctx context.Context, cl *commandLine, o *IO) error {
	profile := o.profileName(&cl.globals)
	vals := map[string]string{}
	for _, p := range cl.params {
		if len(p.values) != 1 {
			return &usageError{msg: fmt.Sprintf("argument --%s: expected one argument", p.name)}
		}
		vals[p.name] = p.values[0]
	}
	if cl.globals.has("region") {
		vals["region"] = cl.globals.str("region")
	}
	if cl.globals.has("endpoint-url") {
		vals["endpoint-url"] = cl.globals.str("endpoint-url")
	}
	if cl.globals.has("output") {
		vals["output"] = cl.globals.str("output")
	}
	in := bufio.NewReader(o.Stdin)
	for _, k := range []struct{ key, label string }{
		{"access-key-id", "Access key ID"}, {"secret-access-key", "Secret access key"},
		{"region", "Default region name"}, {"endpoint-url", "Endpoint URL"}, {"output", "Default output format"},
	} {
		if _, ok := vals[k.key]; ok {
			continue
		}
		fmt.Fprintf(o.Stdout, "%s [None]: ", k.label)
		line, err := in.ReadString('\n')
		vals[k.key] = strings.TrimSpace(line)
		if err != nil {
			break
		}
	}
	section := "profile " + profile
	if profile == "default" {
		section = "default"
	}
	if err := writeINISection(credentialsFilePath(o), profile, map[string]string{
		"aws_access_key_id": vals["access-key-id"], "aws_secret_access_key": vals["secret-access-key"]}, 0o600); err != nil {
		return err
	}
	return writeINISection(configFilePath(o), section, map[string]string{
		"region": vals["region"], "endpoint_url": vals["endpoint-url"], "output": vals["output"]}, 0o600)
}

// writeINISection sets keys of one section, keeping everything else.
func writeINISection(path, section string, kv map[string]string, perm os.FileMode) error {
	old, _ := os.ReadFile(path)
	var out []string
	in, done := false, map[string]bool{}
	flush := func() {
		for _, k := range []string{"aws_access_key_id", "aws_secret_access_key", "region", "endpoint_url", "output"} {
			if v, ok := kv[k]; ok && v != "" && !done[k] {
				out = append(out, k+" = "+v)
				done[k] = true
			}
		}
	}
	found := false
	for _, line := range strings.Split(strings.TrimRight(string(old), "\n"), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			if in {
				flush()
			}
			in = strings.Join(strings.Fields(strings.Trim(t, "[]")), " ") == section
			found = found || in
		} else if in {
			if k, _, ok := strings.Cut(t, "="); ok {
				k = strings.TrimSpace(k)
				if v, ok := kv[k]; ok && v != "" {
					out = append(out, k+" = "+v)
					done[k] = true
					continue
				}
			}
		}
		if line != "" || len(out) > 0 {
			out = append(out, line)
		}
	}
	if in {
		flush()
	}
	if !found {
		out = append(out, "["+section+"]")
		flush()
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(strings.Join(out, "\n")+"\n"), perm)
}
