import Foundation
import Core
import Receivables

/// What cash application decided for a day's receipts, in the order the receipts were given.
public struct DayApplication: Sendable {
    public var decisions: [Decision]
    public var exceptions: [MatchException]
    /// How long each step took (payers and references, plan, customer shards, sequential pass, collection), for the run log.
    public var stepTimings: [(step: String, duration: Duration)] = []
}

/// Applies receipts to open invoices by the rules of DESIGN.md, in a fixed order, first confident rule wins:
/// remittance, customer, amount within the customer (exact, discount, combination, several receipts together),
/// tolerance and short or over payment; else an exception with the candidates and why each was set aside.
///
/// A day is matched customer by customer: the receipts of one customer are considered together (parts that
/// together pay an invoice close it; a short payment is raised only for what is still short at the end of the
/// day), customers are independent and run concurrently in shards, and a remittance naming a related
/// customer's invoice runs in a sequential pass after them, so no invoice is spent twice. Every lookup goes
/// through an index (references, customers, amounts): the cost grows with the day, not with its square.
public struct CashApplication: Sendable {
    public let policy: MatchingPolicy
    public let directory: CustomerDirectory
    let book: InvoiceBook
    /// Current open amount of every invoice of the book.
    var open: [Int64]
    /// What is still written off of each invoice something was written off of (and not recovered since), by its place in
    /// the book: a sparse table, empty on nearly every day, looked at only for an invoice a payment finds closed or pays
    /// past its open amount (a recovery), never for the payments that close what is open.
    var writtenOff: [Int32: Int64] = [:]

    /// `asOf`: the day being run; invoices issued after it are not seen. `writtenOff`: what was written off of each
    /// invoice before the day (within the tolerance, by a reviewer), less what was recovered since, in minor units of its
    /// currency; only invoices with something written off.
    public init(customers: [Customer], invoices: [Invoice], policy: MatchingPolicy, asOf: Day? = nil, writtenOff: [String: Int64] = [:]) {
        self.policy = policy
        directory = CustomerDirectory(customers)
        var seen = invoices
        if let asOf, invoices.contains(where: { $0.issueDay > asOf }) { seen = invoices.filter { $0.issueDay <= asOf } }
        book = InvoiceBook.build(invoices: seen, directory: directory)
        open = book.invoices.map(\.openAmount.minorUnits)
        self.writtenOff = Self.positions(writtenOff, in: book)
    }

    /// The same engine, its customer directory and invoice references built side by side on two tasks.
    public static func make(customers: [Customer], invoices: [Invoice], policy: MatchingPolicy, asOf: Day? = nil,
                            writtenOff: [String: Int64] = [:]) async -> CashApplication {
        var seen = invoices
        if let asOf, invoices.contains(where: { $0.issueDay > asOf }) { seen = invoices.filter { $0.issueDay <= asOf } }
        let (directory, book) = await InvoiceBook.build(invoices: seen, customers: customers)
        return CashApplication(policy: policy, directory: directory, book: book, writtenOff: writtenOff)
    }

    private init(policy: MatchingPolicy, directory: CustomerDirectory, book: InvoiceBook, writtenOff: [String: Int64]) {
        self.policy = policy
        self.directory = directory
        self.book = book
        open = book.invoices.map(\.openAmount.minorUnits)
        self.writtenOff = Self.positions(writtenOff, in: book)
    }

    /// The amounts written off by the invoices' places in the book (an invoice not in the book, or nothing written off of
    /// it, is left out).
    private static func positions(_ writtenOff: [String: Int64], in book: InvoiceBook) -> [Int32: Int64] {
        var out: [Int32: Int64] = [:]
        for (id, amount) in writtenOff where amount > 0 {
            if let i = book.references.invoice(withID: id, in: book.invoices) { out[i] = amount }
        }
        return out
    }

    public func openAmount(of invoiceID: String) -> Money? {
        book.references.invoice(withID: invoiceID, in: book.invoices).map { Money(minorUnits: open[Int($0)], currency: book.invoices[Int($0)].amount.currency) }
    }

    /// What is still written off of an invoice (nothing for one never written off, or recovered whole).
    public func writtenOffAmount(of invoiceID: String) -> Money? {
        book.references.invoice(withID: invoiceID, in: book.invoices).map { Money(minorUnits: writtenOff[$0] ?? 0, currency: book.invoices[Int($0)].amount.currency) }
    }

