#!/usr/bin/env bash
# Checks that src/text/lemma/sl.rules is what scripts/lexicon.py writes today, with the pinned
# packages from PyPI in a throwaway virtual environment (needs PyPI; not part of CI, which must
# not depend on it). Exit 0: the committed rules are reproducible; 1: they differ (the diff's
# first lines are printed); 2: the packages could not be installed.
#
#     bash scripts/check_lexicon.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$(mktemp -d)"
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
if ! "$venv/bin/pip" install -q wordfreq==3.1.1 || ! "$venv/bin/pip" install -q --no-deps lemmagen3==3.5.2; then
    echo "could not install wordfreq 3.1.1 and lemmagen3 3.5.2 from PyPI" >&2
    exit 2
fi
"$venv/bin/python" "$root/scripts/lexicon.py" > "$venv/sl.rules"
if cmp -s "$venv/sl.rules" "$root/src/text/lemma/sl.rules"; then
    echo "src/text/lemma/sl.rules: reproducible ($(grep -vc '^#' "$venv/sl.rules") rules)"
else
    echo "src/text/lemma/sl.rules differs from what scripts/lexicon.py writes:" >&2
    diff "$root/src/text/lemma/sl.rules" "$venv/sl.rules" | head -20 >&2
    exit 1
fi
