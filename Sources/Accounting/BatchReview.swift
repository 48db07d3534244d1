import Core
import Matching

/// A statement line a reviewer names to settle an unsettled batch (`--settled-by RECEIPT_ID`), as the ledger holds it.
public struct StatementLineFacts: Sendable, Hashable {
    public var receiptID: String
    /// The key the line's receipt was posted under (`stmt:...` for a statement line).
    public var sourceKey: String
    /// Its application rows as they stand (every day's): `ReviewEntries.standing` nets them.
    public var rows: [ApplicationRow]
    /// The `UNSETTLED_BATCH` exception whose `--settled-by` already names the line (nil: none).
    public var takenBy: String?

    public init(receiptID: String, sourceKey: String, rows: [ApplicationRow], takenBy: String? = nil) {
        self.receiptID = receiptID
        self.sourceKey = sourceKey
        self.rows = rows
        self.takenBy = takenBy
    }

    /// The line's amount: all the cash its receipt brought (applied, unapplied or in suspense), as first recorded.
    public var amount: Money? {
        guard let first = rows.first else { return nil }
        var total: Int64 = 0
        for r in rows where r.sourceKey == sourceKey { total &+= r.applied.minorUnits }
        return Money(minorUnits: total, currency: first.applied.currency)
    }

    /// What of its cash still waits for someone (unapplied on a customer, or in suspense), and the invoices the rest went to.
    public var waiting: (cash: Int64, appliedTo: [String]) {
        var cash: Int64 = 0
        var applied: [String] = []
        for r in ReviewEntries.standing(rows) {
            if let invoice = r.invoiceID { applied.append(invoice) } else { cash &+= r.applied.minorUnits }
        }
        return (cash, applied)
    }
}

/// What the run read for a decision on an `UNSETTLED_BATCH` (`--settled-by`, `--reverse`), or on a receipt of such a
/// batch, to book it (`ReviewEntries.booking`).
public struct BatchBookingFacts: Sendable, Hashable {
    /// As the ledger holds them before the booking day (and the day's own held cash applied): `--settled-by`, the named
    /// line's application rows; `--reverse`, those of the batch's receipts.
    public var rows: [ApplicationRow]
    /// `--settled-by`: the batch exception whose decision took the line first (booked, or earlier in this run).
    public var lineTakenBy: String?
    /// `--apply`, `--refund`: the receipt's batch's `UNSETTLED_BATCH` exception while the batch has not reached the bank.
    public var unsettledBatch: String?

    public init(rows: [ApplicationRow] = [], lineTakenBy: String? = nil, unsettledBatch: String? = nil) {
        self.rows = rows
        self.lineTakenBy = lineTakenBy
        self.unsettledBatch = unsettledBatch
    }
}

extension ReviewRules {
    /// The refusal of `--apply` or `--refund` of money that never reached the bank (its batch is `UNSETTLED_BATCH`), or
    /// of a line whose cash settles a batch.
    static func linked(_ request: ReviewRequest, facts: ReviewFacts) throws(ReviewRefusal) {
        let id = request.exceptionID
        if let batch = facts.unsettledBatch {
            throw ReviewRefusal("\(id): the receipt came in an ACH batch that has not reached the bank (UNSETTLED_BATCH \(batch)): its money cannot be "
                                + "\(request.kind == .refund ? "refunded" : "applied") until \(batch) is decided (--settled-by, --reverse or --write-off)")
        }
        if let batch = facts.settlesBatch {
            throw ReviewRefusal("\(id): the receipt's line settles the batch of UNSETTLED_BATCH \(batch) (--settled-by): its money is the batch's; "
                                + "reopen \(batch) first")
        }
    }

    /// A batch settled by the statement line named: a credit of the batch's currency and amount whose whole cash still
    /// waits (unapplied or in suspense) and that no other batch's decision names. Kept as `RECEIPT_ID=AMOUNT`.
    static func settledBy(_ request: ReviewRequest, exception: ExceptionRow, line: StatementLineFacts?) throws(ReviewRefusal) -> ReviewApplication {
        let id = request.exceptionID
        let receipt = request.settledBy
        guard let amount = exception.amount, amount.minorUnits > 0 else {
            throw ReviewRefusal("\(id): the batch has no amount coming in for a statement line to settle")
        }
        guard let line, let lineAmount = line.amount else {
            throw ReviewRefusal("\(id): --settled-by \(receipt): no receipt \(receipt) in the ledger (a statement line's receipt id, as exceptions list and remittance.csv show it)")
        }
        guard line.sourceKey.hasPrefix("stmt:") else {
            throw ReviewRefusal("\(id): --settled-by \(receipt): not a bank statement line (its receipt came from \(line.rows.first?.source ?? "elsewhere")); "
                                + "name the statement line that brought the batch's money")
        }
        guard lineAmount.currency == amount.currency else {
            throw ReviewRefusal("\(id): --settled-by \(receipt): the line is in \(lineAmount.currency.code), the batch in \(amount.currency.code)")
        }
        guard lineAmount.minorUnits == amount.minorUnits else {
            throw ReviewRefusal("\(id): --settled-by \(receipt): the line is \(lineAmount), the batch \(amount): only a line of the batch's amount settles it")
        }
        if let other = line.takenBy, other != id {
            throw ReviewRefusal("\(id): --settled-by \(receipt): the line already settles the batch of UNSETTLED_BATCH \(other)")
        }
        let waiting = line.waiting
        guard waiting.cash >= amount.minorUnits else {
            let went = waiting.appliedTo.isEmpty ? "refunded or moved" : "applied to \(waiting.appliedTo.joined(separator: ", "))"
            throw ReviewRefusal("\(id): --settled-by \(receipt): \(Money(minorUnits: max(waiting.cash, 0), currency: amount.currency)) of the line still waits "
                                + "(unapplied or in suspense), not its \(amount): the rest was \(went); reopen that decision first")
        }
        return ReviewApplication(invoiceID: receipt, amount: amount)
    }