    public var allInvoices: [Invoice] {
        book.invoices.indices.map { i in
            var invoice = book.invoices[i]
            invoice.openAmount = Money(minorUnits: open[i], currency: invoice.amount.currency)
            return invoice
        }.sorted { $0.id < $1.id }
    }

    /// Decides one receipt alone and updates the open amounts it applied to.
    public mutating func apply(_ receipt: Receipt) -> (decision: Decision, exceptions: [MatchException]) {
        let day = applyAll([receipt])
        return (day.decisions[0], day.exceptions)
    }

    /// Decides a day's receipts on one thread; the same result as `applyAll(_:concurrency:)`.
    public mutating func applyAll(_ receipts: [Receipt]) -> DayApplication {
        let prepared = receipts.indices.map { prepare(receipts[$0]) }
        let plan = MatchPlan(prepared: prepared, receipts: receipts, book: book, directory: directory, policy: policy)
        var parts = [plan.outcomesBeforeShards(receipts: receipts, prepared: prepared, directory: directory),
                     runCustomers(plan.customerGroups, receipts: receipts, prepared: prepared)]
        applyOpenChanges(parts)
        parts.append(runSequential(plan.sequential, receipts: receipts, prepared: prepared))
        applyOpenChanges(parts[(parts.count - 1)...])
        describeCandidates(&parts)
        return CashApplication.assemble(count: receipts.count, from: &parts)
    }

    /// Decides a day's receipts with customer shards on up to `concurrency` tasks. Deterministic: a customer's
    /// receipts are always decided together and in input order, whatever the shard or the task.
    ///
    /// `beforeShards` is awaited before the customers are decided (the shards, cash application's peak of memory),
    /// once the receipts' payers and references and the plan are made: the runner's moment to wait for what else holds
    /// memory to let go of it. When the day runs in shards, `afterShards` is called once they are done and their
    /// working lists gone, before the day's decisions are assembled: the runner's moment to hand the freed pages back
    /// to the system (cash application does not touch the allocator itself).
    public mutating func applyAll(_ receipts: [Receipt], concurrency: Int, beforeShards: () async -> Void = {},
                                  afterShards: () -> Void = {}) async -> DayApplication {
        let tasks = max(1, concurrency)
        if tasks == 1 || receipts.count < 2_000 {
            await beforeShards()
            return applyAll(receipts)
        }
        let engine = self
        let clock = ContinuousClock()
        var mark = clock.now
        var timings: [(step: String, duration: Duration)] = []
        func lap(_ step: String) {
            let now = clock.now
            if Trace.isOn { FileHandle.standardError.write(Data("cash \(step): heap \((Allocator.bytesInUse() ?? 0) >> 20) MB\n".utf8)) }
            timings.append((step, now - mark))
            mark = now
        }
        // Customer and references first, in chunks.
        let chunk = (receipts.count + tasks - 1) / tasks
        let prepared: [PreparedReceipt] = await withTaskGroup(of: (Int, [PreparedReceipt]).self) { group in
            for t in 0..<tasks {
                let range = (t * chunk)..<min(receipts.count, (t + 1) * chunk)
                if range.isEmpty { continue }
                group.addTask { (t, range.map { engine.prepare(receipts[$0]) }) }
            }
            var parts = [[PreparedReceipt]](repeating: [], count: tasks)
            for await (t, part) in group { parts[t] = part }
            return parts.flatMap { $0 }
        }
        lap("payers and references")
        let plan = MatchPlan(prepared: prepared, receipts: receipts, book: book, directory: directory, policy: policy)
        let immediate = plan.outcomesBeforeShards(receipts: receipts, prepared: prepared, directory: directory)
        lap("plan")
        await beforeShards()
        // Shards of customers, a few per task so that one large customer does not leave a core idle.
        let shardCount = tasks * 8
        var shards = [[CustomerGroup]](repeating: [], count: shardCount)
        for group in plan.customerGroups { shards[Int(group.customer) % shardCount].append(group) }
        var results: [ShardResult] = await withTaskGroup(of: ShardResult.self) { taskGroup in
            var next = 0
            var collected: [ShardResult] = []
            func add(_ g: inout TaskGroup<ShardResult>) {
                let shard = shards[next]
                next += 1
                g.addTask { engine.runCustomers(shard, receipts: receipts, prepared: prepared) }
            }
            while next < shardCount && next < tasks { add(&taskGroup) }
            while let result = await taskGroup.next() {
                collected.append(result)
                if next < shardCount { add(&taskGroup) }
            }
            return collected
        }
        lap("customer shards")
        afterShards()
        results.append(immediate)
        applyOpenChanges(results)
        results.append(runSequential(plan.sequential, receipts: receipts, prepared: prepared))
        applyOpenChanges(results[(results.count - 1)...])
        describeCandidates(&results)
        lap("sequential pass")
        var day = CashApplication.assemble(count: receipts.count, from: &results)
        lap("collect")
        day.stepTimings = timings
        return day
    }

