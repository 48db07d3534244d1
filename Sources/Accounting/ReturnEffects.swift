import ACH
import Core
import Matching

/// What a day's returns and notifications of change post and record: each return's entry (its original payment's
/// application undone), the rows of what it reversed, each notice of change against the customer its entry paid for,
/// and the exceptions of both.
public struct ReturnEffects: Sendable {
    public var drafts: [JournalEntryDraft] = []
    /// Each application a return reversed, as the ledger keeps it, with the return's amount (what its remittance row
    /// shows as the receipt's).
    public var reversed: [(row: ApplicationRow, receiptAmount: Money)] = []
    public var changes: [ACHChangeRow] = []
    /// Each R-code return, by its original entry's trace (not reversing entries).
    public var returns: [ACHReturnRow] = []
    public var exceptions: [MatchException] = []
    /// Exceptions whose cause went away today (a return rate back under 80% of its limit): resolved by settle with the
    /// note.
    public var resolvedBySettle: [(exceptionID: String, note: String)] = []

    public init() {}

    /// The rows the ledger keeps of what the day's returns reversed.
    public var applicationRows: [ApplicationRow] { reversed.map(\.row) }

    /// The payment a return found (`entry`), as it was applied (`applications`, returns' own rows left out): unapplied
    /// cash of it that later days applied to invoices (`reapplied`) is taken back from those invoices.
    public static func originalPayment(_ entry: ACHEntryRow, applications rows: [ApplicationRow],
                                       reapplied: [(invoiceID: String, amountMinorUnits: Int64)]) throws -> OriginalPayment {
        var applications = rows.filter { $0.rule != MatchRule.returned.rawValue }.map {
            PastApplication(receiptID: $0.receiptID, invoiceID: $0.invoiceID, customerID: $0.customerID, applied: $0.applied, discount: $0.discount, writeOff: $0.writeOff)
        }
        if !reapplied.isEmpty, let held = applications.firstIndex(where: { $0.invoiceID == nil }) {
            let currency = applications[held].applied.currency
            let zero = Money.zero(currency)
            var moved: Int64 = 0
            for r in reapplied {
                try MinorUnits.add(r.amountMinorUnits, to: &moved, of: "the held cash of \(entry.sourceKey) applied later")
                applications.append(PastApplication(receiptID: applications[held].receiptID, invoiceID: r.invoiceID, customerID: applications[held].customerID,
                                                    applied: Money(minorUnits: r.amountMinorUnits, currency: currency), discount: zero, writeOff: zero))
            }
            applications[held].applied = Money(minorUnits: try MinorUnits.difference(applications[held].applied.minorUnits, moved, of: "the held cash of \(entry.sourceKey)"),
                                               currency: currency)
            if applications[held].applied.isZero { applications.remove(at: held) }
        }
        return OriginalPayment(sourceKey: entry.sourceKey, traceNumber: entry.trace, customerID: entry.customerID, day: entry.day, applications: applications)
    }

    /// A return (or reversing entry) against its original payment, if found: its entry, its exception, and a row per
    /// application it reversed.
    public mutating func add(_ notice: ReturnNotice, original: OriginalPayment?, day: Day) throws {
        let reversal = Returns.reversal(of: notice, original: original)
        exceptions.append(reversal.exception)
        if !notice.isReversal {
            returns.append(ACHReturnRow(noticeKey: notice.fact.key, originalTrace: notice.originalTraceNumber, reasonCode: notice.reasonCode,
                                        dishonored: notice.isDishonored, amount: notice.fact.amount, day: day))
        }
        drafts.append(try PostingRules.entry(for: reversal, day: day))
        let fact = notice.fact
        for a in reversal.reversed {
            let row = ApplicationRow(receiptID: a.receiptID, sourceKey: reversal.sourceKey, invoiceID: a.invoiceID, customerID: a.customerID,
                                     applied: a.applied, discount: a.discount, writeOff: a.writeOff, rule: MatchRule.returned.rawValue, confidence: 100,
                                     evidence: reversal.exception.message, source: ReceiptSource.nacha.rawValue,
                                     sourceRef: original?.traceNumber ?? notice.originalTraceNumber, valueDay: fact.settlementDay)
            reversed.append((row, fact.signedAmount))
        }
    }

    /// A notification of change, recorded against the customer its original entry paid for (nil: not found).
    public mutating func add(_ change: ChangeNotice, customerID: String?, day: Day) {
        changes.append(ACHChangeRow(noticeKey: change.fact.key, customerID: customerID, changeCode: change.changeCode,
                                    correctedData: change.correctedData, originalTrace: change.originalTraceNumber, day: day))
        exceptions.append(Returns.exception(for: change, customerID: customerID))
    }
}
