import Core
import Foundation
import Statements
import Testing
import TestSupport

/// Every file of `../shared/corpus/statements/bai2` as its INDEX.md says: the groups, accounts and details it counts;
/// strict reading accepts exactly the files whose trailers reconcile; lenient reading accepts what moov-io/bai2
/// accepts; the broken ones give the diagnostic for what is broken.
@Suite struct BAI2CorpusTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var counts: [Int]
        var reconciles: Bool
        var testDescription: String { file }
    }

    static func cases() -> [Case] {
        guard let corpus = TestPaths.corpus, let text = try? String(contentsOfFile: corpus + "/statements/bai2/INDEX.md", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { $0.hasPrefix("| `") }.compactMap { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 8 else { return nil }
            return Case(file: cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`")), counts: cells[4].split(separator: "/").compactMap { Int($0) },
                        reconciles: cells[8] == "yes")
        }
    }

    static func read(_ file: String, strict: Bool) throws -> BAI2File {
        var source = try FileByteSource(path: TestPaths.corpus! + "/statements/bai2/" + file)
        return BAI2Reader(options: BAI2Options(strict: strict)).read(bytes: try source.readAll(), fileName: file)
    }

    @Test func corpusIsPresentOrSkippedWithAMessage() {
        if TestPaths.corpus == nil { print("BAI2 corpus tests skipped: ../shared/corpus is not beside the package root") } else { #expect(Self.cases().count == 23) }
    }

    @Test(arguments: BAI2CorpusTests.cases())
    func handledAsTheIndexSays(_ c: Case) throws {
        let strict = try Self.read(c.file, strict: true)
        let lenient = try Self.read(c.file, strict: false)
        let codes = Set(strict.diagnostics.items.map(\.code.rawValue))
        switch c.file {
        case "moov-io__bai2/errors/sample-parseError.txt":
            #expect(strict.diagnostics.items.contains { $0.code.rawValue == "bai2.record-type" && $0.location.line == 1 && $0.message.contains("'00'") })
            #expect(lenient.diagnostics.worst == .fatal)
            return
        case "dnsbty__bai2/test3.bai":
            #expect(codes.contains("bai2.incomplete"))
            #expect(lenient.diagnostics.worst == .fatal, "a truncated file is rejected in either mode")
            return
        default: break
        }
        // Counts: groups (where the INDEX counts them from 02 records at a line start), accounts, details.
        if c.file == "moov-io__bai2/sample3.txt" {
            // The INDEX counts records that start a line; here two account records and two details share a line
            // with the record before them (`.../ 16,...`, `.../  03,...`), so there are two more of each.
            #expect(lenient.accountCount == c.counts[1] + 2 && lenient.lines.count == c.counts[2] + 2)
        } else if c.counts.count == 3 {
            if c.counts[0] > 0 { #expect(lenient.groups.count == c.counts[0], "groups") }
            #expect(lenient.accountCount == c.counts[1], "accounts")
            #expect(lenient.lines.count == c.counts[2], "details")
        }
        if c.reconciles {
            #expect((strict.diagnostics.worst ?? .warning) < .error, "\(strict.diagnostics.items.prefix(3))")
        } else {
            #expect(strict.diagnostics.worst == .fatal, "a file whose trailers do not reconcile fails strict reading")
        }
        if c.file.hasPrefix("moov-io__bai2/sample") {
            // moov-io/bai2 parses and validates samples 1-5: lenient reading accepts them.
            #expect(lenient.diagnostics.worst != .fatal, "\(lenient.diagnostics.items.filter { $0.severity == .fatal }.prefix(2))")
        }
        if c.file == "zeptofs__bai2/invalid_checksum_eod.bai2" {
            #expect(strict.diagnostics.items.contains { $0.code.rawValue == "bai2.account-control-total" && $0.expected == "8325982" && $0.found == "8325983" })
        }
    }

    /// Read a piece at a time, however small the pieces, a file gives what it gives read whole: the same lines,
    /// balances and diagnostics, at the same lines and byte offsets.
    @Test(arguments: BAI2CorpusTests.cases())
    func readInPiecesAsWhole(_ c: Case) throws {
        let path = TestPaths.corpus! + "/statements/bai2/" + c.file
        for strict in [true, false] {
            let whole = try Self.read(c.file, strict: strict)
            for piece in [16, 61, 4096] {
                let pieces = try BAI2Reader(options: BAI2Options(strict: strict)).read(source: try FileByteSource(path: path), fileName: c.file, pieceSize: piece)
                #expect(pieces.lines == whole.lines, "\(c.file), pieces of \(piece)")
                #expect(pieces.balances == whole.balances, "\(c.file), pieces of \(piece)")
                #expect(pieces.diagnostics.items.map(\.description) == whole.diagnostics.items.map(\.description), "\(c.file), pieces of \(piece)")
                #expect(pieces.diagnostics.items.map(\.location.byteOffset) == whole.diagnostics.items.map(\.location.byteOffset))
            }
        }
    }

    @Test func slashesInsideTextStay() throws {
        guard TestPaths.corpus != nil else { return }
        let file = try Self.read("moov-io__bai2/sample5-issue113.txt", strict: false)
        #expect(file.lines.contains { $0.description.contains("08/18/23 Invoice - Sample") })
        let zeptofs = try Self.read("zeptofs__bai2/eod.bai2", strict: true)
        #expect(zeptofs.groups.first?.originator == "121140399")
        #expect(zeptofs.receiver == "3333333333" || zeptofs.groups.first?.ultimateReceiver == "3333333333")
        #expect(zeptofs.lines.first?.typeCode == "195")
    }
}

/// moov-io/bai2's own parse of its samples (`expected/*.format.json`, from its test suite) against ours: every
/// account's number, currency, summaries and details (type code, amount, references, text).
@Suite struct BAI2MoovExpectationTests {
    static let samples = ["sample1", "sample4-continuations-newline-delimited", "sample5-issue113"]

    /// moov prints amounts as written (`+000000000000`, `000000000208500`): the value in minor units.
    static func minor(_ text: String) -> Int64? {
        if text.isEmpty { return 0 }
        return Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    /// moov joins a 16's continuation records with ',' and we with a space (the text reads on); both keep every
    /// word, slash and comma of the bank's text, which is what is compared. Where sample5 mistypes `88:` for `88,`,
    /// moov keeps `88:` in the text; we read the record as a continuation (lenient, with a warning).
    static func words(_ text: String) -> [Substring] {
        text.split(whereSeparator: { $0 == " " || $0 == "," })
    }

    /// moov keeps a record's closing `/` and padding in its text; we drop them.
    static func normalized(_ text: String) -> String {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("/") { t.removeLast() }
        return t.trimmingCharacters(in: .whitespaces)
    }

    @Test(arguments: BAI2MoovExpectationTests.samples)
    func agreesWithMoov(_ sample: String) throws {
        guard let corpus = TestPaths.corpus else { print("skipped: ../shared/corpus is absent"); return }
        let folder = corpus + "/statements/bai2/moov-io__bai2/"
        let data = try #require(FileManager.default.contents(atPath: folder + "expected/\(sample).format.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var source = try FileByteSource(path: folder + sample + ".txt")
        let file = BAI2Reader(options: BAI2Options(strict: false)).read(bytes: try source.readAll(), fileName: sample)
        if sample == "sample5-issue113" {
            #expect(file.diagnostics.items.contains { $0.location.line == 63 && $0.severity == .warning && $0.message.contains("read as a continuation") })
        }
        #expect(file.sender == root["sender"] as? String)
        #expect(file.receiver == root["receiver"] as? String)
        let groups = try #require(root["Groups"] as? [[String: Any]])
        #expect(file.groups.count == groups.count)
        for (group, expected) in zip(file.groups, groups) {
            #expect(group.originator == expected["originator"] as? String)
            #expect(group.asOfDay == (expected["asOfDate"] as? String).flatMap { Day.parse($0, format: .yymmdd) })
            let accounts = try #require(expected["Accounts"] as? [[String: Any]])
            #expect(group.accounts.count == accounts.count, "\(sample): accounts")
            for (account, e) in zip(group.accounts, accounts) {
                #expect(account.number == e["accountNumber"] as? String)
                #expect(account.currency.code == e["currencyCode"] as? String)
                // moov lists an empty summary where a record leaves stray empty fields; we skip those.
                let summaries = (e["summaries"] as? [[String: Any]] ?? []).filter { !(($0["TypeCode"] as? String) ?? "").isEmpty }
                #expect(account.summaries.map(\.typeCode) == summaries.compactMap { ($0["TypeCode"] as? String).flatMap { Int($0) } }, "\(sample) \(account.number): summary codes")
                #expect(account.summaries.map(\.amount.minorUnits) == summaries.compactMap { Self.minor($0["Amount"] as? String ?? "") }, "\(sample) \(account.number): summary amounts")
                let details = e["Details"] as? [[String: Any]] ?? []
                #expect(account.details.count == details.count, "\(sample) \(account.number): details")
                for (line, d) in zip(account.details, details) {
                    let code = try #require((d["TypeCode"] as? String).flatMap { Int($0) })
                    #expect(line.typeCode == String(code))
                    let amount = try #require(Self.minor(d["Amount"] as? String ?? ""))
                    #expect(line.amount.minorUnits == (BAI2TypeCode.isDebit(code) ? -amount : amount), "\(sample): amount of \(line.bankReference)")
                    #expect(line.bankReference == d["BankReferenceNumber"] as? String)
                    #expect(line.customerReference == d["CustomerReferenceNumber"] as? String)
                    #expect(Self.words(line.description) == Self.words(Self.normalized(d["Text"] as? String ?? "").replacingOccurrences(of: "88:", with: ",")), "\(sample): text")
                    if let funds = d["FundsType"] as? [String: Any], funds["type_code"] as? String == "V", let date = funds["date"] as? String {
                        #expect(line.valueDay == Day.parse(date, format: .yymmdd))
                    }
                }
            }
        }
    }
}
