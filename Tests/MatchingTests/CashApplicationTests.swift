import Core
import Matching
import Receivables
import Statements
import Testing

@Suite struct CashApplicationTests {
    static let usd = Currency.usd
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: usd) }
    static func d(_ s: String) -> Day { Day.parse(s, format: .iso)! }

    static let customers = [
        Customer(id: "C1", name: "Acme Tools, Inc.", aliases: ["ACME TOOLS"], achCompanyIDs: ["1234567890"]),
        Customer(id: "C2", name: "Blue Ridge Builders", aliases: [], achCompanyIDs: ["2345678901"]),
    ]

    static func invoice(_ id: String, _ customer: String, _ open: Int64, issued: String = "2026-10-01", due: String = "2026-10-31", terms: String = "NET30") -> Invoice {
        Invoice(id: id, customerID: customer, issueDay: d(issued), dueDay: d(due), amount: m(open), openAmount: m(open), terms: PaymentTerms.parse(terms))
    }

    static func receipt(_ cents: Int64, company: String = "", name: String = "", remittance: [RemittanceItem] = [], text: String = "", day: String = "2026-11-02", key: String = "k") -> Receipt {
        Receipt(id: "R-\(key)", source: .nacha, sourceRef: key, sourceKey: key, valueDay: d(day), amount: m(cents), bankAccount: "4471002233",
                payerName: name, payerCompanyID: company, remittance: remittance, freeText: text, location: SourceLocation(file: "f", line: 1))
    }

    func engine(_ invoices: [Invoice], tolerance: Int64 = 100, ambiguous: MatchingPolicy.AmbiguityPolicy = .exception) -> CashApplication {
        CashApplication(customers: Self.customers, invoices: invoices, policy: MatchingPolicy(tolerance: Self.m(tolerance), ambiguous: ambiguous))
    }

    @Test func remittanceWithDiscountSettlesTheInvoice() {
        var e = engine([Self.invoice("INV-1", "C1", 500_000, issued: "2026-10-26", terms: "2/10 NET30")])
        let (decision, exceptions) = e.apply(Self.receipt(490_000, company: "1234567890", remittance: [RemittanceItem(reference: "inv 0001", amountPaid: Self.m(490_000), discount: Self.m(10_000))]))
        #expect(exceptions.isEmpty)
        #expect(decision.rule == .remittance)
        #expect(decision.applications == [Application(invoiceID: "INV-1", customerID: "C1", applied: Self.m(490_000), discount: Self.m(10_000), writeOff: Self.m(0))])
        #expect(e.openAmount(of: "INV-1") == Self.m(0))
    }

    @Test func discountOutsideTheWindowIsAShortPay() {
        var e = engine([Self.invoice("INV-1", "C1", 500_000, issued: "2026-10-01", terms: "2/10 NET30")])
        let (decision, exceptions) = e.apply(Self.receipt(490_000, company: "1234567890", remittance: [RemittanceItem(reference: "INV-1", amountPaid: Self.m(490_000), discount: Self.m(10_000))]))
        #expect(decision.applications[0].discount == Self.m(0))
        #expect(exceptions.map(\.type) == [.shortPay])
        #expect(exceptions[0].amount == Self.m(10_000))
        #expect(e.openAmount(of: "INV-1") == Self.m(10_000))
    }

    @Test func exactAmountWithinTheIdentifiedCustomer() {
        var e = engine([Self.invoice("A", "C1", 1_000), Self.invoice("B", "C2", 1_000)])
        let (decision, exceptions) = e.apply(Self.receipt(1_000, company: "2345678901"))
        #expect(exceptions.isEmpty)
        #expect(decision.rule == .exactAmount)
        #expect(decision.applications.map(\.invoiceID) == ["B"])
    }

    @Test func twoEqualCandidatesAreAmbiguousUnlessPolicySaysOldest() {
        let invoices = [Self.invoice("OLD", "C1", 4_000, due: "2026-10-01"), Self.invoice("NEW", "C1", 4_000, due: "2026-11-01")]
        var strict = engine(invoices)
        let (unapplied, exceptions) = strict.apply(Self.receipt(4_000, name: "ACME TOOLS"))
        #expect(unapplied.applications.isEmpty)
        #expect(unapplied.unapplied == Self.m(4_000))
        #expect(exceptions.map(\.type) == [.ambiguous])
        #expect(exceptions[0].invoiceIDs == ["OLD", "NEW"])
        var oldest = engine(invoices, ambiguous: .oldest)
        let (applied, none) = oldest.apply(Self.receipt(4_000, name: "ACME TOOLS"))
        #expect(none.isEmpty)
        #expect(applied.applications.map(\.invoiceID) == ["OLD"])
    }

    @Test func discountAmountWithoutRemittance() {
        var e = engine([Self.invoice("INV-6", "C1", 220_000, issued: "2026-10-28", terms: "2/10 NET30")])
        let (decision, _) = e.apply(Self.receipt(215_600, name: "ACME TOOLS INC", day: "2026-11-03"))
        #expect(decision.rule == .discountAmount)
        #expect(decision.applications[0].discount == Self.m(4_400))
    }

    @Test func combinationOfOpenInvoices() {
        var e = engine([Self.invoice("A", "C2", 1_245_000), Self.invoice("B", "C2", 120_000), Self.invoice("C", "C2", 180_000), Self.invoice("D", "C2", 95_050)])
        let (decision, exceptions) = e.apply(Self.receipt(300_000, company: "2345678901"))
        #expect(exceptions.isEmpty)
        #expect(decision.rule == .combination)
        #expect(Set(decision.applications.map(\.invoiceID)) == ["B", "C"])
    }

    @Test func toleranceWritesOffASmallShortfall() {
        var e = engine([Self.invoice("A", "C1", 150_000)])
        let (decision, _) = e.apply(Self.receipt(149_940, name: "ACME TOOLS"))
        #expect(decision.rule == .tolerance)
        #expect(decision.applications[0].writeOff == Self.m(60))
        #expect(e.openAmount(of: "A") == Self.m(0))
        // Past the tolerance the shortfall is not written off: applied as far as it goes, the rest a SHORT_PAY.
        var tight = engine([Self.invoice("A", "C1", 150_000)], tolerance: 50)
        let (short, exceptions) = tight.apply(Self.receipt(149_940, name: "ACME TOOLS"))
        #expect(short.rule == .shortPay)
        #expect(short.applications == [Application(invoiceID: "A", customerID: "C1", applied: Self.m(149_940), discount: Self.m(0), writeOff: Self.m(0))])
        #expect(exceptions.map(\.type) == [.shortPay])
        #expect(exceptions[0].amount == Self.m(60))
        #expect(tight.openAmount(of: "A") == Self.m(60))
    }

    @Test func farFromEveryInvoiceIsUnmatchedWithCandidates() {
        var e = engine([Self.invoice("A", "C1", 150_000), Self.invoice("B", "C1", 90_000)])
        let (none, exceptions) = e.apply(Self.receipt(120_000, name: "ACME TOOLS"))
        #expect(none.applications.isEmpty)
        #expect(exceptions.map(\.type) == [.unmatched])
        #expect(exceptions[0].suggestions.contains("A open 1500.00"))
        #expect(none.evidence.candidates.map(\.invoiceID).sorted() == ["A", "B"])
    }

    @Test func twoInvoicesWithinTheShortPayPercentAreNotGuessed() {
        var e = engine([Self.invoice("A", "C1", 100_000), Self.invoice("B", "C1", 102_000)])
        let (none, exceptions) = e.apply(Self.receipt(99_000, name: "ACME TOOLS"))
        #expect(none.applications.isEmpty)
        #expect(exceptions.map(\.type) == [.unmatched])
    }

    @Test func overPaymentKeepsTheRestAsUnappliedCash() {
        var e = engine([Self.invoice("A", "C1", 600_000)])
        let (decision, exceptions) = e.apply(Self.receipt(615_000, company: "1234567890", remittance: [RemittanceItem(reference: "A", amountPaid: Self.m(600_000))]))
        #expect(decision.unapplied == Self.m(15_000))
        #expect(exceptions.map(\.type) == [.overPay])
    }

    @Test func unknownPayerGoesToSuspenseWithAnException() {
        var e = engine([Self.invoice("A", "C1", 1_000)])
        let (decision, exceptions) = e.apply(Self.receipt(1_000, company: "9999999999", name: "GALAXY RETAIL"))
        #expect(decision.customerID == nil)
        #expect(exceptions.map(\.type) == [.unknownCustomer])
    }

    @Test func freeTextInvoiceNumbersAreRemittance() {
        var e = engine([Self.invoice("INV-10015", "C2", 987_000)])
        let (decision, _) = e.apply(Self.receipt(987_000, text: "INCOMING WIRE DELTA REF INV 10015"))
        #expect(decision.rule == .remittance)
        #expect(decision.applications.map(\.invoiceID) == ["INV-10015"])
    }

    @Test func severalReceiptsPayOneInvoice() {
        var e = engine([Self.invoice("A", "C1", 750_000)])
        _ = e.apply(Self.receipt(748_000, company: "1234567890", remittance: [RemittanceItem(reference: "A", amountPaid: Self.m(748_000))], key: "1"))
        let (second, exceptions) = e.apply(Self.receipt(2_000, company: "1234567890", remittance: [RemittanceItem(reference: "A", amountPaid: Self.m(2_000))], key: "2"))
        #expect(exceptions.isEmpty)
        #expect(second.applications[0].applied == Self.m(2_000))
        #expect(e.openAmount(of: "A") == Self.m(0))
    }

    @Test func unknownReferenceFallsBackToTheCustomerRules() {
        var e = engine([Self.invoice("INV-1", "C1", 500_000, issued: "2026-10-01", terms: "2/10 NET30")])
        let (decision, exceptions) = e.apply(Self.receipt(400_000, company: "1234567890", remittance: [RemittanceItem(reference: "ZZZ-9", amountPaid: Self.m(400_000))]))
        #expect(decision.applications.isEmpty)
        #expect(exceptions.map(\.type) == [.unmatched])
        #expect(exceptions[0].message.contains("ZZZ-9"))
        // The discount taken after its window: applied as a short payment, the discount unearned and never written off.
        var late = engine([Self.invoice("INV-1", "C1", 500_000, issued: "2026-10-01", terms: "2/10 NET30")], tolerance: 20_000)
        let (short, raised) = late.apply(Self.receipt(490_000, company: "1234567890", remittance: [RemittanceItem(reference: "ZZZ-9", amountPaid: Self.m(490_000))]))
        #expect(short.rule == .shortPay)
        #expect(raised.map(\.type) == [.shortPay])
        #expect(raised[0].message.contains("unearned discount"))
        #expect(raised[0].message.contains("ZZZ-9"))
        #expect(late.openAmount(of: "INV-1") == Self.m(10_000))
    }

    @Test func exceptionIDsAreStable() {
        var a = engine([Self.invoice("A", "C1", 1_000)])
        var b = engine([Self.invoice("A", "C1", 1_000)])
        #expect(a.apply(Self.receipt(5, company: "1234567890")).exceptions.map(\.id) == b.apply(Self.receipt(5, company: "1234567890")).exceptions.map(\.id))
    }
}

