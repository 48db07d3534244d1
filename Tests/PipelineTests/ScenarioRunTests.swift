import Accounting
import Core
import Foundation
@testable import Ledger
import Matching
import Pipeline
import Scenario
import Testing
import TestSupport

/// Generated days through the whole run: files written as a bank delivers them (ACH batches, BAI2 statements with
/// a late settlement each day, and the hazards of real bank data: placeholder references, camt.053 lines without
/// references of their own and a batched entry, three accounts ending in the same four digits, one of them in USD and
/// EUR, purchase orders, a prepayment, an invoice paid twice, credit memos), `settle run` over three days, and the outputs against the
/// generator's truth: every automatic application and every exception of every receipt, the prepayment applied from
/// unapplied cash the day its invoice is issued, the open amounts day by day, ACH in transit equal to the batches still
/// waiting, and the books' cash equal to every statement's closing balance, per account and currency.
/// `SCENARIO_KEEP=FOLDER` keeps each seed's inputs, ledger and outputs in `FOLDER/<seed>`.
@Suite struct ScenarioRunTests {
    static let days = [Day(year: 2026, month: 11, day: 16)!, Day(year: 2026, month: 11, day: 17)!, Day(year: 2026, month: 11, day: 18)!]

    struct Row { var receiptID: String; var valueDay: String; var customer: String; var receiptAmount: String; var invoice: String; var applied: String
                 var discount: String; var writeOff: String; var rule: String }

    /// The hazards of real bank data every seed generates.
    static let bankDataKinds: Set<String> = ["hazard-nonref-twice", "hazard-nonref-next-day", "hazard-empty-reference", "hazard-camt-batch",
                                             "hazard-camt-no-reference", "hazard-camt-notprovided", "hazard-eur", "hazard-po-ach", "hazard-po-wire",
                                             "hazard-prepayment", "hazard-paid-first", "hazard-paid-twice", "hazard-credit-memo-remittance",
                                             "hazard-credit-memo-combination"]

    @Test(arguments: 1...20)
    func generatedDaysThroughTheWholeRun(seed: Int) async throws {
        try await Self.generatedDaysThroughTheWholeRun(seed: seed, postgreSQL: nil)
    }

    /// The ledger a seed's run wrote: the folder's SQLite file, or the PostgreSQL URL's entity `scenario`.
    static func reader(_ folder: String, _ postgreSQL: String?) throws -> any LedgerReading {
        guard let postgreSQL else { return try SQLiteLedgerReader(path: folder + "/ledger.sqlite") }
        guard case let .postgresql(address) = try LedgerLocation.parse(postgreSQL) else { throw LedgerError("not a PostgreSQL URL") }
        return try PostgreSQLLedgerReader(address: address, entity: "scenario")
    }

    /// Each ACH payment entry the ledger remembers ("DAY TRACE") with the customer its receipt was found to be from.
    static func achCustomers(_ folder: String, _ postgreSQL: String?) throws -> [(String, String?)] {
        guard let postgreSQL else {
            let db = try Database(path: folder + "/ledger.sqlite")
            return try db.prepare("""
                SELECT day || ' ' || trace, COALESCE(customer_id, (SELECT c.customer_id FROM ach_entry_customers c WHERE c.entry_rowid = ach_entries.rowid))
                FROM ach_entries WHERE kind = 'payment'
                """).rows { ($0.text(0), $0.isNull(1) ? nil : $0.text(1)) }
        }
        guard case let .postgresql(address) = try LedgerLocation.parse(postgreSQL) else { throw LedgerError("not a PostgreSQL URL") }
        let rows = try PostgreSQLConnection(conninfo: address.conninfo).query("""
            SELECT day || ' ' || trace, \(PostgreSQLRowMapping.achEntryCustomer) FROM ach_entries WHERE entity = 'scenario' AND kind = 'payment'
            """)
        return (0..<rows.count).map { (rows.text($0, 0), rows.optionalText($0, 1)) }
    }

