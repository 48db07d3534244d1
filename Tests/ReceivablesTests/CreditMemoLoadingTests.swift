import Core
import Receivables
import Testing

/// Credit memos in `invoices.csv`: a negative amount, or the optional `type` column; open amounts keep their
/// document's sign.
@Suite struct CreditMemoLoadingTests {
    static let customers = """
        customer_id,name,aliases,ach_company_ids,credit_limit,terms
        C1,Acme,,,,NET30

        """

    func load(_ rows: [String], typed: Bool = false) async throws -> [Invoice] {
        let c = try MasterDataLoader.customers(bytes: Array(Self.customers.utf8), path: "c.csv", currency: .usd)
        let header = "invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number" + (typed ? ",type" : "")
        let text = ([header] + rows).joined(separator: "\n") + "\n"
        return try await MasterDataLoader.invoices(bytes: Array(text.utf8), path: "i.csv", customers: c, defaultCurrency: .usd)
    }

    func problems(_ rows: [String], typed: Bool = true) async -> [String] {
        do {
            _ = try await load(rows, typed: typed)
            return []
        } catch let error as MasterDataError {
            return error.diagnostics.map { "\($0.location.line):\($0.field ?? ""):\($0.message)" }
        } catch {
            return ["\(error)"]
        }
    }

    @Test func aNegativeAmountIsACreditMemoAndTheTypeColumnSaysSoToo() async throws {
        let untyped = try await load(["I1,C1,2026-11-01,2026-12-01,USD,600.00,600.00,,", "CM-2001,C1,2026-11-02,2026-11-02,USD,-100.00,-100.00,,"])
        #expect(untyped.map(\.type) == [.invoice, .creditMemo])
        #expect(untyped[1].isCreditMemo && untyped[1].openAmount.minorUnits == -10_000)
        let typed = try await load(["I1,C1,2026-11-01,2026-12-01,USD,600.00,600.00,,,invoice", "CM-2001,C1,2026-11-02,2026-11-02,USD,-100.00,-40.00,,,credit_memo",
                                    "DM-1,C1,2026-11-02,2026-11-02,USD,25.00,25.00,,,debit_memo", "I2,C1,2026-11-01,2026-12-01,USD,10.00,10.00,,,"], typed: true)
        #expect(typed.map(\.type) == [.invoice, .creditMemo, .debitMemo, .invoice])
    }

    @Test func openAmountsKeepTheirDocumentsSign() async {
        // An invoice open below zero, a memo open above zero or below its amount, a memo with a positive amount, an
        // invoice with a negative one, an unknown type: each an error naming its line and field.
        let found = await problems(["I1,C1,2026-11-01,2026-12-01,USD,600.00,-5.00,,,invoice", "CM-1,C1,2026-11-02,2026-11-02,USD,-100.00,20.00,,,credit_memo",
                                    "CM-2,C1,2026-11-02,2026-11-02,USD,-100.00,-150.00,,,", "CM-3,C1,2026-11-02,2026-11-02,USD,100.00,100.00,,,credit_memo",
                                    "I2,C1,2026-11-01,2026-12-01,USD,-50.00,-50.00,,,invoice", "I3,C1,2026-11-01,2026-12-01,USD,50.00,50.00,,,refund"])
        #expect(found.count == 6, "\(found)")
        #expect(found.contains { $0.hasPrefix("2:open_amount:") && $0.contains("between 0 and the invoice amount") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("3:open_amount:") && $0.contains("between the credit memo's amount") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("4:open_amount:") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("5:amount:") && $0.contains("credit memo's amount is negative") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("6:amount:") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("7:type:") && $0.contains("'refund'") }, "\(found)")
    }

    @Test func aDocumentAllowsOnlyOpenAmountsOnItsSide() {
        let day = Day(year: 2026, month: 11, day: 2)!
        let memo = Invoice(id: "CM", customerID: "C1", issueDay: day, dueDay: day, amount: Money(minorUnits: -10_000, currency: .usd),
                           openAmount: Money(minorUnits: -10_000, currency: .usd))
        #expect(memo.isCreditMemo)
        #expect(memo.allows(open: -10_000) && memo.allows(open: -1) && memo.allows(open: 0))
        #expect(!memo.allows(open: 1) && !memo.allows(open: -10_001))
        let invoice = Invoice(id: "I", customerID: "C1", issueDay: day, dueDay: day, amount: Money(minorUnits: 10_000, currency: .usd),
                              openAmount: Money(minorUnits: 10_000, currency: .usd))
        #expect(invoice.allows(open: 0) && invoice.allows(open: 10_000) && !invoice.allows(open: -1) && !invoice.allows(open: 10_001))
    }
}