@Suite struct SettlementReconcilerTests {
    static func line(_ cents: Int64, _ day: String, kind: TransactionKind = .achCredit) -> StatementLine {
        StatementLine(format: .bai2, account: "1", bookingDay: Day.parse(day, format: .iso)!, amount: Money(minorUnits: cents, currency: .usd),
                      kind: kind, location: SourceLocation(file: "s", line: 1))
    }

    static func d(_ s: String) -> Day { Day.parse(s, format: .iso)! }

    static func item(_ key: String, file: String, _ cents: Int64, _ day: String, company: String = "X", unsettled: String? = nil) -> SettlementItem {
        let batch = SettlementBatch(key: key, fileKey: file, fileName: file, batchNumber: 1, companyName: company, effectiveDay: d(day),
                                    netAmount: Money(minorUnits: cents, currency: .usd), location: SourceLocation(file: file, line: 1))
        var item = SettlementItem(batch, role: "received", firstDay: d(day))
        item.unsettledDay = unsettled.map(d)
        return item
    }

    @Test func batchesSettleByBatchOrByFileAndTheRestWaitOrAreUnsettled() {
        // Day 2026-11-10 (a Tuesday after Veterans Day is Wednesday): c1's window (settling 11-02) ended 11-05.
        let result = SettlementReconciler().reconcile(
            items: [Self.item("a1", file: "A", 100, "2026-11-02"), Self.item("b1", file: "B", 30, "2026-11-02"), Self.item("b2", file: "B", 70, "2026-11-02"),
                    Self.item("c1", file: "C", 55, "2026-11-02"), Self.item("d1", file: "D", 80, "2026-11-09")],
            lines: [Self.line(100, "2026-11-02"), Self.line(100, "2026-11-03"), Self.line(55, "2026-11-10"), Self.line(55, "2026-11-02", kind: .wireIn)],
            day: Self.d("2026-11-10"))
        #expect(result.settledBy["a1"] == 0)
        #expect(result.settledBy["b1"] == 1 && result.settledBy["b2"] == 1)
        #expect(result.unsettled.map(\.key) == ["c1"]) // too late for its window, and a wire is not ACH settlement
        #expect(result.unsettled.first?.unsettledDay == Self.d("2026-11-10"))
        #expect(result.pending.map(\.key) == ["d1"]) // inside its window: pending, no exception
        #expect(result.explainedLines == [0, 1])
    }

