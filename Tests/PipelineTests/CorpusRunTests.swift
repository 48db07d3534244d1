import Accounting
import Core
import Foundation
import Ledger
import Matching
import Pipeline
import Statements
import Testing
import TestSupport

/// Every real statement of `../shared/corpus/statements` (BAI2, camt.052/053/054, and the bank CSV exports a profile
/// of `Jobs/profiles/` reads) run through the pipeline as a day of its own, in a job of its own. Per file:
///
/// 1. every booked line the reader yields is accounted for: posted (its content key in the ledger) or listed in the
///    day's run log (`statement line not posted: FILE:LINE ...`); a file the reader rejects posts nothing and is
///    quarantined, with an `INVALID_INPUT` naming it, and the run exits 1;
/// 2. where the file carries final closing balances (BAI2 015 of a final group, camt `CLBD` of a statement), each
///    `bank` row of summary.json holds what the books should: the account's first opening plus its booked lines
///    through the statement's day, in the closing's currency. It is `tied` where the file's own arithmetic holds;
///    where it does not (`inconsistent` says why, file by file) it is a `difference`, with a `BANK_DIFFERENCE` in
///    exceptions.csv naming both figures, and the run exits 4;
/// 3. the run exits 0, 1 or 4 as CONTRACT.md says, and the ledger verifies clean.
///
/// The day run is the statement's own: the latest day with a final closing balance, else the latest booking day of
/// its booked lines (a notification, a CSV export), else the day its balances name. Lines are posted on their own
/// days whatever the day run; on the statement's day every statement of the file is tied, the last one against all
/// the run posted and earlier ones against the entries effective through their own day, as a nightly run of the
/// day the bank delivered it would.
// One file at a time: 130 whole runs at once kept the rest of the suite's blocking reads waiting past their time caps
// (BlockingWorkTests) on a 2-core machine.
@Suite(.serialized) struct CorpusRunTests {
    struct Case: Sendable, CustomTestStringConvertible {
        /// Relative to the corpus's `statements/`.
        var file: String
        var format: SourceFormat
        /// The manifest's validation (`strict` is its default).
        var strict = true
        /// CSV: the bank's profile in `Jobs/profiles/`, and the currency the export is in.
        var profile: String? = nil
        var currency: String? = nil
        var testDescription: String { strict ? file : file + " (lenient)" }
        var name: String { (file as NSString).lastPathComponent }
    }

    static var statements: String? { TestPaths.corpus.map { $0 + "/statements" } }

    /// The corpus's negative cases, as its INDEX says: the reader rejects them, the run quarantines them and exits 1.
    static let invalid: [String: String] = [
        "bai2/moov-io__bai2/errors/sample-parseError.txt": "unknown record type '00' on line 1",
        "bai2/zeptofs__bai2/invalid_checksum_eod.bai2": "the 49/98/99 totals are a cent off the detail",
        "bai2/dnsbty__bai2/test3.bai": "truncated: 01/02/03 only, no trailers",
        "camt/genkgo__camt/camt053.v2.wrong.xml": "a camt.053 namespace without a statement",
        "camt/kedder__ofxstatement-iso20022/unsupported.xml": "an unknown namespace",
        // The INDEX wants it unzipped; DESIGN's formats read gzip (.gz) only: a zip archive is not XML, and is said so.
        "camt/OCA__bank-statement-import/test-camt053.zip": "a zip archive (settle reads .gz, not .zip)",
    ]

