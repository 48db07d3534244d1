import Foundation
@testable import Ledger
import TestSupport
import Testing

/// `settle ledger migrate`: a SQLite ledger copied into an entity of a PostgreSQL ledger, both sides verified and their
/// balances equal; copying again copies nothing twice and brings changed rows up to date; `ledger balance` and `ledger
/// verify` read the copy, by entity.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLMigrateTests {
    func settle(_ arguments: [String]) async -> (code: Int32, out: String, err: String) { await SettleHarness.settle(arguments) }

    /// The sample week (8 days) on SQLite, and a PostgreSQL ledger of its own.
    private func sampleWeek() async throws -> (manifest: String, ledger: String, url: String) {
        let folder = TestPaths.temporaryDirectory("migrate")
        let manifest = try SettleHarness.sampleJob(in: folder)
        let run = await settle(["run", manifest, "--from", "2026-11-02", "--to", "2026-11-09"])
        #expect(run.code == 0, "\(run.err)")
        return (manifest, folder + "/l.sqlite", try #require(PostgreSQLTestServer.isolatedURL("migrate")))
    }

    private func migrate(_ ledger: String, _ url: String, _ entity: String) async -> (code: Int32, out: String, err: String) {
        await settle(["ledger", "migrate", "--from", ledger, "--to", url, "--entity", entity])
    }

    /// The summary line's three numbers: rows read, new, brought up to date.
    private func totals(_ out: String) throws -> [Int] {
        let line = try #require(out.split(separator: "\n").first { $0.contains(" rows read, ") })
        let tail = String(line[try #require(line.range(of: ": ", options: .backwards)).upperBound...])
        return tail.split(separator: ",").compactMap { Int($0.split(separator: " ").first ?? "") }
    }

    @Test func aCopyVerifiesOnBothSidesAndACopyAgainCopiesNothingTwice() async throws {
        let (manifest, ledger, url) = try await sampleWeek()
        let first = await migrate(ledger, url, "acme-us")
        #expect(first.code == 0, "\(first.out) \(first.err)")
        #expect(first.out.contains("both sides verify and their") && !first.out.contains("DIFFER"))
        let copied = try totals(first.out)
        #expect(copied.count == 3 && copied[0] > 300 && copied[2] == 0)
        #expect(!first.out.contains("postgresql:///settle_test?host") || !first.out.contains("user="), "a URL is printed redacted")

        let again = await migrate(ledger, url, "acme-us")
        let twice = try totals(again.out)
        #expect(again.code == 0 && twice == [copied[0], 0, 0], "\(again.out)")

        // The books read from PostgreSQL are the books read from SQLite, byte for byte.
        for arguments in [["--json"], ["--by-customer"], ["--account", "1200", "--as-of", "2026-11-04"], ["--customer", "C001", "--json"]] {
            let sqlite = await settle(["ledger", "balance", "--ledger", ledger] + arguments)
            let postgreSQL = await settle(["ledger", "balance", "--ledger", url] + arguments)
            #expect(postgreSQL.code == 0 && !sqlite.out.isEmpty && postgreSQL.out == sqlite.out, "\(arguments): \(postgreSQL.err) \(sqlite.err)")
        }
        // The journal, as entries and in every export format, too.
        for arguments in [["entries"], ["entries", "--from", "2026-11-03", "--to", "2026-11-06", "--limit", "5"], ["export", "--format", "csv"],
                          ["export", "--format", "hledger"], ["export", "--format", "beancount"]] {
            let sqlite = await settle(["ledger"] + arguments + ["--ledger", ledger])
            let postgreSQL = await settle(["ledger"] + arguments + ["--ledger", url, "--entity", "acme-us"])
            #expect(postgreSQL.code == 0 && sqlite.out.count > 200 && postgreSQL.out == sqlite.out, "\(arguments): \(postgreSQL.err)")
        }
        // The closed period, closed and reopened on SQLite, reads the same from the copy.
        #expect(await settle(["period", "close", "--through", "2026-11-04", "--note", "October books", "--by", "ana", "--ledger", ledger]).code == 0)
        #expect(await settle(["period", "reopen", "2026-11-04", "--note", "late fee", "--by", "ana", "--ledger", ledger]).code == 0)
        #expect(await migrate(ledger, url, "acme-us").code == 0)
        let status = await settle(["period", "status", "--ledger", url])
        let statusSQLite = await settle(["period", "status", "--ledger", ledger])
        #expect(status.code == 0 && status.out == statusSQLite.out && status.out.contains("closed through 2026-11-03"), "\(status.out) \(status.err)")
        // Closed and reopened on PostgreSQL itself, under the entity's run lock.
        #expect(await settle(["period", "close", "--through", "2026-11-05", "--note", "November", "--by", "ana", "--ledger", url]).code == 0)
        let closed = await settle(["period", "status", "--ledger", url])
        #expect(closed.out.hasPrefix("closed through 2026-11-05") && closed.out.contains("close → closed through 2026-11-05 by ana: November"), "\(closed.out)")
        #expect(await settle(["period", "close", "--through", "2026-11-04", "--note", "again", "--ledger", url]).code == 2)
        guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerError("not a URL") }
        do {
            let held = try PostgreSQLRunLock(address: address, entity: "acme-us").tryLock(purpose: "run")
            let locked = await settle(["period", "reopen", "2026-11-05", "--note", "late", "--ledger", url])
            #expect(held != nil && locked.code == 75 && locked.err.contains("settle run (entity acme-us)"), "\(locked.err)")
        }
        #expect(await settle(["period", "reopen", "2026-11-05", "--note", "late", "--ledger", url]).code == 0)
        #expect(await settle(["period", "status", "--ledger", url]).out.hasPrefix("closed through 2026-11-04"))
        // The archive, read back against what the copy recorded (given: a PostgreSQL ledger names no job folder).
        let folder = URL(fileURLWithPath: ledger).deletingLastPathComponent().path
        let archived = await settle(["archive", "verify", "--ledger", url, "--archive", folder + "/arc"])
        let archivedSQLite = await settle(["archive", "verify", "--ledger", ledger])
        #expect(archived.code == 0 && archived.out == archivedSQLite.out && archived.out.contains("read back: every one whole"), "\(archived.out) \(archived.err)")
        #expect(await settle(["archive", "verify", "--ledger", url]).code == 2)
        #expect(await settle(["archive", "verify", "--ledger", url, "--archive", folder + "/arc", "--day", "2026-12-25"]).code == 2)
        let oneDay = await settle(["archive", "verify", "--ledger", url, "--archive", folder + "/nowhere", "--day", "2026-11-02"])
        #expect(oneDay.code == 1 && oneDay.out.contains("no archive at"), "\(oneDay.out)")
        let verify = await settle(["ledger", "verify", "--ledger", url])
        let verifySQLite = await settle(["ledger", "verify", "--ledger", ledger])
        #expect(verify.code == 0 && verify.out == verifySQLite.out)

        // A reviewer's decision and its rerun on SQLite: a copy again brings the changed rows up to date.
        let exceptions = try String(contentsOfFile: URL(fileURLWithPath: manifest).deletingLastPathComponent().path + "/out/2026-11-02/exceptions.csv", encoding: .utf8)
        let ambiguous = try #require(exceptions.split(separator: "\n").first { $0.split(separator: ",")[1] == "AMBIGUOUS" }?.split(separator: ",").first)
        let resolved = await settle(["exceptions", "resolve", String(ambiguous), "--ledger", ledger, "--apply", "INV-10020=4000.00", "--note", "phone", "--by", "ana"])
        #expect(resolved.code == 0, "\(resolved.err)")
        #expect(await settle(["run", manifest, "--date", "2026-11-02"]).code == 0)
        let later = await migrate(ledger, url, "acme-us")
        let moved = try totals(later.out)
        #expect(later.code == 0 && moved[1] > 0 && moved[2] > 0, "\(later.out)")
        let balances = await settle(["ledger", "balance", "--ledger", url, "--by-customer"])
        let balancesSQLite = await settle(["ledger", "balance", "--ledger", ledger, "--by-customer"])
        #expect(balances.out == balancesSQLite.out)
    }

    @Test func entitiesAreKeptApartAndNamed() async throws {
        let (_, ledger, url) = try await sampleWeek()
        for entity in ["acme-us", "acme-ca"] {
            let copy = await migrate(ledger, url, entity)
            #expect(copy.code == 0, "\(copy.out) \(copy.err)")
        }
        let unnamed = await settle(["ledger", "verify", "--ledger", url])
        #expect(unnamed.code == 2 && unnamed.err.contains("2 entities (acme-ca, acme-us): name one with --entity"), "\(unnamed.err)")
        #expect(await settle(["ledger", "verify", "--ledger", url, "--entity", "acme-ca"]).code == 0)
        let unknown = await settle(["ledger", "verify", "--ledger", url, "--entity", "acme-mx"])
        #expect(unknown.code == 3 && unknown.err.contains("holds no entity acme-mx (it holds acme-ca, acme-us)"), "\(unknown.err)")
        // Both entities hold the same books, each on its own.
        let us = await settle(["ledger", "balance", "--ledger", url, "--entity", "acme-us"])
        let ca = await settle(["ledger", "balance", "--ledger", url, "--entity", "acme-ca"])
        #expect(us.out == ca.out && !us.out.isEmpty)

        // An entity that ran on PostgreSQL since is not a copy of the file: refused, left as it is.
        let db = try PostgreSQLConnection(conninfo: url)
        try db.run("INSERT INTO runs VALUES ('acme-ca', 999, 't', 'm', '2026-11-10', '2026-11-10', 'finished')")
        let refused = await migrate(ledger, url, "acme-ca")
        #expect(refused.code == 3 && refused.err.contains("entity acme-ca holds run 999"), "\(refused.err)")
        #expect(try db.query("SELECT count(*) FROM runs WHERE entity = 'acme-ca'").int(0, 0) == 2)
    }

    @Test func badArgumentsAreUsageErrors() async throws {
        let url = try #require(PostgreSQLTestServer.url)
        let password = await settle(["ledger", "migrate", "--from", "x.sqlite", "--to", "postgresql://u:s3cret@h/d", "--entity", "e"])
        #expect(password.code == 2 && !password.err.contains("s3cret"))
        #expect(await settle(["ledger", "migrate", "--from", "x.sqlite", "--to", "var/l.sqlite", "--entity", "e"]).code == 2)
        #expect(await settle(["ledger", "migrate", "--from", "x.sqlite", "--to", url, "--entity", "a b"]).code == 2)
        #expect(await settle(["ledger", "migrate", "--from", "/nonexistent/x.sqlite", "--to", url, "--entity", "e"]).code == 3)
        // A database settle has made no ledger in is said so.
        let none = await settle(["exceptions", "list", "--ledger", try #require(PostgreSQLTestServer.isolatedURL("none"))])
        #expect(none.code == 3 && none.err.contains("no ledger at postgresql:///settle_test"), "\(none.err)")
    }
}
