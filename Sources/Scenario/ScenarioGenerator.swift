import ACH
import Core
import Matching
import Receivables

/// What cash application must decide for one generated receipt: the ground truth a test or the bench checks.
public struct ExpectedOutcome: Sendable, Hashable {
    public var customerID: String?
    public var rule: MatchRule
    /// Applications sorted by invoice id.
    public var applications: [Application]
    /// Exception types the receipt raises, sorted.
    public var exceptions: [ExceptionType]
    /// The case the generator built, for messages (`remittance-short`, `hazard-two-subsets`, ...).
    public var kind: String
    /// Cash this receipt leaves unapplied that a later day applies, once the invoice its remittance names is issued (a
    /// prepayment): the applications, posted from unapplied cash (`unapplied-cash`), on the day of `reappliedOnDay`
    /// (an index into `Options.bankDataDays`). Empty for nearly every receipt.
    public var reapplied: [Application] = []
    public var reappliedOnDay: Int?
}

/// A coherent day of a seller's receivables: customers (Zipf-skewed in size), their open invoices, the
/// receipts of the day, and for every receipt the decision the rules must reach. Test data, not product:
/// `settle-bench` and the tests use it; the generator never calls the matching engine to make its truth.
///
/// Every case is built so that its answer is forced: amounts are unique within a customer, the amounts of
/// receipts meant to stay unmatched are below anything a rule could reach, combinations and split payments
/// are checked against every subset of the customer's invoices. Named hazards put the rules where they can
/// go wrong: two open invoices with the same amount, two subsets with the same sum, the same invoice number
/// under two customers, names one token apart, remittance naming another customer's invoice.
public struct ScenarioGenerator {
    public struct Options: Sendable {
        public var seed: UInt64
        public var customerCount: Int
        public var invoiceCount: Int
        public var day: Day
        /// Share of receipts with remittance (CTX/CCD+ or structured statement remittance), in percent.
        public var remittancePercent: Int
        public var tolerance: Int64
        /// The run days the hazards of real bank data are spread over, `day` first (at least two; see
        /// `bankDataHazards`): placeholder bank references on a day and across days, camt.053 lines without a reference
        /// of their own and a batched entry, accounts whose numbers end in the same four digits, a second currency,
        /// purchase orders among invoices of one amount, a prepayment whose invoice is issued the next day, an invoice
        /// paid twice, credit memos netted by remittance and by combination. None by default: `settle-bench` and the
        /// one-day tests generate what they always did.
        public var bankDataDays: [Day]

        public init(seed: UInt64, customerCount: Int, invoiceCount: Int, day: Day = Day(civilYear: 2026, month: 11, day: 4),
                    remittancePercent: Int = 45, tolerance: Int64 = 100, bankDataDays: [Day] = []) {
            self.seed = seed
            self.customerCount = customerCount
            self.invoiceCount = invoiceCount
            self.day = day
            self.remittancePercent = remittancePercent
            self.tolerance = tolerance
            self.bankDataDays = bankDataDays
        }
    }

