import Core
import Receivables

/// Applies receipts to open invoices by the rules of DESIGN.md, in a fixed order, first confident rule wins:
/// remittance, customer, amount within the customer (exact, discount, combination), tolerance; else an exception.
/// Keeps the open amounts it has applied so far, so receipts of one day see each other's effect.
public struct CashApplication: Sendable {
    public let policy: MatchingPolicy
    public let directory: CustomerDirectory
    private var invoices: [String: Invoice]
    private var normalizedIndex: [String: [String]] = [:]

    public init(customers: [Customer], invoices: [Invoice], policy: MatchingPolicy) {
        self.policy = policy
        directory = CustomerDirectory(customers)
        self.invoices = Dictionary(invoices.map { ($0.id, $0) }, uniquingKeysWith: { _, b in b })
        for invoice in invoices.sorted(by: { $0.id < $1.id }) {
            normalizedIndex[InvoiceNumber.normalize(invoice.id), default: []].append(invoice.id)
        }
    }

    public func openAmount(of invoiceID: String) -> Money? { invoices[invoiceID]?.openAmount }
    public var allInvoices: [Invoice] { invoices.values.sorted { $0.id < $1.id } }

    private static func oldestFirst(_ a: Invoice, _ b: Invoice) -> Bool { (a.dueDay, a.issueDay, a.id) < (b.dueDay, b.issueDay, b.id) }

    /// Finds invoices named by remittance items or by invoice numbers in free text.
    func resolveReferences(_ receipt: Receipt, customerID: String?) -> (found: [(item: RemittanceItem, invoiceID: String)], unknown: [String]) {
        var found: [(RemittanceItem, String)] = []
        var unknown: [String] = []
        var seen = Set<String>()
        // Free text needs three characters at least, so a stray "1" names no invoice; structured remittance does not.
        func lookup(_ reference: String, minimumLength: Int = 1) -> String? {
            let key = InvoiceNumber.normalize(reference)
            guard key.count >= minimumLength, let ids = normalizedIndex[key] else { return nil }
            if ids.count == 1 { return ids[0] }
            // The same number for two customers: the payer's own invoice, if it is one of them.
            if let customerID, let own = ids.first(where: { invoices[$0]?.customerID == customerID }) { return own }
            return nil
        }
        for item in receipt.remittance {
            if let id = lookup(item.reference), !seen.contains(id) {
                seen.insert(id)
                found.append((item, id))
            } else if !seen.contains(item.reference) {
                unknown.append(item.reference)
            }
        }
        if receipt.remittance.isEmpty, !receipt.freeText.isEmpty {
            let tokens = receipt.freeText.split { !($0.isLetter || $0.isNumber || $0 == "-") }.map(String.init)
            for (i, token) in tokens.enumerated() {
                var candidates = [token]
                if i + 1 < tokens.count { candidates.insert(token + tokens[i + 1], at: 0) }
                for candidate in candidates where candidate.contains(where: \.isNumber) {
                    if let id = lookup(candidate, minimumLength: 3), !seen.contains(id) {
                        seen.insert(id)
                        found.append((RemittanceItem(reference: candidate), id))
                        break
                    }
                }
            }
        }
        return (found, unknown)
    }

