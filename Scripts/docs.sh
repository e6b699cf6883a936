#!/usr/bin/env bash
# Builds the DocC documentation of every library module into .build/docs/MODULE.doccarchive
# (swift-docc-plugin). With --check, fails (exit 1) when DocC prints any warning: an unresolved
# symbol link, an undocumented parameter, a broken article reference.
#
#   Scripts/docs.sh [--check] [MODULE ...]
set -uo pipefail
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(Lindyn LindynExpr LindynTheory LindynReport LindynIntegrator LindynModels LindynValidation LindynCheck)
mkdir -p .build/docs
warnings=0
for module in "${modules[@]}"; do
    log=.build/docs/$module.log
    if ! swift package --disable-sandbox --allow-writing-to-directory .build/docs \
        generate-documentation --target "$module" --output-path ".build/docs/$module.doccarchive" >"$log" 2>&1; then
        echo "docs: $module: DocC failed; see $log" >&2
        tail -20 "$log" >&2
        exit 1
    fi
    count=$(grep -c 'warning:' "$log" || true)
    warnings=$((warnings + count))
    if [ "$count" -gt 0 ]; then
        echo "docs: $module: $count DocC warning(s):" >&2
        grep -A2 'warning:' "$log" | grep -E 'warning:|-->' >&2
    else
        echo "docs: $module: .build/docs/$module.doccarchive (no warnings)"
    fi
done
if [ "$check" = 1 ] && [ "$warnings" -gt 0 ]; then
    echo "docs: $warnings DocC warning(s) in all; fix them (the check allows none)" >&2
    exit 1
fi
exit 0
