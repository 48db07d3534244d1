import Accounting
import Core
import Matching
import Testing

/// The checks a reviewer's decision passes before it is recorded (`ReviewRules.check`), against facts given by hand:
/// no ledger. Amounts worked out by hand.
@Suite struct ReviewRulesTests {
    typealias B = Books

    static func exception(_ type: ExceptionType = .unmatched, amount: Int64? = 50_000, invoices: [String] = [], status: String = "open") -> ExceptionRow {
        ExceptionRow(exceptionID: "X1", day: B.d("2026-11-02"), type: type.rawValue, severity: "warning", receiptID: "R-1", source: "nacha", sourceRef: "T1",
                     location: "f.ach:3", customerID: "C1", amount: amount.map(B.m), invoiceIDs: invoices, message: "", suggestions: "", status: status)
    }

    static func invoice(_ id: String, amount: Int64, open: Int64) -> LedgerInvoice {
        LedgerInvoice(invoiceID: id, customerID: "C1", issueDay: B.d("2026-10-01"), dueDay: B.d("2026-10-31"), amount: B.m(amount), openAmount: B.m(open),
                      terms: "NET30", poNumber: "")
    }

    static func apply(_ applications: [(String, String)], note: String = "called the customer") -> ReviewRequest {
        ReviewRequest(exceptionID: "X1", kind: .apply, applications: applications.map { (invoiceID: $0.0, amount: $0.1) }, note: note, by: "ana")
    }

    /// What the refusal says ("" when accepted; another error's description with "not a refusal").
    static func refusal(_ body: () throws -> [ReviewApplication]) -> String {
        do {
            _ = try body()
            return ""
        } catch let refusal as ReviewRefusal {
            return refusal.message
        } catch { return "not a refusal: \(error)" }
    }

