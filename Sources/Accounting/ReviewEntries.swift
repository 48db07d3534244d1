import Core
import Matching

/// What reviewers' decisions post.
public enum ReviewEntries {
    /// The entry a reviewer's decision books, under `review:<exception id>`, effective on the day of the run that books
    /// it (`day`). Where the receipt's cash waits: unapplied cash of the customer, or suspense when no customer is known.
    /// A reopened exception wants nothing under the key (what was booked is reversed).
    /// `moved`: for a batch settled by a line or reversed, the rows of the line or of the batch's receipts as they stand
    /// (`standing`).
    public static func entry(for booking: ReviewBooking, invoiceCustomers: [String: String], unapplied: Int64, on day: Day,
                             moved: [ApplicationRow] = []) -> JournalEntryDraft {
        let key = "review:\(booking.exceptionID)"
        let memo = ByteScanning.trimmed("Review of \(booking.type) \(booking.exceptionID): \(booking.decision) \(ReviewApplication.text(booking.applications)) \(booking.note)")
        guard let kind = ReviewDecisionKind(rawValue: booking.decision), let currency = booking.amount?.currency ?? booking.applications.first?.amount.currency else {
            return JournalEntryDraft(sourceKey: key, effectiveDay: day, memo: memo, postings: [])
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
        case .writeOff where booking.type == ExceptionType.unsettledBatch.rawValue:
            // The batch's cash waits in ACH in transit (a received batch of 2,500.00: 1050 +2,500.00): written off to
            // payment differences.
            if let amount = booking.amount {
                postings = [Posting(account: ChartOfAccounts.paymentDifferences, amount: amount),
                            Posting(account: ChartOfAccounts.achClearing, amount: money(0 &- amount.minorUnits))]
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
        case .postTo:
            guard let code = booking.applications.first?.invoiceID, let amount = booking.amount else { break }
            if booking.type == ExceptionType.bankDifference.rawValue {
                // Books over the bank by `amount` (books less bank): the cash account comes down by it, the account named
                // takes the other side. The cash account is the exception's source reference, `<code>:<currency>`.
                let cash = String(booking.sourceRef[..<(booking.sourceRef.lastIndex(of: ":") ?? booking.sourceRef.endIndex)])
                postings = [Posting(account: code, amount: amount), Posting(account: cash, amount: money(0 &- amount.minorUnits))]
            } else {
                // An unexplained line waits in suspense (a debit of 310.00: suspense +310.00): it moves to the account named.
                postings = [Posting(account: code, amount: money(0 &- amount.minorUnits)), Posting(account: ChartOfAccounts.suspense, amount: amount)]
            }
        case .settledBy, .reverse:
            if let amount = booking.amount { postings = batchPostings(kind, amount: amount, moved: moved, invoiceCustomers: invoiceCustomers) }
        case .unapplied, .ignore:
            break
        }
        return JournalEntryDraft(sourceKey: key, effectiveDay: day, memo: memo, postings: postings)
    }

    /// The application rows of a decision booked on `day`, under its entry's key, so that the day's remittance, advice
    /// and `settle advice` show where the money went: for `apply`, the receipt's cash leaving unapplied (a negative
    /// `unapplied` row) and a `review` row per invoice; for `write-off`, a `review` row per invoice written off; for
    /// `refund`, the unapplied cash leaving (a negative `review` row without an invoice).
    /// A batch settled by a line: the line's cash leaving unapplied or suspense; reversed: each receipt's rows undone.
    public static func applicationRows(for booking: ReviewBooking, invoiceCustomers: [String: String], unapplied: Int64, on day: Day,
                                       moved: [ApplicationRow] = []) throws -> [ApplicationRow] {
        guard let kind = ReviewDecisionKind(rawValue: booking.decision), let currency = booking.amount?.currency ?? booking.applications.first?.amount.currency else {
            return []
        }
        let key = "review:\(booking.exceptionID)"
        let zero = Money.zero(currency)
        let payer: String? = booking.customerID.isEmpty ? nil : booking.customerID
        let evidence = ByteScanning.trimmed("decided by \(booking.decidedBy): \(booking.note)")
        func row(_ invoice: String?, applied: Money, writeOff: Money = zero, rule: String) -> ApplicationRow {
            var row = ApplicationRow(receiptID: booking.receiptID, sourceKey: key, invoiceID: invoice, customerID: payer ?? invoice.flatMap { invoiceCustomers[$0] },
                                     applied: applied, discount: zero, writeOff: writeOff, rule: rule, confidence: 100, evidence: evidence, source: booking.source,
                                     sourceRef: booking.sourceRef, valueDay: booking.day)
            row.decidedBy = booking.decidedBy
            return row
        }
        switch kind {
        case .apply:
            let total = try MinorUnits.total(booking.applications.lazy.map(\.amount.minorUnits), of: "the decision on \(booking.exceptionID)")
            return [row(nil, applied: Money(minorUnits: 0 &- total, currency: currency), rule: MatchRule.unapplied.rawValue)]
                + booking.applications.map { row($0.invoiceID, applied: $0.amount, rule: review) }
        case .writeOff where booking.type == ExceptionType.unsettledBatch.rawValue:
            return []
        case .writeOff:
            return booking.applications.map { row($0.invoiceID, applied: zero, writeOff: $0.amount, rule: review) }
        case .refund:
            return unapplied > 0 ? [row(nil, applied: Money(minorUnits: 0 &- unapplied, currency: currency), rule: review)] : []
        case .settledBy, .reverse:
            return booking.amount.map { batchRows(kind, booking: booking, amount: $0, moved: moved, evidence: evidence) } ?? []
        case .unapplied, .ignore, .postTo:
            return []
        }
    }

    /// The rule of a reviewer's rows in `remittance.csv`.
    public static let review = "review"

    /// What becomes of a decision recorded earlier when a run is to book it: the books may have moved since it was
    /// checked. `open`: each named invoice's open amount before the day (absent: not in the ledger); `paidToday`: what the
    /// day's own cash application took off each; `unapplied`: the receipt's unapplied cash now.
    public enum Booking: Sendable, Equatable {
        /// Booked as decided, or (a write-off) of what is still open.
        case book(ReviewBooking)
        /// Not booked: the books no longer allow it (an invoice paid meanwhile, a receipt with less unapplied cash); the
        /// exception opens again with the reason.
        case refused(String)
        /// Not booked: its cause went away (the rest of a short payment paid); settle resolves the exception with the note.
        case settled(String)
    }

    /// `returnedOn`: the day the receipt was returned, if it was; `batchUnsettled`: for an `UNSETTLED_BATCH`, whether
    /// its batch is still waiting (no line settled it, today or since); `batch`: what a batch's decision moves, or the
    /// unsettled batch a receipt's money came in. A rerun of the day that booked a decision books it again, unchecked.
    public static func booking(_ booking: ReviewBooking, open: [String: Money], paidToday: [String: Int64], unapplied: Int64, on day: Day,
                               returnedOn: Day? = nil, batchUnsettled: Bool = true, batch: BatchBookingFacts = BatchBookingFacts()) -> Booking {
        guard !booking.bookedBefore, let kind = ReviewDecisionKind(rawValue: booking.decision) else { return .book(booking) }
        if booking.type == ExceptionType.unsettledBatch.rawValue {
            return batchBooking(booking, kind: kind, on: day, batchUnsettled: batchUnsettled, batch: batch) ?? .book(booking)
        }
        guard kind == .apply || kind == .writeOff || kind == .refund else { return .book(booking) }
        // A receipt returned since gave its money back: nothing of it can be applied or refunded.
        if kind != .writeOff, let returned = returnedOn, returned <= day { return .refused("the receipt was returned on \(returned)") }
        // Money of a batch that has not reached the bank is nobody's to apply or refund yet.
        if kind != .writeOff, let unsettled = batch.unsettledBatch { return .refused("its ACH batch has not reached the bank (UNSETTLED_BATCH \(unsettled))") }
        guard kind != .refund else { return .book(booking) }
        var total: Int64 = 0
        var kept: [ReviewApplication] = []
        for a in booking.applications {
            guard let before = open[a.invoiceID] else { return .refused("invoice \(a.invoiceID) is no longer in the ledger") }
            let left = Money(minorUnits: max(before.minorUnits &- (paidToday[a.invoiceID] ?? 0), 0), currency: before.currency)
            if kind == .writeOff {
                // A short payment's rest paid meanwhile: only what is still open is written off.
                if left.minorUnits > 0 { kept.append(ReviewApplication(invoiceID: a.invoiceID, amount: Money(minorUnits: min(a.amount.minorUnits, left.minorUnits), currency: left.currency))) }
                continue
            }
            guard a.amount.minorUnits <= left.minorUnits else { return .refused("invoice \(a.invoiceID) has \(left) open now, less than the \(a.amount) decided") }
            guard (try? MinorUnits.add(a.amount.minorUnits, to: &total, of: "")) != nil else { return .refused("its amounts add up past what can be held") }
        }
        if kind == .writeOff {
            guard !kept.isEmpty else {
                return .settled("the rest of the short payment was paid by \(day): \(booking.applications.map(\.invoiceID).joined(separator: ", ")) has nothing open to write off")
            }
            var adjusted = booking
            adjusted.applications = kept
            return .book(adjusted)
        }
        if total > unapplied, let currency = booking.applications.first?.amount.currency {
            return .refused("the receipt has \(Money(minorUnits: max(unapplied, 0), currency: currency)) unapplied now, less than the \(Money(minorUnits: total, currency: currency)) decided")
        }
        return .book(booking)
    }
}
