import Accounting
import Core
import Foundation
import Ledger
import Pipeline
import Statements
import Testing
import TestSupport

/// The shapes real bank files have that generated days lack: placeholder references (`NONREF`, empty) on one day and
/// across days, and a statement the books do not tie with. Each line is posted or listed, never dropped silently.
@Suite struct RealBankDataTests {
    static let account = "1111002233"
    static let days = (2...4).map { Day(year: 2026, month: 11, day: $0)! }

    /// A job over `statements` (day → BAI2 text), two customers, no invoices matching the wires' amounts exactly
    /// except where said.
    static func job(in folder: String, statements: [Day: String], extra: String = "") throws -> String {
        try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
        try """
            customer_id,name,aliases,ach_company_ids,credit_limit,terms
            C001,"Acme Tools, Inc.",ACME TOOLS,1234567890,50000.00,NET30
            C002,Blue Ridge Builders LLC,BLUE RIDGE,2345678901,75000.00,NET30

            """.write(toFile: folder + "/in/customers.csv", atomically: true, encoding: .utf8)
        try """
            invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number
            INV-20001,C001,2026-10-20,2026-11-19,USD,500.00,500.00,NET30,
            INV-20002,C001,2026-10-21,2026-11-20,USD,500.00,500.00,NET30,
            INV-20003,C001,2026-10-22,2026-11-21,USD,500.00,500.00,NET30,
            INV-20004,C002,2026-10-22,2026-11-21,USD,300.00,300.00,NET30,

            """.write(toFile: folder + "/in/invoices.csv", atomically: true, encoding: .utf8)
        for (day, text) in statements {
            try FileManager.default.createDirectory(atPath: "\(folder)/in/\(day)", withIntermediateDirectories: true)
            // Several statements of a day: one file each (`statement.bai`, `statement-2.bai`, ...).
            for (i, part) in text.components(separatedBy: "\u{0}").enumerated() {
                try part.write(toFile: "\(folder)/in/\(day)/statement\(i == 0 ? "" : "-\(i + 1)").bai", atomically: true, encoding: .utf8)
            }
        }
        let path = folder + "/job.json"
        try """
            {
              "version": 1, "name": "real-bank-data", "currency": "USD",
              "ledger": "\(folder)/ledger.sqlite", "output": "\(folder)/out", "archive": "\(folder)/archive",
              "customers": "\(folder)/in/customers.csv", "invoices": "\(folder)/in/invoices.csv",
              "sources": [ { "format": "bai2", "path": "\(folder)/in/{date}/*.bai" } ]\(extra)
            }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func wire(_ cents: Int64, _ reference: String, _ text: String) -> BAI2Writer.Detail {
        BAI2Writer.Detail(typeCode: 195, cents: cents, reference: reference, text: text)
    }

    /// A statement whose closing balance is `off` cents above what its lines make (control totals kept right).
    static func statement(_ day: Day, opening: Int64, _ details: [BAI2Writer.Detail], closingOff off: Int64 = 0, account: String = account,
                          currency: String = "USD") -> String {
        let text = BAI2Writer.statement(routing: "076401251", account: account, currency: currency, day: day, opening: opening, details: details)
        guard off != 0 else { return text }
        let close = BAI2Writer.closing(opening: opening, details: details)
        let total = opening + close + details.reduce(0) { $0 + $1.cents }
        return text.replacingOccurrences(of: ",015,\(close),", with: ",015,\(close + off),")
            .replacingOccurrences(of: "49,\(total),", with: "49,\(total + off),")
            .replacingOccurrences(of: "98,\(total),", with: "98,\(total + off),")
            .replacingOccurrences(of: "99,\(total),", with: "99,\(total + off),")
    }

    func run(_ path: String, days: [Day]) async throws -> RunResult {
        await JobRunner(manifest: try Manifest.load(path: path)).run(RunOptions(days: days, concurrency: 2))
    }

    func rows(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().map(String.init)
    }

    @Test func placeholderReferencesPostEveryWireOnOneDayAndAcrossDays() async throws {
        let folder = TestPaths.temporaryDirectory("nonref")
        let d = Self.days
        let path = try Self.job(in: folder, statements: [
            // Two NONREF wires of the same amount and text on one day, and one with no reference at all.
            d[0]: Self.statement(d[0], opening: 100_000, [Self.wire(50_000, "NONREF", "WIRE ACME TOOLS"), Self.wire(50_000, "NONREF", "WIRE ACME TOOLS"),
                                                           Self.wire(30_000, "", "WIRE BLUE RIDGE INV-20004")]),
            // The next day the same NONREF wire again: a new payment, not the first day's line.
            d[1]: Self.statement(d[1], opening: 230_000, [Self.wire(50_000, "NONREF", "WIRE ACME TOOLS")]),
        ])
        let result = try await run(path, days: Array(d[0...1]))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        #expect(result.days.map(\.receiptCount) == [3, 1])
        let first = try rows("\(folder)/out/\(d[0])/remittance.csv")
        #expect(first.filter { $0.contains(",500.00,") }.count >= 2, "\(first)")
        #expect(first.contains { $0.contains(",INV-20004,300.00,") }, "\(first)")
        // Every wire reaches the books: cash equals each statement's closing.
        for day in d[0...1] {
            let summary = try String(contentsOfFile: "\(folder)/out/\(day)/summary.json", encoding: .utf8)
            #expect(summary.contains("\"status\": \"tied\""), "\(day): \(summary)")
            #expect(!summary.contains("\"status\": \"difference\""), "\(day): \(summary)")
        }
        // A NONREF line's source_ref is where it is, never the placeholder.
        #expect(!first.joined().contains("NONREF"), "\(first)")
        // Run again: nothing posts twice, and the lines not posted are listed with FILE:LINE in the run log.
        let again = try await run(path, days: Array(d[0...1]))
        #expect(again.exitCode == .ok)
        #expect(again.days.map(\.postedCount) == [0, 0])
    }

    @Test func aStatementLineSentAgainTheNextDayIsListedNotPosted() async throws {
        let folder = TestPaths.temporaryDirectory("overlap")
        let d = Self.days
        let wire = Self.wire(30_000, "FED20261102A", "WIRE BLUE RIDGE INV-20004")
        let path = try Self.job(in: folder, statements: [
            d[0]: Self.statement(d[0], opening: 100_000, [wire]),
            // An export that overlaps: the day before's line again (its own bank reference), and a new one.
            d[1]: Self.statement(d[1], opening: 130_000, [wire, Self.wire(50_000, "FED20261103A", "WIRE ACME TOOLS INV-20001")], closingOff: -30_000),
        ])
        let result = try await run(path, days: Array(d[0...1]))
        #expect(result.days.map(\.receiptCount) == [1, 1], "\(result.message ?? "")")
        let log = try String(contentsOfFile: "\(folder)/out/\(d[1])/run.log", encoding: .utf8)
        #expect(log.contains("statement line not posted: "), "\(log)")
        let summary = try String(contentsOfFile: "\(folder)/out/\(d[1])/summary.json", encoding: .utf8)
        #expect(summary.contains("\"statement_lines_not_posted\": 1"), "\(summary)")
        #expect(log.contains("statement.bai:4 300.00 stmt:1111002233:FED20261102A:30000:USD: posted by the run of \(d[0])"), "\(log)")
    }

    @Test func booksThatDoNotTieRaiseBankDifferenceAndExitFour() async throws {
        let folder = TestPaths.temporaryDirectory("tie")
        let d = Self.days
        let path = try Self.job(in: folder, statements: [
            d[0]: Self.statement(d[0], opening: 100_000, [Self.wire(30_000, "FED1", "WIRE BLUE RIDGE INV-20004")]),
            // The bank says 1.00 more than its lines make.
            d[1]: Self.statement(d[1], opening: 130_000, [Self.wire(50_000, "FED2", "WIRE ACME TOOLS INV-20001")], closingOff: 100),
            // The next statement opens where the books are and ties again.
            d[2]: Self.statement(d[2], opening: 180_000, [Self.wire(50_000, "FED3", "WIRE ACME TOOLS INV-20002")]),
        ])
        let result = try await run(path, days: Array(d[0...1]))
        #expect(result.exitCode == .booksDoNotTie, "\(result.message ?? "")")
        let exceptions = try rows("\(folder)/out/\(d[1])/exceptions.csv")
        let difference = try #require(exceptions.first { $0.contains(",BANK_DIFFERENCE,error,") }, "\(exceptions)")
        #expect(difference.contains("1800.00"), "\(difference)")
        #expect(difference.contains("1801.00"), "\(difference)")
        let summary = try String(contentsOfFile: "\(folder)/out/\(d[1])/summary.json", encoding: .utf8)
        #expect(summary.contains("\"status\": \"difference\""), "\(summary)")
        #expect(summary.contains("\"difference\": \"-1.00\""), "\(summary)")
        let open = try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").exceptions(status: "open", type: "BANK_DIFFERENCE")
        #expect(open.count == 1)
        // The same day again raises the same exception (one id), exit 4 again.
        let rerun = try await run(path, days: [d[1]])
        #expect(rerun.exitCode == .booksDoNotTie)
        #expect(try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").exceptions(status: "open", type: "BANK_DIFFERENCE").count == 1)
        // A later statement that ties resolves it (decided by settle), and the run exits 0... but for the gap the
        // bank's own opening leaves (180,000 against the 1,801.00 it closed at), which is a STATEMENT_GAP, not a difference.
        let later = try await run(path, days: [d[2]])
        #expect(later.exitCode == .ok, "\(later.message ?? "")")
        let after = try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").exceptions(type: "BANK_DIFFERENCE")
        #expect(after.count == 1)
        #expect(after.first?.status == "resolved", "\(after)")
    }

    /// Balances per ledger account and currency, as the ledger holds them.
    func cash(_ folder: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for b in try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").balances() where b.account.hasPrefix("1000") || b.account == "1010" {
            out["\(b.account) \(b.balance.currency.code)"] = b.balance.description
        }
        return out
    }

    @Test func accountsSharingTheirLastFourDigitsAndAMultiCurrencyAccountAreEachTheirOwn() async throws {
        let folder = TestPaths.temporaryDirectory("accounts")
        let d = Self.days[0]
        let statements = [
            Self.statement(d, opening: 100_000, [Self.wire(30_000, "FED1", "WIRE BLUE RIDGE INV-20004")], account: "1111002233"),
            Self.statement(d, opening: 500_000, [Self.wire(50_000, "FED2", "WIRE ACME TOOLS INV-20001")], account: "2222002233"),
            // The same account's euro statement: a fee.
            Self.statement(d, opening: 20_000, [BAI2Writer.Detail(typeCode: 698, cents: 1_000, reference: "FEE1", text: "ACCOUNT FEE")], account: "1111002233",
                           currency: "EUR"),
        ]
        let path = try Self.job(in: folder, statements: [d: statements.joined(separator: "\u{0}")])
        let result = try await run(path, days: [d])
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        #expect(try cash(folder) == ["1000-2233 USD": "1300.00", "1000-002233 USD": "5500.00", "1000-2233-EUR EUR": "190.00"])
        let summary = try String(contentsOfFile: "\(folder)/out/\(d)/summary.json", encoding: .utf8)
        #expect(summary.components(separatedBy: "\"status\": \"tied\"").count == 4, "\(summary)")
        // The codes are kept: the next day's statements land in the same accounts, whatever order the files come in.
        let next = Self.days[1]
        try FileManager.default.createDirectory(atPath: "\(folder)/in/\(next)", withIntermediateDirectories: true)
        try Self.statement(next, opening: 550_000, [Self.wire(50_000, "FED3", "WIRE ACME TOOLS INV-20002")], account: "2222002233")
            .write(toFile: "\(folder)/in/\(next)/a.bai", atomically: true, encoding: .utf8)
        try Self.statement(next, opening: 130_000, [], account: "1111002233").write(toFile: "\(folder)/in/\(next)/b.bai", atomically: true, encoding: .utf8)
        let second = try await run(path, days: [next])
        #expect(second.exitCode == .ok, "\(second.message ?? "")")
        #expect(try cash(folder)["1000-002233 USD"] == "6000.00")
        #expect(try cash(folder)["1000-2233 USD"] == "1300.00")
    }

    @Test func theManifestNamesAccountsAndTheirCodesAndMayNotMoveOnesWithPostings() async throws {
        let folder = TestPaths.temporaryDirectory("named")
        let d = Self.days
        let path = try Self.job(in: folder, statements: [
            d[0]: Self.statement(d[0], opening: 100_000, [Self.wire(30_000, "FED1", "WIRE BLUE RIDGE INV-20004")], account: "2222-002233"),
        ], extra: #", "bank_accounts": [ { "bank": "076401251", "account": "2222002233", "currency": "USD", "code": "1010", "name": "Operating" } ]"#)
        let result = try await run(path, days: [d[0]])
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        #expect(try cash(folder) == ["1010 USD": "1300.00"])
        #expect(try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").accounts().contains { $0.code == "1010" && $0.name == "Operating" })
        // Another code for the same account, now that 1010 holds its postings: refused, naming both.
        var manifest = try String(contentsOfFile: path, encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: #""code": "1010""#, with: #""code": "1020""#)
        try manifest.write(toFile: path, atomically: true, encoding: .utf8)
        let refused = try await run(path, days: [d[1]])
        #expect(refused.exitCode == .usage)
        #expect(refused.message?.contains("booked in 1010") == true && refused.message?.contains("1020") == true, "\(refused.message ?? "")")
    }

    @Test func anOlderLedgersSharedCodeIsSplitOnce() async throws {
        let fixture = TestPaths.packageRoot + "/Tests/PipelineTests/Fixtures/legacy-shared-last-four"
        let folder = TestPaths.temporaryDirectory("shared-four")
        try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
        for name in ["customers.csv", "invoices.csv", "ledger.sqlite", "2026-11-02"] {
            try FileManager.default.copyItem(atPath: "\(fixture)/\(name)", toPath: name == "ledger.sqlite" ? "\(folder)/\(name)" : "\(folder)/in/\(name)")
        }
        // Before: both accounts' money in 1000-2233.
        #expect(try cash(folder) == ["1000-2233 USD": "6800.00"])
        let d = Self.days[1]
        let path = try Self.job(in: folder, statements: [d: [Self.statement(d, opening: 130_000, [], account: "1111002233"),
                                                             Self.statement(d, opening: 550_000, [], account: "2222002233")].joined(separator: "\u{0}")])
        let result = try await run(path, days: [d])
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        // The account seen first keeps the code; the other's 5,500.00 moved to its own, and both tie.
        #expect(try cash(folder) == ["1000-2233 USD": "1300.00", "1000-002233 USD": "5500.00"])
        let summary = try String(contentsOfFile: "\(folder)/out/\(d)/summary.json", encoding: .utf8)
        #expect(summary.components(separatedBy: "\"status\": \"tied\"").count == 3, "\(summary)")
        let journal = try String(contentsOfFile: "\(folder)/out/\(d)/journal.csv", encoding: .utf8)
        #expect(journal.contains("bankreclass:2222002233:USD"), "\(journal)")
        // Moved once: the same day again, and the next, post nothing more.
        let again = try await run(path, days: [d])
        #expect(again.days.map(\.postedCount) == [0])
        #expect(try cash(folder) == ["1000-2233 USD": "1300.00", "1000-002233 USD": "5500.00"])
        #expect(try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").verify().isClean)
    }

    @Test func aPrepaymentIsAppliedTheDayItsInvoiceAppears() async throws {
        let folder = TestPaths.temporaryDirectory("prepay")
        let d = Self.days
        let path = try Self.job(in: folder, statements: [
            // A wire naming an invoice the ERP has not issued yet: held as Acme's unapplied cash.
            d[0]: Self.statement(d[0], opening: 100_000, [Self.wire(70_000, "FED9", "WIRE ACME TOOLS PREPAYMENT INV-30001")]),
            d[1]: Self.statement(d[1], opening: 170_000, []),
        ])
        let first = try await run(path, days: [d[0]])
        #expect(first.exitCode == .ok, "\(first.message ?? "")")
        let day1 = try rows("\(folder)/out/\(d[0])/remittance.csv")
        #expect(day1.contains { $0.contains(",C001,700.00,,700.00,0.00,0.00,unapplied,") }, "\(day1)")
        let raised = try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").exceptions(status: "open")
        #expect(!raised.isEmpty)
        // The next export lists the invoice, issued the next day.
        let invoices = folder + "/in/invoices.csv"
        try (try String(contentsOfFile: invoices, encoding: .utf8) + "INV-30001,C001,\(d[1]),2026-12-03,USD,700.00,700.00,NET30,\n")
            .write(toFile: invoices, atomically: true, encoding: .utf8)
        let second = try await run(path, days: [d[1]])
        #expect(second.exitCode == .ok, "\(second.message ?? "")")
        let day2 = try rows("\(folder)/out/\(d[1])/remittance.csv")
        // The receipt's unapplied cash goes down and the invoice's row says how: the day's rows add up to what moved.
        #expect(day2.contains { $0.contains(",C001,700.00,,-700.00,0.00,0.00,unapplied,") }, "\(day2)")
        #expect(day2.contains { $0.contains(",C001,700.00,INV-30001,700.00,0.00,0.00,unapplied-cash,") }, "\(day2)")
        let open = try String(contentsOfFile: "\(folder)/out/\(d[1])/open-items.csv", encoding: .utf8)
        #expect(open.contains("INV-30001,C001,2026-12-03,700.00,0.00,"), "\(open)")
        let aging = try String(contentsOfFile: "\(folder)/out/\(d[1])/aging.csv", encoding: .utf8)
        #expect(aging.contains("C001,\"Acme Tools, Inc.\",USD,1500.00,0.00,0.00,0.00,0.00,1500.00,0.00,"), "Acme: its other invoices open, nothing unapplied: \(aging)")
        // The exception it raised is resolved by settle, saying when and where the cash went.
        let after = try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite")
        for e in raised {
            let now = try #require(try after.exception(id: e.exceptionID))
            #expect(now.status == "resolved" && now.resolution == "settled" && now.resolutionNote.contains("INV-30001") && now.resolutionNote.contains("\(d[1])"),
                    "\(now)")
        }
        #expect(try after.verify().isClean)
        // Once: the same day again posts nothing, the next day applies nothing more.
        let again = try await run(path, days: [d[1]])
        #expect(again.days.map(\.postedCount) == [0])
        #expect(try rows("\(folder)/out/\(d[1])/remittance.csv") == day2)
    }

    /// The same prepayment where the export lists the invoice from the first day, issued the next: the first day neither
    /// sees nor opens it, the day it is issued opens it and the held cash goes to it.
    @Test func anInvoiceIssuedLaterInTheSameExportIsOpenedOnItsIssueDay() async throws {
        let folder = TestPaths.temporaryDirectory("prepay-export")
        let d = Self.days
        let path = try Self.job(in: folder, statements: [
            d[0]: Self.statement(d[0], opening: 100_000, [Self.wire(70_000, "FED9", "WIRE ACME TOOLS PREPAYMENT INV-30001")]),
            d[1]: Self.statement(d[1], opening: 170_000, []),
        ])
        let invoices = folder + "/in/invoices.csv"
        try (try String(contentsOfFile: invoices, encoding: .utf8) + "INV-30001,C001,\(d[1]),2026-12-03,USD,700.00,700.00,NET30,\n")
            .write(toFile: invoices, atomically: true, encoding: .utf8)
        let result = try await run(path, days: [d[0], d[1]])
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        #expect(!(try String(contentsOfFile: "\(folder)/out/\(d[0])/open-items.csv", encoding: .utf8)).contains("INV-30001"))
        #expect(!(try String(contentsOfFile: "\(folder)/out/\(d[0])/journal.csv", encoding: .utf8)).contains("INV-30001"))
        let day2 = try rows("\(folder)/out/\(d[1])/remittance.csv")
        #expect(day2.contains { $0.contains(",C001,700.00,INV-30001,700.00,0.00,0.00,unapplied-cash,") }, "\(day2)")
        #expect(try String(contentsOfFile: "\(folder)/out/\(d[1])/open-items.csv", encoding: .utf8).contains("INV-30001,C001,2026-12-03,700.00,0.00,"))
    }

    /// A credit memo the ERP applied itself: the next export shows the invoice lowered and the memo closed by the same
    /// amount. One event — one entry between the two, one MASTER_DATA_CHANGED — not two adjustments; a memo the ERP used
    /// alone is an adjustment of its own.
    @Test func aCreditMemoTheERPAppliedIsOneEvent() async throws {
        let folder = TestPaths.temporaryDirectory("erp-memo")
        let d = Self.days
        let path = try Self.job(in: folder, statements: [d[0]: Self.statement(d[0], opening: 100_000, []), d[1]: Self.statement(d[1], opening: 100_000, [])])
        let invoices = folder + "/in/invoices.csv"
        let original = try String(contentsOfFile: invoices, encoding: .utf8)
        try (original + "INV-40001,C002,2026-10-30,2026-11-29,USD,600.00,600.00,NET30,\nCM-4001,C002,2026-10-30,2026-10-30,USD,-100.00,-100.00,,\n"
             + "CM-4002,C001,2026-10-30,2026-10-30,USD,-50.00,-50.00,,\n").write(toFile: invoices, atomically: true, encoding: .utf8)
        let first = try await run(path, days: [d[0]])
        #expect(first.exitCode == .ok, "\(first.message ?? "")")
        let aging1 = try String(contentsOfFile: "\(folder)/out/\(d[0])/aging.csv", encoding: .utf8)
        #expect(aging1.contains { _ in true } && aging1.split(separator: "\n").contains { $0.hasPrefix("C002,") && $0.hasSuffix(",-100.00") }, "\(aging1)")
        // The ERP applied CM-4001 to INV-40001, and used CM-4002 on its own.
        try (original + "INV-40001,C002,2026-10-30,2026-11-29,USD,600.00,500.00,NET30,\nCM-4001,C002,2026-10-30,2026-10-30,USD,-100.00,0.00,,\n"
             + "CM-4002,C001,2026-10-30,2026-10-30,USD,-50.00,0.00,,\n").write(toFile: invoices, atomically: true, encoding: .utf8)
        let second = try await run(path, days: [d[1]])
        #expect(second.exitCode == .ok, "\(second.message ?? "")")
        let raised = try rows("\(folder)/out/\(d[1])/exceptions.csv").filter { $0.contains(",MASTER_DATA_CHANGED,") }
        #expect(raised.count == 2, "\(raised)")
        #expect(raised.contains { $0.contains("credit memo CM-4001 applied to INV-40001") }, "\(raised)")
        #expect(raised.contains { $0.contains("CM-4002") && $0.contains("ERP adjustment") }, "\(raised)")
        let journal = try String(contentsOfFile: "\(folder)/out/\(d[1])/journal.csv", encoding: .utf8)
        #expect(journal.contains("erp:CM-4001:INV-40001:\(d[1])"), "\(journal)")
        #expect(!journal.contains("erp:INV-40001:") && !journal.contains("erp:CM-4001:\(d[1])"), "\(journal)")
        let open = try String(contentsOfFile: "\(folder)/out/\(d[1])/open-items.csv", encoding: .utf8)
        #expect(open.contains("INV-40001,C002,2026-11-29,600.00,500.00,") && open.contains("CM-4001,C002,2026-10-30,-100.00,0.00,")
                && open.contains("CM-4002,C001,2026-10-30,-50.00,0.00,"), "\(open)")
        #expect(try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").verify().isClean)
        let again = try await run(path, days: [d[1]])
        #expect(again.days.map(\.postedCount) == [0])
    }

    /// An invoice paid twice: the second remittance naming it, a day after the first closed it, is OVER_PAY naming the
    /// receipt that closed it and its day; the cash stays unapplied (a refund through review).
    @Test func anInvoicePaidTwiceNamesThePaymentThatClosedIt() async throws {
        let folder = TestPaths.temporaryDirectory("paid-twice")
        let d = Self.days
        let path = try Self.job(in: folder, statements: [
            d[0]: Self.statement(d[0], opening: 100_000, [Self.wire(30_000, "FED1", "WIRE BLUE RIDGE INV-20004")]),
            d[1]: Self.statement(d[1], opening: 130_000, [Self.wire(30_000, "FED2", "WIRE BLUE RIDGE INV-20004 AGAIN")]),
        ])
        let result = try await run(path, days: [d[0], d[1]])
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        let first = try #require(try rows("\(folder)/out/\(d[0])/remittance.csv").first { $0.contains(",INV-20004,300.00,") })
        let receipt = String(first.prefix { $0 != "," })
        let raised = try rows("\(folder)/out/\(d[1])/exceptions.csv").filter { $0.contains(",OVER_PAY,") }
        #expect(raised.count == 1 && raised[0].contains("INV-20004 closed by an earlier payment, receipt \(receipt)") && raised[0].contains("of \(d[0])"), "\(raised)")
        #expect(try rows("\(folder)/out/\(d[1])/remittance.csv").contains { $0.contains(",C002,300.00,,300.00,0.00,0.00,unapplied,") })
    }

    /// A credit memo the ERP booked against an invoice before the memo itself reached the export: the invoice's lowered
    /// open amount was an ERP adjustment on its day; when the memo first appears as a row (closed, since the ERP applied
    /// it), the customer is not credited again.
    @Test func aMemoAlreadyBookedAsAnAdjustmentIsNotCreditedAgain() async throws {
        let folder = TestPaths.temporaryDirectory("erp-memo-later")
        let d = Self.days
        let path = try Self.job(in: folder, statements: [d[0]: Self.statement(d[0], opening: 100_000, []), d[1]: Self.statement(d[1], opening: 100_000, []),
                                                         d[2]: Self.statement(d[2], opening: 100_000, [])])
        let invoices = folder + "/in/invoices.csv"
        let original = try String(contentsOfFile: invoices, encoding: .utf8)
        try (original + "INV-40001,C002,2026-10-30,2026-11-29,USD,600.00,600.00,NET30,\n").write(toFile: invoices, atomically: true, encoding: .utf8)
        _ = try await run(path, days: [d[0]])
        // The ERP applied a memo: the invoice shows 100.00 less; the memo is not in the export yet.
        try (original + "INV-40001,C002,2026-10-30,2026-11-29,USD,600.00,500.00,NET30,\n").write(toFile: invoices, atomically: true, encoding: .utf8)
        _ = try await run(path, days: [d[1]])
        let receivables = { try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").balances(account: "1200").reduce(Int64(0)) { $0 + $1.balance.minorUnits } }
        let afterAdjustment = try receivables()
        // The memo reaches the export, applied (open 0.00): nothing more is booked for it.
        try (original + "INV-40001,C002,2026-10-30,2026-11-29,USD,600.00,500.00,NET30,\nCM-4001,C002,2026-11-03,2026-11-03,USD,-100.00,0.00,,\n")
            .write(toFile: invoices, atomically: true, encoding: .utf8)
        let third = try await run(path, days: [d[2]])
        #expect(third.exitCode == .ok, "\(third.message ?? "")")
        #expect(try receivables() == afterAdjustment)
        #expect(try rows("\(folder)/out/\(d[2])/exceptions.csv").filter { $0.contains(",MASTER_DATA_CHANGED,") }.isEmpty)
        let aging = try String(contentsOfFile: "\(folder)/out/\(d[2])/aging.csv", encoding: .utf8)
        #expect(aging.split(separator: "\n").contains { $0.hasPrefix("C002,") && $0.hasSuffix(",0.00") }, "no open credit: \(aging)")
    }

    /// An older ledger's key of a line with a real reference (`stmt:<account>:<reference>`, without direction and amount)
    /// names the same line sent again, never another line the bank gave the same reference.
    @Test func anOlderReferenceKeyNamesOnlyTheLineOfItsAmount() async throws {
        let fixture = TestPaths.packageRoot + "/Tests/PipelineTests/Fixtures/legacy-shared-last-four"
        let folder = TestPaths.temporaryDirectory("legacy-reference")
        try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
        for name in ["customers.csv", "invoices.csv", "ledger.sqlite", "2026-11-02"] {
            try FileManager.default.copyItem(atPath: "\(fixture)/\(name)", toPath: name == "ledger.sqlite" ? "\(folder)/\(name)" : "\(folder)/in/\(name)")
        }
        let d = Self.days[1], e = Self.days[2]
        // A new wire the bank also calls FED1, of 123.45; the next day FED1 of 300.00 (posted on 2026-11-02) sent again.
        let path = try Self.job(in: folder, statements: [
            d: [Self.statement(d, opening: 130_000, [Self.wire(12_345, "FED1", "WIRE ACME TOOLS")], account: "1111002233"),
                Self.statement(d, opening: 550_000, [], account: "2222002233")].joined(separator: "\u{0}"),
            e: [Self.statement(e, opening: 142_345, [Self.wire(30_000, "FED1", "WIRE BLUE RIDGE INV-20004")], account: "1111002233"),
                Self.statement(e, opening: 550_000, [], account: "2222002233")].joined(separator: "\u{0}"),
        ])
        let result = try await run(path, days: [d, e])
        #expect(result.days.map(\.receiptCount) == [1, 0], "\(result.message ?? "")")
        let log = try String(contentsOfFile: "\(folder)/out/\(e)/run.log", encoding: .utf8)
        #expect(log.contains("300.00 stmt:1111002233:FED1: posted by the run of 2026-11-02"), "\(log)")
        #expect(try rows("\(folder)/out/\(d)/remittance.csv").contains { $0.contains(",123.45,") })
    }

    /// Our ACH debit pulls Delta Marine's INV-10016 the day before the ERP issues it: held as Delta's unapplied cash, then
    /// applied the day the invoice appears; when the debit comes back (R01), the return takes the cash back from the
    /// invoice it went to — INV-10016 open again, nothing left in unapplied cash.
    @Test func aReturnTakesBackCashAppliedOnALaterDay() async throws {
        let folder = TestPaths.temporaryDirectory("return-reapplied")
        try FileManager.default.copyItem(atPath: TestPaths.samples, toPath: folder + "/Samples")
        let invoices = folder + "/Samples/invoices.csv"
        try (try String(contentsOfFile: invoices, encoding: .utf8)).replacingOccurrences(of: "INV-10016,C004,2026-10-15,", with: "INV-10016,C004,2026-11-04,")
            .write(toFile: invoices, atomically: true, encoding: .utf8)
        let manifest = try String(contentsOfFile: try SampleJobTests.manifest(in: folder), encoding: .utf8)
            .replacingOccurrences(of: TestPaths.samples, with: folder + "/Samples")
        try manifest.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        let result = try await run(folder + "/job.json", days: Array(SampleJobTests.days.prefix(5)))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        let held = try rows("\(folder)/out/2026-11-03/remittance.csv")
        #expect(held.contains { $0.contains(",C004,5125.00,,5125.00,0.00,0.00,unapplied,") }, "\(held)")
        let applied = try rows("\(folder)/out/2026-11-04/remittance.csv")
        #expect(applied.contains { $0.contains(",INV-10016,5125.00,0.00,0.00,unapplied-cash,") }, "\(applied)")
        let returned = try rows("\(folder)/out/2026-11-06/remittance.csv")
        #expect(returned.contains { $0.contains(",INV-10016,-5125.00,0.00,0.00,return,") }, "\(returned)")
        let open = try String(contentsOfFile: "\(folder)/out/2026-11-06/open-items.csv", encoding: .utf8)
        #expect(open.contains("INV-10016,C004,2026-12-14,5125.00,5125.00,"), "\(open)")
        let unapplied = try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").balances(account: "2100", byCustomer: true).filter { $0.customerID == "C004" }
        #expect(unapplied.allSatisfy { $0.balance.isZero }, "\(unapplied)")
        #expect(try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").verify().isClean)
    }

    /// One account number at two banks: two accounts (the bank is part of the identity), each with its own cash account,
    /// each tied to its own statement.
    @Test func theSameNumberAtTwoBanksIsTwoAccounts() async throws {
        let folder = TestPaths.temporaryDirectory("two-banks")
        let d = Self.days[0]
        let first = Self.statement(d, opening: 100_000, [Self.wire(30_000, "FED1", "WIRE BLUE RIDGE INV-20004")], account: "1111002233")
        let second = BAI2Writer.statement(routing: "021000021", account: "1111002233", day: d, opening: 700_000,
                                          details: [Self.wire(50_000, "CHASE1", "WIRE ACME TOOLS INV-20001")])
        let path = try Self.job(in: folder, statements: [d: first + "\u{0}" + second])
        let result = try await run(path, days: [d])
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        // Registered in the order of number, currency and bank: 021000021's account first.
        #expect(try cash(folder) == ["1000-2233 USD": "7500.00", "1000-002233 USD": "1300.00"])
        let summary = try String(contentsOfFile: "\(folder)/out/\(d)/summary.json", encoding: .utf8)
        #expect(summary.components(separatedBy: "\"status\": \"tied\"").count == 3, "\(summary)")
    }

    /// An account the manifest expects a statement of every business day: a day whose previous business day's statement
    /// never came is not a good day — STATEMENT_GAP, "no statement" in the summary, exit 4. A statement of the day
    /// itself may still come the next morning.
    @Test func aMissingExpectedStatementIsNotAGoodDay() async throws {
        let folder = TestPaths.temporaryDirectory("expected")
        let d = Self.days + [Day(year: 2026, month: 11, day: 5)!]
        let path = try Self.job(in: folder, statements: [d[0]: Self.statement(d[0], opening: 100_000, []), d[1]: Self.statement(d[1], opening: 100_000, [])],
                                extra: #", "bank_accounts": [ { "account": "1111002233", "currency": "USD", "statements": "daily" } ]"#)
        let result = try await run(path, days: d)
        #expect(result.days.map(\.day) == d)
        // 11-02 and 11-03 came; 11-04's run finds 11-03's (no statement of its own yet: fine); 11-05's finds none of 11-04.
        #expect(result.exitCode == .booksDoNotTie, "\(result.message ?? "")")
        for day in d.prefix(3) {
            #expect(try rows("\(folder)/out/\(day)/exceptions.csv").filter { $0.contains(",STATEMENT_GAP,") && $0.contains("expects daily") }.isEmpty)
        }
        let gap = try rows("\(folder)/out/\(d[3])/exceptions.csv").filter { $0.contains(",STATEMENT_GAP,") && $0.contains("expects daily") }
        #expect(gap.count == 1 && gap[0].contains("of 2026-11-04"), "\(gap)")
        let summary = try String(contentsOfFile: "\(folder)/out/\(d[3])/summary.json", encoding: .utf8)
        #expect(summary.contains("\"status\": \"no statement\""), "\(summary)")
        // 11-05 read no statement and lacks 11-04's: no bank data at all, and the page says so instead of 100%.
        #expect(summary.contains("\"bank_data\": \"none\""), "\(summary)")
        let page = try String(contentsOfFile: "\(folder)/out/\(d[3])/summary.html", encoding: .utf8)
        #expect(page.components(separatedBy: "no bank data</div><div>match rate").count == 3, "both rate tiles")
        #expect(page.contains("No bank data for ••••2233 (USD) of 2026-11-04."))
    }
}
