#!/usr/bin/env python3
"""The one check of the library's public surface: what is public, and that it is documented.

    Scripts/public-api.py [--list] [--coverage] [MODULE ...]

Without MODULE arguments every library module (MODULES) is checked. It fails (exit 1), naming
each offending declaration with its file:line where one is known, when

* plumbing is public: an underscored name (the C-callback plumbing) or the problem-file
  reader's JSON tree (`InputJSON`, `Field`), read from swift-api-digester's dump of the debug
  build's modules (symbol graphs cannot be used for this: they omit underscored names, which is
  exactly what must be caught);
* a public function or initialiser throws an untyped error (`throws` instead of `throws(E)`;
  from the same dump: the mangled name of a typed throw carries its error type, `YK`), unless it
  `rethrows` or is a requirement in UNTYPED_ALLOWED (or implements one): Notes/errors.md;
* a public declaration is undocumented (see "Doc comments" below for what counts), read from
  `swift package dump-symbol-graph`, which keeps doc comments and source locations.

--list prints every public declaration; --coverage prints each module's doc-comment coverage
and every undocumented declaration, and exits 0 (a report, not the check). `make api-check`
runs the check (CI does, once); `make doc-coverage` runs the report.

Exit codes: 0 clean, 1 a check failed, 2 a tool (swift build, the digester) failed, 64 usage.
"""
import glob
import json
import os
import subprocess
import sys
import time

MODULES = ["LindynExpr", "LindynTheory", "LindynReport", "LindynIntegrator", "LindynModels",
           "LindynValidation", "LindynCheck", "LindynBuildInfo", "Lindyn"]
OPTIONS = {"--list", "--coverage"}


def bin_path(root):
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=root, capture_output=True, text=True, check=True)
    return out.stdout.strip()


# ---------------------------------------------------------------------------------------------
# Plumbing: underscored names and the problem-file JSON tree (swift-api-digester).

FORBIDDEN_TYPES = {"InputJSON", "Field"}
# Requirements (and their implementations) that throw whatever their caller's code throws, so
# they cannot name one error type. Keyed by protocol and the declaration's printed name.
UNTYPED_ALLOWED = {
    # Codable: Foundation's Encoder and Decoder throw `any Error`.
    ("Encodable", "encode(to:)"),
    ("Decodable", "init(from:)"),
    # A system's own right-hand side and Jacobian (a user's closure or type may throw anything):
    # the solver stops with status function_error and keeps the error in
    # IntegrationError.underlying.
    ("ODESystem", "rightHandSide(t:y:dydt:)"),
    ("ODESystem", "jacobian(t:y:dfdy:dfdt:)"),
    # One descent step evaluates such a right-hand side; Simulation.descend reports its error as
    # status function_error.
    ("DescentProcess", "step(epoch:)"),
}
DECL_KINDS = {"TypeDecl", "Function", "Var", "Constructor", "TypeAlias", "Subscript", "AssociatedType"}


def dump(root, module, modules_dir, out_dir):
    path = os.path.join(out_dir, module + ".json")
    target = subprocess.run(["swiftc", "-print-target-info"], capture_output=True, text=True, check=True)
    triple = json.loads(target.stdout)["target"]["triple"]
    cmd = ["swift-api-digester", "-dump-sdk", "-module", module, "-I", modules_dir,
           "-I", os.path.join(root, "Sources", "CGSL"), "-o", path, "-target", triple]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(path):
        print(f"public-api: swift-api-digester failed for {module}:\n{r.stderr}", file=sys.stderr)
        sys.exit(2)
    with open(path) as f:
        return json.load(f)


def untyped_throw(node, parent):
    """Whether a public function or initialiser throws an untyped error and is not exempt."""
    if node.get("kind") not in ("Function", "Constructor") or not node.get("throwing"):
        return False
    if "YK" in node.get("mangledName", "") or "Rethrows" in (node.get("declAttributes") or []):
        return False
    protocols = {parent.get("name")} | {c.get("name") for c in parent.get("conformances", [])}
    return not any((p, node.get("printedName")) in UNTYPED_ALLOWED for p in protocols)


