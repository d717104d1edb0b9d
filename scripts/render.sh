#!/usr/bin/env bash
# Set up on first use, then render the explainer (720p30) into media/videos/explainer.mp4.
# Extra arguments replace the default: `bash scripts/render.sh training --epochs 500`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$NNSCRATCH_ROOT"
if [ $# -eq 0 ]; then
    set -- explainer --quality medium
fi
exec nnscratch render "$@"
