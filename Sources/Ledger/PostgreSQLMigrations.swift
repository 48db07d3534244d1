import Accounting
import Core
import Foundation

/// The PostgreSQL ledger's migrations (`LedgerMigrating`): `PostgreSQLSchema`'s numbered steps, applied in one
/// transaction under a database-wide advisory lock (two processes never migrate at once), the version kept in
/// `settle_meta`. The tables go in the connection's schema (the first of its `search_path`, made when missing), so a
/// database can hold several ledgers side by side, each its own schema, and each ledger any number of entities.
public struct PostgreSQLMigrations: LedgerMigrating {
    public let address: LedgerLocation.PostgreSQLAddress
    /// For a new ledger: how many hash partitions by entity each table gets (0: none).
    public let partitions: Int

    /// `partitions` nil: what `SETTLE_POSTGRESQL_PARTITIONS` says (a DBA's choice for the ledgers settle makes), else none.
    public init(address: LedgerLocation.PostgreSQLAddress, partitions: Int? = nil) {
        self.address = address
        self.partitions = partitions ?? PostgreSQLMigrations.partitionsFromEnvironment
    }

    /// `SETTLE_POSTGRESQL_PARTITIONS`: how many hash partitions by entity a new ledger's tables get (0 when unset).
    static var partitionsFromEnvironment: Int {
        guard let text = ProcessInfo.processInfo.environment["SETTLE_POSTGRESQL_PARTITIONS"], let n = Int(text), n > 0 else { return 0 }
        return min(n, 1024)
    }

    public static var schemaVersion: Int { PostgreSQLSchema.version }

    /// The advisory lock class settle's locks share ("settle" in its first bytes); the object is 0 for migrations and
    /// an entity's hash for its run lock.
    static let lockClass: Int32 = 0x5E77_1E00

    public func storedSchemaVersion() throws -> Int {
        try PostgreSQLMigrations.storedVersion(try PostgreSQLConnection(conninfo: address.conninfo))
    }

    static func storedVersion(_ db: PostgreSQLConnection) throws -> Int {
        guard try db.query("SELECT to_regclass('settle_meta') IS NOT NULL").bool(0, 0) else { return 0 }
        let rows = try db.query("SELECT value FROM settle_meta WHERE name = 'schema_version'")
        return rows.count == 0 ? 0 : Int(rows.int(0, 0))
    }

    public func migrate() throws {
        try PostgreSQLMigrations.migrate(try PostgreSQLConnection(conninfo: address.conninfo), partitions: partitions,
                                         redacted: address.redacted)
    }

    /// Brings the ledger behind `db` to the current version (a newer one is refused).
    static func migrate(_ db: PostgreSQLConnection, partitions: Int, redacted: String) throws {
        try db.transaction {
            try db.query("SELECT pg_advisory_xact_lock($1::int, 0)", [String(lockClass)])
            if try db.query("SELECT current_schema() IS NULL").bool(0, 0) {
                // The search path names a schema that is not there yet: the ledger's own, made now.
                let wanted = try db.query("SELECT trim(both '\" ' from split_part(current_setting('search_path'), ',', 1))").text(0, 0)
                guard !wanted.isEmpty, !wanted.hasPrefix("$") else { throw LedgerError("\(redacted): the connection has no search_path to make the ledger's tables in") }
                try db.execute("CREATE SCHEMA IF NOT EXISTS \(quotedIdentifier(wanted))")
            }
            let current = try storedVersion(db)
            if current > PostgreSQLSchema.version {
                throw LedgerError("the ledger \(redacted) has schema version \(current), newer than this program's \(PostgreSQLSchema.version): use a newer settle")
            }
            guard current < PostgreSQLSchema.version else { return }
            if current == 0 {
                try db.execute("CREATE TABLE settle_meta (name text COLLATE \"C\" PRIMARY KEY, value bigint NOT NULL)")
                try db.run("INSERT INTO settle_meta(name, value) VALUES ('partitions', $1::bigint)", [String(partitions)])
            }
            let partitioned = Int(try db.query("SELECT value FROM settle_meta WHERE name = 'partitions'").int(0, 0))
            for index in current..<PostgreSQLSchema.version {
                try db.execute(PostgreSQLSchema.sql(PostgreSQLSchema.migrations[index], partitions: partitioned))
            }
            try db.run("""
                INSERT INTO settle_meta(name, value) VALUES ('schema_version', $1::bigint)
                ON CONFLICT (name) DO UPDATE SET value = excluded.value
                """, [String(PostgreSQLSchema.version)])
        }
    }

    /// Adds `entity` to the ledger when it is new, with the default chart of accounts; what it holds already stays.
    static func ensureEntity(_ entity: String, _ db: PostgreSQLConnection) throws {
        try db.transaction {
            guard try db.run("INSERT INTO entities(entity, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING", [entity, Timestamp.now()]) == 1 else { return }
            for account in ChartOfAccounts.defaults {
                try db.run("INSERT INTO accounts(entity, code, name, type) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                           [entity, account.code, account.name, account.type])
            }
        }
    }

    /// The entities the ledger holds, sorted.
    static func entities(_ db: PostgreSQLConnection) throws -> [String] {
        let rows = try db.query("SELECT entity FROM entities ORDER BY entity")
        return (0..<rows.count).map { rows.text($0, 0) }
    }

    /// An SQL identifier, quoted.
    static func quotedIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// The reads of `period_changes` of one entity, for the writer and the reader alike (as `SQLitePeriods` is on SQLite).
enum PostgreSQLPeriods {
    static func closedThrough(_ db: PostgreSQLConnection, entity: String) throws -> Day? {
        let rows = try db.query("SELECT closed_through FROM period_changes WHERE entity = $1 ORDER BY change_id DESC LIMIT 1", [entity])
        guard rows.count > 0, !rows.isNull(0, 0) else { return nil }
        return try Stored.day(rows.text(0, 0), "period_changes")
    }

    static func changes(_ db: PostgreSQLConnection, entity: String) throws -> [PeriodChange] {
        let rows = try db.query("""
            SELECT action, COALESCE(closed_through, ''), note, by, at FROM period_changes WHERE entity = $1 ORDER BY change_id
            """, [entity])
        return (0..<rows.count).map { (rows.text($0, 0), rows.text($0, 1), rows.text($0, 2), rows.text($0, 3), rows.text($0, 4)) }
    }
}
