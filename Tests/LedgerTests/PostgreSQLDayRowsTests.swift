import Accounting
import Core
import Foundation
@testable import Ledger
import Matching
import TestSupport
import Testing

/// The day's ACH entries on PostgreSQL. Rows whose keys the ledger does not hold go straight into `ach_entries`; a key
/// an earlier day recorded, or the day wrote before, is replaced at the day's end. The customers that follow their rows
/// (found by cash application while the rows were written) are kept by the rows' places in `ach_entry_customers`,
/// whichever way the rows went in; a row replaced takes its customer with it.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLACHEntryTests {
    typealias T = ACHEntryCustomerTests
    static let day = T.day
    static let nextDay = day.adding(days: 1)

    private func ledger() throws -> (PostgreSQLLedgerStore, PostgreSQLConnection) {
        let url = try #require(PostgreSQLTestServer.isolatedURL("ach"))
        guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerError("not a URL") }
        let store = try PostgreSQLLedgerStore(address: address, entity: "acme-us")
        return (store, try PostgreSQLConnection(conninfo: address.conninfo))
    }

    static func row(_ trace: String, customer: String? = nil, day: Day = PostgreSQLACHEntryTests.day) -> ACHEntryRow {
        var row = T.row(trace)
        row.customerID = customer
        row.day = day
        return row
    }

    /// Each entry's customer (its own, else the one kept for its place) and the day that recorded it, by trace.
    private func entries(_ db: PostgreSQLConnection) throws -> [String: String] {
        let rows = try db.query("SELECT trace, COALESCE(\(PostgreSQLRowMapping.achEntryCustomer), '-'), day FROM ach_entries WHERE entity = 'acme-us'")
        return Dictionary(uniqueKeysWithValues: (0..<rows.count).map { (rows.text($0, 0), rows.text($0, 1) + " " + rows.text($0, 2)) })
    }

    /// How many customers are kept by place, and how many of them no row's place names.
    private func keptCustomers(_ db: PostgreSQLConnection) throws -> (kept: Int64, stray: Int64) {
        let rows = try db.query("""
            SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM ach_entries a WHERE a.entity = c.entity AND a.day = c.day AND a.day_seq = c.day_seq))
            FROM ach_entry_customers c WHERE c.entity = 'acme-us'
            """)
        return (rows.int(0, 0), rows.int(0, 1))
    }

    /// A day of `batches` of rows, then `customers` in batches of one (the last said to be the last, with `last`).
    private func runDay(_ store: PostgreSQLLedgerStore, run: Int64, day: Day = PostgreSQLACHEntryTests.day, _ batches: [[ACHEntryRow]],
                        customers: [(trace: String, customer: String)] = [], last: Bool = false) async throws {
        try await store.beginDay(runID: run, day: day)
        for rows in batches {
            var batch = DayEffects()
            batch.achEntries = rows
            try await store.post(batch)
        }
        for (i, c) in customers.enumerated() {
            var found = DayEffects()
            found.achCustomers = [T.found(c.trace, c.customer)]
            found.lastACHCustomers = last && i == customers.count - 1
            try await store.post(found)
        }
        _ = try await store.finishDay(DayCommit(runID: run, day: day))
    }

    @Test func rowsWithTheirCustomersGoStraightInAndAKeyRecordedBeforeIsReplaced() async throws {
        let (store, db) = try ledger()
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.nextDay, startedAt: "t")
        try await runDay(store, run: run, [[Self.row("1", customer: "C1"), Self.row("2")]])
        // New keys with their customers: nothing staged, nothing moved at the day's end.
        #expect(await store.achStaged == false)
        #expect(try entries(db) == ["1": "C1 \(Self.day)", "2": "- \(Self.day)"])
        // The next day records entry 2 again (a file sent again under a new header, say) and entry 5 twice: the last of
        // each stands, once.
        try await runDay(store, run: run, day: Self.nextDay, [[Self.row("2", customer: "C2", day: Self.nextDay), Self.row("5", customer: "C5", day: Self.nextDay)],
                                                              [Self.row("5", customer: "C6", day: Self.nextDay)]])
        #expect(try entries(db) == ["1": "C1 \(Self.day)", "2": "C2 \(Self.nextDay)", "5": "C6 \(Self.nextDay)"])
        // A rerun of the first day: its own rows replaced (entry 2 is the next day's and stays so), in one transaction.
        try await runDay(store, run: run, [[Self.row("1"), Self.row("3", customer: "C3")]])
        #expect(try entries(db) == ["1": "- \(Self.day)", "2": "C2 \(Self.nextDay)", "3": "C3 \(Self.day)", "5": "C6 \(Self.nextDay)"])
    }

    /// A batch that names a key twice: its last row stands, whether the key is new or the ledger holds it.
    @Test func aKeyTwiceInABatchIsWrittenOnceAsItsLastRow() async throws {
        let (store, db) = try ledger()
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.nextDay, startedAt: "t")
        try await runDay(store, run: run, [[Self.row("1", customer: "C1"), Self.row("2"), Self.row("1", customer: "C2"), Self.row("1")]])
        #expect(try entries(db) == ["1": "- \(Self.day)", "2": "- \(Self.day)"])
        try await runDay(store, run: run, day: Self.nextDay, [[Self.row("2", customer: "C3", day: Self.nextDay), Self.row("2", customer: "C4", day: Self.nextDay)]])
        #expect(await store.dayStagedACH)
        #expect(try entries(db) == ["1": "- \(Self.day)", "2": "C4 \(Self.nextDay)"])
    }

    @Test func customersThatFollowTheRowsAreGivenToThemWhicheverWayTheyWentIn() async throws {
        let (store, db) = try ledger()
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        try await runDay(store, run: run, [[Self.row("1"), Self.row("2"), Self.row("3"), Self.row("4", customer: "OWN")]],
                         customers: [("3", "C3"), ("1", "C1"), ("4", "C4"), ("3", "C8")])
        #expect(try entries(db) == ["1": "C1 \(Self.day)", "2": "- \(Self.day)", "3": "C8 \(Self.day)", "4": "OWN \(Self.day)"])
        #expect(try keptCustomers(db) == (3, 0))
        // A rerun of the day (every key held: the rows staged and moved) with other customers and one row fewer.
        try await runDay(store, run: run, [[Self.row("1"), Self.row("2")]], customers: [("2", "C2")], last: true)
        #expect(try entries(db) == ["1": "- \(Self.day)", "2": "C2 \(Self.day)"])
        #expect(try keptCustomers(db) == (1, 0))
        // Rows staged and rows written straight in, in one day, with customers after both.
        try await runDay(store, run: run, [[Self.row("2"), Self.row("7")]], customers: [("7", "C7"), ("2", "C9")])
        #expect(try entries(db) == ["2": "C9 \(Self.day)", "7": "C7 \(Self.day)"])
        #expect(try keptCustomers(db) == (2, 0))
        // A customer for an entry the day did not write is refused, and the day rolls back.
        await #expect(throws: LedgerError.self) { try await runDay(store, run: run, [[Self.row("7")]], customers: [("7", "C1"), ("2", "C2")]) }
        #expect(try entries(db) == ["2": "C9 \(Self.day)", "7": "C7 \(Self.day)"])
        #expect(try keptCustomers(db) == (2, 0))
    }

    /// A row replaced, by a later day's or by the same day's next row of its key: the customer goes to the row that
    /// stands, the one kept for the row replaced goes with it, and a return finds the standing row's customer.
    @Test func aReplacedRowsCustomerGoesWithIt() async throws {
        let (store, db) = try ledger()
        let next = Self.nextDay
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: next, startedAt: "t")
        try await runDay(store, run: run, [[Self.row("1"), Self.row("2")]], customers: [("1", "C1"), ("2", "C2")], last: true)
        #expect(try keptCustomers(db) == (2, 0))
        // The next day records entry 2 again (its effective day the first's: the same key), and entry 3 in two batches: the
        // first row of 3 went straight in, the second replaces it.
        var two = Self.row("2", day: next)
        two.receiverName = "AGAIN"
        try await runDay(store, run: run, day: next, [[two, Self.row("3", day: next)], [Self.row("3", day: next)]],
                         customers: [("3", "C3"), ("2", "C5")])
        #expect(try entries(db) == ["1": "C1 \(Self.day)", "2": "C5 \(next)", "3": "C3 \(next)"])
        #expect(try keptCustomers(db) == (3, 0))
        #expect(try db.query("SELECT count(*) FROM ach_entries WHERE entity = 'acme-us'").int(0, 0) == 3)
        let reader = try PostgreSQLLedgerReader(address: store.address, entity: "acme-us")
        func customer(_ trace: String) throws -> String?? {
            try reader.originalEntry(trace: trace, rdfi: "02100002", amountMinorUnits: 1_000, role: "received", notAfter: next, windowDays: 120).map(\.customerID)
        }
        #expect(try customer("1") == .some("C1"))
        #expect(try customer("2") == .some("C5"))
        #expect(try customer("3") == .some("C3"))
    }
}

