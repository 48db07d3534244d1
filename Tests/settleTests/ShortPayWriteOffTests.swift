import Accounting
import ACH
import Core
import Foundation
@testable import Ledger
import Testing
import TestSupport

/// A SHORT_PAY that names several invoices, written off by a reviewer: each invoice is written off by what is still short
/// on it, never the whole shortfall on the first.
extension ReviewLoopTests {
    static let acme = "1234567890"
    static let ourRouting = "076401251"

    /// A job of one customer (ACME, company id 1234567890) with INV-30001 (1,000.00) and INV-30002 (500.00), whose days
    /// are the NACHA files given (received credits), one file a day.
    func writeOffJob(_ files: [Day: String]) throws -> (manifest: String, ledger: String, out: String) {
        let folder = TestPaths.temporaryDirectory("short-pay-write-off")
        try """
            customer_id,name,aliases,ach_company_ids,credit_limit,terms
            C001,"Acme Tools, Inc.",ACME TOOLS,\(Self.acme),50000.00,NET30

            """.write(toFile: folder + "/customers.csv", atomically: true, encoding: .utf8)
        try """
            invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number
            INV-30001,C001,2026-10-20,2026-11-19,USD,1000.00,1000.00,NET30,
            INV-30002,C001,2026-10-21,2026-11-20,USD,500.00,500.00,NET30,

            """.write(toFile: folder + "/invoices.csv", atomically: true, encoding: .utf8)
        for (day, text) in files {
            try FileManager.default.createDirectory(atPath: "\(folder)/\(day)", withIntermediateDirectories: true)
            try text.write(toFile: "\(folder)/\(day)/day.ach", atomically: true, encoding: .utf8)
        }
        try """
            {"version": 1, "ledger": "\(folder)/l.sqlite", "output": "\(folder)/out", "archive": "\(folder)/arc",
             "customers": "\(folder)/customers.csv", "invoices": "\(folder)/invoices.csv",
             "sources": [{"format": "nacha", "path": "\(folder)/{date}/*.ach", "role": "received"}],
             "matching": {"tolerance": "1.00"}}
            """.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        return (folder + "/job.json", folder + "/l.sqlite", folder + "/out")
    }

    /// One ACH credit from ACME on `day`: a CTX carrying `x12` (X12 820 segments), or a CCD+ with one addenda.
    static func acmeCredit(_ day: Day, cents: Int64, ctx: Bool, remittance: String) -> String {
        let file = NACHAWriter.FileSpec(immediateDestination: ourRouting, immediateOrigin: " 01100001" + String(RoutingNumber.checkDigit(forFirstEight: Array("01100001".utf8)) ?? 0), creationDay: day, creationTime: "0615",
                                        destinationName: "NORTHWIND BANK", originName: "FEDERAL RESERVE BANK")
        let entry = NACHAWriter.EntrySpec(transactionCode: 22, receivingRouting: ourRouting, accountNumber: "4471002233", amountCents: cents,
                                          identificationNumber: "NWIS-VENDOR", receiverName: "NORTHWIND INDUSTRIAL", paymentRelatedInformation: [remittance])
        return NACHAWriter().write(file: file, batches: [
            NACHAWriter.BatchSpec(serviceClassCode: 220, companyName: "ACME TOOLS INC", companyIdentification: acme, standardEntryClass: ctx ? .ctx : .ccd,
                                  entryDescription: "PAYMENT", effectiveEntryDay: day, originatingDFI: "02100002", entries: [entry]),
        ])
    }

    static let shortDay = Day(year: 2026, month: 11, day: 2)!
    /// 1,400.00 for INV-30001 (960.00 of 1,000.00: 40.00 short) and INV-30002 (440.00 of 500.00: 60.00 short).
    static var shortCTX: String {
        acmeCredit(shortDay, cents: 140_000, ctx: true, remittance: "ST*820*0001~BPR*C*1400.00*C*ACH*CTX~TRN*1*ACME-1102~N1*PR*ACME TOOLS INC~"
            + "RMR*IV*INV-30001*PI*960.00*1000.00~RMR*IV*INV-30002*PI*440.00*500.00~SE*7*0001~")
    }