    @Test func applyTakesWhatIsOpenAndNoMoreThanTheUnappliedCash() throws {
        // 500.00 unapplied; INV-1 has 300.00 open, INV-2 400.00: 300.00 + 200.00 = 500.00 is accepted.
        let facts = ReviewFacts(exception: Self.exception(), unapplied: 50_000,
                                invoices: ["INV-1": Self.invoice("INV-1", amount: 30_000, open: 30_000), "INV-2": Self.invoice("INV-2", amount: 40_000, open: 40_000)])
        let out = try ReviewRules.check(Self.apply([("INV-1", "300.00"), ("INV-2", "200.00")]), facts: facts, policy: ReviewPolicy())
        #expect(out == [ReviewApplication(invoiceID: "INV-1", amount: B.m(30_000)), ReviewApplication(invoiceID: "INV-2", amount: B.m(20_000))])
        // 300.00 + 200.01 = 500.01 is a cent more than the receipt has.
        #expect(Self.refusal { try ReviewRules.check(Self.apply([("INV-1", "300.00"), ("INV-2", "200.01")]), facts: facts, policy: ReviewPolicy()) }
                    .contains("more than the receipt's unapplied 500.00"))
        // 300.01 is more than INV-1 has open.
        #expect(Self.refusal { try ReviewRules.check(Self.apply([("INV-1", "300.01")]), facts: facts, policy: ReviewPolicy()) }.contains("open 300.00"))
        // "open" takes what the invoice has open, as far as the cash goes: INV-2's 400.00 after INV-1's 300.00 is 200.00.
        let open = try ReviewRules.check(Self.apply([("INV-1", "open"), ("INV-2", "open")]), facts: facts, policy: ReviewPolicy())
        #expect(open.map(\.amount) == [B.m(30_000), B.m(20_000)])
    }

    @Test func anUnknownInvoiceNamesTheCustomersNearest() {
        let facts = ReviewFacts(exception: Self.exception(), unapplied: 50_000, customerInvoiceIDs: ["INV-10020", "INV-10021", "INV-99999"])
        let message = Self.refusal { try ReviewRules.check(Self.apply([("INV-1002", "10.00")]), facts: facts, policy: ReviewPolicy()) }
        #expect(message == "X1: no invoice INV-1002 in the ledger; C1's nearest: INV-10020, INV-10021")
    }

    @Test func aDecisionNeedsANoteAnOpenExceptionAndAKindItsTypeAccepts() {
        let facts = ReviewFacts(exception: Self.exception(), unapplied: 50_000)
        #expect(Self.refusal { try ReviewRules.check(Self.apply([("INV-1", "1.00")], note: "..."), facts: facts, policy: ReviewPolicy()) }.contains("says nothing"))
        let resolved = ReviewFacts(exception: Self.exception(status: "resolved"))
        #expect(Self.refusal { try ReviewRules.check(Self.apply([("INV-1", "1.00")]), facts: resolved, policy: ReviewPolicy()) }.contains("already resolved"))
        let writeOff = ReviewRequest(exceptionID: "X1", kind: .writeOff, note: "small", by: "ana")
        #expect(Self.refusal { try ReviewRules.check(writeOff, facts: facts, policy: ReviewPolicy()) } == "X1 is UNMATCHED: it accepts --apply, --refund, --unapplied, not --write-off")
    }

    @Test func aWriteOffTakesWhatEachInvoiceStillHasOpenAndAboveTheLimitNeedsASecondPerson() throws {
        // Short 150.00 across INV-1 (100.00 open) and INV-2 (80.00 open): 100.00 + 50.00.
        let facts = ReviewFacts(exception: Self.exception(.shortPay, amount: 15_000, invoices: ["INV-1", "INV-2"]),
                                invoices: ["INV-1": Self.invoice("INV-1", amount: 50_000, open: 10_000), "INV-2": Self.invoice("INV-2", amount: 8_000, open: 8_000)])
        let request = ReviewRequest(exceptionID: "X1", kind: .writeOff, note: "agreed", by: "ana")
        let limit = B.m(20_000)
        #expect(try ReviewRules.check(request, facts: facts, policy: ReviewPolicy(writeOffLimit: limit)).map(\.amount) == [B.m(10_000), B.m(5_000)])
        // 150.00 is above a limit of 149.99: approved by someone else, not by the one deciding.
        #expect(Self.refusal { try ReviewRules.check(request, facts: facts, policy: ReviewPolicy(writeOffLimit: B.m(14_999))) }.contains("--approved-by a second person"))
        var approvedBySelf = request
        approvedBySelf.approvedBy = "ana"
        #expect(Self.refusal { try ReviewRules.check(approvedBySelf, facts: facts, policy: ReviewPolicy(writeOffLimit: B.m(14_999))) }.contains("someone other than --by"))
        var approved = request
        approved.approvedBy = "ben"
        #expect(try ReviewRules.check(approved, facts: facts, policy: ReviewPolicy(writeOffLimit: B.m(14_999))).count == 2)
        // Both invoices since paid: nothing open to write off.
        let paid = ReviewFacts(exception: facts.exception, invoices: ["INV-1": Self.invoice("INV-1", amount: 50_000, open: 0),
                                                                      "INV-2": Self.invoice("INV-2", amount: 8_000, open: 0)])
        #expect(Self.refusal { try ReviewRules.check(request, facts: paid, policy: ReviewPolicy(writeOffLimit: limit)) } == "X1: nothing open to write off: INV-1, INV-2 have nothing open now")
    }

    static func owned(_ id: String, by customer: String, open: Int64) -> LedgerInvoice {
        var invoice = Self.invoice(id, amount: open, open: open)
        invoice.customerID = customer
        return invoice
    }

    @Test func anotherCustomersInvoiceOnlyFromAParentOrWhenTheManifestAllowsIt() throws {
        // C1's 500.00 receipt; INV-9 (200.00 open) is C2's.
        let facts = ReviewFacts(exception: Self.exception(), unapplied: 50_000, invoices: ["INV-9": Self.owned("INV-9", by: "C2", open: 20_000)])
        let request = Self.apply([("INV-9", "200.00")])
        // Unrelated: refused, as cash application refuses it.
        #expect(Self.refusal { try ReviewRules.check(request, facts: facts, policy: ReviewPolicy()) }
                    == "X1: invoice INV-9 is C2's and the receipt C1's: one customer's cash goes to another's invoices only from a parent (parent_id in the customers file) or with matching.cross_customer: allow")
        // C1 is C2's parent's parent: accepted. C2 the parent of C1 (the child paying the parent's invoice): refused.
        #expect(try ReviewRules.check(request, facts: facts, policy: ReviewPolicy(parentOf: ["C2": "C0", "C0": "C1"])).map(\.amount) == [B.m(20_000)])
        #expect(Self.refusal { try ReviewRules.check(request, facts: facts, policy: ReviewPolicy(parentOf: ["C1": "C2"])) }.contains("is C2's"))
        // matching.cross_customer: allow.
        #expect(try ReviewRules.check(request, facts: facts, policy: ReviewPolicy(crossCustomer: .allow)).count == 1)
        // A payer nobody knew (suspense): the reviewer places the cash on whoever's invoice.
        var unknown = facts
        unknown.exception.customerID = ""
        #expect(try ReviewRules.check(request, facts: unknown, policy: ReviewPolicy()).count == 1)
    }

    @Test func postToTakesAnAccountTheManifestListsAndNeverOneTheRunKeepsTrackOf() throws {
        // A bank difference of -120.00 (books under the bank); the manifest lists 6900 and 4990.
        let facts = ReviewFacts(exception: Self.exception(.bankDifference, amount: -12_000))
        func request(_ code: String, approvedBy: String = "") -> ReviewRequest {
            var r = ReviewRequest(exceptionID: "X1", kind: .postTo, note: "bank error, letter on file", by: "ana", approvedBy: approvedBy)
            r.postTo = code
            return r
        }
        let policy = ReviewPolicy(writeOffLimit: B.m(10_000), postTo: ["6900", "4990"], cashCodes: ["1010"])
        for (code, why) in [("1000-2233", "a bank account's cash"), ("1010", "a bank account's cash"), ("1050", "ACH in transit"), ("1200", "receivables"),
                            ("2100", "unapplied cash"), ("1999", "suspense")] {
            #expect(Self.refusal { try ReviewRules.check(request(code), facts: facts, policy: policy) }.contains(why), "\(code)")
        }
        #expect(Self.refusal { try ReviewRules.check(request("6100"), facts: facts, policy: policy) }.contains("not an account review.post_to lists (6900, 4990)"))
        // 120.00 is above the 100.00 limit: with a second person, kept as 6900=120.00.
        #expect(Self.refusal { try ReviewRules.check(request("6900"), facts: facts, policy: policy) }.contains("--approved-by a second person"))
        #expect(try ReviewRules.check(request("6900", approvedBy: "ben"), facts: facts, policy: policy) == [ReviewApplication(invoiceID: "6900", amount: B.m(12_000))])
        // Only the two bank types take it.
        #expect(Self.refusal { try ReviewRules.check(request("6900", approvedBy: "ben"), facts: ReviewFacts(exception: Self.exception()), policy: policy) }
                    .contains("it accepts --apply, --refund, --unapplied, not --post-to"))
    }

    @Test func anUnsettledBatchIsWrittenOffWholeWithApprovalAboveTheLimit() throws {
        let facts = ReviewFacts(exception: Self.exception(.unsettledBatch, amount: 250_000))
        let request = ReviewRequest(exceptionID: "X1", kind: .writeOff, note: "never arrived", by: "ana")
        #expect(Self.refusal { try ReviewRules.check(request, facts: facts, policy: ReviewPolicy()) }.contains("a write-off of 2500.00 is above the limit of 100.00"))
        var approved = request
        approved.approvedBy = "ben"
        #expect(try ReviewRules.check(approved, facts: facts, policy: ReviewPolicy()) == [ReviewApplication(invoiceID: "1050", amount: B.m(250_000))])
        // Ignoring it would leave its money in ACH in transit for ever: a line settles it, or it is reversed or written off.
        #expect(ReviewRules.accepted(by: ExceptionType.unsettledBatch.rawValue) == [.settledBy, .reverse, .writeOff])
        #expect(Self.refusal { try ReviewRules.check(ReviewRequest(exceptionID: "X1", kind: .ignore, note: "never arrived", by: "ana"), facts: facts, policy: ReviewPolicy()) }
                    .contains("it accepts --settled-by, --reverse, --write-off, not --ignore"))
    }

    /// A receipt's application row as the ledger keeps it.
    static func row(_ receipt: String, key: String, invoice: String? = nil, customer: String? = nil, _ cents: Int64, rule: String = "unapplied",
                    currency: Currency = .usd) -> ApplicationRow {
        let zero = Money.zero(currency)
        return ApplicationRow(receiptID: receipt, sourceKey: key, invoiceID: invoice, customerID: customer, applied: Money(minorUnits: cents, currency: currency),
                              discount: zero, writeOff: zero, rule: rule, confidence: 100, source: key.hasPrefix("stmt:") ? "bai2" : "nacha", sourceRef: "W1")
    }

    @Test func anUnsettledBatchIsSettledByALineOfItsAmountWhoseCashStillWaits() throws {
        // GALAXY's batch of 2,500.00 never showed; a wire of 2,500.00 (R-L) from an unknown payer sits in suspense.
        let key = "stmt:4471002233:W1:250000:USD"
        var facts = ReviewFacts(exception: Self.exception(.unsettledBatch, amount: 250_000))
        func request(_ receipt: String) -> ReviewRequest {
            var r = ReviewRequest(exceptionID: "X1", kind: .settledBy, note: "the wire is the batch, bank confirms", by: "ana")
            r.settledBy = receipt
            return r
        }
        func refusal(_ line: StatementLineFacts?) -> String {
            facts.line = line
            return Self.refusal { try ReviewRules.check(request("R-L"), facts: facts, policy: ReviewPolicy()) }
        }
        // Accepted without approval (no money leaves the books): kept as R-L=2500.00.
        facts.line = StatementLineFacts(receiptID: "R-L", sourceKey: key, rows: [Self.row("R-L", key: key, 250_000)])
        #expect(try ReviewRules.check(request("R-L"), facts: facts, policy: ReviewPolicy()) == [ReviewApplication(invoiceID: "R-L", amount: B.m(250_000))])
        #expect(refusal(nil).contains("no receipt R-L in the ledger"))
        // An ACH receipt is no statement line.
        let ach = "ach:received:9999999999:2026-11-02:111000020000001"
        #expect(refusal(StatementLineFacts(receiptID: "R-L", sourceKey: ach, rows: [Self.row("R-L", key: ach, 250_000)])).contains("not a bank statement line"))
        // Another amount or currency, named.
        #expect(refusal(StatementLineFacts(receiptID: "R-L", sourceKey: key, rows: [Self.row("R-L", key: key, 240_000)]))
                    .contains("the line is 2400.00, the batch 2500.00"))
        #expect(refusal(StatementLineFacts(receiptID: "R-L", sourceKey: key, rows: [Self.row("R-L", key: key, 250_000, currency: .eur)]))
                    .contains("the line is in EUR, the batch in USD"))
        // A line another batch's decision named already.
        #expect(refusal(StatementLineFacts(receiptID: "R-L", sourceKey: key, rows: [Self.row("R-L", key: key, 250_000)], takenBy: "X2"))
                    .contains("already settles the batch of UNSETTLED_BATCH X2"))
        // 1,000.00 of it applied to INV-1 by a decision since: 1,500.00 still waits, not the line's 2,500.00.
        let applied = [Self.row("R-L", key: key, 250_000), Self.row("R-L", key: "review:X9", -100_000), Self.row("R-L", key: "review:X9", invoice: "INV-1", 100_000, rule: "review")]
        #expect(refusal(StatementLineFacts(receiptID: "R-L", sourceKey: key, rows: applied)).contains("1500.00 of the line still waits (unapplied or in suspense), not its 2500.00: the rest was applied to INV-1"))
    }

    @Test func anUnsettledBatchIsReversedWhenItsReceiptsHoldItAllWithApprovalAboveTheLimit() throws {
        // R-1 paid INV-1 with 2,000.00, R-2's 500.00 waits in suspense: the batch's 2,500.00 all there.
        let rows = [Self.row("R-1", key: "ach:1", invoice: "INV-1", customer: "C1", 200_000, rule: "remittance"), Self.row("R-2", key: "ach:2", 50_000)]
        var facts = ReviewFacts(exception: Self.exception(.unsettledBatch, amount: 250_000))
        facts.batchRows = rows
        var request = ReviewRequest(exceptionID: "X1", kind: .reverse, note: "the batch was recalled", by: "ana")
        #expect(Self.refusal { try ReviewRules.check(request, facts: facts, policy: ReviewPolicy()) }.contains("a reversal of 2500.00 is above the limit of 100.00"))
        request.approvedBy = "ben"
        #expect(try ReviewRules.check(request, facts: facts, policy: ReviewPolicy()) == [ReviewApplication(invoiceID: "1050", amount: B.m(250_000))])
        // R-2 returned since (a return row of -500.00): 2,000.00 left, not the batch's 2,500.00.
        facts.batchRows = rows + [Self.row("R-2", key: "return:ach:2", -50_000, rule: "return")]
        #expect(Self.refusal { try ReviewRules.check(request, facts: facts, policy: ReviewPolicy()) }.contains("hold 2000.00 now, not the batch's 2500.00"))
        // No receipt of the batch in the ledger: nothing to reverse.
        facts.batchRows = []
        #expect(Self.refusal { try ReviewRules.check(request, facts: facts, policy: ReviewPolicy()) }.contains("no receipt of the batch's entries"))
    }

    @Test func theMoneyOfABatchThatNeverReachedTheBankIsNeitherAppliedNorRefunded() throws {
        var facts = ReviewFacts(exception: Self.exception(.unknownCustomer), unapplied: 50_000, invoices: ["INV-1": Self.invoice("INV-1", amount: 50_000, open: 50_000)])
        facts.unsettledBatch = "XB"
        let refund = ReviewRequest(exceptionID: "X1", kind: .refund, note: "customer asked", by: "ana")
        #expect(Self.refusal { try ReviewRules.check(refund, facts: facts, policy: ReviewPolicy()) }
                    .contains("came in an ACH batch that has not reached the bank (UNSETTLED_BATCH XB): its money cannot be refunded"))
        #expect(Self.refusal { try ReviewRules.check(Self.apply([("INV-1", "500.00")]), facts: facts, policy: ReviewPolicy()) }.contains("cannot be applied"))
        // Kept unapplied books nothing: allowed.
        #expect(try ReviewRules.check(ReviewRequest(exceptionID: "X1", kind: .unapplied, note: "wait for the bank", by: "ana"), facts: facts, policy: ReviewPolicy()).isEmpty)
        // A line whose cash settles a batch (--settled-by) is the batch's money.
        facts.unsettledBatch = nil
        facts.settlesBatch = "XB"
        #expect(Self.refusal { try ReviewRules.check(refund, facts: facts, policy: ReviewPolicy()) }.contains("settles the batch of UNSETTLED_BATCH XB"))
        facts.settlesBatch = nil
        #expect(try ReviewRules.check(refund, facts: facts, policy: ReviewPolicy()).isEmpty)
    }
}
