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
            for a in d.applications { rows.append(applicationRow(d, a, evidence: evidence, reasonCode: reasons[a.invoiceID] ?? "")) }
            if !d.unapplied.isZero { rows.append(unappliedRow(d, evidence: evidence)) }
        }
        rows += more
        return rows
    }

    /// One application of a decision as the ledger keeps it (and as the remittance and advice rows read it).
    public static func applicationRow(_ d: Decision, _ a: Application, evidence: String = "", reasonCode: String = "") -> ApplicationRow {
        ApplicationRow(receiptID: d.receipt.id, sourceKey: d.receipt.sourceKey, invoiceID: a.invoiceID, customerID: a.customerID,
                       applied: a.applied, discount: a.discount, writeOff: a.writeOff, rule: d.rule.rawValue, confidence: d.confidence,
                       evidence: evidence, reasonCode: reasonCode, source: d.receipt.source.rawValue, sourceRef: d.receipt.sourceRef, valueDay: d.receipt.valueDay)
    }

    /// The cash a decision left unapplied, as a row without an invoice.
    public static func unappliedRow(_ d: Decision, evidence: String = "") -> ApplicationRow {
        let zero = Money.zero(d.unapplied.currency)
        return ApplicationRow(receiptID: d.receipt.id, sourceKey: d.receipt.sourceKey, invoiceID: nil, customerID: d.customerID,
                              applied: d.unapplied, discount: zero, writeOff: zero, rule: MatchRule.unapplied.rawValue, confidence: d.confidence,
                              evidence: evidence, source: d.receipt.source.rawValue, sourceRef: d.receipt.sourceRef, valueDay: d.receipt.valueDay)
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