    /// The files whose own balances do not add up (opening plus booked lines is not the closing balance): their
    /// `BANK_DIFFERENCE` is the file's, not ours. Every other file with a final closing balance ties.
    static let inconsistent: [String: String] = [
        "bai2/ministryofjustice__bai2/citi_example.bai2": "opening (010) and closing (015) both 100.00 around a 0.01 credit (type 191)",
        "bai2/zeptofs__bai2/daily_with_summary.bai2": "opening and closing 0.00 around a 250.01 credit (type 174)",
        // Read leniently (their trailers do not reconcile either).
        "bai2/moov-io__bai2/sample3.txt": "anonymized: the group's accounts share the numbers 1111111 and 11111111, each with balances of its own; as one account per number the day's last closing (0.00) is not the first opening plus every line",
        "bai2/moov-io__bai2/sample4-continuations-newline-delimited.txt": "account 104108339: 010 1595811.94 and 015 1593811.94 (one 2000.00 debit, says its 400 summary) around fourteen details of -299031.74",
        "bai2/moov-io__bai2/sample5-issue113.txt": "as sample4, with three more details (an incoming wire of 37979996.24 among them)",
        "camt/OCA__bank-statement-import/test-camt053": "OPBD 15568.27 to CLBD 15121.12 (-447.15) around entries of -12.99 (-754.25, a reversal -664.05, +1405.31); the INDEX says so",
        "camt/genkgo__camt/camt053.v2.all-balance-types.xml": "placeholder balances (OPBD 1.01, CLBD 4.04) around an 8.85 credit",
        "camt/genkgo__camt/camt053.v2.five.decimals.xml": "OPBD 18.150 + 8.850 is 27.000, CLBD says 27.050",
        "camt/genkgo__camt/camt053.v2.minimal.xml": "CLBD is 27.00 DBIT in SEK; the account, its OPBD and its entry are EUR (18.15 + 8.85)",
        "camt/genkgo__camt/camt053.v2.minimal.ultimate.xml": "as minimal: CLBD 27.00 DBIT in SEK on a EUR account",
        "camt/genkgo__camt/camt053.v2.with-party-ids.xml": "as minimal: CLBD 27.00 DBIT in SEK on a EUR account",
        "camt/genkgo__camt/camt053.v3.xml": "as minimal: CLBD 27.00 DBIT in SEK on a EUR account",
        "camt/genkgo__camt/camt053.v4.xml": "as minimal: CLBD 27.00 DBIT in SEK on a EUR account",
        "camt/genkgo__camt/camt053.v8.xml": "as minimal: CLBD 27.00 DBIT in SEK on a EUR account",
        "camt/kedder__ofxstatement-iso20022/gcamp6.xml": "OPBD 0.00, five credits of 13010.00, CLBD 10000.00; the INDEX says so",
        "camt/sebastienrousseau__camt053/statement_ac04.xml": "only a CLBD (10000.00), no opening balance: the books start from nothing",
    ]

    static func cases() -> [Case] {
        guard let root = statements else { return [] }
        var out: [Case] = []
        // BAI2: every file of the INDEX strictly (the manifest's default); a real file whose trailers do not reconcile
        // (strict reading rejects it) also leniently, as a job that must take the bank's file would read it.
        if let index = try? String(contentsOfFile: root + "/bai2/INDEX.md", encoding: .utf8) {
            for row in index.split(separator: "\n") where row.hasPrefix("| `") {
                let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                guard cells.count > 8 else { continue }
                let file = "bai2/" + cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
                out.append(Case(file: file, format: .bai2))
                if cells[8] != "yes", invalid[file] == nil { out.append(Case(file: file, format: .bai2, strict: false)) }
            }
        }
        // camt: every data file (the expected parses aside), its message type from its namespace.
        let camt = root + "/camt"
        let names = (FileManager.default.enumerator(atPath: camt)?.allObjects as? [String]) ?? []
        for name in names.sorted() where !name.hasSuffix(".md") && !name.contains("expected") && name.contains("/") {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: camt + "/" + name, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            let format = Ingest.detectFormat(path: camt + "/" + name) ?? .camt053
            out.append(Case(file: "camt/" + name, format: [.camt052, .camt054].contains(format) ? format : .camt053))
        }
        // CSV: the exports a bank's profile reads, from the table the readers' tests use.
        for c in BankCSVCorpus.cases where c.shippedProfilePath != nil {
            out.append(Case(file: "csv/" + c.file, format: .csv, profile: c.shippedProfilePath, currency: c.currency))
        }
        return out
    }

