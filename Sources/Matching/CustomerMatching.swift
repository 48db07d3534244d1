import Core
import Receivables

extension CashApplication {
    /// Decides the receipts of one customer: remittance first, then exact amounts, then (with what is still
    /// open) exact amounts again, several receipts together, tolerance and short or over payments; short
    /// payments are raised at the end, for what is still short.
    func runCustomers(_ groups: [CustomerGroup], receipts: [Receipt], prepared: [PreparedReceipt]) -> ShardResult {
        var work = Workspace(engine: self, receipts: receipts, prepared: prepared, customer: -1)
        work.outcomes.reserve(groups.reduce(0) { $0 + $1.positions.count })
        for group in groups {
            work.start(customer: group.customer)
            var deferred: [Int] = []
            for position in group.positions where !prepared[position].references.isEmpty {
                work.applyRemittance(position)
            }
            for position in group.positions where prepared[position].references.isEmpty {
                if !work.tryExact(position) { deferred.append(position) }
            }
            deferred = deferred.filter { !work.tryExact($0) }
            if deferred.count >= 2 { work.trySplits(&deferred) }
            for position in deferred where !work.tryRecovery(position) && !work.tryInexact(position) {
                work.unmatched(position)
            }
            work.raiseShortPayments()
        }
        return work.result()
    }

    /// Receipts whose remittance names invoices of other customers (related, or allowed by the policy), and
    /// receipts of no known payer that name invoices: one at a time, against the open amounts the customer
    /// shards left.
    mutating func runSequential(_ positions: [Int], receipts: [Receipt], prepared: [PreparedReceipt]) -> ShardResult {
        var work = Workspace(engine: self, receipts: receipts, prepared: prepared, customer: -1)
        for position in positions { work.applyRemittance(position) }
        work.raiseShortPayments()
        return work.result()
    }
}

/// The state of matching one customer's receipts (or the sequential pass): open amounts changed so far, the
/// customer's amount index, short payments to raise at the end, decisions made.
struct Workspace {
    let engine: CashApplication
    let receipts: [Receipt]
    let prepared: [PreparedReceipt]
    /// The customer being decided, -1 in the sequential pass (any invoice may be touched).
    private(set) var customer: Int32
    var changed: [Int32: Int64] = [:]
    /// What is still written off of each invoice this pass recovered some of (touched only by a recovery).
    var writtenOffChanged: [Int32: Int64] = [:]
    var amounts: [String: SortedAmounts] = [:]
    /// Invoices a receipt left short, with the receipt that last applied to them.
    var shortWatch: [Int32: ShortNote] = [:]
    var outcomes = Outcomes()
    /// Candidates noted by earlier rules, shown if the receipt ends unmatched.
    var pendingCandidates: [Int: [Candidate]] = [:]
    /// Why a combination was not searched, shown if the receipt ends unmatched.
    var searchNotes: [Int: String] = [:]
    /// Where the current customer's outcomes start in `outcomes`.
    var firstOutcomeOfCustomer = 0
    /// The receipt that last settled some of each invoice, by invoice id, for the customer's decisions up to
    /// `closersIndexed` (built only when a remittance names a closed invoice).
    var closers: [String: Int] = [:]
    var closersIndexed = 0

    struct ShortNote {
        var position: Int
        var adjustments: String
        var unearnedDiscountDeadline: Day?
    }

    init(engine: CashApplication, receipts: [Receipt], prepared: [PreparedReceipt], customer: Int32) {
        self.engine = engine
        self.receipts = receipts
        self.prepared = prepared
        self.customer = customer
    }

    var book: InvoiceBook { engine.book }
    var policy: MatchingPolicy { engine.policy }

    func open(_ invoice: Int32) -> Int64 { changed[invoice] ?? engine.open[Int(invoice)] }

    func customerID(_ c: Int32) -> String { engine.directory.list[Int(c)].id }

    consuming func result() -> ShardResult {
        ShardResult(outcomes: outcomes, openChanges: changed.map { ($0.key, $0.value) }, writtenOffChanges: writtenOffChanged.map { ($0.key, $0.value) })
    }

    /// Moves on to the next customer of the shard: its own amount index, short payments and notes.
    mutating func start(customer next: Int32) {
        customer = next
        amounts.removeAll(keepingCapacity: true)
        shortWatch.removeAll(keepingCapacity: true)
        pendingCandidates.removeAll(keepingCapacity: true)
        searchNotes.removeAll(keepingCapacity: true)
        firstOutcomeOfCustomer = outcomes.count
        if !closers.isEmpty { closers.removeAll(keepingCapacity: true) }
        closersIndexed = outcomes.count
    }

    /// The customer's open invoices in a currency, by amount; built on first use. Never a credit memo: the amount rules
    /// pay invoices (a memo takes part only in a combination, `tryCombination`, or when a remittance names it).
    mutating func index(_ currency: Currency) -> SortedAmounts {
        if let existing = amounts[currency.code] { return existing }
        var entries: [SortedAmounts.Entry] = []
        for i in book.invoices(ofCustomer: customer) {
            let amount = open(i)
            guard amount > 0, book.invoices[Int(i)].amount.currency == currency, !book.isCreditMemo(i) else { continue }
            entries.append(SortedAmounts.Entry(amount: amount, age: book.age[Int(i)], invoice: i))
        }
        entries.sort()
        let built = SortedAmounts(sorted: entries)
        amounts[currency.code] = built
        return built
    }

    mutating func reduce(_ invoice: Int32, by amount: Int64) {
        guard amount != 0 else { return }
        let before = open(invoice)
        let after = before - amount
        changed[invoice] = after
        let code = book.invoices[Int(invoice)].amount.currency.code
        if customer >= 0, book.customerOf[Int(invoice)] == customer, let index = amounts[code], !book.isCreditMemo(invoice) {
            let age = book.age[Int(invoice)]
            if before > 0 { index.remove(SortedAmounts.Entry(amount: before, age: age, invoice: invoice)) }
            if after > 0 { index.insert(SortedAmounts.Entry(amount: after, age: age, invoice: invoice)) }
        }
    }

    // MARK: - Decisions

    /// The receipt at `position` as the amount rules read it: its amount, its currency and the customer's id.
    func amountRuleInput(_ position: Int) -> (receipt: Receipt, amount: Int64, currency: Currency, customerID: String) {
        let receipt = receipts[position]
        return (receipt, receipt.amount.minorUnits, receipt.amount.currency, customerID(customer))
    }

