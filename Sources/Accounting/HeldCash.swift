import Core
import Matching

/// Unapplied cash kept for its customer and tried again on later days: what the ledger keeps of a held receipt (its
/// remittance and texts), and what a re-application posts and reports.
public enum HeldCash {
    /// A receipt of the day that leaves cash unapplied with a known customer: kept to be tried again.
    public static func row(_ decision: Decision, day: Day) -> HeldReceiptRow? {
        let r = decision.receipt
        guard let customer = decision.customerID, decision.unapplied.minorUnits > 0, r.amount.minorUnits > 0 else { return nil }
        return HeldReceiptRow(sourceKey: r.sourceKey, receiptID: r.id, customerID: customer, amount: decision.unapplied, day: day, valueDay: r.valueDay,
                              source: r.source.rawValue, sourceRef: r.sourceRef, payerName: r.payerName, freeText: r.freeText,
                              remittance: encode(r.remittance), location: r.location.fileAndLine)
    }

    /// A held receipt as matching sees it again: its remittance, texts and payer, for what is still held.
    public static func receipt(_ row: HeldReceiptRow) -> HeldReceipt {
        let receipt = Receipt(id: row.receiptID, source: ReceiptSource(rawValue: row.source) ?? .bai2, sourceRef: row.sourceRef, sourceKey: row.sourceKey,
                              valueDay: row.valueDay, amount: row.amount, bankAccount: "", payerName: row.payerName,
                              remittance: decode(row.remittance, currency: row.amount.currency), freeText: row.freeText,
                              location: SourceLocation.parse(fileAndLine: row.location))
        return HeldReceipt(receipt: receipt, customerID: row.customerID, held: row.amount, heldSince: row.day)
    }

    /// Remittance lines as text: qualifier, reference, amount paid (minor units, empty when none) and what could not be
    /// read of it (`RemittanceItem.Unreadable`'s bits), a line per item.
    public static func encode(_ items: [RemittanceItem]) -> String {
        items.map { "\($0.referenceQualifier)\u{1F}\($0.reference)\u{1F}\($0.amountPaid.map { String($0.minorUnits) } ?? "")\u{1F}\($0.unreadable.rawValue)" }
            .joined(separator: "\u{1E}")
    }

    public static func decode(_ text: String, currency: Currency) -> [RemittanceItem] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\u{1E}", omittingEmptySubsequences: false).compactMap { line -> RemittanceItem? in
            let f = line.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 3 || f.count == 4 else { return nil }
            var item = RemittanceItem(reference: f[1], referenceQualifier: f[0], amountPaid: Int64(f[2]).map { Money(minorUnits: $0, currency: currency) })
            if f.count == 4, let bits = UInt8(f[3]) { item.unreadable = RemittanceItem.Unreadable(rawValue: bits) }
            return item
        }
    }

    /// The key a re-application posts under: once per receipt and day, so a rerun of the day posts it once.
    public static func sourceKey(_ r: Reapplication, day: Day) -> String { "reapply:\(r.held.receipt.id):\(day)" }

    /// Unapplied cash to the invoices: 2100 (the customer's) down, receivables down per invoice.
    public static func entry(_ r: Reapplication, day: Day) throws -> JournalEntryDraft {
        let currency = r.held.held.currency
        let total = try MinorUnits.total(r.applications.lazy.map(\.amount.minorUnits), of: "the held cash of \(r.held.receipt.id) applied")
        var postings = [Posting(account: ChartOfAccounts.unappliedCash, customerID: r.held.customerID, amount: Money(minorUnits: total, currency: currency))]
        for a in r.applications {
            postings.append(Posting(account: ChartOfAccounts.accountsReceivable, customerID: r.held.customerID, invoiceID: a.invoiceID,
                                    amount: Money(minorUnits: 0 &- a.amount.minorUnits, currency: currency)))
        }
        return JournalEntryDraft(sourceKey: sourceKey(r, day: day), effectiveDay: day,
                                 memo: "Unapplied cash of \(r.held.receipt.id) (held since \(r.held.heldSince)) applied: \(r.evidence)", postings: postings)
    }

    /// The rows of a re-application: the receipt's unapplied cash down (a negative `unapplied` row), then an
    /// `unapplied-cash` row per invoice, so the day's rows add up to what moved.
    public static func applicationRows(_ r: Reapplication, day: Day) throws -> [ApplicationRow] {
        let currency = r.held.held.currency
        let zero = Money.zero(currency)
        let key = sourceKey(r, day: day)
        let total = try MinorUnits.total(r.applications.lazy.map(\.amount.minorUnits), of: "the held cash of \(r.held.receipt.id) applied")
        var rows = [ApplicationRow(receiptID: r.held.receipt.id, sourceKey: key, invoiceID: nil, customerID: r.held.customerID,
                                   applied: Money(minorUnits: 0 &- total, currency: currency), discount: zero, writeOff: zero, rule: MatchRule.unapplied.rawValue,
                                   confidence: 100, evidence: r.evidence, source: r.held.receipt.source.rawValue, sourceRef: r.held.receipt.sourceRef,
                                   valueDay: r.held.receipt.valueDay)]
        for a in r.applications {
            rows.append(ApplicationRow(receiptID: r.held.receipt.id, sourceKey: key, invoiceID: a.invoiceID, customerID: r.held.customerID, applied: a.amount,
                                       discount: zero, writeOff: zero, rule: "unapplied-cash", confidence: 100, evidence: r.evidence,
                                       source: r.held.receipt.source.rawValue, sourceRef: r.held.receipt.sourceRef, valueDay: r.held.receipt.valueDay))
        }
        return rows
    }

    /// The exceptions whose cause is cash held unapplied: resolved by settle once it is all applied (a SHORT_PAY or a
    /// RETURN of the same receipt is about something else and stays).
    public static let causes: Set<String> = [ExceptionType.unmatched.rawValue, ExceptionType.overPay.rawValue, ExceptionType.ambiguous.rawValue,
                                      ExceptionType.unknownCustomer.rawValue]

    /// The note of an exception settle resolves because the receipt's held cash went to its invoices.
    public static func note(_ r: Reapplication, day: Day) -> String {
        "the receipt's unapplied cash was applied on \(day) to \(r.applications.map { "\($0.invoiceID) (\($0.amount))" }.joined(separator: ", ")): \(r.evidence)"
    }
}
