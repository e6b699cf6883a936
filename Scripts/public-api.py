#!/usr/bin/env python3
"""Lists the public API of the library modules and fails when plumbing leaks into it.

Reads each module's declarations with swift-api-digester (-dump-sdk, from the debug build's
modules; run `swift build` first) and reports every declaration a client can use: public, not
package or internal, not SPI. The check fails (exit 1) when one of them is underscored (the
C-callback plumbing), is the problem-file reader's JSON tree (`InputJSON`, `Field`), or is a
function or initialiser that throws an untyped error (`throws` instead of `throws(E)`; the
mangled name of a typed-throws declaration carries its error type, `YK`). `rethrows` and the
protocol requirements in UNTYPED_ALLOWED are exempt.
Symbol graphs (DocC, `swift package dump-symbol-graph`) cannot be used for this: they omit
underscored names, which is exactly what must be caught.

    Scripts/public-api.py [--list] [MODULE ...]

With --documented, it also fails when a public declaration of a module in DOCUMENTED has no
doc comment of its own or inherited (read from `swift package dump-symbol-graph`, which keeps
doc comments; the underscored names it omits are caught above).
"""
import json
import os
import subprocess
import sys

MODULES = ["LindynExpr", "LindynTheory", "LindynReport", "LindynIntegrator", "LindynModels", "LindynValidation", "LindynCheck", "Lindyn"]
FORBIDDEN_TYPES = {"InputJSON", "Field"}
DOCUMENTED = ["LindynIntegrator", "LindynModels"]
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


def bin_path(root):
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=root, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def dump(root, module, modules_dir, out_dir):
    path = os.path.join(out_dir, module + ".json")
    target = subprocess.run(["swiftc", "-print-target-info"], capture_output=True, text=True, check=True)
    triple = json.loads(target.stdout)["target"]["triple"]
    cmd = ["swift-api-digester", "-dump-sdk", "-module", module, "-I", modules_dir,
           "-I", os.path.join(root, "Sources", "CGSL"), "-o", path, "-target", triple]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(path):
        sys.exit(f"public-api: swift-api-digester failed for {module}:\n{r.stderr}")
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


def undocumented(root, modules):
    """(module, file:line, symbol) for every public symbol of `modules` without a doc comment."""
    r = subprocess.run(["swift", "package", "dump-symbol-graph"], cwd=root, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"public-api: swift package dump-symbol-graph failed:\n{r.stderr[-2000:]}")
    folder = r.stdout.strip().splitlines()[-1].split("Files written to ")[-1].strip()
    missing = []
    for module in modules:
        with open(os.path.join(folder, module + ".symbols.json")) as f:
            graph = json.load(f)
        for symbol in graph["symbols"]:
            uri = symbol.get("location", {}).get("uri", "")
            # Symbols declared elsewhere (synthesised conformances, the standard library's
            # default implementations) are not this module's to document.
            if symbol.get("docComment") or f"/Sources/{module}/" not in uri:
                continue
            line = symbol["location"]["position"]["line"] + 1
            missing.append((module, f"{uri.split('/Sources/')[-1]}:{line}", ".".join(symbol["pathComponents"])))
    return missing


def main():
    args = sys.argv[1:]
    listing = "--list" in args
    modules = [a for a in args if not a.startswith("--")] or MODULES
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    modules_dir = os.path.join(bin_path(root), "Modules")
    out_dir = os.path.join(root, ".build", "public-api")
    os.makedirs(out_dir, exist_ok=True)
    leaks = []
    for module in modules:
        sdk = dump(root, module, modules_dir, out_dir)
        count = 0
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
                leaks.append(f"{module}.{'.'.join(parts[:-1] + [node.get('printedName', parts[-1])])}: throws an untyped error; declare throws(E) with the one error type it throws")
            elif kind != "Struct" and kind != "Enum" and any(f"{module_name}.{t}" in json.dumps(node.get("children", [])) for t in FORBIDDEN_TYPES for module_name in ("LindynModels",)):
                leaks.append(f"{module}.{dotted} ({kind}): its signature uses InputJSON or Field")
        print(f"public-api: {module}: {count} public declarations", file=sys.stderr)
    if "--documented" in args:
        missing = undocumented(root, DOCUMENTED)
        for module, where, name in missing:
            leaks.append(f"{module}.{name} ({where}): no doc comment")
        print(f"public-api: {len(missing)} undocumented public declarations in {', '.join(DOCUMENTED)}", file=sys.stderr)
    if leaks:
        print("public-api: plumbing in the public API (make it package, internal or @_spi), an untyped throws, or a missing doc comment:", file=sys.stderr)
        for leak in leaks:
            print("  " + leak, file=sys.stderr)
        sys.exit(1)
    print("public-api: no underscored names, InputJSON, Field or untyped throws in the public API", file=sys.stderr)


if __name__ == "__main__":
    main()
