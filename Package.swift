// swift-tools-version:6.2
import PackageDescription

// Dependencies point downward only (see DESIGN.md): settle → Pipeline → Reports → Ledger → Accounting → Matching → format modules → Core.
let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "settle",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "settle", targets: ["settle"]),
        .executable(name: "settle-bench", targets: ["settle-bench"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(name: "CPostgreSQL", pkgConfig: "libpq", providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),
        .target(name: "Core", dependencies: ["CCrypto"], swiftSettings: strict),
        .target(name: "ACH", dependencies: ["Core"], swiftSettings: strict),
        .target(name: "Statements", dependencies: ["Core"], swiftSettings: strict),
        .target(name: "Receivables", dependencies: ["Core"], swiftSettings: strict),
        .target(name: "Matching", dependencies: ["Core", "ACH", "Statements", "Receivables"], swiftSettings: strict),
        // Pure rules from the day's facts to its entries and rows (no SQL, no files, no clock), and the value types
        // the ledger keeps.
        .target(name: "Accounting", dependencies: ["Core", "ACH", "Statements", "Receivables", "Matching"], swiftSettings: strict),
        .target(name: "Ledger", dependencies: ["Core", "Accounting", "CSQLite", "CPostgreSQL"], swiftSettings: strict),
        .target(name: "Reports", dependencies: ["Core", "Matching", "Accounting", "Ledger"], swiftSettings: strict),
        .target(name: "Pipeline", dependencies: ["Core", "ACH", "Statements", "Receivables", "Matching", "Accounting", "Ledger", "Reports", "CZlib"], swiftSettings: strict),
        .executableTarget(name: "settle", dependencies: ["Pipeline", "Core", "ACH", "Statements", "Accounting", "Ledger", "Reports", "Receivables"], swiftSettings: strict),
        .executableTarget(name: "settle-bench", dependencies: ["Pipeline", "Core", "ACH", "Statements", "Accounting", "Ledger", "Matching", "Receivables", "Scenario"], swiftSettings: strict),
        // Test data, not product: coherent generated days with the truth of every decision (tests and settle-bench use it).
        .target(name: "Scenario", dependencies: ["Core", "ACH", "Statements", "Receivables", "Matching"], swiftSettings: strict),
        // Helpers the test targets share (paths to Samples/ and the shared corpus).
        .target(name: "TestSupport", dependencies: ["ACH"], path: "Tests/Support", swiftSettings: strict),
        .testTarget(name: "CoreTests", dependencies: ["Core", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ACHTests", dependencies: ["TestSupport", "ACH", "Core", "Pipeline"], swiftSettings: strict),
        .testTarget(name: "StatementsTests", dependencies: ["TestSupport", "Statements", "Core"], swiftSettings: strict),
        .testTarget(name: "ReceivablesTests", dependencies: ["TestSupport", "Receivables", "Core"], swiftSettings: strict),
        .testTarget(name: "MatchingTests", dependencies: ["TestSupport", "Matching", "Receivables", "ACH", "Statements", "Core", "Scenario"], swiftSettings: strict),
        .testTarget(name: "AccountingTests", dependencies: ["TestSupport", "Accounting", "Matching", "Receivables", "ACH", "Statements", "Core"], swiftSettings: strict),
        .testTarget(name: "LedgerTests", dependencies: ["TestSupport", "Accounting", "Ledger", "Core", "Matching"], swiftSettings: strict),
        .testTarget(name: "ReportsTests", dependencies: ["TestSupport", "Reports", "Matching", "Accounting", "Ledger", "Core"], swiftSettings: strict),
        .testTarget(name: "PipelineTests", dependencies: ["TestSupport", "Pipeline", "Accounting", "Ledger", "Core", "Scenario", "Matching", "Statements", "Receivables", "ACH"], exclude: ["Fixtures", "Golden"], swiftSettings: strict),
        .testTarget(name: "settleTests", dependencies: ["TestSupport", "settle", "Pipeline", "Accounting", "Ledger", "Core", "Scenario"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