    /// Gives the candidates of each receipt that raised an exception their invoice's due day and purchase order, and an
    /// open amount to those a rule listed without one (invoices that fit equally): what a reviewer weighs them by. Only
    /// those receipts: the others' candidates are never shown, and a day of a million receipts pays one test each.
    private func describeCandidates(_ parts: inout [ShardResult]) {
        for p in parts.indices {
            for i in parts[p].outcomes.exceptions.indices where !parts[p].outcomes.exceptions[i].isEmpty {
                for k in parts[p].outcomes.decisions[i].evidence.candidates.indices {
                    let candidate = parts[p].outcomes.decisions[i].evidence.candidates[k]
                    guard let index = book.references.invoice(withID: candidate.invoiceID, in: book.invoices) else { continue }
                    let invoice = book.invoices[Int(index)]
                    var described = candidate
                    described.dueDay = invoice.dueDay
                    described.purchaseOrder = invoice.poNumber
                    if candidate.openMinorUnits == 0, candidate.reason == .equalCandidate { described.openMinorUnits = open[Int(index)] }
                    parts[p].outcomes.decisions[i].evidence.candidates[k] = described
                }
            }
        }
    }

    private mutating func applyOpenChanges(_ results: some Collection<ShardResult>) {
        for result in results {
            for (invoice, amount) in result.openChanges { open[Int(invoice)] = amount }
            for (invoice, amount) in result.writtenOffChanges { writtenOff[invoice] = amount }
        }
    }

    /// The decisions of every part, moved (not copied: a million decisions carry a million receipts) into
    /// input order; each receipt is decided by exactly one part.
    ///
    /// A part's receipts lie all over the day, so moving a part at a time wrote into nearly every page of the day's
    /// array at once, while the other parts still held theirs: 200 MB twice at 1M receipts. Each part is first dealt
    /// into stretches of positions (one part held twice at a time), then the array is filled a stretch at a time,
    /// each stretch's decisions let go as they are placed.
    private static func assemble(count: Int, from parts: inout [ShardResult]) -> DayApplication {
        let shift = 16
        let stretches = (count >> shift) + 1
        var dealt: [[Outcomes]] = []
        dealt.reserveCapacity(parts.count)
        for p in parts.indices {
            var stretch = [Outcomes](repeating: Outcomes(), count: stretches)
            while let decision = parts[p].outcomes.decisions.popLast() {
                let position = parts[p].outcomes.positions.removeLast()
                stretch[position >> shift].append(position, decision, parts[p].outcomes.exceptions.removeLast())
            }
            // The part's emptied arrays keep their room: let go of it before the next part is dealt.
            parts[p] = ShardResult()
            dealt.append(stretch)
        }
        var filled = [Bool](repeating: false, count: count)
        var raised = [[MatchException]](repeating: [], count: count)
        let decisions = [Decision](unsafeUninitializedCapacity: count) { buffer, initialized in
            var placed = 0
            guard let base = buffer.baseAddress else { initialized = 0; return }
            for k in 0..<stretches {
                for p in dealt.indices {
                    while let decision = dealt[p][k].decisions.popLast() {
                        let position = dealt[p][k].positions.removeLast()
                        precondition(position < count && !filled[position], "receipt \(position) decided twice")
                        filled[position] = true
                        (base + position).initialize(to: decision)
                        raised[position] = dealt[p][k].exceptions.removeLast()
                        placed += 1
                    }
                    dealt[p][k] = Outcomes()
                }
            }
            // Every slot must be initialized before the array exists: a receipt left undecided is a bug, not an outcome.
            precondition(placed == count, "\(count - placed) receipts left undecided")
            initialized = count
        }
        var exceptions: [MatchException] = []
        for i in raised.indices where !raised[i].isEmpty { exceptions.append(contentsOf: raised[i]) }
        return DayApplication(decisions: decisions, exceptions: exceptions)
    }

