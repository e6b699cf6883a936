// swift-tools-version:6.0
import PackageDescription

// A first check of a derivation with the Lindyn library: a symbolic loss integrated with two
// GSL steppers, compared with its closed form and with gradient descent.
// Run from the repository root with `make examples`, or here with `swift run`.
let package = Package(
    name: "FirstCheck",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Lindyn", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "FirstCheck",
            dependencies: [.product(name: "Lindyn", package: "Lindyn")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
