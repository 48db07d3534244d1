import Core
import Receivables
import Testing

@Suite struct PaymentTermsTests {
    @Test(arguments: [("NET30", 30, 0, 0), ("net 45", 45, 0, 0), ("2/10 NET30", 30, 200, 10), ("1.5/15 N45", 45, 150, 15), ("DUE ON RECEIPT", 0, 0, 0)])
    func parses(text: String, net: Int, basisPoints: Int, days: Int) {
        #expect(PaymentTerms.parse(text) == PaymentTerms(netDays: net, discountBasisPoints: basisPoints, discountDays: days))
    }

    @Test(arguments: ["", "NET", "2/40 NET30", "X/10 NET30", "NETX"])
    func rejects(text: String) { #expect(PaymentTerms.parse(text) == nil) }

    @Test func discountRoundsHalfAwayFromZero() {
        let terms = PaymentTerms.parse("2/10 NET30")!
        #expect(terms.discount(on: Money(minorUnits: 500_000, currency: .usd)).minorUnits == 10_000)
        #expect(terms.discount(on: Money(minorUnits: 25, currency: .usd)).minorUnits == 1) // 0.5 cent rounds up
        #expect(terms.discountDeadline(issuedOn: Day(year: 2026, month: 10, day: 28)!)?.description == "2026-11-07")
        #expect(terms.description == "2/10 NET30")
    }
}

@Suite struct InvoiceNumberTests {
    @Test(arguments: [("INV-000123", "123"), ("inv 123", "123"), ("#123", "123"), ("Invoice No. 123", "123"), ("123", "123"), ("A-00123", "A123"), ("PO-77", "PO77")])
    func normalizes(text: String, normalized: String) {
        #expect(InvoiceNumber.normalize(text) == normalized)
    }
}

@Suite struct MasterDataTests {
    let customers = "customer_id,name,aliases,ach_company_ids,credit_limit,terms\nC1,Acme,ACME|ACME CO,123|456,1000.00,2/10 NET30\n"

    @Test func loadsCustomersAndInvoices() throws {
        let c = try MasterDataLoader.customers(bytes: Array(customers.utf8), path: "c.csv", currency: .usd)
        #expect(c == [Customer(id: "C1", name: "Acme", aliases: ["ACME", "ACME CO"], achCompanyIDs: ["123", "456"],
                               creditLimit: Money(minorUnits: 100_000, currency: .usd), terms: PaymentTerms.parse("2/10 NET30"))])
        let invoices = """
            invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number
            I1,C1,2026-10-01,2026-10-31,USD,100.00,100.00,,PO1
            I1,C1,2026-10-01,2026-11-30,USD,100.00,60.00,NET60,PO1
            """
        let i = try MasterDataLoader.invoices(bytes: Array(invoices.utf8), path: "i.csv", customers: c, defaultCurrency: .usd)
        #expect(i.count == 1) // the later row updates the invoice
        #expect(i[0].dueDay.description == "2026-11-30")
        #expect(i[0].openAmount.minorUnits == 6_000)
        #expect(i[0].terms == PaymentTerms(netDays: 60))
    }

    @Test func errorsNameFileLineAndField() throws {
        let c = try MasterDataLoader.customers(bytes: Array(customers.utf8), path: "c.csv", currency: .usd)
        let bad = "invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number\nI1,C9,2026-13-01,2026-10-31,USD,1x,100.00,,\n"
        do {
            _ = try MasterDataLoader.invoices(bytes: Array(bad.utf8), path: "i.csv", customers: c, defaultCurrency: .usd)
            Issue.record("expected an error")
        } catch {
            let fields = error.diagnostics.map { "\($0.location.file):\($0.location.line):\($0.field ?? "")" }
            #expect(fields == ["i.csv:2:customer_id", "i.csv:2:issue_date", "i.csv:2:amount"])
        }
        do {
            _ = try MasterDataLoader.invoices(bytes: Array("invoice_id,amount\n".utf8), path: "i.csv", customers: c, defaultCurrency: .usd)
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics[0].message.contains("lacks columns customer_id, issue_date"))
        }
    }
}
