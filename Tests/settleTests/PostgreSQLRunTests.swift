import Foundation
@testable import Ledger
import TestSupport
import Testing

/// `settle run` on a PostgreSQL ledger, what the golden and scenario suites do not show: a dry run of an entity the
/// database does not hold makes nothing there, a dry run of one it holds changes nothing, a rerun posts nothing twice, a
/// `--cascade` reruns the later days, and the run's rows say which days committed.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLRunTests {
    func settle(_ arguments: [String]) async -> (code: Int32, out: String, err: String) { await SettleHarness.settle(arguments) }

    /// The sample job (its NACHA and BAI2 days) on a PostgreSQL ledger of its own, entity `acme-us`.
    private func job() throws -> (manifest: String, url: String, folder: String) {
        let folder = TestPaths.temporaryDirectory("pg-run")
        let url = try #require(PostgreSQLTestServer.isolatedURL("run"))
        let job = try SettleHarness.sampleJob(in: folder)
        let text = try String(contentsOfFile: job, encoding: .utf8)
            .replacingOccurrences(of: "\"\(folder)/l.sqlite\"", with: "\"\(url)\", \"entity\": \"acme-us\"")
        try text.write(toFile: job, atomically: true, encoding: .utf8)
        return (job, url, folder)
    }

    private func counts(_ url: String) throws -> (entries: Int, postings: Int, invoices: Int, exceptions: Int) {
        guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerError("not a URL") }
        return try PostgreSQLLedgerReader(address: address, entity: "acme-us").counts()
    }

    @Test func dryRunsWriteNothingAndRerunsPostNothingTwice() async throws {
        let (manifest, url, folder) = try job()
        guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerError("not a URL") }
        // A dry run of an entity the database does not hold: reports beside the day, nothing made in the database.
        let dry = await settle(["run", manifest, "--date", "2026-11-02", "--dry-run"])
        #expect(dry.code == 0, "\(dry.err)")
        #expect(FileManager.default.fileExists(atPath: folder + "/out/2026-11-02.dry-run/journal.csv"))
        #expect(try PostgreSQLLedgerReader.entities(at: address).isEmpty)

        let run = await settle(["run", manifest, "--from", "2026-11-02", "--to", "2026-11-03"])
        #expect(run.code == 0, "\(run.err)")
        let after = try counts(url)
        #expect(after.entries > 30 && after.exceptions > 3)
        let db = try PostgreSQLConnection(conninfo: address.conninfo)
        let row = try db.query("SELECT status, committed_through FROM runs WHERE entity = 'acme-us' ORDER BY run_id DESC LIMIT 1")
        #expect(row.text(0, 0) == "finished" && row.text(0, 1) == "2026-11-03")

        // A dry run of a day on the entity: its reports, and the ledger as it was.
        let dryNext = await settle(["run", manifest, "--date", "2026-11-04", "--dry-run"])
        #expect(dryNext.code == 0, "\(dryNext.err)")
        #expect(try counts(url) == after)
        #expect(try db.query("SELECT count(*) FROM runs WHERE entity = 'acme-us' AND run_id = 0").int(0, 0) == 0)

        // A rerun posts nothing; a cascade from the first day reruns the second, posting nothing either.
        let rerun = await settle(["run", manifest, "--date", "2026-11-02"])
        let first = rerun.out.split(separator: "\n").first { $0.hasPrefix("2026-11-02: ") } ?? ""
        #expect(rerun.code == 0 && first.contains(" receipts, 0 entries posted"), "\(rerun.out) \(rerun.err)")
        #expect(rerun.out.contains("days after 2026-11-02 were run") || rerun.err.contains("days after 2026-11-02 were run"))
        let cascade = await settle(["run", manifest, "--date", "2026-11-02", "--cascade"])
        let third = cascade.out.split(separator: "\n").first { $0.hasPrefix("2026-11-03: ") } ?? ""
        #expect(cascade.code == 0 && third.contains(" receipts, 0 entries posted"), "\(cascade.out) \(cascade.err)")
        #expect(try counts(url) == after)
        #expect(await settle(["ledger", "verify", "--ledger", url]).code == 0)
    }
}