def public_decls(node, module, path=()):
    """Yields (dotted path, kind, node, parent) of every declaration of `module` a client can use."""
    for child in node.get("children", []):
        kind = child.get("kind")
        if kind not in DECL_KINDS:
            continue
        if child.get("moduleName", module) != module:
            continue
        hidden = child.get("isInternal") or child.get("spi_group_names")
        name = child.get("name", "")
        here = path + (name,)
        # The compiler's synthesised Equatable witnesses (`__derived_struct_equals`) are not
        # written by anyone and not callable by name.
        if hidden or child.get("implicit") or name.startswith("__derived_"):
            continue
        yield ".".join(here), child.get("declKind", kind), child, node
        yield from public_decls(child, module, here)


def plumbing_leaks(module, sdk, listing):
    """(count of public declarations, one message per leaked piece of plumbing or untyped throw)."""
    leaks, count = [], 0
    for dotted, kind, node, parent in public_decls(sdk["ABIRoot"], module):
        count += 1
        if listing:
            print(f"{module}.{dotted}  ({kind})")
        parts = dotted.split(".")
        if any(p.startswith("_") for p in parts):
            leaks.append(f"{module}.{dotted} ({kind}): an underscored name is public")
        elif kind in ("Struct", "Enum", "Class", "Protocol", "TypeAlias") and parts[-1] in FORBIDDEN_TYPES:
            leaks.append(f"{module}.{dotted} ({kind}): the problem-file JSON tree is public")
        elif untyped_throw(node, parent):
            leaks.append(f"{module}.{'.'.join(parts[:-1] + [node.get('printedName', parts[-1])])}: throws an untyped error; "
                         f"declare throws(E) with the one error type it throws (Notes/errors.md)")
        elif kind != "Struct" and kind != "Enum" and any(f"LindynModels.{t}" in json.dumps(node.get("children", [])) for t in FORBIDDEN_TYPES):
            leaks.append(f"{module}.{dotted} ({kind}): its signature uses InputJSON or Field")
    return count, leaks


# ---------------------------------------------------------------------------------------------
# Doc comments (symbol graphs).
#
# A public declaration is documented when it has a non-blank doc comment of its own, or when it
# implements a requirement of a protocol declared in this package whose doc comment it inherits
# (`CompiledFlow.dimension` on a model's flow): DocC shows that comment on the member, and it
# states the contract the member fulfils, so repeating it would only invite drift. A comment
# inherited from outside the package (the standard library's generic text on `description` or
# `next()`) does not count: it says nothing about this type. Declarations the compiler writes
# (synthesised members, an enum's `init(rawValue:)`, which have no source location) are not
# counted. Every module must be at 100%.

def symbol_graph_directory(root):
    """Runs `swift package dump-symbol-graph` (which builds first) with inherited doc comments
    kept, and returns the directory it wrote."""
    log = os.path.join(root, ".build", "public-api", "dump-symbol-graph.log")
    r = subprocess.run(["swift", "package", "dump-symbol-graph", "--skip-synthesized-members"],
                       cwd=root, capture_output=True, text=True)
    with open(log, "w") as f:
        f.write(r.stdout + r.stderr)
    written = [line.split("Files written to ", 1)[1].strip() for line in r.stdout.splitlines() if "Files written to " in line]
    # It exits non-zero when the test modules (`LindynPackageTests`) have not been built, after
    # writing every library module's graph; those are what is read, and `undocumented` refuses a
    # module whose graph is missing or older than this run.
    if not written or not os.path.isdir(written[-1]):
        print(f"public-api: swift package dump-symbol-graph failed (log: {log}):\n{(r.stdout + r.stderr)[-2000:]}", file=sys.stderr)
        sys.exit(2)
    return written[-1]


