import ACH
import Core
import Foundation
import Statements

/// One input file read and validated: its identity, what it held, and what was wrong with it.
public struct IngestedInput: Sendable {
    public var path: String
    /// The path as reports and diagnostics show it (relative to the manifest's folder in a run).
    public var displayPath: String
    public var name: String
    public var sha256: String
    public var sizeBytes: Int64
    public var format: SourceFormat
    public var role: Manifest.Source.Role
    public var account: String?
    public var diagnostics: [Diagnostic] = []
    public var droppedDiagnosticCount = 0
    public var worst: Severity?
    /// NACHA: every batch read, rejected ones flagged.
    public var batches: [Batch] = []
    public var nachaTotals: NACHAFileTotals?
    public var statementLines: [StatementLine] = []
    /// The file could not be read at all.
    public var readError: String?

    /// The file can't be trusted: nothing of it is used, it goes to quarantine.
    public var isRejected: Bool { readError != nil || worst == .fatal }
    public var hasErrors: Bool { isRejected || (worst ?? .warning) >= .error }

    public var summaryLine: String {
        let path = displayPath
        if let readError { return "\(path): not read: \(readError)" }
        switch format {
        case .nacha:
            let t = nachaTotals ?? NACHAFileTotals()
            return "\(path): nacha: \(t.batchCount) batches (\(t.rejectedBatchCount) rejected), \(t.entryCount) entries, \(t.addendaCount) addenda, debits \(MoneyFormat.plain(t.totalDebitCents, exponent: 2)), credits \(MoneyFormat.plain(t.totalCreditCents, exponent: 2)); \(issueCounts)"
        default:
            let credits = statementLines.filter(\.isCredit).reduce(Int64(0)) { $0 + $1.amount.minorUnits }
            let debits = statementLines.filter { !$0.isCredit }.reduce(Int64(0)) { $0 - $1.amount.minorUnits }
            let exponent = statementLines.first?.amount.currency.exponent ?? 2
            return "\(path): \(format.rawValue): \(statementLines.count) lines, credits \(MoneyFormat.plain(credits, exponent: exponent)), debits \(MoneyFormat.plain(debits, exponent: exponent)); \(issueCounts)"
        }
    }

    var issueCounts: String {
        let total = diagnostics.count + droppedDiagnosticCount
        if total == 0 { return "no issues" }
        let errors = diagnostics.filter { $0.severity >= .error }.count
        return "\(total) issue\(total == 1 ? "" : "s") (\(errors) error\(errors == 1 ? "" : "s"))" + (worst == .fatal ? ", rejected" : "")
    }
}

/// Reads inputs of every supported format into `IngestedInput`s.
public enum Ingest {
    public static func read(path: String, displayPath: String? = nil, format: SourceFormat, role: Manifest.Source.Role = .received, account: String? = nil,
                            strict: Bool = true, currency: Currency = .usd, profile: String? = nil) -> IngestedInput {
        let name = URL(fileURLWithPath: path).lastPathComponent
        var input = IngestedInput(path: path, displayPath: displayPath ?? path, name: name, sha256: "", sizeBytes: 0, format: format, role: role, account: account)
        do {
            let print = try InputOpener.fingerprint(path: path)
            input.sha256 = print.sha256
            input.sizeBytes = print.sizeBytes
            switch format {
            case .nacha:
                if InputOpener.isGzip(path: path) {
                    try readNACHA(source: GzipByteSource(path: path, limitBytes: InputOpener.defaultExpandedLimitBytes), into: &input, strict: strict)
                } else {
                    try readNACHA(source: FileByteSource(path: path), into: &input, strict: strict)
                }
            case .bai2:
                let bytes = try InputOpener.readAll(path: path)
                let file = BAI2Reader(options: BAI2Options(strict: strict)).read(bytes: bytes, fileName: input.displayPath, defaultCurrency: currency)
                input.statementLines = file.lines
                input.diagnostics = file.diagnostics.items
                input.droppedDiagnosticCount = file.diagnostics.droppedCount
                input.worst = file.diagnostics.worst
            case .camt052, .camt053, .camt054:
                let file: CamtFile
                if InputOpener.isGzip(path: path) {
                    file = CamtReader().read(source: try GzipByteSource(path: path, limitBytes: InputOpener.defaultExpandedLimitBytes), fileName: input.displayPath, defaultCurrency: currency)
                } else {
                    file = CamtReader().read(source: try FileByteSource(path: path), fileName: input.displayPath, defaultCurrency: currency)
                }
                input.statementLines = file.lines
                input.diagnostics = file.diagnostics.items
                input.droppedDiagnosticCount = file.diagnostics.droppedCount
                input.worst = file.diagnostics.worst
            case .csv:
                guard let profilePath = profile else {
                    input.readError = "a csv statement needs a bank profile (the source's \"profile\", or --profile for validate)"
                    break
                }
                let bankProfile: BankProfile
                do { bankProfile = try BankProfile.load(path: profilePath) } catch { input.readError = error.message; break }
                let reader = BankCSVReader(profile: bankProfile)
                let result: BankCSVReader.Result
                if InputOpener.isGzip(path: path) {
                    result = reader.read(source: try GzipByteSource(path: path, limitBytes: InputOpener.defaultExpandedLimitBytes), fileName: input.displayPath,
                                         account: account ?? "", currency: currency)
                } else {
                    result = reader.read(source: try FileByteSource(path: path), fileName: input.displayPath, account: account ?? "", currency: currency)
                }
                input.statementLines = result.lines
                input.diagnostics = result.diagnostics.items
                input.droppedDiagnosticCount = result.diagnostics.droppedCount
                input.worst = result.diagnostics.worst
            }
        } catch {
            input.readError = error.message
        }
        return input
    }

    static func readNACHA<S: ByteSource>(source: S, into input: inout IngestedInput, strict: Bool) throws(InputError) {
        var reader = NACHAReader(source: source, fileName: input.displayPath, options: NACHAOptions(strict: strict))
        while let batch = try reader.nextBatch() {
            input.batches.append(batch)
        }
        input.nachaTotals = reader.totals
        input.diagnostics = reader.diagnostics.items
        input.droppedDiagnosticCount = reader.diagnostics.droppedCount
        input.worst = reader.diagnostics.worst
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
