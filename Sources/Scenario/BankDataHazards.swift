import Core
import Matching
import Receivables

extension ScenarioGenerator {
    /// A second account at the bank of `ourAccount` whose number ends in the same four digits, with a BAI2 statement of its own.
    public static let secondAccount = "1111002233"
    /// An account at another bank, also ending in 2233, with camt.053 statements: one in USD, one in EUR.
    public static let camtAccount = "2222002233"
    /// The BIC of the bank that keeps `camtAccount`.
    public static let camtBank = "NWBKDEFFXXX"

    /// How a receipt of the hazards of real bank data arrives: on which of `Options.bankDataDays`, as a line of which
    /// statement (an ACH receipt is an entry of that day's ACH file, settled on the main account), with which bank reference.
    public struct Delivery: Sendable, Hashable {
        public enum Statement: String, Sendable, Hashable {
            /// The BAI2 statement of `ourAccount` (or, for an ACH receipt, the day's ACH file).
            case main
            /// The BAI2 statement of `secondAccount`.
            case second
            /// The camt.053 statement of `camtAccount` in the receipt's currency.
            case camt
        }

        public enum Reference: Sendable, Hashable {
            /// A reference of the line's own.
            case own(String)
            /// None: an empty BAI2 bank reference, a camt entry without `AcctSvcrRef` (and an ACH receipt, which has its trace).
            case none
            /// A reference that names nothing: `NONREF`, `NOTPROVIDED`.
            case placeholder(String)
            /// One of the transactions of a camt entry whose `AcctSvcrRef` is this, none of its own: the entry is a batch.
            case batch(String)
        }

        public var dayIndex: Int
        public var statement: Statement
        public var reference: Reference
    }

    /// A statement line of those hazards that is no receipt: a bank's charge, posted to bank fees, raising nothing.
    public struct BankCharge: Sendable, Hashable {
        public var dayIndex: Int
        public var statement: Delivery.Statement
        public var amount: Money
        public var reference: String
        public var text: String
    }

