import ACH
import Core
import Foundation
import Matching
import Statements

/// Reads inputs of every supported format into `IngestedInput`s.
public enum Ingest {
    /// With `keepLines` false (`settle validate`), statement lines are counted and summed but not kept: a camt
    /// file is then read in memory that does not grow with it.
    public static func read(path: String, displayPath: String? = nil, format: SourceFormat, role: Manifest.Source.Role = .received, account: String? = nil,
                            strict: Bool = true, currency: Currency = .usd, profile: String? = nil, keepLines: Bool = true, achDay: Day? = nil) -> IngestedInput {
        let name = URL(fileURLWithPath: path).lastPathComponent
        var input = IngestedInput(path: path, displayPath: displayPath ?? path, name: name, sha256: "", sizeBytes: 0, format: format, role: role, account: account)
        do {
            let print = try InputOpener.fingerprint(path: path)
            input.sha256 = print.sha256
            input.sizeBytes = print.sizeBytes
        } catch {
            input.readError = error.message
            return input
        }
        parse(path: path, format: format, strict: strict, currency: currency, profile: profile, account: account, keepLines: keepLines, achDay: achDay, into: &input)
        input.achFacts?.setFileSHA(input.sha256)
        return input
    }

    /// The same, the file's SHA-256 computed on another thread while it is parsed (the second read comes from the
    /// page cache: the hash costs a core, not the wall clock). Both run as `BlockingWork`, off the cooperative pool;
    /// a cancelled task stops them at their next read and gets an input whose read error is "cancelled".
    public static func readConcurrently(path: String, displayPath: String? = nil, format: SourceFormat, role: Manifest.Source.Role = .received,
                                        account: String? = nil, strict: Bool = true, currency: Currency = .usd, profile: String? = nil,
                                        keepLines: Bool = true, achDay: Day? = nil) async -> IngestedInput {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let blank = IngestedInput(path: path, displayPath: displayPath ?? path, name: name, sha256: "", sizeBytes: 0, format: format, role: role, account: account)
        async let print: Result<(sha256: String, sizeBytes: Int64), InputError>? = try? BlockingWork.run {
            do throws(InputError) { return .success(try InputOpener.fingerprint(path: path)) } catch { return .failure(error) }
        }
        var parsed = try? await BlockingWork.run {
            var input = blank
            parse(path: path, format: format, strict: strict, currency: currency, profile: profile, account: account, keepLines: keepLines, achDay: achDay,
                  into: &input)
            return input
        }
        // Taken out, not copied: the facts' arrays stay uniquely held, so setting their file's hash writes in place.
        let wasParsed = parsed != nil
        var input = parsed.take() ?? blank
        switch await print {
        case let .success(p)?:
            input.sha256 = p.sha256
            input.sizeBytes = p.sizeBytes
            input.achFacts?.setFileSHA(p.sha256)
        case let .failure(error)?:
            input.readError = error.message
        case nil:
            input.readError = "cancelled"
        }
        if !wasParsed { input.readError = "cancelled" }
        return input
    }

    /// Reads the file as its format says into `input`; a file that cannot be read at all gets a read error.
    static func parse(path: String, format: SourceFormat, strict: Bool, currency: Currency, profile: String?, account: String?, keepLines: Bool,
                      achDay: Day? = nil, into input: inout IngestedInput) {
        do {
            switch format {
            case .nacha:
                if InputOpener.isGzip(path: path) {
                    try readNACHA(source: GzipByteSource(path: path, limitBytes: InputOpener.defaultExpandedLimitBytes), into: &input, strict: strict, keepBatches: keepLines,
                                  achDay: achDay, currency: currency)
                } else {
                    try readNACHA(source: FileByteSource(path: path), into: &input, strict: strict, keepBatches: keepLines, achDay: achDay, currency: currency)
                }
            case .bai2:
                try readBAI2(path: path, strict: strict, currency: currency, keepLines: keepLines, into: &input)
            case .camt052, .camt053, .camt054:
                try readCamt(path: path, currency: currency, keepLines: keepLines, into: &input)
            case .csv:
                try readBankCSV(path: path, profile: profile, account: account, currency: currency, keepLines: keepLines, into: &input)
            }
        } catch {
            input.readError = error.message
        }
        if format != .nacha, input.statementTotals.count == 0 {
            for line in input.statementLines { input.statementTotals.add(line) }
        }
        if !keepLines { input.statementLines = [] }
    }