    // MARK: - Customer and references

    /// Finds the payer and the invoices the receipt names: by invoice number, else by purchase order.
    func prepare(_ receipt: Receipt) -> PreparedReceipt {
        var p = PreparedReceipt()
        if let found = directory.identifyIndex(companyID: receipt.payerCompanyID, name: receipt.payerName, freeText: receipt.freeText) {
            p.customer = found.index
            p.customerEvidence = found.evidence
        }
        guard receipt.amount.minorUnits > 0 else { return p }
        // Purchase orders named, looked up once the payer is known (empty, and never allocated, for nearly every receipt).
        var orders: [OrderMention] = []
        // The common case first, with nothing captured or allocated: one remittance line naming one invoice (a line
        // naming a credit memo goes the long way).
        if receipt.remittance.count == 1, !PurchaseOrderNumber.isQualifier(receipt.remittance[0].referenceQualifier),
           let only = lookupSimple(receipt.remittance[0].reference),
           !CreditMemoReference.isQualifier(receipt.remittance[0].referenceQualifier), !book.isCreditMemo(only) {
            p.references = [ResolvedReference(itemIndex: 0, invoice: only, note: nil)]
        } else {
            for (index, item) in receipt.remittance.enumerated() {
                if PurchaseOrderNumber.isQualifier(item.referenceQualifier) {
                    let written = PurchaseOrderNumber.display(item.reference)
                    if let key = PurchaseOrderNumber.key(item.reference) { orders.append(OrderMention(itemIndex: index, written: written, key: key)) } else { p.unknown.append(written) }
                    continue
                }
                if CreditMemoReference.isQualifier(item.referenceQualifier) {
                    // A line that says it names a credit memo is looked up among credit memos only.
                    let (found, note) = lookupCreditMemo(item.reference, customer: p.customer)
                    if let found, !p.references.contains(where: { $0.invoice == found }) {
                        p.references.append(ResolvedReference(itemIndex: index, invoice: found, note: nil))
                    } else if found == nil {
                        p.unknown.append(note ?? "credit memo \(item.reference)")
                    }
                    continue
                }
                // A negative amount paid is a credit taken: the line's number is a credit memo's, if one has it.
                let credit = book.hasCreditMemos && (item.amountPaid?.minorUnits ?? 0) < 0
                let (found, note) = lookup(item.reference, customer: p.customer, minimumLength: 1, typos: true, creditMemo: credit)
                if let found, !p.references.contains(where: { $0.invoice == found }) {
                    p.references.append(ResolvedReference(itemIndex: index, invoice: found, note: note))
                } else if found == nil {
                    p.unknown.append(note ?? item.reference)
                }
            }
        }
        if receipt.remittance.isEmpty, !receipt.freeText.isEmpty { referencesInText(receipt.freeText, into: &p, orders: &orders) }
        if p.customer < 0, let first = p.references.first {
            p.customer = book.customerOf[Int(first.invoice)]
            if p.customer >= 0 { p.customerEvidence = .remittedInvoice(book.invoices[Int(first.invoice)].id) }
            p.payerInferred = true
        }
        if !orders.isEmpty { resolve(orders, into: &p) }
        return p
    }

