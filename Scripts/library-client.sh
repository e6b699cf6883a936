#!/usr/bin/env bash
# Asserts that a library-only client of this package (an example under Examples/ that depends on
# the `Lindyn` library product by path) does not fetch the command line's dependencies. SwiftPM
# resolves, for a dependency package, the package dependencies of every target reachable from
# any of its declared products, so this holds only while the `lindyn` executable is not a
# declared product in Package.swift and swift-argument-parser is used by CLI targets alone.
#
#   Scripts/library-client.sh DIR...
#
# For each DIR it re-resolves (`swift package update`: stale pins and checkouts left by an
# earlier manifest are dropped) and fails (exit 1) when the resolved graph
# (`swift package show-dependencies`), DIR/.build/checkouts or DIR/Package.resolved contains
# one of CLI_ONLY.
set -uo pipefail
cd "$(dirname "$0")/.."
CLI_ONLY=(swift-argument-parser swift-docc-plugin)
[ $# -gt 0 ] || { echo "usage: Scripts/library-client.sh DIR..." >&2; exit 64; }
status=0
for dir in "$@"; do
    log=$dir/.build/library-client.log
    mkdir -p "$dir/.build"
    if ! swift package --package-path "$dir" update >"$log" 2>&1 \
        || ! swift package --package-path "$dir" show-dependencies --format json >"$dir/.build/dependencies.json" 2>>"$log"; then
        echo "library-client: could not resolve $dir; see $log" >&2
        tail -20 "$log" >&2
        exit 2
    fi
    for name in "${CLI_ONLY[@]}"; do
        where=()
        grep -q "\"identity\" *: *\"$name\"" "$dir/.build/dependencies.json" && where+=("the resolved graph")
        [ -e "$dir/.build/checkouts/$name" ] && where+=("$dir/.build/checkouts")
        [ -f "$dir/Package.resolved" ] && grep -q "\"identity\" *: *\"$name\"" "$dir/Package.resolved" && where+=("$dir/Package.resolved")
        if [ ${#where[@]} -gt 0 ]; then
            joined=$(printf '%s, ' "${where[@]}")
            echo "library-client: error: $dir uses only the Lindyn library product but fetches $name (in ${joined%, }): a library client must not fetch the command line's dependencies; keep the lindyn executable out of Package.swift's declared products and $name on CLI targets only" >&2
            status=1
        fi
    done
    [ "$status" = 0 ] && echo "library-client: $dir resolves none of ${CLI_ONLY[*]}"
done
exit $status
