// swift-tools-version:6.0
import PackageDescription

// Dependency direction (each module imports only those to its left):
//   CGSL -> LindynIntegrator
//   LindynExpr, LindynTheory, LindynReport        (independent: no numeric engine)
//   LindynModels      (Expr, Integrator, Theory, Report: its JSON reader)
//   LindynValidation  (Models, Report)
//   LindynCheck       (Models, Report: the derivation checker)
//   LindynCLI         (Validation, Check, ArgumentParser) -> lindyn executable
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Lindyn",
    platforms: [.macOS(.v13)],
    products: [
        // The `lindyn` executable is deliberately not a declared product. SwiftPM resolves, for a
        // package used as a dependency, the package dependencies of every target reachable from
        // any of its declared products, whichever product the client uses; declaring `lindyn`
        // would make every library client fetch swift-argument-parser. Here, as the root package,
        // `swift build --product lindyn` and `swift run lindyn` still work: a root package's
        // executable targets get a product of their own. `make examples` asserts that
        // Examples/FirstCheck resolves neither swift-argument-parser nor swift-docc-plugin.
        .executable(name: "lindyn-bench", targets: ["lindyn-bench"]),
        .library(name: "LindynExpr", targets: ["LindynExpr"]),
        .library(name: "LindynIntegrator", targets: ["LindynIntegrator"]),
        .library(name: "LindynTheory", targets: ["LindynTheory"]),
        .library(name: "LindynModels", targets: ["LindynModels"]),
        .library(name: "LindynReport", targets: ["LindynReport"]),
        .library(name: "LindynBuildInfo", targets: ["LindynBuildInfo"]),
        .library(name: "LindynValidation", targets: ["LindynValidation"]),
        .library(name: "LindynCheck", targets: ["LindynCheck"]),
        // Everything a library user needs in one import (the CLI's argument parser is not in it).
        .library(name: "Lindyn", targets: ["Lindyn"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `swift package generate-documentation` (make docs); a command plugin, linked into nothing.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The version, and the source commit recorded before each build (Scripts/build-info.sh).
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        .target(name: "LindynBuildInfo", swiftSettings: strict, plugins: ["BuildInfoPlugin"]),
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"]), .brew(["gsl"])]
        ),
        .target(name: "LindynExpr", swiftSettings: strict),
        .target(
            name: "Lindyn",
            dependencies: ["LindynExpr", "LindynTheory", "LindynReport", "LindynIntegrator", "LindynModels", "LindynValidation", "LindynCheck"],
            swiftSettings: strict),
        .target(name: "LindynTheory", swiftSettings: strict),
        .target(name: "LindynReport", dependencies: ["LindynBuildInfo"], swiftSettings: strict),
        .target(name: "LindynIntegrator", dependencies: ["CGSL"], swiftSettings: strict),
        .target(
            name: "LindynModels",
            dependencies: ["LindynExpr", "LindynIntegrator", "LindynTheory", "LindynReport"],
            swiftSettings: strict
        ),
        .target(
            name: "LindynValidation",
            dependencies: ["LindynModels", "LindynReport"],
            swiftSettings: strict
        ),
        .target(
            name: "LindynCheck",
            dependencies: ["LindynExpr", "LindynIntegrator", "LindynModels", "LindynReport"],
            swiftSettings: strict
        ),
        .target(
            name: "LindynCLI",
            dependencies: [
                "LindynValidation",
                "LindynCheck",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "lindyn", dependencies: ["LindynCLI"], swiftSettings: strict),
        // Hand-written C right-hand sides driven by GSL directly: the benchmark baseline.
        .target(name: "CBaseline", dependencies: ["CGSL"]),
        .executableTarget(
            name: "lindyn-bench",
            dependencies: ["LindynValidation", "CBaseline"],
            swiftSettings: strict
        ),
        .testTarget(name: "LindynExprTests", dependencies: ["LindynExpr"], swiftSettings: strict),
        .testTarget(name: "LindynTheoryTests", dependencies: ["LindynTheory"], swiftSettings: strict),
        .testTarget(name: "LindynReportTests", dependencies: ["LindynReport"], swiftSettings: strict),
        .testTarget(
            name: "LindynIntegratorTests", dependencies: ["LindynIntegrator"], swiftSettings: strict),
        .testTarget(name: "LindynModelsTests", dependencies: ["LindynModels", "CBaseline"], swiftSettings: strict),
        // Interposes malloc and friends in the test executable to count allocations per thread.
        .target(name: "CAllocationCounter", path: "Tests/CAllocationCounter"),
        .testTarget(
            name: "LindynAllocationTests", dependencies: ["LindynModels", "CAllocationCounter"],
            swiftSettings: strict),
        .testTarget(
            name: "LindynValidationTests", dependencies: ["LindynValidation", "LindynCheck"], swiftSettings: strict),
        .testTarget(name: "LindynCheckTests", dependencies: ["LindynCheck"], swiftSettings: strict),
        .testTarget(
            name: "LindynCLITests", dependencies: ["LindynCLI", "lindyn"], swiftSettings: strict),
    ]
)