    /// A BAI2 file, read a piece at a time: memory does not grow with the file. With `keepLines` false its detail
    /// totals are the statement totals.
    static func readBAI2(path: String, strict: Bool, currency: Currency, keepLines: Bool, into input: inout IngestedInput) throws(InputError) {
        let reader = BAI2Reader(options: BAI2Options(strict: strict))
        let file = InputOpener.isGzip(path: path)
            ? try reader.read(source: try GzipByteSource(path: path, limitBytes: InputOpener.defaultExpandedLimitBytes), fileName: input.displayPath,
                              defaultCurrency: currency, keepDetails: keepLines)
            : try reader.read(source: try FileByteSource(path: path), fileName: input.displayPath, defaultCurrency: currency, keepDetails: keepLines)
        if !keepLines {
            input.statementTotals.count = file.detailTotals.count
            input.statementTotals.credits = file.detailTotals.credits
            input.statementTotals.debits = file.detailTotals.debits
            input.statementTotals.exponent = file.detailTotals.exponent
            input.statementTotals.overflowed = file.diagnostics.items.contains { $0.code == "bai2.amount-overflow" }
        }
        input.statementLines = file.postableLines
        input.statementBalances = file.balances
        input.diagnostics = file.diagnostics.items
        input.droppedDiagnosticCount = file.diagnostics.droppedCount
        input.worst = file.diagnostics.worst
    }

    /// A camt.052, .053 or .054 file. Lines are handed over as they are read: the statement does not hold a second
    /// copy of them.
    static func readCamt(path: String, currency: Currency, keepLines: Bool, into input: inout IngestedInput) throws(InputError) {
        var lines: [StatementLine] = []
        var totals = StatementTotals()
        let take: (StatementLine) -> Void = { line in
            totals.add(line)
            if keepLines { lines.append(line) }
        }
        let file: CamtFile
        if InputOpener.isGzip(path: path) {
            file = CamtReader().read(source: try GzipByteSource(path: path, limitBytes: InputOpener.defaultExpandedLimitBytes), fileName: input.displayPath,
                                     defaultCurrency: currency, handler: take)
        } else {
            file = CamtReader().read(source: try FileByteSource(path: path), fileName: input.displayPath, defaultCurrency: currency, handler: take)
        }
        input.statementLines = lines
        input.statementBalances = file.balances
        input.statementTotals = totals
        input.diagnostics = file.diagnostics.items
        input.droppedDiagnosticCount = file.diagnostics.droppedCount
        input.worst = file.diagnostics.worst
    }

    /// A bank's CSV statement, its columns mapped by the bank profile at `profile`; without a profile, or with one
    /// that cannot be loaded, the file gets a read error.
    static func readBankCSV(path: String, profile: String?, account: String?, currency: Currency, keepLines: Bool,
                            into input: inout IngestedInput) throws(InputError) {
        guard let profilePath = profile else {
            input.readError = "a csv statement needs a bank profile (the source's \"profile\", or --profile for validate)"
            return
        }
        let bankProfile: BankProfile
        do { bankProfile = try BankProfile.load(path: profilePath) } catch { input.readError = error.message; return }
        let reader = BankCSVReader(profile: bankProfile)
        let result: BankCSVReader.Result
        // Validation counts and sums the lines as they are read, keeping none.
        var totals = StatementTotals()
        let count: ((StatementLine) -> Void)? = keepLines ? nil : { totals.add($0) }
        if InputOpener.isGzip(path: path) {
            result = reader.read(source: try GzipByteSource(path: path, limitBytes: InputOpener.defaultExpandedLimitBytes), fileName: input.displayPath,
                                 account: account ?? "", currency: currency, handler: count)
        } else {
            result = reader.read(source: try FileByteSource(path: path), fileName: input.displayPath, account: account ?? "", currency: currency, handler: count)
        }
        input.statementLines = result.lines
        if !keepLines { input.statementTotals = totals }
        input.diagnostics = result.diagnostics.items
        input.droppedDiagnosticCount = result.diagnostics.droppedCount
        input.worst = result.diagnostics.worst
    }

