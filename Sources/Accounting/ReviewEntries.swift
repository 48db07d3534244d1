import Core
import Matching

/// What reviewers' decisions post.
public enum ReviewEntries {
    /// The entry a reviewer's decision books, under `review:<exception id>`, effective on the exception's day. Where the
    /// receipt's cash waits: unapplied cash of the customer, or suspense when no customer is known. A reopened exception
    /// wants nothing under the key (what was booked is reversed).
    public static func entry(for booking: ReviewBooking, invoiceCustomers: [String: String], unapplied: Int64) -> JournalEntryDraft {
        let key = "review:\(booking.exceptionID)"
        let memo = ByteScanning.trimmed("Review of \(booking.type) \(booking.exceptionID): \(booking.decision) \(ReviewApplication.text(booking.applications)) \(booking.note)")
        guard let kind = ReviewDecisionKind(rawValue: booking.decision), let currency = booking.amount?.currency ?? booking.applications.first?.amount.currency else {
            return JournalEntryDraft(sourceKey: key, effectiveDay: booking.day, memo: memo, postings: [])
        }
        let customer: String? = booking.customerID.isEmpty ? nil : booking.customerID
        let holding = booking.type == ExceptionType.unknownCustomer.rawValue || customer == nil ? ChartOfAccounts.suspense : ChartOfAccounts.unappliedCash
        var postings: [Posting] = []
        func money(_ units: Int64) -> Money { Money(minorUnits: units, currency: currency) }
        switch kind {
        case .apply:
            for a in booking.applications {
                postings.append(Posting(account: holding, customerID: customer, amount: a.amount))
                postings.append(Posting(account: ChartOfAccounts.accountsReceivable, customerID: invoiceCustomers[a.invoiceID] ?? customer, invoiceID: a.invoiceID,
                                        amount: money(-a.amount.minorUnits)))
            }
        case .writeOff:
            for a in booking.applications {
                let owner = invoiceCustomers[a.invoiceID] ?? customer
                postings.append(Posting(account: ChartOfAccounts.paymentDifferences, customerID: owner, invoiceID: a.invoiceID, amount: a.amount))
                postings.append(Posting(account: ChartOfAccounts.accountsReceivable, customerID: owner, invoiceID: a.invoiceID, amount: money(-a.amount.minorUnits)))
            }
        case .refund:
            if unapplied > 0 {
                postings.append(Posting(account: holding, customerID: customer, amount: money(unapplied)))
                postings.append(Posting(account: ChartOfAccounts.refundsPayable, customerID: customer, amount: money(-unapplied)))
            }
        case .unapplied, .ignore:
            break
        }
        return JournalEntryDraft(sourceKey: key, effectiveDay: booking.day, memo: memo, postings: postings)
    }
}
