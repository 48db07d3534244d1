import Core
import Receivables

/// An invoice number as compared: its normalized form, as an integer when it is all digits (the common case: a
/// million of them hash and compare as integers, not strings).
enum ReferenceKey: Hashable, Sendable {
    case number(UInt64)
    case text(String)

    init(normalizing reference: String) {
        if let value = InvoiceNumber.numericValue(reference) { self = .number(value) } else { self = .text(InvoiceNumber.normalize(reference)) }
    }

    /// A key already in normalized form (the typo search's candidates).
    init(normalized bytes: [UInt8]) {
        if !bytes.isEmpty, bytes.count <= 18, bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), bytes[0] != UInt8(ascii: "0") || bytes.count == 1 {
            self = .number(bytes.reduce(0) { $0 * 10 + UInt64($1 - UInt8(ascii: "0")) })
        } else {
            self = .text(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The normalized text.
    var normalized: String {
        switch self {
        case let .number(value): return String(value)
        case let .text(text): return text
        }
    }

    /// Characters of the normalized text.
    var length: Int {
        switch self {
        case var .number(value):
            var digits = 1
            while value >= 10 { value /= 10; digits += 1 }
            return digits
        case let .text(text): return text.utf8.count
        }
    }
}

/// Invoice positions by normalized key: all-digit keys (nearly all) in a `NumberTable`, the rest in a dictionary; a
/// key several invoices share maps to a group of them. Invoice numbers and purchase-order numbers are each kept in one.
struct ReferenceTable: Sendable {
    /// All-digit keys: a value ≥ 0 is the one invoice with it, a negative value `-(g + 1)` the group `g`.
    let numbers: NumberTable
    /// Other keys, the same way.
    let texts: [String: Int32]
    let groups: [[Int32]]

    /// `keys` gives each invoice's key in order (nil: none); `count` how many of them are not nil, to size the table.
    init(count: Int, keys: some Sequence<ReferenceKey?>) {
        var numbers = NumberTable(capacity: count)
        var texts: [String: Int32] = [:]
        var groups: [[Int32]] = []
        func join(_ existing: Int32, _ index: Int32) -> Int32 {
            if existing >= 0 {
                groups.append([existing, index])
                return -Int32(groups.count)
            }
            groups[Int(-existing - 1)].append(index)
            return existing
        }
        for (i, key) in keys.enumerated() {
            let index = Int32(i)
            switch key {
            case let .number(value)?:
                if let existing = numbers.insert(value, index) { numbers.update(value, join(existing, index)) }
            case let .text(text)?:
                if let existing = texts[text] { texts[text] = join(existing, index) } else { texts[text] = index }
            case nil:
                continue
            }
        }
        self.numbers = numbers
        self.texts = texts
        self.groups = groups
    }

    private func entry(_ key: ReferenceKey) -> Int32? {
        switch key {
        case let .number(value): return numbers.find(value)
        case let .text(text): return texts[text]
        }
    }

    /// The invoice with `key`, when it is the only one (the common case, without an array).
    func only(_ key: ReferenceKey) -> Int32? {
        guard let e = entry(key), e >= 0 else { return nil }
        return e
    }

    /// The invoices with `key`.
    func all(_ key: ReferenceKey) -> [Int32]? {
        guard let e = entry(key) else { return nil }
        return e >= 0 ? [e] : groups[Int(-e - 1)]
    }
}

/// Invoices by normalized number and by purchase-order number: what needs only the invoices, built while the
/// customer directory is.
struct InvoiceReferences: Sendable {
    let numbers: ReferenceTable
    /// Invoices by the normal form of their `po_number` (`PurchaseOrderNumber`); invoices without one are not in it.
    let purchaseOrders: ReferenceTable
    /// Lengths of the normalized references present: typo search tries only lengths that exist.
    let lengths: Set<Int>
    /// True when an id appeared twice (the references are then of no use: the book deduplicates first). Equal ids
    /// normalize alike, so only numbers several invoices share need a look.
    let hasDuplicateIDs: Bool

    init(_ invoices: [Invoice]) {
        self.init(invoices, numbers: InvoiceReferences.numbers(of: invoices), purchaseOrders: InvoiceReferences.purchaseOrders(of: invoices))
    }

    /// From its two tables, built apart (side by side on two tasks, as `InvoiceBook.build` does).
    init(_ invoices: [Invoice], numbers: (table: ReferenceTable, lengths: Set<Int>), purchaseOrders: ReferenceTable) {
        self.numbers = numbers.table
        lengths = numbers.lengths
        self.purchaseOrders = purchaseOrders
        hasDuplicateIDs = numbers.table.groups.contains { group in Set(group.map { invoices[Int($0)].id }).count < group.count }
    }

    /// The invoices by normalized number, and the lengths of the numbers.
    static func numbers(of invoices: [Invoice]) -> (table: ReferenceTable, lengths: Set<Int>) {
        var lengths = Set<Int>()
        let table = ReferenceTable(count: invoices.count, keys: invoices.lazy.map { invoice in
            let key = ReferenceKey(normalizing: invoice.id)
            lengths.insert(key.length)
            return key
        })
        return (table, lengths)
    }

    /// The invoices by purchase-order number: 0.2 s for a million numeric orders, about as long as their numbers take.
    static func purchaseOrders(of invoices: [Invoice]) -> ReferenceTable {
        let ordered = invoices.reduce(0) { $0 + ($1.poNumber.isEmpty ? 0 : 1) }
        return ReferenceTable(count: ordered, keys: invoices.lazy.map { PurchaseOrderNumber.key($0.poNumber) })
    }

    /// The invoice with exactly this id.
    func invoice(withID id: String, in book: [Invoice]) -> Int32? {
        invoices(withReference: ReferenceKey(normalizing: id))?.first { book[Int($0)].id == id }
    }

    /// The invoice whose number normalizes to `key`, when it is the only one (the common case, without an array).
    func onlyInvoice(withReference key: ReferenceKey) -> Int32? { numbers.only(key) }

    /// The invoices whose number normalizes to `key`.
    func invoices(withReference key: ReferenceKey) -> [Int32]? { numbers.all(key) }

    /// The invoices whose purchase-order number normalizes to `key`, of every customer.
    func invoices(withPurchaseOrder key: ReferenceKey) -> [Int32]? { purchaseOrders.all(key) }
}

/// The open items cash application works against, indexed once: by normalized reference and purchase order (every
/// invoice, open or closed), by customer (oldest first), with each invoice's age rank. Read-only while a day is matched, so
/// customer shards share it without copies.
struct InvoiceBook: Sendable {
    let invoices: [Invoice]
    let references: InvoiceReferences
    /// The directory index of each invoice's customer, -1 when the customer is unknown.
    let customerOf: [Int32]
    /// Invoices of customer `c` are `byCustomer[customerStart[c]..<customerStart[c + 1]]`, oldest first.
    let customerStart: [Int32]
    let byCustomer: [Int32]
    /// Rank in the oldest-first order (due day, issue day, id) within the customer.
    let age: [Int32]
    /// Distinct discount rates (basis points) among each customer's invoices: the discount rule solves for
    /// the invoice amount once per rate instead of looking at every invoice.
    let discountRates: [[Int]]
    /// True when some document of the book is a credit memo. Nearly no customer has one: without any, the memo rules
    /// cost one test of this flag.
    let hasCreditMemos: Bool
    /// Credit memos of customer `c` are `creditMemoList[creditMemoStart[c]..<creditMemoStart[c + 1]]`, oldest first;
    /// both empty when the book has none.
    let creditMemoStart: [Int32]
    let creditMemoList: [Int32]

    /// Invoices with one row per id: an invoice id given twice keeps its later row, as loading an export twice does.
    static func unique(_ invoices: [Invoice]) -> [Invoice] {
        var unique: [Invoice] = []
        var position: [String: Int] = [:]
        for invoice in invoices {
            if let p = position[invoice.id] { unique[p] = invoice } else { position[invoice.id] = unique.count; unique.append(invoice) }
        }
        return unique
    }

    static func build(invoices: [Invoice], directory: CustomerDirectory) -> InvoiceBook {
        build(invoices: invoices, references: InvoiceReferences(invoices), directory: directory)
    }

    /// The book of the invoices their references were built from; with an id given twice, of the later rows.
    static func build(invoices: [Invoice], references: InvoiceReferences, directory: CustomerDirectory) -> InvoiceBook {
        if !references.hasDuplicateIDs { return InvoiceBook(invoices: invoices, references: references, directory: directory) }
        let unique = unique(invoices)
        return InvoiceBook(invoices: unique, references: InvoiceReferences(unique), directory: directory)
    }

    /// The directory and the book built side by side: the references (numbers and purchase orders, each on a task) need
    /// only the invoices.
    static func build(invoices: [Invoice], customers: [Customer]) async -> (CustomerDirectory, InvoiceBook) {
        async let directory = CustomerDirectory.make(customers)
        async let orders = InvoiceReferences.purchaseOrders(of: invoices)
        let numbers = InvoiceReferences.numbers(of: invoices)
        let references = InvoiceReferences(invoices, numbers: numbers, purchaseOrders: await orders)
        let d = await directory
        return (d, build(invoices: invoices, references: references, directory: d))
    }

    init(invoices: [Invoice], references: InvoiceReferences, directory: CustomerDirectory) {
        self.invoices = invoices
        self.references = references
        var customerOf = [Int32](repeating: -1, count: invoices.count)
        var counts = [Int32](repeating: 0, count: directory.list.count + 1)
        for (i, invoice) in invoices.enumerated() {
            if let c = directory.indexByID[invoice.customerID] {
                customerOf[i] = c
                counts[Int(c) + 1] += 1
            }
        }
        var start = [Int32](repeating: 0, count: directory.list.count + 1)
        for c in 0..<directory.list.count { start[c + 1] = start[c] + counts[c + 1] }
        var fill = start
        var members = [Int32](repeating: 0, count: Int(start[directory.list.count]))
        for i in invoices.indices where customerOf[i] >= 0 {
            let c = Int(customerOf[i])
            members[Int(fill[c])] = Int32(i)
            fill[c] += 1
        }
        var age = [Int32](repeating: 0, count: invoices.count)
        var rates = [[Int]](repeating: [], count: directory.list.count)
        // Oldest first within each customer: by due day, issue day, then id (compared only on a tie).
        let due = invoices.map(\.dueDay.daysSinceEpoch)
        let issue = invoices.map(\.issueDay.daysSinceEpoch)
        for c in 0..<directory.list.count where start[c + 1] > start[c] {
            let range = Int(start[c])..<Int(start[c + 1])
            if range.count > 1 {
                members[range].sort { a, b in
                    let ia = Int(a), ib = Int(b)
                    if due[ia] != due[ib] { return due[ia] < due[ib] }
                    if issue[ia] != issue[ib] { return issue[ia] < issue[ib] }
                    return invoices[ia].id < invoices[ib].id
                }
            }
            var seenRates: [Int] = []
            for (rank, i) in members[range].enumerated() {
                age[Int(i)] = Int32(rank)
                // A credit memo's terms give no discount to solve for: it is never paid by the amount rules.
                if let bp = invoices[Int(i)].terms?.discountBasisPoints, bp > 0, !invoices[Int(i)].isCreditMemo, !seenRates.contains(bp) { seenRates.append(bp) }
            }
            if !seenRates.isEmpty { rates[c] = seenRates.sorted() }
        }
        self.customerOf = customerOf
        customerStart = start
        byCustomer = members
        self.age = age
        discountRates = rates
        // Each customer's credit memos, in the same oldest-first order.
        var memoStart: [Int32] = []
        var memoList: [Int32] = []
        let anyCreditMemo = invoices.contains(where: \.isCreditMemo)
        if anyCreditMemo {
            memoStart = [Int32](repeating: 0, count: directory.list.count + 1)
            for c in 0..<directory.list.count {
                for i in members[Int(start[c])..<Int(start[c + 1])] where invoices[Int(i)].isCreditMemo { memoList.append(i) }
                memoStart[c + 1] = Int32(memoList.count)
            }
        }
        // A memo of a customer the directory does not know is in no customer's list, but still a memo when named.
        hasCreditMemos = anyCreditMemo
        creditMemoStart = memoStart
        creditMemoList = memoList
    }

    func invoices(ofCustomer c: Int32) -> ArraySlice<Int32> {
        byCustomer[Int(customerStart[Int(c)])..<Int(customerStart[Int(c) + 1])]
    }

    /// The credit memos of customer `c`, open or not, oldest first (none for nearly every customer).
    func creditMemos(ofCustomer c: Int32) -> ArraySlice<Int32> {
        guard c >= 0, Int(c) + 1 < creditMemoStart.count else { return [] }
        return creditMemoList[Int(creditMemoStart[Int(c)])..<Int(creditMemoStart[Int(c) + 1])]
    }

    func isCreditMemo(_ i: Int32) -> Bool { hasCreditMemos && invoices[Int(i)].isCreditMemo }

    /// Invoices whose normalized number is one edit (a character changed, added, dropped, or two neighbours
    /// swapped) away from `key`. Digits are tried where digits stand, letters where letters stand.
    func oneEditAway(_ key: String) -> Set<Int32> {
        let bytes = Array(key.utf8)
        var found = Set<Int32>()
        func probe(_ candidate: [UInt8]) {
            guard references.lengths.contains(candidate.count), let ids = references.invoices(withReference: ReferenceKey(normalized: candidate)) else { return }
            found.formUnion(ids)
        }
        let digits = Array(UInt8(ascii: "0")...UInt8(ascii: "9"))
        let letters = Array(UInt8(ascii: "A")...UInt8(ascii: "Z"))
        func alphabet(near i: Int) -> [UInt8] {
            let neighbour = i < bytes.count ? bytes[i] : (i > 0 ? bytes[i - 1] : UInt8(ascii: "0"))
            return neighbour >= UInt8(ascii: "0") && neighbour <= UInt8(ascii: "9") ? digits : letters
        }
        var work = bytes
        for i in bytes.indices {
            // Changed.
            for b in alphabet(near: i) where b != bytes[i] {
                work[i] = b
                probe(work)
            }
            work[i] = bytes[i]
            // Dropped.
            var shorter = bytes
            shorter.remove(at: i)
            probe(shorter)
            // Swapped with the next.
            if i + 1 < bytes.count && bytes[i] != bytes[i + 1] {
                work.swapAt(i, i + 1)
                probe(work)
                work.swapAt(i, i + 1)
            }
        }
        // Added.
        for i in 0...bytes.count {
            for b in alphabet(near: i) {
                var longer = bytes
                longer.insert(b, at: i)
                probe(longer)
            }
        }
        return found
    }
}