    /// One seed's three days, on SQLite or (`postgreSQL`, a URL) an entity of a PostgreSQL ledger, against the truth.
    static func generatedDaysThroughTheWholeRun(seed: Int, postgreSQL: String?) async throws {
        let generated = ScenarioGenerator(options: .init(seed: UInt64(seed), customerCount: 40, invoiceCount: 300, day: Self.days[0], bankDataDays: Self.days)).makeDay()
        #expect(Self.bankDataKinds.isSubset(of: Set(generated.expected.map(\.kind))), "seed \(seed): hazards of real bank data not generated")
        let folder = TestPaths.temporaryDirectory("scenario-run")
        let files = ScenarioFiles(day: generated, days: Self.days)
        let plan = try files.write(to: folder + "/in")
        var manifest = ScenarioFiles.manifest(name: "scenario", input: folder + "/in", folder: folder, camt: files.hasBankData)
        if let postgreSQL {
            manifest = manifest.replacingOccurrences(of: "\"ledger\": \"\(folder)/ledger.sqlite\"", with: "\"ledger\": \"\(postgreSQL)\", \"entity\": \"scenario\"")
        }
        try manifest.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        let result = await JobRunner(manifest: try Manifest.load(path: folder + "/job.json")).run(RunOptions(days: Self.days, concurrency: 2))
        #expect(result.exitCode == .ok, "seed \(seed): \(result.message ?? "")")
        if let keep = ProcessInfo.processInfo.environment["SCENARIO_KEEP"] { try? FileManager.default.copyItem(atPath: folder, toPath: "\(keep)/\(seed)") }

        var wrong: [String] = []
        var checked = 0
        var applied = 0
        for (d, day) in Self.days.enumerated() {
            let out = "\(folder)/out/\(day)"
            // Rows by reference; a receipt's are those of its reference and amount (the transactions of a camt batch
            // share their entry's FILE:LINE), or for unapplied cash applied later, of the day the receipt arrived.
            var rows: [String: [Row]] = [:]
            for line in try String(contentsOfFile: out + "/remittance.csv", encoding: .utf8).split(separator: "\n").dropFirst() {
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                rows[f[2], default: []].append(Row(receiptID: f[0], valueDay: f[3], customer: f[4], receiptAmount: f[5], invoice: f[6], applied: f[7], discount: f[8], writeOff: f[9],
                                                   rule: f[10]))
            }
            var raised: [String: [String]] = [:]
            var other: [String] = []
            for line in try String(contentsOfFile: out + "/exceptions.csv", encoding: .utf8).split(separator: "\n").dropFirst() {
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                if ["nacha", "bai2", "camt053"].contains(f[4]) {
                    raised[f[3].isEmpty ? "ref:" + f[5] : f[3], default: []].append(f[1])
                } else {
                    other.append(String(line))
                }
            }
            #expect(other.isEmpty, "seed \(seed) \(day): exceptions the truth does not know: \(other)")
            for i in generated.receipts.indices where plan.dayOfReceipt[i] == d {
                let truth = generated.expected[i]
                let ref = plan.sourceRef[i]
                checked += 1
                if !truth.applications.isEmpty { applied += 1 }
                let mine = (rows[ref] ?? []).filter { $0.receiptAmount == generated.receipts[i].amount.description }
                let applications = mine.filter { !$0.invoice.isEmpty }.sorted { $0.invoice < $1.invoice }
                let rule = applications.first?.rule ?? "unapplied"
                let expected = truth.applications.map { Row(receiptID: "", valueDay: "", customer: "", receiptAmount: "", invoice: $0.invoiceID, applied: $0.applied.description,
                                                            discount: $0.discount.description, writeOff: $0.writeOff.description, rule: truth.rule.rawValue) }
                let sameApplications = applications.count == expected.count && zip(applications, expected).allSatisfy {
                    $0.invoice == $1.invoice && $0.applied == $1.applied && $0.discount == $1.discount && $0.writeOff == $1.writeOff
                }
                // Cash kept unapplied is kept on the customer the truth names (none for a payer nobody knows).
                let keptOn = mine.filter { $0.invoice.isEmpty }.map(\.customer)
                let types = (Set(mine.map(\.receiptID)).flatMap { raised[$0] ?? [] } + (raised["ref:" + ref] ?? [])).sorted()
                let expectedRule = truth.applications.isEmpty ? "unapplied" : truth.rule.rawValue
                if mine.isEmpty || !sameApplications || rule != expectedRule || types != truth.exceptions.map(\.rawValue) {
                    wrong.append("\(day) \(truth.kind) \(ref): \(applications.map { "\($0.invoice)=\($0.applied)/\($0.discount)/\($0.writeOff) \($0.rule)" }) \(types); expected \(expected.map { "\($0.invoice)=\($0.applied)/\($0.discount)/\($0.writeOff)" }) \(expectedRule) \(truth.exceptions.map(\.rawValue))")
                } else if truth.applications.isEmpty && keptOn != [truth.customerID ?? ""] {
                    wrong.append("\(day) \(truth.kind) \(ref): unapplied cash kept on \(keptOn), expected \(truth.customerID ?? "no customer")")
                }
            }
            // Unapplied cash of an earlier day applied today (a prepayment whose invoice is issued today): the receipt's
            // negative unapplied row and an unapplied-cash row per invoice, under the receipt's reference and value date.
            for (i, truth) in generated.expected.enumerated() where truth.reappliedOnDay == d {
                let arrived = Self.days[plan.dayOfReceipt[i]].description
                let found = (rows[plan.sourceRef[i]] ?? []).filter { $0.valueDay == arrived }.map { "\($0.invoice)=\($0.applied) \($0.rule)" }.sorted()
                let total = truth.reapplied.reduce(Int64(0)) { $0 + $1.applied.minorUnits }
                let expected = (["=\(MoneyFormat.plain(-total, exponent: 2)) unapplied"] + truth.reapplied.map { "\($0.invoiceID)=\($0.applied) unapplied-cash" }).sorted()
                if found != expected { wrong.append("\(day) \(truth.kind) \(plan.sourceRef[i]) applied from unapplied cash: \(found); expected \(expected)") }
            }
            // Every open amount at the end of the day: the original less what the truth applied on this day and before
            // (invoices issued later are not open yet).
            var openNow = Dictionary(generated.invoices.filter { $0.issueDay <= day }.map { ($0.id, $0.openAmount.minorUnits) }, uniquingKeysWith: { a, _ in a })
            for (i, truth) in generated.expected.enumerated() {
                if plan.dayOfReceipt[i] <= d { for a in truth.applications { openNow[a.invoiceID, default: 0] -= a.settled } }
                if let later = truth.reappliedOnDay, later <= d { for a in truth.reapplied { openNow[a.invoiceID, default: 0] -= a.settled } }
            }
            var listed = 0
            for line in try String(contentsOfFile: out + "/open-items.csv", encoding: .utf8).split(separator: "\n").dropFirst() {
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                listed += 1
                if f[4] != MoneyFormat.plain(openNow[f[0]] ?? .min, exponent: 2) { wrong.append("\(day) open-items \(f[0]): \(f[4]), expected \(openNow[f[0]] ?? 0)") }
            }
            // Every invoice still open is listed (and those touched today besides).
            #expect(listed >= openNow.values.filter { $0 != 0 }.count, "seed \(seed) \(day): open items listed")
            let summary = try String(contentsOfFile: out + "/summary.json", encoding: .utf8)
            #expect(summary.contains("\"difference\": \"0.00\"") && summary.contains("\"status\": \"tied\""), "seed \(seed) \(day): the books' cash differs from the statement")
            #expect(summary.contains("\"statement_closing\": \"\(MoneyFormat.plain(plan.closingAfterDay[d], exponent: 2))\""))
            #expect(summary.contains("\"in_transit_total\": \"\(MoneyFormat.plain(plan.inTransitAfterDay[d], exponent: 2))\""), "seed \(seed) \(day)")
            let transit = try await Self.reader(folder, postgreSQL).balances(account: ChartOfAccounts.achClearing, customer: nil, asOf: day, byCustomer: false)
            #expect(transit.reduce(0) { $0 + $1.balance.minorUnits } == plan.inTransitAfterDay[d], "seed \(seed) \(day): ACH in transit")
            // The books tied to every statement of the day: a bank row per account, currency and statement day, each tied.
            let bank = try Self.bankRows(summary)
            let statements = plan.statementsOfDay[d].map { "\(Masking.account($0.account)) \($0.currency.code) \(day) \(MoneyFormat.plain($0.closing, exponent: $0.currency.exponent))" }
            #expect(bank.map { "\($0.account) \($0.currency) \($0.day) \($0.closing)" }.sorted() == statements.sorted(), "seed \(seed) \(day): bank rows")
            let untied = bank.filter { $0.status != "tied" || $0.difference != "0.00" || $0.book != $0.closing }
            #expect(untied.isEmpty, "seed \(seed) \(day): the books differ from the statements: \(untied)")
            #expect(!summary.contains("BANK_DIFFERENCE"), "seed \(seed) \(day): BANK_DIFFERENCE")
        }
        // Not a vacuous day: every receipt was looked at, most of them applied.
        #expect(checked == generated.receipts.count && checked > 150 && applied * 10 > checked * 7, "seed \(seed): \(checked) receipts, \(applied) applied")
        #expect(wrong.isEmpty, "seed \(seed): \(wrong.count) receipts differ from the truth:\n\(wrong.prefix(8).joined(separator: "\n"))")
        // Every open amount after the last day: the original less what the truth applied.
        var expectedOpen = Dictionary(generated.invoices.map { ($0.id, $0.openAmount.minorUnits) }, uniquingKeysWith: { a, _ in a })
        for truth in generated.expected { for a in truth.applications + truth.reapplied { expectedOpen[a.invoiceID, default: 0] -= a.settled } }
        let ledgerInvoices = try await Self.reader(folder, postgreSQL).invoices()
        let mismatched = ledgerInvoices.filter { expectedOpen[$0.invoiceID] != $0.openAmount.minorUnits }
        #expect(mismatched.isEmpty, "seed \(seed): open amounts differ: \(mismatched.prefix(5).map { "\($0.invoiceID) \($0.openAmount) expected \(expectedOpen[$0.invoiceID] ?? 0)" })")
        #expect(try await Self.reader(folder, postgreSQL).verify().isClean)
        // The exceptions of cash applied later were resolved by settle when it was.
        let resolvable = generated.expected.indices.filter { generated.expected[$0].reappliedOnDay != nil }
        let exceptions = try await Self.reader(folder, postgreSQL).exceptions(status: nil, day: nil, type: nil, customer: nil)
        for i in resolvable {
            let own = exceptions.filter { $0.sourceRef == plan.sourceRef[i] && $0.day == Self.days[plan.dayOfReceipt[i]] }
            #expect(own.map(\.type) == generated.expected[i].exceptions.map(\.rawValue) && own.allSatisfy { $0.status == "resolved" },
                    "seed \(seed): \(generated.expected[i].kind) \(plan.sourceRef[i]): \(own.map { "\($0.type) \($0.status)" })")
        }
        // The ledger remembers each ACH entry with the customer its receipt was found to be from (the rows are
        // written before cash application; their customers follow it, matched by the receipt's position).
        let achCustomers = try Self.achCustomers(folder, postgreSQL)
        let customerByTrace = Dictionary(achCustomers.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        var achChecked = 0
        var withCustomer = 0
        for (i, truth) in generated.expected.enumerated() where generated.receipts[i].source == .nacha {
            let trace = "\(Self.days[plan.dayOfReceipt[i]]) \(plan.sourceRef[i])"
            guard let stored = customerByTrace[trace] else { continue }
            achChecked += 1
            if truth.customerID != nil { withCustomer += 1 }
            #expect(stored == truth.customerID, "seed \(seed): ACH entry \(trace) remembered with customer \(stored ?? "none"), expected \(truth.customerID ?? "none")")
        }
        #expect(achChecked > 50 && withCustomer * 2 > achChecked, "seed \(seed): \(achChecked) ACH entries checked, \(withCustomer) with a customer")
    }