    @Test func corpusIsPresentOrSkippedWithAMessage() {
        guard Self.statements != nil else { print("corpus run tests skipped: ../shared/corpus is not beside the package root"); return }
        let cases = Self.cases()
        #expect(cases.filter { $0.format == .bai2 && $0.strict }.count == 23)
        #expect(cases.filter { [.camt052, .camt053, .camt054].contains($0.format) }.count == 41)
        #expect(cases.filter { $0.format == .csv }.count == BankCSVCorpus.cases.filter { $0.shippedProfilePath != nil }.count)
        let files = Set(cases.map(\.file))
        #expect(Set(Self.invalid.keys).isSubset(of: files) && Set(Self.inconsistent.keys).isSubset(of: files))
    }

    /// A source that says `"strict": false` (or true) is read so: a JSON boolean, told apart from the numbers 1 and 0.
    @Test func aSourceMayBeReadLeniently() throws {
        let folder = TestPaths.temporaryDirectory("strict-source")
        try "customer_id,name,aliases,ach_company_ids,credit_limit,terms\n".write(toFile: folder + "/c.csv", atomically: true, encoding: .utf8)
        try "invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number\n".write(toFile: folder + "/i.csv", atomically: true, encoding: .utf8)
        for strict in ["true", "false"] {
            try """
                { "version": 1, "ledger": "l.sqlite", "output": "out", "archive": "archive", "customers": "c.csv", "invoices": "i.csv",
                  "sources": [ { "format": "bai2", "path": "{date}/*.bai", "strict": \(strict) } ] }
                """.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
            let manifest = try Manifest.load(path: folder + "/job.json")
            #expect(manifest.sources.first?.strict == (strict == "true"))
        }
    }

    // MARK: - The file as the reader gives it

    /// One statement of the file (a BAI2 group's account, a camt statement, a CSV export): its balances, whether it is
    /// the day's final word, and its booked lines.
    struct Statement {
        var account: String
        var currency: Currency
        var day: Day?
        var opening: Money?
        var closing: Money?
        var isFinal: Bool
        var lines: [StatementLine]
    }

    struct Reading {
        /// The lines as `Ingest` hands them to the day (BAI2: `postableLines`): what the run keys.
        var lines: [StatementLine] = []
        /// The lines the reader yields as booked: each must be posted or listed.
        var booked: [StatementLine] = []
        var statements: [Statement] = []
        var worst: Severity?
        var diagnostics: [Diagnostic] = []
    }

    /// The file read as `Ingest.parse` reads it, its locations named `display`.
    static func read(_ c: Case, path: String, display: String, currency: Currency) throws -> Reading {
        var out = Reading()
        switch c.format {
        case .bai2:
            let file = try BAI2Reader(options: BAI2Options(strict: c.strict)).read(source: try FileByteSource(path: path), fileName: display, defaultCurrency: currency)
            out.lines = file.postableLines
            out.booked = file.lines.filter(\.isBooked)
            for group in file.groups {
                // Final as the BAI2 specification has it: not a test group (status 4), not interim data (as-of-date
                // modifier 1 previous-day, 3 same-day); 2 and 4 are final previous-day and final same-day data.
                let final = group.status != "4" && !["1", "3"].contains(group.asOfDateModifier)
                for account in group.accounts {
                    out.statements.append(Statement(account: account.number, currency: account.currency, day: group.asOfDay,
                                                    opening: account.summaries.first { $0.typeCode == 10 }?.amount,
                                                    closing: account.summaries.first { $0.typeCode == 15 }?.amount,
                                                    isFinal: final, lines: final ? account.details.filter(\.isBooked) : []))
                }
            }
            out.worst = file.diagnostics.worst
            out.diagnostics = file.diagnostics.items
        case .camt052, .camt053, .camt054:
            let file = CamtReader().read(source: try FileByteSource(path: path), fileName: display, defaultCurrency: currency)
            out.lines = file.lines
            out.booked = file.lines.filter(\.isBooked)
            let final = !file.messageType.contains("052")
            for s in file.statements {
                let opening = s.balances.first { $0.code == "OPBD" } ?? s.balances.first { $0.code == "PRCD" }
                let closing = s.balances.first { $0.code == "CLBD" }
                out.statements.append(Statement(account: s.account, currency: closing?.amount.currency ?? opening?.amount.currency ?? s.currency ?? currency,
                                                day: closing?.day ?? opening?.day, opening: opening?.amount, closing: closing?.amount, isFinal: final,
                                                lines: final ? s.lines.filter(\.isBooked) : []))
            }
            out.worst = file.diagnostics.worst
            out.diagnostics = file.diagnostics.items
        case .csv:
            let profile = try BankProfile.load(path: c.profile!)
            let result = BankCSVReader(profile: profile).read(source: try FileByteSource(path: path), fileName: display, account: Self.csvAccount, currency: currency)
            out.lines = result.lines
            out.booked = result.lines.filter(\.isBooked)
            out.statements = [Statement(account: Self.csvAccount, currency: currency, day: nil, opening: nil, closing: nil, isFinal: true, lines: out.booked)]
            out.worst = result.diagnostics.worst
            out.diagnostics = result.diagnostics.items
        case .nacha:
            Issue.record("\(c.file) is not a statement")
        }
        return out
    }

