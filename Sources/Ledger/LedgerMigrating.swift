/// Bringing a ledger's schema to the version this program writes: numbered migrations, applied in order, in one
/// transaction; a newer ledger than the program is refused. A writer migrates when it opens the ledger; a reader
/// never does (it refuses a ledger that is not at its version, or reads an older one as it is where it can).
/// The SQLite store's migrations are `SQLiteMigrations` (its schema, `Schema`).
public protocol LedgerMigrating {
    /// The schema version this program writes.
    static var schemaVersion: Int { get }
    /// The schema version the ledger holds (0: not a settle ledger, or none yet).
    func storedSchemaVersion() throws -> Int
    /// Migrates the ledger (creating it when missing) to `schemaVersion`; refuses one newer than it.
    func migrate() throws
}

extension LedgerMigrating {
    /// Migrates a ledger older than this program (a no-op when it is current), so that a reader can open it.
    public func migrateIfOlder() throws {
        if try storedSchemaVersion() < Self.schemaVersion { try migrate() }
    }
}
