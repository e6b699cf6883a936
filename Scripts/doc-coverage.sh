#!/usr/bin/env bash
# Documentation coverage of the public API: for each library module, the share of its public
# symbols (types, cases, properties, methods, initialisers, operators; members synthesised by
# the compiler or inherited from a protocol excluded) that carry their own doc comment. Reads the
# symbol graphs that `swift package dump-symbol-graph` writes (it builds the package first).
#
#   Scripts/doc-coverage.sh [--list] [--inherited] [--require MODULE[=PERCENT]]... [MODULE ...]
#
#   --list      also print every undocumented public symbol as file:line: name
#   --inherited count a member without its own comment as documented when it implements a
#               documented requirement of a protocol of this package (DocC shows that comment)
#   --require   fail (exit 1) when MODULE is below PERCENT (default 100); may be repeated
#
# Without MODULE arguments every library module is reported.
set -uo pipefail
cd "$(dirname "$0")/.."
list=0
inherited=0
requires=()
modules=()
while [ $# -gt 0 ]; do
    case "$1" in
        --list) list=1 ;;
        --inherited) inherited=1 ;;
        --require) shift; requires+=("${1:?--require needs MODULE[=PERCENT]}") ;;
        --require=*) requires+=("${1#--require=}") ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "doc-coverage: unknown option $1 (see --help)" >&2; exit 64 ;;
        *) modules+=("$1") ;;
    esac
    shift
done
[ ${#modules[@]} -gt 0 ] || modules=(Lindyn LindynExpr LindynTheory LindynReport LindynIntegrator LindynModels LindynValidation LindynCheck)

mkdir -p .build
log=.build/doc-coverage.log
flags=(--skip-synthesized-members)
[ "$inherited" = 1 ] || flags+=(--skip-inherited-docs)
if ! swift package dump-symbol-graph "${flags[@]}" >"$log" 2>&1; then
    echo "doc-coverage: swift package dump-symbol-graph failed; see $log" >&2
    tail -20 "$log" >&2
    exit 2
fi
dir=$(sed -n 's/^Files written to //p' "$log" | tail -n 1)
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    echo "doc-coverage: no symbol graph directory in $log" >&2
    exit 2
fi

python3 - "$dir" "$list" "${#modules[@]}" "${modules[@]}" "${requires[@]}" <<'EOF'
import glob, json, os, sys

directory, show_list, count = sys.argv[1], sys.argv[2] == "1", int(sys.argv[3])
modules = sys.argv[4:4 + count]
requires = {}
for item in sys.argv[4 + count:]:
    name, _, percent = item.partition("=")
    requires[name] = float(percent) if percent else 100.0
root = os.getcwd() + "/"
# The package's own modules: those with a symbol graph in the directory.
package = {os.path.basename(p).split(".")[0].split("@")[0] for p in glob.glob(os.path.join(directory, "*.symbols.json"))}
failed = []
print(f"{'module':<20} {'documented':>10} {'public':>7} {'coverage':>9}")
for module in modules:
    # The module's own graph plus its extensions of other modules' types (Module@Other).
    paths = [os.path.join(directory, f"{module}.symbols.json")]
    paths += sorted(glob.glob(os.path.join(directory, f"{module}@*.symbols.json")))
    if not os.path.exists(paths[0]):
        print(f"doc-coverage: no symbol graph for {module} in {directory}", file=sys.stderr)
        sys.exit(2)
    seen, missing, total = set(), [], 0
    for path in paths:
        for symbol in json.load(open(path))["symbols"]:
            precise = symbol["identifier"]["precise"]
            if precise in seen or "::SYNTHESIZED::" in precise:
                continue
            if symbol.get("accessLevel") not in ("public", "open"):
                continue
            # No source location: declared by the compiler (an enum's init(rawValue:)).
            if "location" not in symbol:
                continue
            seen.add(precise)
            total += 1
            doc = symbol.get("docComment")
            # A comment inherited from outside the package (a standard-library protocol's
            # generic text) is not documentation of this declaration.
            own = doc and doc.get("module", module) in package and any(
                line["text"].strip() for line in doc["lines"])
            if not own:
                where = symbol["location"]
                file = where["uri"].replace("file://", "").replace(root, "")
                line = where["position"]["line"] + 1
                missing.append((file, line, ".".join(symbol["pathComponents"])))
    documented = total - len(missing)
    percent = 100.0 * documented / total if total else 100.0
    print(f"{module:<20} {documented:>10} {total:>7} {percent:>8.1f}%")
    if show_list:
        for file, line, name in sorted(missing):
            print(f"  {file}:{line}: {name}")
    if module in requires and percent < requires[module]:
        failed.append(f"{module} {percent:.1f}% < {requires[module]:g}%")
for name in requires:
    if name not in modules:
        print(f"doc-coverage: --require {name}: not among the reported modules", file=sys.stderr)
        sys.exit(64)
if failed:
    print("doc-coverage: below the required coverage: " + "; ".join(failed)
          + " (run Scripts/doc-coverage.sh --list to see what lacks a doc comment)", file=sys.stderr)
    sys.exit(1)
EOF