/// A first day of an entity (its tables empty when the day began) looks up none of its keys: every one is new. Another
/// entity's rows in the same tables change nothing of that, and the next day looks up what the first wrote.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLFirstDayTests {
    typealias L = LedgerStoreTests
    static let day = L.day

    @Test func aFirstDayLooksNothingUpAndTheNextFindsWhatItWrote() async throws {
        let url = try #require(PostgreSQLTestServer.isolatedURL("first"))
        guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerError("not a URL") }
        let other = try PostgreSQLLedgerStore(address: address, entity: "acme-ca")
        let otherRun = try await other.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        _ = try await other.commit(DayCommit(runID: otherRun, day: Self.day, invoices: [L.invoice("I1", 100)], entries: [L.opening("I1", 100)]))

        let store = try PostgreSQLLedgerStore(address: address, entity: "acme-us")
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day.adding(days: 1), startedAt: "t")
        var first = DayCommit(runID: run, day: Self.day, invoices: [L.invoice("I1", 100), L.invoice("I2", 50)], entries: [L.opening("I1", 100), L.opening("I2", 50)])
        first.achEntries = [PostgreSQLACHEntryTests.row("1", customer: "C1")]
        let opened = try await store.commit(first)
        #expect(opened.newInvoiceCount == 2)
        #expect(await store.hasLookedUp == false)

        // The next day: I1 and its opening are known (an unchanged opening posts nothing), I3 is new, entry 1 is replaced.
        let next = Self.day.adding(days: 1)
        var second = DayCommit(runID: run, day: next, invoices: [L.invoice("I1", 100), L.invoice("I3", 70)], entries: [L.opening("I1", 100), L.opening("I3", 70)])
        second.achEntries = [PostgreSQLACHEntryTests.row("1", customer: "C2", day: next)]
        let outcome = try await store.commit(second)
        #expect(await store.hasLookedUp)
        #expect(outcome.newInvoiceCount == 1)
        #expect(outcome.posted.map(\.sourceKey) == [L.opening("I3", 70).sourceKey])
        let db = try PostgreSQLConnection(conninfo: address.conninfo)
        let rows = try db.query("SELECT customer_id, day FROM ach_entries WHERE entity = 'acme-us'")
        #expect(rows.count == 1 && rows.text(0, 0) == "C2" && rows.text(0, 1) == next.description)
        #expect(try db.query("SELECT count(*) FROM invoices WHERE entity = 'acme-us'").int(0, 0) == 3)
        // The first day's customer went straight in. A later run, whose writer knows no customer, finds it there and adds
        // the new one beside it.
        try await store.finishRun(run, status: "finished")
        let later = try PostgreSQLLedgerStore(address: address, entity: "acme-us")
        let last = next.adding(days: 1)
        let laterRun = try await later.beginRun(manifest: "m", firstDay: last, lastDay: last, startedAt: "t")
        _ = try await later.commit(DayCommit(runID: laterRun, day: last, invoices: [
            LedgerInvoice(invoiceID: "I4", customerID: "C9", issueDay: last, dueDay: last.adding(days: 30), amount: L.m(10), openAmount: L.m(10), terms: "NET30",
                          poNumber: ""),
            LedgerInvoice(invoiceID: "I5", customerID: "C1", issueDay: last, dueDay: last.adding(days: 30), amount: L.m(20), openAmount: L.m(20), terms: "NET30",
                          poNumber: ""),
        ]))
        let customers = try db.query("SELECT customer_id FROM customers WHERE entity = 'acme-us' ORDER BY 1")
        #expect((0..<customers.count).map { customers.text($0, 0) } == ["C1", "C9"])
    }
}

