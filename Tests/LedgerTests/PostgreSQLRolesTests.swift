import Foundation
@testable import Ledger
import TestSupport
import Testing

/// `scripts/postgres-roles.sql`: the runner writes days but never rewrites the journal, the reviewer writes decisions
/// only and, when listed for some entities, sees only theirs, and the reader sees the bi_* views with account numbers
/// masked and nothing else.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLRolesTests {
    /// A ledger with two entities, a run, an entry and an exception each, and the roles script run on it (twice: running
    /// it again changes nothing).
    private func ledger() throws -> PostgreSQLConnection {
        let url = try #require(PostgreSQLTestServer.isolatedURL("roles"))
        guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerError("not a URL") }
        try PostgreSQLMigrations(address: address).migrate()
        let db = try PostgreSQLConnection(conninfo: address.conninfo)
        for entity in ["acme-us", "acme-ca"] {
            try PostgreSQLMigrations.ensureEntity(entity, db)
            try db.run("INSERT INTO runs VALUES ($1, 1, 't', 'm', '2026-11-02', '2026-11-02', 'finished')", [entity])
            try db.run("INSERT INTO journal_entries VALUES ($1, 1, 'k', 1, 'original', 1, '2026-11-02', '2026-11-02', 'memo')", [entity])
            try db.run("INSERT INTO postings VALUES ($1, 1, 1, '1200', NULL, NULL, 500, 'USD'), ($1, 1, 2, '2100', NULL, NULL, -500, 'USD')", [entity])
            try db.run("""
                INSERT INTO exceptions(entity, exception_id, first_run_id, last_run_id, day, type, severity, receipt_id, source, source_ref,
                    location, customer_id, invoice_ids, message, suggestions) VALUES ($1, 'EX-1', 1, 1, '2026-11-02', 'AMBIGUOUS', 'review',
                    'R1', 'ach', '', '', 'C001', '', 'two invoices', '')
                """, [entity])
            try db.run("INSERT INTO bank_accounts VALUES ($1, '000123456789', '021000021', 'USD', '1000-6789', '2026-11-02', '')", [entity])
        }
        let script = try String(contentsOfFile: TestPaths.packageRoot + "/scripts/postgres-roles.sql", encoding: .utf8)
        try db.execute(script)
        try db.execute(script)
        return db
    }

    /// Runs `sql` as `role`; the SQLSTATE it failed with ("" when it did not).
    private func attempt(_ db: PostgreSQLConnection, as role: String, _ sql: String) throws -> String {
        try db.execute("SET ROLE \(role)")
        defer { try? db.execute("RESET ROLE") }
        do {
            try db.execute(sql)
            return ""
        } catch {
            return error.sqlState
        }
    }

    @Test func theRunnerNeverRewritesTheJournal() throws {
        let db = try ledger()
        #expect(try attempt(db, as: "settle_runner", "INSERT INTO runs VALUES ('acme-us', 2, 't', 'm', '2026-11-03', '2026-11-03', 'finished')") == "")
        #expect(try attempt(db, as: "settle_runner", "UPDATE invoices SET open_minor = 0") == "")
        #expect(try attempt(db, as: "settle_runner", "UPDATE exceptions SET last_run_id = 2 WHERE entity = 'acme-us'") == "")
        // What a run and `settle originate` change in place: a rerun's ACH customers, a mandate's status, a file sealed or voided.
        for sql in ["DELETE FROM ach_entry_customers WHERE entity = 'acme-us'", "UPDATE origination_mandates SET status_note = ''",
                    "UPDATE origination_files SET void_note = ''", "DELETE FROM ach_returns WHERE entity = 'none'"] {
            #expect(try attempt(db, as: "settle_runner", sql) == "", "\(sql)")
        }
        for sql in ["UPDATE journal_entries SET memo = 'changed'", "DELETE FROM postings", "UPDATE postings SET amount_minor = 0",
                    "DELETE FROM exception_history", "UPDATE period_changes SET note = ''", "TRUNCATE journal_entries CASCADE"] {
            #expect(try attempt(db, as: "settle_runner", sql) == "42501", "\(sql)")
        }
        #expect(try db.query("SELECT count(*) FROM postings WHERE amount_minor <> 0").int(0, 0) == 4)
    }

    @Test func aReviewerWritesDecisionsOnlyAndOnlyForTheEntitiesServed() throws {
        let db = try ledger()
        let decide = "UPDATE exceptions SET status = 'resolved', decision = 'ignore', decided_by = 'ana', decision_seq = decision_seq + 1"
        #expect(try attempt(db, as: "settle_reviewer", decide + " WHERE entity = 'acme-us'") == "")
        #expect(try attempt(db, as: "settle_reviewer", """
            INSERT INTO exception_history(entity, exception_id, at, action, decision, applications, note, by, approved_by)
            VALUES ('acme-us', 'EX-1', 't', 'resolve', 'ignore', '', 'n', 'ana', '')
            """) == "")
        for sql in ["UPDATE exceptions SET amount_minor = 1", "INSERT INTO journal_entries VALUES ('acme-us', 9, 'x', 1, 'original', 1, 'd', 'd', '')",
                    "UPDATE invoices SET open_minor = 0", "DELETE FROM exceptions", "UPDATE exception_history SET note = ''"] {
            #expect(try attempt(db, as: "settle_reviewer", sql) == "42501", "\(sql)")
        }
        // A reviewer who serves acme-ca only: sees its rows and decides on them, never acme-us's.
        let clerk = "clerk_" + UUID().uuidString.prefix(8).lowercased()
        try db.execute("CREATE ROLE \(clerk) NOLOGIN IN ROLE settle_reviewer")
        try db.run("INSERT INTO reviewer_entities VALUES ($1, 'acme-ca')", [clerk])
        try db.execute("SET ROLE \(clerk)")
        #expect(try db.query("SELECT DISTINCT entity FROM exceptions").text(0, 0) == "acme-ca")
        #expect(try db.query("SELECT count(*) FROM journal_entries").int(0, 0) == 1)
        #expect(try db.run(decide + ", resolution_note = 'x' WHERE exception_id = 'EX-1'") == 1)
        try db.execute("RESET ROLE")
        let decided = try db.query("SELECT entity, decided_by, resolution_note FROM exceptions ORDER BY entity")
        #expect(decided.text(0, 0) == "acme-ca" && decided.text(0, 2) == "x")
        #expect(decided.text(1, 0) == "acme-us" && decided.text(1, 2) == "")
        try db.execute("DROP OWNED BY \(clerk); DROP ROLE \(clerk)")
    }

    /// What `settle exceptions resolve` and `reopen` write (`PostgreSQLReviewStore`) a clerk with only the reviewer role
    /// may write, connected as themself (the role set for the session, as a login role would have it), for the entities
    /// they serve; another entity's exception is not there for them.
    @Test func aClerkDecidesThroughTheReviewStoreWithTheReviewerRoleAlone() async throws {
        let db = try ledger()
        let clerk = "clerk_" + UUID().uuidString.prefix(8).lowercased()
        try db.execute("CREATE ROLE \(clerk) NOLOGIN IN ROLE settle_reviewer")
        defer { try? db.execute("DROP OWNED BY \(clerk); DROP ROLE \(clerk)") }
        try db.run("INSERT INTO reviewer_entities VALUES ($1, 'acme-ca')", [clerk])
        let base = try #require(PostgreSQLTestServer.url)
        let ledgerSchema = try db.query("SELECT current_schema()").text(0, 0)
        let asClerk = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(ledgerSchema)%20-crole%3D\(clerk)"
        guard case let .postgresql(address) = try LedgerLocation.parse(asClerk) else { throw LedgerError("not a URL") }
        let served = try PostgreSQLReviewStore(address: address, entity: "acme-ca")
        try await served.recordDecision(exceptionID: "EX-1", decision: .ignore, applications: [], note: "checked", by: clerk, approvedBy: "",
                                        at: "2026-11-03T09:00:00Z")
        try await served.reopenException(id: "EX-1", note: "too soon", by: clerk, at: "2026-11-03T09:05:00Z")
        #expect(try await served.history(exceptionID: "EX-1").map(\.action) == ["resolve", "reopen"])
        let other = try PostgreSQLReviewStore(address: address, entity: "acme-us")
        await #expect { try await other.recordDecision(exceptionID: "EX-1", decision: .ignore, applications: [], note: "n", by: clerk, approvedBy: "",
                                                       at: "2026-11-03T09:00:00Z") } throws: { "\($0)".contains("no exception EX-1") }
        let rows = try db.query("SELECT entity, decision_seq FROM exceptions ORDER BY entity")
        #expect(rows.text(0, 0) == "acme-ca" && rows.int(0, 1) == 2 && rows.int(1, 1) == 0)
    }

    @Test func theReaderSeesTheViewsWithAccountNumbersMasked() throws {
        let db = try ledger()
        try db.execute("SET ROLE settle_reader")
        let accounts = try db.query("SELECT number FROM bi_bank_accounts ORDER BY entity")
        #expect(accounts.count == 2 && accounts.text(0, 0) == "••••6789")
        #expect(try db.query("SELECT sum(amount_minor), count(*) FROM bi_journal").int(0, 1) == 4)
        try db.execute("RESET ROLE")
        for table in ["bank_accounts", "journal_entries", "invoices", "exceptions"] {
            #expect(try attempt(db, as: "settle_reader", "SELECT * FROM \(table)") == "42501", "\(table)")
        }
        #expect(try attempt(db, as: "settle_reader", "UPDATE bi_invoices SET open_minor = 0") == "42501")
    }
}