    /// The payer's invoices of each purchase order named. With an invoice number named too, the invoice number wins:
    /// the orders are only noted beside it (agreeing or not). Else the orders' invoices are the references, open or not
    /// (which of them are open is known only as the day is decided).
    private func resolve(_ orders: [OrderMention], into p: inout PreparedReceipt) {
        guard p.customer >= 0 else {
            // A purchase order is the customer's own number: without the payer, no invoice can be said to be its.
            for order in orders { p.unknown.append("\(order.written) (the payer is not identified)") }
            return
        }
        let payer = directory.list[Int(p.customer)].id
        // A purchase order names invoices, never a credit memo (a memo is named by its own number).
        func invoices(of order: OrderMention) -> [Int32] {
            (book.references.invoices(withPurchaseOrder: order.key) ?? []).filter { book.customerOf[Int($0)] == p.customer && !book.isCreditMemo($0) }
        }
        let memosNamed = p.references.count
        if let firstInvoice = p.references.firstIndex(where: { !book.isCreditMemo($0.invoice) }) {
            for order in orders {
                let own = invoices(of: order)
                let named = p.references.filter { !book.isCreditMemo($0.invoice) }.map(\.invoice)
                let text: String
                var at = firstInvoice
                if own.isEmpty {
                    text = "\(order.written) names no invoice of \(payer)"
                } else if let agreeing = p.references.firstIndex(where: { own.contains($0.invoice) }) {
                    at = agreeing
                    text = "\(order.written) is its purchase order too"
                } else {
                    let ids = own.map { book.invoices[Int($0)].id }.sorted().joined(separator: ", ")
                    text = "\(order.written) names \(ids), not \(named.map { book.invoices[Int($0)].id }.joined(separator: ", ")): the invoice number wins"
                }
                p.references[at].note = p.references[at].note.map { "\($0); \(text)" } ?? text
            }
            return
        }
        for order in orders {
            let own = invoices(of: order)
            if own.isEmpty {
                p.unknown.append(order.written)
                continue
            }
            for invoice in own where !p.references.contains(where: { $0.invoice == invoice }) {
                p.references.append(order.itemIndex >= 0 ? ResolvedReference(itemIndex: order.itemIndex, invoice: invoice, note: nil)
                                                         : ResolvedReference(textReference: order.written, invoice: invoice, note: nil))
            }
        }
        // Credit memos named beside the orders stay references, taken before the orders' invoices are paid.
        p.byPurchaseOrder = p.references.count > memosNamed
    }

    /// The one invoice a reference names, when exactly one has its number.
    private func lookupSimple(_ reference: String) -> Int32? {
        book.references.onlyInvoice(withReference: ReferenceKey(normalizing: reference))
    }

    /// The invoice a reference names: its number, the payer's own among invoices that share it, else a one-edit typo
    /// unique among all invoices (open or closed) of at least 6 characters; or why none. A number an invoice and a
    /// credit memo share names the invoice, or the memo when `creditMemo` (the line takes a credit); a typo never
    /// names a memo.
    private func lookup(_ reference: String, customer: Int32, minimumLength: Int, typos: Bool, creditMemo: Bool = false) -> (invoice: Int32?, note: String?) {
        let key = ReferenceKey(normalizing: reference)
        guard key.length >= minimumLength else { return (nil, nil) }
        if let only = book.references.onlyInvoice(withReference: key) { return (only, nil) }
        if let ids = book.references.invoices(withReference: key) {
            // The same number for two customers: the payer's own invoice, if it is one of them.
            if customer >= 0 {
                func own(_ i: Int32) -> Bool { book.customerOf[Int(i)] == customer }
                if let pick = ids.first(where: { own($0) && book.isCreditMemo($0) == creditMemo }) ?? ids.first(where: own) { return (pick, nil) }
            }
            return (nil, "\(reference) names \(ids.count) invoices of different customers (\(ids.map { book.invoices[Int($0)].id }.sorted().joined(separator: ", ")))")
        }
        guard typos, key.length >= 6 else { return (nil, nil) }
        var near = book.oneEditAway(key.normalized)
        if book.hasCreditMemos { near = near.filter { !book.isCreditMemo($0) } }
        if near.count == 1, let only = near.first {
            return (only, "\(reference) read as \(book.invoices[Int(only)].id) (one character differs)")
        }
        return (nil, near.count > 1 ? "\(reference) is one character away from \(near.count) invoices" : nil)
    }

