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

/// The bank exports whose source projects state what a reader must get (ofxstatement plugins' tests, as the
/// INDEX quotes them): line count, and the closing balance minus the opening one as the sum of the lines; each
/// read through the bank's profile in `Jobs/profiles/`.
@Suite struct BankCSVOracleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String, profile: String, lines: Int, total: Int64, first: Int64? = nil, currency = "EUR"
        var balanceBreak: (line: Int, expected: String, found: String)? = nil
        var testDescription: String { file }
    }

    static let cases = [
        // Lloyds: 12 lines (newest first). The plugin derives start 5926.70 and end 2040.59 from the Balance column,
        // but the sample's own balances break between the two direct debits of 01/12/2023 (after INS1 4.12 the
        // balance should read 6035.46, not 6039.58): the amounts sum to -3881.99, not -3886.11, and the running
        // balance check says so at that row.
        Case(file: "Metasaura__ofxstatement-lloyds/sample-statement.csv", profile: "lloyds", lines: 12, total: -388_199, first: -899, currency: "GBP",
             balanceBreak: (line: 7, expected: "6035.46", found: "6039.58")),
        // ASN: 11 lines, start 130.44, end 84.24 (balance before each row, checked).
        Case(file: "gpaulissen__ofxstatement-dutch/transactie-historie_NL00ASNB9999999999_20220717204133.csv", profile: "asn-bank", lines: 11, total: 8_424 - 13_044, first: 22_377),
        // Knab: 28 lines.
        Case(file: "gpaulissen__ofxstatement-dutch/Knab_transactieoverzicht_ok.csv", profile: "knab", lines: 28, total: BankCSVOracleTests.knabTotal, first: -82_775),
        // Revolut: 7 lines (first -250 EUR); January: 9 rows, the two PENDING ones skipped.
        Case(file: "mlaitinen__ofxstatement-revolut/2021-october.csv", profile: "revolut", lines: 7, total: BankCSVOracleTests.revolutOctoberTotal, first: -25_000),
        Case(file: "mlaitinen__ofxstatement-revolut/2022-january.csv", profile: "revolut", lines: 7, total: -25_000 + 0 - 3_871 + 50_000 - 2_158 - 3_389 - 6_926, first: -25_000),
        // The Austrian plugin's samples all start at 0.0: the end balance is the sum.
        Case(file: "nblock__ofxstatement-austrian/easybank-creditcard.csv", profile: "easybank-creditcard", lines: 3, total: 231, first: -599),
        Case(file: "nblock__ofxstatement-austrian/easybank-giro.csv", profile: "easybank-giro", lines: 10, total: -156_286, first: -42),
        Case(file: "nblock__ofxstatement-austrian/ing-diba.csv", profile: "ing-diba-at", lines: 6, total: -99_203, first: 1_223),
        Case(file: "nblock__ofxstatement-austrian/livebank.csv", profile: "livebank", lines: 3, total: 505_000, first: 15_000),
        Case(file: "nblock__ofxstatement-austrian/oberbank.csv", profile: "oberbank", lines: 5, total: -900, first: -1_100),
        Case(file: "nblock__ofxstatement-austrian/raiffeisen.csv", profile: "raiffeisen-at", lines: 7, total: -15_789, first: 58),
    ]

    /// Knab and Revolut state only counts; their sums are the files' own (D/C and signed amounts), recomputed here
    /// from the raw text so a wrong sign or decimal in our reading shows.
    static let knabTotal: Int64 = {
        guard let corpus = TestPaths.corpus,
              let text = try? String(contentsOfFile: corpus + "/statements/csv/gpaulissen__ofxstatement-dutch/Knab_transactieoverzicht_ok.csv", encoding: .utf8) else { return 0 }
        return text.split(separator: "\n").dropFirst(2).reduce(Int64(0)) { sum, line in
            let f = line.split(separator: ";", omittingEmptySubsequences: false).map { $0.replacingOccurrences(of: "\"", with: "") }
            guard f.count > 4, let cents = Int64(f[4].replacingOccurrences(of: ",", with: "").replacingOccurrences(of: ".", with: "")) else { return sum }
            return sum + (f[3] == "D" ? -cents : cents)
        }
    }()

    static let revolutOctoberTotal: Int64 = {
        guard let corpus = TestPaths.corpus,
              let text = try? String(contentsOfFile: corpus + "/statements/csv/mlaitinen__ofxstatement-revolut/2021-october.csv", encoding: .utf8) else { return 0 }
        return text.split(whereSeparator: \.isNewline).dropFirst().reduce(Int64(0)) { sum, line in
            let f = line.split(separator: ",")
            guard f.count > 8, f[8] == "COMPLETED", let value = Decimal(string: String(f[5])) else { return sum }
            return sum + Int64(truncating: (value * 100) as NSDecimalNumber)
        }
    }()

    @Test(arguments: BankCSVOracleTests.cases)
    func readsWhatTheSourceProjectAsserts(_ c: Case) throws {
        guard let corpus = TestPaths.corpus else { print("skipped: ../shared/corpus is absent"); return }
        var source = try FileByteSource(path: corpus + "/statements/csv/" + c.file)
        let result = BankCSVTests.read(try source.readAll(), try BankCSVTests.profile(c.profile), currency: Currency.iso(c.currency)!)
        let errors = result.diagnostics.items.filter { $0.severity >= .error }
        if let b = c.balanceBreak {
            #expect(errors.count == 1 && errors[0].code.rawValue == "csv.balance" && errors[0].location.line == b.line
                    && errors[0].expected == b.expected && errors[0].found == b.found, "\(errors)")
        } else {
            #expect(errors.isEmpty, "\(result.diagnostics.items)")
        }
        #expect(result.lines.count == c.lines)
        #expect(result.lines.reduce(0) { $0 + $1.amount.minorUnits } == c.total)
        if let first = c.first { #expect(result.lines.first?.amount.minorUnits == first) }
        #expect(result.lines.allSatisfy { $0.amount.currency.code == c.currency })
    }

    @Test func aRunningBalancePastSixtyFourBitsIsABreakNotAWrappedBalance() throws {
        // 92,233,720,368,547,758.07 is Int64.max cents: a credit of 1.00 after it cannot leave the same balance, and
        // the balance it should show is past what the file can hold, not a wrapped negative one.
        let path = TestPaths.temporaryDirectory("balance-overflow") + "/profile.json"
        try #"{"columns": {"date": "Date", "amount": "Amount", "description": "Label", "balance": "Balance"}, "date_format": "YYYY-MM-DD"}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let text = """
            Date,Amount,Label,Balance
            2026-11-02,1.00,first,92233720368547758.07
            2026-11-02,1.00,second,92233720368547758.07

            """
        let result = BankCSVTests.read(Array(text.utf8), try BankProfile.load(path: path))
        let balance = try #require(result.diagnostics.items.first { $0.code.rawValue == "csv.balance" }, "\(result.diagnostics.items)")
        #expect(balance.location.line == 3 && balance.found == "92233720368547758.07")
        #expect(balance.expected == "more than 64-bit minor units hold")
    }

    @Test func brokenExportsSayWhatIsBroken() throws {
        guard let corpus = TestPaths.corpus else { print("skipped: ../shared/corpus is absent"); return }
        let folder = corpus + "/statements/csv/gpaulissen__ofxstatement-dutch/"
        // ing_fail: `"Overschrijving", "Naam: ..."` — a space before the opening quote.
        var ing = try FileByteSource(path: folder + "ing_fail.csv")
        let failed = BankCSVTests.read(try ing.readAll(), try BankCSVTests.profile("ing-nl"), currency: .eur)
        #expect(failed.diagnostics.items.contains { $0.code.rawValue == "csv.quote" && $0.location.line == 3 && $0.severity == .error })
        // A running balance that breaks: the ASN export with one row taken out.
        var asn = try FileByteSource(path: folder + "transactie-historie_NL00ASNB9999999999_20220717204133.csv")
        var rows = String(decoding: try asn.readAll(), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        rows.remove(at: 4)
        let broken = BankCSVTests.read(Array(rows.joined(separator: "\n").utf8), try BankCSVTests.profile("asn-bank"), currency: .eur)
        let balance = try #require(broken.diagnostics.items.first { $0.code.rawValue == "csv.balance" })
        #expect(balance.location.line == 5 && balance.expected == "655.16" && balance.found == "632.21" && balance.field == "column 9")
        #expect(broken.diagnostics.items.filter { $0.code.rawValue == "csv.balance" }.count == 1, "one break, reported once")
    }
}

/// reubano/csv2ofx's expected conversions (`expected/*.ofx`, `*.qif`, which its test suite diffs against) for
/// the bank and payment exports it maps: the same transactions, day and signed amount, as ours.
@Suite struct BankCSVConverterOracleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String, expected: String, profile: String, currency = "USD"
        /// Where csv2ofx is wrong and we are not: its transaction (`day minor`) and ours.
        var corrections: [String: String] = [:]
        var testDescription: String { file }
    }

    static let cases = [
        Case(file: "n26-fr.csv", expected: "n26.ofx", profile: "n26", currency: "EUR"),
        Case(file: "outbank.csv", expected: "outbank.ofx", profile: "outbank", currency: "EUR"),
        Case(file: "payoneer.csv", expected: "payoneer.ofx", profile: "payoneer"),
        Case(file: "pcmastercard.csv", expected: "pcmastercard.ofx", profile: "pc-financial-mastercard", currency: "CAD"),
        Case(file: "ubs-ch-fr_trimmed.csv", expected: "ubs-ch-fr.qif", profile: "ubs-ch", currency: "CHF"),
        Case(file: "stripe-default.csv", expected: "stripe-default.ofx", profile: "stripe-payments", currency: "CAD"),
        Case(file: "gls.csv", expected: "gls.ofx", profile: "gls-bank", currency: "EUR"),
        // csv2ofx guesses the order of day and month row by row, so `08/04/2022` in this day-first export became
        // 4 August; the profile says DD/MM for the whole file: 8 April (the row sits between March and April ones).
        Case(file: "ingesp.csv", expected: "ingesp.ofx", profile: "ing-es", currency: "EUR", corrections: ["2022-08-04 269": "2022-04-08 269"]),
        Case(file: "mint.csv", expected: "mint.ofx", profile: "mint"),
        Case(file: "schwab-checking.csv", expected: "schwab-checking.ofx", profile: "schwab-checking"),
    ]

    /// (day, minor units) of every transaction in an OFX (`<DTPOSTED>`, `<TRNAMT>`) or QIF (`D`, `T`) file, sorted.
    static func transactions(_ text: String) -> [String] {
        if text.contains("<TRNAMT>") {
            // OFX: tags, with or without line breaks between them; each STMTTRN has one of each.
            let days = text.matches(of: /<DTPOSTED>([0-9]{8})/).map { m in "\(m.1.prefix(4))-\(m.1.dropFirst(4).prefix(2))-\(m.1.suffix(2))" }
            let amounts = text.matches(of: /<TRNAMT>(-?[0-9.]+)/).compactMap { try? MoneyFormat.parseMinorUnits(Array($0.1.utf8), exponent: 2, style: .point) }
            return zip(days, amounts).map { "\($0) \($1)" }.sorted()
        }
        var out: [String] = []
        var day = ""
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("<DTPOSTED>") {
                let d = line.dropFirst(10).prefix(8)
                day = "\(d.prefix(4))-\(d.dropFirst(4).prefix(2))-\(d.suffix(2))"
            } else if line.hasPrefix("D"), !line.hasPrefix("D<") {
                let d = line.dropFirst()
                if d.count == 10, d.dropFirst(4).first == "-" { day = String(d) }
                else if let parsed = Day.parse(d, format: .monthDayYear) { day = parsed.description }
            } else if line.hasPrefix("<TRNAMT>") || (line.hasPrefix("T") && Double(line.dropFirst()) != nil) {
                let amount = line.hasPrefix("<") ? line.dropFirst(8) : line.dropFirst()
                if let minor = try? MoneyFormat.parseMinorUnits(Array(amount.utf8), exponent: 2, style: .point) { out.append("\(day) \(minor)") }
            }
        }
        return out.sorted()
    }

    @Test(arguments: BankCSVConverterOracleTests.cases)
    func sameTransactionsAsCsv2ofx(_ c: Case) throws {
        guard let corpus = TestPaths.corpus else { print("skipped: ../shared/corpus is absent"); return }
        let folder = corpus + "/statements/csv/reubano__csv2ofx/"
        let expected = Self.transactions(try String(contentsOfFile: folder + "expected/" + c.expected, encoding: .utf8)).map { c.corrections[$0] ?? $0 }.sorted()
        for wrong in c.corrections.keys { #expect(Self.transactions(try String(contentsOfFile: folder + "expected/" + c.expected, encoding: .utf8)).contains(wrong)) }
        var source = try FileByteSource(path: folder + c.file)
        let result = BankCSVTests.read(try source.readAll(), try BankCSVTests.profile(c.profile), currency: Currency.iso(c.currency)!)
        #expect(result.diagnostics.items.filter { $0.severity >= .error }.isEmpty, "\(result.diagnostics.items)")
        #expect(!expected.isEmpty)
        #expect(result.lines.map { "\($0.bookingDay) \($0.amount.minorUnits)" }.sorted() == expected)
    }
}

/// Every file of `../shared/corpus/statements/csv`, as its INDEX.md says: read through the bank's profile (in
/// `Jobs/profiles/`, or here for exports that are not a bank's: order histories, accounting journals, test
/// fixtures), with the number of statement lines the INDEX counts (its notes say which rows are not
/// transactions: pending, notices, footers), and the files that must fail failing with the diagnostic that says why.
/// The table is `BankCSVCorpus` (Tests/Support), which the pipeline's runs over the corpus share.
@Suite struct BankCSVCorpusTests {
    typealias Case = BankCSVCorpus.Case

    static var cases: [Case] { BankCSVCorpus.cases }

    static func profile(_ spec: String) throws -> BankProfile {
        guard spec.hasPrefix("{") else { return try BankCSVTests.profile(spec) }
        let path = TestPaths.temporaryDirectory("corpus-profiles") + "/\(abs(spec.hashValue)).json"
        try spec.write(toFile: path, atomically: true, encoding: .utf8)
        return try BankProfile.load(path: path)
    }

    @Test func everyFileOfTheIndexIsListed() throws {
        guard let corpus = TestPaths.corpus else { print("skipped: ../shared/corpus is absent"); return }
        let index = try String(contentsOfFile: corpus + "/statements/csv/INDEX.md", encoding: .utf8)
        let files = index.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { $0.split(separator: "`")[1] }.map(String.init)
        #expect(files.count == 82)
        #expect(Set(files) == Set(Self.cases.map(\.file)))
    }

    @Test(arguments: BankCSVCorpusTests.cases)
    func readsAsTheIndexSays(_ c: Case) throws {
        guard let corpus = TestPaths.corpus else { print("skipped: ../shared/corpus is absent"); return }
        var source = try FileByteSource(path: corpus + "/statements/csv/" + c.file)
        let currency = Currency.iso(c.currency) ?? .usd
        let result = BankCSVTests.read(try source.readAll(), try Self.profile(c.profile), currency: currency)
        let errors = result.diagnostics.items.filter { $0.severity >= .error }
        if let failure = c.failure {
            #expect(errors.contains { $0.code.rawValue == failure }, "\(result.diagnostics.items)")
        } else {
            #expect(errors.isEmpty, "\(result.diagnostics.items)")
        }
        #expect(result.lines.count == c.lines)
        if c.currency != "mixed" { #expect(result.lines.allSatisfy { $0.amount.currency == currency }) }
        #expect(result.lines.allSatisfy { $0.bookingDay.year >= 2000 && $0.bookingDay.year <= 2026 })
    }
}

/// The beancount entries the importers' own tests expect (redstreet/beancount_reds_importers `expected/*.extract`,
/// c-vigo/beancount-importers `expected/N26_journal.beancount`): each transaction's day and the amount of its first
/// posting (the bank account's side), against our lines.
@Suite struct BankCSVBeancountOracleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String, expected: String, profile: String, currency = "USD"
        var testDescription: String { file }
    }

    static let cases = [
        Case(file: "redstreet__beancount_reds_importers/Main_Checking_Account_Transactions.csv", expected: "redstreet__beancount_reds_importers/expected/Main_Checking_Account_Transactions.csv.extract", profile: "dcu"),
        Case(file: "redstreet__beancount_reds_importers/schwab_XXX234_Checking_Transactions_20220203.csv", expected: "redstreet__beancount_reds_importers/expected/schwab_XXX234_Checking_Transactions_20220203.csv.extract", profile: "schwab-checking"),
        Case(file: "redstreet__beancount_reds_importers/semicolon_delimited.csv", expected: "redstreet__beancount_reds_importers/expected/semicolon_delimited.csv.extract",
             profile: BankCSVCorpusTests.cases.first { $0.file.hasSuffix("semicolon_delimited.csv") }!.profile),
        Case(file: "c-vigo__beancount-importers/N26_Sample.csv", expected: "c-vigo__beancount-importers/expected/N26_journal.beancount", profile: "n26", currency: "EUR"),
    ]

    /// `YYYY-MM-DD * ...` followed by its first posting `  Account  amount CUR`: (day, minor units), sorted.
    static func entries(_ text: String) -> [String] {
        var out: [String] = []
        var day: Substring?
        for line in text.split(separator: "\n") {
            if line.count > 12, line.dropFirst(10).hasPrefix(" * ") { day = line.prefix(10); continue }
            guard let d = day, line.hasPrefix("  ") else { continue }
            let parts = line.split(separator: " ")
            if parts.count >= 2, let minor = try? MoneyFormat.parseMinorUnits(Array(parts[1].utf8), exponent: 2, style: .point) {
                out.append("\(d) \(minor)")
            }
            day = nil
        }
        return out.sorted()
    }

    @Test(arguments: BankCSVBeancountOracleTests.cases)
    func sameTransactionsAsTheImporter(_ c: Case) throws {
        guard let corpus = TestPaths.corpus else { print("skipped: ../shared/corpus is absent"); return }
        let folder = corpus + "/statements/csv/"
        let expected = Self.entries(try String(contentsOfFile: folder + c.expected, encoding: .utf8))
        var source = try FileByteSource(path: folder + c.file)
        let result = BankCSVTests.read(try source.readAll(), try BankCSVCorpusTests.profile(c.profile), currency: Currency.iso(c.currency)!)
        #expect(!expected.isEmpty)
        #expect(result.lines.map { "\($0.bookingDay) \($0.amount.minorUnits)" }.sorted() == expected)
    }
}