    struct BankRow: CustomStringConvertible {
        var account: String, currency: String, day: String, closing: String, book: String, difference: String, status: String
        var description: String { "\(account) \(currency) \(day): statement \(closing), books \(book), \(status) \(difference)" }
    }

    /// summary.json's `bank` rows.
    static func bankRows(_ summary: String) throws -> [BankRow] {
        let object = try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any]
        return (object?["bank"] as? [[String: Any]] ?? []).map { row in
            func text(_ key: String) -> String { row[key] as? String ?? "" }
            return BankRow(account: text("account"), currency: text("currency"), day: text("statement_day"), closing: text("statement_closing"),
                           book: text("book_balance"), difference: text("difference"), status: text("status"))
        }
    }
}

/// The same inputs give the same reports and the same books, whatever the concurrency and the order the files come in.
@Suite struct ScenarioDeterminismTests {
    func run(seed: UInt64, names: [String], concurrency: Int) async throws -> (folder: String, balances: [AccountBalance]) {
        let day = Day(year: 2026, month: 11, day: 16)!
        let generated = ScenarioGenerator(options: .init(seed: seed, customerCount: 60, invoiceCount: 500, day: day)).makeDay()
        let folder = TestPaths.temporaryDirectory("determinism")
        var files = ScenarioFiles(day: generated, days: [day])
        files.achFileNames = names
        _ = try files.write(to: folder + "/in")
        let manifest = ScenarioFiles.manifest(name: "determinism", input: "../in", folder: folder)
        try FileManager.default.createDirectory(atPath: folder + "/job", withIntermediateDirectories: true)
        try manifest.write(toFile: folder + "/job/job.json", atomically: true, encoding: .utf8)
        let result = await JobRunner(manifest: try Manifest.load(path: folder + "/job/job.json")).run(RunOptions(days: [day], concurrency: concurrency))
        #expect(result.exitCode == .ok)
        return (folder + "/out/\(day)", try SQLiteLedgerReader(path: folder + "/ledger.sqlite").balances(byCustomer: true))
    }

