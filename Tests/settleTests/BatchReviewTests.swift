import Accounting
import Core
import Foundation
@testable import Ledger
@testable import settle
import Testing
import TestSupport

/// A batch that never reached the bank (GALAXY RETAIL's 2,500.00 of 2026-11-02, UNSETTLED_BATCH on 11-06, its one entry
/// an UNKNOWN_CUSTOMER in suspense), decided on the Samples: settled by the statement line that brought its money (a
/// wire of 2,500.00 on 11-10), reversed, or written off; its receipt's exception linked to it.
@Suite struct BatchReviewTests {
    func settle(_ arguments: [String]) async -> (code: Int32, out: String, err: String) { await SettleHarness.settle(arguments) }

    /// The sample week (11-02 to 11-06) and 11-09 on a fresh ledger, and 11-10 whose only statement line is a wire of
    /// 2,500.00 from a payer nobody knows. Gives the job, the ledger and the two exceptions' ids and the wire's receipt.
    func week() async throws -> (job: String, ledger: String, batch: String, entry: String, wire: String) {
        let folder = TestPaths.temporaryDirectory("batch-review")
        let samples = TestPaths.samples
        try FileManager.default.createDirectory(atPath: folder + "/extra/2026-11-10", withIntermediateDirectories: true)
        // 11-09's closing 135,246.49 + 2,500.00 = 137,746.49; the control total adds the balances and the line.
        try """
            01,NORTHWINDBK,NWIS,261110,2300,1,,,2/
            02,NWIS,076401251,1,261110,2300,USD,2/
            03,4471002233,USD,010,13524649,,,015,13774649,,/
            16,195,250000,0,W1110001,,INCOMING WIRE GALAXY RETAIL/
            49,27549298,3/
            98,27549298,1,5/
            99,27549298,1,7/

            """.write(toFile: folder + "/extra/2026-11-10/20261110.bai", atomically: true, encoding: .utf8)
        try """
            {"version": 1, "ledger": "\(folder)/l.sqlite", "output": "\(folder)/out", "archive": "\(folder)/arc",
             "customers": "\(samples)/customers.csv", "invoices": "\(samples)/invoices.csv",
             "sources": [{"format": "nacha", "path": "\(samples)/{date}/ach/*.ach"}, {"format": "bai2", "path": "\(samples)/{date}/bank/*.bai"},
                         {"format": "bai2", "path": "\(folder)/extra/{date}/*.bai"}],
             "matching": {"tolerance": "1.00"}}
            """.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        let job = folder + "/job.json"
        for days in [["--from", "2026-11-02", "--to", "2026-11-06"], ["--date", "2026-11-09"], ["--date", "2026-11-10"]] {
            let run = await settle(["run", job] + days)
            #expect(run.code == 0, "\(days): \(run.err)")
        }
        let reader = try SQLiteLedgerReader(path: folder + "/l.sqlite")
        let batch = try #require(try reader.exceptions(status: "open", type: "UNSETTLED_BATCH").first)
        let unknown = try reader.exceptions(status: "open", type: "UNKNOWN_CUSTOMER")
        let entry = try #require(unknown.first { $0.source == "nacha" && $0.amount?.minorUnits == 250_000 })
        let wire = try #require(unknown.first { $0.sourceRef == "W1110001" })
        return (job, folder + "/l.sqlite", batch.exceptionID, entry.exceptionID, wire.receiptID)
    }

    func balance(_ account: String, _ reader: SQLiteLedgerReader) throws -> Int64 {
        try reader.balances(account: account).map(\.balance.minorUnits).reduce(0, +)
    }

