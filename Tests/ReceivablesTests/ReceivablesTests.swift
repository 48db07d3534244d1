import Foundation
import Core
@testable import Receivables
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
        // 7 November 2026 is a Saturday: the deadline moves to Monday the 9th.
        #expect(terms.discountDeadline(issuedOn: Day(year: 2026, month: 10, day: 28)!)?.description == "2026-11-09")
        #expect(terms.discountDeadline(issuedOn: Day(year: 2026, month: 10, day: 20)!)?.description == "2026-10-30")
        #expect(terms.description == "2/10 NET30")
    }
}

@Suite struct EndOfMonthAndProximoTermsTests {
    static func day(_ s: String) -> Day { Day.parse(s, format: .iso)! }

    @Test(arguments: [("NET30 EOM", 30, 0, 0, PaymentTerms.Basis.endOfMonth), ("2/10 EOM", 30, 200, 10, .endOfMonth), ("2/10 PROX", 30, 200, 10, .proximo),
                      ("2/10 PROX NET45", 45, 200, 10, .proximo), ("1/15 EOM NET60", 60, 100, 15, .endOfMonth)])
    func parses(text: String, net: Int, basisPoints: Int, days: Int, basis: PaymentTerms.Basis) {
        let terms = PaymentTerms.parse(text)
        #expect(terms == PaymentTerms(netDays: net, discountBasisPoints: basisPoints, discountDays: days, basis: basis))
        #expect(terms.flatMap { PaymentTerms.parse($0.description) } == terms)
    }

    @Test(arguments: ["EOM", "NET30 EOM PROX", "2/40 PROX", "2/0 PROX"])
    func rejects(text: String) { #expect(PaymentTerms.parse(text) == nil) }

    @Test func deadlines() {
        let eom = PaymentTerms.parse("2/10 EOM")!
        // Issued 3 November: the discount runs 10 days past 30 November, to Thursday 10 December.
        #expect(eom.discountDeadline(issuedOn: Self.day("2026-11-03")) == Self.day("2026-12-10"))
        // Issued on or after the 25th rolls a month: to 10 January 2027, a Sunday, so Monday the 11th.
        #expect(eom.discountDeadline(issuedOn: Self.day("2026-11-25")) == Self.day("2027-01-11"))
        let prox = PaymentTerms.parse("2/10 PROX")!
        #expect(prox.discountDeadline(issuedOn: Self.day("2026-10-05")) == Self.day("2026-11-10"))
        #expect(prox.discountDeadline(issuedOn: Self.day("2026-10-27")) == Self.day("2026-12-10"))
        // 2/31 PROX in a short month: its last day (30 November 2026, a Monday).
        #expect(PaymentTerms.parse("2/31 PROX")!.discountDeadline(issuedOn: Self.day("2026-10-05")) == Self.day("2026-11-30"))
        // NET30 EOM from 3 November: 30 December.
        #expect(PaymentTerms.parse("NET30 EOM")!.dueDay(issuedOn: Self.day("2026-11-03")) == Self.day("2026-12-30"))
        // A deadline on a holiday moves: 2/10 from 1 December 2026 ends on Friday 11 December; from 15 December, on Friday the 25th → Monday the 28th.
        #expect(PaymentTerms.parse("2/10 NET30")!.discountDeadline(issuedOn: Self.day("2026-12-15")) == Self.day("2026-12-28"))
    }
}

@Suite struct InvoiceNumberTests {
    @Test(arguments: [("INV-000123", "123"), ("inv 123", "123"), ("#123", "123"), ("Invoice No. 123", "123"), ("123", "123"), ("A-00123", "A123"), ("PO-77", "PO77"), ("A1B-0023", "A1B0023"), ("INV-000", "0"), ("ÄB-007", "ÄB7"), ("inv#12x", "12X")])
    func normalizes(text: String, normalized: String) {
        #expect(InvoiceNumber.normalize(text) == normalized)
        // The integer key agrees with the text key: present exactly when the normalized form is all digits.
        #expect(InvoiceNumber.numericValue(text) == (normalized.allSatisfy(\.isNumber) && !normalized.isEmpty ? UInt64(normalized) : nil))
    }

