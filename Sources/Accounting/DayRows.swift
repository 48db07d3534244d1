import Core
import Matching
import Receivables

/// The rows the ledger keeps of a day's decisions and exceptions, made one way for the run and every command.
public enum DayRows {
    /// The X12 adjustment reason a receipt's remittance gives for each invoice it names (ADX02 after the RMR).
    public static func reasonCodes(_ decision: Decision) -> [String: String] {
        var out: [String: String] = [:]
        let items = decision.receipt.remittance.filter { !$0.adjustments.isEmpty }
        guard !items.isEmpty else { return out }
        // References compared in the invoice numbers' normal form, as matching compares them ("inv 0001" names INV-1).
        for a in decision.applications {
            let wanted = InvoiceNumber.normalize(a.invoiceID)
            if let item = items.first(where: { InvoiceNumber.normalize($0.reference) == wanted }), let code = item.adjustments.first?.reasonCode {
                out[a.invoiceID] = code
            }
        }
        return out
    }

    /// How cash was applied, with the evidence of each decision, as the ledger keeps it.
    public static func applicationRows<Decisions: Collection<Decision>>(_ decisions: Decisions, then more: [ApplicationRow] = []) -> [ApplicationRow] {
        // One array, grown in place (a row array per decision cost a million allocations on a million receipts), the
        // other rows (returns) appended here rather than to the result, which the caller shares with its task.
        var rows: [ApplicationRow] = []
        rows.reserveCapacity(decisions.reduce(more.count) { $0 + $1.applications.count + ($1.unapplied.isZero ? 0 : 1) })
        for d in decisions {
            let evidence = d.evidence.description
            let reasons = reasonCodes(d)
            for (k, a) in d.applications.enumerated() { rows.append(applicationRow(d, k, evidence: evidence, reasonCode: reasons[a.invoiceID] ?? "")) }
            if !d.unapplied.isZero { rows.append(unappliedRow(d, evidence: evidence)) }
        }
        rows += more
        return rows
    }

    /// One application of a decision as the ledger keeps it (and as the remittance and advice rows read it).
    public static func applicationRow(_ d: Decision, _ index: Int, evidence: String = "", reasonCode: String = "") -> ApplicationRow {
        ApplicationRow(DecisionApplication(d, index, reasonCode: reasonCode), sourceKey: d.receipt.sourceKey, evidence: evidence)
    }

    /// The cash a decision left unapplied, as a row without an invoice.
    public static func unappliedRow(_ d: Decision, evidence: String = "") -> ApplicationRow {
        ApplicationRow(DecisionApplication(d, nil), sourceKey: d.receipt.sourceKey, evidence: evidence)
    }

    /// Exceptions as the ledger keeps them; one raised on a receipt carries the evidence of the receipt's decision.
    public static func exceptionRows(_ exceptions: [MatchException], _ decisions: [Decision], day: Day) -> [ExceptionRow] {
        var evidenceByReceipt: [String: String] = [:]
        let raisedOn = Set(exceptions.map(\.receiptID))
        for d in decisions where raisedOn.contains(d.receipt.id) { evidenceByReceipt[d.receipt.id] = d.evidence.description }
        return exceptions.map { exceptionRow($0, day: day, evidence: evidenceByReceipt[$0.receiptID] ?? "") }
    }

    /// An exception as the ledger keeps it.
    public static func exceptionRow(_ e: MatchException, day: Day, evidence: String) -> ExceptionRow {
        ExceptionRow(exceptionID: e.id, day: day, type: e.type.rawValue, severity: e.severity.description, receiptID: e.receiptID, source: e.source,
                     sourceRef: e.sourceRef, location: e.location?.fileAndLine ?? "", customerID: e.customerID, amount: e.amount,
                     invoiceIDs: e.invoiceIDs, message: e.message, suggestions: e.suggestions, evidence: evidence)
    }
}

/// What a remittance or advice row reads of how a receipt paid (or left unapplied) cash: a row the ledger keeps, or a
/// decision's application read where it lies (a day's million rows are made from their decisions when written, without
/// an `ApplicationRow` each). Each row type has one mapping from these facts.
public protocol ApplicationFacts {
    var receiptID: String { get }
    var customerID: String? { get }
    var invoiceID: String? { get }
    var applied: Money { get }
    var discount: Money { get }
    var writeOff: Money { get }
    var rule: String { get }
    var confidence: Int { get }
    var reasonCode: String { get }
    var source: String { get }
    var sourceRef: String { get }
    var valueDay: Day? { get }
    /// Who decided, for a reviewer's decision; empty for the run's own.
    var decidedBy: String { get }
}

extension ApplicationFacts {
    public var decidedBy: String { "" }
}

extension ApplicationRow: ApplicationFacts {
    /// The ledger's row of an application (the one mapping from the facts to it), kept under the receipt's key.
    public init(_ f: some ApplicationFacts, sourceKey: String, evidence: String) {
        self.init(receiptID: f.receiptID, sourceKey: sourceKey, invoiceID: f.invoiceID, customerID: f.customerID, applied: f.applied, discount: f.discount,
                  writeOff: f.writeOff, rule: f.rule, confidence: f.confidence, evidence: evidence, reasonCode: f.reasonCode, source: f.source,
                  sourceRef: f.sourceRef, valueDay: f.valueDay)
    }
}

/// One application of a decision (`index`), or the cash it left unapplied (`index` nil), read in place.
public struct DecisionApplication: ApplicationFacts {
    public let decision: Decision
    public let index: Int?
    public let reasonCode: String

    public init(_ decision: Decision, _ index: Int?, reasonCode: String = "") {
        self.decision = decision
        self.index = index
        self.reasonCode = reasonCode
    }

    public var receiptID: String { decision.receipt.id }
    public var customerID: String? { index.map { decision.applications[$0].customerID } ?? decision.customerID }
    public var invoiceID: String? { index.map { decision.applications[$0].invoiceID } }
    public var applied: Money { index.map { decision.applications[$0].applied } ?? decision.unapplied }
    public var discount: Money { index.map { decision.applications[$0].discount } ?? .zero(decision.unapplied.currency) }
    public var writeOff: Money { index.map { decision.applications[$0].writeOff } ?? .zero(decision.unapplied.currency) }
    /// The decision's rule; `recovery` for an application recovering an amount written off, whatever the decision's.
    public var rule: String {
        guard let index else { return MatchRule.unapplied.rawValue }
        return decision.applications[index].isRecovery ? MatchRule.recovery.rawValue : decision.rule.rawValue
    }
    public var confidence: Int { decision.confidence }
    public var source: String { decision.receipt.source.rawValue }
    public var sourceRef: String { decision.receipt.sourceRef }
    public var valueDay: Day? { decision.receipt.valueDay }
}
