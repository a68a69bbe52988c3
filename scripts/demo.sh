#!/usr/bin/env bash
# The main job on the bundled samples with embedded defaults: set up, then process
# sample_docs/corpus and print the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh runtime
exec .venv/bin/claimdocs run sample_docs/corpus --out out/extractions "$@"
