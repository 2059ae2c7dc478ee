#!/usr/bin/env bash
# The action's last step: fail the job on the run's exit code (1 violations, 2 usage error,
# 3 target unreachable, 128+ interrupted); with fail-on-violations 'false', violations alone pass.
set -euo pipefail
status="${ERRCONTRACT_ACTION_EXIT_CODE:-}"
if [ -z "$status" ]; then
  echo "::error title=errcontract::the run step gave no exit code (it did not run)"
  exit 2
fi
case "$status" in
  0) echo "errcontract: no violation" ;;
  1) if [ "${ERRCONTRACT_ACTION_FAIL_ON_VIOLATIONS:-true}" = "false" ]; then
       echo "::warning title=errcontract::violations found (fail-on-violations is false)"
     else
       echo "::error title=errcontract::violations found: see the job summary and the report artifact"
       exit 1
     fi ;;
  2) echo "::error title=errcontract::usage or configuration error: see the run step's last line"; exit 2 ;;
  3) echo "::error title=errcontract::the target was unreachable"; exit 3 ;;
  *) echo "::error title=errcontract::the run was interrupted (exit $status)"; exit "$status" ;;
esac
