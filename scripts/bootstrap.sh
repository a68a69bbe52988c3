#!/usr/bin/env bash
# Set up everything claimdocs needs on a fresh Debian/Ubuntu machine that has Python and apt:
# Debian packages (only those missing), a .venv, and the project installed into it.
# Usage: scripts/bootstrap.sh [runtime|test]
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-runtime}"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else echo "bootstrap: need root (or sudo) to run: $*" >&2; return 1
    fi
}

missing=()
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
{ command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx eng; } || missing+=(tesseract-ocr-eng)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# Poppler draws PDFs' unembedded Helvetica/Times/Courier with a metric-compatible font. Liberation
# keeps words where the PDF put them, and the generator's scans depend on it byte for byte.
fc-list 2>/dev/null | grep -q LiberationSans-Regular || missing+=(fonts-liberation)
python3 -m venv --help >/dev/null 2>&1 && python3 -c "import ensurepip" >/dev/null 2>&1 || missing+=(python3-venv)
if [ "$mode" = "test" ]; then
    # Browser tests drive Debian's Chromium; storage tests start a throwaway PostgreSQL from the
    # system binaries when no server is reachable; qpdf builds hostile test files.
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    command -v qpdf >/dev/null 2>&1 || missing+=(qpdf)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
stamp=".venv/.claimdocs-installed-$mode"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    extra=""
    [ "$mode" = "test" ] && extra="[test]"
    .venv/bin/python -m pip install -q -c constraints.txt -e ".$extra"
    touch "$stamp"
fi
