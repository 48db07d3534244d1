import Core
import Matching
import Receivables
import Testing

/// A payment of an amount written off earlier (a short payment written off by a reviewer or within the tolerance) is a
/// recovery: the write-off is reversed by the cash, the invoice stays closed at 0, no exception. Only a payment for an
/// invoice closed by cash, or beyond what was written off, is an OVER_PAY.
@Suite struct RecoveryTests {
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }
    static func d(_ s: String) -> Day { Day.parse(s, format: .iso)! }

    static let customers = [Customer(id: "C1", name: "Acme Tools, Inc.", aliases: ["ACME TOOLS"], achCompanyIDs: ["1234567890"])]

    static func invoice(_ id: String, _ amount: Int64, open: Int64? = nil) -> Invoice {
        Invoice(id: id, customerID: "C1", issueDay: d("2026-10-01"), dueDay: d("2026-10-31"), amount: m(amount), openAmount: m(open ?? amount),
                terms: PaymentTerms.parse("NET30"))
    }

    /// INV-7 (7,500.00) short paid by 20.00, the 20.00 written off: closed. INV-8 (1,000.00) closed by cash. INV-9 open.
    static let book = [invoice("INV-7", 750_000, open: 0), invoice("INV-8", 100_000, open: 0), invoice("INV-9", 50_000)]
    static let writtenOff: [String: Int64] = ["INV-7": 2_000]

    static func receipt(_ cents: Int64, _ remittance: [RemittanceItem] = [], key: String = "1", company: String = "1234567890") -> Receipt {
        Receipt(id: "R-\(key)", source: .nacha, sourceRef: key, sourceKey: key, valueDay: d("2026-11-03"), amount: m(cents), bankAccount: "4471002233",
                payerCompanyID: company, remittance: remittance, location: SourceLocation(file: "f", line: 1))
    }

    func engine(_ invoices: [Invoice] = RecoveryTests.book, writtenOff: [String: Int64] = RecoveryTests.writtenOff) -> CashApplication {
        CashApplication(customers: Self.customers, invoices: invoices, policy: MatchingPolicy(tolerance: Self.m(100)), writtenOff: writtenOff)
    }

    @Test(arguments: [[RemittanceItem(reference: "INV-7", amountPaid: m(2_000))], [RemittanceItem(reference: "inv 7")]])
    func aPaymentOfWhatWasWrittenOffIsARecovery(remittance: [RemittanceItem]) {
        var e = engine()
        let (decision, exceptions) = e.apply(Self.receipt(2_000, remittance))
        #expect(exceptions.isEmpty, "\(exceptions.map(\.message))")
        #expect(decision.rule == .recovery)
        #expect(decision.applications.count == 1 && decision.unapplied.isZero)
        let a = decision.applications[0]
        #expect(a.invoiceID == "INV-7" && a.customerID == "C1")
        #expect(a.applied == Self.m(2_000) && a.discount.isZero && a.writeOff == Self.m(-2_000))
        #expect(a.isRecovery && a.settled == 0)
        #expect(decision.evidence.description.contains("20.00 recovers what was written off of INV-7"), "\(decision.evidence)")
        // The invoice stays closed; nothing is left written off.
        #expect(e.openAmount(of: "INV-7") == Self.m(0))
        #expect(e.writtenOffAmount(of: "INV-7") == Self.m(0))
        #expect(e.openAmount(of: "INV-9") == Self.m(50_000))
    }

    /// More than was written off: the write-off is recovered, the rest is an over payment kept as unapplied cash.
    @Test func aPaymentBeyondWhatWasWrittenOffIsAnOverPayForTheRest() {
        var e = engine()
        let (decision, exceptions) = e.apply(Self.receipt(3_000, [RemittanceItem(reference: "INV-7", amountPaid: Self.m(3_000))]))
        #expect(decision.rule == .recovery)
        #expect(decision.applications.map(\.applied) == [Self.m(2_000)] && decision.unapplied == Self.m(1_000))
        #expect(exceptions.map(\.type) == [.overPay])
        #expect(exceptions.first?.amount == Self.m(1_000))
        #expect(exceptions.first?.message.contains("more than the remitted invoices' open amounts and what was written off of them") == true,
                "\(exceptions.map(\.message))")
    }

    /// An invoice closed by cash, nothing written off: paid again, OVER_PAY for the whole receipt, as before; its
    /// suggestions never offer to apply to the closed invoice.
    @Test func aPaymentForAnInvoiceClosedByCashIsStillAnOverPay() {
        var e = engine()
        let (decision, exceptions) = e.apply(Self.receipt(100_000, [RemittanceItem(reference: "INV-8", amountPaid: Self.m(100_000))]))
        #expect(decision.rule == .unapplied && decision.applications.isEmpty && decision.unapplied == Self.m(100_000))
        #expect(exceptions.map(\.type) == [.overPay])
        #expect(exceptions.first?.invoiceIDs == ["INV-8"])
        #expect(exceptions.first?.message.contains("INV-8 closed by an earlier payment") == true)
        let suggestions = exceptions.first?.suggestions ?? ""
        #expect(suggestions.contains("--refund") && !suggestions.contains("INV-8"), "\(suggestions)")
    }

    /// Recovered once, the write-off is gone: the same payment made again the same day is paid again (OVER_PAY).
    @Test func aWriteOffIsRecoveredOnce() {
        var e = engine()
        let first = Self.receipt(2_000, [RemittanceItem(reference: "INV-7")], key: "111")
        let again = Self.receipt(2_000, [RemittanceItem(reference: "INV-7")], key: "222")
        let day = e.applyAll([first, again])
        #expect(day.decisions[0].rule == .recovery)
        #expect(day.decisions[1].rule == .unapplied && day.decisions[1].applications.isEmpty)
        #expect(day.exceptions.map(\.type) == [.overPay] && day.exceptions.first?.receiptID == "R-222")
        #expect(e.writtenOffAmount(of: "INV-7") == Self.m(0))
    }

    /// A payer the directory does not know, naming the invoice, is matched in the pass after the customers': it sees
    /// what the customer's own receipt recovered earlier in the day.
    @Test func thePassAfterTheCustomersSeesTheirRecoveries() {
        var e = engine()
        let own = Self.receipt(2_000, [RemittanceItem(reference: "INV-7")], key: "111")
        let stranger = Self.receipt(2_000, [RemittanceItem(reference: "INV-7")], key: "222", company: "9999999999")
        let day = e.applyAll([own, stranger])
        #expect(day.decisions[0].rule == .recovery)
        #expect(day.decisions[1].applications.isEmpty, "\(day.decisions[1].evidence)")
        #expect(day.exceptions.map(\.type) == [.overPay])
    }

    /// An invoice still partly open with something written off of it before (a write-off taken back by a return, say):
    /// the payment closes what is open with cash, the rest recovers the write-off.
    @Test func aPaymentPastWhatIsOpenRecoversTheRest() {
        var e = engine([Self.invoice("INV-7", 750_000, open: 5_000)])
        let (decision, exceptions) = e.apply(Self.receipt(7_000, [RemittanceItem(reference: "INV-7")]))
        #expect(exceptions.isEmpty, "\(exceptions.map(\.message))")
        #expect(decision.rule == .remittance)
        #expect(decision.applications.map(\.applied) == [Self.m(5_000), Self.m(2_000)])
        #expect(decision.applications.map(\.isRecovery) == [false, true])
        #expect(decision.applications.map(\.settled) == [5_000, 0])
        #expect(e.openAmount(of: "INV-7") == Self.m(0))
    }

    /// Without remittance: exactly what is written off of one closed invoice of the payer is a recovery of it; the same
    /// amount written off of two is for a person (UNMATCHED).
    @Test func anAmountEqualToOneWriteOffIsItsRecovery() {
        var e = engine()
        let (decision, exceptions) = e.apply(Self.receipt(2_000))
        #expect(exceptions.isEmpty && decision.rule == .recovery && decision.confidence == 70)
        #expect(decision.applications.map(\.invoiceID) == ["INV-7"] && decision.applications.allSatisfy(\.isRecovery))

        var two = engine(writtenOff: ["INV-7": 2_000, "INV-8": 2_000])
        let (other, raised) = two.apply(Self.receipt(2_000))
        #expect(other.applications.isEmpty && raised.map(\.type) == [.unmatched])
    }

    /// Nothing written off (the table empty, as on nearly every day): exactly the rules as they were.
    @Test func withoutWriteOffsNothingIsRecovered() {
        var e = engine(writtenOff: [:])
        let (decision, exceptions) = e.apply(Self.receipt(2_000, [RemittanceItem(reference: "INV-7")]))
        #expect(decision.applications.isEmpty && exceptions.map(\.type) == [.overPay])
        let (unremitted, raised) = e.apply(Self.receipt(2_000))
        #expect(unremitted.applications.isEmpty && raised.map(\.type) == [.unmatched])
    }
}
