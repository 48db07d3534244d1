import Accounting
import Core
import Matching
import Reports
import Testing

/// The reports' own sums (summary.json's totals, the bank tie, aging's exposure and available credit) are checked:
/// amounts past what 64-bit minor units hold are an error naming the sum, never a wrapped number in a report.
@Suite struct ReportMoneyOverflowTests {
    static let day = Day(year: 2026, month: 11, day: 2)!
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }

    static func decision(_ id: String, amount: Int64, applied: Int64) -> Decision {
        let receipt = Receipt(id: id, source: .nacha, sourceRef: "ref-\(id)", sourceKey: "k-\(id)", valueDay: day, amount: m(amount), bankAccount: "1",
                              remittance: [], location: SourceLocation(file: "f", line: 1))
        let applications = [Application(invoiceID: "INV-\(id)", customerID: "C1", applied: m(applied), discount: m(0), writeOff: m(0))]
        return Decision(receipt: receipt, customerID: "C1", applications: applications, unapplied: m(amount - applied), rule: .remittance, confidence: 90,
                        evidence: Evidence())
    }

    static func summary(_ decisions: [Decision], bankTies: [Summary.BankTie] = []) throws(MoneyOverflow) -> JSONValue {
        try Summary.make(day: day, job: "job", currency: .usd, ledgerCounts: Summary.LedgerCounts(), fileCount: 1, rejectedCount: 0, acceptedCount: 1,
                         nachaBatchCount: 1, nachaEntryCount: decisions.count, statementLineCount: 0, achBatchCount: 1, reconciliation: SettlementResult(),
                         decisions: decisions, exceptions: [], dryRun: false, bankTies: bankTies)
    }

    @Test func summaryTotalsAreWorkedOutAsBefore() throws {
        // 1,000.00 received, 900.00 applied and 100.00 unapplied; 250.50 received and applied whole.
        let json = try Self.summary([Self.decision("1", amount: 100_000, applied: 90_000), Self.decision("2", amount: 25_050, applied: 25_050)],
                                    bankTies: [Summary.BankTie(account: "••••6789", day: Self.day, closing: Self.m(1_000_00), book: Self.m(999_50))])
        let text = json.rendered()
        #expect(text.contains("\"receipt_total\": \"1250.50\"") || text.contains("\"receipt_total\":\"1250.50\""), "\(text)")
        #expect(text.contains("1150.50"), "applied 900.00 + 250.50")
        // 1150.50 of 1250.50 settled invoices: 0.920 (920.03 thousandths, rounded).
        #expect(text.contains("0.920"))
        // Books 999.50 against a closing of 1,000.00: 0.50 under.
        #expect(text.contains("-0.50"))
    }

    @Test func receiptsPastSixtyFourBitsAreAnErrorNamingThem() {
        let huge = Self.decision("1", amount: Int64.max, applied: Int64.max)
        #expect(throws: MoneyOverflow(what: "the receipts of 2026-11-02")) { try Self.summary([huge, Self.decision("2", amount: 1, applied: 1)]) }
    }

    @Test func aBankTieWhoseDifferenceOverflowsNamesTheAccount() {
        let tie = Summary.BankTie(account: "••••6789", day: Self.day, closing: Self.m(-1), book: Self.m(Int64.max))
        #expect(throws: MoneyOverflow(what: "the books less the bank of account ••••6789 on 2026-11-02")) { try Self.summary([], bankTies: [tie]) }
    }

    static func agingRow(open: Int64, unapplied: Int64, limit: Int64?) -> AgingRow {
        AgingRow(customerID: "C1", name: "One", currency: .usd, buckets: [open, 0, 0, 0, 0], openTotal: open, unapplied: unapplied, creditLimit: limit,
                 averageDaysToPayTenths: nil, returns90Days: 0)
    }

    @Test func exposureAndAvailableCreditAreStatedByHand() throws {
        // 14,000.00 open less 4,000.00 unapplied: 10,000.00 exposed of a 30,000.00 limit, 20,000.00 available.
        let row = Self.agingRow(open: 1_400_000, unapplied: 400_000, limit: 3_000_000)
        #expect(try row.exposure == 1_000_000)
        #expect(try row.availableCredit == 2_000_000)
        #expect(try !row.overLimit)
        var over = Self.agingRow(open: 1_400_000, unapplied: 0, limit: 1_000_000)
        over.openCredits = -100_000
        #expect(try over.exposure == 1_300_000)
        #expect(try over.availableCredit == -300_000)
        #expect(try over.overLimit)
    }

    @Test func creditPastSixtyFourBitsIsAnErrorNamingTheCustomer() throws {
        // A limit of Int64.max minor units and unapplied cash of 0.01 more than is open: available credit past it.
        let row = Self.agingRow(open: 0, unapplied: 1, limit: Int64.max)
        #expect(try row.exposure == -1)
        #expect(throws: MoneyOverflow(what: "the credit available to customer C1 in USD")) { try row.availableCredit }
        #expect(throws: MoneyOverflow(what: "the credit available to customer C1 in USD")) { try ReportWriter.agingCSV([row]) }
        let exposed = Self.agingRow(open: Int64.max, unapplied: -1, limit: nil)
        #expect(throws: MoneyOverflow(what: "the exposure of customer C1 in USD")) { try exposed.exposure }
    }
}