    /// Decides one receipt and updates the open amounts it applied to.
    public mutating func apply(_ receipt: Receipt) -> (decision: Decision, exceptions: [MatchException]) {
        let currency = receipt.amount.currency
        var exceptions: [MatchException] = []
        func exception(_ type: ExceptionType, customer: String = "", amount: Money? = nil, invoices: [String] = [], _ message: String, suggestions: String = "", severity: Severity = .warning) {
            exceptions.append(CashApplication.makeException(receipt, type, customer, amount, invoices, message, suggestions, severity))
        }
        let identified = directory.identify(companyID: receipt.payerCompanyID, name: receipt.payerName, text: receipt.payerName + " " + receipt.freeText)

        // Money going out (a debit to our account) is not a customer payment.
        if receipt.amount.minorUnits <= 0 {
            exception(.unmatched, customer: identified?.customerID ?? "", amount: receipt.amount,
                      "a debit of \(receipt.amount) to the account is not a customer payment; held in suspense")
            return (Decision(receipt: receipt, customerID: nil, applications: [], unapplied: receipt.amount, rule: .unapplied, confidence: 0,
                             evidence: "debit"), exceptions)
        }

        // 1. Remittance.
        let references = resolveReferences(receipt, customerID: identified?.customerID)
        if !references.found.isEmpty {
            return applyRemittance(receipt, references: references, identified: identified?.customerID)
        }

        // 2. Customer.
        guard let (customerID, evidence) = identified else {
            let refs = references.unknown.isEmpty ? "" : "; remittance names \(references.unknown.joined(separator: ", ")), which match no invoice"
            exception(.unknownCustomer, amount: receipt.amount,
                      "no customer matches payer '\(receipt.payerName)'\(receipt.payerCompanyID.isEmpty ? "" : " (company id \(receipt.payerCompanyID))")\(refs); held in suspense",
                      suggestions: "add the payer's name as an alias or its ACH company id to the customer master")
            return (Decision(receipt: receipt, customerID: nil, applications: [], unapplied: receipt.amount, rule: .unapplied, confidence: 0,
                             evidence: "no customer identified"), exceptions)
        }

        // 3. Amount within the customer.
        let open = invoices.values.filter { $0.customerID == customerID && $0.openAmount.currency == currency && $0.openAmount.minorUnits > 0 }
            .sorted(by: CashApplication.oldestFirst)
        let amount = receipt.amount.minorUnits
        let unknownNote = references.unknown.isEmpty ? "" : "; remittance names \(references.unknown.joined(separator: ", ")), which match no invoice"

        func decide(_ chosen: [Invoice], rule: MatchRule, confidence: Int, discountOf: (Invoice) -> Int64 = { _ in 0 }, writeOff: Int64 = 0, why: String) -> Decision {
            var applications: [Application] = []
            var cashLeft = amount
            for (i, invoice) in chosen.enumerated() {
                let discount = discountOf(invoice)
                let w = i == chosen.count - 1 ? writeOff : 0
                let cash = invoice.openAmount.minorUnits - discount - w
                cashLeft -= cash
                applications.append(Application(invoiceID: invoice.id, customerID: customerID, applied: Money(minorUnits: cash, currency: currency),
                                                 discount: Money(minorUnits: discount, currency: currency), writeOff: Money(minorUnits: w, currency: currency)))
                reduce(invoice.id, by: cash + discount + w)
            }
            precondition(cashLeft >= 0, "applied more cash than the receipt holds")
            return Decision(receipt: receipt, customerID: customerID, applications: applications, unapplied: Money(minorUnits: cashLeft, currency: currency),
                            rule: rule, confidence: confidence, evidence: "customer by \(evidence.description); " + why)
        }

        // 3a. Exact open amount.
        let exact = open.filter { $0.openAmount.minorUnits == amount }
        if exact.count == 1 {
            return (decide(exact, rule: .exactAmount, confidence: 90, why: "amount equals the open amount of \(exact[0].id)"), exceptions)
        }
        if exact.count > 1 {
            if policy.ambiguous == .oldest {
                return (decide([exact[0]], rule: .oldestFirst, confidence: 60, why: "\(exact.count) invoices open for this amount; the oldest taken by policy"), exceptions)
            }
            exception(.ambiguous, customer: customerID, amount: receipt.amount, invoices: exact.map(\.id),
                      "\(exact.count) open invoices of \(customerID) equal \(receipt.amount); kept as unapplied cash until someone chooses\(unknownNote)", suggestions: exact.map(\.id).joined(separator: " or "))
            return (unapplied(receipt, customerID, "ambiguous between \(exact.map(\.id).joined(separator: ", "))"), exceptions)
        }
        // 3b. Amount less an early-payment discount taken inside the window.
        func discountIfTaken(_ invoice: Invoice) -> Int64? {
            guard let terms = invoice.terms, terms.discountBasisPoints > 0, invoice.openAmount == invoice.amount,
                  let deadline = terms.discountDeadline(issuedOn: invoice.issueDay), receipt.valueDay <= deadline else { return nil }
            return terms.discount(on: invoice.amount).minorUnits
        }
        let discounted = open.filter { inv in discountIfTaken(inv).map { inv.openAmount.minorUnits - $0 == amount } ?? false }
        if discounted.count == 1 {
            let inv = discounted[0]
            return (decide(discounted, rule: .discountAmount, confidence: 85, discountOf: { discountIfTaken($0) ?? 0 },
                           why: "amount equals \(inv.id) less its early-payment discount (\(inv.terms!))"), exceptions)
        }
        if discounted.count > 1 {
            exception(.ambiguous, customer: customerID, amount: receipt.amount, invoices: discounted.map(\.id),
                      "\(discounted.count) open invoices of \(customerID) equal \(receipt.amount) after discount; kept as unapplied cash until someone chooses", suggestions: discounted.map(\.id).joined(separator: " or "))
            return (unapplied(receipt, customerID, "ambiguous after discount"), exceptions)
        }
        // 3c. A combination of open invoices (oldest first, bounded).
        let pool = Array(open.prefix(policy.combinationInvoiceLimit))
        let combinations = SubsetSum.find(target: amount, values: pool.map(\.openAmount.minorUnits), limit: 2)
        if combinations.count == 1 {
            let chosen = combinations[0].map { pool[$0] }
            return (decide(chosen, rule: .combination, confidence: 80, why: "amount equals the sum of \(chosen.map(\.id).joined(separator: " + "))"), exceptions)
        }
        if combinations.count > 1 {
            let ids = Array(Set(combinations.flatMap { $0.map { pool[$0].id } })).sorted()
            exception(.ambiguous, customer: customerID, amount: receipt.amount, invoices: ids,
                      "several combinations of open invoices of \(customerID) sum to \(receipt.amount); kept as unapplied cash until someone chooses",
                      suggestions: combinations.map { $0.map { pool[$0].id }.joined(separator: "+") }.joined(separator: " or "))
            return (unapplied(receipt, customerID, "several combinations"), exceptions)
        }
        // 4. Tolerance: one invoice within the tolerance below its open amount.
        let near = open.filter { inv in
            let difference = inv.openAmount.minorUnits - amount
            return difference > 0 && difference <= policy.tolerance.minorUnits
        }
        if near.count == 1 {
            let inv = near[0]
            let difference = inv.openAmount.minorUnits - amount
            return (decide(near, rule: .tolerance, confidence: 75, writeOff: difference,
                           why: "amount is \(Money(minorUnits: difference, currency: currency)) short of \(inv.id), within the tolerance of \(policy.tolerance)"), exceptions)
        }
        // 5. An exception with the best candidates.
        let candidates = open.sorted { (abs($0.openAmount.minorUnits - amount), $0.dueDay, $0.id) < (abs($1.openAmount.minorUnits - amount), $1.dueDay, $1.id) }.prefix(3)
        let suggestion = candidates.map { "\($0.id) open \($0.openAmount) (differs by \(Money(minorUnits: $0.openAmount.minorUnits - amount, currency: currency)))" }.joined(separator: "; ")
        exception(.unmatched, customer: customerID, amount: receipt.amount, invoices: candidates.map(\.id),
                  open.isEmpty ? "\(customerID) has no open invoices in \(currency); kept as unapplied cash\(unknownNote)"
                               : "no open invoice or combination of \(customerID) matches \(receipt.amount); kept as unapplied cash\(unknownNote)",
                  suggestions: suggestion)
        return (unapplied(receipt, customerID, "no invoice matched"), exceptions)
    }

