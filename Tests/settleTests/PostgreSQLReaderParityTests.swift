import Accounting
import Core
import Foundation
@testable import Ledger
import Scenario
import Testing
import TestSupport

/// `PostgreSQLLedgerReader` reads what `SQLiteLedgerReader` reads: ledgers with real content made on SQLite (the sample
/// days with their returns, NOC, unsettled batch and reviewers' decisions; generated days with held cash tried again,
/// camt.053 and EUR), copied into PostgreSQL by `ledger migrate`, then every read of `LedgerReading` called on both with
/// arguments drawn from the ledger itself (every day run and the days around, every receipt, exception, batch,
/// customer, invoice, source key and ACH entry), each result compared whole: the same rows, in the same order.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLReaderParityTests {
    func settle(_ arguments: [String]) async -> (code: Int32, out: String, err: String) { await SettleHarness.settle(arguments) }

    /// The sample days 11-02 to 11-12 with the originated and returned ACH files, a decision booked then reopened (and its
    /// reversal booked), a rerun, a period closed and reopened, and an unsettled batch a reviewer says a wire settled
    /// (decided after the last run: not booked yet).
    func sampleLedger() async throws -> String {
        let folder = TestPaths.temporaryDirectory("parity-sample")
        let samples = TestPaths.samples
        try FileManager.default.createDirectory(atPath: folder + "/extra/2026-11-10", withIntermediateDirectories: true)
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
             "sources": [{"format": "nacha", "path": "\(samples)/{date}/ach/*.ach", "role": "received"},
                         {"format": "nacha", "path": "\(samples)/{date}/ach-originated/*.ach", "role": "originated"},
                         {"format": "nacha", "path": "\(samples)/{date}/ach-returns/*.ach", "role": "originated"},
                         {"format": "bai2", "path": "\(samples)/{date}/bank/*.bai"}, {"format": "bai2", "path": "\(folder)/extra/{date}/*.bai"}],
             "matching": {"tolerance": "1.00"}}
            """.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        let (job, ledger) = (folder + "/job.json", folder + "/l.sqlite")
        for days in [["--from", "2026-11-02", "--to", "2026-11-06"], ["--date", "2026-11-09"], ["--date", "2026-11-10"]] {
            let run = await settle(["run", job] + days)
            #expect(run.code == 0, "\(days): \(run.err)")
        }
        let reader = try SQLiteLedgerReader(path: ledger)
        let ambiguous = try #require(try reader.exceptions(status: "open", type: "AMBIGUOUS").first).exceptionID
        let batch = try #require(try reader.exceptions(status: "open", type: "UNSETTLED_BATCH").first).exceptionID
        let wire = try #require(try reader.exceptions(status: "open", type: "UNKNOWN_CUSTOMER").first { $0.sourceRef == "W1110001" }).receiptID
        func resolve(_ decision: [String]) async {
            let resolved = await settle(["exceptions", "resolve"] + decision + ["--ledger", ledger, "--by", "ana"])
            #expect(resolved.code == 0, "\(decision): \(resolved.err)")
        }
        await resolve([ambiguous, "--apply", "INV-10020=4000.00", "--note", "phone"])
        #expect(await settle(["run", job, "--date", "2026-11-11"]).code == 0)
        #expect(await settle(["exceptions", "reopen", ambiguous, "--ledger", ledger, "--note", "wrong invoice"]).code == 0)
        for day in ["2026-11-12", "2026-11-03"] { #expect(await settle(["run", job, "--date", day]).code == 0) }
        #expect(await settle(["period", "close", "--through", "2026-11-04", "--note", "October", "--by", "ana", "--ledger", ledger]).code == 0)
        #expect(await settle(["period", "reopen", "2026-11-04", "--note", "late fee", "--by", "ana", "--ledger", ledger]).code == 0)
        // Decided, not booked yet: the batch still waits, and the next run would book the decision.
        await resolve([batch, "--settled-by", wire, "--note", "bank confirms"])
        return ledger
    }

    /// Three generated days (as `ScenarioRunTests` makes them): ACH batches and late settlements, BAI2 and camt.053
    /// statements of three accounts (one in USD and EUR), a prepayment held then applied, an invoice paid twice.
    func scenarioLedger() async throws -> String {
        let days = [Day(year: 2026, month: 11, day: 16), Day(year: 2026, month: 11, day: 17), Day(year: 2026, month: 11, day: 18)].compactMap { $0 }
        let generated = ScenarioGenerator(options: .init(seed: 7, customerCount: 40, invoiceCount: 300, day: days[0], bankDataDays: days)).makeDay()
        let folder = TestPaths.temporaryDirectory("parity-scenario")
        let files = ScenarioFiles(day: generated, days: days)
        _ = try files.write(to: folder + "/in")
        try ScenarioFiles.manifest(name: "scenario", input: folder + "/in", folder: folder, camt: files.hasBankData)
            .write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        let run = await settle(["run", folder + "/job.json", "--from", days[0].description, "--to", days[2].description])
        #expect(run.code == 0, "\(run.err)")
        return folder + "/ledger.sqlite"
    }

    /// `ledger` copied into an entity of a PostgreSQL ledger of its own, and a reader of each.
    func readers(_ ledger: String) throws -> (sqlite: SQLiteLedgerReader, postgreSQL: PostgreSQLLedgerReader) {
        guard case let .postgresql(address) = try LedgerLocation.parse(try #require(PostgreSQLTestServer.isolatedURL("parity"))) else {
            throw LedgerError("not a PostgreSQL URL")
        }
        _ = try PostgreSQLLedgerCopy.copy(from: ledger, to: address, entity: "acme-us")
        // A second entity beside it, holding the same books: every read must keep to its own.
        _ = try PostgreSQLLedgerCopy.copy(from: ledger, to: address, entity: "acme-ca")
        return (try SQLiteLedgerReader(path: ledger), try PostgreSQLLedgerReader(address: address, entity: "acme-us"))
    }

    @Test func theSampleDaysWithTheirDecisionsReadTheSame() async throws {
        let ledger = try await sampleLedger()
        let (sqlite, postgreSQL) = try readers(ledger)
        let parity = try await ReaderParity.compareEverything(sqlite: sqlite, postgreSQL: postgreSQL, ledger: ledger)
        // Not vacuous: the reads that matter returned rows on both sides.
        for method in ["entries(ofDay:)", "invoiceStates(before:)", "exceptions(receiptIDs:)", "originalEntry", "reversedEntry", "achEntriesSeen",
                       "reviewsToBook(runDay:)", "raisedBatches()", "unsettledBatchKeys()", "batchReceipts(batchKey:)", "receiptBatch", "settledByDecisions()", "history(exceptionID:)",
                       "heldReceipts(before:customers:)", "pendingSettlements(before:)", "worklist(asOf:)", "lastStatementBalances(before:)", "returnDay",
                       "returnKeys", "periodChanges()", "receiptRows", "receiptOrigin", "closingPayments", "unappliedCash", "applications(customer:day:)",
                       "postedDays(sourceKeys:)", "cashEntry(sourceKey:)", "bankAccounts()", "cashBooked", "payments"] {
            #expect(parity.rows[method, default: 0] > 0, "\(method) read nothing on either side")
        }
        print("sample days: \(parity.calls) calls, \(parity.rows.values.reduce(0, +)) rows compared: \(parity.summary)")
    }

    @Test func generatedDaysWithHeldCashReadTheSame() async throws {
        let ledger = try await scenarioLedger()
        let (sqlite, postgreSQL) = try readers(ledger)
        let parity = try await ReaderParity.compareEverything(sqlite: sqlite, postgreSQL: postgreSQL, ledger: ledger)
        for method in ["entries(ofDay:)", "invoiceStates(before:)", "heldReceipts(before:customers:)", "reapplications(sourceKey:before:)",
                       "unappliedCashHolders(before:)", "unappliedByCustomer(asOf:)", "statementAccounts(on:)", "lastStatementBalances(before:)",
                       "exceptions(receiptIDs:)", "openExceptions(receiptIDs:)", "closingPayments", "pendingSettlements(before:)", "payments",
                       "worklistBeside(day:)", "balances"] {
            #expect(parity.rows[method, default: 0] > 0, "\(method) read nothing on either side")
        }
        print("generated days: \(parity.calls) calls, \(parity.rows.values.reduce(0, +)) rows compared: \(parity.summary)")
    }

    @Test func aKeptConnectionTheServerClosedIsReplacedBeforeAnythingIsRead() async throws {
        let ledger = try await sampleLedger()
        let name = "parity-" + UUID().uuidString.prefix(8).lowercased()
        let url = try #require(PostgreSQLTestServer.isolatedURL("parity")) + "&application_name=\(name)"
        guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerError("not a PostgreSQL URL") }
        _ = try PostgreSQLLedgerCopy.copy(from: ledger, to: address, entity: "acme-us")
        let reader = try PostgreSQLLedgerReader(address: address, entity: "acme-us")
        let expected = try reader.counts()
        // The reader's kept connections ended by the server (as a restart or an idle timeout would), found by their name.
        let admin = try PostgreSQLConnection(conninfo: try #require(PostgreSQLTestServer.url))
        let ended = try admin.query("""
            WITH named AS MATERIALIZED (SELECT pid FROM pg_stat_activity WHERE application_name = $1) SELECT count(pg_terminate_backend(pid)) FROM named
            """, [name])
        #expect(ended.int(0, 0) >= 1)
        let again = try reader.counts()
        #expect(again == expected && again.entries > 0)
    }

    @Test func readsFromManyTasksAtOnceEachGetTheirOwnConnection() async throws {
        let ledger = try await sampleLedger()
        let (sqlite, postgreSQL) = try readers(ledger)
        let expected = try sqlite.entries(runID: nil, from: nil, to: nil, limit: nil)
        let reader: any LedgerReading = postgreSQL
        try await withThrowingTaskGroup(of: [PostedEntry].self) { group in
            for _ in 0..<16 { group.addTask { try await reader.entries(runID: nil, from: nil, to: nil, limit: nil) } }
            for try await entries in group { #expect(entries == expected && !entries.isEmpty) }
        }
    }
}