    @Test func anUnsettledBatchStillSettlesLateAndTheDailyTotalSettlesSeveral() {
        let late = Self.item("late", file: "L", 55, "2026-11-02", unsettled: "2026-11-06")
        let result = SettlementReconciler().reconcile(
            items: [late, Self.item("e1", file: "E", 40, "2026-11-09"), Self.item("f1", file: "F", 60, "2026-11-09")],
            lines: [Self.line(55, "2026-11-10"), Self.line(100, "2026-11-09")], day: Self.d("2026-11-10"))
        #expect(result.settledBy["late"] == 0)
        #expect(result.settledBy["e1"] == 1 && result.settledBy["f1"] == 1)
        #expect(result.levels["daily total"] == 1)
        #expect(result.unsettled.isEmpty && result.pending.isEmpty && result.stillUnsettled.isEmpty)
    }

    @Test func aBatchShownEntryByEntrySettlesWhenEveryEntryHasItsLine() {
        var shown = Self.item("e", file: "E", 300, "2026-11-02")
        shown.entryAmounts = [100, 200].map { Money(minorUnits: $0, currency: .usd) }
        var half = Self.item("h", file: "H", 700, "2026-11-02")
        half.entryAmounts = [300, 400].map { Money(minorUnits: $0, currency: .usd) }
        let result = SettlementReconciler().reconcile(items: [shown, half], lines: [Self.line(200, "2026-11-03"), Self.line(100, "2026-11-02"), Self.line(400, "2026-11-02")],
                                                      day: Self.d("2026-11-03"))
        #expect(result.settledBy["e"] == 0) // the last of its lines
        #expect(result.levels["entry"] == 1)
        #expect(result.pending.map(\.key) == ["h"]) // one entry's line is missing: still waiting, and its line is not used
        #expect(result.explainedLines == [0, 1])
    }

