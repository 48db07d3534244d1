internal import CPostgreSQL
import Foundation

/// A PostgreSQL failure: the server's SQLSTATE (empty when the failure is the connection's own), its message and the
/// SQL — never the bound values, and never the connection string (it is printed only redacted, by the caller).
public struct PostgreSQLError: Error, Sendable, CustomStringConvertible {
    public let sqlState: String
    public let message: String
    public let sql: String?
    /// The connection is gone (server stopped or restarted, network lost): nothing more can be done on it.
    public let connectionLost: Bool

    public var description: String {
        var text = "PostgreSQL error" + (sqlState.isEmpty ? "" : " \(sqlState)") + ": \(message)"
        if let sql { text += " (in: \(sql.prefix(200)))" }
        return text
    }

    /// A unique or primary key already holds the row (23505).
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// The role may not do this (42501): a privilege, or a row-level security policy.
    public var isPermissionDenied: Bool { sqlState == "42501" }
}

/// One PostgreSQL connection through libpq. Not Sendable: it belongs to one actor or one thread. Values travel as text
/// both ways (PostgreSQL's text format), so what settle reads back is byte for byte what it wrote.
final class PostgreSQLConnection {
    private let handle: OpaquePointer
    private var prepared: [String: String] = [:]
    /// The statement of the COPY under way (`copyIn`, `beginCopyAhead`), for its errors.
    private var copying = ""
    /// COPYs sent ahead (`copyInAhead`, `beginCopyAhead`...) run in order on this queue while the caller goes on making
    /// the next rows; any other use of the connection first waits for them (`catchUp`), so the connection is only ever
    /// used by one thread at a time. At most `aheadLimit` wait or run at once: a caller with more waits for room.
    private let sender = DispatchQueue(label: "settle.postgresql.sender")
    private static let aheadLimit = 2
    private let room = DispatchSemaphore(value: PostgreSQLConnection.aheadLimit)
    /// Whether anything was sent ahead since the last `catchUp` (the caller's thread only).
    private var sentAhead = false
    /// The first failure of what was sent ahead (written on `sender`, read after waiting for it); what follows it is
    /// not run.
    private var aheadFailure: PostgreSQLError?

    /// Connects with a libpq connection string or URL. `conninfo` is never put in an error: it is the caller's to print
    /// redacted.
    init(conninfo: String) throws(PostgreSQLError) {
        guard let connection = PQconnectdb(conninfo) else {
            throw PostgreSQLError(sqlState: "", message: "libpq could not allocate a connection", sql: nil, connectionLost: true)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = PostgreSQLConnection.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgreSQLError(sqlState: "", message: message, sql: nil, connectionLost: true)
        }
        handle = connection
        // Notices (a NOTICE from CREATE ... IF NOT EXISTS, say) are not errors; libpq would print them on stderr.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        // Text compares and sorts byte-wise whatever the database's collation, as on SQLite; dates are ISO.
        try execute("SET client_encoding = 'UTF8'; SET DateStyle = 'ISO'; SET client_min_messages = 'warning'")
    }

    deinit { PQfinish(handle) }

    /// Whether the connection is still up (false after the server went away).
    var isAlive: Bool {
        waitForAhead()
        return PQstatus(handle) == CONNECTION_OK
    }

    /// The server's process id for this connection (what `pg_stat_activity` and `pg_locks` show).
    var backendPID: Int32 { PQbackendPID(handle) }

