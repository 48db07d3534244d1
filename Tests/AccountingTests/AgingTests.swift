import Accounting
import Core
import Matching
import Testing

/// Aging and credit exposure (`AgingRow.rows`, `PaymentHistory`): open items by days past due, open credits, unapplied
/// cash, the credit left under the limit, days to pay and returns. Figures worked out by hand.
@Suite struct AgingTests {
    typealias B = Books
    static let day = B.d("2026-11-30")

    static func item(_ id: String, _ customer: String = "C1", amount: Int64, open: Int64? = nil, due: String, currency: Currency = .usd) -> OpenItemRow {
        OpenItemRow(invoiceID: id, customerID: customer, dueDay: B.d(due), amount: Money(minorUnits: amount, currency: currency),
                    openAmount: Money(minorUnits: open ?? amount, currency: currency), daysPastDue: 0)
    }

    @Test func bucketsAreNotDueThen30DaySteps() {
        #expect([-5, 0, 1, 30, 31, 60, 61, 90, 91, 400].map { AgingRow.bucket(daysPastDue: $0) } == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4])
    }

    @Test func aCustomersReceivablesByAgeBesideItsCreditsCashAndLimit() throws {
        // On 2026-11-30: INV-1 100.00 due 12-10 (not due); INV-2 200.00 due 11-15 (15 days); INV-3 300.00 due 10-01 (60 days);
        // INV-5 350.00 due 09-30 (61 days) and INV-6 50.00 due 09-01 (90 days); INV-4 400.00 due 08-31 (91 days).
        // Buckets: 100.00 | 200.00 | 300.00 | 350.00 + 50.00 = 400.00 | 400.00; open 1,400.00.
        // CM-1 -50.00 open: a credit. INV-0 settled: nothing. 2100 holds -25.00 for C1: 25.00 unapplied.
        let items = [Self.item("INV-1", amount: 10_000, due: "2026-12-10"), Self.item("INV-2", amount: 20_000, due: "2026-11-15"),
                     Self.item("INV-3", amount: 30_000, due: "2026-10-01"), Self.item("INV-5", amount: 35_000, due: "2026-09-30"),
                     Self.item("INV-6", amount: 5_000, due: "2026-09-01"), Self.item("INV-4", amount: 40_000, due: "2026-08-31"),
                     Self.item("CM-1", amount: -5_000, due: "2026-11-01"), Self.item("INV-0", amount: 9_900, open: 0, due: "2026-06-01")]
        let rows = try AgingRow.rows(items, on: Self.day, unappliedByCustomer: ["C1": ["USD": -2_500]], names: ["C1": "Acme Tools, Inc."],
                                     limits: ["C1": B.m(150_000)], history: PaymentHistory())
        let row = try #require(rows.first)
        #expect(rows.count == 1)
        #expect(row.name == "Acme Tools, Inc." && row.currency == .usd)
        #expect(row.buckets == [10_000, 20_000, 30_000, 40_000, 40_000])
        #expect(row.openTotal == 140_000)
        #expect(row.openCredits == -5_000)
        #expect(row.unapplied == 2_500)
        // Exposure: 1,400.00 - 50.00 - 25.00 = 1,325.00; limit 1,500.00 leaves 175.00.
        #expect(try row.exposure == 132_500)
        #expect(try row.availableCredit == 17_500)
        #expect(try !row.overLimit)
        // A limit of 1,300.00: 25.00 over.
        let tight = try AgingRow.rows(items, on: Self.day, unappliedByCustomer: ["C1": ["USD": -2_500]], names: [:], limits: ["C1": B.m(130_000)], history: PaymentHistory())
        #expect(try tight.first?.availableCredit == -2_500)
        #expect(try tight.first?.overLimit == true)
        // A limit of exactly 1,325.00: nothing left, not over.
        let exact = try AgingRow.rows(items, on: Self.day, unappliedByCustomer: ["C1": ["USD": -2_500]], names: [:], limits: ["C1": B.m(132_500)], history: PaymentHistory())
        #expect(try exact.first?.availableCredit == 0)
        #expect(try exact.first?.overLimit == false)
    }

    @Test func rowsPerCustomerAndCurrencyIncludingCashOnlyCustomers() throws {
        // C2 has no open items, only 10.00 unapplied; C3 owes 70.00 in EUR (1 day past due) and 30.00 in USD (not due);
        // C3's limit is in USD: the EUR row has none.
        let items = [Self.item("E-1", "C3", amount: 7_000, due: "2026-11-29", currency: .eur), Self.item("U-1", "C3", amount: 3_000, due: "2026-12-30")]
        let rows = try AgingRow.rows(items, on: Self.day, unappliedByCustomer: ["C2": ["USD": -1_000]], names: [:], limits: ["C3": B.m(50_000)],
                                     history: PaymentHistory())
        #expect(rows.map { "\($0.customerID) \($0.currency)" } == ["C2 USD", "C3 EUR", "C3 USD"])
        #expect(rows.map(\.buckets) == [[0, 0, 0, 0, 0], [0, 7_000, 0, 0, 0], [3_000, 0, 0, 0, 0]])
        #expect(rows.map(\.unapplied) == [1_000, 0, 0])
        #expect(rows.map(\.creditLimit) == [nil, nil, 50_000])
        // C3 in USD: 500.00 - 30.00 = 470.00 available.
        #expect(try rows.last?.availableCredit == 47_000)
    }

