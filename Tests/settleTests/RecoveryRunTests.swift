import Accounting
import Core
import Foundation
@testable import Ledger
import Testing
import TestSupport

/// A payment of an amount written off reverses the write-off as a recovery and leaves the invoice closed; only a payment
/// for an invoice closed by cash, or beyond what was written off, is an OVER_PAY.
extension ReviewLoopTests {
    func csvRows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The Samples: the SHORT_PAY of 20.00 on INV-10007 (2026-11-02) written off by a reviewer and booked by the rerun of
    /// the day; on 2026-11-03 CASCADE pays those 20.00 (RMR*IV*INV-10007*PI*20.00). The payment recovers the write-off
    /// (1050 +20.00, 6900 -20.00), INV-10007 stays at 0.00 (never -20.00), no OVER_PAY, the books verify.
    @Test func theRestOfAShortPaymentPaidAfterItsWriteOffWasBookedIsARecovery() async throws {
        let (manifest, ledger, out) = try await firstDay()
        let id = try exception("SHORT_PAY", in: out)
        #expect(await settle(["exceptions", "resolve", id, "--ledger", ledger, "--write-off", "--note", "agreed", "--by", "ana"]).code == 0)
        #expect(await settle(["run", manifest, "--date", "2026-11-02"]).code == 0)
        #expect(try openAmount("INV-10007", in: out) == "0.00")
        let day3 = URL(fileURLWithPath: out).deletingLastPathComponent().path + "/2026-11-03"
        for _ in 0..<2 {
            // The day, and a rerun of it: the same.
            let run = await settle(["run", manifest, "--date", "2026-11-03"])
            #expect(run.code == 0, "\(run.err)")
            #expect(try openAmount("INV-10007", in: day3) == "0.00")
            let recovered = try csvRows(day3 + "/remittance.csv").filter { $0[6] == "INV-10007" }
            #expect(recovered.map { [$0[4], $0[7], $0[9], $0[10]] } == [["C003", "20.00", "-20.00", "recovery"]], "\(recovered)")
            // The day's one OVER_PAY is FOXTROT's (C006), nothing of INV-10007.
            let exceptions = try csvRows(day3 + "/exceptions.csv")
            #expect(!exceptions.contains { $0[9].contains("INV-10007") }, "\(exceptions)")
            #expect(exceptions.filter { $0[1] == "OVER_PAY" }.map { $0[7] } == ["C006"], "\(exceptions)")
            // The recovery's entry: ACH in transit +20.00, payment differences -20.00 naming INV-10007, no receivable moved.
            let journal = try csvRows(day3 + "/journal.csv")
            let receipt = try #require(recovered.first?[0])
            let key = try #require(journal.first { $0[5] == "6900" && $0[7] == "INV-10007" }?[1])
            let lines = journal.filter { $0[1] == key && $0[3] == "original" }
            #expect(lines.map { [$0[5], $0[7], $0[8], $0[9]] } == [["1050", "", "20.00", ""], ["6900", "INV-10007", "", "20.00"]], "\(lines)")
            #expect(try String(contentsOfFile: day3 + "/advice.csv", encoding: .utf8).contains(receipt))
            let verify = await settle(["ledger", "verify", "--ledger", ledger])
            #expect(verify.code == 0, "\(verify.out)")
            let open = await settle(["exceptions", "list", "--ledger", ledger, "--status", "open", "--type", "OVER_PAY", "--customer", "C003"])
            #expect(open.code == 0 && open.out.contains("0 exceptions"), "\(open.out)")
        }
        // What 6900 holds of INV-10007 over the two days: +20.00 written off, -20.00 recovered.
        let reader = try SQLiteLedgerReader(path: ledger)
        #expect(try reader.invoiceStates(before: Day(year: 2026, month: 11, day: 4)!).states.first { $0.invoiceID == "INV-10007" }?.writtenOffMinorUnits == 0)
        #expect(try reader.invoiceStates(before: Day(year: 2026, month: 11, day: 3)!).states.first { $0.invoiceID == "INV-10007" }?.writtenOffMinorUnits == 2_000)
    }

    /// Two invoices short paid on 2026-11-02 (INV-30001 40.00, INV-30002 60.00), written off and booked. On 11-03 ACME
    /// pays 40.00 for INV-30001 and 70.00 for INV-30002: both write-offs recovered, the 10.00 beyond them an OVER_PAY
    /// kept as unapplied cash. On 11-04 they pay INV-30001's 40.00 again: nothing is written off of it any more, so it is
    /// paid again (OVER_PAY, its suggestions never offering the closed invoice).
    @Test func aPaymentBeyondWhatWasWrittenOffAndOneMadeAgainAreOverPays() async throws {
        let next = Day(year: 2026, month: 11, day: 3)!, after = Day(year: 2026, month: 11, day: 4)!
        let (manifest, ledger, out) = try writeOffJob([
            Self.shortDay: Self.shortCTX,
            next: Self.acmeCredit(next, cents: 11_000, ctx: true, remittance: "ST*820*0002~RMR*IV*INV-30001*PI*40.00~RMR*IV*INV-30002*PI*70.00~SE*4*0002~"),
            after: Self.acmeCredit(after, cents: 4_000, ctx: false, remittance: "RMR*IV*INV-30001*PI*40.00\\"),
        ])
        #expect(await settle(["run", manifest, "--date", "2026-11-02"]).code == 0)
        let id = try exception("SHORT_PAY", in: out + "/2026-11-02")
        #expect(await settle(["exceptions", "resolve", id, "--ledger", ledger, "--write-off", "--note", "agreed deductions", "--by", "ana"]).code == 0)
        #expect(await settle(["run", manifest, "--date", "2026-11-02"]).code == 0)

        #expect(await settle(["run", manifest, "--date", "2026-11-03"]).code == 0)
        let day3 = out + "/2026-11-03"
        let rows = try csvRows(day3 + "/remittance.csv")
        #expect(rows.map { [$0[6], $0[7], $0[9], $0[10]] }.sorted { $0.joined() < $1.joined() }
                == [["", "10.00", "0.00", "unapplied"], ["INV-30001", "40.00", "-40.00", "recovery"], ["INV-30002", "60.00", "-60.00", "recovery"]], "\(rows)")
        let over = try csvRows(day3 + "/exceptions.csv").filter { $0[1] == "OVER_PAY" }
        #expect(over.map { $0[8] } == ["10.00"], "\(over)")
        #expect(try openAmount("INV-30001", in: day3) == "0.00" && openAmount("INV-30002", in: day3) == "0.00")

        #expect(await settle(["run", manifest, "--date", "2026-11-04"]).code == 0)
        let again = try csvRows(out + "/2026-11-04/exceptions.csv").filter { $0[1] == "OVER_PAY" }
        #expect(again.map { [$0[8], $0[9]] } == [["40.00", "INV-30001"]], "\(again)")
        let line = try String(contentsOfFile: out + "/2026-11-04/exceptions.csv", encoding: .utf8).split(separator: "\n").first { $0.contains(",OVER_PAY,") } ?? ""
        #expect(line.contains("paid again") && !line.contains("--apply INV-30001"), "\(line)")
        // Untouched by the day, INV-30001 is not among its open items: closed, as the day before left it.
        #expect(try openAmount("INV-30001", in: out + "/2026-11-04") == nil)
        let verify = await settle(["ledger", "verify", "--ledger", ledger])
        #expect(verify.code == 0, "\(verify.out)")
    }
}
