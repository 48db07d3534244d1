import Accounting
import Core

/// One read-only connection to a SQLite ledger and what it keeps between reads (account ids, whether the ledger has
/// legacy ACH keys). Not Sendable: `SQLiteLedgerReader` lends it to one caller at a time.
final class SQLiteReadConnection {
    let database: Database
    /// Account codes to ids, reloaded when a code is missing (the writer may have added it since).
    private var accountIDs: [String: Int64] = [:]
    private let findSource: Statement
    var legacyACHKeysChecked = false
    var hasLegacyACHKeys = false

    /// Opens the ledger at `path` for reading: a settle ledger no newer than this program. One of an older schema is read
    /// as it is, where its tables allow (a run's writer, and `SQLiteMigrations`, migrate it first).
    init(path: String) throws {
        database = try Database(path: path, readOnly: true)
        let schema = try SQLiteMigrations.userVersion(database)
        if schema == 0 { throw LedgerError("\(path) is not a settle ledger (no schema); run `settle run` first") }
        if schema > Schema.version { throw LedgerError("the ledger \(path) has schema version \(schema), newer than this program's \(Schema.version): use a newer settle") }
        findSource = try database.prepare("SELECT entry_id, source_key, day FROM journal_entries WHERE key_hash = ?")
    }

    func accountID(_ code: String) throws -> Int64? {
        if let id = accountIDs[code] { return id }
        accountIDs = [:]
        for (id, code) in try database.prepare("SELECT account_id, code FROM accounts").rows({ ($0.int(0), $0.text(1)) }) { accountIDs[code] = id }
        return accountIDs[code]
    }

    /// The first entry posted under a key (found through its hash, `SourceKeyHash.probe`): its id and run day.
    func firstEntry(ofKey key: String) throws -> (entryID: Int64, day: String)? {
        try SourceKeyHash.probe(key) { hash in try findSource.sourceKeySlot(hash, key: key, keyColumn: 1) { (entryID: $0.int(0), day: $0.text(2)) } }
    }
}