    /// The hazards of real bank data, each with its truth; customers of their own (no other receipt can reach their
    /// invoices), invoice numbers all in one class modulo 11 and twelve digits long, so that no two of them, nor any of
    /// them and another invoice, are one edit apart (a digit changed or two swapped moves a number by d·10^k or
    /// 9·d·10^k, never a multiple of 11): a reference to an invoice not issued yet is never read as a typo of another.
    ///
    /// * `hazard-nonref-twice`: two BAI2 wires on one day with the bank reference `NONREF`, the same amount and the same
    ///   text: two payments, which together pay the one invoice of their amount (split payment);
    ///   `hazard-nonref-next-day`: the same wire again the next day, a new payment (the invoice of its amount is issued that day).
    /// * `hazard-empty-reference`: a BAI2 wire with an empty bank reference naming its invoice in its text.
    /// * `hazard-camt-no-reference`, `hazard-camt-notprovided`: camt.053 lines without `AcctSvcrRef` and with
    ///   `NOTPROVIDED`; `hazard-camt-batch`: one entry with its own `AcctSvcrRef` and two transactions without references
    ///   of their own (5,000.00 and 1,500.00), each paying its own invoice.
    /// * Three accounts ending in 2233 (`ourAccount`, `secondAccount` at the same bank, `camtAccount` at another), and
    ///   `camtAccount` in two currencies: `hazard-eur` pays a EUR invoice on its EUR statement; charges on the second
    ///   account and in EUR.
    /// * `hazard-po-ach`, `hazard-po-wire`: a customer with two invoices of one amount and different purchase orders; a
    ///   CCD+ entry with `RMR*PO` and a wire whose text says `PO 12345` each pay the invoice of their order (rule `po`).
    /// * `hazard-prepayment`: a wire naming an invoice issued the next day: unapplied (UNMATCHED) the first day, the
    ///   customer known; applied from unapplied cash the day the invoice is issued.
    /// * `hazard-credit-memo-remittance`: a CTX naming an invoice of 600.00 and a credit memo of -100.00 pays 500.00: the
    ///   memo taken (a negative application), the invoice paid; `hazard-credit-memo-combination`: without remittance, two
    ///   invoices less the payer's one credit memo are the payment (rule `combination`).
    /// * `hazard-paid-first`, `hazard-paid-twice`: an invoice paid by remittance, then the same remittance again the next
    ///   day: OVER_PAY, the cash kept unapplied, never applied to the customer's other invoice of the same amount.
    func bankDataHazards(_ customers: inout [Customer], _ invoices: inout [Invoice], _ receipts: inout [Receipt], _ expected: inout [ExpectedOutcome],
                         _ deliveries: inout [String: Delivery], _ charges: inout [BankCharge]) {
        let days = options.bankDataDays
        let seed = options.seed
        let tag = Int64(seed % 1_000_000)
        // Amounts vary a little from seed to seed.
        let vary = tag % 89
        let usd = ScenarioGenerator.usd
        var numberSerial: Int64 = 0
        func number() -> String {
            numberSerial += 1
            return "INV-\(770_000_000_000 + tag * 1_000 + numberSerial * 11)"
        }
        func customer(_ suffix: String, _ name: String, company: String?) -> Customer {
            let c = Customer(id: "RB\(tag)-\(suffix)", name: name, aliases: [], achCompanyIDs: company.map { [$0] } ?? [], terms: .net30)
            customers.append(c)
            return c
        }
        func invoice(_ customer: Customer, _ amount: Money, issuedOn issued: Day = days[0].adding(days: -20), po: String = "") -> Invoice {
            let i = Invoice(id: number(), customerID: customer.id, issueDay: issued, dueDay: issued.adding(days: 30), amount: amount, openAmount: amount,
                            terms: .net30, poNumber: po)
            invoices.append(i)
            return i
        }
        /// A credit memo: a negative open item, its number marked CM.
        func memo(_ customer: Customer, _ amount: Money) -> Invoice {
            let m = Invoice(id: "CM-" + number().dropFirst(4), customerID: customer.id, issueDay: days[0].adding(days: -15), dueDay: days[0].adding(days: -15),
                            amount: amount, openAmount: amount, type: .creditMemo)
            invoices.append(m)
            return m
        }
        func app(_ i: Invoice, _ amount: Money) -> Application {
            Application(invoiceID: i.id, customerID: i.customerID, applied: amount, discount: .zero(amount.currency), writeOff: .zero(amount.currency))
        }
        var serial = 0
        func add(_ amount: Money, _ payer: Customer, on dayIndex: Int, _ statement: Delivery.Statement, _ reference: Delivery.Reference, source: ReceiptSource,
                 text: String = "", remittance: [RemittanceItem] = [], kind: String, rule: MatchRule, applications: [Application],
                 exceptions: [ExceptionType] = [], reapplied: [Application] = [], reappliedOnDay: Int? = nil) {
            serial += 1
            let key = "bankdata:\(seed):\(serial)"
            let account = statement == .second ? ScenarioGenerator.secondAccount : statement == .camt ? ScenarioGenerator.camtAccount : ScenarioGenerator.ourAccount
            receipts.append(Receipt(id: "B\(serial)", source: source, sourceRef: "B\(serial)", sourceKey: key, valueDay: days[dayIndex], amount: amount,
                                    bankAccount: account, payerName: source == .camt053 ? payer.name : payer.name.uppercased(),
                                    payerCompanyID: source == .nacha ? payer.achCompanyIDs.first ?? "" : "", remittance: remittance, freeText: text,
                                    location: SourceLocation(file: "generated-bank-data", line: serial)))
            expected.append(ExpectedOutcome(customerID: payer.id, rule: rule, applications: applications.sorted { $0.invoiceID < $1.invoiceID },
                                            exceptions: exceptions.sorted { $0.rawValue < $1.rawValue }, kind: kind, reapplied: reapplied, reappliedOnDay: reappliedOnDay))
            deliveries[key] = Delivery(dayIndex: dayIndex, statement: statement, reference: reference)
        }
        func dollars(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: usd) }

