#!/usr/bin/env bash
# Set up on first use, then run the whole test suite. Extra arguments go to
# pytest, e.g. `bash scripts/test.sh -m "not slow"` to skip the video renders.
set -euo pipefail
NNSCRATCH_TESTS=1 source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$NNSCRATCH_ROOT"
exec python -m pytest "$@"
