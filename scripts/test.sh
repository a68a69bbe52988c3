#!/usr/bin/env bash
# Run the test suite: set up (Debian packages, .venv, project with test extras), then pytest.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
export OMP_THREAD_LIMIT=1
exec .venv/bin/python -m pytest "$@"