    private static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown error" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func failure(_ result: OpaquePointer?, sql: String?) -> PostgreSQLError {
        var state = "", message = PostgreSQLConnection.trimmed(PQerrorMessage(handle))
        if let result {
            if let code = PQresultErrorField(result, Int32(UInt8(ascii: "C"))) { state = String(cString: code) }
            if let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))) { message = String(cString: primary) }
        }
        // Lost: libpq says the connection is bad, or the failure is libpq's own (no SQLSTATE: a server that closed the
        // connection may leave the status good until the next read), a connection exception (08), the server going
        // down (57P01-57P04) or a session ended for idling (57P05, 25P03).
        let lost = PQstatus(handle) != CONNECTION_OK || state.isEmpty || state.hasPrefix("08")
            || ["57P01", "57P02", "57P03", "57P04", "57P05", "25P03"].contains(state)
        return PostgreSQLError(sqlState: state, message: message, sql: sql, connectionLost: lost)
    }

    /// Checks a result, clearing it unless it holds rows the caller reads.
    private func checked(_ result: OpaquePointer?, sql: String, keep: Bool) throws(PostgreSQLError) -> OpaquePointer? {
        let status = result.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN else {
            let error = failure(result, sql: sql)
            PQclear(result)
            throw error
        }
        if keep { return result }
        PQclear(result)
        return nil
    }

    /// Runs one or more statements that take no parameters (their results, if any, dropped).
    func execute(_ sql: String) throws(PostgreSQLError) {
        try catchUp()
        _ = try checked(PQexec(handle, sql), sql: sql, keep: false)
    }

    /// Runs one statement with parameters (`$1`, `$2`, ... as text; nil is NULL) and returns its rows. A statement
    /// run more than once is prepared once on this connection and run by name after.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) throws(PostgreSQLError) -> PostgreSQLRows {
        try catchUp()
        let name: String
        if let known = prepared[sql] {
            name = known
        } else {
            name = "s\(prepared.count + 1)"
            _ = try checked(PQprepare(handle, name, sql, Int32(parameters.count), nil), sql: sql, keep: false)
            prepared[sql] = name
        }
        let result = try PostgreSQLConnection.withCStrings(parameters) { (values) throws(PostgreSQLError) -> OpaquePointer? in
            try checked(PQexecPrepared(handle, name, Int32(values.count), values, nil, nil, 0), sql: sql, keep: true)
        }
        guard let result else { throw PostgreSQLError(sqlState: "", message: "no result", sql: sql, connectionLost: PQstatus(handle) != CONNECTION_OK) }
        return PostgreSQLRows(result)
    }

    /// Runs a statement with parameters that returns no rows; the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ parameters: [String?] = []) throws(PostgreSQLError) -> Int {
        try query(sql, parameters).changed
    }

    /// `body` with the parameters as C strings (NULL for nil), alive for the call only.
    private static func withCStrings<R>(_ values: [String?], _ body: ([UnsafePointer<CChar>?]) throws(PostgreSQLError) -> R)
        throws(PostgreSQLError) -> R {
        let copies: [UnsafeMutablePointer<CChar>?] = values.map { $0.map { strdup($0) } ?? nil }
        defer { for copy in copies { free(copy) } }
        return try body(copies.map { $0.map { UnsafePointer($0) } })
    }

    /// Copies rows into a table with `COPY ... FROM STDIN` (text format): `copy` names the table and columns,
    /// `data` is the rows as `CopyText` writes them. The rows count toward the open transaction like INSERTs.
    func copyIn(_ copy: String, data: [UInt8]) throws(PostgreSQLError) {
        try catchUp()
        try rawCopyIn(copy, data: data)
    }

    /// Gives up the open COPY, begun here or ahead (its rows are not written; the transaction it is in has failed and
    /// must roll back). A failure of what was sent ahead stays to be thrown (`catchUp`) or taken (`discardAhead`).
    func abandonCopy(_ reason: String) {
        waitForAhead()
        guard !copying.isEmpty else { return }
        copying = ""
        guard PQputCopyEnd(handle, reason) == 1 else { return }
        while let result = PQgetResult(handle) { PQclear(result) }
    }

    // MARK: Sent ahead

    /// `copyIn`, run on the sender queue while the caller goes on; its failure is thrown by the connection's next use.
    func copyInAhead(_ copy: String, data: [UInt8]) { ahead { c throws(PostgreSQLError) in try c.rawCopyIn(copy, data: data) } }

    /// A COPY whose rows are sent as they are made, sent ahead: opened, its rows sent (a megabyte at a time), then ended
    /// (the server's verdict) or given up (`abandonCopy`), each in order after what was sent ahead before it. No other
    /// statement runs on the connection meanwhile.
    func beginCopyAhead(_ copy: String) { ahead { c throws(PostgreSQLError) in try c.rawBeginCopy(copy) } }
    func sendCopyAhead(_ data: [UInt8]) { ahead { c throws(PostgreSQLError) in try c.rawSendCopy(data) } }
    func endCopyAhead() { ahead { c throws(PostgreSQLError) in try c.rawEndCopy() } }

    /// Waits for everything sent ahead; throws the first failure among it (a COPY it left open given up).
    func catchUp() throws(PostgreSQLError) {
        if let failure = discardAhead() { throw failure }
    }

    /// Waits for everything sent ahead and gives back its first failure, if any, instead of throwing it (a COPY it left
    /// open given up): for a caller already failing, which rolls back and reports the first of the two.
    func discardAhead() -> PostgreSQLError? {
        guard sentAhead else { return nil }
        sender.sync {}
        sentAhead = false
        guard let failure = aheadFailure else { return nil }
        aheadFailure = nil
        abandonCopy("settle stopped the day: \(failure.message)")
        return failure
    }

    /// Waits for everything sent ahead, leaving a failure among it for the next `catchUp` to throw.
    private func waitForAhead() {
        guard sentAhead else { return }
        sender.sync {}
        if aheadFailure == nil { sentAhead = false }
    }

    private func ahead(_ work: @escaping (PostgreSQLConnection) throws(PostgreSQLError) -> Void) {
        room.wait()
        sentAhead = true
        // The connection goes to the sender's thread and back: no two threads use it at once (see `sender`).
        nonisolated(unsafe) let connection = self
        nonisolated(unsafe) let work = work
        sender.async {
            defer { connection.room.signal() }
            guard connection.aheadFailure == nil else { return }
            do throws(PostgreSQLError) { try work(connection) } catch { connection.aheadFailure = error }
        }
    }

    // MARK: COPY, on whichever thread uses the connection

    private func rawCopyIn(_ copy: String, data: [UInt8]) throws(PostgreSQLError) {
        try rawBeginCopy(copy)
        try rawSendCopy(data)
        try rawEndCopy()
    }

    private func rawBeginCopy(_ copy: String) throws(PostgreSQLError) {
        let sql = "COPY \(copy) FROM STDIN"
        _ = try checked(PQexec(handle, sql), sql: sql, keep: false)
        copying = sql
    }

    private func rawSendCopy(_ data: [UInt8]) throws(PostgreSQLError) {
        var offset = 0
        let chunk = 1 << 20
        var failedToSend = false
        data.withUnsafeBytes { raw in
            while offset < raw.count {
                let count = min(chunk, raw.count - offset)
                let base = raw.baseAddress.map { $0.advanced(by: offset).assumingMemoryBound(to: CChar.self) }
                if PQputCopyData(handle, base, Int32(count)) != 1 { failedToSend = true; return }
                offset += count
            }
        }
        if failedToSend {
            throw PostgreSQLError(sqlState: "", message: PostgreSQLConnection.trimmed(PQerrorMessage(handle)), sql: copying,
                                  connectionLost: PQstatus(handle) != CONNECTION_OK)
        }
    }

    private func rawEndCopy() throws(PostgreSQLError) {
        let sql = copying
        copying = ""
        if PQputCopyEnd(handle, nil) != 1 {
            throw PostgreSQLError(sqlState: "", message: PostgreSQLConnection.trimmed(PQerrorMessage(handle)), sql: sql,
                                  connectionLost: PQstatus(handle) != CONNECTION_OK)
        }
        // The COPY's own result, then the end of results.
        var failure: PostgreSQLError?
        while let result = PQgetResult(handle) {
            if failure == nil, PQresultStatus(result) != PGRES_COMMAND_OK { failure = self.failure(result, sql: sql) }
            PQclear(result)
        }
        if let failure { throw failure }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if isAlive { try? execute("ROLLBACK") }
            throw error
        }
    }
}

