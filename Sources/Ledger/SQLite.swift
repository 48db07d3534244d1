internal import CSQLite
import Accounting
import Core
import Foundation

/// A SQLite failure: the extended result code, SQLite's message and the SQL — never the bound values.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    public let extendedCode: Int32
    public let message: String
    public let sql: String?

    public var description: String {
        var text = "SQLite error \(extendedCode): \(message)"
        if let sql { text += " (in: \(sql.prefix(200)))" }
        return text
    }

    /// The database is locked by another connection beyond the busy timeout.
    public var isBusy: Bool { extendedCode & 0xFF == 5 || extendedCode & 0xFF == 6 }
}

/// One SQLite connection. Not Sendable: it belongs to one actor or one thread.
final class Database {
    fileprivate let handle: OpaquePointer
    let path: String
    private var cache: [String: Statement] = [:]

    /// Runs once, before the first connection: SQLite's configuration can only change before it initializes.
    private static let configured: Bool = {
        _ = settle_sqlite_disable_memstatus()
        return true
    }()

    init(path: String, readOnly: Bool = false) throws(SQLiteError) {
        _ = Database.configured
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        // A new ledger is made 0600 before SQLite opens it (SQLite would make it 0644); its -wal and -shm take the
        // database file's mode.
        if !readOnly && path != ":memory:" && !path.isEmpty { PrivateFiles.createFileIfMissing(path) }
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(extendedCode: rc, message: "\(message): \(path)", sql: nil)
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "error"
            sqlite3_free(message)
            throw SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// A prepared statement, cached by its SQL.
    func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        if let cached = cache[sql] {
            cached.reset()
            return cached
        }
        let statement = try Statement(database: self, sql: sql)
        cache[sql] = statement
        return statement
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var changes: Int { Int(sqlite3_changes(handle)) }

    func transaction<T>(rollback: Bool = false, _ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute(rollback ? "ROLLBACK" : "COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// A prepared statement. Bind by 1-based index; step through rows.
final class Statement {
    private let statement: OpaquePointer
    private unowned let database: Database
    let sql: String

    init(database: Database, sql: String) throws(SQLiteError) {
        var s: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &s, nil)
        guard rc == SQLITE_OK, let s else { throw database.error(rc, sql: sql) }
        statement = s
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(statement) }

    func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    @discardableResult
    func bind(_ values: SQLValue...) throws(SQLiteError) -> Statement {
        try bind(values)
    }

    @discardableResult
    func bind(_ values: [SQLValue]) throws(SQLiteError) -> Statement {
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, index)
            case let .integer(v): rc = sqlite3_bind_int64(statement, index, v)
            case let .text(v): rc = sqlite3_bind_text(statement, index, v, -1, settle_sqlite_transient())
            }
            guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
        }
        return self
    }

    // Binding one value at a time: the hot paths bind without building arrays.
    @inline(__always)
    func bind(_ index: Int32, _ value: Int64) throws(SQLiteError) {
        let rc = sqlite3_bind_int64(statement, index, value)
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
    }

    @inline(__always)
    func bind(_ index: Int32, _ value: String?) throws(SQLiteError) {
        let rc: Int32
        if let value {
            var copy = value
            rc = copy.withUTF8 { buffer in
                guard let base = buffer.baseAddress else { return sqlite3_bind_text(statement, index, "", 0, settle_sqlite_transient()) }
                return sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(buffer.count), settle_sqlite_transient())
            }
        } else {
            rc = sqlite3_bind_null(statement, index)
        }
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
    }

    /// Runs `body` with the string's UTF-8 bytes, borrowed in place when the string is stored contiguously (no copy,
    /// no reference counting).
    @inline(__always)
    static func withBytes<R>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try string.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = string
        return try copy.withUTF8(body)
    }

    /// Binds text SQLite does not copy: `text` must outlive the statement's next step (interned texts, or a buffer
    /// the caller steps inside of).
    @inline(__always)
    func bind(_ index: Int32, static text: UnsafeBufferPointer<UInt8>) throws(SQLiteError) {
        let rc: Int32
        if let base = text.baseAddress {
            rc = sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(text.count), nil)
        } else {
            rc = sqlite3_bind_text(statement, index, "", 0, settle_sqlite_transient())
        }
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
    }

    @inline(__always)
    func bind(_ index: Int32, _ text: InternedText) throws(SQLiteError) {
        try bind(index, static: text.bytes)
    }

    @inline(__always)
    func bindNull(_ index: Int32) throws(SQLiteError) {
        let rc = sqlite3_bind_null(statement, index)
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
    }

    /// Runs a statement that returns no rows and makes it ready for the next use.
    func execute() throws(SQLiteError) {
        let rc = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw database.error(rc, sql: sql) }
    }

    /// Steps once; true when a row is available.
    func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(statement)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw database.error(rc, sql: sql)
    }

    func run() throws(SQLiteError) {
        while try step() {}
        sqlite3_reset(statement)
    }

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func text(_ column: Int32) -> String {
        guard let p = sqlite3_column_text(statement, column) else { return "" }
        return String(cString: p)
    }
    /// The column's text bytes without making a String (valid until the next step).
    func textBytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let p = sqlite3_column_text(statement, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(statement, column)))
    }

    /// Whether a text column holds exactly `string`'s UTF-8 bytes (no String made).
    func textEquals(_ column: Int32, _ string: String) -> Bool {
        let bytes = textBytes(column)
        return Statement.withBytes(string) { utf8 in
            guard utf8.count == bytes.count else { return false }
            guard let a = utf8.baseAddress, let b = bytes.baseAddress else { return true }
            return memcmp(a, b, bytes.count) == 0
        }
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    var columnCount: Int { Int(sqlite3_column_count(statement)) }

    /// All rows, mapped.
    func rows<T>(_ transform: (Statement) throws -> T) throws -> [T] {
        var out: [T] = []
        while try step() { out.append(try transform(self)) }
        sqlite3_reset(statement)
        return out
    }
}

@available(*, unavailable)
extension Statement: Sendable {}

@available(*, unavailable)
extension Database: Sendable {}

enum SQLValue {
    case null
    case integer(Int64)
    case text(String)

    static func optional(_ s: String?) -> SQLValue { s.map { .text($0) } ?? .null }
}

/// A text kept in memory of its own for as long as it is referenced, so statements can bind it without a copy:
/// days, currency codes and kinds, which every entry repeats.
final class InternedText {
    let bytes: UnsafeBufferPointer<UInt8>

    init(_ string: String) {
        let utf8 = Array(string.utf8)
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, utf8.count))
        _ = storage.initialize(from: utf8)
        bytes = UnsafeBufferPointer(start: storage.baseAddress, count: utf8.count)
    }

    deinit { bytes.deallocate() }
}