    /// The account a CSV source names (a bank export does not say its own).
    static let csvAccount = "1001"

    /// The day the file is run on: its latest final closing balance's, else its latest booked line's, else its
    /// balances', else any day.
    static func day(of reading: Reading) -> Day {
        reading.statements.filter { $0.isFinal && $0.closing != nil }.compactMap(\.day).max()
            ?? reading.booked.map(\.bookingDay).max()
            ?? reading.statements.compactMap(\.day).max()
            ?? Day(year: 2026, month: 11, day: 2)!
    }

    /// The currency the job keeps its books in: the file's (its first statement's or line's), as a job over this
    /// bank account would say; a CSV export's as the readers' tests read it.
    static func currency(of reading: Reading, _ c: Case) -> Currency {
        if let code = c.currency { return Currency.iso(code) ?? .usd }
        return reading.statements.first?.currency ?? reading.lines.first?.amount.currency ?? .usd
    }

    // MARK: - What the books should say

    /// A statement closing the books are tied to, and what they hold (or should) through its day.
    struct Tie: Hashable, CustomStringConvertible {
        var currency: String
        var day: String
        var closing: String
        var books: String
        var ties: Bool { closing == books }
        var description: String { "\(day) \(currency) closing \(closing) books \(books)" }
    }

    /// Per account and currency (the books keep one cash account of each): the opening of its first final statement,
    /// then every booked line of the currency a run posts, through each closing's day. One check per account,
    /// currency and day: the last statement read of the day, as `BankDifference.checks` takes it.
    static func expectedTies(_ reading: Reading) -> [Tie] {
        var accounts: [String: [Statement]] = [:]
        for s in reading.statements { accounts[BankAccountNumber.normalized(s.account), default: []].append(s) }
        var out: [Tie] = []
        for statements in accounts.values {
            let finals = statements.enumerated().filter { $0.element.isFinal && ($0.element.opening != nil || $0.element.closing != nil) && $0.element.day != nil }
            var checks: [String: (day: Day, closing: Money)] = [:]
            for (_, s) in finals { if let closing = s.closing { checks["\(closing.currency.code)|\(s.day!)"] = (s.day!, closing) } }
            for check in checks.values {
                let currency = check.closing.currency
                // The first final statement of the account in this currency gives the books their opening.
                let first = finals.filter { ($0.element.closing ?? $0.element.opening)?.currency == currency }.min { ($0.element.day!, $0.offset) < ($1.element.day!, $1.offset) }
                var books: Int64 = first?.element.opening.map { $0.currency == currency ? $0.minorUnits : 0 } ?? 0
                for s in statements {
                    for line in s.lines where line.amount.currency == currency && (s.day ?? line.bookingDay) <= check.day { books += line.amount.minorUnits }
                }
                out.append(Tie(currency: currency.code, day: check.day.description, closing: MoneyFormat.plain(check.closing.minorUnits, exponent: currency.exponent),
                               books: MoneyFormat.plain(books, exponent: currency.exponent)))
            }
        }
        return out.sorted { ($0.day, $0.currency, $0.closing, $0.books) < ($1.day, $1.currency, $1.closing, $1.books) }
    }