    func baseEvidence(_ position: Int) -> Evidence {
        var evidence = Evidence(customer: prepared[position].customerEvidence)
        if !prepared[position].unknown.isEmpty {
            evidence.matched.append("remittance names \(prepared[position].unknown.joined(separator: ", ")), which match no invoice")
        }
        return evidence
    }

    func exception(_ position: Int, _ type: ExceptionType, customer: String, amount: Money?, invoices: [String], _ message: String,
                   suggestions: String = "") -> MatchException {
        CashApplication.makeException(receipts[position], type, customer, amount, invoices, message, suggestions, .warning)
    }

    /// Applies the chosen invoices in full (less a discount and a write-off per invoice) and records the decision. Credit
    /// memos taken (`memoTakes`, as far as each says) come first, as negative applications; a memo among `chosen` is
    /// taken whole.
    mutating func decide(_ position: Int, _ chosen: [(invoice: Int32, discount: Int64, writeOff: Int64)], rule: MatchRule, confidence: Int,
                         evidence: Evidence, exceptions: [MatchException] = [], memoTakes: [CreditMemoTake] = []) {
        let receipt = receipts[position]
        let currency = receipt.amount.currency
        var cashLeft = receipt.amount.minorUnits
        var applications = Applications()
        for take in memoTakes {
            applications.append(applicationTaking(take, currency: currency))
            cashLeft -= take.credit
            reduce(take.memo, by: take.credit)
        }
        for c in chosen {
            let invoice = book.invoices[Int(c.invoice)]
            let cash = open(c.invoice) - c.discount - c.writeOff
            cashLeft -= cash
            applications.append(Application(invoiceID: invoice.id, customerID: invoice.customerID, applied: Money(minorUnits: cash, currency: currency),
                                             discount: Money(minorUnits: c.discount, currency: currency), writeOff: Money(minorUnits: c.writeOff, currency: currency)))
            reduce(c.invoice, by: cash + c.discount + c.writeOff)
        }
        precondition(cashLeft >= 0, "applied more cash than the receipt holds")
        let customerID = prepared[position].customer >= 0 ? self.customerID(prepared[position].customer) : nil
        outcomes.append(position, Decision(receipt: receipt, customerID: customerID, applications: applications,
                                           unapplied: Money(minorUnits: cashLeft, currency: currency), rule: rule, confidence: confidence, evidence: evidence),
                        exceptions)
    }

    mutating func keepUnapplied(_ position: Int, evidence: Evidence, exceptions: [MatchException]) {
        let receipt = receipts[position]
        let customerID = prepared[position].customer >= 0 ? self.customerID(prepared[position].customer) : nil
        outcomes.append(position, Decision(receipt: receipt, customerID: customerID, applications: [], unapplied: receipt.amount,
                                           rule: .unapplied, confidence: 0, evidence: evidence), exceptions)
    }

    func discountDeadline(_ invoice: Invoice) -> Day? {
        guard let terms = invoice.terms, terms.discountBasisPoints > 0 else { return nil }
        return terms.discountDeadline(issuedOn: invoice.issueDay)
    }

    // MARK: - Remittance

    /// A receipt that names invoices: by number (the payer's own in a customer shard, any in the sequential pass), or
    /// by purchase order.
    mutating func applyRemittance(_ position: Int) {
        let p = prepared[position]
        if p.byPurchaseOrder {
            applyPurchaseOrders(position)
            return
        }
        var refused: [(id: String, owner: String, invoice: Int32)] = []
        // Items the shard may apply: the payer's own invoices (the sequential pass takes any it was given).
        let usable = p.references.filter { ref in
            let owner = book.customerOf[Int(ref.invoice)]
            if customer < 0 || owner == customer { return true }
            refused.append((book.invoices[Int(ref.invoice)].id, owner >= 0 ? customerID(owner) : book.invoices[Int(ref.invoice)].customerID, ref.invoice))
            return false
        }
        applyRemitted(position, usable, refused: refused, rule: .remittance)
    }

