import Accounting
import Foundation
@testable import Ledger
import TestSupport
import Testing

/// The PostgreSQL ledger's schema: made in the URL's own schema, migrated once, every key and index leading with the
/// entity (the rule hash partitioning and Citus need), no reference crossing entities, and the run lock per entity.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLSchemaTests {
    private func ledger(partitions: Int? = nil) throws -> (LedgerLocation.PostgreSQLAddress, PostgreSQLConnection) {
        let url = try #require(PostgreSQLTestServer.isolatedURL())
        guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerError("not a URL") }
        try PostgreSQLMigrations(address: address, partitions: partitions).migrate()
        return (address, try PostgreSQLConnection(conninfo: address.conninfo))
    }

    @Test func aNewLedgerIsMadeInItsOwnSchemaOnce() throws {
        let (address, db) = try ledger()
        let migrations = PostgreSQLMigrations(address: address)
        #expect(try migrations.storedSchemaVersion() == PostgreSQLMigrations.schemaVersion)
        try migrations.migrate()
        let partitions = PostgreSQLMigrations.partitionsFromEnvironment
        let tables = try db.query("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").int(0, 0)
        #expect(tables == Int64(PostgreSQLSchema.entityTables.count * (partitions > 0 ? partitions + 1 : 1) + 3))
        try db.run("UPDATE settle_meta SET value = value + 1 WHERE name = 'schema_version'")
        #expect(throws: LedgerError.self) { try migrations.migrate() }
    }

    /// Every primary key, unique key and b-tree index of every table starts with `entity`; the hash indexes (of one
    /// column, which partitioning and Citus allow of an index that is not unique) are the two of `applications`, and the
    /// BRIN indexes the three of days.
    private func expectEveryKeyLeadsWithEntity(_ db: PostgreSQLConnection) throws {
        let rows = try db.query("""
            SELECT c.relname, i.relname, a.attname, m.amname, x.indisunique FROM pg_index x
            JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am m ON m.oid = i.relam
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = x.indkey[0]
            WHERE n.nspname = current_schema() AND c.relname NOT IN ('settle_meta', 'entities', 'run_locks')
            """)
        #expect(rows.count > 40)
        var hashed: [String] = [], summarized: [String] = []
        for row in 0..<rows.count {
            let (table, index, first, method) = (rows.text(row, 0), rows.text(row, 1), rows.text(row, 2), rows.text(row, 3))
            if method == "hash" || method == "brin" {
                #expect(!rows.bool(row, 4), "\(index) on \(table) is a unique \(method) index")
                if method == "hash" {
                    #expect(table.hasPrefix("applications"), "\(index) on \(table) is a hash index")
                    hashed.append(first)
                } else {
                    summarized.append("\(Self.unpartitioned(table)).\(first)")
                }
                continue
            }
            #expect(method == "btree" && first == "entity", "\(index) on \(table) (\(method)) leads with \(first)")
        }
        #expect(Set(hashed) == ["receipt_id", "source_key"], "hash indexes: \(hashed)")
        #expect(Set(summarized) == ["ach_entries.day", "ach_entries.effective_day", "applications.day"], "BRIN indexes: \(summarized)")
    }

    /// `ach_entries` for its partition `ach_entries_p3`.
    private static func unpartitioned(_ table: String) -> String {
        guard let mark = table.range(of: "_p", options: .backwards), !table[mark.upperBound...].isEmpty,
              table[mark.upperBound...].allSatisfy(\.isNumber) else { return table }
        return String(table[..<mark.lowerBound])
    }

    /// A ledger at schema 4 that holds rows (and whose DBA dropped `postings_customer` already) migrates to the current
    /// version: its rows stay, a receipt's applications are found through the hash indexes and a day's through the BRIN
    /// index of days, postings have no customer index.
    @Test func aLedgerOfSchema4WithRowsMigrates() throws {
        let url = try #require(PostgreSQLTestServer.isolatedURL("v4"))
        guard case let .postgresql(address) = try LedgerLocation.parse(url), let schema = PostgreSQLTestServer.schema(of: url) else { throw LedgerError("not a URL") }
        let db = try PostgreSQLConnection(conninfo: address.conninfo)
        try db.execute("CREATE SCHEMA \(PostgreSQLMigrations.quotedIdentifier(schema))")
        try db.execute("CREATE TABLE settle_meta (name text COLLATE \"C\" PRIMARY KEY, value bigint NOT NULL)")
        try db.execute("INSERT INTO settle_meta(name, value) VALUES ('partitions', 0), ('schema_version', 4)")
        for migration in PostgreSQLSchema.migrations.prefix(4) { try db.execute(PostgreSQLSchema.sql(migration, partitions: 0)) }
        try PostgreSQLMigrations.ensureEntity("acme-us", db)
        try db.execute("""
            INSERT INTO runs VALUES ('acme-us', 1, 't', 'm', '2026-11-02', '2026-11-02', 'finished');
            INSERT INTO applications(entity, application_id, run_id, day, receipt_id, source_key, invoice_id, customer_id, applied_minor,
                                     discount_minor, writeoff_minor, currency, rule, confidence)
            SELECT 'acme-us', n, 1, '2026-11-02', 'R' || n, 'ach:received:1:2026-11-02:' || n, 'I' || n, 'C1', 100, 0, 0, 'USD', 'exact-amount', 90
            FROM generate_series(1, 2000) n;
            INSERT INTO postings VALUES ('acme-us', 1, 1, '1200', 'C1', 'I1', 100, 'USD');
            DROP INDEX postings_customer;
            """)
        try PostgreSQLMigrations(address: address, partitions: 0).migrate()
        #expect(try PostgreSQLMigrations(address: address).storedSchemaVersion() == PostgreSQLMigrations.schemaVersion)
        let indexes = try db.query("""
            SELECT i.relname, m.amname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am m ON m.oid = i.relam
            JOIN pg_class c ON c.oid = x.indrelid WHERE c.relname IN ('applications', 'postings') AND c.relnamespace = to_regnamespace($1) ORDER BY 1
            """, [schema])
        #expect((0..<indexes.count).map { indexes.text($0, 0) + " " + indexes.text($0, 1) } == [
            "applications_day brin", "applications_pkey btree", "applications_receipt hash", "applications_source hash", "postings_pkey btree",
        ])
        try db.execute("SET enable_seqscan = off")
        let plan = try db.query("EXPLAIN SELECT source_key FROM applications WHERE entity = 'acme-us' AND receipt_id = 'R1234'")
        #expect((0..<plan.count).contains { plan.text($0, 0).contains("applications_receipt") })
        let found = try db.query("SELECT source_key FROM applications WHERE entity = 'acme-us' AND receipt_id = 'R1234'")
        #expect(found.count == 1 && found.text(0, 0) == "ach:received:1:2026-11-02:1234")
        try db.execute("ANALYZE applications")
        let dayPlan = try db.query("EXPLAIN SELECT count(*) FROM applications WHERE entity = 'acme-us' AND day = '2026-11-02'")
        let planText = (0..<dayPlan.count).map { dayPlan.text($0, 0) }.joined(separator: "\n")
        #expect(planText.contains("Bitmap Index Scan on applications_day"), "\(planText)")
        #expect(try db.query("SELECT count(*) FROM applications WHERE entity = 'acme-us' AND day = '2026-11-02'").int(0, 0) == 2000)
        #expect(try db.query("SELECT count(*) FROM applications WHERE entity = 'acme-us' AND day = '2026-11-03'").int(0, 0) == 0)
        #expect(try db.query("SELECT count(*) FROM postings WHERE entity = 'acme-us' AND customer_id = 'C1'").int(0, 0) == 1)
    }

    @Test func everyKeyLeadsWithTheEntity() throws {
        let (_, db) = try ledger()
        try expectEveryKeyLeadsWithEntity(db)
    }

    @Test func aPartitionedLedgerSplitsEveryTableByEntity() throws {
        let (_, db) = try ledger(partitions: 4)
        let partitioned = try db.query("""
            SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()
            """).int(0, 0)
        #expect(partitioned == Int64(PostgreSQLSchema.entityTables.count))
        try expectEveryKeyLeadsWithEntity(db)
        for entity in ["acme-us", "acme-ca", "acme-uk"] { try PostgreSQLMigrations.ensureEntity(entity, db) }
        let spread = try db.query("SELECT count(DISTINCT tableoid) FROM accounts").int(0, 0)
        #expect(spread >= 2)
    }

    @Test func entitiesShareNoKeyAndNoReference() throws {
        let (address, db) = try ledger()
        try PostgreSQLMigrations.ensureEntity("acme-us", db)
        try PostgreSQLMigrations.ensureEntity("acme-ca", db)
        try PostgreSQLMigrations.ensureEntity("acme-us", db)
        #expect(try PostgreSQLMigrations.entities(db) == ["acme-ca", "acme-us"])
        let charts = try db.query("SELECT entity, count(*) FROM accounts GROUP BY entity ORDER BY entity")
        #expect(charts.count == 2 && charts.int(0, 1) == Int64(ChartOfAccounts.defaults.count) && charts.int(1, 1) == charts.int(0, 1))
        try db.run("INSERT INTO runs VALUES ('acme-us', 1, 't', 'm', '2026-11-02', '2026-11-02', 'finished')")
        try db.run("INSERT INTO runs VALUES ('acme-ca', 1, 't', 'm', '2026-11-02', '2026-11-02', 'finished')")
        try db.run("INSERT INTO journal_entries VALUES ('acme-us', 1, 'k', 1, 'original', 1, '2026-11-02', '2026-11-02', '')")
        // The same ids in another entity are another row. A reference of a low-volume table that crosses entities is
        // refused by its foreign key; what a posting names (no foreign key: settle checks it before the write) is
        // found by verify, per entity.
        try db.run("INSERT INTO journal_entries VALUES ('acme-ca', 1, 'k', 1, 'original', 1, '2026-11-02', '2026-11-02', '')")
        do {
            try db.run("INSERT INTO ingested_files VALUES ('acme-ca', 'sha', 1, 'f', 2, '2026-11-02', 'a', '')")
            Issue.record("a file named a run its entity does not have")
        } catch {
            #expect(error.sqlState == "23503")
        }
        try db.run("INSERT INTO postings VALUES ('acme-ca', 2, 1, '1200', NULL, NULL, 5, 'USD'), ('acme-ca', 1, 1, '9999', NULL, NULL, -5, 'USD')")
        let report = try PostgreSQLLedgerReader(address: address, entity: "acme-ca").verify()
        #expect(report.integrityProblems.contains("1 postings without their entry") && report.integrityProblems.contains("1 postings naming an unknown account"),
                "\(report.integrityProblems)")
        #expect(try PostgreSQLLedgerReader(address: address, entity: "acme-us").verify().integrityProblems.contains("1 entries without postings"))
        // Text sorts byte-wise whatever the database's collation.
        try db.run("INSERT INTO customers VALUES ('acme-us', 'b'), ('acme-us', 'B'), ('acme-us', 'a'), ('acme-us', '_')")
        let sorted = try db.query("SELECT customer_id FROM customers WHERE entity = 'acme-us' ORDER BY customer_id")
        #expect((0..<sorted.count).map { sorted.text($0, 0) } == ["B", "_", "a", "b"])
    }

    @Test func theRunLockIsPerEntityAndGoesWithItsConnection() throws {
        let (address, db) = try ledger()
        let us = PostgreSQLRunLock(address: address, entity: "acme-us")
        var held = try us.tryLock(purpose: "run")
        #expect(held != nil)
        #expect(try us.tryLock(purpose: "run") == nil)
        #expect(us.holder().contains("pid \(getpid())") && us.holder().contains("settle run") && us.holder().contains("acme-us"))
        // Another entity runs at once.
        let ca = PostgreSQLRunLock(address: address, entity: "acme-ca")
        let other = try #require(try ca.tryLock(purpose: "exceptions resolve"))
        #expect(ca.holder().contains("settle exceptions resolve"))
        held = nil
        #expect(us.holder() == "")
        held = try us.tryLock(purpose: "run")
        #expect(held != nil)
        // A holder whose connection dies (a crashed run) holds nothing.
        let backend = try db.query("SELECT backend_pid FROM run_locks WHERE entity = 'acme-us'").int(0, 0)
        try db.run("SELECT pg_terminate_backend($1::int)", [String(backend)])
        var waited = 0
        while us.holder() != "" && waited < 50 { usleep(20_000); waited += 1 }
        #expect(us.holder() == "")
        #expect(try us.tryLock(purpose: "run") != nil)
        _ = (held, other)
    }
}