    // MARK: - The run

    struct Run {
        var folder: String
        var day: Day
        var result: RunResult
        var output: String { "\(folder)/out/\(day)" }
    }

    /// A job of its own in a temporary folder: the file copied in as `in/<day>/<name>` (the source names it without a
    /// wildcard, so it must be there), one customer with one open invoice.
    static func run(_ c: Case, path: String, day: Day, currency: Currency) async throws -> Run {
        let folder = TestPaths.temporaryDirectory("corpus-run")
        try FileManager.default.createDirectory(atPath: "\(folder)/in/\(day)", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path, toPath: "\(folder)/in/\(day)/\(c.name)")
        try """
            customer_id,name,aliases,ach_company_ids,credit_limit,terms
            C001,Corpus Customer,,,,NET30

            """.write(toFile: folder + "/in/customers.csv", atomically: true, encoding: .utf8)
        try """
            invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number
            INV-1,C001,\(day.adding(days: -30)),\(day),\(currency.code),100.00,100.00,NET30,

            """.write(toFile: folder + "/in/invoices.csv", atomically: true, encoding: .utf8)
        var source = #"{ "format": "\#(c.format.rawValue)", "path": "in/{date}/\#(c.name)""#
        if let profile = c.profile { source += #", "profile": "\#(profile)", "account": "\#(csvAccount)""# }
        source += " }"
        try """
            {
              "version": 1, "name": "corpus-run", "currency": "\(currency.code)", "validation": "\(c.strict ? "strict" : "lenient")",
              "ledger": "ledger.sqlite", "output": "out", "archive": "archive",
              "customers": "in/customers.csv", "invoices": "in/invoices.csv",
              "sources": [ \(source) ]
            }
            """.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        let result = await JobRunner(manifest: try Manifest.load(path: folder + "/job.json")).run(RunOptions(days: [day], concurrency: 2))
        return Run(folder: folder, day: day, result: result)
    }

    /// `SETTLE_CORPUS_REPORT=1 swift test --filter CorpusRunTests` prints each file's outcome.
    static var reporting: Bool { ProcessInfo.processInfo.environment["SETTLE_CORPUS_REPORT"] != nil }

    static func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    struct Summary {
        var rows: [Tie] = []
        var statuses: [String] = []
        var notPosted: Int?
    }

    /// summary.json's `bank` rows (sorted as `expectedTies`) and its count of lines not posted.
    static func summary(_ path: String) -> Summary {
        guard let data = FileManager.default.contents(atPath: path), let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return Summary() }
        let bank = root["bank"] as? [[String: Any]] ?? []
        let rows = bank.map { row in
            Tie(currency: row["currency"] as? String ?? "", day: row["statement_day"] as? String ?? "", closing: row["statement_closing"] as? String ?? "",
                books: row["book_balance"] as? String ?? "")
        }
        let order = rows.indices.sorted { (rows[$0].day, rows[$0].currency, rows[$0].closing, rows[$0].books) < (rows[$1].day, rows[$1].currency, rows[$1].closing, rows[$1].books) }
        return Summary(rows: order.map { rows[$0] }, statuses: order.map { bank[$0]["status"] as? String ?? "" },
                       notPosted: (root["ingest"] as? [String: Any])?["statement_lines_not_posted"] as? Int)
    }

    // MARK: - The test