    /// `keepBatches` false (`settle validate`): batches are read, checked and counted, never kept.
    /// With `achDay` (a run), each accepted batch is read into facts as soon as the reader yields it and let go;
    /// only rejected batches are kept (their exceptions name them). The file's SHA-256 is set on the facts later.
    static func readNACHA<S: ByteSource>(source: S, into input: inout IngestedInput, strict: Bool, keepBatches: Bool = true, achDay: Day? = nil,
                                         currency: Currency = .usd) throws(InputError) {
        var reader = NACHAReader(source: source, fileName: input.displayPath, options: NACHAOptions(strict: strict))
        var facts = ACHReading()
        var file = ACHFile(name: input.name, sha256: "", role: input.role == .received ? .received : .originated, account: input.account, batches: [])
        // What could not be read of the entries' remittance, checked as a run reads it (`settle validate` reads no facts).
        var remittance = DiagnosticList()
        while let batch = try reader.nextBatch() {
            // The file's creation date dates a batch that gives no date of its own (never the day it happens to be run).
            file.creationDay = reader.fileHeader?.fileCreationDate
            input.batchCount += 1
            input.entryCount += batch.entries.count
            if let day = achDay {
                if batch.isRejected { input.batches.append(batch) } else { facts.add(batch, of: file, currency: currency, day: day) }
            } else {
                for entry in batch.entries { for d in ACHReading.remittance(of: entry, currency: currency)?.diagnostics ?? [] { remittance.append(d) } }
                if keepBatches { input.batches.append(batch) }
            }
        }
        if achDay != nil {
            remittance = facts.diagnostics
            input.achFacts = facts
        }
        input.nachaTotals = reader.totals
        var all = reader.diagnostics
        for d in remittance.items { all.append(d) }
        input.diagnostics = all.items
        input.droppedDiagnosticCount = all.droppedCount + remittance.droppedCount
        input.worst = [all.worst, remittance.worst].compactMap { $0 }.max()
    }

    /// Guesses the format of a file from its first bytes, for `settle validate`.
    public static func detectFormat(path: String) -> SourceFormat? {
        let lower = path.lowercased()
        let stripped = lower.hasSuffix(".gz") ? String(lower.dropLast(3)) : lower
        if stripped.hasSuffix(".ach") || stripped.hasSuffix(".nacha") { return .nacha }
        if stripped.hasSuffix(".bai") || stripped.hasSuffix(".bai2") { return .bai2 }
        if stripped.hasSuffix(".csv") { return .csv }
        guard let head = try? InputOpener.head(path: path, count: 512)[...] else { return nil }
        var start = head.startIndex
        while start < head.endIndex, [0x20, 0x0A, 0x0D, 0x09, 0xEF, 0xBB, 0xBF].contains(head[start]) { start += 1 }
        let text = String(decoding: head[start...], as: UTF8.self)
        if text.hasPrefix("101") || text.hasPrefix("1 01") || (text.hasPrefix("1") && text.count >= 94) { return .nacha }
        if text.hasPrefix("01,") { return .bai2 }
        if text.hasPrefix("<") {
            if text.contains("camt.054") { return .camt054 }
            if text.contains("camt.052") { return .camt052 }
            return .camt053
        }
        return nil
    }
}
