#!/usr/bin/env bash
# The action's run step: `errcontract run` with the action's inputs (ERRCONTRACT_ACTION_*), keys
# from the environment as errcontract reads them (ERRCONTRACT_API_KEY, ...). The exit code goes to
# the step's output `exit-code`; the step itself succeeds so that the summary and the upload follow,
# and verdict.sh fails the job afterwards.
set -uo pipefail

command=(errcontract run --report-dir "${ERRCONTRACT_ACTION_REPORT_DIR:-errcontract-reports}")
if [ -n "${ERRCONTRACT_ACTION_PROVIDER:-}" ]; then
  command+=(--provider "$ERRCONTRACT_ACTION_PROVIDER")
fi
while IFS= read -r target; do
  if [ -n "$target" ]; then command+=(--target "$target"); fi
done <<< "${ERRCONTRACT_ACTION_TARGET:-}"
if [ -n "${ERRCONTRACT_ACTION_ARGS:-}" ]; then
  # shell words, split as a shell would (quotes kept), without evaluating anything
  mapfile -t extra < <(python -c 'import os, shlex; print("\n".join(shlex.split(os.environ["ERRCONTRACT_ACTION_ARGS"])))')
  command+=("${extra[@]}")
fi

status=0
"${command[@]}" || status=$?
echo "errcontract run exited $status"
echo "exit-code=$status" >> "${GITHUB_OUTPUT:-/dev/null}"
