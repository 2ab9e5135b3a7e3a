// swift-tools-version:5.9
// The Passerelle Swift package: the generated Swift bindings (target `Passerelle`) over the Rust
// library packaged as an XCFramework (binary target `PasserelleFFI`). Both are produced by
// bindings/scripts/build-ios.sh; `swift test` then runs Tests/PasserelleTests on the Mac.
import PackageDescription

let package = Package(
    name: "Passerelle",
    platforms: [
        .iOS(.v15),
        .macOS(.v12),
    ],
    products: [
        .library(name: "Passerelle", targets: ["Passerelle"]),
    ],
    targets: [
        // libpasserelle.a for iOS devices, the iOS simulator and macOS, with the two FFI
        // headers and the module map of the C module `PasserelleFFI`.
        .binaryTarget(
            name: "PasserelleFFI",
            path: "PasserelleFFI.xcframework"
        ),
        // passerelle_core.swift (records, enums) and passerelle.swift (the Passerelle object,
        // PasserelleError): one Swift module, as both crates' uniffi.toml say.
        .target(
            name: "Passerelle",
            dependencies: ["PasserelleFFI"],
            path: "Sources/Passerelle"
        ),
        .testTarget(
            name: "PasserelleTests",
            dependencies: ["Passerelle"],
            path: "Tests/PasserelleTests"
        ),
    ]
)