/// Exceptions on PostgreSQL: a new one goes straight in, the last of a batch standing; one the day or an earlier run
/// raised is raised again (its message and run), and one settle resolved because its cause had gone opens again.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLExceptionTests {
    static let day = LedgerStoreTests.day

    static func raised(_ id: String, _ message: String) -> ExceptionRow {
        ExceptionRow(exceptionID: id, day: day, type: "AMBIGUOUS", severity: "review", receiptID: "R-\(id)", source: "nacha", sourceRef: "1",
                     location: "f:1", customerID: "C1", amount: Money(minorUnits: 100, currency: .usd), invoiceIDs: [], message: message, suggestions: "")
    }

    /// Each exception: message, first and last run, status and resolution.
    private func exceptions(_ db: PostgreSQLConnection) throws -> [String: String] {
        let rows = try db.query("SELECT exception_id, message, first_run_id, last_run_id, status, resolution FROM exceptions WHERE entity = 'acme-us'")
        return Dictionary(uniqueKeysWithValues: (0..<rows.count).map { r in (rows.text(r, 0), (1..<6).map { rows.text(r, $0) }.joined(separator: " ")) })
    }

    private func runDay(_ store: PostgreSQLLedgerStore, _ batches: [[ExceptionRow]]) async throws -> Int64 {
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        try await store.beginDay(runID: run, day: Self.day)
        for rows in batches.dropLast() {
            var batch = DayEffects()
            batch.exceptions = rows
            try await store.post(batch)
        }
        _ = try await store.finishDay(DayCommit(runID: run, day: Self.day, exceptions: batches.last ?? []), dryRun: false)
        return run
    }

    @Test func newOnesGoInOnceAndOnesRaisedBeforeAreRaisedAgain() async throws {
        let url = try #require(PostgreSQLTestServer.isolatedURL("raised"))
        guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerError("not a URL") }
        let store = try PostgreSQLLedgerStore(address: address, entity: "acme-us")
        let db = try PostgreSQLConnection(conninfo: address.conninfo)
        let first = try await runDay(store, [[Self.raised("X1", "a"), Self.raised("X2", "b"), Self.raised("X1", "c")], [Self.raised("X2", "d")]])
        #expect(try exceptions(db) == ["X1": "c \(first) \(first) open ", "X2": "d \(first) \(first) open "])
        // A rerun of the day raises X1 again and not X2, whose cause is gone: settle resolves it.
        let second = try await runDay(store, [[Self.raised("X1", "e")]])
        #expect(try exceptions(db) == ["X1": "e \(first) \(second) open ", "X2": "d \(first) \(first) resolved auto"])
        // Raised again, X2 opens again; X3 is new beside them.
        let third = try await runDay(store, [[Self.raised("X3", "f"), Self.raised("X2", "g")], [Self.raised("X1", "h")]])
        #expect(try exceptions(db) == ["X1": "h \(first) \(third) open ", "X2": "g \(first) \(third) open ", "X3": "f \(third) \(third) open "])
    }
}