    @Test(arguments: [3, 11])
    func concurrencyAndFileOrderChangeNothing(seed: Int) async throws {
        // Batches dealt to two files; the second run names them the other way round, so they are read in the other order.
        let first = try await run(seed: UInt64(seed), names: ["a.ach", "b.ach"], concurrency: 1)
        let second = try await run(seed: UInt64(seed), names: ["b.ach", "a.ach"], concurrency: 8)
        for report in ["remittance.csv", "open-items.csv"] {
            let a = try String(contentsOfFile: first.folder + "/" + report, encoding: .utf8)
            let b = try String(contentsOfFile: second.folder + "/" + report, encoding: .utf8)
            #expect(a == b, "seed \(seed): \(report) differs")
            #expect(a.split(separator: "\n").count > 50)
        }
        // Exceptions: the same ids, types and amounts (their locations name the files, which differ by design).
        func exceptions(_ folder: String) throws -> [String] {
            try String(contentsOfFile: folder + "/exceptions.csv", encoding: .utf8).split(separator: "\n").map { line in
                let f = line.split(separator: ",", omittingEmptySubsequences: false)
                return [f[0], f[1], f[8]].joined(separator: ",")
            }.sorted()
        }
        #expect(try exceptions(first.folder) == exceptions(second.folder))
        #expect(first.balances == second.balances)
    }