    func reviewRows(in journal: String) -> [[String]] {
        journal.split(separator: "\n").filter { $0.contains(",review:") }.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func aShortPaymentOfSeveralInvoicesIsWrittenOffInvoiceByInvoice() async throws {
        let (manifest, ledger, out) = try writeOffJob([Self.shortDay: Self.shortCTX])
        let day = out + "/2026-11-02"
        let run = await settle(["run", manifest, "--date", "2026-11-02"])
        #expect(run.code == 0, "\(run.err)")
        // Matching: each line paid as far as it says, each left short by its own amount; one SHORT_PAY names both.
        #expect(try openAmount("INV-30001", in: day) == "40.00")
        #expect(try openAmount("INV-30002", in: day) == "60.00")
        let csv = try String(contentsOfFile: day + "/exceptions.csv", encoding: .utf8)
        #expect(csv.contains(",SHORT_PAY,") && csv.contains(",100.00,INV-30001|INV-30002,"), "\(csv)")
        let id = try exception("SHORT_PAY", in: day)

        let resolved = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--write-off", "--note", "agreed deductions", "--by", "ana"])
        #expect(resolved.code == 0, "\(resolved.out) \(resolved.err)")
        let show = await settle(["exceptions", "show", id, "--ledger", ledger])
        #expect(show.out.contains("write-off INV-30001=40.00|INV-30002=60.00"), "\(show.out)")

        // The rerun of the day books it: each invoice written off by its own shortfall, both closed.
        #expect(await settle(["run", manifest, "--date", "2026-11-02"]).code == 0)
        #expect(try openAmount("INV-30001", in: day) == "0.00")
        #expect(try openAmount("INV-30002", in: day) == "0.00")
        let rows = reviewRows(in: try String(contentsOfFile: day + "/journal.csv", encoding: .utf8))
        let writtenOff = rows.filter { $0[5] == "6900" }.map { "\($0[7])=\($0[8])" }.sorted()
        #expect(writtenOff == ["INV-30001=40.00", "INV-30002=60.00"], "\(rows)")
        let receivable = rows.filter { $0[5] == "1200" }.map { "\($0[7])=\($0[9])" }.sorted()
        #expect(receivable == ["INV-30001=40.00", "INV-30002=60.00"], "\(rows)")
        #expect(await settle(["ledger", "verify", "--ledger", ledger]).code == 0)
    }

    /// Part of the shortfall paid before the reviewer decides: only what is still open on each invoice is written off.
    @Test func aWriteOffTakesNoMoreThanEachInvoiceStillHasOpen() async throws {
        let nextDay = Day(year: 2026, month: 11, day: 3)!
        let (manifest, ledger, out) = try writeOffJob([
            Self.shortDay: Self.shortCTX,
            // 20.00 more for INV-30002: 40.00 of its 60.00 still short.
            nextDay: Self.acmeCredit(nextDay, cents: 2_000, ctx: false, remittance: "RMR*IV*INV-30002*PI*20.00\\"),
        ])
        #expect(await settle(["run", manifest, "--date", "2026-11-02"]).code == 0)
        let id = try exception("SHORT_PAY", in: out + "/2026-11-02")
        #expect(await settle(["run", manifest, "--date", "2026-11-03"]).code == 0)
        #expect(try openAmount("INV-30002", in: out + "/2026-11-03") == "40.00")

        let resolved = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--write-off", "--note", "agreed deductions", "--by", "ana"])
        #expect(resolved.code == 0, "\(resolved.out) \(resolved.err)")
        #expect(await settle(["exceptions", "show", id, "--ledger", ledger]).out.contains("write-off INV-30001=40.00|INV-30002=40.00"))
        let next = await settle(["run", manifest, "--date", "2026-11-04"])
        #expect(next.code == 0, "\(next.err)")
        let day = out + "/2026-11-04"
        #expect(try openAmount("INV-30001", in: day) == "0.00")
        #expect(try openAmount("INV-30002", in: day) == "0.00")
        let rows = reviewRows(in: try String(contentsOfFile: day + "/journal.csv", encoding: .utf8))
        #expect(rows.filter { $0[5] == "6900" }.map { "\($0[7])=\($0[8])" }.sorted() == ["INV-30001=40.00", "INV-30002=40.00"], "\(rows)")
        #expect(await settle(["ledger", "verify", "--ledger", ledger]).code == 0)
    }

    /// Nothing open on any invoice the exception names: nothing to write off, refused.
    @Test func aWriteOffOfInvoicesSinceClosedIsRefused() async throws {
        let nextDay = Day(year: 2026, month: 11, day: 3)!
        let (manifest, ledger, out) = try writeOffJob([
            Self.shortDay: Self.shortCTX,
            nextDay: Self.acmeCredit(nextDay, cents: 10_000, ctx: true,
                                     remittance: "ST*820*0002~RMR*IV*INV-30001*PI*40.00~RMR*IV*INV-30002*PI*60.00~SE*4*0002~"),
        ])
        #expect(await settle(["run", manifest, "--date", "2026-11-02"]).code == 0)
        let id = try exception("SHORT_PAY", in: out + "/2026-11-02")
        #expect(await settle(["run", manifest, "--date", "2026-11-03"]).code == 0)
        let refused = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--write-off", "--note", "n", "--by", "ana"])
        #expect(refused.code == 2 && refused.err.contains("nothing open"), "\(refused.out) \(refused.err)")
    }
}