    @Test func numericKeysOfLongAndEmptyNumbers() {
        #expect(InvoiceNumber.numericValue("INV-1234567890123456789") == nil) // 19 digits: compared as text
        #expect(InvoiceNumber.numericValue("") == nil)
        #expect(InvoiceNumber.numericValue("INV") == nil)
        #expect(InvoiceNumber.numericValue("# 000 450") == 450)
    }
}

@Suite struct MasterDataTests {
    let customers = "customer_id,name,aliases,ach_company_ids,credit_limit,terms\nC1,Acme,ACME|ACME CO,123|456,1000.00,2/10 NET30\n"

    @Test func loadsCustomersAndInvoices() async throws {
        let c = try MasterDataLoader.customers(bytes: Array(customers.utf8), path: "c.csv", currency: .usd)
        #expect(c == [Customer(id: "C1", name: "Acme", aliases: ["ACME", "ACME CO"], achCompanyIDs: ["123", "456"],
                               creditLimit: Money(minorUnits: 100_000, currency: .usd), terms: PaymentTerms.parse("2/10 NET30"))])
        let invoices = """
            invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number
            I1,C1,2026-10-01,2026-10-31,USD,100.00,100.00,,PO1
            I1,C1,2026-10-01,2026-11-30,USD,100.00,60.00,NET60,PO1
            """
        let i = try await MasterDataLoader.invoices(bytes: Array(invoices.utf8), path: "i.csv", customers: c, defaultCurrency: .usd)
        #expect(i.count == 1) // the later row updates the invoice
        #expect(i[0].dueDay.description == "2026-11-30")
        #expect(i[0].openAmount.minorUnits == 6_000)
        #expect(i[0].terms == PaymentTerms(netDays: 60))
    }

    @Test func aLargeExportReadInTwoHalvesGivesWhatOnePassGives() async throws {
        // Over 4 MB without a quote is read in two halves at once; one quoted field makes the same rows one pass.
        let c = try MasterDataLoader.customers(bytes: Array(customers.utf8), path: "c.csv", currency: .usd)
        var lines = ["invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number"]
        for n in 0..<70_000 {
            lines.append("INV-\(n),C1,2026-10-\(String(format: "%02d", n % 28 + 1)),2026-11-30,USD,\(n % 900 + 100).25,\(n % 900 + 100).25,\(n % 3 == 0 ? "NET45" : ""),PO-\(n)")
        }
        // A later row of an invoice of the first half, in the second half, updates it.
        lines.append("INV-10,C1,2026-10-11,2026-12-31,USD,110.25,50.00,NET60,PO-10")
        let text = lines.joined(separator: "\n") + "\n"
        #expect(text.utf8.count > 1 << 22)
        let halves = try await MasterDataLoader.invoices(bytes: Array(text.utf8), path: "i.csv", customers: c, defaultCurrency: .usd)
        let quoted = text.replacingOccurrences(of: ",PO-5\n", with: ",\"PO-5\"\n")
        let onePass = try await MasterDataLoader.invoices(bytes: Array(quoted.utf8), path: "i.csv", customers: c, defaultCurrency: .usd)
        #expect(halves.count == 70_000)
        #expect(halves == onePass)
        #expect(halves[10].openAmount.minorUnits == 5_000 && halves[10].dueDay.description == "2026-12-31")

        // An error in the second half names its own line, the same either way.
        let bad = text.replacingOccurrences(of: "\nINV-60000,C1,", with: "\nINV-60000,C9,")
        for input in [bad, bad.replacingOccurrences(of: ",PO-5\n", with: ",\"PO-5\"\n")] {
            do {
                _ = try await MasterDataLoader.invoices(bytes: Array(input.utf8), path: "i.csv", customers: c, defaultCurrency: .usd)
                Issue.record("expected an error")
            } catch {
                #expect(error.diagnostics.map { "\($0.location.line):\($0.field ?? "")" } == ["60002:customer_id"])
            }
        }
    }

    @Test func problemsInBothHalvesAreAllReportedInLineOrder() async throws {
        let c = try MasterDataLoader.customers(bytes: Array(customers.utf8), path: "c.csv", currency: .usd)
        var lines = ["invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number"]
        for n in 0..<70_000 { lines.append("INV-\(n),C1,2026-10-01,2026-11-30,USD,100.25,100.25,,PO-\(n)") }
        lines[11] = "INV-10,C9,2026-10-01,2026-11-30,USD,100.25,100.25,,PO-10"
        lines[60_001] = "INV-60000,C1,2026-10-01,2026-11-30,USD,1x,100.25,,PO-60000"
        let text = lines.joined(separator: "\n") + "\n"
        #expect(text.utf8.count > 1 << 22)
        await #expect { try await MasterDataLoader.invoices(bytes: Array(text.utf8), path: "i.csv", customers: c, defaultCurrency: .usd) } throws: { error in
            (error as? MasterDataError)?.diagnostics.map { "\($0.location.file):\($0.location.line):\($0.field ?? "")" } == ["i.csv:12:customer_id", "i.csv:60002:amount"]
        }
    }

    @Test func aHalfThatCannotBeReadIsAnErrorNotTheOtherHalfsInvoices() throws {
        let invoice = Invoice(id: "I1", customerID: "C1", issueDay: Day(year: 2026, month: 10, day: 1)!, dueDay: Day(year: 2026, month: 10, day: 31)!,
                              amount: Money(minorUnits: 100, currency: .usd), openAmount: Money(minorUnits: 100, currency: .usd), terms: nil, poNumber: "")
        let read = MasterDataLoader.InvoicePart(invoices: [invoice], index: ["I1": 0], problems: [])
        let unread = MasterDataError(diagnostics: [])
        typealias Half = Result<MasterDataLoader.InvoicePart, MasterDataError>
        let cases: [(Half, Half, Int)] = [(.success(read), .failure(unread), 40), (.failure(unread), .success(read), 2)]
        for (first, second, line) in cases {
            #expect { try MasterDataLoader.joined(first, second, path: "i.csv", secondFromLine: 40) } throws: { error in
                (error as? MasterDataError)?.diagnostics.map { "\($0.location.file):\($0.location.line): \($0.message)" }
                    == ["i.csv:\(line): the invoices from line \(line) could not be read"]
            }
        }
        // A half's own error is the error, with its file and line.
        let fatal = MasterDataError(diagnostics: [Diagnostic(code: "input.read", severity: .fatal, location: SourceLocation(file: "i.csv", line: 0), message: "EIO")])
        #expect { try MasterDataLoader.joined(.success(read), .failure(fatal), path: "i.csv", secondFromLine: 40) } throws: { error in
            (error as? MasterDataError)?.diagnostics.map(\.message) == ["EIO"]
        }
    }

    @Test func errorsNameFileLineAndField() async throws {
        let c = try MasterDataLoader.customers(bytes: Array(customers.utf8), path: "c.csv", currency: .usd)
        let bad = "invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number\nI1,C9,2026-13-01,2026-10-31,USD,1x,100.00,,\n"
        do {
            _ = try await MasterDataLoader.invoices(bytes: Array(bad.utf8), path: "i.csv", customers: c, defaultCurrency: .usd)
            Issue.record("expected an error")
        } catch {
            let fields = error.diagnostics.map { "\($0.location.file):\($0.location.line):\($0.field ?? "")" }
            #expect(fields == ["i.csv:2:customer_id", "i.csv:2:issue_date", "i.csv:2:amount"])
        }
        do {
            _ = try await MasterDataLoader.invoices(bytes: Array("invoice_id,amount\n".utf8), path: "i.csv", customers: c, defaultCurrency: .usd)
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics[0].message.contains("lacks columns customer_id, issue_date"))
        }
    }
}
