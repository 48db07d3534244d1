import Accounting
import Core
import Foundation
@testable import Ledger
import Testing

/// Every read of `LedgerReading` called on two readers of the same books with the same arguments, each pair of results
/// expected equal (or both failing alike), and how many rows each read returned (to show a comparison is not vacuous).
final class ReaderParity {
    let sqlite: any LedgerReading
    let postgreSQL: any LedgerReading
    /// Rows compared per read (a row of a list, an entry of a dictionary, 1 for a single value found).
    private(set) var rows: [String: Int] = [:]
    private(set) var calls = 0

    init(sqlite: any LedgerReading, postgreSQL: any LedgerReading) {
        self.sqlite = sqlite
        self.postgreSQL = postgreSQL
    }

    var summary: String { rows.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }

    private func outcome<T>(_ reader: any LedgerReading, _ read: (any LedgerReading) async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await read(reader)) } catch { return .failure(error) }
    }

    /// Both readers' results of `read`, expected equal; `count` says how many rows a result holds.
    func same<T: Equatable>(_ method: String, _ arguments: @autoclosure () -> String, count: (T) -> Int, _ read: (any LedgerReading) async throws -> T) async {
        calls += 1
        switch (await outcome(sqlite, read), await outcome(postgreSQL, read)) {
        case let (.success(a), .success(b)):
            #expect(a == b, "\(method)(\(arguments())):\n  SQLite     \(a)\n  PostgreSQL \(b)")
            rows[method, default: 0] += count(a)
        case let (.failure(a), .failure(b)):
            #expect("\(a)" == "\(b)", "\(method)(\(arguments())) fails differently: \(a) / \(b)")
        case let (a, b):
            Issue.record("\(method)(\(arguments())): SQLite \(a), PostgreSQL \(b)")
        }
    }

    func same<T: Equatable>(_ method: String, _ arguments: @autoclosure () -> String, _ read: (any LedgerReading) async throws -> [T]) async {
        await same(method, arguments(), count: { $0.count }, read)
    }

    func same<T: Equatable>(_ method: String, _ arguments: @autoclosure () -> String, _ read: (any LedgerReading) async throws -> T?) async {
        await same(method, arguments(), count: { $0 == nil ? 0 : 1 }, read)
    }

    /// What the ledger holds, to draw the reads' arguments from.
    struct Content {
        var days: [Day] = []
        var receipts: [(id: String, day: Day)] = []
        var exceptionIDs: [String] = []
        var batchKeys: [String] = []
        var customers: [String] = []
        var invoiceIDs: [String] = []
        var sourceKeys: [String] = []
        var heldKeys: [String] = []
        var ach: [(trace: String, rdfi: String, amount: Int64, role: String, company: String, day: Day)] = []
        var effectiveDays: Set<Day> = []
        var accounts: [String] = []
        var currencies: [String] = []
        var runIDs: [Int64] = []
        var files: [String] = []
        var types: [String] = []

        init(ledger: String, sqlite: SQLiteLedgerReader) throws {
            let db = try Database(path: ledger, readOnly: true)
            func texts(_ sql: String) throws -> [String] { try db.prepare(sql).rows { $0.text(0) } }
            func day(_ text: String) throws -> Day { try #require(Day.parse(text, format: .iso)) }
            let run = try texts("""
                SELECT day FROM journal_entries UNION SELECT effective_day FROM journal_entries UNION SELECT day FROM ingested_files
                UNION SELECT day FROM exceptions UNION SELECT day FROM applications ORDER BY 1
                """).map(day)
            let first = try #require(run.first), last = try #require(run.last)
            days = [first.adding(days: -1)] + run + [last.adding(days: 1), last.adding(days: 30)]
            receipts = try db.prepare("""
                SELECT receipt_id, day FROM applications UNION SELECT receipt_id, day FROM exceptions WHERE receipt_id != '' ORDER BY 1, 2
                """).rows { ($0.text(0), try day($0.text(1))) } + [("RNOPE", first)]
            exceptionIDs = try texts("SELECT exception_id FROM exceptions ORDER BY 1") + ["XNOPE"]
            batchKeys = try texts("SELECT batch_key FROM settlement_items ORDER BY 1") + ["batch:received:1:2026-11-02:1:1", "nope"]
            customers = try sqlite.customerIDs() + ["CNOPE"]
            invoiceIDs = try texts("SELECT invoice_id FROM invoices ORDER BY 1") + ["INV-NOPE"]
            let applicationKeys = try texts("SELECT DISTINCT source_key FROM applications ORDER BY 1")
            heldKeys = try texts("SELECT source_key FROM held_receipts ORDER BY 1")
            sourceKeys = try texts("SELECT source_key FROM journal_entries WHERE source_key IS NOT NULL ORDER BY entry_id") + applicationKeys
                + applicationKeys.map { "return:" + $0 } + heldKeys + ["nope"]
            ach = try db.prepare("SELECT trace, rdfi, amount_minor, role, company_id, day FROM ach_entries ORDER BY entry_key").rows {
                ($0.text(0), $0.text(1), $0.int(2), $0.text(3), $0.text(4), try day($0.text(5)))
            }
            effectiveDays = Set(try texts("SELECT DISTINCT effective_day FROM ach_entries").map(day))
            accounts = try sqlite.accounts().map(\.code) + ["9999"]
            currencies = try texts("SELECT DISTINCT currency FROM postings ORDER BY 1")
            runIDs = try db.prepare("SELECT run_id FROM runs ORDER BY 1").rows { $0.int(0) } + [999]
            files = try texts("SELECT sha256 FROM ingested_files ORDER BY 1") + [String(repeating: "0", count: 64)]
            types = try texts("SELECT DISTINCT type FROM exceptions ORDER BY 1")
        }
    }

    /// Every read of `LedgerReading`, over what `ledger` holds.
    static func compareEverything(sqlite: SQLiteLedgerReader, postgreSQL: PostgreSQLLedgerReader, ledger: String) async throws -> ReaderParity {
        let content = try Content(ledger: ledger, sqlite: sqlite)
        let parity = ReaderParity(sqlite: sqlite, postgreSQL: postgreSQL)
        await parity.books(content)
        for day in content.days { await parity.days(day, content) }
        await parity.receipts(content)
        await parity.keys(content)
        await parity.others(content)
        return parity
    }

    /// The reads without arguments, and those of the books for commands and reports.
    func books(_ c: Content) async {
        await same("counts()", "", count: { _ in 1 }) { try await "\($0.counts())" }
        await same("invoices()", "") { try await $0.invoices() }
        await same("bankAccounts()", "") { try await $0.bankAccounts() }
        await same("unsettledBatchKeys()", "") { try await $0.unsettledBatchKeys() }
        await same("raisedBatches()", "") { try await $0.raisedBatches() }
        await same("settledByDecisions()", "") { try await $0.settledByDecisions().map { "\($0)" } }
        await same("lastManifestPath()", "") { try await $0.lastManifestPath() }
        await same("lastRunDay()", "") { try await $0.lastRunDay() }
        await same("firstStatementDay()", "") { try await $0.firstStatementDay() }
        await same("closedThrough()", "") { try await $0.closedThrough() }
        await same("periodChanges()", "") { try await $0.periodChanges().map { "\($0)" } }
        await same("accounts()", "") { try await $0.accounts().map { "\($0)" } }
        await same("customerIDs()", "") { try await $0.customerIDs() }
        await same("ingestedFiles(day:)", "nil") { try await $0.ingestedFiles(day: nil) }
        await same("verify()", "", count: { _ in 1 }) { r -> String in
            var report = try await r.verify()
            let trial = report.trialBalance.sorted { $0.key < $1.key }
            report.trialBalance = [:]
            return "\(report) \(trial)"
        }
        await same("unappliedByCustomer(asOf:)", "nil", count: { $0.count }) { try await $0.unappliedByCustomer(asOf: nil) }
        for byCustomer in [false, true] {
            await same("balances", "byCustomer \(byCustomer)") { try await $0.balances(account: nil, customer: nil, asOf: nil, byCustomer: byCustomer) }
        }
        for account in c.accounts {
            await same("balances", account) { try await $0.balances(account: account, customer: nil, asOf: nil, byCustomer: true) }
            await same("hasPostings(account:)", account, count: { $0 ? 1 : 0 }) { try await $0.hasPostings(account: account) }
            for currency in c.currencies {
                await same("cashBooked", "\(account) \(currency)", count: { $0 == 0 ? 0 : 1 }) {
                    try await $0.cashBooked(on: account, currency: currency, forAccounts: { _ in true })
                }
                await same("cashBooked", "\(account) \(currency) ending 2233", count: { $0 == 0 ? 0 : 1 }) {
                    try await $0.cashBooked(on: account, currency: currency, forAccounts: { $0.hasSuffix("2233") })
                }
            }
        }
        for run in c.runIDs {
            await same("entries(runID:)", "\(run)") { try await $0.entries(runID: run, from: nil, to: nil, limit: nil) }
        }
        await same("entries(runID:)", "limit 5") { try await $0.entries(runID: nil, from: nil, to: nil, limit: 5) }
        await same("entries(runID:)", "all") { try await $0.entries(runID: nil, from: nil, to: nil, limit: nil) }
        for status in ["open", "resolved"] {
            await same("exceptions(status:)", status) { try await $0.exceptions(status: status, day: nil, type: nil, customer: nil) }
        }
        for type in c.types {
            await same("exceptions(status:)", "type \(type)") { try await $0.exceptions(status: nil, day: nil, type: type, customer: nil) }
        }
        for id in c.exceptionIDs {
            await same("exception(id:)", id) { try await $0.exception(id: id) }
            await same("history(exceptionID:)", id) { try await $0.history(exceptionID: id) }
            await same("booking(exceptionID:)", id) { try await $0.booking(exceptionID: id).map { "\($0)" } }
        }
        for sha in c.files { await same("ingestedFile(sha256:)", sha) { try await $0.ingestedFile(sha256: sha) } }
    }

    /// The reads of one day: as a run of it starts, and as reports of it show it.
    func days(_ day: Day, _ c: Content) async {
        let customers = Set(c.customers)
        // In SQLite the order its writer first inserted the invoices (the day's export's), which PostgreSQL does not keep:
        // compared by id (PostgreSQL gives them by the day opened, then id).
        await same("invoiceStates(before:)", "\(day)", count: { $0.count }) { r -> [String] in
            let (states, later) = try await r.invoiceStates(before: day)
            return states.sorted { $0.invoiceID < $1.invoiceID }.map { "\($0) written off \($0.writtenOffMinorUnits)" } + ["opened later: \(later.sorted())"]
        }
        await same("invoicesOpenedSingly(on:)", "\(day)", count: { $0.count }) { try await $0.invoicesOpenedSingly(on: day) }
        await same("achEntriesSeen", "\(day)", count: { $0.count }) { try await $0.achEntriesSeen(effectiveDays: c.effectiveDays, before: day) }
        await same("entries(ofDay:)", "\(day)") { try await $0.entries(ofDay: day) }
        await same("entries(runID:)", "from \(day) to \(day)") { try await $0.entries(runID: nil, from: day, to: day, limit: nil) }
        await same("heldReceipts(before:customers:)", "\(day)") { try await $0.heldReceipts(before: day, customers: customers) }
        await same("closingPayments", "\(day)", count: { $0.count }) {
            try await $0.closingPayments(invoiceIDs: c.invoiceIDs, before: day).map { "\($0.key) \($0.value)" }.sorted()
        }
        await same("unappliedCashHolders(before:)", "\(day)", count: { $0.count }) { try await $0.unappliedCashHolders(before: day) }
        await same("statementAccounts(on:)", "\(day)") { try await $0.statementAccounts(on: day).map { "\($0)" } }
        await same("lastStatementBalances(before:)", "\(day)") { try await $0.lastStatementBalances(before: day) }
        await same("pendingSettlements(before:)", "\(day)") { try await $0.pendingSettlements(before: day) }
        await same("reviewsToBook(runDay:)", "\(day)") { try await $0.reviewsToBook(runDay: day) }
        await same("wasRun", "\(day)", count: { $0 ? 1 : 0 }) { try await $0.wasRun(day) }
        await same("unappliedByCustomer(asOf:)", "\(day)", count: { $0.count }) { try await $0.unappliedByCustomer(asOf: day) }
        await same("payments", "\(day)", count: { $0.count }) { try await $0.payments(from: day.adding(days: -30), through: day).map { "\($0.key) \($0.value)" }.sorted() }
        await same("returnKeys", "\(day)", count: { $0.count }) { try await $0.returnKeys(from: day.adding(days: -30), through: day) }
        await same("exceptions(status:)", "day \(day)") { try await $0.exceptions(status: nil, day: day, type: nil, customer: nil) }
        await same("worklist(asOf:)", "\(day)") { try await $0.worklist(asOf: day) }
        await same("worklistBeside(day:)", "\(day)", count: { $0.count }) { r -> [WorklistRow] in
            let (earlier, today) = try await r.worklistBeside(day: day)
            return earlier + [WorklistRow(exception: ExceptionRow(exceptionID: "-", day: day, type: "", severity: "", receiptID: "", source: "", sourceRef: "",
                                                                  location: "", customerID: "", amount: nil, invoiceIDs: [], message: "", suggestions: "",
                                                                  status: "", resolution: "", resolutionNote: ""))] + today
        }
        await same("ingestedFiles(day:)", "\(day)") { try await $0.ingestedFiles(day: day) }
        await same("balances", "as of \(day)") { try await $0.balances(account: nil, customer: nil, asOf: day, byCustomer: true) }
        for customer in c.customers {
            await same("applications(customer:day:)", "\(customer) \(day)") { try await $0.applications(customer: customer, day: day) }
        }
    }

    /// The reads of each receipt, and of the receipts together.
    func receipts(_ c: Content) async {
        let ids = c.receipts.map(\.id)
        await same("exceptions(receiptIDs:)", "all") { try await $0.exceptions(receiptIDs: ids) }
        await same("openExceptions(receiptIDs:)", "all") { try await $0.openExceptions(receiptIDs: ids).map { "\($0)" } }
        await same("exceptions(receiptIDs:)", "reversed") { try await $0.exceptions(receiptIDs: ids.reversed() + ids.prefix(3)) }
        await same("openExceptions(receiptIDs:)", "reversed") { try await $0.openExceptions(receiptIDs: ids.reversed()).map { "\($0)" } }
        for day in c.days {
            await same("receiptRows", "all from \(day)") { try await $0.receiptRows(receiptIDs: ids, from: day, before: nil) }
        }
        for (id, day) in c.receipts {
            await same("returnDay", "\(id) \(day)") { try await $0.returnDay(receiptID: id, day: day) }
            await same("unappliedCash", "\(id) \(day)", count: { $0 == 0 ? 0 : 1 }) { try await $0.unappliedCash(receiptID: id, day: day) }
            await same("receiptBatch", "\(id) \(day)") { try await $0.receiptBatch(receiptID: id, day: day) }
            await same("receiptOrigin", "\(id)") { try await $0.receiptOrigin(receiptID: id).map { "\($0)" } }
            await same("receiptRows", "\(id) \(day)") { try await $0.receiptRows(receiptIDs: [id], from: day, before: day.adding(days: 1)) }
            await same("exceptions(receiptIDs:)", "\(id)") { try await $0.exceptions(receiptIDs: [id]) }
        }
        for key in c.batchKeys {
            await same("batchReceipts(batchKey:)", key) { try await $0.batchReceipts(batchKey: key).map { "\($0)" } }
        }
    }

    /// The reads by source key, and those of ACH entries.
    func keys(_ c: Content) async {
        await same("postedDays(sourceKeys:)", "all", count: { $0.count }) { try await $0.postedDays(sourceKeys: c.sourceKeys) }
        for prefix in ["ach:", "stmt:", "invoice:", "return:", "review:", "nope:"] {
            await same("postedSourceKeys(prefix:)", prefix, count: { $0.count }) { try await $0.postedSourceKeys(prefix: prefix) }
        }
        for key in c.sourceKeys {
            await same("postedDay(sourceKey:)", key) { try await $0.postedDay(sourceKey: key) }
            await same("cashEntry(sourceKey:)", key) { try await $0.cashEntry(sourceKey: key).map { "\($0)" } }
            await same("applications(sourceKey:)", key) { try await $0.applications(sourceKey: key) }
        }
        for key in c.heldKeys + ["nope"] {
            for day in c.days {
                await same("reapplications(sourceKey:before:)", "\(key) \(day)") { try await $0.reapplications(sourceKey: key, before: day).map { "\($0)" } }
            }
        }
        for e in c.ach {
            for day in [e.day, e.day.adding(days: 5), e.day.adding(days: -1)] {
                await same("originalEntry", "\(e.trace) \(day)") {
                    try await $0.originalEntry(trace: e.trace, rdfi: e.rdfi, amountMinorUnits: e.amount, role: e.role, notAfter: day, windowDays: 120)
                }
                await same("originalEntry", "\(e.trace) any amount \(day)") {
                    try await $0.originalEntry(trace: e.trace, rdfi: e.rdfi, amountMinorUnits: nil, role: e.role, notAfter: day, windowDays: 120)
                }
                await same("reversedEntry", "\(e.company) \(e.amount) \(day)") {
                    try await $0.reversedEntry(companyID: e.company, rdfi: e.rdfi, amountMinorUnits: e.amount, role: e.role, notAfter: day, windowDays: 30)
                }
            }
        }
    }

    /// The reads by customer and invoice.
    func others(_ c: Content) async {
        for customer in c.customers {
            await same("invoiceIDs(customer:)", customer) { try await $0.invoiceIDs(customer: customer) }
            await same("balances", "customer \(customer)") { try await $0.balances(account: nil, customer: customer, asOf: nil, byCustomer: true) }
            await same("exceptions(status:)", "customer \(customer)") { try await $0.exceptions(status: "open", day: nil, type: nil, customer: customer) }
        }
        for id in c.invoiceIDs {
            await same("invoice(id:)", id) { try await $0.invoice(id: id) }
        }
    }
}
