import Accounting
import Core

/// The SQLite ledger's migrations (`LedgerMigrating`): `Schema`'s numbered steps, applied in one transaction, the
/// version kept in `PRAGMA user_version`. The writer migrates when it opens a ledger; commands that only read migrate
/// an older ledger through this first.
public struct SQLiteMigrations: LedgerMigrating {
    public let path: String

    public init(path: String) { self.path = path }

    public static var schemaVersion: Int { Schema.version }

    public func storedSchemaVersion() throws -> Int {
        try SQLiteMigrations.userVersion(try Database(path: path, readOnly: true))
    }

    public func migrate() throws {
        let database = try Database(path: path)
        try SQLiteLedgerStore.configure(database)
        try SQLiteMigrations.migrate(database)
    }

    static func userVersion(_ db: Database) throws -> Int {
        let statement = try db.prepare("PRAGMA user_version")
        defer { statement.reset() }
        _ = try statement.step()
        return Int(statement.int(0))
    }

    /// Brings the ledger behind `db` to `Schema.version` (a newer one is refused), with the default chart of accounts.
    static func migrate(_ db: Database) throws {
        let current = try userVersion(db)
        if current > Schema.version {
            throw LedgerError("the ledger \(db.path) has schema version \(current), newer than this program's \(Schema.version): use a newer settle")
        }
        guard current < Schema.version else { return }
        try db.transaction {
            for index in current..<Schema.version {
                try db.execute(Schema.migrations[index])
                try Schema.finish(migration: index + 1, db)
            }
            for account in ChartOfAccounts.defaults {
                try db.prepare("INSERT OR IGNORE INTO accounts(code, name, type) VALUES (?, ?, ?)")
                    .bind(.text(account.code), .text(account.name), .text(account.type)).run()
            }
            try db.execute("PRAGMA user_version = \(Schema.version)")
        }
    }
}