@available(*, unavailable)
extension PostgreSQLConnection: Sendable {}

/// The rows of one statement, in PostgreSQL's text format.
final class PostgreSQLRows {
    private let result: OpaquePointer
    let count: Int
    let columns: Int

    init(_ result: OpaquePointer) {
        self.result = result
        count = Int(PQntuples(result))
        columns = Int(PQnfields(result))
    }

    deinit { PQclear(result) }

    /// How many rows an INSERT, UPDATE or DELETE changed (0 for others).
    var changed: Int {
        guard let text = PQcmdTuples(result) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(result, Int32(row), Int32(column)) == 1 }

    /// A column's text ("" for NULL).
    func text(_ row: Int, _ column: Int) -> String {
        guard let value = PQgetvalue(result, Int32(row), Int32(column)) else { return "" }
        return String(cString: value)
    }

    func optionalText(_ row: Int, _ column: Int) -> String? { isNull(row, column) ? nil : text(row, column) }

    /// A column as an integer (0 for NULL or a value that is not one).
    func int(_ row: Int, _ column: Int) -> Int64 {
        guard let value = PQgetvalue(result, Int32(row), Int32(column)) else { return 0 }
        var n: Int64 = 0, negative = false, p = value
        if p.pointee == 45 { negative = true; p += 1 }
        while p.pointee >= 48 && p.pointee <= 57 {
            n = n &* 10 &+ Int64(p.pointee - 48)
            p += 1
        }
        return negative ? 0 &- n : n
    }

