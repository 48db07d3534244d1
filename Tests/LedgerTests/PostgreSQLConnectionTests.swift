import Foundation
@testable import Ledger
import TestSupport
import Testing

/// The libpq connection: values travel as text and come back byte for byte, COPY escapes what needs escaping, a
/// failure carries the SQLSTATE, a transaction that throws leaves nothing, and a lost connection says so.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLConnectionTests {
    private func connect() throws -> (PostgreSQLConnection, String) {
        let url = try #require(PostgreSQLTestServer.isolatedURL())
        let schema = try #require(PostgreSQLTestServer.schema(of: url))
        let connection = try PostgreSQLConnection(conninfo: url)
        try connection.execute("CREATE SCHEMA \(schema)")
        try connection.execute("SET search_path = \(schema)")
        return (connection, schema)
    }

    private let awkward = ["plain", "tab\there", "new\nline", "back\\slash", "cr\rhere", "é ü 漢字", "", "\\N", "trailing\\"]

    @Test func parametersAndRowsRoundTrip() throws {
        let (db, _) = try connect()
        try db.execute("CREATE TABLE t (k text PRIMARY KEY, v text, n bigint)")
        for (i, text) in awkward.enumerated() {
            try db.run("INSERT INTO t VALUES ($1, $2, $3)", ["k\(i)", text, String(Int64.min + Int64(i))])
        }
        try db.run("INSERT INTO t VALUES ($1, $2, $3)", ["null", nil, nil])
        let rows = try db.query("SELECT k, v, n FROM t ORDER BY k COLLATE \"C\"")
        #expect(rows.count == awkward.count + 1)
        for row in 0..<rows.count {
            let key = rows.text(row, 0)
            if key == "null" {
                #expect(rows.isNull(row, 1) && rows.optionalText(row, 1) == nil && rows.int(row, 2) == 0)
            } else {
                let i = try #require(Int(key.dropFirst()))
                #expect(rows.text(row, 1) == awkward[i])
                #expect(rows.int(row, 2) == Int64.min + Int64(i))
            }
        }
        #expect(try db.run("UPDATE t SET n = 1 WHERE k LIKE 'k%'") == awkward.count)
    }

    /// A list sent as one array parameter comes back element for element, quotes, backslashes and all.
    @Test func anArrayParameterCarriesEveryText() throws {
        let (db, _) = try connect()
        let values = awkward + ["quote\"d", "\"", "a,b", "{braces}", "NULL", " spaced "]
        let rows = try db.query("SELECT v, n FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n", [PostgreSQLArray.literal(values)])
        #expect((0..<rows.count).map { rows.text($0, 0) } == values)
        #expect(try db.query("SELECT cardinality($1::text[])", [PostgreSQLArray.literal([String]())]).int(0, 0) == 0)
    }

    @Test func copyWritesWhatItIsGiven() throws {
        let (db, _) = try connect()
        try db.execute("CREATE TABLE t (i bigint PRIMARY KEY, v text, w text, n bigint)")
        let numbers: [Int64] = [0, 7, -7, 10, -10, 1_000_000_007, Int64.max, Int64.min, Int64.min + 1, 99, -100]
        var copy = CopyText()
        for (i, text) in awkward.enumerated() {
            copy.add(Int64(i))
            copy.add(text)
            copy.add(i.isMultiple(of: 2) ? nil : text + "\t2")
            copy.add(numbers[i % numbers.count])
            copy.endRow()
        }
        try db.copyIn("t (i, v, w, n)", data: copy.bytes)
        let rows = try db.query("SELECT i, v, w, n FROM t ORDER BY i")
        #expect(rows.count == awkward.count && copy.rows == awkward.count)
        for row in 0..<rows.count {
            #expect(rows.text(row, 1) == awkward[row])
            #expect(rows.optionalText(row, 2) == (row.isMultiple(of: 2) ? nil : awkward[row] + "\t2"))
            #expect(rows.int(row, 3) == numbers[row % numbers.count])
        }
        // Each number as its decimal text, byte for byte.
        for n in numbers {
            var one = CopyText()
            one.add(n)
            #expect(one.bytes == Array(String(n).utf8))
        }
    }

    @Test func aFailureCarriesItsStateAndATransactionThatThrowsLeavesNothing() throws {
        let (db, _) = try connect()
        try db.execute("CREATE TABLE t (k text PRIMARY KEY)")
        try db.run("INSERT INTO t VALUES ($1)", ["a"])
        do {
            try db.run("INSERT INTO t VALUES ($1)", ["a"])
            Issue.record("a duplicate key was taken")
        } catch {
            #expect(error.isUniqueViolation && !error.connectionLost)
            #expect(error.description.contains("23505"))
        }
        #expect(throws: PostgreSQLError.self) {
            try db.transaction {
                try db.run("INSERT INTO t VALUES ($1)", ["b"])
                try db.run("INSERT INTO t VALUES ($1)", ["a"])
            }
        }
        #expect(try db.query("SELECT count(*) FROM t").int(0, 0) == 1)
        // A bad COPY row fails the COPY and leaves the connection usable.
        #expect(throws: PostgreSQLError.self) { try db.copyIn("t (k)", data: Array("a\n".utf8)) }
        #expect(try db.query("SELECT count(*) FROM t").int(0, 0) == 1)
    }

    /// COPYs sent ahead run in the order sent, before any statement that follows; a failure among them is thrown by
    /// the connection's next use (what was sent after it not run), a COPY it left open is given up, and the connection
    /// goes on after a ROLLBACK.
    @Test func copiesSentAheadRunInOrderAndTheirFailureIsThrownByTheNextStatement() throws {
        let (db, _) = try connect()
        try db.execute("CREATE TABLE t (i bigint PRIMARY KEY, v text)")
        func rows(_ range: Range<Int>, _ tag: String) -> [UInt8] {
            var copy = CopyText()
            for i in range { copy.add(Int64(i)); copy.add(tag); copy.endRow() }
            return copy.bytes
        }
        try db.execute("BEGIN")
        for part in 0..<6 { db.copyInAhead("t (i, v)", data: rows(part * 1000..<(part + 1) * 1000, "part \(part)")) }
        // Streamed: begun, sent in pieces, ended, each ahead.
        db.beginCopyAhead("t (i, v)")
        for piece in 0..<3 { db.sendCopyAhead(rows(6000 + piece * 10..<6000 + (piece + 1) * 10, "streamed")) }
        db.endCopyAhead()
        let written = try db.query("SELECT count(*), count(DISTINCT v), min(i), max(i) FROM t")
        #expect(written.int(0, 0) == 6030 && written.int(0, 1) == 7 && written.int(0, 2) == 0 && written.int(0, 3) == 6029)
        try db.execute("COMMIT")

        // A duplicate key fails the second COPY: the third is not run, the next statement throws the failure.
        try db.execute("BEGIN")
        db.copyInAhead("t (i, v)", data: rows(10_000..<10_010, "new"))
        db.copyInAhead("t (i, v)", data: rows(0..<10, "again"))
        db.copyInAhead("t (i, v)", data: rows(20_000..<20_010, "after"))
        do {
            _ = try db.query("SELECT count(*) FROM t")
            Issue.record("the failed COPY sent ahead was not reported")
        } catch {
            #expect(error.isUniqueViolation && !error.connectionLost)
        }
        try db.execute("ROLLBACK")
        #expect(try db.query("SELECT count(*) FROM t").int(0, 0) == 6030)

        // Waiting for what was sent ahead (isAlive, a COPY given up) does not swallow its failure: the next statement
        // throws it, or a caller already failing takes it.
        try db.execute("BEGIN")
        db.copyInAhead("t (i, v)", data: rows(0..<10, "again"))
        #expect(db.isAlive)
        #expect(throws: PostgreSQLError.self) { try db.execute("SELECT 1") }
        try db.execute("ROLLBACK")
        try db.execute("BEGIN")
        db.copyInAhead("t (i, v)", data: rows(0..<10, "again"))
        db.abandonCopy("nothing open: only waits")
        #expect(db.discardAhead()?.isUniqueViolation == true)
        #expect(db.discardAhead() == nil)
        try db.execute("ROLLBACK")

        // A streamed COPY whose rows fail mid-way is given up; the connection is usable after.
        try db.execute("BEGIN")
        db.beginCopyAhead("t (i, v)")
        db.sendCopyAhead(Array("not a number\tx\n".utf8))
        db.sendCopyAhead(rows(30_000..<30_010, "late"))
        db.abandonCopy("given up by the test")
        try db.execute("ROLLBACK")
        #expect(try db.query("SELECT count(*) FROM t WHERE i >= 10000").int(0, 0) == 0)
        #expect(db.isAlive)
    }

    @Test func aLostConnectionSaysSo() throws {
        let (db, _) = try connect()
        let (other, _) = try connect()
        try other.run("SELECT pg_terminate_backend($1::int)", [String(db.backendPID)])
        do {
            try db.query("SELECT 1")
            Issue.record("a terminated connection answered")
        } catch {
            #expect(error.connectionLost)
        }
        #expect(!db.isAlive)
        #expect(throws: PostgreSQLError.self) { try PostgreSQLConnection(conninfo: "postgresql:///nowhere?host=/nonexistent-socket-folder") }
    }
}
