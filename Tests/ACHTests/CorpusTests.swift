import ACH
import Core
import Foundation
import Pipeline
import Testing
import TestSupport

/// Every file of `../shared/corpus/nacha` handled as its INDEX.md says. The expectation comes from the INDEX's
/// status column; where the INDEX names the rule a file breaks, the diagnostic for that rule must be among ours.
@Suite struct NACHACorpusTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var folder: String
        var file: String
        var status: String
        var note: String
        var format: String
        /// The INDEX row's description of the file (every cell after the format).
        var description = ""
        var testDescription: String { "\(folder)/\(file)" }
    }

    static func cases() -> [Case] {
        guard let corpus = TestPaths.corpus else { return [] }
        var out: [Case] = []
        for folder in ["nacha/moov", "nacha/other"] {
            guard let text = try? String(contentsOfFile: "\(corpus)/\(folder)/INDEX.md", encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") where line.hasPrefix("| `") {
                let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard cells.count > 5 else { continue }
                let file = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
                // moov's table: file, path, bytes, status, ...; the other table: file, path, bytes, status, ...
                var c = Case(folder: folder, file: file, status: cells[4], note: cells[cells.count - 2], format: cells[5])
                c.description = cells[6...].joined(separator: " | ")
                out.append(c)
            }
        }
        return out
    }

    /// The diagnostic each deliberately broken file must produce (the rule the INDEX says it breaks).
    static let expectedCodes: [String: String] = [
        "1e5RecordBefore1or8.txt": "nacha.file-header-position",
        "1k8RecordFollowing9Record.txt": "nacha.record-after-file-control",
        "1qFormatCodeIncorrect.txt": "nacha.format-code",
        "2lCompanyNameAllZeros.txt": "nacha.company-name",
        "2mCompanyEntryDescAllZeros.txt": "nacha.company-entry-description",
        "3fTELIndvNameAllBlank.txt": "nacha.individual-name",
        "3fTELIndvNameAllZeros.txt": "nacha.individual-name",
        "issue702-1.ach": "nacha.no-batches",
        "FISERV-ZEROFILE-PIMRET825324_032720_110221.ach": "nacha.routing-check-digit",
        "Iat-invalidAddenda13.ach": "nacha.character-set",
        "NACHA_SAMPLE_TEL_REVERSAL.ach": "nacha.sec-reversal",
        "adv-invalidBatchEntries.ach": "nacha.addenda-without-entry",
        "adv-invalidFileControl.ach": "nacha.file-entry-addenda-count",
        "iat-batchHeaderErr.ach": "nacha.missing-batch-control",
        "iat-invalidAddenda10.ach": "nacha.iat-transaction-type",
        "iat-invalidAddenda11.ach": "nacha.character-set",
        "iat-invalidAddenda12.ach": "nacha.character-set",
        "iat-invalidAddenda14.ach": "nacha.character-set",
        "iat-invalidAddenda15.ach": "nacha.character-set",
        "iat-invalidAddenda16.ach": "nacha.character-set",
        "iat-invalidAddenda17.ach": "nacha.character-set",
        "iat-invalidAddenda18.ach": "nacha.character-set",
        "iat-invalidAddenda98.ach": "nacha.change-code",
        "iat-invalidAddenda99.ach": "nacha.return-reason-code",
        "iat-invalidAddendaRecordIndicator.ach": "nacha.addenda-indicator",
        "iat-invalidBatchControl.ach": "nacha.batch-control-odfi",
        "iat-invalidBatchHeader.ach": "nacha.service-class",
        "iat-invalidEntryDetail.ach": "nacha.transaction-code",
        "pos-invalidEntryDetail.ach": "nacha.character-set",
        "pos-invalidReturnFile.ach": "nacha.return-reason-code",
        "ppd-debit-fixedLengthInvalid.ach": "nacha.record-length",
        "ppd-debit-invalid-entryDetail-checkDigit.ach": "nacha.routing-check-digit",
        "shr-credit.ach": "nacha.card-expiration",
        "web-invalidNOCFile.ach": "nacha.change-code",
        "20110805A.ach": "nacha.file-batch-count",
        // The INDEX notes this file's control credit total (600000) differs from its batches' (600078).
        "flattenADVBatchesMultipleBatchHeaders.ach": "nacha.file-total-credit",
        "nonascii.ach": "nacha.file-entry-addenda-count",
        "nonascii-utf8.ach": "nacha.file-entry-addenda-count",
        "moov-ids.ach": "nacha.file-entry-hash",
        "return-PPD-custom-reason-code.ach": "nacha.return-reason-code",
        "ppd-debit-customTraceNumber.ach": "nacha.trace-number-odfi",
        "Midland-States-Bank__node-nacha/WEB.txt": "nacha.file-entry-hash",
        "dwilkins__nacha/101.ach": "nacha.routing-check-digit",
        "dwilkins__nacha/sample1.txt": "nacha.batch-without-entries",
        "moov-io__ach-test-harness/out-of-order.ach": "nacha.file-total-credit",
        "moov-io__achgateway/duplicate-trace.ach": "nacha.file-entry-hash",
    ]

    struct Outcome {
        var batches: [Batch]
        var diagnostics: [Diagnostic]
        var worst: Severity?
        var totals: NACHAFileTotals
    }

    static func read(_ path: String, strict: Bool = true) throws -> Outcome {
        func run<S: ByteSource>(_ source: S) throws -> Outcome {
            var reader = NACHAReader(source: source, fileName: path, options: NACHAOptions(strict: strict))
            var batches: [Batch] = []
            while let b = try reader.nextBatch() { batches.append(b) }
            return Outcome(batches: batches, diagnostics: reader.diagnostics.items, worst: reader.diagnostics.worst, totals: reader.totals)
        }
        if path.hasSuffix(".gz") { return try run(GzipByteSource(path: path, limitBytes: 1 << 30)) }
        return try run(FileByteSource(path: path))
    }

    @Test func corpusIsPresentOrSkippedWithAMessage() {
        if TestPaths.corpus == nil {
            print("NACHA corpus tests skipped: ../shared/corpus is not beside the package root")
        } else {
            #expect(Self.cases().count > 200)
        }
    }

    @Test(arguments: NACHACorpusTests.cases())
    func handledAsTheIndexSays(_ c: Case) throws {
        let corpus = try #require(TestPaths.corpus)
        let path = "\(corpus)/\(c.folder)/\(c.file)"
        let status = c.status
        if c.file.hasSuffix(".tar") {
            // An archive of valid files, not an ACH file: the reader must refuse it, not crash.
            #expect(try Self.read(path).worst == .fatal)
            return
        }
        let outcome = try Self.read(path)
        let codes = Set(outcome.diagnostics.map(\.code.rawValue))
        let summary = outcome.diagnostics.filter { $0.severity >= .error }.prefix(4).map(\.description).joined(separator: "\n")
        if let expected = Self.expectedCodes[c.file] ?? Self.expectedCodes[c.folder.hasSuffix("other") ? c.file : ""] {
            #expect(codes.contains(expected), "\(c.file): expected \(expected), got \(codes.sorted())")
        }
        if status.contains("JSON") || status.contains("RTF") || status.hasPrefix("FUZZ") || status.hasPrefix("CRASHER") {
            // Not NACHA text, or a regression input: read to the end without trapping, and refuse it.
            #expect((outcome.worst ?? .warning) >= .error, "\(c.file) should be refused")
        } else if status.hasPrefix("FRAGMENT") {
            #expect(outcome.worst == .fatal, "\(c.file): a fragment is not a whole file")
            if c.note.contains("batch") && !c.note.contains("no batch") {
                #expect(!outcome.batches.isEmpty || outcome.totals.entryCount == 0, "\(c.file): the partial batches are still returned")
            }
        } else if status.hasPrefix("INVALID") && !status.contains("w/") {
            #expect((outcome.worst ?? .warning) >= .error, "\(c.file) is invalid (\(c.note.prefix(120))) but read clean")
        } else if status.hasPrefix("VALID") && !status.contains("w/") && !status.contains("INVALID") && !status.contains("structure")
                    && !c.note.contains("≠ sum of batch credits") {
            // moov-io/ach's Read does not check the file control's batch and block counts; strict reading does (as moov's
            // Validate does): a file whose INDEX note says its count is wrong has that error of the file as a whole,
            // and no other, and every batch is still taken.
            let stem = c.file.replacingOccurrences(of: ".ach", with: "")
            let countNoted = c.description.contains("batch count") || c.description.contains("\(stem) BlockCount")
            let errors = outcome.diagnostics.filter { $0.severity >= .error }
            if countNoted {
                #expect(!errors.isEmpty && errors.allSatisfy { NACHAFileErrors.codes.contains($0.code.rawValue) }, "\(c.file):\n\(summary)")
            } else {
                #expect((outcome.worst ?? .warning) < .error, "\(c.file) is valid but:\n\(summary)")
            }
            #expect(outcome.totals.rejectedBatchCount == 0)
            // The INDEX counts each file's lines ("10010L"); every one is a record or 9-filled padding.
            if let lines = Self.lineCount(c.format), !c.format.contains("len0") {
                #expect(outcome.totals.physicalRecordCount + outcome.totals.paddingRecordCount == lines, "\(c.file): \(c.format)")
            }
        } else if status.contains("structure") {
            #expect(outcome.worst != .fatal, "\(c.file): structurally valid but:\n\(summary)")
        } else {
            // Valid only with an option moov-io/ach offers (or invalid only with one): strict reading reports what
            // that option would forgive, lenient reading keeps the batches.
            let lenient = try Self.read(path, strict: false)
            #expect(lenient.totals.rejectedBatchCount == 0)
        }
    }

    /// `LF,noEOL,10L,9pad×4` → 10.
    static func lineCount(_ format: String) -> Int? {
        for part in format.split(separator: ",") where part.hasSuffix("L") {
            if let n = Int(part.dropLast()) { return n }
        }
        return nil
    }
}

@Suite struct ReturnLayoutsTests {
    @Test func dishonoredAndContestedReturnsReadTheirOwnFields() throws {
        guard let corpus = TestPaths.corpus else { print("skipped: ../shared/corpus is absent"); return }
        let outcome = try NACHACorpusTests.read(corpus + "/nacha/moov/contested-return.ach")
        let returns = outcome.batches.flatMap(\.entries).flatMap(\.addenda).compactMap { a -> Addenda99? in
            if case let .returnEntry(r) = a { return r } else { return nil }
        }
        #expect(returns.map(\.returnReasonCode) == ["R07", "R68", "R71"])
        let dishonored = try #require(returns[1].dishonored)
        #expect(dishonored == .init(returnTraceNumber: "123918710000001", returnSettlementDate: "179", originalReturnReasonCode: "01", addendaInformation: "Untimely Return"))
        let contested = try #require(returns[2].contested)
        #expect(contested == .init(dateOriginalEntryReturned: "000167", originalSettlementDate: "164", returnTraceNumber: "779999990000301",
                                   returnSettlementDate: "165", returnReasonCode: "01", dishonoredReturnTraceNumber: "889999990000301",
                                   dishonoredReturnSettlementDate: "166", dishonoredReturnReasonCode: "67"))
        #expect(returns[0].dishonored == nil && returns[0].contested == nil)
        #expect(returns[2].reasonDescription == "Misrouted Dishonored Return")
    }
}