    @Test func theOriginatorsNameBreaksATie() {
        var first = Self.line(500, "2026-11-02")
        first.description = "ACH CREDIT OTHER CO"
        var second = Self.line(500, "2026-11-02")
        second.description = "ACH CREDIT ACME TOOLS INC"
        let result = SettlementReconciler().reconcile(items: [Self.item("acme", file: "A", 500, "2026-11-02", company: "ACME TOOLS INC")],
                                                      lines: [first, second], day: Self.d("2026-11-02"))
        #expect(result.settledBy["acme"] == 1)
    }
}

@Suite struct CustomerNameTests {
    static let directory = CustomerDirectory([
        Customer(id: "A", name: "Northwind Industrial Supply, Inc."),
        Customer(id: "B", name: "Harborview Steel LLC"),
        Customer(id: "C", name: "Harborview Steel West LLC"),
        Customer(id: "D", name: "Evergreen Hospitals"),
    ])

    @Test(arguments: [("NORTHWIND IND SUPPLY", "A"), ("The Northwind Industrial Supply Co", "A"), ("HARBORVIEW STEEL", "B"), ("HARBORVIEW STEEL WEST", "C"),
                      ("EVERGREEN HOSP", "D")])
    func namesCompareByWordsAndAbbreviations(payer: String, customer: String) {
        #expect(Self.directory.identify(companyID: "", name: payer, text: "")?.customerID == customer)
    }

