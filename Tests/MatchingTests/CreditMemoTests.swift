import ACH
import Core
import Matching
import Receivables
import Testing

/// Credit memos as open items in cash application (DESIGN.md, Cash application, rules 1 and 3; CONTRACT.md: a credit
/// memo taken by a payment is an application of its own with a negative applied amount). A memo's open amount is
/// negative; taking it moves it towards 0 and adds its credit to the cash that pays the invoices.
@Suite struct CreditMemoTests {
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }
    static func d(_ s: String) -> Day { Day.parse(s, format: .iso)! }

    static let customers = [
        Customer(id: "C1", name: "Acme Tools, Inc.", aliases: ["ACME TOOLS"], achCompanyIDs: ["1234567890"]),
        Customer(id: "C2", name: "Blue Ridge Builders", achCompanyIDs: ["2345678901"]),
    ]

    static func invoice(_ id: String, _ amount: Int64, open: Int64? = nil, customer: String = "C1", due: String = "2026-10-31", po: String = "",
                        terms: String = "NET30") -> Invoice {
        Invoice(id: id, customerID: customer, issueDay: d("2026-10-01"), dueDay: d(due), amount: m(amount), openAmount: m(open ?? amount),
                terms: PaymentTerms.parse(terms), poNumber: po)
    }

    /// A credit memo: its amount and open amount negative (a credit of the customer).
    static func memo(_ id: String, _ amount: Int64, open: Int64? = nil, customer: String = "C1", due: String = "2026-10-15") -> Invoice {
        Invoice(id: id, customerID: customer, issueDay: d("2026-10-01"), dueDay: d(due), amount: m(amount), openAmount: m(open ?? amount), type: .creditMemo)
    }

    static func receipt(_ cents: Int64, remittance: [RemittanceItem] = [], text: String = "", key: String = "1") -> Receipt {
        Receipt(id: "R-\(key)", source: .nacha, sourceRef: key, sourceKey: key, valueDay: d("2026-11-02"), amount: m(cents), bankAccount: "4471002233",
                payerCompanyID: "1234567890", remittance: remittance, freeText: text, location: SourceLocation(file: "f", line: 1))
    }

    func engine(_ invoices: [Invoice], tolerance: Int64 = 100, combinationLimit: Int = 24) -> CashApplication {
        CashApplication(customers: Self.customers, invoices: invoices,
                        policy: MatchingPolicy(tolerance: Self.m(tolerance), combinationInvoiceLimit: combinationLimit))
    }

    /// The decision's own arithmetic, with negative rows: what is unapplied is the receipt less everything applied.
    func expectBalanced(_ decision: Decision, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(decision.unapplied.minorUnits == decision.receipt.amount.minorUnits - decision.appliedTotal, sourceLocation: sourceLocation)
        #expect(decision.unapplied.minorUnits >= 0, sourceLocation: sourceLocation)
        for a in decision.applications where a.applied.minorUnits < 0 {
            #expect(a.discount.isZero && a.writeOff.isZero, "a memo's application is credit only", sourceLocation: sourceLocation)
        }
    }

    /// INV-1001 open 600.00 (purchase order 7790), CM-2001 open -100.00.
    static let book = [invoice("INV-1001", 60_000, po: "7790"), memo("CM-2001", -10_000)]

    static func application(_ id: String, _ applied: Int64) -> Application {
        Application(invoiceID: id, customerID: "C1", applied: m(applied), discount: m(0), writeOff: m(0))
    }

    // MARK: - Rule 2: a remittance naming a memo takes it

    /// The ways of naming INV-1001 and CM-2001 beside it: X12 `RMR*CM` (negative), camt `CREN` read as `CM` (unsigned), a
    /// line of the invoice qualifier with a negative amount paid, and in free text.
    static let namings: [(String, [RemittanceItem], String)] = [
        ("RMR*CM negative", [RemittanceItem(reference: "INV-1001", amountPaid: m(60_000)), RemittanceItem(reference: "CM-2001", referenceQualifier: "CM", amountPaid: m(-10_000))], ""),
        ("camt CREN, unsigned", [RemittanceItem(reference: "INV-1001", amountPaid: m(60_000)), RemittanceItem(reference: "CM-2001", referenceQualifier: "CM", amountPaid: m(10_000))], ""),
        ("RMR*CM without the marker", [RemittanceItem(reference: "INV-1001"), RemittanceItem(reference: "2001", referenceQualifier: "CM")], ""),
        ("RMR*IV negative", [RemittanceItem(reference: "INV-1001", amountPaid: m(60_000)), RemittanceItem(reference: "CM-2001", amountPaid: m(-10_000))], ""),
        ("no amounts", [RemittanceItem(reference: "INV-1001"), RemittanceItem(reference: "CM-2001", referenceQualifier: "CM")], ""),
        ("text CM-", [], "PAYMENT INV-1001 CM-2001"),
        ("text CM ", [], "PAYMENT INV 1001 LESS CM 2001"),
        ("text CREDIT MEMO", [], "INV-1001 LESS CREDIT MEMO NO 2001"),
        ("text CM before", [], "CM 2001 INV 1001"),
        ("text PO, CM after", [], "PO 7790 CM-2001"),
    ]

    @Test(arguments: 0..<namings.count)
    func aPaymentNamingAnInvoiceAndAMemoTakesTheMemoFirst(_ k: Int) {
        let (what, remittance, text) = Self.namings[k]
        var e = engine(Self.book)
        let (decision, exceptions) = e.apply(Self.receipt(50_000, remittance: remittance, text: text))
        #expect(exceptions.isEmpty, "\(what): \(exceptions.map(\.message))")
        #expect(decision.rule == (text.hasPrefix("PO") ? .purchaseOrder : .remittance), "\(what)")
        // 600.00 - 100.00 = 500.00: the memo's row of its own, negative, before the invoice's.
        #expect(decision.applications == [Self.application("CM-2001", -10_000), Self.application("INV-1001", 60_000)], "\(what): \(decision.evidence)")
        #expect(decision.unapplied == Self.m(0) && decision.appliedTotal == 50_000)
        #expect(e.openAmount(of: "INV-1001") == Self.m(0) && e.openAmount(of: "CM-2001") == Self.m(0))
        #expect(decision.evidence.description.contains("credit memo CM-2001: -100.00 taken of its open -100.00"), "\(what): \(decision.evidence)")
        expectBalanced(decision)
    }

    @Test func withoutTheMemoNamedTheSamePaymentIsShortAsBefore() {
        var e = engine(Self.book)
        let (decision, exceptions) = e.apply(Self.receipt(50_000, remittance: [RemittanceItem(reference: "INV-1001", amountPaid: Self.m(60_000))]))
        #expect(decision.applications == [Self.application("INV-1001", 50_000)])
        #expect(exceptions.map(\.type) == [.shortPay])
        #expect(exceptions.first?.amount == Self.m(10_000))
        #expect(e.openAmount(of: "CM-2001") == Self.m(-10_000))
        // A bare number in the text is not a memo named, even the number of one: only after CM or CREDIT MEMO.
        var text = engine([Self.invoice("INV-1001", 60_000), Self.memo("2001", -10_000)])
        let (bare, raised) = text.apply(Self.receipt(50_000, text: "INV-1001 2001"))
        #expect(bare.applications == [Self.application("INV-1001", 50_000)], "\(bare.evidence)")
        #expect(raised.map(\.type) == [.shortPay])
        #expect(text.openAmount(of: "2001") == Self.m(-10_000))
        var marked = engine([Self.invoice("INV-1001", 60_000), Self.memo("2001", -10_000)])
        let (named, none) = marked.apply(Self.receipt(50_000, text: "INV-1001 CM 2001"))
        #expect(none.isEmpty && named.applications == [Self.application("2001", -10_000), Self.application("INV-1001", 60_000)], "\(named.evidence)")
    }

    @Test func aMemoTakenForLessThanItsCreditStaysOpenForTheRest() {
        var e = engine(Self.book)
        // 600.00 - 60.00 = 540.00; the memo's -40.00 stays open.
        let (decision, exceptions) = e.apply(Self.receipt(54_000, remittance: [
            RemittanceItem(reference: "INV-1001", amountPaid: Self.m(60_000)), RemittanceItem(reference: "CM-2001", referenceQualifier: "CM", amountPaid: Self.m(-6_000)),
        ]))
        #expect(exceptions.isEmpty, "\(exceptions.map(\.message))")
        #expect(decision.applications == [Self.application("CM-2001", -6_000), Self.application("INV-1001", 60_000)])
        #expect(e.openAmount(of: "CM-2001") == Self.m(-4_000) && e.openAmount(of: "INV-1001") == Self.m(0))
        #expect(decision.evidence.description.contains("-60.00 taken of its open -100.00, -40.00 stays open"), "\(decision.evidence)")
        expectBalanced(decision)
        // Saying more than the memo's open credit takes what is open; the payment is short by the rest.
        var more = engine([Self.invoice("INV-1001", 60_000), Self.memo("CM-2001", -10_000, open: -4_000)])
        let (short, raised) = more.apply(Self.receipt(50_000, remittance: [
            RemittanceItem(reference: "INV-1001", amountPaid: Self.m(60_000)), RemittanceItem(reference: "CM-2001", referenceQualifier: "CM", amountPaid: Self.m(-10_000)),
        ]))
        #expect(short.applications == [Self.application("CM-2001", -4_000), Self.application("INV-1001", 54_000)])
        #expect(raised.map(\.type) == [.shortPay] && raised.first?.amount == Self.m(6_000))
        #expect(raised.first?.message.contains("remittance takes -100.00 of credit memo CM-2001, whose open credit is -40.00") == true, "\(raised.map(\.message))")
        expectBalanced(short)
    }

    @Test func aMemoAlreadyClosedIsNotTakenAndThePaymentIsShortByIt() {
        var e = engine([Self.invoice("INV-1001", 60_000), Self.memo("CM-2001", -10_000, open: 0)])
        let (decision, exceptions) = e.apply(Self.receipt(50_000, remittance: [
            RemittanceItem(reference: "INV-1001", amountPaid: Self.m(60_000)), RemittanceItem(reference: "CM-2001", referenceQualifier: "CM", amountPaid: Self.m(-10_000)),
        ]))
        #expect(decision.applications == [Self.application("INV-1001", 50_000)])
        #expect(exceptions.map(\.type) == [.shortPay])
        #expect(exceptions.first?.amount == Self.m(10_000))
        #expect(exceptions.first?.message.contains("credit memo CM-2001, not taken: already closed") == true, "\(exceptions.map(\.message))")
        #expect(decision.evidence.description.contains("credit memo CM-2001, not taken: already closed"), "\(decision.evidence)")
        #expect(e.openAmount(of: "CM-2001") == Self.m(0))
        expectBalanced(decision)
    }

    @Test func aMemoTakenByTheDaysEarlierReceiptIsClosedForTheNext() {
        var e = engine([Self.invoice("INV-1001", 60_000), Self.invoice("INV-1002", 30_000, due: "2026-11-15"), Self.memo("CM-2001", -10_000)])
        let day = e.applyAll([
            Self.receipt(50_000, remittance: [RemittanceItem(reference: "INV-1001"), RemittanceItem(reference: "CM-2001", referenceQualifier: "CM")], key: "1"),
            Self.receipt(20_000, remittance: [RemittanceItem(reference: "INV-1002"), RemittanceItem(reference: "CM-2001", referenceQualifier: "CM")], key: "2"),
        ])
        #expect(day.decisions[0].applications == [Self.application("CM-2001", -10_000), Self.application("INV-1001", 60_000)])
        #expect(day.decisions[1].applications == [Self.application("INV-1002", 20_000)])
        #expect(day.exceptions.map(\.type) == [.shortPay] && day.exceptions.first?.amount == Self.m(10_000))
        #expect(day.exceptions.first?.message.contains("closed by an earlier payment, receipt R-1") == true, "\(day.exceptions.map(\.message))")
        for decision in day.decisions { expectBalanced(decision) }
    }

    @Test func aMemoOfAnotherCustomerIsRefusedAsAnInvoiceIs() {
        var e = engine([Self.invoice("INV-1001", 60_000), Self.memo("CM-9", -10_000, customer: "C2")])
        let (decision, exceptions) = e.apply(Self.receipt(50_000, remittance: [
            RemittanceItem(reference: "INV-1001", amountPaid: Self.m(60_000)), RemittanceItem(reference: "CM-9", referenceQualifier: "CM", amountPaid: Self.m(-10_000)),
        ]))
        #expect(decision.applications == [Self.application("INV-1001", 50_000)])
        #expect(Set(exceptions.map(\.type)) == [.unmatched, .shortPay])
        #expect(exceptions.first { $0.type == .unmatched }?.message.contains("CM-9 of customer C2") == true)
        #expect(e.openAmount(of: "CM-9") == Self.m(-10_000))
        expectBalanced(decision)
    }

    @Test func aMemoNamedWithoutAnOpenInvoiceIsNotTurnedIntoCash() {
        var e = engine(Self.book)
        let (decision, exceptions) = e.apply(Self.receipt(50_000, remittance: [RemittanceItem(reference: "CM-2001", referenceQualifier: "CM", amountPaid: Self.m(-10_000))]))
        #expect(decision.applications.isEmpty && decision.unapplied == Self.m(50_000))
        #expect(exceptions.map(\.type) == [.overPay])
        #expect(exceptions.first?.message.contains("no open invoice of the payer to take it against") == true, "\(exceptions.map(\.message))")
        #expect(e.openAmount(of: "CM-2001") == Self.m(-10_000) && e.openAmount(of: "INV-1001") == Self.m(60_000))
        expectBalanced(decision)
    }

    @Test func aCreditMemoLineNamingAnInvoiceNamesNothing() {
        var e = engine([Self.invoice("INV-1001", 60_000), Self.invoice("INV-7", 10_000)])
        let (decision, exceptions) = e.apply(Self.receipt(50_000, remittance: [
            RemittanceItem(reference: "INV-1001", amountPaid: Self.m(60_000)), RemittanceItem(reference: "INV-7", referenceQualifier: "CM", amountPaid: Self.m(-10_000)),
        ]))
        #expect(decision.applications == [Self.application("INV-1001", 50_000)])
        #expect(exceptions.map(\.type) == [.shortPay])
        #expect(decision.evidence.description.contains("credit memo INV-7 (INV-7 is an invoice, not a credit memo)"), "\(decision.evidence)")
        #expect(e.openAmount(of: "INV-7") == Self.m(10_000))
    }

    @Test func aMemoNamedBesideAPurchaseOrderIsTakenFirst() {
        var e = engine([Self.invoice("INV-5", 60_000, po: "7790"), Self.memo("CM-2001", -10_000)])
        let (decision, exceptions) = e.apply(Self.receipt(50_000, text: "PO 7790 CM-2001"))
        #expect(exceptions.isEmpty, "\(exceptions.map(\.message))")
        #expect(decision.rule == .purchaseOrder)
        #expect(decision.applications == [Self.application("CM-2001", -10_000), Self.application("INV-5", 60_000)])
        expectBalanced(decision)
        // An order of several open invoices: the one set that sums to the cash and the credit.
        var several = engine([Self.invoice("INV-5", 60_000, po: "7790"), Self.invoice("INV-6", 25_000, due: "2026-11-05", po: "7790"),
                              Self.memo("CM-2001", -10_000)])
        let (set, none) = several.apply(Self.receipt(50_000, text: "PO 7790 CM-2001"))
        #expect(none.isEmpty, "\(none.map(\.message))")
        #expect(set.applications == [Self.application("CM-2001", -10_000), Self.application("INV-5", 60_000)], "\(set.evidence)")
        #expect(several.openAmount(of: "INV-6") == Self.m(25_000))
        expectBalanced(set)
    }

    @Test func anX12LineOfTheInvoiceQualifierWithANegativeAmountPaidReadsAsACredit() {
        let x12 = X12Remittance.parse("ST*820*0001~BPR*C*500*C*ACH~RMR*IV*INV-1001**600.00~RMR*IV*CM-2001**-100.00~RMR*CM*2002**-25.5~SE*5*0001~")
        #expect(x12.items.map(\.amountPaid) == [Self.m(60_000), Self.m(-10_000), Self.m(-2_550)])
        #expect(x12.items.map(\.referenceQualifier) == ["IV", "IV", "CM"])
        #expect(x12.diagnostics.isEmpty)
        var e = engine(Self.book)
        let (decision, exceptions) = e.apply(Self.receipt(50_000, remittance: Array(x12.items.prefix(2))))
        #expect(exceptions.isEmpty)
        #expect(decision.applications == [Self.application("CM-2001", -10_000), Self.application("INV-1001", 60_000)])
    }

    // MARK: - Rule 1: memos never look like invoices to the amount rules

    @Test func aMemoIsNeverPaidByTheAmountRules() {
        // A payment of a memo's size is not the memo's (exact amount, tolerance, short pay of one open item).
        for cents: Int64 in [10_000, 9_990, 9_700] {
            var e = engine([Self.memo("CM-2001", -10_000)])
            let (decision, exceptions) = e.apply(Self.receipt(cents))
            #expect(decision.applications.isEmpty, "\(cents): \(decision.evidence)")
            #expect(exceptions.map(\.type) == [.unmatched])
            #expect(exceptions.first?.message.contains("has no open invoices") == true)
            #expect(e.openAmount(of: "CM-2001") == Self.m(-10_000))
        }
        // Short pay of the one open invoice within 5%: the memo, open beside it, is no second candidate and is not taken.
        var e = engine([Self.invoice("INV-1001", 100_000), Self.memo("CM-2001", -30_000)], tolerance: 0)
        let (short, raised) = e.apply(Self.receipt(98_000))
        #expect(short.rule == .shortPay && short.applications == [Self.application("INV-1001", 98_000)])
        #expect(raised.map(\.type) == [.shortPay] && raised.first?.amount == Self.m(2_000))
        #expect(e.openAmount(of: "CM-2001") == Self.m(-30_000))
    }

    // MARK: - Rule 3: a combination may take at most one open memo of the payer

    @Test func invoicesLessOneMemoThatEqualThePaymentAreApplied() {
        // 700.00 + 300.00 - 200.00 = 800.00.
        var e = engine([Self.invoice("A", 70_000, due: "2026-10-20"), Self.invoice("B", 30_000, due: "2026-10-25"), Self.memo("CM-1", -20_000)])
        let (decision, exceptions) = e.apply(Self.receipt(80_000))
        #expect(exceptions.isEmpty, "\(exceptions.map(\.message))")
        #expect(decision.rule == .combination)
        #expect(decision.applications == [Self.application("CM-1", -20_000), Self.application("A", 70_000), Self.application("B", 30_000)])
        #expect(decision.evidence.description.contains("amount equals the sum of A + B less credit memo CM-1"), "\(decision.evidence)")
        #expect(e.openAmount(of: "CM-1") == Self.m(0))
        expectBalanced(decision)
        // One invoice less one memo is a combination too: 700.00 - 200.00 = 500.00.
        var one = engine([Self.invoice("A", 70_000), Self.memo("CM-1", -20_000)])
        let (single, none) = one.apply(Self.receipt(50_000))
        #expect(none.isEmpty && single.applications == [Self.application("CM-1", -20_000), Self.application("A", 70_000)])
    }

    @Test func twoSetsThatFitAreAmbiguousWithAMemoToo() {
        // 700 + 300 - 200 = 800 and 300 + 500 = 800.
        var e = engine([Self.invoice("A", 70_000), Self.invoice("B", 30_000), Self.invoice("C", 50_000), Self.memo("CM-1", -20_000)])
        let (decision, exceptions) = e.apply(Self.receipt(80_000))
        #expect(decision.applications.isEmpty && decision.unapplied == Self.m(80_000))
        #expect(exceptions.map(\.type) == [.ambiguous])
        #expect(Set(exceptions.first?.invoiceIDs ?? []) == ["A", "B", "C", "CM-1"])
        #expect(e.openAmount(of: "CM-1") == Self.m(-20_000))
        // Two memos that each fit: 1,000 - 200 = 800 with either.
        var two = engine([Self.invoice("A", 100_000), Self.memo("CM-1", -20_000), Self.memo("CM-2", -20_000)])
        let (none, raised) = two.apply(Self.receipt(80_000))
        #expect(none.applications.isEmpty && raised.map(\.type) == [.ambiguous])
    }

    @Test func atMostOneMemoTakesPartAndAnExactInvoiceStillWins() {
        // 1,000.00 - 100.00 - 100.00 = 800.00 needs two memos: not a combination.
        var two = engine([Self.invoice("A", 100_000), Self.memo("CM-1", -10_000), Self.memo("CM-2", -10_000)], tolerance: 0)
        let (none, raised) = two.apply(Self.receipt(80_000))
        #expect(none.applications.isEmpty)
        #expect(raised.map(\.type) == [.unmatched])
        // An invoice of exactly the amount wins before any combination (700 + 300 - 200 = 800 too).
        var exact = engine([Self.invoice("A", 70_000), Self.invoice("B", 30_000), Self.invoice("E", 80_000), Self.memo("CM-1", -20_000)])
        let (decision, exceptions) = exact.apply(Self.receipt(80_000))
        #expect(exceptions.isEmpty)
        #expect(decision.rule == .exactAmount && decision.applications == [Self.application("E", 80_000)])
        #expect(exact.openAmount(of: "CM-1") == Self.m(-20_000))
    }

    @Test func theCombinationSearchWithAMemoIsBoundedAsBefore() {
        // Invoices up to 800.00 + the 200.00 credit: three, above a limit of two, so nothing is searched.
        var e = engine([Self.invoice("A", 70_000), Self.invoice("B", 30_000), Self.invoice("C", 95_000), Self.memo("CM-1", -20_000)], tolerance: 0, combinationLimit: 2)
        let (decision, exceptions) = e.apply(Self.receipt(80_000))
        #expect(decision.applications.isEmpty)
        #expect(exceptions.map(\.type) == [.unmatched])
        #expect(exceptions.first?.message.contains("combinations not searched") == true, "\(exceptions.map(\.message))")
        // A step budget spent before the search ends is a search cut off, never a guess.
        let amounts = (0..<16).map { Int64(100_000 + $0 * 7) }
        var invoices = amounts.enumerated().map { Self.invoice("I\($0.offset)", $0.element) }
        invoices.append(Self.memo("CM-1", -3))
        var tight = CashApplication(customers: Self.customers, invoices: invoices,
                                    policy: MatchingPolicy(tolerance: Self.m(0), combinationStepBudget: 100, shortPayPercent: 0))
        let (cut, cutRaised) = tight.apply(Self.receipt(amounts[0] + amounts[5] + amounts[9] + 1))
        #expect(cut.applications.isEmpty)
        #expect(cutRaised.first?.message.contains("cut off") == true, "\(cutRaised.map(\.message))")
    }

    @Test func aMemoInAnotherCurrencyOrOfAnotherCustomerTakesNoPartInACombination() {
        var other = engine([Self.invoice("A", 70_000), Self.invoice("B", 30_000), Self.memo("CM-9", -20_000, customer: "C2")], tolerance: 0)
        let (decision, _) = other.apply(Self.receipt(80_000))
        #expect(decision.applications.isEmpty)
        #expect(other.openAmount(of: "CM-9") == Self.m(-20_000))
        let euros = Invoice(id: "CM-E", customerID: "C1", issueDay: Self.d("2026-10-01"), dueDay: Self.d("2026-10-15"), amount: Money(minorUnits: -20_000, currency: .eur),
                            openAmount: Money(minorUnits: -20_000, currency: .eur), type: .creditMemo)
        var currency = engine([Self.invoice("A", 70_000), Self.invoice("B", 30_000), euros], tolerance: 0)
        let (none, _) = currency.apply(Self.receipt(80_000))
        #expect(none.applications.isEmpty)
    }
}