    @Test(arguments: CorpusRunTests.cases())
    func everyLineIsPostedOrListedAndTheBooksTie(_ c: Case) async throws {
        guard let root = Self.statements else { print("skipped: ../shared/corpus is absent"); return }
        let path = root + "/" + c.file
        // Read once for the day and currency, then again as the run names the file (`in/<day>/<name>`).
        let first = try Self.read(c, path: path, display: c.name, currency: c.currency.flatMap { Currency.iso($0) } ?? .usd)
        let currency = Self.currency(of: first, c)
        let day = Self.day(of: first)
        let reading = try Self.read(c, path: path, display: "in/\(day)/\(c.name)", currency: currency)
        let run = try await Self.run(c, path: path, day: day, currency: currency)
        let exit = run.result.exitCode
        let ledger = try SQLiteLedgerReader(path: run.folder + "/ledger.sqlite")
        let keys = Set(try ledger.entries().map(\.sourceKey))
        let log = Self.text(run.output + "/run.log")
        let exceptions = Self.text(run.output + "/exceptions.csv").split(separator: "\n").dropFirst()
        let summary = Self.summary(run.output + "/summary.json")

        // 3. No crash, an exit code of the contract's, books that verify.
        #expect([.ok, .inputRejected, .booksDoNotTie].contains(exit), "\(c.file): exit \(exit.rawValue): \(run.result.message ?? "")")
        let report = try ledger.verify()
        #expect(report.isClean, "\(c.file): the ledger does not verify: \(report.integrityProblems) \(report.unbalancedEntries.map(\.sourceKey)) \(report.accountDayMismatches)")

        if let why = Self.invalid[c.file] { #expect(reading.worst == .fatal, "\(c.file) is a negative case (\(why)): the reader must reject it") }
        if reading.worst == .fatal {
            // Rejected whole: quarantined with why, nothing of it posted, exit 1.
            let kept = (try? FileManager.default.contentsOfDirectory(atPath: "\(run.folder)/archive/quarantine/\(day)")) ?? []
            #expect(kept.contains { $0.hasSuffix("-" + c.name) } && kept.contains { $0.hasSuffix("-\(c.name).reason") }, "\(c.file): not quarantined (\(kept))")
            #expect(exit == .inputRejected, "\(c.file): \(run.result.message ?? "")")
            #expect(exceptions.contains { $0.contains(",INVALID_INPUT,error,") && $0.contains(c.name) }, "\(c.file): \(Array(exceptions))")
            #expect(!keys.contains { $0.hasPrefix("stmt:") || $0.hasPrefix("bankopen:") }, "\(c.file): \(keys.sorted())")
            if Self.reporting { print("corpus run: \(c.testDescription): day \(day), exit \(exit.rawValue), rejected: \(reading.diagnostics.first { $0.severity == .fatal }?.description ?? "")") }
            return
        }

        // 1. Every booked line posted (its key in the ledger) or listed in the run log with its FILE:LINE.
        let keyed = StatementReceipts.keyed(reading.lines)
        var keyOf: [String: [String]] = [:]
        var repeated: [String: [String]] = [:]
        for k in keyed.lines { keyOf["\(k.line.location.fileAndLine) \(k.line.amount)", default: []].append(k.key) }
        for s in keyed.skipped { repeated["\(s.location.fileAndLine) \(s.amount)", default: []].append(s.key) }
        var posted = 0, listed = 0
        var missing: [String] = []
        for line in reading.booked {
            let at = "\(line.location.fileAndLine) \(line.amount)"
            if let key = keyOf[at]?.first {
                keyOf[at]?.removeFirst()
                if keys.contains(key) { posted += 1; continue }
                if log.contains("statement line not posted: \(at) \(key): ") { listed += 1; continue }
            } else if let key = repeated[at]?.first {
                repeated[at]?.removeFirst()
                // An intraday report's line has no key: it is listed by where it is.
                if log.contains("statement line not posted: \(at)" + (key.isEmpty ? ":" : " \(key): ")) { listed += 1; continue }
            } else if log.contains("statement line not posted: \(at) ") {
                listed += 1
                continue
            }
            missing.append("\(at) (\(line.format.rawValue) \(line.typeCode))")
        }
        #expect(missing.isEmpty, "\(c.file): booked lines neither posted nor listed: \(missing.prefix(5))")
        #expect(summary.notPosted == listed, "\(c.file): summary.json counts \(summary.notPosted ?? -1) lines not posted, run.log lists \(listed)")

        // 2. The books tied to each final closing balance the file carries.
        let expected = Self.expectedTies(reading)
        #expect(summary.rows == expected, "\(c.file): summary.json's bank rows \(summary.rows); the books should be \(expected)")
        #expect(summary.statuses == summary.rows.map { $0.ties ? "tied" : "difference" }, "\(c.file): \(summary.statuses)")
        let differences = exceptions.filter { $0.contains(",BANK_DIFFERENCE,error,") }
        let untied = expected.filter { !$0.ties }
        #expect(differences.count == untied.count, "\(c.file): \(Array(differences))")
        for tie in untied {
            #expect(differences.contains { $0.contains("hold \(tie.books) in \(tie.currency) through \(tie.day)") && $0.contains("closing balance is \(tie.closing)") },
                    "\(c.file): no BANK_DIFFERENCE names \(tie): \(Array(differences))")
        }
        #expect(!untied.isEmpty == (Self.inconsistent[c.file] != nil),
                "\(c.file): \(untied.isEmpty ? "ties, though listed as inconsistent" : "does not add up (\(untied)), and is not listed as inconsistent")")