    /// The credit memo a reference names (`CreditMemoReference.keys`: as written, without its `CM` marker, with one):
    /// the only memo with that number, else the payer's own among memos that share it; never an invoice, never a typo.
    /// Else why none.
    func lookupCreditMemo(_ reference: String, customer: Int32) -> (memo: Int32?, note: String?) {
        var invoiceNamed: Int32?
        for key in CreditMemoReference.keys(reference) {
            guard let ids = book.references.invoices(withReference: key) else { continue }
            let memos = ids.filter { book.isCreditMemo($0) }
            if memos.isEmpty {
                invoiceNamed = invoiceNamed ?? ids.first
                continue
            }
            if memos.count == 1 { return (memos[0], nil) }
            if customer >= 0, let own = memos.first(where: { book.customerOf[Int($0)] == customer }) { return (own, nil) }
            return (nil, "credit memo \(reference) names \(memos.count) credit memos of different customers (\(memos.map { book.invoices[Int($0)].id }.sorted().joined(separator: ", ")))")
        }
        if let invoiceNamed { return (nil, "credit memo \(reference) (\(book.invoices[Int(invoiceNamed)].id) is an invoice, not a credit memo)") }
        return (nil, nil)
    }

    /// Invoice numbers written in free text (`INV 10023, 10024`): a token with a digit, or two tokens written as one.
    /// Purchase orders (`PO 7790`, `P.O. #7790`, `PO-7790`) go to `orders`, never read as invoice numbers; `PO BOX 12`
    /// is an address and names nothing.
    private func referencesInText(_ text: String, into p: inout PreparedReceipt, orders: inout [OrderMention]) {
        // Words of letters, digits and hyphens, over Unicode scalars (not grapheme clusters: a receipt's text is
        // read for every receipt).
        var tokens: [String] = []
        var word = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let inWord = v < 0x80
                ? (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x2D
                : scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            if inWord {
                word.append(scalar)
            } else if !word.isEmpty {
                tokens.append(String(word))
                word = String.UnicodeScalarView()
            }
        }
        if !word.isEmpty { tokens.append(String(word)) }
        // Nothing to look a reference up in: no invoice of anyone.
        guard !tokens.isEmpty, !book.invoices.isEmpty else { return }
        // True once a purchase order or a PO box took words of the text: their numbers are not invoice numbers, nor typos of one.
        var taken = false
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            // Credit memos (`CM-2001`, `CM 2001`, `CREDIT MEMO 2001`): looked up among memos only; their numbers are
            // never invoice numbers. Only a book with memos looks for the words.
            if book.hasCreditMemos, let marker = CreditMemoReference.marker(in: tokens, at: i) {
                var written: [(text: String, memo: Int32?)] = []
                switch marker {
                case .joined:
                    written = [(token, lookupCreditMemo(token, customer: p.customer).memo)]
                    i += 1
                case let .memo(first):
                    // The number after the marker, and the next ones as long as each is a memo's (`CM 2001, 2002`): a
                    // number after them may be an invoice's (`CM 2001 INV 1001`).
                    var k = first
                    while k < tokens.count, tokens[k].contains(where: \.isNumber) {
                        let memo = lookupCreditMemo(tokens[k], customer: p.customer).memo
                        if k > first && memo == nil { break }
                        written.append(("CM \(tokens[k])", memo))
                        k += 1
                    }
                    i = k > first ? k : i + 1
                }
                for (text, memo) in written {
                    taken = true
                    if let memo, !p.references.contains(where: { $0.invoice == memo }) {
                        p.references.append(ResolvedReference(textReference: text, invoice: memo, note: nil))
                    }
                }
                continue
            }
            if let marker = PurchaseOrderNumber.marker(in: tokens, at: i) {
                switch marker {
                case let .box(next):
                    taken = true
                    i = next
                    continue
                case .joined:
                    if let key = PurchaseOrderNumber.key(token) { orders.append(OrderMention(itemIndex: -1, written: PurchaseOrderNumber.display(token), key: key)) }
                    taken = true
                    i += 1
                    continue
                case let .order(first):
                    var k = first
                    // The numbers that follow, up to a credit memo's marker (`PO 7790 CM-2001`).
                    while k < tokens.count, tokens[k].contains(where: \.isNumber), !book.hasCreditMemos || CreditMemoReference.marker(in: tokens, at: k) == nil {
                        if let key = PurchaseOrderNumber.key(tokens[k]) { orders.append(OrderMention(itemIndex: -1, written: PurchaseOrderNumber.display(tokens[k]), key: key)) }
                        k += 1
                    }
                    if k > first {
                        taken = true
                        i = k
                        continue
                    }
                }
            }
            // "INV 10023" is one reference written as two words.
            let candidates = i + 1 < tokens.count ? [token + tokens[i + 1], token] : [token]
            for (k, candidate) in candidates.enumerated() where candidate.contains(where: \.isNumber) {
                let (found, note) = lookup(candidate, customer: p.customer, minimumLength: 3, typos: false)
                if let found {
                    // A number in the text names a credit memo only after its marker (above): a bare one names nothing.
                    if book.isCreditMemo(found) {
                        taken = true
                    } else if !p.references.contains(where: { $0.invoice == found }) {
                        p.references.append(ResolvedReference(textReference: candidate, invoice: found, note: note))
                    }
                    if k == 0 && candidates.count == 2 { i += 1 }
                    break
                }
            }
            i += 1
        }
        // No number in the text names an invoice: one long enough may be a typo of one (not when the text names a
        // purchase order or a PO box: their numbers are not invoice numbers).
        if p.references.isEmpty && !taken {
            for token in tokens where token.contains(where: \.isNumber) {
                let (found, note) = lookup(token, customer: p.customer, minimumLength: 6, typos: true)
                if let found, !book.isCreditMemo(found), !p.references.contains(where: { $0.invoice == found }) {
                    p.references.append(ResolvedReference(textReference: token, invoice: found, note: note))
                }
            }
        }
    }
}