    /// A batch that never reached the bank reversed out of ACH in transit: its receipts' applications undone (invoices
    /// reopened, their unapplied cash and suspense taken back), all of them still where the run put them (none returned
    /// or refunded since); above the write-off limit with a second person's approval. Kept as `1050=AMOUNT`.
    static func reverse(_ request: ReviewRequest, exception: ExceptionRow, rows: [ApplicationRow], policy: ReviewPolicy) throws(ReviewRefusal) -> ReviewApplication {
        let id = request.exceptionID
        guard let amount = exception.amount, !amount.isZero else { throw ReviewRefusal("\(id): the batch has no amount to reverse") }
        guard !rows.isEmpty else {
            throw ReviewRefusal("\(id): the ledger holds no receipt of the batch's entries to reverse (an older ledger's batch): --write-off it instead")
        }
        if let why = ReviewEntries.notWhole(rows, amount: amount) { throw ReviewRefusal("\(id): \(why)") }
        let magnitude = Money(minorUnits: amount.minorUnits < 0 ? 0 &- amount.minorUnits : amount.minorUnits, currency: amount.currency)
        try approval(of: request, for: "a reversal of \(magnitude)", amount: magnitude, policy: policy)
        return ReviewApplication(invoiceID: ChartOfAccounts.achClearing, amount: amount)
    }
}

extension ReviewEntries {
    /// Application rows netted per receipt, invoice and customer (what a receipt's cash does now, every day's rows
    /// taken together: applications, unapplied cash applied later, decisions, returns), in the order first seen; the
    /// first row's source, reference and value day kept. Nothing left: dropped.
    public static func standing(_ rows: [ApplicationRow]) -> [ApplicationRow] {
        struct Key: Hashable { var receipt: String, invoice: String?, customer: String? }
        var order: [Key] = []
        var net: [Key: ApplicationRow] = [:]
        for r in rows {
            let key = Key(receipt: r.receiptID, invoice: r.invoiceID, customer: r.customerID)
            if var kept = net[key] {
                kept.applied = Money(minorUnits: kept.applied.minorUnits &+ r.applied.minorUnits, currency: kept.applied.currency)
                kept.discount = Money(minorUnits: kept.discount.minorUnits &+ r.discount.minorUnits, currency: kept.discount.currency)
                kept.writeOff = Money(minorUnits: kept.writeOff.minorUnits &+ r.writeOff.minorUnits, currency: kept.writeOff.currency)
                net[key] = kept
            } else {
                order.append(key)
                net[key] = r
            }
        }
        return order.compactMap { net[$0] }.filter { !($0.applied.isZero && $0.discount.isZero && $0.writeOff.isZero) }
    }

    /// Why the batch's receipts do not hold its whole amount any more (nil: they do): what is left of their cash
    /// (applied, unapplied, in suspense) must be the batch's amount, else some was returned or refunded since.
    static func notWhole(_ rows: [ApplicationRow], amount: Money) -> String? {
        var cash: Int64 = 0
        for r in rows { cash &+= r.applied.minorUnits }
        guard cash != amount.minorUnits else { return nil }
        let receipts = Set(rows.map(\.receiptID)).sorted()
        return "its receipts (\(receipts.joined(separator: ", "))) hold \(Money(minorUnits: cash, currency: amount.currency)) now, not the batch's \(amount): "
            + "a part was returned or refunded since; reverse what is left by hand"
    }

    /// Whether an `UNSETTLED_BATCH` decision is still to be booked (nil: book it): a batch a line settled first leaves
    /// nothing to do; a line named that settled another batch first, or whose cash went elsewhere, and receipts that no
    /// longer hold the batch's amount, are refused.
    static func batchBooking(_ booking: ReviewBooking, kind: ReviewDecisionKind, on day: Day, batchUnsettled: Bool, batch: BatchBookingFacts) -> Booking? {
        guard batchUnsettled else {
            let what = kind == .settledBy ? "the line named is not needed" : kind == .reverse ? "nothing to reverse" : "nothing to write off"
            return .settled("a statement line settled the batch by \(day): \(what)")
        }
        guard let amount = booking.amount else { return nil }
        switch kind {
        case .settledBy:
            let line = booking.applications.first?.invoiceID ?? ""
            if let other = batch.lineTakenBy { return .refused("the line \(line) settled the batch of \(other) first") }
            let waiting = standing(batch.rows).filter { $0.invoiceID == nil }.reduce(Int64(0)) { $0 &+ $1.applied.minorUnits }
            if waiting < amount.minorUnits {
                return .refused("the line \(line) has \(Money(minorUnits: max(waiting, 0), currency: amount.currency)) unapplied or in suspense now, less than the batch's \(amount)")
            }
        case .reverse:
            if let why = notWhole(batch.rows, amount: amount) { return .refused(why) }
        default:
            break
        }
        return nil
    }

