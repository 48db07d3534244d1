import Core
import Foundation
import Matching

/// The review rules: which decisions each exception type accepts, and the checks a decision must pass before it is
/// recorded (what it books is `ReviewEntries`). No reads: the books as they stand come in `ReviewFacts`.
public enum ReviewRules {
    /// Types whose receipt's cash waits (unapplied, or in suspense) for a person to place it.
    static let cashTypes: Set<String> = [ExceptionType.ambiguous.rawValue, ExceptionType.unmatched.rawValue, ExceptionType.overPay.rawValue,
                                         ExceptionType.unknownCustomer.rawValue]

    /// `review.write_off_limit` where no manifest gives one: 100.00 in the currency written off.
    public static func defaultWriteOffLimit(in currency: Currency) -> Money {
        var units: Int64 = 100
        for _ in 0..<currency.exponent { units *= 10 }
        return Money(minorUnits: units, currency: currency)
    }

    /// Every exception type, as `exceptions.csv` names them.
    public static var exceptionTypes: [String] { ExceptionType.allCases.map(\.rawValue) }

    /// The ids among `known` nearest to `text` (case aside; by edit distance, at most 3, the 3 nearest), for a message
    /// that names what the user may have meant.
    public static func nearest(_ text: String, among known: [String]) -> [String] {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var row = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var previous = row[0]
                row[0] = i
                for j in stride(from: 1, through: b.count, by: 1) {
                    let kept = row[j]
                    row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                    previous = kept
                }
            }
            return a.isEmpty ? b.count : row[b.count]
        }
        let wanted = Array(text.uppercased())
        return known.map { ($0, distance(wanted, Array($0.uppercased()))) }.filter { $0.1 <= 3 }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(3).map(\.0)
    }

    /// The decisions a type of exception accepts.
    public static func accepted(by type: String) -> [ReviewDecisionKind] {
        if cashTypes.contains(type) { return [.apply, .refund, .unapplied] }
        if type == ExceptionType.shortPay.rawValue { return [.writeOff, .ignore] }
        // A batch's money is in ACH in transit: ignoring it would leave it there for ever.
        if type == ExceptionType.unsettledBatch.rawValue { return [.settledBy, .reverse, .writeOff] }
        if type == ExceptionType.unexplainedBankLine.rawValue || type == ExceptionType.bankDifference.rawValue { return [.postTo, .ignore] }
        return [.ignore]
    }

    /// Checks a decision against the books as they stand (`facts`, read for it) and the manifest's `policy`; what it
    /// returns is what `ReviewStore.recordDecision` keeps.
    public static func check(_ request: ReviewRequest, facts: ReviewFacts, policy: ReviewPolicy) throws(ReviewRefusal) -> [ReviewApplication] {
        let id = request.exceptionID
        let exception = facts.exception
        guard !request.note.trimmingCharacters(in: .whitespaces).isEmpty else { throw ReviewRefusal("\(id): --note is required (say why)") }
        // The page's placeholder (`--note "..."`) copied as it is says nothing.
        guard request.note.contains(where: { $0.isLetter || $0.isNumber }) else {
            throw ReviewRefusal("\(id): --note '\(request.note)' says nothing: say why (who you spoke to, what the document shows)")
        }
        guard exception.status == "open" else {
            throw ReviewRefusal("\(id) is already resolved (\(exception.resolution.isEmpty ? "resolved" : exception.resolution)); `settle exceptions reopen \(id) --note ...` first")
        }
        let accepted = accepted(by: exception.type)
        guard accepted.contains(request.kind) else {
            throw ReviewRefusal("\(id) is \(exception.type): it accepts \(accepted.map { "--\($0.rawValue)" }.joined(separator: ", ")), not --\(request.kind.rawValue)")
        }
        switch request.kind {
        case .apply:
            try linked(request, facts: facts)
            guard !request.applications.isEmpty else { throw ReviewRefusal("\(id): --apply needs INVOICE=AMOUNT at least once") }
            // The amounts are in the receipt's currency, which the exception row carries with its amount: never assumed.
            guard let currency = exception.amount?.currency else {
                throw ReviewRefusal("\(id): exceptions row \(id) (\(exception.type)) has no amount, so no currency to apply the receipt's cash in; "
                                    + "run its day again, or decide it with --unapplied or --refund")
            }
            var seen = Set<String>()
            var out: [ReviewApplication] = []
            var total: Int64 = 0
            let unapplied = facts.unapplied
            for (invoiceID, text) in request.applications {
                guard seen.insert(invoiceID).inserted else { throw ReviewRefusal("\(id): invoice \(invoiceID) is given twice") }
                guard let invoice = facts.invoices[invoiceID] else {
                    // The customer's invoices nearest to what was typed (INV-1002 for INV-10020).
                    let near = exception.customerID.isEmpty ? [] : nearest(invoiceID, among: facts.customerInvoiceIDs)
                    throw ReviewRefusal("\(id): no invoice \(invoiceID) in the ledger" + (near.isEmpty ? "" : "; \(exception.customerID)'s nearest: \(near.joined(separator: ", "))"))
                }
                let amount: Money
                if text == "open" {
                    // The older `--resolution apply:INVOICE`: what the invoice has open, as far as the unapplied cash goes.
                    amount = Money(minorUnits: min(invoice.openAmount.minorUnits, unapplied - total), currency: currency)
                } else {
                    do { amount = try Money.parse(text, currency: currency) } catch {
                        throw ReviewRefusal("\(id): --apply \(invoiceID)=\(text): \(error.description)")
                    }
                }
                guard amount.minorUnits > 0 else { throw ReviewRefusal("\(id): --apply \(invoiceID)=\(text): the amount must be more than zero") }
                // A reviewer may do what cash application may: another customer's invoice only for its parent (by
                // `parent_id`, any generation up) or under `matching.cross_customer: allow`. A payer not known (suspense)
                // is placed by the reviewer: any customer's invoice.
                let payer = exception.customerID
                guard payer.isEmpty || policy.crossCustomer == .allow
                        || CustomerDirectory.isRelated(payer: payer, owner: invoice.customerID, parentOf: { policy.parentOf[$0] }) else {
                    throw ReviewRefusal("\(id): invoice \(invoiceID) is \(invoice.customerID)'s and the receipt \(payer)'s: one customer's cash goes to "
                                        + "another's invoices only from a parent (parent_id in the customers file) or with matching.cross_customer: allow")
                }
                guard invoice.amount.currency == currency else {
                    throw ReviewRefusal("\(id): invoice \(invoiceID) is in \(invoice.amount.currency.code), the receipt in \(currency.code)")
                }
                guard invoice.openAmount.minorUnits > 0 else { throw ReviewRefusal("\(id): invoice \(invoiceID) is closed (nothing open)") }
                guard amount.minorUnits <= invoice.openAmount.minorUnits else {
                    throw ReviewRefusal("\(id): \(amount) is more than invoice \(invoiceID)'s open \(invoice.openAmount)")
                }
                do { try MinorUnits.add(amount.minorUnits, to: &total, of: "the amounts of the decision on \(id)") } catch {
                    throw ReviewRefusal("\(id): \(error.description)")
                }
                out.append(ReviewApplication(invoiceID: invoiceID, amount: amount))
            }
            guard total <= unapplied else {
                throw ReviewRefusal("\(id): the amounts add up to \(Money(minorUnits: total, currency: currency)), more than the receipt's unapplied \(Money(minorUnits: unapplied, currency: currency))")
            }
            return out
        case .writeOff where exception.type == ExceptionType.unsettledBatch.rawValue:
            return [try batchWriteOff(request, exception: exception, policy: policy)]
        case .writeOff:
            guard let short = exception.amount, short.minorUnits > 0 else { throw ReviewRefusal("\(id): there is no short amount to write off") }
            let out = try shortfalls(of: exception, short: short, invoices: facts.invoices)
            let total: Money
            do { total = Money(minorUnits: try MinorUnits.total(out.lazy.map(\.amount.minorUnits), of: "the write-off of \(id)"), currency: short.currency) } catch {
                throw ReviewRefusal("\(id): \(error.description)")
            }
            try approval(of: request, for: "a write-off of \(total)", amount: total, policy: policy)
            return out
        case .postTo:
            return [try postTo(request, exception: exception, policy: policy)]
        case .settledBy:
            return [try settledBy(request, exception: exception, line: facts.line)]
        case .reverse:
            return [try reverse(request, exception: exception, rows: facts.batchRows, policy: policy)]
        case .refund:
            try linked(request, facts: facts)
            return []
        case .unapplied, .ignore:
            return []
        }
    }

    /// What a write-off of a short payment writes off, invoice by invoice: each invoice the exception names is short by
    /// what it still has open (the exception raised each one's open amount at the end of its day; a payment since lowers
    /// it), never more, and all of them together never more than the exception's short amount. Invoices since closed
    /// are left out; when none has anything open, there is nothing to write off.
    static func shortfalls(of exception: ExceptionRow, short: Money, invoices: [String: LedgerInvoice]) throws(ReviewRefusal) -> [ReviewApplication] {
        let id = exception.exceptionID
        guard !exception.invoiceIDs.isEmpty else { throw ReviewRefusal("\(id): the exception names no short-paid invoice") }
        var out: [ReviewApplication] = []
        var left = short.minorUnits
        var closed: [String] = []
        for invoiceID in exception.invoiceIDs {
            guard let invoice = invoices[invoiceID] else { throw ReviewRefusal("\(id): the short-paid invoice \(invoiceID) is not in the ledger") }
            guard invoice.amount.currency == short.currency else {
                throw ReviewRefusal("\(id): invoice \(invoiceID) is in \(invoice.amount.currency.code), the short amount in \(short.currency.code)")
            }
            let amount = min(invoice.openAmount.minorUnits, left)
            guard amount > 0 else {
                closed.append(invoiceID)
                continue
            }
            out.append(ReviewApplication(invoiceID: invoiceID, amount: Money(minorUnits: amount, currency: short.currency)))
            left -= amount
        }
        guard !out.isEmpty else {
            throw ReviewRefusal("\(id): nothing open to write off: \(closed.joined(separator: ", ")) \(closed.count == 1 ? "has" : "have") nothing open now")
        }
        return out
    }

    /// A `--post-to CODE`: an account `review.post_to` lists and never bank, clearing, receivables, unapplied cash or
    /// suspense; the exception's whole amount, above the write-off limit with a second person's approval. Kept as
    /// `CODE=AMOUNT` (the amount without its sign).
    static func postTo(_ request: ReviewRequest, exception: ExceptionRow, policy: ReviewPolicy) throws(ReviewRefusal) -> ReviewApplication {
        let id = request.exceptionID
        let code = request.postTo
        if let why = policy.forbidden(code) { throw ReviewRefusal("\(id): --post-to \(code): \(why) is never an account to post a reviewer's decision to") }
        guard policy.postTo.contains(code) else {
            throw ReviewRefusal("\(id): --post-to \(code): not an account review.post_to lists"
                                + (policy.postTo.isEmpty ? " (the manifest lists none)" : " (\(policy.postTo.joined(separator: ", ")))"))
        }
        guard let amount = exception.amount, !amount.isZero else { throw ReviewRefusal("\(id): the exception has no amount to post") }
        let magnitude = Money(minorUnits: amount.minorUnits < 0 ? 0 &- amount.minorUnits : amount.minorUnits, currency: amount.currency)
        try approval(of: request, for: "posting \(magnitude)", amount: magnitude, policy: policy)
        return ReviewApplication(invoiceID: code, amount: magnitude)
    }

    /// A batch that never reached the bank written off out of ACH in transit: its whole amount, above the write-off
    /// limit with a second person's approval. Kept as `1050=AMOUNT`.
    static func batchWriteOff(_ request: ReviewRequest, exception: ExceptionRow, policy: ReviewPolicy) throws(ReviewRefusal) -> ReviewApplication {
        let id = request.exceptionID
        guard let amount = exception.amount, !amount.isZero else { throw ReviewRefusal("\(id): the batch has no amount to write off") }
        let magnitude = Money(minorUnits: amount.minorUnits < 0 ? 0 &- amount.minorUnits : amount.minorUnits, currency: amount.currency)
        try approval(of: request, for: "a write-off of \(magnitude)", amount: magnitude, policy: policy)
        return ReviewApplication(invoiceID: ChartOfAccounts.achClearing, amount: amount)
    }

    /// Money a decision moves above `review.write_off_limit` (100.00 in its currency when no manifest gives one) needs
    /// `--approved-by` a second person, never the one deciding. `what`: the decision in words, for the refusal.
    static func approval(of request: ReviewRequest, for what: String, amount: Money, policy: ReviewPolicy) throws(ReviewRefusal) {
        let limit = policy.writeOffLimit ?? defaultWriteOffLimit(in: amount.currency)
        guard amount.minorUnits > limit.minorUnits else { return }
        let approver = request.approvedBy.trimmingCharacters(in: .whitespaces)
        guard !approver.isEmpty else {
            throw ReviewRefusal("\(request.exceptionID): \(what) is above the limit of \(limit) (review.write_off_limit): --approved-by a second person")
        }
        guard approver != request.by else { throw ReviewRefusal("\(request.exceptionID): --approved-by must name someone other than --by (\(request.by))") }
    }
}