/// Settlement items on PostgreSQL: a batch the ledger does not hold goes straight in, the last of a batch standing; one
/// the ledger or the day holds keeps its fields and takes the settled and unsettled days it is given; a rerun of a day
/// writes its own items again and settles nothing twice.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLSettlementItemTests {
    static let day = SettlementItemsTests.day
    static let nextDay = day.adding(days: 1)

    static func item(_ key: String, _ cents: Int64, firstDay: Day = day, settled: (day: Day, by: String)? = nil) -> SettlementItemRow {
        var row = SettlementItemsTests.item(key, file: "day.ach", fileKey: String(repeating: "a", count: 64), cents)
        row.firstDay = firstDay
        row.settledDay = settled?.day
        row.settledBy = settled?.by
        return row
    }

    /// Each item's net, first day and settled day and line, by batch key.
    private func items(_ db: PostgreSQLConnection) throws -> [String: String] {
        let rows = try db.query("""
            SELECT batch_key, net_minor, first_day, COALESCE(settled_day, '-'), COALESCE(settled_by, '-') FROM settlement_items WHERE entity = 'acme-us'
            """)
        return Dictionary(uniqueKeysWithValues: (0..<rows.count).map { r in (rows.text(r, 0), (1..<5).map { rows.text(r, $0) }.joined(separator: " ")) })
    }

    private func runDay(_ store: PostgreSQLLedgerStore, run: Int64, day: Day, _ batches: [[SettlementItemRow]]) async throws {
        try await store.beginDay(runID: run, day: day)
        for rows in batches {
            var batch = DayEffects()
            batch.settlementItems = rows
            try await store.post(batch)
        }
        _ = try await store.finishDay(DayCommit(runID: run, day: day), dryRun: false)
    }

    @Test func newItemsGoInOnceAndHeldOnesTakeTheirSettledDays() async throws {
        let url = try #require(PostgreSQLTestServer.isolatedURL("items"))
        guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerError("not a URL") }
        let store = try PostgreSQLLedgerStore(address: address, entity: "acme-us")
        let db = try PostgreSQLConnection(conninfo: address.conninfo)
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.nextDay, startedAt: "t")
        let (d1, d2) = (Self.day.description, Self.nextDay.description)
        // A first day: b1 twice in a batch (the last stands); b2 again in a later batch keeps its fields, takes its settlement.
        try await runDay(store, run: run, day: Self.day, [[Self.item("b1", 100), Self.item("b2", 200), Self.item("b1", 150)],
                                                          [Self.item("b2", 999, settled: (Self.day, "L1"))]])
        #expect(await store.hasLookedUp == false)
        #expect(try items(db) == ["b1": "150 \(d1) - -", "b2": "200 \(d1) \(d1) L1"])
        // The next day settles b1 (held: its fields stay) and announces b3.
        try await runDay(store, run: run, day: Self.nextDay, [[Self.item("b1", 777, settled: (Self.nextDay, "L2")), Self.item("b3", 300, firstDay: Self.nextDay)]])
        #expect(try items(db) == ["b1": "150 \(d1) \(d2) L2", "b2": "200 \(d1) \(d1) L1", "b3": "300 \(d2) - -"])
        // A rerun of that day: b3 written again as the rerun has it, b1 no longer settled by it.
        try await runDay(store, run: run, day: Self.nextDay, [[Self.item("b3", 333, firstDay: Self.nextDay)]])
        #expect(try items(db) == ["b1": "150 \(d1) - -", "b2": "200 \(d1) \(d1) L1", "b3": "333 \(d2) - -"])
    }
}