        // Placeholder references: two identical NONREF wires on one day, the same wire again the next day.
        let cordage = customer("S", "Pelham Cordage", company: nil)
        let wire = dollars(432_150 + vary)
        let both = invoice(cordage, dollars(2 * wire.minorUnits))
        let nextDays = invoice(cordage, wire, issuedOn: days[1])
        for _ in 0..<2 {
            add(wire, cordage, on: 0, .main, .placeholder("NONREF"), source: .bai2, text: "INCOMING WIRE PELHAM CORDAGE", kind: "hazard-nonref-twice",
                rule: .splitPayment, applications: [app(both, wire)])
        }
        add(wire, cordage, on: 1, .main, .placeholder("NONREF"), source: .bai2, text: "INCOMING WIRE PELHAM CORDAGE", kind: "hazard-nonref-next-day",
            rule: .exactAmount, applications: [app(nextDays, wire)])
        let ropeworks = customer("E", "Kingsbury Ropeworks", company: nil)
        let rope = invoice(ropeworks, dollars(1_875_040 + vary))
        add(rope.amount, ropeworks, on: 0, .main, .none, source: .bai2, text: "KINGSBURY ROPEWORKS PAYMENT \(rope.id)", kind: "hazard-empty-reference",
            rule: .remittance, applications: [app(rope, rope.amount)])

        // camt.053: a batched entry of two transactions without references of their own, a line without AcctSvcrRef,
        // one with NOTPROVIDED.
        let provisions = customer("M", "Brightwater Provisions", company: nil)
        let larger = invoice(provisions, dollars(500_000)), smaller = invoice(provisions, dollars(150_000))
        for paid in [larger, smaller] {
            add(paid.amount, provisions, on: 0, .camt, .batch("BTCH\(tag)0001"), source: .camt053,
                remittance: [RemittanceItem(reference: paid.id, amountPaid: paid.amount)], kind: "hazard-camt-batch", rule: .remittance,
                applications: [app(paid, paid.amount)])
        }
        let textiles = customer("N", "Copperfield Textiles", company: nil)
        let unreferenced = invoice(textiles, dollars(312_575 + vary)), notProvided = invoice(textiles, dollars(98_760 + vary))
        add(unreferenced.amount, textiles, on: 0, .camt, .none, source: .camt053, text: "INVOICE \(unreferenced.id)", kind: "hazard-camt-no-reference",
            rule: .remittance, applications: [app(unreferenced, unreferenced.amount)])
        add(notProvided.amount, textiles, on: 1, .camt, .placeholder("NOTPROVIDED"), source: .camt053,
            remittance: [RemittanceItem(reference: notProvided.id, amountPaid: notProvided.amount)], kind: "hazard-camt-notprovided", rule: .remittance,
            applications: [app(notProvided, notProvided.amount)])

        // A second currency on the camt account: a EUR invoice paid on its EUR statement; charges there and on the second account.
        let werkzeugbau = customer("G", "Brandt Werkzeugbau GmbH", company: nil)
        let euros = invoice(werkzeugbau, Money(minorUnits: 248_000 + vary, currency: .eur))
        add(euros.amount, werkzeugbau, on: 1, .camt, .own("EUR\(tag)0001"), source: .camt053,
            remittance: [RemittanceItem(reference: euros.id, amountPaid: euros.amount)], kind: "hazard-eur", rule: .remittance, applications: [app(euros, euros.amount)])
        for d in days.indices {
            charges.append(BankCharge(dayIndex: d, statement: .camt, amount: Money(minorUnits: 1_250, currency: .eur), reference: "CHG\(tag)\(d)", text: "ACCOUNT FEES"))
        }
        charges.append(BankCharge(dayIndex: 1, statement: .second, amount: dollars(3_500), reference: "FEE\(tag)1", text: "ACCOUNT ANALYSIS FEE"))