    @Test func daysToPayAreWeightedByAmountInTenthsRounded() throws {
        // INV-A 1,000.00 issued 10-01 paid 11-02: 32 days; INV-B 500.00 issued 10-23 paid 11-02: 10 days.
        // (1,000.00 × 32 + 500.00 × 10) / 1,500.00 = 24.67 days → 247 tenths (rounded, not 246).
        var history = PaymentHistory()
        let issued = ["INV-A": B.d("2026-10-01"), "INV-B": B.d("2026-10-23"), "CM-1": B.d("2026-10-01")]
        try history.addPaid(customer: "C1", invoice: "INV-A", applied: 100_000, day: B.d("2026-11-02"), issueDays: issued)
        try history.addPaid(customer: "C1", invoice: "INV-B", applied: 50_000, day: B.d("2026-11-02"), issueDays: issued)
        // A credit memo taken (negative) and an invoice whose issue day is unknown add nothing.
        try history.addPaid(customer: "C1", invoice: "CM-1", applied: -20_000, day: B.d("2026-11-02"), issueDays: issued)
        try history.addPaid(customer: "C1", invoice: "INV-X", applied: 70_000, day: B.d("2026-11-02"), issueDays: issued)
        #expect(history.paid["C1"]?.applied == 150_000)
        #expect(history.paid["C1"]?.weightedDays == Int64(3_700_000)) // 100,000 × 32 + 50,000 × 10
        // Returns: two returned payments (one return row per invoice of the second).
        try history.add([ApplicationRow(receiptID: "R-1", sourceKey: "return:k1", invoiceID: "INV-A", customerID: "C1", applied: B.m(-100), discount: B.m(0),
                                        writeOff: B.m(0), rule: "return", confidence: 100),
                         ApplicationRow(receiptID: "R-2", sourceKey: "return:k2", invoiceID: "INV-C", customerID: "C1", applied: B.m(-100), discount: B.m(0),
                                        writeOff: B.m(0), rule: "return", confidence: 100),
                         ApplicationRow(receiptID: "R-2", sourceKey: "return:k2", invoiceID: "INV-D", customerID: "C1", applied: B.m(-100), discount: B.m(0),
                                        writeOff: B.m(0), rule: "return", confidence: 100)],
                        day: B.d("2026-11-02"), issueDays: issued)
        let rows = try AgingRow.rows([Self.item("INV-9", amount: 10_000, due: "2026-12-31")], on: Self.day, unappliedByCustomer: [:], names: [:], limits: [:],
                                     history: history)
        #expect(rows.first?.averageDaysToPayTenths == 247)
        #expect(rows.first?.returns90Days == 2)
    }

    @Test func theDaysDecisionsAndReturnsAddToTheHistory() throws {
        // Today 2026-11-02: C1 pays INV-A (issued 10-01) 980.00 with a 20.00 discount: the cash, 980.00, counts, 32 days.
        // (98,000 × 32 × 10 + 49,000) / 98,000 = 320 tenths (32.0 days). A return of C1's payment k9 today counts as a return.
        let decision = B.decision(B.statementReceipt(98_000), customer: "C1", [B.application("INV-A", applied: 98_000, discount: 2_000)])
        let returned = ApplicationRow(receiptID: "R-9", sourceKey: "return:k9", invoiceID: "INV-A", customerID: "C1", applied: B.m(-98_000), discount: B.m(-2_000),
                                      writeOff: B.m(0), rule: "return", confidence: 100)
        let history = try PaymentHistory.adding([decision], rows: [returned], on: B.d("2026-11-02"),
                                                among: [B.invoice("INV-A", amount: 100_000, issued: "2026-10-01")], to: PaymentHistory())
        #expect(history.paid["C1"]?.applied == 98_000)
        #expect(history.paid["C1"]?.weightedDays == Int64(3_136_000)) // 98,000 × 32
        #expect(history.returned["C1"] == ["return:k9"])
        let rows = try AgingRow.rows([Self.item("INV-A", amount: 100_000, due: "2026-10-31")], on: B.d("2026-11-02"), unappliedByCustomer: [:], names: [:],
                                     limits: [:], history: history)
        #expect(rows.first?.averageDaysToPayTenths == 320)
    }

    @Test func cashTheDayAppliesOtherwiseThanByItsReceiptsAddsToTheHistory() throws {
        // Today 2026-11-02 a reviewer's decision booked puts 400.00 of C2's held cash on INV-B (issued 10-23: 10 days);
        // the receipt's cash leaving unapplied (no invoice) and a write-off (no cash) add nothing.
        let booked = [
            ApplicationRow(receiptID: "R-2", sourceKey: "review:X1", invoiceID: nil, customerID: "C2", applied: B.m(-40_000), discount: B.m(0),
                           writeOff: B.m(0), rule: "unapplied", confidence: 100),
            ApplicationRow(receiptID: "R-2", sourceKey: "review:X1", invoiceID: "INV-B", customerID: "C2", applied: B.m(40_000), discount: B.m(0),
                           writeOff: B.m(0), rule: "review", confidence: 100),
            ApplicationRow(receiptID: "R-3", sourceKey: "review:X2", invoiceID: "INV-B", customerID: "C2", applied: B.m(0), discount: B.m(0),
                           writeOff: B.m(500), rule: "review", confidence: 100),
        ]
        let history = try PaymentHistory.adding([], rows: booked, on: B.d("2026-11-02"),
                                                among: [B.invoice("INV-B", amount: 50_000, issued: "2026-10-23")], to: PaymentHistory())
        #expect(history.paid["C2"]?.applied == 40_000)
        #expect(history.paid["C2"]?.weightedDays == Int64(400_000)) // 40,000 × 10
        #expect(history.returned["C2"] == nil)
    }
}