    /// The postings of a batch settled by a line (`moved`: the line's rows as they stand) or reversed (`moved`: the
    /// batch's receipts' rows as they stand), under the decision's key: what `moved` holds leaves where it waits for ACH
    /// in transit, which the batch's amount leaves.
    static func batchPostings(_ kind: ReviewDecisionKind, amount: Money, moved: [ApplicationRow], invoiceCustomers: [String: String]) -> [Posting] {
        let currency = amount.currency
        func money(_ units: Int64) -> Money { Money(minorUnits: units, currency: currency) }
        func holding(_ customer: String?) -> String { customer == nil ? ChartOfAccounts.suspense : ChartOfAccounts.unappliedCash }
        var postings: [Posting] = []
        var total: Int64 = 0
        switch kind {
        case .settledBy:
            // The line's credit (a wire of 2,500.00 held in suspense: suspense -2,500.00) is the batch's money: suspense
            // +2,500.00, ACH in transit -2,500.00, as a settlement line would have moved it.
            var left = amount.minorUnits
            for m in moved where m.invoiceID == nil && m.applied.minorUnits > 0 && left > 0 {
                let take = min(m.applied.minorUnits, left)
                postings.append(Posting(account: holding(m.customerID), customerID: m.customerID, amount: money(take)))
                left -= take
                total &+= take
            }
        case .reverse:
            // Each receipt's application undone, as a return undoes one: the invoice reopened by what settled it (cash,
            // discount, write-off), its unapplied cash or suspense taken back; ACH in transit gives up the batch's cash.
            for m in moved {
                if let invoice = m.invoiceID {
                    let owner = invoiceCustomers[invoice] ?? m.customerID
                    postings.append(Posting(account: ChartOfAccounts.accountsReceivable, customerID: owner, invoiceID: invoice,
                                            amount: money(m.applied.minorUnits &+ m.discount.minorUnits &+ m.writeOff.minorUnits)))
                    if !m.discount.isZero { postings.append(Posting(account: ChartOfAccounts.discountsAllowed, customerID: owner, invoiceID: invoice, amount: money(0 &- m.discount.minorUnits))) }
                    if !m.writeOff.isZero { postings.append(Posting(account: ChartOfAccounts.paymentDifferences, customerID: owner, invoiceID: invoice, amount: money(0 &- m.writeOff.minorUnits))) }
                } else {
                    postings.append(Posting(account: holding(m.customerID), customerID: m.customerID, amount: m.applied))
                }
                total &+= m.applied.minorUnits
            }
        default:
            return []
        }
        guard total != 0 else { return [] }
        return postings + [Posting(account: ChartOfAccounts.achClearing, amount: money(0 &- total))]
    }

    /// The application rows of a batch settled by a line or reversed, under the decision's key: the line's cash leaving
    /// unapplied or suspense (a negative `unapplied` row); each receipt's rows undone (negative `review` rows per invoice,
    /// a negative `unapplied` row for its unapplied cash or suspense).
    static func batchRows(_ kind: ReviewDecisionKind, booking: ReviewBooking, amount: Money, moved: [ApplicationRow], evidence: String) -> [ApplicationRow] {
        func row(_ m: ApplicationRow, applied: Int64, discount: Int64 = 0, writeOff: Int64 = 0) -> ApplicationRow {
            let currency = m.applied.currency
            var row = ApplicationRow(receiptID: m.receiptID, sourceKey: "review:\(booking.exceptionID)", invoiceID: m.invoiceID, customerID: m.customerID,
                                     applied: Money(minorUnits: applied, currency: currency), discount: Money(minorUnits: discount, currency: currency),
                                     writeOff: Money(minorUnits: writeOff, currency: currency), rule: m.invoiceID == nil ? MatchRule.unapplied.rawValue : review,
                                     confidence: 100, evidence: evidence, source: m.source, sourceRef: m.sourceRef, valueDay: m.valueDay)
            row.decidedBy = booking.decidedBy
            return row
        }
        switch kind {
        case .settledBy:
            var left = amount.minorUnits
            var out: [ApplicationRow] = []
            for m in moved where m.invoiceID == nil && m.applied.minorUnits > 0 && left > 0 {
                let take = min(m.applied.minorUnits, left)
                out.append(row(m, applied: 0 &- take))
                left -= take
            }
            return out
        case .reverse:
            return moved.map { row($0, applied: 0 &- $0.applied.minorUnits, discount: 0 &- $0.discount.minorUnits, writeOff: 0 &- $0.writeOff.minorUnits) }
        default:
            return []
        }
    }
}