    func bool(_ row: Int, _ column: Int) -> Bool { text(row, column) == "t" }
}

@available(*, unavailable)
extension PostgreSQLRows: Sendable {}

/// Rows for `COPY ... FROM STDIN` in PostgreSQL's text format: fields separated by tabs, rows ended by newlines,
/// NULL as `\N`, and a backslash, tab, newline or carriage return inside a field escaped.
struct CopyText {
    private(set) var bytes: [UInt8] = []
    private var fieldsInRow = 0
    private(set) var rows = 0

    init(reservingCapacity capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Lets go of the rows made so far (sent: `sendCopyAhead`, whose sender holds them until they are sent), keeping
    /// their count; the next rows get a buffer of their own, as large.
    mutating func clearBytes() { bytes.removeAll(keepingCapacity: true) }

    private mutating func separate() {
        if fieldsInRow > 0 { bytes.append(9) }
        fieldsInRow += 1
    }

    mutating func add(_ text: String) {
        separate()
        var text = text
        text.withUTF8 { raw in
            // Most values need no escape: copied whole.
            guard raw.contains(where: { $0 == 92 || $0 == 9 || $0 == 10 || $0 == 13 }) else {
                bytes.append(contentsOf: raw)
                return
            }
            for byte in raw {
                switch byte {
                case 92: bytes.append(92); bytes.append(92)
                case 9: bytes.append(92); bytes.append(UInt8(ascii: "t"))
                case 10: bytes.append(92); bytes.append(UInt8(ascii: "n"))
                case 13: bytes.append(92); bytes.append(UInt8(ascii: "r"))
                default: bytes.append(byte)
                }
            }
        }
    }

    mutating func add(_ text: String?) {
        guard let text else { return addNull() }
        add(text)
    }

    mutating func add(_ value: Int64) {
        separate()
        // The digits written from the end of a small buffer (no String made for each number).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = value.magnitude, start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    mutating func addNull() {
        separate()
        bytes.append(92)
        bytes.append(UInt8(ascii: "N"))
    }

    mutating func endRow() {
        bytes.append(10)
        fieldsInRow = 0
        rows += 1
    }
}
