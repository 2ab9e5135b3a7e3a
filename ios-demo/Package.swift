// swift-tools-version:5.9
// The Passerelle iOS demo as a Swift package, over the generated bindings package in
// ../bindings/swift (module `Passerelle`; build it first with bindings/scripts/build-ios.sh):
//
//   PasserellePresentation  plain Swift + Foundation: the texts and formatting the screens show,
//                           the check-in and sign-in forms; `swift test` runs its tests on a Mac
//   PasserelleDemoUI        the SwiftUI screens, the Keychain-held key and the app model (iOS only)
//
// The app itself is App/PasserelleDemoApp.swift in an iOS app target that depends on
// PasserelleDemoUI: project.yml describes it for XcodeGen (see README.md).
import PackageDescription

let package = Package(
    name: "PasserelleDemo",
    defaultLocalization: "en",
    platforms: [
        .iOS(.v16),
        .macOS(.v13),
    ],
    products: [
        .library(name: "PasserellePresentation", targets: ["PasserellePresentation"]),
        .library(name: "PasserelleDemoUI", targets: ["PasserelleDemoUI"]),
    ],
    dependencies: [
        // A local package's identity is its folder's name: "swift".
        .package(path: "../bindings/swift"),
    ],
    targets: [
        .target(
            name: "PasserellePresentation",
            dependencies: [.product(name: "Passerelle", package: "swift")],
            // en.lproj and fr.lproj: Localizable.strings and Localizable.stringsdict.
            resources: [.process("Resources")]
        ),
        .target(
            name: "PasserelleDemoUI",
            dependencies: [
                "PasserellePresentation",
                .product(name: "Passerelle", package: "swift"),
            ]
        ),
        .testTarget(
            name: "PasserellePresentationTests",
            dependencies: [
                "PasserellePresentation",
                .product(name: "Passerelle", package: "swift"),
            ]
        ),
    ]
)