    @Test func aLineTheReviewerNamesSettlesTheBatchAndItsCreditCountsOnce() async throws {
        let (job, ledger, batch, entry, wire) = try await week()
        let reader = try SQLiteLedgerReader(path: ledger)
        let entryReceipt = try #require(try reader.exception(id: entry)).receiptID
        // The batch's own receipt cannot be refunded while the batch has not reached the bank: the refusal names the batch.
        let refund = await settle(["exceptions", "resolve", entry, "--ledger", ledger, "--refund", "--note", "the payer asked"])
        #expect(refund.code == 2 && refund.err.contains("UNSETTLED_BATCH \(batch)"), "\(refund.err)")
        // show lists the exceptions linked: the batch's receipt's, and the batch from the receipt's side.
        #expect(await settle(["exceptions", "show", batch, "--ledger", ledger]).out.contains("linked: \(entry)  UNKNOWN_CUSTOMER  open"))
        #expect(await settle(["exceptions", "show", entry, "--ledger", ledger]).out.contains("linked: \(batch)  UNSETTLED_BATCH  open"))
        // Checked at once: an ACH receipt is no statement line; 6,075.50 is not the batch's 2,500.00; a receipt nobody has.
        let lines = try reader.exceptions(status: "open", type: "UNKNOWN_CUSTOMER")
        let other = try #require(lines.first { $0.amount?.minorUnits == 607_550 }).receiptID
        for (named, why) in [(entryReceipt, "not a bank statement line"), (other, "the line is 6075.50, the batch 2500.00"), ("RNOPE", "no receipt RNOPE in the ledger")] {
            let r = await settle(["exceptions", "resolve", batch, "--ledger", ledger, "--settled-by", named, "--note", "the bank says so"])
            #expect(r.code == 2 && r.err.contains(why), "\(named): \(r.err)")
        }
        let decided = await settle(["exceptions", "resolve", batch, "--ledger", ledger, "--settled-by", wire, "--note", "the wire is the batch, bank confirms", "--by", "ana"])
        #expect(decided.code == 0, "\(decided.err)")
        // The wire's money is the batch's now: not refunded or applied beside it.
        let wireException = try #require(lines.first { $0.receiptID == wire }).exceptionID
        let twice = await settle(["exceptions", "resolve", wireException, "--ledger", ledger, "--refund", "--note", "the payer asked"])
        #expect(twice.code == 2 && twice.err.contains("settles the batch of UNSETTLED_BATCH \(batch)"), "\(twice.err)")
        let (transit, suspense) = (try balance("1050", reader), try balance("1999", reader))
        // Booked by the next run: the wire's 2,500.00 leaves suspense against ACH in transit, the batch is closed.
        #expect(await settle(["run", job, "--date", "2026-11-11"]).code == 0)
        let posted = try #require(try reader.entries(from: Day(year: 2026, month: 11, day: 11)).first { $0.sourceKey == "review:\(batch)" })
        #expect(posted.postings.map(\.account) == ["1999", "1050"] && posted.postings.map(\.amount.minorUnits) == [250_000, -250_000])
        #expect(try balance("1050", reader) == transit - 250_000 && balance("1999", reader) == suspense + 250_000)
        #expect(try reader.unsettledBatchKeys().isEmpty)
        // The wire's exception is resolved together with the batch's, saying so; the batch's receipt is real money now.
        let resolved = try #require(try reader.exception(id: wireException))
        #expect(resolved.status == "resolved" && resolved.resolution == "linked" && resolved.resolutionNote.contains("UNSETTLED_BATCH \(batch)"))
        #expect(try reader.exception(id: entry)?.status == "open")
        let remittance = try String(contentsOfFile: URL(fileURLWithPath: job).deletingLastPathComponent().path + "/out/2026-11-11/remittance.csv", encoding: .utf8)
        #expect(remittance.contains("\(wire),bai2,W1110001,2026-11-10,,0.00,,-2500.00,0.00,0.00,unapplied,100,ana"), "\(remittance)")
        #expect(try reader.verify().isClean)
        // A rerun of the booking day books it again, the batch still closed.
        #expect(await settle(["run", job, "--date", "2026-11-11"]).code == 0)
        #expect(try balance("1050", reader) == transit - 250_000 && reader.unsettledBatchKeys().isEmpty)
        // Reopened: the wire's exception opens with it, and the next run puts the money back and the batch waits again.
        #expect(await settle(["exceptions", "reopen", batch, "--ledger", ledger, "--note", "wrong wire"]).code == 0)
        #expect(try reader.exception(id: wireException)?.status == "open")
        #expect(await settle(["run", job, "--date", "2026-11-12"]).code == 0)
        #expect(try balance("1050", reader) == transit && balance("1999", reader) == suspense && reader.unsettledBatchKeys().count == 1)
        #expect(try reader.verify().isClean)
    }

    @Test func aBatchReversedLeavesACHInTransitWithItsReceiptsApplicationsUndone() async throws {
        let (job, ledger, batch, entry, _) = try await week()
        let reader = try SQLiteLedgerReader(path: ledger)
        let alone = await settle(["exceptions", "resolve", batch, "--ledger", ledger, "--reverse", "--note", "the originator recalled it", "--by", "ana"])
        #expect(alone.code == 2 && alone.err.contains("a reversal of 2500.00 is above the limit of 100.00"), "\(alone.err)")
        #expect(await settle(["exceptions", "resolve", batch, "--ledger", ledger, "--reverse", "--note", "the originator recalled it", "--by", "ana",
                              "--approved-by", "ben"]).code == 0)
        let (transit, suspense) = (try balance("1050", reader), try balance("1999", reader))
        #expect(await settle(["run", job, "--date", "2026-11-11"]).code == 0)
        // GALAXY's entry waited in suspense: suspense +2,500.00, ACH in transit -2,500.00.
        let posted = try #require(try reader.entries(from: Day(year: 2026, month: 11, day: 11)).first { $0.sourceKey == "review:\(batch)" })
        #expect(posted.postings.map(\.account) == ["1999", "1050"] && posted.postings.map(\.amount.minorUnits) == [250_000, -250_000])
        #expect(try balance("1050", reader) == transit - 250_000 && balance("1999", reader) == suspense + 250_000)
        // Its receipt's exception resolved with it: the money never came, nothing to refund.
        let linked = try #require(try reader.exception(id: entry))
        #expect(linked.status == "resolved" && linked.resolution == "linked" && linked.resolutionNote.contains("reversed out of ACH in transit"))
        #expect(await settle(["exceptions", "resolve", entry, "--ledger", ledger, "--refund", "--note", "the payer asked"]).code == 2)
        #expect(try reader.unsettledBatchKeys().isEmpty && reader.verify().isClean)
    }

    @Test func aBatchWrittenOffResolvesItsReceiptsExceptionAndARerunKeepsIt() async throws {
        let (job, ledger, batch, entry, _) = try await week()
        let reader = try SQLiteLedgerReader(path: ledger)
        #expect(await settle(["exceptions", "resolve", batch, "--ledger", ledger, "--write-off", "--note", "lost in transit", "--by", "ana",
                              "--approved-by", "ben"]).code == 0)
        let transit = try balance("1050", reader)
        #expect(await settle(["run", job, "--date", "2026-11-11"]).code == 0)
        #expect(try balance("1050", reader) == transit - 250_000)
        #expect(try reader.exception(id: entry)?.resolution == "linked")
        // A rerun of the booking day keeps the write-off and the batch closed.
        #expect(await settle(["run", job, "--date", "2026-11-11"]).code == 0)
        #expect(try balance("1050", reader) == transit - 250_000 && reader.unsettledBatchKeys().isEmpty)
        #expect(try reader.exception(id: batch)?.status == "resolved")
        #expect(try reader.verify().isClean)
    }
}