        // Purchase orders among invoices of one amount: a CCD+ RMR*PO on the main account, a wire saying PO 12345 on the second.
        let casters = customer("O", "Fairmount Casters", company: "2\(100_000_000 + tag)")
        let ordered = dollars(1_250_000 + vary)
        let first = invoice(casters, ordered, po: "12345"), other = invoice(casters, ordered, po: "67890")
        add(ordered, casters, on: 0, .main, .none, source: .nacha, remittance: [RemittanceItem(reference: "67890", referenceQualifier: "PO", amountPaid: ordered)],
            kind: "hazard-po-ach", rule: .purchaseOrder, applications: [app(other, ordered)])
        add(ordered, casters, on: 0, .second, .own("OW\(tag)0001"), source: .bai2, text: "INCOMING WIRE FAIRMOUNT CASTERS PO 12345", kind: "hazard-po-wire",
            rule: .purchaseOrder, applications: [app(first, ordered)])

        // A prepayment: the invoice it names is issued the next day.
        let milling = customer("P", "Ostrander Milling", company: nil)
        let prepaid = invoice(milling, dollars(2_760_300 + vary), issuedOn: days[1])
        add(prepaid.amount, milling, on: 0, .main, .own("PP\(tag)0001"), source: .bai2, text: "INCOMING WIRE OSTRANDER MILLING PREPAYMENT \(prepaid.id)",
            kind: "hazard-prepayment", rule: .unapplied, applications: [], exceptions: [.unmatched], reapplied: [app(prepaid, prepaid.amount)], reappliedOnDay: 1)

        // Credit memos: one netted by remittance (CTX: the invoice of 600.00 and the memo of -100.00 named, 500.00 paid),
        // one found without remittance (two invoices less the memo are the payment, and no other set of them is).
        let lumber = customer("K", "Haverford Lumber", company: "2\(300_000_000 + tag)")
        let netted = invoice(lumber, dollars(60_000)), credit = memo(lumber, dollars(-10_000))
        add(dollars(50_000), lumber, on: 0, .main, .none, source: .nacha,
            remittance: [RemittanceItem(reference: netted.id, amountPaid: netted.amount), RemittanceItem(reference: credit.id, referenceQualifier: "CM", amountPaid: credit.amount)],
            kind: "hazard-credit-memo-remittance", rule: .remittance, applications: [app(netted, netted.amount), app(credit, credit.amount)])
        let glass = customer("L", "Whitcomb Glassworks", company: "2\(400_000_000 + tag)")
        let pair = [invoice(glass, dollars(123_400 + vary)), invoice(glass, dollars(234_500))], taken = memo(glass, dollars(-32_100))
        add(dollars(pair[0].amount.minorUnits + pair[1].amount.minorUnits + taken.amount.minorUnits), glass, on: days.count - 1, .main, .none, source: .nacha,
            kind: "hazard-credit-memo-combination", rule: .combination, applications: pair.map { app($0, $0.amount) } + [app(taken, taken.amount)])

        // An invoice paid twice, beside another invoice of the same amount.
        let fixtures = customer("Y", "Larchmont Fixtures", company: "2\(200_000_000 + tag)")
        let twice = dollars(640_080 + vary)
        let paid = invoice(fixtures, twice)
        _ = invoice(fixtures, twice)
        for d in 0..<2 {
            add(twice, fixtures, on: d, .main, .none, source: .nacha, remittance: [RemittanceItem(reference: paid.id, amountPaid: twice)],
                kind: d == 0 ? "hazard-paid-first" : "hazard-paid-twice", rule: d == 0 ? .remittance : .unapplied,
                applications: d == 0 ? [app(paid, twice)] : [], exceptions: d == 0 ? [] : [.overPay])
        }
    }
}
