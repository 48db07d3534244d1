import ACH
import Core
import Matching
import Statements

/// One input file read and validated: its identity, what it held, and what was wrong with it.
public struct IngestedInput: Sendable {
    public var path: String
    /// The manifest source that named it (`sources[0]`); empty for `settle validate`.
    public var sourceKey = ""
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
    /// NACHA: every batch read, rejected ones flagged (a run reading into `achFacts`: the rejected ones only).
    public var batches: [Batch] = []
    /// NACHA in a run: the file's accepted batches read into facts as the reader streamed them (their records gone).
    public var achFacts: ACHReading?
    /// NACHA: how many batches and entries the file held, rejected ones included.
    public var batchCount = 0
    public var entryCount = 0
    public var nachaTotals: NACHAFileTotals?
    public var statementLines: [StatementLine] = []
    /// Opening and closing balances the statement reports, per account and day.
    public var statementBalances: [StatementBalance] = []
    /// Count and sums of the statement lines read, kept or not.
    public var statementTotals = StatementTotals()
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
            let t = statementTotals
            return "\(path): \(format.rawValue): \(t.count) lines, credits \(t.formatted(t.credits)), debits \(t.formatted(t.debits)); \(issueCounts)"
        }
    }

    var issueCounts: String {
        let total = diagnostics.count + droppedDiagnosticCount
        if total == 0 { return "no issues" }
        let errors = diagnostics.filter { $0.severity >= .error }.count
        return "\(total) issue\(total == 1 ? "" : "s") (\(errors) error\(errors == 1 ? "" : "s"))" + (worst == .fatal ? ", rejected" : "")
    }
}