/// A purchase order a receipt names: on a remittance line (`itemIndex`) or in its free text (-1), as a reviewer reads
/// it (`PO 7790`), and its key.
struct OrderMention {
    var itemIndex: Int
    var written: String
    var key: ReferenceKey
}

/// A receipt's payer and the invoices it names, found before the day is split into customer shards.
struct PreparedReceipt: Sendable {
    var customer: Int32 = -1
    var customerEvidence: CustomerDirectory.Evidence?
    /// True when the payer was taken from the remitted invoice (nothing else identified it).
    var payerInferred = false
    /// True when the references are the invoices of purchase orders named (no invoice number was): consecutive
    /// references of one remittance line or text reference are one order's invoices.
    var byPurchaseOrder = false
    var references: [ResolvedReference] = []
    /// References that name no invoice, as the payer wrote them (or why they name none).
    var unknown: [String] = []
}

/// A remittance line, or a number in the receipt's free text, that names an invoice. The line is kept as its
/// place in the receipt's remittance (not a copy of it: a day's half million references were 45 MB more).
struct ResolvedReference: Sendable {
    /// The line's place in `receipt.remittance`; -1 for a number read in the free text (`textReference`).
    var itemIndex: Int32
    var invoice: Int32
    /// Set when the reference was read with a correction (a typo), or to say what a purchase order named beside it says.
    var note: String?
    var textReference = ""

    init(itemIndex: Int, invoice: Int32, note: String?) {
        self.itemIndex = Int32(itemIndex)
        self.invoice = invoice
        self.note = note
    }

    init(textReference: String, invoice: Int32, note: String?) {
        itemIndex = -1
        self.invoice = invoice
        self.note = note
        self.textReference = textReference
    }

    /// The remittance line as the payer wrote it (for a number in the free text: a line of that reference alone).
    func item(of receipt: Receipt) -> RemittanceItem {
        itemIndex >= 0 && Int(itemIndex) < receipt.remittance.count ? receipt.remittance[Int(itemIndex)] : RemittanceItem(reference: textReference)
    }
}

/// The receipts of one customer, in input order.
struct CustomerGroup: Sendable {
    var customer: Int32
    var positions: ArraySlice<Int>
}

/// Decisions and the exceptions each raised, in parallel arrays (a decision is moved, never copied, on its way out).
struct Outcomes: Sendable {
    var positions: [Int] = []
    var decisions: [Decision] = []
    var exceptions: [[MatchException]] = []

    var count: Int { positions.count }

    mutating func reserve(_ n: Int) {
        positions.reserveCapacity(n)
        decisions.reserveCapacity(n)
        exceptions.reserveCapacity(n)
    }

    mutating func append(_ position: Int, _ decision: Decision, _ raised: [MatchException]) {
        positions.append(position)
        decisions.append(decision)
        exceptions.append(raised)
    }
}

