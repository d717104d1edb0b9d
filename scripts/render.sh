#!/usr/bin/env bash
# Set up on first use, then run the default training and print its metrics.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$NNSCRATCH_ROOT"
exec nnscratch train --out media/run.npz "$@"