    @Test func companyIDsCompareByTheirDigits() {
        let d = CustomerDirectory([Customer(id: "A", name: "Acme", achCompanyIDs: ["1234567890"]), Customer(id: "Z", name: "Zeta", achCompanyIDs: ["0012345"])])
        for written in ["1234567890", " 1234567890", "1 234567890", "1234567890 "] {
            #expect(d.identify(companyID: written, name: "", text: "")?.customerID == "A", "'\(written)'")
        }
        // Leading zeros are digits too: 0012345 is not 12345.
        #expect(d.identify(companyID: "0012345", name: "", text: "")?.customerID == "Z")
        #expect(d.identify(companyID: "12345", name: "", text: "") == nil)
    }

    @Test func aCustomerListedTwiceIsItsFirstListing() async {
        let listed = [Customer(id: "A", name: "Acme", achCompanyIDs: ["1234567890"]), Customer(id: "B", name: "Bolt"),
                      Customer(id: "A", name: "Acme Again", achCompanyIDs: ["9999999999"])]
        for d in [CustomerDirectory(listed), await CustomerDirectory.make(listed)] {
            #expect(d.customer("A")?.name == "Acme")
            #expect(d.customers.count == 2)
            #expect(d.identify(companyID: "1234567890", name: "", text: "")?.customerID == "A")
            #expect(d.identify(companyID: "9999999999", name: "", text: "") == nil)
            #expect(d.identify(companyID: "", name: "BOLT", text: "")?.customerID == "B")
        }
        // Listed once each: the same directory.
        let once = CustomerDirectory(Array(listed.prefix(2)))
        #expect(once.customer("B")?.name == "Bolt" && once.customers.count == 2)
    }

    @Test func aNameOneWordShortOfTwoCustomersIdentifiesNeither() {
        // "HARBORVIEW WEST" shares two of three words with C and one of two with B: below the threshold.
        #expect(Self.directory.identify(companyID: "", name: "HARBORVIEW WEST", text: "") == nil)
        #expect(Self.directory.identify(companyID: "", name: "STEEL", text: "") == nil)
    }

    @Test func aNameInStatementTextPrefersTheLongerOfTwoItContains() {
        #expect(Self.directory.identify(companyID: "", name: "", text: "WIRE FROM HARBORVIEW STEEL WEST LLC REF 991")?.customerID == "C")
        #expect(Self.directory.identify(companyID: "", name: "", text: "WIRE FROM HARBORVIEW STEEL REF 991")?.customerID == "B")
    }
}

