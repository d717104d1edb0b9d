#!/usr/bin/env bash
# Set up on first use, then render the default forward-pass video into media/videos/.
# Extra arguments replace the default: `bash scripts/render.sh training --epochs 500`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$NNSCRATCH_ROOT"
if [ $# -eq 0 ]; then
    set -- forward
fi
exec nnscratch render "$@"
