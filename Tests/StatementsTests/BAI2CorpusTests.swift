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