        // The exit code: 1 for a file read with errors (partly rejected: an INVALID_INPUT says what was left out), else 4
        // where a statement does not tie, else 0.
        if (reading.worst ?? .warning) >= .error {
            #expect(exceptions.contains { $0.contains(",INVALID_INPUT,error,") && $0.contains(c.name) }, "\(c.file): \(Array(exceptions))")
        }
        let expectedExit: ExitCode = (reading.worst ?? .warning) >= .error ? .inputRejected : untied.isEmpty ? .ok : .booksDoNotTie
        #expect(exit == expectedExit, "\(c.file): \(run.result.message ?? "")")

        if Self.reporting {
            let lost = missing.count
            print("corpus run: \(c.testDescription): day \(day), exit \(exit.rawValue), booked \(reading.booked.count), posted \(posted), listed \(listed), neither \(lost)"
                  + (expected.isEmpty ? "" : ", " + zip(summary.rows, summary.statuses).map { "\($0) \($1)" }.joined(separator: "; ")))
        }
    }

    /// The books are tied to a statement through its own day whatever day's folder delivered it (`BankDifference`):
    /// the same file run the day after its latest closing balance gives the same `bank` rows.
    @Test(arguments: CorpusRunTests.cases())
    func theBooksTieTheSameRunADayLater(_ c: Case) async throws {
        guard let root = Self.statements else { print("skipped: ../shared/corpus is absent"); return }
        let path = root + "/" + c.file
        let first = try Self.read(c, path: path, display: c.name, currency: c.currency.flatMap { Currency.iso($0) } ?? .usd)
        // Only a file that carries a final closing balance and is not rejected is tied.
        guard first.worst != .fatal, first.statements.contains(where: { $0.isFinal && $0.closing != nil }) else { return }
        let currency = Self.currency(of: first, c)
        let day = Self.day(of: first).adding(days: 1)
        let reading = try Self.read(c, path: path, display: "in/\(day)/\(c.name)", currency: currency)
        let run = try await Self.run(c, path: path, day: day, currency: currency)
        #expect([.ok, .inputRejected, .booksDoNotTie].contains(run.result.exitCode), "\(c.file): \(run.result.message ?? "")")
        let expected = Self.expectedTies(reading)
        let summary = Self.summary(run.output + "/summary.json")
        #expect(summary.rows == expected, "\(c.file) run on \(day): summary.json's bank rows \(summary.rows); the books should be \(expected)")
        if Self.reporting { print("corpus run a day later: \(c.testDescription): day \(day), exit \(run.result.exitCode.rawValue), " + zip(summary.rows, summary.statuses).map { "\($0) \($1)" }.joined(separator: "; ")) }
    }
}