    public struct Day1: Sendable {
        public var customers: [Customer]
        public var invoices: [Invoice]
        public var receipts: [Receipt]
        public var expected: [ExpectedOutcome]
        /// How the receipts of the hazards of real bank data arrive (day, statement, bank reference), by source key; the
        /// other receipts arrive as `ScenarioFiles` deals them.
        public var deliveries: [String: Delivery] = [:]
        /// Statement lines of those hazards that are no receipt: the banks' charges.
        public var bankCharges: [BankCharge] = []
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    static let usd = Currency.usd
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: usd) }
    static let ourAccount = "4471002233"

    private static let firstWords = ["Acme", "Blue", "Cascade", "Delta", "Evergreen", "Foxtrot", "Granite", "Harbor", "Iron", "Juniper", "Keystone", "Lakeside",
                                     "Meridian", "Northgate", "Oakridge", "Pinnacle", "Quarry", "Redwood", "Summit", "Tidewater", "Union", "Valley", "Westfield",
                                     "Yellowstone", "Zenith", "Atlas", "Beacon", "Crescent", "Dominion", "Eastbrook"]
    private static let secondWords = ["Tools", "Builders", "Fabrication", "Marine", "Hospitals", "Logistics", "Steel", "Foods", "Dental", "Plastics", "Paper",
                                      "Electric", "Freight", "Farms", "Textiles", "Motors", "Labs", "Pharmacy", "Glass", "Lumber", "Printing", "Energy"]
    private static let suffixes = ["Inc", "LLC", "Co", "Corp", "", "Ltd"]

    /// A day: customers, invoices and receipts with the truth of each receipt.
    public func makeDay() -> Day1 {
        var random = NACHAGenerator.Random(seed: options.seed)
        func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(random.next() % UInt64(n)) }
        let day = options.day
        let tolerance = options.tolerance

        // Invoices per customer, Zipf-skewed (Zipf-Mandelbrot, weight 1/(2k+1), in integers), at least one each: the
        // largest of 200,000 customers has about 5%.
        let scale: Int64 = 1 << 36
        let weights = (1...max(1, options.customerCount)).map { scale / Int64(2 * $0 + 1) }
        let total = weights.reduce(0, +)
        let counts = weights.map { max(1, Int(($0 * Int64(options.invoiceCount) + total / 2) / total)) }

        var customers: [Customer] = []
        customers.reserveCapacity(options.customerCount)
        var invoices: [Invoice] = []
        invoices.reserveCapacity(options.invoiceCount + options.customerCount)
        var receipts: [Receipt] = []
        var expected: [ExpectedOutcome] = []
        var usedNumbers = Set<Int>()
        usedNumbers.reserveCapacity(options.invoiceCount * 2)
        func invoiceNumber() -> String {
            while true {
                let n = 100_000_000 + below(900_000_000)
                if usedNumbers.insert(n).inserted { return "INV-\(n)" }
            }
        }
        var receiptSerial = 0
        var pendingTypos: [(Invoice, Customer)] = []
        func receipt(_ cents: Int64, customer: Customer?, companyID: String? = nil, name: String? = nil, remittance: [RemittanceItem] = [],
                     source: ReceiptSource = .nacha) -> Receipt {
            receiptSerial += 1
            let key = "gen:\(options.seed):\(receiptSerial)"
            let trace = String(receiptSerial + 100_000_000_000_000).suffix(15)
            return Receipt(id: "R\(receiptSerial)", source: source, sourceRef: String(trace), sourceKey: key, valueDay: day, amount: ScenarioGenerator.m(cents),
                           bankAccount: ScenarioGenerator.ourAccount, payerName: name ?? customer.map { $0.name.uppercased() } ?? "",
                           payerCompanyID: companyID ?? (source == .nacha ? customer?.achCompanyIDs.first ?? "" : ""), remittance: remittance,
                           location: SourceLocation(file: "generated", line: receiptSerial))
        }
        func expect(_ kind: String, _ customer: Customer?, _ rule: MatchRule, _ applications: [Application], _ exceptions: [ExceptionType] = []) {
            expected.append(ExpectedOutcome(customerID: customer?.id, rule: rule, applications: applications.sorted { $0.invoiceID < $1.invoiceID },
                                            exceptions: exceptions.sorted { $0.rawValue < $1.rawValue }, kind: kind))
        }
        func app(_ invoice: Invoice, _ cash: Int64, discount: Int64 = 0, writeOff: Int64 = 0) -> Application {
            Application(invoiceID: invoice.id, customerID: invoice.customerID, applied: ScenarioGenerator.m(cash), discount: ScenarioGenerator.m(discount),
                        writeOff: ScenarioGenerator.m(writeOff))
        }

        let discountTerms = PaymentTerms.parse("2/10 NET30")!
        let netTerms = PaymentTerms.parse("NET30")!

        // All customers and invoices first: a typo is checked against every invoice number of the day.
        var ranges: [Range<Int>] = []
        var amountSets: [Set<Int64>] = []
        for (k, count) in counts.enumerated() {
            let id = "C\(k + 1)"
            let name = "\(ScenarioGenerator.firstWords[k % ScenarioGenerator.firstWords.count]) \(ScenarioGenerator.secondWords[(k / ScenarioGenerator.firstWords.count) % ScenarioGenerator.secondWords.count]) \(k + 1) \(ScenarioGenerator.suffixes[k % ScenarioGenerator.suffixes.count])"
            let customer = Customer(id: id, name: name.trimmingSpaces, aliases: [], achCompanyIDs: [String(1_000_000_000 + k)], creditLimit: nil, terms: netTerms)
            customers.append(customer)
            // Unique open amounts within the customer, from $100 to $100,000.
            var amounts = Set<Int64>()
            let first = invoices.count
            for _ in 0..<count {
                var cents: Int64
                repeat { cents = Int64(10_000 + below(9_990_000)) } while !amounts.insert(cents).inserted
                let withDiscount = below(4) == 0
                // Discount invoices are recent (inside their window); the others 10 to 80 days old.
                let issued = withDiscount ? day.adding(days: -below(6)) : day.adding(days: -(10 + below(70)))
                let terms = withDiscount ? discountTerms : netTerms
                invoices.append(Invoice(id: invoiceNumber(), customerID: id, issueDay: issued, dueDay: terms.dueDay(issuedOn: issued),
                                        amount: ScenarioGenerator.m(cents), openAmount: ScenarioGenerator.m(cents), terms: terms))
            }
            ranges.append(first..<invoices.count)
            amountSets.append(amounts)
        }
        for (k, count) in counts.enumerated() {
            let customer = customers[k]
            var mine = Array(invoices[ranges[k]])
            var amounts = amountSets[k]
            if count <= 12 && count >= 4 && below(2) == 0 {
                smallCustomerCase(customer, &mine, &amounts, &invoices)
                continue
            }
            var unmatchedDone = false
            // Ordinary receipts: each pays a different invoice.
            var order = Array(mine.indices)
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, below(i + 1)) }
            let paying = order
            for i in paying {
                let invoice = mine[i]
                let v = invoice.amount.minorUnits
                let roll = below(100)
                if roll < options.remittancePercent {
                    // With remittance.
                    let kindRoll = below(100)
                    if kindRoll < 70 {
                        receipts.append(receipt(v, customer: customer, remittance: [RemittanceItem(reference: invoice.id, amountPaid: ScenarioGenerator.m(v))]))
                        expect("remittance", customer, .remittance, [app(invoice, v)])
                    } else if kindRoll < 80, let terms = invoice.terms, terms.discountBasisPoints > 0 {
                        let discount = terms.discount(on: invoice.amount).minorUnits
                        receipts.append(receipt(v - discount, customer: customer,
                                                remittance: [RemittanceItem(reference: invoice.id, amountPaid: ScenarioGenerator.m(v - discount), discount: ScenarioGenerator.m(discount))]))
                        expect("remittance-discount", customer, .remittance, [app(invoice, v - discount, discount: discount)])
                    } else if kindRoll < 88, v >= 100_000 {
                        // Short with a deduction: 90% paid; the rest must not equal another open amount.
                        var paid = v * 9 / 10
                        while amounts.contains(v - paid) { paid -= 1 }
                        amounts.insert(v - paid)
                        receipts.append(receipt(paid, customer: customer, remittance: [RemittanceItem(reference: invoice.id, amountPaid: ScenarioGenerator.m(paid),
                                                                                                       adjustments: [.init(amount: ScenarioGenerator.m(v - paid), reasonCode: "01")])]))
                        expect("remittance-short", customer, .remittance, [app(invoice, paid)], [.shortPay])
                    } else if kindRoll < 94 {
                        let extra = Int64(500 + below(5_000))
                        receipts.append(receipt(v + extra, customer: customer, remittance: [RemittanceItem(reference: invoice.id, amountPaid: ScenarioGenerator.m(v))]))
                        expect("remittance-over", customer, .remittance, [app(invoice, v)], [.overPay])
                    } else if below(2) == 0 {
                        // Decided once every invoice number of the day exists.
                        pendingTypos.append((invoice, customer))
                    } else {
                        receipts.append(receipt(v, customer: customer, remittance: [RemittanceItem(reference: invoice.id, amountPaid: ScenarioGenerator.m(v))]))
                        expect("remittance", customer, .remittance, [app(invoice, v)])
                    }
                } else if roll < 97 {
                    // By amount: the open amount, or less the discount when that net amount is unique.
                    if count < 2_000, let terms = invoice.terms, terms.discountBasisPoints > 0, below(3) == 0 {
                        let discount = terms.discount(on: invoice.amount).minorUnits
                        let net = v - discount
                        let clash = mine.contains { other in
                            other.id != invoice.id && (abs(other.amount.minorUnits - v) <= 3 || other.amount.minorUnits == net
                                || (other.terms.map { $0.discountBasisPoints > 0 && other.amount.minorUnits - $0.discount(on: other.amount).minorUnits == net } ?? false))
                        } || amounts.contains(net)
                        if !clash {
                            amounts.insert(net)
                            receipts.append(receipt(net, customer: customer))
                            expect("discount-amount", customer, .discountAmount, [app(invoice, net, discount: discount)])
                            continue
                        }
                    }
                    receipts.append(receipt(v, customer: customer))
                    expect("exact-amount", customer, .exactAmount, [app(invoice, v)])
                } else {
                    // Nothing matches: a small amount below every invoice, or a payer nobody knows.
                    if !unmatchedDone && below(2) == 0 {
                        // At most one per customer: two could add up to something.
                        unmatchedDone = true
                        let cents = Int64(100 + below(3_900))
                        receipts.append(receipt(cents, customer: customer))
                        expect("unmatched", customer, .unapplied, [], [.unmatched])
                    } else {
                        receipts.append(receipt(v, customer: nil, companyID: "9\(String(100_000_000 + k))", name: "UNLISTED PAYER \(receiptSerial)"))
                        expect("unknown-payer", nil, .unapplied, [], [.unknownCustomer])
                    }
                }
            }
        }
        hazards(&customers, &invoices, &receipts, &expected, &random)
        var deliveries: [String: Delivery] = [:]
        var bankCharges: [BankCharge] = []
        if options.bankDataDays.count >= 2 { bankDataHazards(&customers, &invoices, &receipts, &expected, &deliveries, &bankCharges) }
        // A reference with one digit wrong, when that makes it one edit from this invoice and no other.
        for (invoice, customer) in pendingTypos {
            let v = invoice.amount.minorUnits
            if let typo = uniqueTypo(of: invoice.id, among: &usedNumbers, random: &random) {
                receipts.append(receipt(v, customer: customer, remittance: [RemittanceItem(reference: typo, amountPaid: ScenarioGenerator.m(v))]))
                expect("remittance-typo", customer, .remittance, [app(invoice, v)])
            } else {
                receipts.append(receipt(v, customer: customer, remittance: [RemittanceItem(reference: invoice.id, amountPaid: ScenarioGenerator.m(v))]))
                expect("remittance", customer, .remittance, [app(invoice, v)])
            }
        }
        // Receipts arrive in no particular order.
        var order = Array(receipts.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        return Day1(customers: customers, invoices: invoices, receipts: order.map { receipts[$0] }, expected: order.map { expected[$0] }, deliveries: deliveries,
                    bankCharges: bankCharges)

        /// One case that needs a small customer (at most 12 invoices): a combination, a split payment, a short
        /// payment without remittance, or a hazard (equal amounts, two subsets with one sum).
        func smallCustomerCase(_ customer: Customer, _ mine: inout [Invoice], _ amounts: inout Set<Int64>, _ all: inout [Invoice]) {
            let values = mine.map(\.amount.minorUnits)
            var sums: [Int64: Int] = [:]
            for mask in 1..<(1 << values.count) {
                var sum: Int64 = 0
                for i in values.indices where mask & (1 << i) != 0 { sum += values[i] }
                sums[sum, default: 0] += 1
            }
            func reachable(_ x: Int64, slack: Int64) -> Bool { sums.keys.contains { abs($0 - x) <= slack } }
            // Net amounts of discount invoices are reachable by the discount rule.
            let nets = mine.compactMap { inv -> Int64? in
                guard let t = inv.terms, t.discountBasisPoints > 0 else { return nil }
                return inv.amount.minorUnits - t.discount(on: inv.amount).minorUnits
            }
            func clear(_ x: Int64) -> Bool { !reachable(x, slack: tolerance) && !nets.contains { abs($0 - x) <= 3 } }
            switch below(4) {
            case 0:
                // A combination of two invoices whose sum no other subset has.
                let a = mine[0], b = mine[1]
                let sum = a.amount.minorUnits + b.amount.minorUnits
                guard sums[sum] == 1, !nets.contains(sum) else { return }
                receipts.append(receipt(sum, customer: customer))
                expect("combination", customer, .combination, [app(a, a.amount.minorUnits), app(b, b.amount.minorUnits)])
            case 1:
                // Two receipts that together pay one invoice; neither part reaches anything alone.
                let x = mine[0]
                let v = x.amount.minorUnits
                let first = v * 55 / 100
                let second = v - first
                let slack1 = first * 6 / 100, slack2 = second * 6 / 100
                guard clear(first), clear(second), !reachable(first, slack: slack1), !reachable(second, slack: slack2),
                      sums[v] == 1 else { return }
                receipts.append(receipt(first, customer: customer))
                expect("split-payment", customer, .splitPayment, [app(x, first)])
                receipts.append(receipt(second, customer: customer))
                expect("split-payment", customer, .splitPayment, [app(x, second)])
            case 2:
                // Short by 3% without remittance: exactly one invoice within 5%, nothing within the tolerance.
                let x = mine[0]
                let v = x.amount.minorUnits
                guard v >= 100_000 else { return }
                let paid = v * 97 / 100
                let window = paid * 5 / 100
                let others = values.filter { $0 != v && abs($0 - paid) <= window }
                guard others.isEmpty, clear(paid), sums.keys.filter({ abs($0 - paid) <= window }).count == 1 else { return }
                receipts.append(receipt(paid, customer: customer))
                expect("short-pay", customer, .shortPay, [app(x, paid)], [.shortPay])
            default:
                // Hazard: a new invoice with the same open amount as an old one; a receipt of that amount is ambiguous.
                let x = mine[0]
                let twin = Invoice(id: invoiceNumber(), customerID: customer.id, issueDay: x.issueDay.adding(days: -1), dueDay: x.dueDay.adding(days: -1),
                                   amount: x.amount, openAmount: x.amount, terms: netTerms)
                mine.append(twin)
                all.append(twin)
                receipts.append(receipt(x.amount.minorUnits, customer: customer))
                expect("hazard-equal-amounts", customer, .unapplied, [], [.ambiguous])
            }
        }
    }

    /// A one-character change of the invoice number that is one edit from this invoice and no other.
    private func uniqueTypo(of id: String, among used: inout Set<Int>, random: inout NACHAGenerator.Random) -> String? {
        guard let number = Int(id.dropFirst(4)) else { return nil }
        var digits = Array(String(number))
        let position = 1 + Int(random.next() % UInt64(digits.count - 1))
        let original = digits[position]
        let replacement = Character(String(((original.wholeNumberValue ?? 0) + 1 + Int(random.next() % 9)) % 10))
        digits[position] = replacement
        guard let typo = Int(String(digits)), !used.contains(typo) else { return nil }
        // Every invoice one edit from the typo: only the original may be one.
        var neighbours = 0
        let text = Array(String(typo))
        for i in text.indices {
            for d in "0123456789" where d != text[i] {
                var t = text
                t[i] = d
                if let n = Int(String(t)), String(n).count == t.count, used.contains(n) { neighbours += 1 }
            }
            var shorter = text
            shorter.remove(at: i)
            if let n = Int(String(shorter)), used.contains(n) { neighbours += 1 }
            if i + 1 < text.count, text[i] != text[i + 1] {
                var t = text
                t.swapAt(i, i + 1)
                if let n = Int(String(t)), String(n).count == t.count, used.contains(n) { neighbours += 1 }
            }
        }
        for i in 0...text.count {
            for d in "0123456789" {
                var t = text
                t.insert(d, at: i)
                if let n = Int(String(t)), String(n).count == t.count, used.contains(n) { neighbours += 1 }
            }
        }
        guard neighbours == 1 else { return nil }
        return "INV-\(typo)"
    }

    /// The named hazards that need customers of their own.
    private func hazards(_ customers: inout [Customer], _ invoices: inout [Invoice], _ receipts: inout [Receipt], _ expected: inout [ExpectedOutcome],
                         _ random: inout NACHAGenerator.Random) {
        let day = options.day
        let seed = options.seed
        func customer(_ id: String, _ name: String, company: String?, parent: String? = nil) -> Customer {
            let c = Customer(id: id, name: name, aliases: [], achCompanyIDs: company.map { [$0] } ?? [], terms: .net30, parentID: parent)
            customers.append(c)
            return c
        }
        func invoice(_ id: String, _ customer: Customer, _ cents: Int64) -> Invoice {
            let i = Invoice(id: id, customerID: customer.id, issueDay: day.adding(days: -20), dueDay: day.adding(days: 10), amount: ScenarioGenerator.m(cents),
                            openAmount: ScenarioGenerator.m(cents), terms: .net30)
            invoices.append(i)
            return i
        }
        var serial = 0
        func add(_ cents: Int64, _ payer: Customer?, kind: String, companyID: String? = nil, name: String? = nil, source: ReceiptSource = .nacha,
                 remittance: [RemittanceItem] = [], rule: MatchRule, applications: [Application], exceptions: [ExceptionType] = [], customerID: String?) {
            serial += 1
            let key = "hazard:\(seed):\(serial)"
            receipts.append(Receipt(id: "H\(serial)", source: source, sourceRef: "H\(serial)", sourceKey: key, valueDay: day, amount: ScenarioGenerator.m(cents),
                                    bankAccount: ScenarioGenerator.ourAccount, payerName: name ?? payer?.name.uppercased() ?? "",
                                    payerCompanyID: companyID ?? (source == .nacha ? payer?.achCompanyIDs.first ?? "" : ""), remittance: remittance,
                                    location: SourceLocation(file: "generated-hazards", line: serial)))
            expected.append(ExpectedOutcome(customerID: customerID, rule: rule, applications: applications.sorted { $0.invoiceID < $1.invoiceID },
                                            exceptions: exceptions.sorted { $0.rawValue < $1.rawValue }, kind: kind))
        }
        func app(_ i: Invoice, _ cents: Int64) -> Application {
            Application(invoiceID: i.id, customerID: i.customerID, applied: ScenarioGenerator.m(cents), discount: ScenarioGenerator.m(0), writeOff: ScenarioGenerator.m(0))
        }
        let tag = seed % 1_000_000
        // The same invoice number under two customers: each payer's remittance finds its own.
        let p = customer("HZ\(tag)-P", "Quillon Partners", company: "8\(String(100_000_000 + tag))")
        let q = customer("HZ\(tag)-Q", "Rosetta Outfitters", company: "7\(String(100_000_000 + tag))")
        let number = 9_900_000_000 + Int(tag)
        let ip = invoice("INV-\(number)", p, 123_456)
        let iq = invoice("\(number)", q, 654_321)
        add(654_321, q, kind: "hazard-same-number", remittance: [RemittanceItem(reference: "\(number)", amountPaid: ScenarioGenerator.m(654_321))],
            rule: .remittance, applications: [app(iq, 654_321)], customerID: q.id)
        add(123_456, p, kind: "hazard-same-number", remittance: [RemittanceItem(reference: "INV \(number)", amountPaid: ScenarioGenerator.m(123_456))],
            rule: .remittance, applications: [app(ip, 123_456)], customerID: p.id)
        // Two subsets with the same sum: 100 + 400 = 200 + 300 (in dollars, plus cents that keep singles apart).
        let t = customer("HZ\(tag)-T", "Sable Orchards", company: "6\(String(100_000_000 + tag))")
        let a = invoice("HZT-\(tag)-1", t, 100_011), b = invoice("HZT-\(tag)-2", t, 400_022), c = invoice("HZT-\(tag)-3", t, 200_013), d = invoice("HZT-\(tag)-4", t, 300_020)
        _ = (a, b, c, d)
        add(500_033, t, kind: "hazard-two-subsets", rule: .unapplied, applications: [], exceptions: [.ambiguous], customerID: t.id)
        // Names one token apart, paying by wire (no company id): each name finds its own customer.
        let w1 = customer("HZ\(tag)-W1", "Harborview Steel LLC", company: nil)
        let w2 = customer("HZ\(tag)-W2", "Harborview Steel West LLC", company: nil)
        let i1 = invoice("HZW-\(tag)-1", w1, 777_701)
        let i2 = invoice("HZW-\(tag)-2", w2, 888_802)
        add(888_802, w2, kind: "hazard-names-one-token-apart", name: "HARBORVIEW STEEL WEST", source: .bai2, rule: .exactAmount, applications: [app(i2, 888_802)], customerID: w2.id)
        add(777_701, w1, kind: "hazard-names-one-token-apart", name: "HARBORVIEW STEEL INC", source: .bai2, rule: .exactAmount, applications: [app(i1, 777_701)], customerID: w1.id)
        // Remittance naming another customer's invoice: refused when unrelated, applied for a subsidiary.
        let parent = customer("HZ\(tag)-PA", "Tamarack Holdings", company: "5\(String(100_000_000 + tag))")
        let child = customer("HZ\(tag)-CH", "Tamarack Mills", company: "4\(String(100_000_000 + tag))", parent: parent.id)
        let stranger = customer("HZ\(tag)-ST", "Umber Canyon Goods", company: "3\(String(100_000_000 + tag))")
        let ic = invoice("HZC-\(tag)-1", child, 246_800)
        let istr = invoice("HZC-\(tag)-2", stranger, 135_700)
        add(246_800, parent, kind: "hazard-parent-pays", remittance: [RemittanceItem(reference: ic.id, amountPaid: ScenarioGenerator.m(246_800))],
            rule: .remittance, applications: [app(ic, 246_800)], customerID: parent.id)
        add(135_700, child, kind: "hazard-cross-customer", remittance: [RemittanceItem(reference: istr.id, amountPaid: ScenarioGenerator.m(135_700))],
            rule: .remittance, applications: [], exceptions: [.unmatched], customerID: child.id)
    }
}

extension String {
    var trimmingSpaces: String { ByteScanning.trimmed(self) }
}
