import Core
import Foundation
import Statements
import Testing
import TestSupport

/// The bank profiles of `Jobs/profiles/` on their banks' exports in the corpus, and our own fixtures for what the
/// corpus lacks (line breaks inside quotes, parentheses negatives, UTF-16).
@Suite struct BankCSVTests {
    static func profile(_ name: String) throws -> BankProfile { try BankProfile.load(path: TestPaths.jobs + "/profiles/\(name).json") }

    static func read(_ bytes: [UInt8], _ profile: BankProfile, currency: Currency = .usd) -> BankCSVReader.Result {
        BankCSVReader(profile: profile).read(source: MemoryByteSource(bytes), fileName: "t.csv", account: "1001", currency: currency)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var file: String, profile: String, rows: Int, currency: String, first: Int64, total: Int64
        var testDescription: String { file }
    }

    static let cases = [
        Case(file: "reubano__csv2ofx/capitalone.csv", profile: "capital-one", rows: 2, currency: "USD", first: -100_000, total: 0),
        Case(file: "reubano__csv2ofx/mint.csv", profile: "mint", rows: 4, currency: "USD", first: -100_000, total: -300_000),
        Case(file: "reubano__csv2ofx/gls.csv", profile: "gls-bank", rows: 1, currency: "EUR", first: -9_876, total: -9_876),
        Case(file: "reubano__csv2ofx/schwab-checking.csv", profile: "schwab-checking", rows: 4, currency: "USD", first: 2_000, total: -21_527),
        Case(file: "gpaulissen__ofxstatement-dutch/ing_ok.csv", profile: "ing-nl", rows: 6, currency: "EUR", first: -125, total: 1_938),
        Case(file: "reubano__csv2ofx/ingesp.csv", profile: "ing-es", rows: 10, currency: "EUR", first: 283, total: 35_021),
    ]

    @Test(arguments: BankCSVTests.cases)
    func corpusExportsReadThroughTheirProfiles(_ c: Case) throws {
        guard let corpus = TestPaths.corpus else { print("skipped: ../shared/corpus is absent"); return }
        var source = try FileByteSource(path: corpus + "/statements/csv/" + c.file)
        let result = Self.read(try source.readAll(), try Self.profile(c.profile), currency: Currency.iso(c.currency)!)
        #expect(result.diagnostics.items.filter { $0.severity >= .error }.isEmpty, "\(result.diagnostics.items)")
        #expect(result.lines.count == c.rows, "the INDEX counts \(c.rows) rows")
        #expect(result.lines.first?.amount.minorUnits == c.first)
        #expect(result.lines.reduce(0) { $0 + $1.amount.minorUnits } == c.total)
        #expect(result.lines.allSatisfy { $0.amount.currency.code == c.currency })
    }

    @Test func glsReadsLatin1HeadersAndCounterparties() throws {
        guard let corpus = TestPaths.corpus else { return }
        var source = try FileByteSource(path: corpus + "/statements/csv/reubano__csv2ofx/gls.csv")
        let line = try #require(Self.read(try source.readAll(), try Self.profile("gls-bank"), currency: .eur).lines.first)
        #expect(line.counterparty == "Drillisch Online AG")
        #expect(line.bookingDay.description == "2017-10-10")
        #expect(line.description.hasPrefix("SEPA-Basislastschrift"))
    }

    static let ownProfile: BankProfile = {
        let path = TestPaths.temporaryDirectory("own-profile") + "/fixture.json"
        try! #"""
            {"name": "fixture", "skip_rows": 2, "columns": {"date": "Date", "amount": "Amount", "reference": "Ref", "description": "Memo"},
             "date_format": "MM/DD/YYYY", "skip_when": {"column": "Status", "equals": ["Pending"]}}
            """#.write(toFile: path, atomically: true, encoding: .utf8)
        return try! BankProfile.load(path: path)
    }()

    static let fixture = #"""
        Business Checking export
        Account ending 1001
        Date,Ref,Memo,Amount,Status
        11/02/2026,W1,"WIRE FROM ACME TOOLS
        INV 10015, 10016",1234.50,Posted
        11/02/2026,F1,"SERVICE ""FEE""",(12.00),Posted
        11/03/2026,P1,pending card,5.00,Pending
        Total,,,1222.50,

        """#

    @Test func quotedLineBreaksParenthesesNegativesPreambleFooterAndPending() {
        let result = Self.read(Array(Self.fixture.utf8), Self.ownProfile)
        #expect(result.lines.map(\.amount.minorUnits) == [123_450, -1_200])
        #expect(result.lines[0].description == "WIRE FROM ACME TOOLS\nINV 10015, 10016")
        #expect(result.lines[1].description == "SERVICE \"FEE\"")
        #expect(result.lines[1].location.line == 6)
        #expect(result.skippedRows == 1)
        #expect(result.diagnostics.items.map(\.code.rawValue) == ["csv.date"]) // the footer, as a warning
        #expect(result.diagnostics.worst == .warning)
    }

    @Test(arguments: [true, false])
    func utf16WithAByteOrderMark(littleEndian: Bool) {
        var bytes: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
        for unit in Self.fixture.replacingOccurrences(of: "ACME", with: "ÄCMÉ €").utf16 {
            bytes += littleEndian ? [UInt8(unit & 0xFF), UInt8(unit >> 8)] : [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        let result = Self.read(bytes, Self.ownProfile)
        #expect(result.lines.count == 2)
        #expect(result.lines[0].description.hasPrefix("WIRE FROM ÄCMÉ € TOOLS"))
    }

    @Test func aMissingColumnIsFatalAndNamesIt() {
        var profile = Self.ownProfile
        profile.amountColumn = "Betrag"
        let result = Self.read(Array(Self.fixture.utf8), profile)
        #expect(result.diagnostics.worst == .fatal)
        #expect(result.diagnostics.items.first?.message.contains("no column 'Betrag'") == true)
    }

    @Test func profilesAreCheckedWhenLoaded() throws {
        let folder = TestPaths.temporaryDirectory("profile")
        try #"{"columns": {"date": "D"}}"#.write(toFile: folder + "/p.json", atomically: true, encoding: .utf8)
        #expect(throws: BankProfile.ProfileError.self) { try BankProfile.load(path: folder + "/p.json") }
        try #"{"columns": {"date": "D", "amount": "A"}, "date_format": "DD-MM"}"#.write(toFile: folder + "/p.json", atomically: true, encoding: .utf8)
        do { _ = try BankProfile.load(path: folder + "/p.json"); Issue.record("expected an error") } catch { #expect(error.message.contains("\"date_format\"")) }
        for name in ["capital-one", "mint", "gls-bank", "schwab-checking", "ing-nl", "ing-es", "example-bank"] {
            #expect(throws: Never.self) { try Self.profile(name) }
        }
    }
}