@Suite struct CombinationSearchTests {
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }
    static let customers = [Customer(id: "C1", name: "Acme Tools", achCompanyIDs: ["1234567890"])]

    static func receipt(_ cents: Int64) -> Receipt {
        Receipt(id: "R", source: .nacha, sourceRef: "1", sourceKey: "k", valueDay: Day(year: 2026, month: 11, day: 2)!, amount: m(cents), bankAccount: "1",
                payerCompanyID: "1234567890", location: SourceLocation(file: "f", line: 1))
    }

    static func invoices(_ amounts: [Int64]) -> [Invoice] {
        amounts.enumerated().map { i, a in
            Invoice(id: "I\(i)", customerID: "C1", issueDay: Day(year: 2026, month: 10, day: 1)!, dueDay: Day(year: 2026, month: 10, day: 31)!.adding(days: i),
                    amount: m(a), openAmount: m(a))
        }
    }

    @Test func aSearchCutOffIsAnExceptionNotAGuess() {
        // 20 invoices of nearly equal amounts and a target no subset reaches: the search must visit many sets.
        let amounts = (0..<20).map { Int64(100_000 + $0 * 7) }
        var tight = CashApplication(customers: Self.customers, invoices: Self.invoices(amounts),
                                    policy: MatchingPolicy(tolerance: Self.m(0), combinationStepBudget: 100, shortPayPercent: 0))
        let (cut, raised) = tight.apply(Self.receipt(amounts[0] + amounts[5] + amounts[9] + 1))
        #expect(cut.applications.isEmpty)
        #expect(raised.map(\.type) == [.unmatched])
        #expect(raised[0].message.contains("cut off"))
        // With the default budget the same search finishes and finds nothing: an ordinary UNMATCHED.
        var full = CashApplication(customers: Self.customers, invoices: Self.invoices(amounts), policy: MatchingPolicy(tolerance: Self.m(0), shortPayPercent: 0))
        let (_, unmatched) = full.apply(Self.receipt(amounts[0] + amounts[5] + amounts[9] + 1))
        #expect(unmatched.map(\.type) == [.unmatched])
        #expect(!unmatched[0].message.contains("cut off"))
        // A unique combination among all 20 is applied.
        var unique = CashApplication(customers: Self.customers, invoices: Self.invoices([100_000, 250_011, 370_029, 410_043, 550_061]),
                                     policy: MatchingPolicy(tolerance: Self.m(0)))
        let (applied, none) = unique.apply(Self.receipt(250_011 + 410_043))
        #expect(none.isEmpty)
        #expect(applied.rule == .combination)
        #expect(applied.applications.map(\.invoiceID) == ["I1", "I3"])
    }

    @Test func moreOpenInvoicesThanTheLimitAreNotSearched() {
        let amounts = (0..<30).map { Int64(10_000 + $0 * 1_013) }
        var e = CashApplication(customers: Self.customers, invoices: Self.invoices(amounts), policy: MatchingPolicy(tolerance: Self.m(0), combinationInvoiceLimit: 10, shortPayPercent: 0))
        let (d, raised) = e.apply(Self.receipt(amounts[20] + amounts[21]))
        #expect(d.applications.isEmpty)
        #expect(raised.map(\.type) == [.unmatched])
        #expect(raised[0].message.contains("combinations not searched"))
    }

    @Test func anInvoiceGivenTwiceKeepsItsLaterRow() {
        var twice = Self.invoices([50_000])
        twice.append(Invoice(id: "I0", customerID: "C1", issueDay: Day(year: 2026, month: 10, day: 1)!, dueDay: Day(year: 2026, month: 10, day: 31)!,
                             amount: Self.m(70_000), openAmount: Self.m(70_000)))
        var e = CashApplication(customers: Self.customers, invoices: twice, policy: MatchingPolicy(tolerance: Self.m(0)))
        #expect(e.allInvoices.count == 1)
        #expect(e.openAmount(of: "I0") == Self.m(70_000))
        let (d, _) = e.apply(Self.receipt(70_000))
        #expect(d.rule == .exactAmount && d.applications.map(\.invoiceID) == ["I0"])
    }

    @Test func invoicesIssuedAfterTheDayAreNotSeen() {
        let later = Invoice(id: "LATER", customerID: "C1", issueDay: Day(year: 2026, month: 11, day: 5)!, dueDay: Day(year: 2026, month: 12, day: 5)!,
                            amount: Self.m(77_700), openAmount: Self.m(77_700))
        var e = CashApplication(customers: Self.customers, invoices: [later], policy: MatchingPolicy(tolerance: Self.m(0)), asOf: Day(year: 2026, month: 11, day: 2)!)
        let (d, raised) = e.apply(Self.receipt(77_700))
        #expect(d.applications.isEmpty)
        #expect(raised.map(\.type) == [.unmatched])
    }
}

