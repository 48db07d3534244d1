import Core
import Foundation

/// The PostgreSQL ledger's run lock (`RunLocking`), one per entity: a session-level advisory lock on a connection the
/// holder keeps for the whole run, and a `run_locks` row naming host, pid, start and purpose for the message another
/// run gives (the lock's key is the ledger's schema and the entity). A crashed holder's lock goes with its connection (the server ends the session), so no stale lock stays;
/// a row whose connection is gone names no holder. Runs of different entities never wait for each other. The lock is
/// a session's, so the connection must not go through a transaction-pooling proxy (PgBouncer in transaction mode).
public struct PostgreSQLRunLock: RunLocking {
    public let address: LedgerLocation.PostgreSQLAddress
    public let entity: String

    public init(address: LedgerLocation.PostgreSQLAddress, entity: String) {
        self.address = address
        self.entity = entity
    }

    public func tryLock(purpose: String) throws -> (any HeldRunLock)? {
        let db = try PostgreSQLConnection(conninfo: address.conninfo)
        // A run's lock may be the first thing that touches a new ledger: its tables are made first.
        try PostgreSQLMigrations.migrate(db, partitions: PostgreSQLMigrations.partitionsFromEnvironment, redacted: address.redacted)
        try PostgreSQLMigrations.ensureEntity(entity, db)
        let taken = try db.query("SELECT pg_try_advisory_lock($1::int, \(PostgreSQLRunLock.key("$2")))", [String(PostgreSQLMigrations.lockClass), entity])
        guard taken.bool(0, 0) else { return nil }
        try db.run("""
            INSERT INTO run_locks(entity, host, pid, backend_pid, started_at, purpose) VALUES ($1, $2, $3::int, $4::int, $5, $6)
            ON CONFLICT (entity) DO UPDATE SET host = excluded.host, pid = excluded.pid, backend_pid = excluded.backend_pid,
                started_at = excluded.started_at, purpose = excluded.purpose
            """, [entity, ProcessInfo.processInfo.hostName, String(getpid()), String(db.backendPID), Timestamp.now(), purpose])
        return HeldPostgreSQLLock(db, entity: entity)
    }

    /// The lock's object: the entity within this ledger (its schema), for a database may hold several ledgers.
    static func key(_ entity: String) -> String { "hashtext(current_schema() || '/' || \(entity))" }

    public func holder() -> String {
        guard let db = try? PostgreSQLConnection(conninfo: address.conninfo),
              let rows = try? db.query("""
                SELECT r.pid, r.host, r.started_at, r.purpose FROM run_locks r
                JOIN pg_locks l ON l.pid = r.backend_pid AND l.locktype = 'advisory' AND l.granted
                    AND l.classid = $2::bigint::oid AND l.objid = (\(PostgreSQLRunLock.key("$1"))::bigint & 4294967295)::oid
                WHERE r.entity = $1
                """, [entity, String(PostgreSQLMigrations.lockClass)]),
              rows.count > 0 else { return "" }
        return "pid \(rows.text(0, 0)) on \(rows.text(0, 1)), started \(rows.text(0, 2)): settle \(rows.text(0, 3)) (entity \(entity))"
    }
}

/// The entity's lock, held on its own connection until this goes.
final class HeldPostgreSQLLock: HeldRunLock {
    private let db: PostgreSQLConnection
    private let entity: String

    init(_ db: PostgreSQLConnection, entity: String) {
        self.db = db
        self.entity = entity
    }

    deinit {
        // Closing the connection lets the lock go in any case; the row goes first so no one reads it as held.
        _ = try? db.run("DELETE FROM run_locks WHERE entity = $1 AND backend_pid = $2::int", [entity, String(db.backendPID)])
        _ = try? db.query("SELECT pg_advisory_unlock($1::int, \(PostgreSQLRunLock.key("$2")))", [String(PostgreSQLMigrations.lockClass), entity])
    }
}
