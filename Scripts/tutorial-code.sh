#!/usr/bin/env bash
# The code of the DocC tutorial "Checking a learning law" is cut from the example that CI runs
# (Examples/FirstCheck/Sources/FirstCheck/main.swift), so the tutorial cannot drift from code that
# compiles and passes. Step 0 is everything before `do {` (settings and helpers); step k shows the
# program up to its comment "// k." inside `do { ... }`, closed with the example's own `catch`;
# the last step is the whole file.
#
#   Scripts/tutorial-code.sh           regenerate the step files in Sources/Lindyn/Lindyn.docc/Resources
#   Scripts/tutorial-code.sh --check   fail (exit 1) when a checked-in step file is out of date
set -uo pipefail
cd "$(dirname "$0")/.."
check=0
[ "${1:-}" = "--check" ] && check=1
source=Examples/FirstCheck/Sources/FirstCheck/main.swift
resources=Sources/Lindyn/Lindyn.docc/Resources
mkdir -p .build/tutorial-code
python3 - "$source" .build/tutorial-code <<'EOF'
import re, sys
source, out = sys.argv[1], sys.argv[2]
lines = open(source).read().split("\n")
do = lines.index("do {")
catch = next(i for i in range(len(lines) - 1, do, -1) if lines[i].startswith("} catch"))
tail = lines[catch:]
markers = [i for i in range(do, catch) if re.match(r"    // [0-9]+\. ", lines[i])]
if [int(re.match(r"    // ([0-9]+)\.", lines[i]).group(1)) for i in markers] != list(range(1, len(markers) + 1)):
    sys.exit(f"tutorial-code: {source}: the steps inside `do` must be numbered // 1. // 2. ... in order")
prefix = lines[:do]
while prefix and prefix[-1].strip() == "":
    prefix.pop()
open(f"{out}/first-check-00.swift", "w").write("\n".join(prefix) + "\n")
for k in range(1, len(markers) + 1):
    end = markers[k] if k < len(markers) else catch
    body = lines[:end]
    while body and body[-1].strip() == "":
        body.pop()
    text = "\n".join(body + tail) if k < len(markers) else "\n".join(lines)
    open(f"{out}/first-check-{k:02d}.swift", "w").write(text)
EOF
[ $? = 0 ] || exit 1
if [ "$check" = 1 ]; then
    stale=0
    for f in .build/tutorial-code/first-check-*.swift; do
        name=$(basename "$f")
        if ! cmp -s "$f" "$resources/$name"; then
            echo "tutorial-code: $resources/$name is out of date with $source" >&2
            stale=1
        fi
    done
    for f in "$resources"/first-check-*.swift; do
        [ -e ".build/tutorial-code/$(basename "$f")" ] || { echo "tutorial-code: $f has no step in $source" >&2; stale=1; }
    done
    [ "$stale" = 0 ] || { echo "tutorial-code: run Scripts/tutorial-code.sh and commit the result" >&2; exit 1; }
    echo "tutorial-code: the tutorial's code matches $source"
else
    mkdir -p "$resources"
    rm -f "$resources"/first-check-*.swift
    cp .build/tutorial-code/first-check-*.swift "$resources"/
    echo "tutorial-code: wrote $(ls .build/tutorial-code | wc -l) step files to $resources"
fi