def undocumented(root, directory, module, started):
    """(public declarations counted, [(file, line, name)] of those not documented) for `module`:
    its own symbol graph plus its extensions of other modules' types (`Module@Other`)."""
    package = {os.path.basename(p).split(".")[0].split("@")[0] for p in glob.glob(os.path.join(directory, "*.symbols.json"))}
    paths = [os.path.join(directory, f"{module}.symbols.json")]
    if not os.path.exists(paths[0]) or os.path.getmtime(paths[0]) < started:
        print(f"public-api: swift package dump-symbol-graph wrote no symbol graph for {module} "
              f"(log: .build/public-api/dump-symbol-graph.log)", file=sys.stderr)
        sys.exit(2)
    paths += sorted(glob.glob(os.path.join(directory, f"{module}@*.symbols.json")))
    seen, missing = set(), []
    for path in paths:
        with open(path) as f:
            symbols = json.load(f)["symbols"]
        for symbol in symbols:
            precise = symbol["identifier"]["precise"]
            if precise in seen or "::SYNTHESIZED::" in precise:
                continue
            if symbol.get("accessLevel") not in ("public", "open") or "location" not in symbol:
                continue
            seen.add(precise)
            doc = symbol.get("docComment") or {}
            text = any(line["text"].strip() for line in doc.get("lines", []))
            # `module` is the module whose source holds the comment: this one (its own) or the
            # one declaring the protocol requirement it inherits.
            if text and doc.get("module", module) in package:
                continue
            where = symbol["location"]
            file = where["uri"].replace("file://", "").replace(root + "/", "")
            missing.append((file, where["position"]["line"] + 1, ".".join(symbol["pathComponents"])))
    return len(seen), sorted(missing)


def documentation_report(root, modules, report):
    """Prints the coverage table when `report`; returns one message per undocumented declaration."""
    started = time.time() - 1
    directory = symbol_graph_directory(root)
    problems = []
    if report:
        print(f"{'module':<20} {'documented':>10} {'public':>7} {'coverage':>9}")
    for module in modules:
        total, missing = undocumented(root, directory, module, started)
        documented = total - len(missing)
        if report:
            percent = 100.0 * documented / total if total else 100.0
            print(f"{module:<20} {documented:>10} {total:>7} {percent:>8.1f}%")
            for file, line, name in missing:
                print(f"  {file}:{line}: {module}.{name}")
        problems += [f"{file}:{line}: {module}.{name}: no doc comment (write one, or inherit one from a documented requirement of a Lindyn protocol)"
                     for file, line, name in missing]
    return problems


# ---------------------------------------------------------------------------------------------

def main():
    args = sys.argv[1:]
    unknown = [a for a in args if a.startswith("-") and a not in OPTIONS]
    if unknown or "-h" in args or "--help" in args:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(64 if unknown else 0)
    listing, coverage = "--list" in args, "--coverage" in args
    modules = [a for a in args if not a.startswith("-")] or MODULES
    for module in modules:
        if module not in MODULES:
            print(f"public-api: {module} is not a library module (one of {', '.join(MODULES)})", file=sys.stderr)
            sys.exit(64)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = os.path.join(root, ".build", "public-api")
    os.makedirs(out_dir, exist_ok=True)
    if coverage:
        documentation_report(root, modules, report=True)
        return
    build = subprocess.run(["swift", "build"], cwd=root, capture_output=True, text=True)
    if build.returncode != 0:
        print(f"public-api: swift build failed:\n{(build.stdout + build.stderr)[-2000:]}", file=sys.stderr)
        sys.exit(2)
    modules_dir = os.path.join(bin_path(root), "Modules")
    problems = []
    for module in modules:
        count, leaks = plumbing_leaks(module, dump(root, module, modules_dir, out_dir), listing)
        problems += leaks
        print(f"public-api: {module}: {count} public declarations", file=sys.stderr)
    undocumented_messages = documentation_report(root, modules, report=False)
    problems += undocumented_messages
    if problems:
        print(f"public-api: {len(problems)} problem(s) in the public API (make plumbing package, internal or "
              f"@_spi; type every throw; give every public declaration a doc comment):", file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        sys.exit(1)
    print(f"public-api: {', '.join(modules)}: no underscored names, InputJSON, Field or untyped throws in the public API, "
          f"and every public declaration documented", file=sys.stderr)


if __name__ == "__main__":
    main()