@Suite struct ReturnsTests {
    static let usd = Currency.usd
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: usd) }
    static let day = Day(year: 2026, month: 11, day: 6)!

    static func notice(_ code: String, dishonored: Bool = false, contested: Bool = false, reversal: Bool = false) -> ReturnNotice {
        let fact = ACHEntryFact(legacyKey: "", role: .originated, companyID: "1447100223",
                                traceNumber: "110000120000001", receivingDFI: "07640125", amount: m(512_500), signedAmount: m(-512_500), effectiveDay: day,
                                settlementDay: day, fileName: "returns.ach", location: SourceLocation(file: "returns.ach", line: 3), receiverName: "DELTA MARINE",
                                identificationNumber: "C004", kind: .returned)
        return ReturnNotice(fact: fact, reasonCode: code, originalTraceNumber: "076401250000001", originalReceivingDFI: "11000012",
                            isDishonored: dishonored, isContested: contested, isReversal: reversal)
    }

    static let original = OriginalPayment(sourceKey: "ach:originated:1447100223:2026-11-03:076401250000001", traceNumber: "076401250000001", customerID: "C004",
                                          day: Day(year: 2026, month: 11, day: 3)!, applications: [
        PastApplication(receiptID: "R1", invoiceID: "INV-1", customerID: "C004", applied: m(500_000), discount: m(10_000), writeOff: m(50)),
        PastApplication(receiptID: "R1", invoiceID: nil, customerID: "C004", applied: m(12_500), discount: m(0), writeOff: m(0)),
    ])

    @Test func aReturnReversesCashDiscountAndWriteOffAndReopensTheInvoice() {
        let r = Returns.reversal(of: Self.notice("R01"), original: Self.original)
        #expect(r.reverses)
        #expect(r.sourceKey == "return:" + Self.original.sourceKey)
        #expect(r.reversed.map(\.applied) == [Self.m(-500_000), Self.m(-12_500)])
        #expect(r.reversed[0].discount == Self.m(-10_000) && r.reversed[0].writeOff == Self.m(-50))
        #expect(r.reopenedInvoices == ["INV-1"])
        #expect(r.exception.type == .returnEntry && r.exception.sourceRef == "076401250000001" && r.exception.invoiceIDs == ["INV-1"])
        #expect(r.exception.message.contains("R01 (Insufficient Funds)"))
    }

    @Test func aDishonoredReturnUndoesTheReversalAndAContestedOneRedoesIt() {
        let dishonored = Returns.reversal(of: Self.notice("R69", dishonored: true), original: Self.original)
        // The same key: the ledger's state under it becomes nothing (the reversal itself is reversed).
        #expect(dishonored.sourceKey == "return:" + Self.original.sourceKey)
        #expect(!dishonored.reverses && dishonored.reversed.isEmpty && dishonored.reopenedInvoices.isEmpty)
        #expect(dishonored.exception.message.contains("dishonored"))
        let contested = Returns.reversal(of: Self.notice("R72", contested: true), original: Self.original)
        #expect(contested.reverses && contested.reopenedInvoices == ["INV-1"])
    }

    @Test func aReturnWithNoKnownOriginalHoldsTheMoneyInSuspense() {
        let r = Returns.reversal(of: Self.notice("R01"), original: nil)
        #expect(r.reversed.isEmpty && r.reverses)
        #expect(r.exception.message.contains("no payment with that trace number"))
    }
}
