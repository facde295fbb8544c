#!/usr/bin/env bash
# bounce-agreement.sh prints how often the classifier's bounce reason agrees
# with the reason written down for each bounce and complaint of the corpus
# (internal/inbox/testdata/bounces, named reason--what.eml, and the bounces of
# internal/inbox/testdata/corpus), per reason, with each reason's side and
# suppression policy. The same test fails on any disagreement.
#
# Usage: scripts/bounce-agreement.sh
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./internal/inbox -run '^TestBounceTaxonomy$' -count=1 -v |
	sed -n '/bounce-reason agreement/,/^--- /p' | sed '$d' | sed 's/^ *//'