    private func unapplied(_ receipt: Receipt, _ customerID: String?, _ why: String) -> Decision {
        Decision(receipt: receipt, customerID: customerID, applications: [], unapplied: receipt.amount, rule: .unapplied, confidence: 0, evidence: why)
    }

    private mutating func reduce(_ invoiceID: String, by amount: Int64) {
        guard var invoice = invoices[invoiceID] else { return }
        invoice.openAmount = Money(minorUnits: invoice.openAmount.minorUnits - amount, currency: invoice.openAmount.currency)
        invoices[invoiceID] = invoice
    }

    static func makeException(_ receipt: Receipt, _ type: ExceptionType, _ customer: String, _ amount: Money?, _ invoices: [String],
                              _ message: String, _ suggestions: String, _ severity: Severity) -> MatchException {
        MatchException(type: type, severity: severity, about: receipt.sourceKey, receiptID: receipt.id, source: receipt.source.rawValue,
                       sourceRef: receipt.sourceRef, location: receipt.location, customerID: customer, amount: amount,
                       invoiceIDs: invoices, message: message, suggestions: suggestions)
    }

    private mutating func applyRemittance(_ receipt: Receipt, references: (found: [(item: RemittanceItem, invoiceID: String)], unknown: [String]),
                                          identified: String?) -> (decision: Decision, exceptions: [MatchException]) {
        var exceptions: [MatchException] = []
        func exception(_ type: ExceptionType, _ customer: String, _ amount: Money?, _ invoices: [String], _ message: String, _ suggestions: String, _ severity: Severity) {
            exceptions.append(CashApplication.makeException(receipt, type, customer, amount, invoices, message, suggestions, severity))
        }
        let currency = receipt.amount.currency
        var cashLeft = receipt.amount.minorUnits
        var applications: [Application] = []
        var shortNotes: [String] = []
        var shortInvoices: [String] = []
        var shortTotal: Int64 = 0
        var alreadyPaid: [String] = []
        let single = references.found.count == 1
        let customerID = identified ?? invoices[references.found[0].invoiceID]!.customerID
        for (item, invoiceID) in references.found {
            guard let invoice = invoices[invoiceID] else { continue }
            let open = invoice.openAmount.minorUnits
            guard open > 0, invoice.openAmount.currency == currency else {
                alreadyPaid.append(invoiceID)
                continue
            }
            let claimed = item.amountPaid?.minorUnits ?? (single ? cashLeft : open)
            let cash = max(0, min(claimed, cashLeft, open))
            cashLeft -= cash
            var remaining = open - cash
            var discount: Int64 = 0
            if remaining > 0, let terms = invoice.terms, terms.discountBasisPoints > 0,
               let deadline = terms.discountDeadline(issuedOn: invoice.issueDay), receipt.valueDay <= deadline {
                let allowed = terms.discount(on: invoice.amount).minorUnits
                let asked = item.discount?.minorUnits ?? remaining
                if asked <= allowed + policy.tolerance.minorUnits { discount = min(asked, remaining, allowed) }
            }
            remaining -= discount
            var writeOff: Int64 = 0
            if remaining > 0 && remaining <= policy.tolerance.minorUnits {
                writeOff = remaining
                remaining = 0
            }
            if remaining > 0 {
                shortTotal += remaining
                shortInvoices.append(invoiceID)
                let reasons = item.adjustments.map { "\($0.reasonCode) \($0.amount)" }.joined(separator: ", ")
                shortNotes.append("\(invoiceID) left open \(Money(minorUnits: remaining, currency: currency))\(reasons.isEmpty ? "" : " (adjustments: \(reasons))")")
            }
            applications.append(Application(invoiceID: invoiceID, customerID: invoice.customerID, applied: Money(minorUnits: cash, currency: currency),
                                             discount: Money(minorUnits: discount, currency: currency), writeOff: Money(minorUnits: writeOff, currency: currency)))
            reduce(invoiceID, by: cash + discount + writeOff)
        }
        if shortTotal > 0 {
            exception(.shortPay, customerID, Money(minorUnits: shortTotal, currency: currency), shortInvoices,
                      "short payment: " + shortNotes.joined(separator: "; "), "ask the customer for the deduction's reason, or write it off", .warning)
        }
        var notes: [String] = []
        if !references.unknown.isEmpty { notes.append("remittance names \(references.unknown.joined(separator: ", ")), which match no invoice") }
        if !alreadyPaid.isEmpty { notes.append("\(alreadyPaid.joined(separator: ", ")) already settled") }
        if cashLeft > 0 {
            exception(.overPay, customerID, Money(minorUnits: cashLeft, currency: currency), references.found.map(\.invoiceID),
                      "\(Money(minorUnits: cashLeft, currency: currency)) more than the remitted invoices' open amounts; kept as unapplied cash" + (notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"),
                      "refund, or apply to another open invoice", .warning)
        }
        let confidence = shortTotal == 0 && cashLeft == 0 && references.unknown.isEmpty ? 95 : 80
        let decision = Decision(receipt: receipt, customerID: customerID, applications: applications,
                                unapplied: Money(minorUnits: cashLeft, currency: currency), rule: .remittance, confidence: confidence,
                                evidence: "remittance names \(references.found.map(\.invoiceID).joined(separator: ", "))")
        return (decision, exceptions)
    }
}

/// Exact subset sums over a small list, oldest first: which index sets add up to the target.
enum SubsetSum {
    /// Up to `limit` solutions, each of two or more values (a single value is the exact-amount rule's business).
    static func find(target: Int64, values: [Int64], limit: Int, stepBudget: Int = 200_000) -> [[Int]] {
        var solutions: [[Int]] = []
        var chosen: [Int] = []
        var steps = 0
        // Suffix sums prune branches that cannot reach the target.
        var suffix = [Int64](repeating: 0, count: values.count + 1)
        for i in stride(from: values.count - 1, through: 0, by: -1) { suffix[i] = suffix[i + 1] + max(0, values[i]) }
        func search(_ start: Int, _ remaining: Int64) {
            if solutions.count >= limit || steps > stepBudget { return }
            steps += 1
            if remaining == 0 {
                if chosen.count >= 2 { solutions.append(chosen) }
                return
            }
            if remaining < 0 || start >= values.count || suffix[start] < remaining { return }
            for i in start..<values.count where values[i] > 0 && values[i] <= remaining {
                chosen.append(i)
                search(i + 1, remaining - values[i])
                chosen.removeLast()
                if solutions.count >= limit { return }
            }
        }
        search(0, target)
        return solutions
    }
}