/// What a shard decided: outcomes by receipt position, the open amounts it changed and the amounts written off it
/// recovered some of (what is still written off of each).
struct ShardResult: Sendable {
    var outcomes = Outcomes()
    var openChanges: [(Int32, Int64)] = []
    var writtenOffChanges: [(Int32, Int64)] = []
}

/// How a day's receipts are split: decided at once (debits, unknown payers), by customer, or sequentially
/// after the customers (remittance that crosses customers).
struct MatchPlan {
    var immediate: [Int] = []
    var customerGroups: [CustomerGroup] = []
    var sequential: [Int] = []

    init(prepared: [PreparedReceipt], receipts: [Receipt], book: InvoiceBook, directory: CustomerDirectory, policy: MatchingPolicy) {
        // Each receipt's customer group (-1: none), then the groups laid out by a counting sort.
        var groupOf = [Int32](repeating: -1, count: prepared.count)
        var counts = [Int](repeating: 0, count: directory.list.count + 1)
        for (position, p) in prepared.enumerated() {
            let receipt = receipts[position]
            if receipt.amount.minorUnits <= 0 || (p.customer < 0 && p.references.isEmpty) {
                immediate.append(position)
                continue
            }
            let crossing = p.references.contains { book.customerOf[Int($0.invoice)] != p.customer }
            if p.customer < 0 {
                sequential.append(position)
            } else if crossing && (policy.crossCustomer == .allow || p.references.allSatisfy({ r in
                let owner = book.customerOf[Int(r.invoice)]
                return owner >= 0 && directory.isRelated(payer: directory.list[Int(p.customer)].id, owner: directory.list[Int(owner)].id)
            })) {
                // Invoices of other customers are applied after the customer shards, one receipt at a time.
                sequential.append(position)
            } else {
                // Invoices of unrelated customers named here are refused inside the payer's shard.
                groupOf[position] = p.customer
                counts[Int(p.customer) + 1] += 1
            }
        }
        for c in 0..<directory.list.count { counts[c + 1] += counts[c] }
        var fill = counts
        var ordered = [Int](repeating: 0, count: counts[directory.list.count])
        for (position, c) in groupOf.enumerated() where c >= 0 {
            ordered[fill[Int(c)]] = position
            fill[Int(c)] += 1
        }
        for c in 0..<directory.list.count where counts[c + 1] > counts[c] {
            customerGroups.append(CustomerGroup(customer: Int32(c), positions: ordered[counts[c]..<counts[c + 1]]))
        }
    }

    /// Debits and receipts of no known payer: decided without looking at any invoice.
    func outcomesBeforeShards(receipts: [Receipt], prepared: [PreparedReceipt], directory: CustomerDirectory) -> ShardResult {
        var result = ShardResult()
        for position in immediate {
            let receipt = receipts[position]
            let p = prepared[position]
            let customerID = p.customer >= 0 ? directory.list[Int(p.customer)].id : nil
            var evidence = Evidence(customer: p.customerEvidence)
            if receipt.amount.minorUnits <= 0 {
                evidence.matched.append("a debit to the account")
                let exception = CashApplication.makeException(receipt, .unmatched, customerID ?? "", receipt.amount, [],
                                                              "a debit of \(receipt.amount) to the account is not a customer payment; held in suspense", "", .warning)
                result.outcomes.append(position, Decision(receipt: receipt, customerID: nil, applications: [], unapplied: receipt.amount,
                                                          rule: .unapplied, confidence: 0, evidence: evidence), [exception])
                continue
            }
            let refs = p.unknown.isEmpty ? "" : "; remittance names \(p.unknown.joined(separator: ", ")), which match no invoice"
            let company = receipt.payerCompanyID.isEmpty ? "" : " (company id \(receipt.payerCompanyID))"
            let exception = CashApplication.makeException(receipt, .unknownCustomer, "", receipt.amount, [],
                                                          "no customer matches payer '\(receipt.payerName)'\(company)\(refs); held in suspense",
                                                          "add the payer's name as an alias or its ACH company id to the customer master", .warning)
            result.outcomes.append(position, Decision(receipt: receipt, customerID: nil, applications: [], unapplied: receipt.amount,
                                                      rule: .unapplied, confidence: 0, evidence: evidence), [exception])
        }
        return result
    }
}
