#!/bin/sh
# Start-up cost of one command against a local server: mailgate's CLI and
# the AWS CLI run the same `workmail list-organizations` N times each.
#   internal/cli/bench_startup.sh [N]
# Needs the aws CLI on PATH; builds mailgate and starts a throwaway server.
set -eu
N=${1:-20}
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
go build -o "$dir/mailgate" ./cmd/mailgate
"$dir/mailgate" serve --addr 127.0.0.1:0 --data-dir "$dir/data" --root-access-key-id AKIABENCH0000000001 \
  --root-secret-access-key bench-secret-0000000000000000000000000000 >"$dir/out" 2>/dev/null &
pid=$!
while ! grep -q "mailgate ready on" "$dir/out"; do sleep 0.1; done
export AWS_ENDPOINT_URL=$(sed -n 's/^mailgate ready on //p' "$dir/out")
export AWS_ACCESS_KEY_ID=AKIABENCH0000000001 AWS_SECRET_ACCESS_KEY=bench-secret-0000000000000000000000000000
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=
"$dir/mailgate" workmail create-organization --alias bench >/dev/null
time_it() {
  start=$(date +%s%N)
  i=0
  while [ $i -lt "$N" ]; do "$@" workmail list-organizations >/dev/null; i=$((i+1)); done
  echo $(( ($(date +%s%N) - start) / N / 1000000 ))
}
mg=$(time_it "$dir/mailgate")
aws=$(time_it aws)
echo "mailgate: ${mg} ms/command  aws: ${aws} ms/command  ratio: $(awk "BEGIN{printf \"%.1f\", $aws/($mg>0?$mg:1)}")x"