    @Test func aThirtyDayRangeRerunPostsNothingAndVerifiesClean() async throws {
        // Thirty business days of generated receipts, settlements and statements; then the whole range again.
        var days: [Day] = []
        var day = Day(year: 2026, month: 9, day: 1)!
        while days.count < 30 {
            if day.isoWeekday < 6 { days.append(day) }
            day = day.adding(days: 1)
        }
        let generated = ScenarioGenerator(options: .init(seed: 30, customerCount: 30, invoiceCount: 240, day: days[0])).makeDay()
        let folder = TestPaths.temporaryDirectory("scenario-30")
        _ = try ScenarioFiles(day: generated, days: days).write(to: folder + "/in")
        try ScenarioFiles.manifest(name: "thirty", input: folder + "/in", folder: folder).write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        let manifest = try Manifest.load(path: folder + "/job.json")
        let first = await JobRunner(manifest: manifest).run(RunOptions(days: days, concurrency: 2))
        #expect(first.exitCode == .ok, "\(first.message ?? "")")
        #expect(first.days.count == 30)
        let reader = try SQLiteLedgerReader(path: folder + "/ledger.sqlite")
        let before = try reader.counts()
        let balances = try reader.balances(byCustomer: true)
        #expect(before.entries > 300)
        let summaries = try days.map { try String(contentsOfFile: "\(folder)/out/\($0)/summary.json", encoding: .utf8) }

        let again = await JobRunner(manifest: manifest).run(RunOptions(days: days, concurrency: 2))
        #expect(again.exitCode == .ok, "\(again.message ?? "")")
        #expect(again.days.count == 30)
        #expect(again.days.allSatisfy { $0.postedCount == 0 }, "\(again.days.filter { $0.postedCount != 0 }.map(\.day))")
        let after = try reader.counts()
        #expect(after.entries == before.entries && after.postings == before.postings && after.exceptions == before.exceptions)
        #expect(try reader.balances(byCustomer: true) == balances)
        #expect(try reader.verify().isClean)
        #expect(try days.map { try String(contentsOfFile: "\(folder)/out/\($0)/summary.json", encoding: .utf8) } == summaries)
    }
}

/// The same generated days on a PostgreSQL ledger (each seed an entity in a schema of its own), against the same truth.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLScenarioRunTests {
    @Test(arguments: 1...20)
    func generatedDaysThroughTheWholeRun(seed: Int) async throws {
        let url = try #require(PostgreSQLTestServer.isolatedURL("scenario"))
        try await ScenarioRunTests.generatedDaysThroughTheWholeRun(seed: seed, postgreSQL: url)
    }
}
