import ACH
import Core

/// An application of a receipt as it was recorded (the ledger's applications of the original payment).
public struct PastApplication: Sendable, Hashable {
    public var receiptID: String
    /// nil for cash that was kept unapplied.
    public var invoiceID: String?
    public var customerID: String?
    public var applied: Money
    public var discount: Money
    public var writeOff: Money

    public init(receiptID: String, invoiceID: String?, customerID: String?, applied: Money, discount: Money, writeOff: Money) {
        self.receiptID = receiptID
        self.invoiceID = invoiceID
        self.customerID = customerID
        self.applied = applied
        self.discount = discount
        self.writeOff = writeOff
    }
}

/// The payment a return or reversal names, as the ledger knows it.
public struct OriginalPayment: Sendable, Hashable {
    public var sourceKey: String
    public var traceNumber: String
    public var customerID: String?
    public var day: Day
    public var applications: [PastApplication]

    public init(sourceKey: String, traceNumber: String, customerID: String?, day: Day, applications: [PastApplication]) {
        self.sourceKey = sourceKey
        self.traceNumber = traceNumber
        self.customerID = customerID
        self.day = day
        self.applications = applications
    }
}

/// What a return does: the applications of the original payment undone (cash, discount and write-off alike,
/// the invoices reopened), as the state the ledger should hold under the reversal's key.
public struct ReturnReversal: Sendable, Hashable {
    /// `return:<original source key>`: a dishonored return sets it back to nothing, a contested one again to the reversal.
    public var sourceKey: String
    public var notice: ReturnNotice
    public var original: OriginalPayment?
    /// The original applications negated; empty when the reversal is undone (a dishonored return) or no original was found.
    public var reversed: [PastApplication]
    /// True when the ledger should hold the reversal (a return, a reversing entry, a contested dishonor).
    public var reverses: Bool
    public var reopenedInvoices: [String]
    public var exception: MatchException
}

/// Returns, dishonored and contested returns, and reversing entries, turned into reversals of the original
/// application. An R-code return finds its original by original trace, original RDFI and amount within a window
/// (trace numbers are unique only within a file); a reversing entry by originator, account and amount.
public enum Returns {
    public static func reversal(of notice: ReturnNotice, original: OriginalPayment?) -> ReturnReversal {
        let fact = notice.fact
        let what: String
        if notice.isReversal {
            what = "reversing entry \(fact.traceNumber) of \(fact.companyID) for \(fact.amount)"
        } else {
            what = "return \(notice.reasonCode) (\(ReturnReasonCode.describe(notice.reasonCode) ?? "unknown code")) of entry \(notice.originalTraceNumber) for \(fact.amount)"
        }
        let key = "return:" + (original?.sourceKey ?? fact.key)
        guard let original else {
            let exception = MatchException(type: .returnEntry, severity: .error, about: fact.key, source: "nacha", sourceRef: notice.originalTraceNumber,
                                           location: fact.location, amount: fact.signedAmount,
                                           message: "\(what): no payment with that trace number, receiving bank and amount is known; the money is held in suspense",
                                           suggestions: "find the original payment and reopen its invoices by hand")
            return ReturnReversal(sourceKey: key, notice: notice, original: nil, reversed: [], reverses: true, reopenedInvoices: [], exception: exception)
        }
        // A dishonored return (the originator's bank refuses the return) undoes the reversal; a contested one redoes it.
        let reverses = !notice.isDishonored
        let reversed = reverses ? original.applications.map {
            PastApplication(receiptID: $0.receiptID, invoiceID: $0.invoiceID, customerID: $0.customerID, applied: Money(minorUnits: -$0.applied.minorUnits, currency: $0.applied.currency),
                            discount: Money(minorUnits: -$0.discount.minorUnits, currency: $0.discount.currency),
                            writeOff: Money(minorUnits: -$0.writeOff.minorUnits, currency: $0.writeOff.currency))
        } : []
        let reopened = original.applications.compactMap(\.invoiceID)
        let consequence: String
        if notice.isDishonored {
            consequence = "the return is dishonored: its reversal is undone and \(reopened.isEmpty ? "nothing" : reopened.joined(separator: ", ")) stay\(reopened.count == 1 ? "s" : "") settled"
        } else if reopened.isEmpty {
            consequence = "the payment was held as unapplied cash; that is reversed"
        } else {
            consequence = "its application is reversed and \(reopened.joined(separator: ", ")) \(reopened.count == 1 ? "is" : "are") open again"
        }
        let exception = MatchException(type: .returnEntry, severity: .error, about: fact.key, source: "nacha", sourceRef: original.traceNumber,
                                       location: fact.location, customerID: original.customerID ?? "", amount: fact.signedAmount,
                                       invoiceIDs: notice.isDishonored ? [] : reopened,
                                       message: "\(what), paid on \(original.day): \(consequence)",
                                       suggestions: notice.isDishonored ? "nothing to do unless the receiving bank contests the dishonor"
                                                                        : "contact the customer for another payment; update their bank details if the reason says so")
        return ReturnReversal(sourceKey: key, notice: notice, original: original, reversed: reversed, reverses: reverses,
                              reopenedInvoices: notice.isDishonored ? [] : reopened, exception: exception)
    }

    /// A notification of change: the exception naming the original entry and the correction.
    public static func exception(for change: ChangeNotice, customerID: String?) -> MatchException {
        let fact = change.fact
        let masked = Masking.account(change.correctedData)
        return MatchException(type: .noc, severity: .warning, about: fact.key, source: "nacha", sourceRef: change.originalTraceNumber, location: fact.location,
                              customerID: customerID ?? "",
                              message: "notification of change \(change.changeCode) (\(ChangeCode.describe(change.changeCode) ?? "unknown code")) for entry \(change.originalTraceNumber)"
                                  + "\(customerID.map { " of customer \($0)" } ?? ""): corrected data \(masked); recorded in the customer's ACH details",
                              suggestions: "use the corrected details for the next debit (NACHA requires it within six banking days)")
    }
}