    /// Applies the remitted invoices in the order named: what a line says it pays (a line alone: all the cash), a
    /// discount inside its window, a shortfall within the tolerance written off; the rest short (SHORT_PAY at the end of
    /// the day) or over (OVER_PAY, kept as unapplied cash). A remittance that names only invoices already closed is a
    /// payment made again: OVER_PAY, the cash kept unapplied, never applied to another invoice by its amount.
    ///
    /// Credit memos named are taken first (`creditMemoTakes`): their credit joins the cash, then the invoices are paid
    /// as for any remittance.
    mutating func applyRemitted(_ position: Int, _ named: [ResolvedReference], refused: [(id: String, owner: String, invoice: Int32)], rule: MatchRule) {
        let receipt = receipts[position]
        let p = prepared[position]
        let currency = receipt.amount.currency
        let tolerance = policy.tolerance.minorUnits
        var cashLeft = receipt.amount.minorUnits
        var applications = Applications()
        var alreadyPaid: [String] = []
        /// Invoices named whose open amount is 0: closed by an earlier payment.
        var closed: [Int32] = []
        var evidence = baseEvidence(position)
        var touched: [Int32] = []
        let payerID = p.customer >= 0 ? customerID(p.customer) : nil
        // The invoices named, and the credit memos apart (looked for only in a book that has memos).
        var usable = named
        var memoNotes = ""
        if book.hasCreditMemos, named.contains(where: { book.isCreditMemo($0.invoice) }) {
            usable = named.filter { !book.isCreditMemo($0.invoice) }
            let invoicesOpen = usable.contains { open($0.invoice) > 0 && book.invoices[Int($0.invoice)].amount.currency == currency }
            let memos = creditMemoTakes(position, named.filter { book.isCreditMemo($0.invoice) }, invoicesOpen: invoicesOpen)
            for fact in memos.facts { evidence.matched.append(fact) }
            for take in memos.takes {
                applications.append(applicationTaking(take, currency: currency))
                cashLeft -= take.credit
                reduce(take.memo, by: take.credit)
            }
            memoNotes = memos.notes.joined(separator: "; ")
        }
        let single = usable.count == 1
        // A line whose amount paid could not be read names its invoice, but what it pays is unknown, not absent: it is
        // paid nothing, and neither is a line that gives no amount beside it (what is open is then no measure of what
        // the payer meant). Their invoices go to a person with the cash the readable lines leave.
        let unreadLines = usable.filter { $0.item(of: receipt).unreadable.contains(.amountPaid) }.map { book.invoices[Int($0.invoice)].id }
        let someUnreadable = !unreadLines.isEmpty
        var unreadable: [String] = []
        var unstated: [String] = []
        // Applications that recover an amount written off earlier.
        var recoveries = 0
        for ref in usable {
            let item = ref.item(of: receipt)
            let invoice = book.invoices[Int(ref.invoice)]
            let openNow = open(ref.invoice)
            let unreadLine = item.unreadable.contains(.amountPaid) || (someUnreadable && item.amountPaid == nil)
            guard openNow > 0, invoice.amount.currency == currency else {
                // Closed, and something of it written off before: what the line pays of that is recovered (the invoice
                // stays closed). Closed by cash alone: paid again.
                if openNow == 0, invoice.amount.currency == currency, !unreadLine,
                   recover(ref.invoice, claimed: item.amountPaid?.minorUnits, alone: single, cashLeft: &cashLeft, into: &applications, evidence: &evidence,
                           fact: .remitted(reference: item.reference, invoiceID: invoice.id, note: ref.note)) {
                    recoveries += 1
                    continue
                }
                if openNow == 0 && invoice.amount.minorUnits > 0 { closed.append(ref.invoice) } else { alreadyPaid.append(invoice.id) }
                continue
            }
            if unreadLine {
                let unread = item.unreadable.contains(.amountPaid)
                if unread { unreadable.append(invoice.id) } else { unstated.append(invoice.id) }
                evidence.matched.append(.text("remittance \(item.reference) → \(invoice.id): "
                                              + (unread ? "the amount paid could not be read" : "no amount paid given beside a line whose amount could not be read")
                                              + "; nothing applied"))
                continue
            }
            evidence.matched.append(rule == .purchaseOrder ? .purchaseOrder(reference: PurchaseOrderNumber.display(item.reference), invoiceID: invoice.id)
                                                           : .remitted(reference: item.reference, invoiceID: invoice.id, note: ref.note))
            let claimed = item.amountPaid?.minorUnits ?? (single ? cashLeft : openNow)
            let cash = max(0, min(claimed, cashLeft, openNow))
            cashLeft -= cash
            var remaining = openNow - cash
            var discount: Int64 = 0
            var discountUnread = false
            var unearned: Day?
            if remaining > 0, let terms = invoice.terms, terms.discountBasisPoints > 0, let deadline = discountDeadline(invoice) {
                let allowed = terms.discount(on: invoice.amount).minorUnits
                let asked = item.discount?.minorUnits ?? remaining
                if item.unreadable.contains(.discount) {
                    // The discount the payer wrote could not be read: none is taken automatically.
                    discountUnread = true
                } else if receipt.valueDay <= deadline {
                    if asked <= allowed + tolerance { discount = min(asked, remaining, allowed) }
                } else if item.discount != nil || remaining == allowed {
                    // The discount taken after its window: an unearned discount, never written off.
                    unearned = deadline
                }
            }
            remaining -= discount
            var writeOff: Int64 = 0
            if remaining > 0 && remaining <= tolerance && unearned == nil {
                writeOff = remaining
                remaining = 0
            }
            if remaining > 0 {
                var reasons = item.adjustments.map { "\($0.reasonCode) \($0.amount)" }.joined(separator: ", ")
                if discountUnread { reasons += (reasons.isEmpty ? "" : "; ") + "remittance's discount on \(invoice.id) could not be read: none taken" }
                if !memoNotes.isEmpty { reasons += (reasons.isEmpty ? "" : "; ") + memoNotes }
                shortWatch[ref.invoice] = ShortNote(position: position, adjustments: reasons, unearnedDiscountDeadline: unearned)
            }
            applications.append(Application(invoiceID: invoice.id, customerID: invoice.customerID, applied: Money(minorUnits: cash, currency: currency),
                                             discount: Money(minorUnits: discount, currency: currency), writeOff: Money(minorUnits: writeOff, currency: currency)))
            touched.append(ref.invoice)
            reduce(ref.invoice, by: cash + discount + writeOff)
            // Paid past what was open: the rest recovers what was written off of the invoice before, if anything was.
            if claimed > openNow, cashLeft > 0, recover(ref.invoice, claimed: claimed - cash, alone: false, cashLeft: &cashLeft, into: &applications, evidence: &evidence) {
                recoveries += 1
            }
        }
        if applications.isEmpty && !closed.isEmpty && refused.isEmpty && unreadable.isEmpty && unstated.isEmpty {
            paidAgain(position, usable, closed: closed, evidence: evidence)
            return
        }
        var exceptions: [MatchException] = []
        var notes: [String] = []
        if !p.unknown.isEmpty { notes.append("remittance names \(p.unknown.joined(separator: ", ")), which match no invoice") }
        if !memoNotes.isEmpty { notes.append(memoNotes) }
        if !alreadyPaid.isEmpty { notes.append("\(alreadyPaid.joined(separator: ", ")) already settled") }
        for invoice in closed { notes.append("\(book.invoices[Int(invoice)].id) \(closedBy(invoice))") }
        // The invoices named that were paid nothing because a line's amount could not be read.
        let held = unreadable + unstated
        var unread = ""
        if !held.isEmpty {
            unread = "the amount the remittance gives for \(unreadLines.joined(separator: ", ")) could not be read"
                + (unstated.isEmpty ? "" : ", and it gives none for \(unstated.joined(separator: ", "))")
                + "; nothing applied to \(held.joined(separator: ", "))"
        }
        if !refused.isEmpty {
            if !unread.isEmpty { notes.append(unread) }
            for r in refused { evidence.candidates.append(Candidate(invoiceID: r.id, openMinorUnits: open(r.invoice), reason: .otherCustomer(r.owner))) }
            exceptions.append(exception(position, .unmatched, customer: payerID ?? "", amount: Money(minorUnits: cashLeft, currency: currency), invoices: refused.map(\.id) + held,
                                        "remittance names \(refused.map { "\($0.id) of customer \($0.owner)" }.joined(separator: ", ")), not \(payerID ?? "the payer")'s; "
                                            + "\(Money(minorUnits: cashLeft, currency: currency)) kept as unapplied cash" + (notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"),
                                        suggestions: refused.map { "settle exceptions resolve … --apply \($0.id)=AMOUNT if \(payerID ?? "the payer") pays for \($0.owner)" }.joined(separator: "; ")))
        } else if !unread.isEmpty {
            // Not an over-payment, nor a short payment of a guessed amount: the cash left waits for a person, naming the
            // invoices whose lines could not be read (never written off within the tolerance: it may be theirs).
            let left = Money(minorUnits: cashLeft, currency: currency)
            exceptions.append(exception(position, .unmatched, customer: payerID ?? "", amount: left, invoices: held,
                                        unread + "; " + (cashLeft > 0 ? "\(left) kept as unapplied cash until someone applies it" : "the lines that could be read took all the cash")
                                            + (notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"),
                                        suggestions: held.map { "settle exceptions resolve … --apply \($0)=AMOUNT as the payer's remittance says" }.joined(separator: "; ")))
        } else if cashLeft > 0 {
            if cashLeft <= tolerance, let last = applications.indices.last {
                // Over by less than the tolerance: the difference is written off (a gain), the invoice closed.
                let a = applications[last]
                applications[last] = Application(invoiceID: a.invoiceID, customerID: a.customerID, applied: Money(minorUnits: a.applied.minorUnits + cashLeft, currency: currency),
                                                 discount: a.discount, writeOff: Money(minorUnits: a.writeOff.minorUnits - cashLeft, currency: currency))
                evidence.matched.append("over by \(Money(minorUnits: cashLeft, currency: currency)), within the tolerance of \(policy.tolerance)")
                cashLeft = 0
            } else {
                exceptions.append(exception(position, .overPay, customer: payerID ?? "", amount: Money(minorUnits: cashLeft, currency: currency),
                                            invoices: named.map { book.invoices[Int($0.invoice)].id },
                                            "\(Money(minorUnits: cashLeft, currency: currency)) more than the remitted invoices' open amounts"
                                                + (recoveries > 0 ? " and what was written off of them" : "") + "; kept as unapplied cash"
                                                + (notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"),
                                            suggestions: "refund, or apply to another open invoice"))
            }
        }
        // A purchase order is the customer's number, not ours: a little less sure than an invoice number.
        let confidence = exceptions.isEmpty && p.unknown.isEmpty && !touched.contains(where: { shortWatch[$0]?.position == position }) ? (rule == .purchaseOrder ? 90 : 95) : 80
        let decision = Decision(receipt: receipt, customerID: payerID, applications: applications, unapplied: Money(minorUnits: cashLeft, currency: currency),
                                rule: recoveries > 0 && recoveries == applications.count ? .recovery : rule, confidence: confidence, evidence: evidence)
        outcomes.append(position, decision, exceptions)
    }

    /// The remittance names only invoices already closed (and perhaps some not open for other reasons): the customer
    /// pays them again. OVER_PAY for the whole receipt, kept as unapplied cash to be refunded through review; the
    /// amount rules are not tried, so the cash never goes silently to another invoice of the same amount.
    private mutating func paidAgain(_ position: Int, _ usable: [ResolvedReference], closed: [Int32], evidence start: Evidence) {
        let receipt = receipts[position]
        let p = prepared[position]
        var evidence = start
        for invoice in closed {
            let id = book.invoices[Int(invoice)].id
            let named = usable.first { $0.invoice == invoice }.map { $0.item(of: receipt).reference } ?? id
            evidence.matched.append(.text("remittance \(p.byPurchaseOrder ? PurchaseOrderNumber.display(named) : named) → \(id), \(closedBy(invoice))"))
            evidence.candidates.append(Candidate(invoiceID: id, openMinorUnits: 0, reason: .alreadySettled))
        }
        let ids = closed.map { book.invoices[Int($0)].id }
        let details = closed.map { "\(book.invoices[Int($0)].id) \(closedBy($0))" }.joined(separator: "; ")
        let unknown = p.unknown.isEmpty ? "" : "; remittance names \(p.unknown.joined(separator: ", ")), which match no invoice"
        let raised = exception(position, .overPay, customer: p.customer >= 0 ? customerID(p.customer) : book.invoices[Int(closed[0])].customerID, amount: receipt.amount,
                               invoices: ids,
                               "paid again: the remittance names \(details); \(receipt.amount) kept as unapplied cash, not applied to another invoice\(unknown)",
                               suggestions: "refund through review (settle exceptions resolve ID --refund), or --apply INVOICE=AMOUNT if the customer names another invoice")
        keepUnapplied(position, evidence: evidence, exceptions: [raised])
    }

    /// How an invoice came to be closed, as far as this pass knows: the receipt of the day that closed it when it was
    /// open as the pass began; before that, only that an earlier payment did.
    mutating func closedBy(_ invoice: Int32) -> String {
        // Open as the pass began (a credit memo's open amount is below 0).
        guard engine.open[Int(invoice)] != 0, let earlier = closer(of: invoice) else { return "closed by an earlier payment" }
        let r = receipts[earlier]
        return "closed by an earlier payment, receipt \(r.id) (\(r.source.rawValue) \(r.sourceRef)) of \(r.valueDay)"
    }

    /// The receipt of this customer (or pass) that last settled some of the invoice. The decisions are indexed by invoice
    /// as far as they go on first need, and further as more are made: a day that names no closed invoice pays nothing.
    private mutating func closer(of invoice: Int32) -> Int? {
        while closersIndexed < outcomes.count {
            for a in outcomes.decisions[closersIndexed].applications where a.settled != 0 { closers[a.invoiceID] = outcomes.positions[closersIndexed] }
            closersIndexed += 1
        }
        return closers[book.invoices[Int(invoice)].id]
    }

    // MARK: - Purchase orders

    /// References found by purchase order (DESIGN.md, Cash application, rule 1): each order naming at most one open
    /// invoice of the payer is applied as a remittance line; an order shared by several open invoices is applied to
    /// the one set of them whose open amounts sum to the payment (searched exhaustively, bounded like combinations),
    /// else it is AMBIGUOUS and the cash kept unapplied.
    mutating func applyPurchaseOrders(_ position: Int) {
        let receipt = receipts[position]
        let p = prepared[position]
        let currency = receipt.amount.currency
        func isOpen(_ r: ResolvedReference) -> Bool { open(r.invoice) > 0 && book.invoices[Int(r.invoice)].amount.currency == currency }
        // Credit memos named beside the orders (by their own numbers) are taken first; the orders name invoices only.
        var references = p.references
        var memos: [ResolvedReference] = []
        if book.hasCreditMemos, references.contains(where: { book.isCreditMemo($0.invoice) }) {
            memos = references.filter { book.isCreditMemo($0.invoice) }
            references.removeAll { book.isCreditMemo($0.invoice) }
        }
        // The orders: runs of references of one remittance line or one order written in the text.
        var orders: [ArraySlice<ResolvedReference>] = []
        var start = 0
        for k in 1...references.count where k == references.count || references[k].itemIndex != references[start].itemIndex
            || references[k].textReference != references[start].textReference {
            orders.append(references[start..<k])
            start = k
        }
        if orders.allSatisfy({ order in order.reduce(0) { $0 + (isOpen($1) ? 1 : 0) } <= 1 }) {
            // One open invoice an order (or none: its invoices, closed, are paid again).
            var lines: [ResolvedReference] = memos
            for order in orders {
                if let one = order.first(where: isOpen) { lines.append(one) } else { lines.append(contentsOf: order) }
            }
            applyRemitted(position, lines, refused: [], rule: .purchaseOrder)
            return
        }
        var pool: [Int32] = []
        var orderOf: [Int32: String] = [:]
        for order in orders {
            let written = PurchaseOrderNumber.display(order[order.startIndex].item(of: receipt).reference)
            for r in order where isOpen(r) && orderOf[r.invoice] == nil {
                pool.append(r.invoice)
                orderOf[r.invoice] = written
            }
        }
        pool.sort { book.age[Int($0)] < book.age[Int($1)] }
        let names = orders.map { PurchaseOrderNumber.display($0[$0.startIndex].item(of: receipt).reference) }.joined(separator: ", ")
        let payer = customerID(p.customer)
        var evidence = baseEvidence(position)
        // The memos' credit joins the cash: the orders' invoices must sum to both.
        let memoTakes = memos.isEmpty ? (takes: [], facts: [], notes: []) : creditMemoTakes(position, memos, invoicesOpen: !pool.isEmpty)
        let amount = receipt.amount.minorUnits - memoTakes.takes.reduce(Int64(0)) { $0 + $1.credit }
        // What the invoices must sum to, as the messages say it.
        let target = memoTakes.takes.isEmpty ? "\(receipt.amount)"
            : "\(Money(minorUnits: amount, currency: currency)) (\(receipt.amount) and the credit of "
                + memoTakes.takes.map { "\(book.invoices[Int($0.memo)].id) \(Money(minorUnits: $0.credit, currency: currency))" }.joined(separator: ", ") + ")"
        // Every set that sums to the payment, a single invoice included; two are enough to say it is not one.
        var solutions: [[Int]] = []
        var why = ""
        if pool.count > policy.combinationInvoiceLimit {
            why = "more than \(policy.combinationInvoiceLimit) open invoices, not searched"
        } else {
            let values = pool.map { open($0) }
            solutions = values.indices.filter { values[$0] == amount }.prefix(2).map { [$0] }
            if solutions.count < 2 {
                switch SubsetSum.search(values: values, low: amount, high: amount, stepBudget: policy.combinationStepBudget) {
                case .none: break
                case let .unique(set): solutions.append(set)
                case let .several(a, b): solutions += [a, b]
                case .cutOff: why = "the search for the set that sums to \(target) was cut off after \(policy.combinationStepBudget) steps"
                }
            }
        }
        if solutions.count == 1 && why.isEmpty {
            let chosen = solutions[0].map { pool[$0] }
            for fact in memoTakes.facts { evidence.matched.append(fact) }
            for invoice in chosen { evidence.matched.append(.purchaseOrder(reference: orderOf[invoice] ?? names, invoiceID: book.invoices[Int(invoice)].id)) }
            evidence.matched.append(.text("amount\(memoTakes.takes.isEmpty ? "" : " and credit") equals the open amount\(chosen.count == 1 ? "" : "s") of \(chosen.map { book.invoices[Int($0)].id }.joined(separator: " + ")), "
                                          + "the one set of the \(pool.count) open invoices of \(names) that sums to it"))
            decide(position, chosen.map { (invoice: $0, discount: Int64(0), writeOff: Int64(0)) }, rule: .purchaseOrder, confidence: 85, evidence: evidence,
                   memoTakes: memoTakes.takes)
            return
        }
        if why.isEmpty { why = solutions.isEmpty ? "no set of them sums to \(target)" : "several sets of them sum to \(target)" }
        if !memoTakes.notes.isEmpty { why += "; " + memoTakes.notes.joined(separator: "; ") }
        let ids = pool.map { book.invoices[Int($0)].id }
        evidence.candidates = pool.map { Candidate(invoiceID: book.invoices[Int($0)].id, openMinorUnits: open($0), reason: solutions.count > 1 ? .equalCandidate : .amountDiffers(open($0) - amount)) }
        let listed = pool.map { "\(book.invoices[Int($0)].id) open \(Money(minorUnits: open($0), currency: currency))" }.joined(separator: ", ")
        let suggestions = solutions.count > 1 ? solutions.prefix(2).map { set in set.map { ids[$0] }.joined(separator: "+") }.joined(separator: " or ")
                                              : "settle exceptions resolve ID --apply INVOICE=AMOUNT for the invoices of \(names) this payment is for"
        keepUnapplied(position, evidence: evidence, exceptions: [exception(position, .ambiguous, customer: payer, amount: receipt.amount, invoices: ids,
            "\(names) names \(pool.count) open invoices of \(payer) (\(listed)); \(why); kept as unapplied cash until someone chooses", suggestions: suggestions)])
    }

    /// SHORT_PAY for each invoice a remittance or short-payment rule left short and nothing later closed,
    /// raised on the receipt that last applied to it.
    mutating func raiseShortPayments() {
        guard !shortWatch.isEmpty else { return }
        var byPosition: [Int: [Int32]] = [:]
        for (invoice, note) in shortWatch where open(invoice) > 0 { byPosition[note.position, default: []].append(invoice) }
        guard !byPosition.isEmpty else { return }
        var slot: [Int: Int] = [:]
        for i in firstOutcomeOfCustomer..<outcomes.count { slot[outcomes.positions[i]] = i }
        for (position, short) in byPosition.sorted(by: { $0.key < $1.key }) {
            let invoices = short.sorted { book.invoices[Int($0)].id < book.invoices[Int($1)].id }
            let receipt = receipts[position]
            let currency = receipt.amount.currency
            var total: Int64 = 0
            var notes: [String] = []
            for i in invoices {
                guard let note = shortWatch[i] else { continue }
                let left = open(i)
                total += left
                var text = "\(book.invoices[Int(i)].id) left open \(Money(minorUnits: left, currency: currency))"
                if let deadline = note.unearnedDiscountDeadline { text += " (an unearned discount: the discount window closed \(deadline))" }
                if !note.adjustments.isEmpty { text += note.adjustments.hasPrefix("remittance") ? " (\(note.adjustments))" : " (adjustments: \(note.adjustments))" }
                notes.append(text)
            }
            let payer = prepared[position].customer >= 0 ? customerID(prepared[position].customer) : book.invoices[Int(invoices[0])].customerID
            let raised = exception(position, .shortPay, customer: payer, amount: Money(minorUnits: total, currency: currency),
                                   invoices: invoices.map { book.invoices[Int($0)].id }, "short payment: " + notes.joined(separator: "; "),
                                   suggestions: "ask the customer for the deduction's reason, or write it off")
            if let s = slot[position] { outcomes.exceptions[s].append(raised) }
        }
    }

    // MARK: - Amount rules

    /// Exact open amount, amount less an early-payment discount, exact combination. True when decided
    /// (an ambiguity is decided too: an exception, the cash kept unapplied).
    mutating func tryExact(_ position: Int) -> Bool {
        let (receipt, amount, currency, customerID) = amountRuleInput(position)
        let idx = index(currency)
        var evidence = baseEvidence(position)

        let exact = idx.entries(amount: amount)
        if exact.count == 1 {
            evidence.matched.append(.openAmountEquals(invoiceID: book.invoices[Int(exact[0].invoice)].id))
            decide(position, [(exact[0].invoice, 0, 0)], rule: .exactAmount, confidence: 90, evidence: evidence)
            return true
        }
        if exact.count > 1 {
            let ids = exact.map { book.invoices[Int($0.invoice)].id }
            if policy.ambiguous == .oldest {
                evidence.matched.append("\(exact.count) invoices open for this amount; the oldest, \(ids[0]), taken by policy")
                evidence.candidates = exact.dropFirst().map { Candidate(invoiceID: book.invoices[Int($0.invoice)].id, openMinorUnits: amount, reason: .equalCandidate) }
                decide(position, [(exact[0].invoice, 0, 0)], rule: .oldestFirst, confidence: 60, evidence: evidence)
                return true
            }
            evidence.candidates = exact.map { Candidate(invoiceID: book.invoices[Int($0.invoice)].id, openMinorUnits: amount, reason: .equalCandidate) }
            let note = prepared[position].unknown.isEmpty ? "" : "; remittance names \(prepared[position].unknown.joined(separator: ", ")), which match no invoice"
            keepUnapplied(position, evidence: evidence, exceptions: [exception(position, .ambiguous, customer: customerID, amount: receipt.amount, invoices: ids,
                "\(exact.count) open invoices of \(customerID) equal \(receipt.amount); kept as unapplied cash until someone chooses\(note)",
                suggestions: ids.joined(separator: " or "))])
            return true
        }

        // Amount less the early-payment discount, for invoices still whole and inside their window.
        var discounted: [(invoice: Int32, discount: Int64)] = []
        var closedWindows: [Candidate] = []
        for rate in book.discountRates[Int(customer)] {
            for gross in CashApplication.grossAmounts(net: amount, basisPoints: rate) {
                for e in idx.entries(amount: gross) {
                    let invoice = book.invoices[Int(e.invoice)]
                    guard let terms = invoice.terms, terms.discountBasisPoints == rate, invoice.amount.minorUnits == gross,
                          let deadline = discountDeadline(invoice) else { continue }
                    let discount = terms.discount(on: invoice.amount).minorUnits
                    guard gross - discount == amount else { continue }
                    if receipt.valueDay <= deadline {
                        discounted.append((e.invoice, discount))
                    } else {
                        closedWindows.append(Candidate(invoiceID: invoice.id, openMinorUnits: gross, reason: .discountWindowClosed(deadline)))
                    }
                }
            }
        }
        if discounted.count == 1 {
            let invoice = book.invoices[Int(discounted[0].invoice)]
            evidence.matched.append("amount equals \(invoice.id) less its early-payment discount (\(invoice.terms?.description ?? ""))")
            decide(position, [(discounted[0].invoice, discounted[0].discount, 0)], rule: .discountAmount, confidence: 85, evidence: evidence)
            return true
        }
        if discounted.count > 1 {
            let ids = discounted.map { book.invoices[Int($0.invoice)].id }
            evidence.candidates = ids.map { Candidate(invoiceID: $0, openMinorUnits: 0, reason: .equalCandidate) }
            keepUnapplied(position, evidence: evidence, exceptions: [exception(position, .ambiguous, customer: customerID, amount: receipt.amount, invoices: ids,
                "\(ids.count) open invoices of \(customerID) equal \(receipt.amount) after discount; kept as unapplied cash until someone chooses",
                suggestions: ids.joined(separator: " or "))])
            return true
        }
        if !closedWindows.isEmpty { pendingCandidates[position, default: []] += closedWindows }

        // A combination of two or more open invoices.
        return tryCombination(position, low: amount, high: amount, index: idx, evidence: evidence)
    }


    /// Searches combinations with a sum in `low...high`: two or more open invoices, or (DESIGN.md, Cash application,
    /// rule 3) one or more less exactly one open credit memo of the payer, taken whole. True when decided (applied,
    /// ambiguous, or cut off). A customer without memos searches as it always did.
    mutating func tryCombination(_ position: Int, low: Int64, high: Int64, index idx: SortedAmounts, evidence base: Evidence) -> Bool {
        let (receipt, amount, currency, customerID) = amountRuleInput(position)
        let memos = openCreditMemos(currency)
        // With a memo the invoices may reach past the amount by as much as its credit.
        let largestCredit = memos.reduce(Int64(0)) { max($0, -$1.open) }
        let (reach, overflow) = high.addingReportingOverflow(largestCredit)
        guard !overflow, let pool = idx.entries(atMost: reach, limit: policy.combinationInvoiceLimit) else {
            let memoNote = memos.isEmpty ? "" : " less the credit of one of its credit memos"
            searchNotes[position] = "combinations not searched: more than \(policy.combinationInvoiceLimit) open invoices of \(customerID) are at most \(receipt.amount)\(memoNote)"
            return false
        }
        // Oldest first, so a solution lists its invoices in age order.
        let ordered = pool.sorted { $0.age < $1.age }
        var evidence = base
        /// An index of the search: an invoice of `ordered`, or past them a memo of `memos`.
        func id(_ k: Int) -> String { book.invoices[Int(k < ordered.count ? ordered[k].invoice : memos[k - ordered.count].memo)].id }
        func open(_ k: Int) -> Int64 { k < ordered.count ? ordered[k].amount : memos[k - ordered.count].open }
        switch SubsetSum.search(values: ordered.map(\.amount), credits: memos.map(\.open), low: low, high: high, stepBudget: policy.combinationStepBudget) {
        case .none:
            return false
        case let .unique(set):
            let invoices = set.filter { $0 < ordered.count }
            let memo = set.first { $0 >= ordered.count }
            let sum = set.reduce(Int64(0)) { $0 + open($1) }
            let difference = sum - amount
            var text = "amount equals the sum of \(invoices.map(id).joined(separator: " + "))"
            if let memo { text += " less credit memo \(id(memo)) (open \(Money(minorUnits: -open(memo), currency: currency)) of credit, taken whole)" }
            if difference != 0 { text += " less \(Money(minorUnits: difference, currency: currency)) written off" }
            evidence.matched.append(.text(text))
            // The memo first (its credit taken), then the invoices; a write-off goes on the last invoice.
            var parts = (memo.map { [$0] } ?? []).map { (invoice: memos[$0 - ordered.count].memo, discount: Int64(0), writeOff: Int64(0)) }
            parts += invoices.map { (invoice: ordered[$0].invoice, discount: Int64(0), writeOff: Int64(0)) }
            parts[parts.count - 1].writeOff = difference
            decide(position, parts, rule: difference == 0 ? .combination : .tolerance, confidence: difference == 0 ? 80 : 70, evidence: evidence)
            return true
        case let .several(a, b):
            let first = a.map(id)
            let second = b.map(id)
            let ids = Array(Set(first + second)).sorted()
            evidence.candidates = ids.map { Candidate(invoiceID: $0, openMinorUnits: 0, reason: .equalCandidate) }
            let memoNote = memos.isEmpty ? "" : " (less at most one of its credit memos)"
            keepUnapplied(position, evidence: evidence, exceptions: [exception(position, .ambiguous, customer: customerID, amount: receipt.amount, invoices: ids,
                "several combinations of open invoices of \(customerID)\(memoNote) sum to \(receipt.amount)\(low == high ? "" : " within the tolerance"); kept as unapplied cash until someone chooses",
                suggestions: first.joined(separator: "+") + " or " + second.joined(separator: "+"))])
            return true
        case .cutOff:
            let memoNote = memos.isEmpty ? "" : " (and \(memos.count) open credit memo\(memos.count == 1 ? "" : "s"))"
            keepUnapplied(position, evidence: evidence, exceptions: [exception(position, .unmatched, customer: customerID, amount: receipt.amount, invoices: [],
                "the search for a combination of \(customerID)'s \(pool.count) open invoices\(memoNote) that sums to \(receipt.amount) was cut off after \(policy.combinationStepBudget) steps; "
                    + "no combination can be called unique, so none was applied; kept as unapplied cash",
                suggestions: "apply by hand with settle exceptions resolve")])
            return true
        }
    }


    // MARK: - Several receipts together

    /// Receipts of the customer that no rule took alone: a set of them that adds up to exactly one open
    /// invoice, when no other set claims the same receipts or invoice.
    mutating func trySplits(_ deferred: inout [Int]) {
        let n = deferred.count
        var subsets: [[Int]] = []
        if n <= 12 {
            for mask in 1..<(1 << n) where mask.nonzeroBitCount >= 2 {
                subsets.append((0..<n).filter { mask & (1 << $0) != 0 })
            }
        } else if n <= 200 {
            for i in 0..<n { for j in (i + 1)..<n { subsets.append([i, j]) } }
        } else {
            return
        }
        var matches: [(members: [Int], invoice: Int32)] = []
        for subset in subsets {
            let currency = receipts[deferred[subset[0]]].amount.currency
            guard subset.allSatisfy({ receipts[deferred[$0]].amount.currency == currency }) else { continue }
            let sum = subset.reduce(Int64(0)) { $0 + receipts[deferred[$1]].amount.minorUnits }
            let found = index(currency).entries(amount: sum)
            if found.count == 1 { matches.append((subset, found[0].invoice)) }
        }
        var receiptUse: [Int: Int] = [:]
        var invoiceUse: [Int32: Int] = [:]
        for m in matches {
            for r in m.members { receiptUse[r, default: 0] += 1 }
            invoiceUse[m.invoice, default: 0] += 1
        }
        var taken = Set<Int>()
        for m in matches where invoiceUse[m.invoice] == 1 && m.members.allSatisfy({ receiptUse[$0] == 1 }) {
            let invoice = book.invoices[Int(m.invoice)]
            let positions = m.members.map { deferred[$0] }
            let refs = positions.map { receipts[$0].sourceRef }
            for position in positions {
                var evidence = baseEvidence(position)
                evidence.matched.append("with \(refs.filter { $0 != receipts[position].sourceRef }.joined(separator: ", ")) the same day, the amounts add up to the open amount of \(invoice.id)")
                let cash = receipts[position].amount.minorUnits
                let currency = receipts[position].amount.currency
                let application = Application(invoiceID: invoice.id, customerID: invoice.customerID, applied: Money(minorUnits: cash, currency: currency),
                                              discount: .zero(currency), writeOff: .zero(currency))
                reduce(m.invoice, by: cash)
                outcomes.append(position, Decision(receipt: receipts[position], customerID: invoice.customerID, applications: [application],
                                                   unapplied: .zero(currency), rule: .splitPayment, confidence: 75, evidence: evidence), [])
            }
            taken.formUnion(positions)
        }
        deferred.removeAll { taken.contains($0) }
    }

    // MARK: - Tolerance, short and over payment

    /// One invoice within the tolerance (written off), a combination within the tolerance, or exactly one
    /// invoice within `shortPayPercent` of the amount (short: applied as far as it goes, SHORT_PAY at the end
    /// of the day if nothing else closes it; over: the rest kept as unapplied cash, OVER_PAY).
    mutating func tryInexact(_ position: Int) -> Bool {
        let (receipt, amount, currency, customerID) = amountRuleInput(position)
        let tolerance = policy.tolerance.minorUnits
        let idx = index(currency)
        var evidence = baseEvidence(position)

        var near: [SortedAmounts.Entry] = []
        idx.forEach(amountFrom: amount - tolerance, through: amount + tolerance) { near.append($0); return near.count < 3 }
        if near.count == 1 {
            let e = near[0]
            let invoice = book.invoices[Int(e.invoice)]
            let difference = e.amount - amount
            // A shortfall that is the discount taken after its window is an unearned discount: never written off.
            if difference > 0, let terms = invoice.terms, terms.discountBasisPoints > 0, e.amount == invoice.amount.minorUnits,
               let deadline = discountDeadline(invoice), receipt.valueDay > deadline, terms.discount(on: invoice.amount).minorUnits == difference {
                evidence.matched.append("amount equals \(invoice.id) less its early-payment discount, taken after the window closed \(deadline)")
                let unknown = prepared[position].unknown.isEmpty ? "" : "remittance names \(prepared[position].unknown.joined(separator: ", ")), which match no invoice"
                shortWatch[e.invoice] = ShortNote(position: position, adjustments: unknown, unearnedDiscountDeadline: deadline)
                decide(position, [], rule: .shortPay, confidence: 70, evidence: evidence)
                fixShortApplication(position, invoice: e.invoice, cash: amount)
                return true
            }
            evidence.matched.append("amount is \(Money(minorUnits: abs(difference), currency: currency)) \(difference > 0 ? "short of" : "over") \(invoice.id), within the tolerance of \(policy.tolerance)")
            decide(position, [(e.invoice, 0, difference)], rule: .tolerance, confidence: 75, evidence: evidence)
            return true
        }
        if near.count > 1 {
            return false
        }
        if tolerance > 0, tryCombination(position, low: amount - tolerance, high: amount + tolerance, index: idx, evidence: evidence) { return true }

        // Short or over by up to shortPayPercent of the amount, to exactly one invoice.
        let slack = amount * Int64(policy.shortPayPercent) / 100
        var within: [SortedAmounts.Entry] = []
        idx.forEach(amountFrom: amount - slack, through: amount + slack) { within.append($0); return within.count < 3 }
        guard within.count == 1 else {
            if within.count > 1 {
                let candidates = within.map { Candidate(invoiceID: book.invoices[Int($0.invoice)].id, openMinorUnits: $0.amount, reason: .amountDiffers($0.amount - amount)) }
                pendingCandidates[position, default: []] += candidates
            }
            return false
        }
        let e = within[0]
        let invoice = book.invoices[Int(e.invoice)]
        if e.amount > amount {
            evidence.matched.append("amount is \(Money(minorUnits: e.amount - amount, currency: currency)) short of \(invoice.id), the one open invoice of \(customerID) within \(policy.shortPayPercent)%")
            var unearned: Day?
            if let terms = invoice.terms, terms.discountBasisPoints > 0, e.amount == invoice.amount.minorUnits, let deadline = discountDeadline(invoice),
               receipt.valueDay > deadline, terms.discount(on: invoice.amount).minorUnits == e.amount - amount {
                unearned = deadline
            }
            let unknown = prepared[position].unknown.isEmpty ? "" : "remittance names \(prepared[position].unknown.joined(separator: ", ")), which match no invoice"
            shortWatch[e.invoice] = ShortNote(position: position, adjustments: unknown, unearnedDiscountDeadline: unearned)
            decide(position, [], rule: .shortPay, confidence: 70, evidence: evidence)
            fixShortApplication(position, invoice: e.invoice, cash: amount)
        } else {
            let over = amount - e.amount
            evidence.matched.append("amount is \(Money(minorUnits: over, currency: currency)) over \(invoice.id), the one open invoice of \(customerID) within \(policy.shortPayPercent)%")
            decide(position, [(e.invoice, 0, 0)], rule: .overPay, confidence: 70, evidence: evidence,
                   exceptions: [exception(position, .overPay, customer: customerID, amount: Money(minorUnits: over, currency: currency), invoices: [invoice.id],
                                          "\(Money(minorUnits: over, currency: currency)) more than the open amount of \(invoice.id); kept as unapplied cash",
                                          suggestions: "refund, or apply to another open invoice")])
        }
        return true
    }

    /// Turns the last decision (made with no application) into cash applied to one invoice, short of its open amount.
    private mutating func fixShortApplication(_ position: Int, invoice: Int32, cash: Int64) {
        guard let last = outcomes.positions.indices.last, outcomes.positions[last] == position else { return }
        let currency = receipts[position].amount.currency
        let inv = book.invoices[Int(invoice)]
        outcomes.decisions[last].applications = [Application(invoiceID: inv.id, customerID: inv.customerID, applied: Money(minorUnits: cash, currency: currency),
                                                              discount: .zero(currency), writeOff: .zero(currency))]
        outcomes.decisions[last].unapplied = .zero(currency)
        reduce(invoice, by: cash)
    }

    /// Nothing matched: the cash stays unapplied on the customer, with the nearest invoices as candidates.
    mutating func unmatched(_ position: Int) {
        let (receipt, amount, currency, customerID) = amountRuleInput(position)
        let idx = index(currency)
        var evidence = baseEvidence(position)
        let nearest = idx.nearest(to: amount, limit: 3)
        evidence.candidates = (pendingCandidates[position] ?? []) + nearest.map {
            Candidate(invoiceID: book.invoices[Int($0.invoice)].id, openMinorUnits: $0.amount, reason: .amountDiffers($0.amount - amount))
        }
        let note = prepared[position].unknown.isEmpty ? "" : "; remittance names \(prepared[position].unknown.joined(separator: ", ")), which match no invoice"
        let search = searchNotes[position].map { "; \($0)" } ?? ""
        let suggestion = nearest.map { "\(book.invoices[Int($0.invoice)].id) open \(Money(minorUnits: $0.amount, currency: currency)) (differs by \(Money(minorUnits: $0.amount - amount, currency: currency)))" }
            .joined(separator: "; ")
        let message = idx.count == 0 ? "\(customerID) has no open invoices in \(currency); kept as unapplied cash\(note)"
                                     : "no open invoice or combination of \(customerID) matches \(receipt.amount); kept as unapplied cash\(note)\(search)"
        keepUnapplied(position, evidence: evidence, exceptions: [exception(position, .unmatched, customer: customerID, amount: receipt.amount,
                                                                           invoices: nearest.map { book.invoices[Int($0.invoice)].id }, message, suggestions: suggestion)])
    }
}

extension CashApplication {
    /// Invoice amounts whose discount at `basisPoints` leaves `net`: at most a few, by the rounding.
    static func grossAmounts(net: Int64, basisPoints: Int) -> [Int64] {
        guard basisPoints > 0 && basisPoints < 10_000 else { return [] }
        let estimate = net * 10_000 / Int64(10_000 - basisPoints)
        var out: [Int64] = []
        for gross in (estimate - 2)...(estimate + 2) where gross > 0 {
            let product = gross * Int64(basisPoints)
            let discount = (product + 5_000) / 10_000
            if gross - discount == net { out.append(gross) }
        }
        return out
    }

    static func makeException(_ receipt: Receipt, _ type: ExceptionType, _ customer: String, _ amount: Money?, _ invoices: [String],
                              _ message: String, _ suggestions: String, _ severity: Severity) -> MatchException {
        MatchException(type: type, severity: severity, about: receipt.sourceKey, receiptID: receipt.id, source: receipt.source.rawValue,
                       sourceRef: receipt.sourceRef, location: receipt.location, customerID: customer, amount: amount,
                       invoiceIDs: invoices, message: message, suggestions: suggestions)
    }
}
