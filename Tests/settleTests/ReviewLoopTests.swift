import Accounting
import Core
import Foundation
@testable import Ledger
@testable import settle
import Testing
import TestSupport

/// The morning review, walked on the Samples: a run raises AMBIGUOUS, a reviewer decides, the next run books the
/// decision once, a reopen reverses it; the same through `import`; what each type refuses.
@Suite struct ReviewLoopTests {
    /// The ledger `firstDay` runs on: nil, a SQLite file in the test's folder; else this PostgreSQL URL (entity acme-us).
    var postgreSQL: String?

    func settle(_ arguments: [String]) async -> (code: Int32, out: String, err: String) {
        let console = Console(echo: false)
        let code = await Settle(console: console).run(arguments)
        return (code, console.standardOutput, console.standardError)
    }

    /// The sample job of the first day on a fresh ledger; the AMBIGUOUS receipt of FOXTROT (4,000.00, INV-10020 or INV-10021).
    func firstDay(writeOffLimit: String? = nil) async throws -> (manifest: String, ledger: String, out: String) {
        let folder = TestPaths.temporaryDirectory("review")
        let samples = TestPaths.samples
        let review = writeOffLimit.map { #", "review": {"write_off_limit": "\#($0)"}"# } ?? ""
        let text = """
            {"version": 1, "ledger": "\(postgreSQL ?? folder + "/l.sqlite")", "output": "\(folder)/out", "archive": "\(folder)/arc",
             "customers": "\(samples)/customers.csv", "invoices": "\(samples)/invoices.csv",\(postgreSQL == nil ? "" : #" "entity": "acme-us","#)
             "sources": [{"format": "nacha", "path": "\(samples)/{date}/ach/*.ach"}, {"format": "bai2", "path": "\(samples)/{date}/bank/*.bai"}],
             "matching": {"tolerance": "1.00"}\(review)}
            """
        try text.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        let run = await settle(["run", folder + "/job.json", "--date", "2026-11-02"])
        #expect(run.code == 0, "\(run.err)")
        return (folder + "/job.json", postgreSQL ?? folder + "/l.sqlite", folder + "/out/2026-11-02")
    }

    /// The books `firstDay`'s ledger holds, on either backend.
    func view(_ ledger: String) throws -> any LedgerReading {
        guard case let .postgresql(address) = try LedgerLocation.parse(ledger) else { return try SQLiteLedgerReader(path: ledger) }
        return try PostgreSQLLedgerReader(address: address, entity: "acme-us")
    }

    func exception(_ type: String, in out: String) throws -> String {
        let csv = try String(contentsOfFile: out + "/exceptions.csv", encoding: .utf8)
        let line = try #require(csv.split(separator: "\n").first { $0.split(separator: ",")[1] == type })
        return String(line.split(separator: ",")[0])
    }

    func openAmount(_ invoice: String, in out: String) throws -> String? {
        let csv = try String(contentsOfFile: out + "/open-items.csv", encoding: .utf8)
        return csv.split(separator: "\n").first { $0.hasPrefix(invoice + ",") }.map { String($0.split(separator: ",")[4]) }
    }

    func reviewLines(in out: String) throws -> [Substring] {
        try String(contentsOfFile: out + "/journal.csv", encoding: .utf8).split(separator: "\n").filter { $0.contains(",review:") }
    }

    @Test func aDecisionIsBookedOnceByTheNextRunAndAReopenReversesIt() async throws {
        let (manifest, ledger, out) = try await firstDay()
        let id = try exception("AMBIGUOUS", in: out)
        #expect(try openAmount("INV-10020", in: out) == "4000.00")
        // Amounts that do not add up, unknown and twice-named invoices, and a decision the type does not take are refused.
        for bad in [["--apply", "INV-10020=4000.01"], ["--apply", "NOPE=1.00"], ["--apply", "INV-10020=3000.00", "--apply", "INV-10021=1000.01"],
                    ["--apply", "INV-10020=1.00", "--apply", "INV-10020=2.00"], ["--write-off"], ["--apply", "INV-10020=abc"]] {
            let r = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--note", "n"] + bad)
            #expect(r.code == 2, "\(bad): \(r.out) \(r.err)")
        }
        let noNote = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--apply", "INV-10020=4000.00"])
        #expect(noNote.code == 2)
        let resolved = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--apply", "INV-10020=4000.00", "--note", "confirmed by phone", "--by", "ana"])
        #expect(resolved.code == 0, "\(resolved.err)")
        let twice = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--apply", "INV-10021=4000.00", "--note", "again", "--by", "ana"])
        #expect(twice.code == 2 && twice.err.contains("already resolved"))

        // The rerun of the day books it: the invoice closes, the exception stays resolved.
        #expect(await settle(["run", manifest, "--date", "2026-11-02"]).code == 0)
        #expect(try openAmount("INV-10020", in: out) == "0.00")
        #expect(try openAmount("INV-10021", in: out) == "4000.00")
        #expect(try reviewLines(in: out).count == 2)
        // The day's journal after a rerun that posted: the first run's entries, then the rerun's, as the ledger holds
        // them (its whole export is this one day's), openings aside.
        let export = try #require(await settle(["ledger", "export", "--ledger", ledger, "--format", "csv"]).out as String?)
        let exported = export.split(separator: "\n").filter { line in
            let key = line.split(separator: ",", omittingEmptySubsequences: false)[1]
            return !((key.hasPrefix("invoice:") && key.hasSuffix(":opening")) || key.hasPrefix("invoices:"))
        }
        let journal = try String(contentsOfFile: out + "/journal.csv", encoding: .utf8).split(separator: "\n")
        #expect(journal == exported)
        #expect(journal.count > 20)
        let listed = await settle(["exceptions", "list", "--ledger", ledger, "--status", "open", "--type", "AMBIGUOUS"])
        #expect(listed.out.contains("0 exceptions"))
        // Once: a further rerun posts nothing.
        let again = await settle(["run", manifest, "--date", "2026-11-02"])
        #expect(again.out.contains("0 entries posted"))
        #expect(try reviewLines(in: out).count == 2)

        // Reopened: the next run reverses what was booked and the exception is open again.
        #expect(await settle(["exceptions", "reopen", id, "--ledger", ledger, "--note", "wrong invoice", "--by", "ben"]).code == 0)
        #expect(await settle(["run", manifest, "--date", "2026-11-02"]).code == 0)
        #expect(try openAmount("INV-10020", in: out) == "4000.00")
        #expect(try reviewLines(in: out).count == 4)
        #expect(try reviewLines(in: out).filter { $0.contains(",reversal,") }.count == 2)
        let show = await settle(["exceptions", "show", id, "--ledger", ledger])
        #expect(show.out.contains("AMBIGUOUS  open"))
        #expect(show.out.contains("resolve apply INV-10020=4000.00 by ana: confirmed by phone"))
        #expect(show.out.contains("reopen by ben: wrong invoice"))
        let verify = await settle(["ledger", "verify", "--ledger", ledger])
        #expect(verify.code == 0, "\(verify.out)")
    }

    @Test func theSameDecisionThroughImportAndItsDryRun() async throws {
        let (manifest, ledger, out) = try await firstDay()
        let id = try exception("AMBIGUOUS", in: out)
        let sheet = out + "/../decisions.csv"
        try """
            exception_id,type,decision,invoice_ids,amounts,note
            \(id),AMBIGUOUS,apply,INV-10021,4000.00,customer's email
            """.write(toFile: sheet, atomically: true, encoding: .utf8)
        let dry = await settle(["exceptions", "import", sheet, "--ledger", ledger, "--dry-run"])
        #expect(dry.code == 0 && dry.out.contains("would resolve \(id): apply INV-10021=4000.00"))
        #expect(await settle(["exceptions", "list", "--ledger", ledger, "--status", "open", "--type", "AMBIGUOUS"]).out.contains("1 exception"))
        // A file with one invalid row records nothing, and names the line.
        let bad = out + "/../bad.csv"
        try """
            exception_id,decision,invoice_ids,amounts,note
            \(id),apply,INV-10021,4000.00,ok
            XNOSUCH,ignore,,,x
            """.write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = await settle(["exceptions", "import", bad, "--ledger", ledger])
        #expect(refused.code == 2)
        #expect(refused.err.contains("bad.csv:3: no exception XNOSUCH"))
        #expect(await settle(["exceptions", "list", "--ledger", ledger, "--status", "open", "--type", "AMBIGUOUS"]).out.contains("1 exception"))
        #expect(await settle(["exceptions", "import", sheet, "--ledger", ledger]).code == 0)
        #expect(await settle(["run", manifest, "--date", "2026-11-02"]).code == 0)
        #expect(try openAmount("INV-10021", in: out) == "0.00")
        #expect(try openAmount("INV-10020", in: out) == "4000.00")
    }

    @Test func aWriteOffAboveTheLimitNeedsASecondName() async throws {
        let (manifest, ledger, out) = try await firstDay(writeOffLimit: "10.00")
        let id = try exception("SHORT_PAY", in: out)
        let short = try #require(try openAmount("INV-10007", in: out))
        let alone = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--write-off", "--note", "small difference", "--by", "ana"])
        #expect(alone.code == 2 && alone.err.contains("--approved-by"))
        let same = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--write-off", "--note", "x", "--by", "ana", "--approved-by", "ana"])
        #expect(same.code == 2)
        let approved = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--write-off", "--note", "agreed with the customer", "--by", "ana",
                                     "--approved-by", "carla"])
        #expect(approved.code == 0, "\(approved.err)")
        #expect(await settle(["run", manifest, "--date", "2026-11-02"]).code == 0)
        #expect(short == "20.00")
        #expect(try openAmount("INV-10007", in: out) == "0.00")
        #expect(try String(contentsOfFile: out + "/journal.csv", encoding: .utf8).contains(",review:\(id),1,original,2026-11-02,6900,"))
        // An exception refuses a decision its type does not take, naming those it does.
        let gap = try exception("UNEXPLAINED_BANK_LINE", in: out)
        let refused = await settle(["exceptions", "resolve", gap, "--ledger", ledger, "--refund", "--note", "x"])
        #expect(refused.code == 2 && refused.err.contains("accepts --post-to, --ignore"), "\(refused.err)")
    }

    /// A short payment written off, then the rest paid the next day before the write-off was booked: the payment
    /// closes INV-10007, the write-off is not booked (nothing is left to write off) and settle resolves the exception,
    /// saying so. The invoice never goes below zero.
    @Test func aShortPaymentWhoseRestIsPaidBeforeItsWriteOffIsBookedResolvesItself() async throws {
        let (manifest, ledger, out) = try await firstDay()
        let id = try exception("SHORT_PAY", in: out)
        #expect(await settle(["exceptions", "resolve", id, "--ledger", ledger, "--write-off", "--note", "agreed", "--by", "ana"]).code == 0)
        let next = await settle(["run", manifest, "--date", "2026-11-03"])
        #expect(next.code == 0, "\(next.err)")
        let day3 = URL(fileURLWithPath: out).deletingLastPathComponent().path + "/2026-11-03"
        #expect(try openAmount("INV-10007", in: day3) == "0.00")
        let show = await settle(["exceptions", "show", id, "--ledger", ledger])
        #expect(show.out.contains("the rest of the short payment was paid by 2026-11-03"), "\(show.out)")
        #expect(!(try String(contentsOfFile: day3 + "/journal.csv", encoding: .utf8).contains(",review:\(id),1,original,")))
        #expect(try await view(ledger).verify().isClean)
        // A rerun of the day stays so.
        #expect(await settle(["run", manifest, "--date", "2026-11-03"]).code == 0)
        #expect(try openAmount("INV-10007", in: day3) == "0.00")
        #expect(try await view(ledger).verify().isClean)
    }

    /// Filter values are checked: a type is read whatever its case, a misspelt one is a usage error naming what was
    /// meant and every type, an unknown customer names the nearest ids — never a quiet "0 exceptions".
    @Test func listFiltersAreCheckedAndNamed() async throws {
        let (_, ledger, _) = try await firstDay()
        let lower = await settle(["exceptions", "list", "--ledger", ledger, "--type", "ambiguous"])
        #expect(lower.code == 0 && lower.out.contains("AMBIGUOUS") && lower.out.contains("1 exception"), "\(lower.out)\(lower.err)")
        let misspelt = await settle(["exceptions", "list", "--ledger", ledger, "--type", "AMBIGOUS"])
        #expect(misspelt.code == 2 && misspelt.err.contains("did you mean AMBIGUOUS") && misspelt.err.contains("SHORT_PAY"), "\(misspelt.err)")
        let caseAside = await settle(["exceptions", "list", "--ledger", ledger, "--customer", "c006"])
        #expect(caseAside.code == 0 && caseAside.out.contains("C006"), "\(caseAside.out)\(caseAside.err)")
        let unknown = await settle(["exceptions", "list", "--ledger", ledger, "--customer", "C999"])
        #expect(unknown.code == 2 && unknown.err.contains("no customer 'C999'") && unknown.err.contains("the nearest: C00"), "\(unknown.err)")
        let status = await settle(["exceptions", "list", "--ledger", ledger, "--status", "closed"])
        #expect(status.code == 2)
    }

    /// A mistyped invoice is named with the customer's nearest; the page's placeholder note is refused.
    @Test func mistakesInADecisionAreNamed() async throws {
        let (_, ledger, out) = try await firstDay()
        let id = try exception("AMBIGUOUS", in: out)
        let typo = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--apply", "INV-1002=4000.00", "--note", "called Foxtrot"])
        #expect(typo.code == 2 && typo.err.contains("no invoice INV-1002") && typo.err.contains("INV-10020"), "\(typo.err)")
        let placeholder = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--apply", "INV-10020=4000.00", "--note", "..."])
        #expect(placeholder.code == 2 && placeholder.err.contains("says nothing"), "\(placeholder.err)")
        // With USER and LOGNAME unset (a scheduler, a container), the decider is the system's name for the account.
        let account = getpwuid(getuid()).flatMap { $0.pointee.pw_name }.map { String(cString: $0) }
        let login = getlogin().map { String(cString: $0) }
        let decider = Settle.loginName(environment: [:])
        #expect(decider != "unknown" && (decider == login || decider == account), "\(decider)")
        #expect(Settle.loginName(environment: ["LOGNAME": "ana"]) == "ana")
    }

    /// Foxtrot's receipt cannot pay Evergreen's invoice by a reviewer's hand any more than by cash application's: only
    /// under `matching.cross_customer: allow` (or from a parent, `parent_id`).
    @Test func aReviewerCannotMoveOneCustomersCashToAnothersInvoice() async throws {
        let (manifest, ledger, out) = try await firstDay()
        let id = try exception("AMBIGUOUS", in: out)
        let refused = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--apply", "INV-10013=1700.00", "--note", "Foxtrot said so"])
        #expect(refused.code == 2 && refused.err.contains("invoice INV-10013 is C005's and the receipt C006's"), "\(refused.err)")
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: #""tolerance": "1.00""#, with: #""tolerance": "1.00", "cross_customer": "allow""#)
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let allowed = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--apply", "INV-10013=1700.00", "--note", "Foxtrot said so"])
        #expect(allowed.code == 0, "\(allowed.err)")
    }

    /// `advice` for a customer the ledger does not know is a usage error naming the nearest ids, not "nothing applied".
    @Test func adviceForAnUnknownCustomerNamesTheNearest() async throws {
        let (_, ledger, _) = try await firstDay()
        let unknown = await settle(["advice", "C999", "--day", "2026-11-02", "--ledger", ledger])
        #expect(unknown.code == 2 && unknown.err.contains("no customer 'C999'") && unknown.err.contains("the nearest: C00"), "\(unknown.err)")
        let caseAside = await settle(["advice", "c001", "--day", "2026-11-02", "--ledger", ledger])
        #expect(caseAside.code == 0 && caseAside.out.contains("C001,"), "\(caseAside.out)\(caseAside.err)")
    }

    /// `archive verify` reads the job's own archive: moved, it is found with --archive DIR; a day never run is an error.
    @Test func archiveVerifyFindsAMovedArchiveAndRefusesADayNeverRun() async throws {
        let (manifest, ledger, _) = try await firstDay()
        let folder = URL(fileURLWithPath: manifest).deletingLastPathComponent().path
        #expect(await settle(["archive", "verify", "--ledger", ledger, "--day", "2026-11-02"]).code == 0)
        try FileManager.default.moveItem(atPath: folder + "/arc", toPath: folder + "/moved")
        let gone = await settle(["archive", "verify", "--ledger", ledger])
        #expect(gone.code == 1 && gone.out.contains("no archive at \(folder)/arc/2026-11-02/"), "\(gone.out)")
        let moved = await settle(["archive", "verify", "--ledger", ledger, "--archive", folder + "/moved"])
        #expect(moved.code == 0 && moved.out.contains("every one whole"), "\(moved.out)")
        let never = await settle(["archive", "verify", "--ledger", ledger, "--day", "2026-11-20"])
        #expect(never.code == 2 && never.err.contains("never run"), "\(never.err)")
    }

    /// A decision booked by the run of the next day shows where money shows on that day: its remittance rows (the
    /// receipt's cash leaving unapplied, the invoice it went to, rule `review`), the ledger's rows that `settle advice`
    /// reads, the journal effective that day, and the run in the history.
    @Test func aBookedDecisionAppearsInTheBookingDaysReports() async throws {
        let (manifest, ledger, out) = try await firstDay()
        let id = try exception("AMBIGUOUS", in: out)
        #expect(await settle(["exceptions", "resolve", id, "--ledger", ledger, "--apply", "INV-10020=4000.00", "--note", "called Foxtrot", "--by", "ana"]).code == 0)
        #expect(await settle(["run", manifest, "--date", "2026-11-03"]).code == 0)
        let day3 = URL(fileURLWithPath: out).deletingLastPathComponent().path + "/2026-11-03"
        let remittance = try String(contentsOfFile: day3 + "/remittance.csv", encoding: .utf8).split(separator: "\n").filter { $0.contains(",C006,") }
        // Foxtrot's 4,000.00: -4,000.00 leaves unapplied cash, 4,000.00 reaches INV-10020.
        #expect(remittance.contains { $0.contains(",-4000.00,") && $0.contains(",unapplied,") }, "\(remittance)")
        #expect(remittance.contains { $0.contains(",INV-10020,4000.00,") && $0.hasSuffix(",review,100,ana") }, "\(remittance)")
        let advice = await settle(["advice", "C006", "--day", "2026-11-03", "--ledger", ledger])
        #expect(advice.code == 0 && advice.out.contains(",INV-10020,4000.00,"), "\(advice.out)\(advice.err)")
        // The summary counts it: one decision booked, 4,000.00 applied.
        let summary = try String(contentsOfFile: day3 + "/summary.json", encoding: .utf8)
        #expect(summary.contains("\"decisions_booked\": 1") && summary.contains("\"applied_total\": \"4000.00\",\n    \"writeoff_total\": \"0.00\""), "\(summary)")
        // The run's advice.csv has the same row as `settle advice`.
        let adviceFile = try String(contentsOfFile: day3 + "/advice.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let row = try #require(advice.out.split(separator: "\n").map(String.init).first { $0.contains(",INV-10020,") })
        #expect(adviceFile.contains(row), "\(adviceFile)")
        let journal = try String(contentsOfFile: day3 + "/journal.csv", encoding: .utf8).split(separator: "\n").filter { $0.contains(",review:\(id),") }
        #expect(journal.count == 2 && journal.allSatisfy { $0.contains(",2026-11-03,") }, "\(journal)")
        let show = await settle(["exceptions", "show", id, "--ledger", ledger])
        #expect(show.out.contains("booked by the run of 2026-11-03"), "\(show.out)")
        // A rerun of the booking day books it again, once: the same rows, no second line of history.
        #expect(await settle(["run", manifest, "--date", "2026-11-03"]).code == 0)
        let again = await settle(["exceptions", "show", id, "--ledger", ledger])
        #expect(again.out.components(separatedBy: "booked by the run of 2026-11-03").count == show.out.components(separatedBy: "booked by the run of 2026-11-03").count)
        #expect(try await view(ledger).verify().isClean)
    }

    /// `import` takes every decision `resolve` does: a `post-to` row's account from its post_to column (a settled-by's
    /// receipt from settled_by), and a decision it does not know is named beside the ones it does.
    @Test func importTakesPostToWithItsAccount() async throws {
        let (manifest, ledger, out) = try await firstDay(writeOffLimit: "400.00")
        let id = try exception("UNEXPLAINED_BANK_LINE", in: out)
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: #""write_off_limit": "400.00"}"#, with: #""write_off_limit": "400.00", "post_to": ["6500"]}, "accounts": {"6500": {"name": "Insurance", "type": "expense"}}"#)
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let unknown = out + "/../unknown.csv"
        try "exception_id,decision,note\n\(id),settle-by,x\n".write(toFile: unknown, atomically: true, encoding: .utf8)
        let refused = await settle(["exceptions", "import", unknown, "--ledger", ledger])
        #expect(refused.code == 2 && refused.err.contains("is not one of") && refused.err.contains("settled-by") && refused.err.contains("post-to"), "\(refused.err)")
        let sheet = out + "/../post-to.csv"
        try "exception_id,decision,post_to,note\n\(id),post-to,6500,insurance premium\n".write(toFile: sheet, atomically: true, encoding: .utf8)
        let imported = await settle(["exceptions", "import", sheet, "--ledger", ledger, "--by", "ana"])
        #expect(imported.code == 0, "\(imported.err)")
        #expect(await settle(["run", manifest, "--date", "2026-11-03"]).code == 0)
        #expect(try await view(ledger).balances(account: "6500", customer: nil, asOf: nil, byCustomer: false).map(\.balance.minorUnits) == [31_218])
    }

    /// An unexplained debit (312.18, an insurance premium on 11-02) leaves suspense for the account `--post-to` names, one
    /// `review.post_to` lists; bank, clearing, receivables, unapplied cash and suspense never; above the write-off
    /// limit only with a second person's approval.
    @Test func anUnexplainedBankLineIsPostedToAnAccountTheManifestAllows() async throws {
        let (manifest, ledger, out) = try await firstDay(writeOffLimit: "300.00")
        let id = try exception("UNEXPLAINED_BANK_LINE", in: out)
        let unlisted = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--post-to", "6500", "--note", "insurance premium"])
        #expect(unlisted.code == 2 && unlisted.err.contains("not an account review.post_to lists (the manifest lists none)"), "\(unlisted.err)")
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: #""write_off_limit": "300.00"}"#, with: #""write_off_limit": "300.00", "post_to": ["6500"]}, "accounts": {"6500": {"name": "Insurance", "type": "expense"}}"#)
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let clearing = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--post-to", "1050", "--note", "insurance premium"])
        #expect(clearing.code == 2 && clearing.err.contains("ACH in transit (clearing) is never an account"), "\(clearing.err)")
        // 312.18 is above the 300.00 limit: a second person.
        let alone = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--post-to", "6500", "--note", "insurance premium", "--by", "ana"])
        #expect(alone.code == 2 && alone.err.contains("--approved-by a second person"), "\(alone.err)")
        #expect(await settle(["exceptions", "resolve", id, "--ledger", ledger, "--post-to", "6500", "--note", "insurance premium", "--by", "ana",
                              "--approved-by", "ben"]).code == 0)
        let run = await settle(["run", manifest, "--date", "2026-11-03"])
        #expect(run.code == 0, "\(run.err)")
        // Suspense gives back the 312.18 it held; 6500 takes it.
        let reader = try view(ledger)
        #expect(try await reader.balances(account: "6500", customer: nil, asOf: nil, byCustomer: false).map(\.balance.minorUnits) == [31_218])
        let entries = try await reader.entries(runID: nil, from: Day(year: 2026, month: 11, day: 3), to: nil, limit: nil)
        let entry = try #require(entries.first { $0.sourceKey == "review:\(id)" })
        #expect(entry.postings.map(\.account) == ["6500", "1999"] && entry.postings.map(\.amount.minorUnits) == [31_218, -31_218])
        #expect(entry.effectiveDay == Day(year: 2026, month: 11, day: 3))
        #expect(try await reader.verify().isClean)
    }

    /// A batch that never reached the bank (GALAXY RETAIL's 2,500.00, unsettled on 11-06) is written off out of ACH in
    /// transit with a second person's approval, booked by the next run; its batch is closed so no later line counts it.
    @Test func anUnsettledBatchIsWrittenOffOutOfACHInTransit() async throws {
        let folder = TestPaths.temporaryDirectory("unsettled")
        let job = try SettleHarness.sampleJob(in: folder)
        let ledger = folder + "/l.sqlite"
        let week = await settle(["run", job, "--from", "2026-11-02", "--to", "2026-11-06"])
        #expect(week.code == 0, "\(week.err)")
        let id = try exception("UNSETTLED_BATCH", in: folder + "/out/2026-11-06")
        let alone = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--write-off", "--note", "bank confirms it never arrived", "--by", "ana"])
        #expect(alone.code == 2 && alone.err.contains("--approved-by a second person"), "\(alone.err)")
        #expect(await settle(["exceptions", "resolve", id, "--ledger", ledger, "--write-off", "--note", "bank confirms it never arrived", "--by", "ana",
                              "--approved-by", "ben"]).code == 0)
        let reader = try SQLiteLedgerReader(path: ledger)
        let transitBefore = try reader.balances(account: "1050").map(\.balance.minorUnits).reduce(0, +)
        let next = await settle(["run", job, "--date", "2026-11-09"])
        #expect(next.code == 0, "\(next.err)")
        let entry = try #require(try reader.entries(from: Day(year: 2026, month: 11, day: 9)).first { $0.sourceKey == "review:\(id)" })
        #expect(entry.postings.map(\.account) == ["6900", "1050"] && entry.postings.map(\.amount.minorUnits) == [250_000, -250_000])
        #expect(try reader.balances(account: "1050").map(\.balance.minorUnits).reduce(0, +) == transitBefore - 250_000)
        #expect(try reader.unsettledBatchKeys().isEmpty)
        #expect(try reader.verify().isClean)
    }

    /// `show` says whether a decision is in the books yet, and which run booked it.
    @Test func showSaysWhetherADecisionIsBooked() async throws {
        let (manifest, ledger, out) = try await firstDay()
        let id = try exception("AMBIGUOUS", in: out)
        #expect(await settle(["exceptions", "resolve", id, "--ledger", ledger, "--apply", "INV-10020=4000.00", "--note", "called Foxtrot"]).code == 0)
        #expect(await settle(["exceptions", "show", id, "--ledger", ledger]).out.contains("decision apply: recorded, not booked yet"))
        #expect(await settle(["run", manifest, "--date", "2026-11-02"]).code == 0)
        let booked = await settle(["exceptions", "show", id, "--ledger", ledger])
        #expect(booked.out.contains("decision apply: booked by the run of 2026-11-02"), "\(booked.out)")
    }

    /// The write-off limit comes from the manifest the ledger last ran with: one that cannot be read is a usage error
    /// naming it (exit 2), never the default limit of 100.00 in its place.
    @Test func aManifestThatCannotBeReadRefusesTheDecision() async throws {
        let (manifest, ledger, out) = try await firstDay(writeOffLimit: "10.00")
        let id = try exception("SHORT_PAY", in: out)
        try #"{"version": 1, "review": {"write_off_limit": "#.write(toFile: manifest, atomically: true, encoding: .utf8)
        let refused = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--write-off", "--note", "small difference", "--by", "ana"])
        #expect(refused.code == 2, "\(refused.out) \(refused.err)")
        #expect(refused.err.contains(manifest) && refused.err.contains("not valid JSON"), "\(refused.err)")
        #expect(await settle(["exceptions", "show", id, "--ledger", ledger]).out.contains("open"))
        // Nor through import.
        let csv = manifest + ".decisions.csv"
        try "exception_id,decision,note\n\(id),write-off,small\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let imported = await settle(["exceptions", "import", csv, "--ledger", ledger, "--by", "ana"])
        #expect(imported.code == 2 && imported.err.contains(manifest), "\(imported.out) \(imported.err)")
        // A reopen, which no limit governs, does not need it.
        let reopen = await settle(["exceptions", "reopen", id, "--ledger", ledger, "--note", "n"])
        #expect(reopen.code == 2 && reopen.err.contains("is open"), "\(reopen.err)")
    }

    /// A decision that applies cash needs the receipt's currency: an exception row without one is refused, naming the
    /// row, never read as USD.
    @Test func anApplicationWithoutTheReceiptsCurrencyIsRefused() async throws {
        let (_, ledger, out) = try await firstDay()
        let id = try exception("AMBIGUOUS", in: out)
        do {
            let db = try Database(path: ledger)
            try db.prepare("UPDATE exceptions SET amount_minor = NULL, currency = '' WHERE exception_id = ?").bind(.text(id)).run()
        }
        let refused = await settle(["exceptions", "resolve", id, "--ledger", ledger, "--apply", "INV-10020=4000.00", "--note", "n", "--by", "ana"])
        #expect(refused.code == 2, "\(refused.out) \(refused.err)")
        #expect(refused.err.contains(id) && refused.err.contains("currency"), "\(refused.err)")
    }

    @Test func anExceptionWhoseCauseIsGoneIsResolvedBySettleAndOpensIfItComesBack() async throws {
        // The day's inputs in a folder of our own, so a rerun can see them change.
        let folder = TestPaths.temporaryDirectory("review-gone")
        try copySampleDay(into: folder)
        try writeJobOnOwnInputs(folder)
        let ledger = folder + "/l.sqlite"
        #expect(await settle(["run", folder + "/job.json", "--date", "2026-11-02"]).code == 0)
        let id = try exception("AMBIGUOUS", in: folder + "/out/2026-11-02")
        // The statement line behind the AMBIGUOUS receipt goes (a corrected statement): the rerun no longer raises it.
        let bai = try String(contentsOfFile: "\(folder)/in/2026-11-02/bank/20261102.bai", encoding: .utf8)
        let lines = bai.split(separator: "\n", omittingEmptySubsequences: false)
        try lines.filter { !$0.contains("W1102006") }.joined(separator: "\n").write(toFile: "\(folder)/in/2026-11-02/bank/20261102.bai", atomically: true, encoding: .utf8)
        _ = await settle(["run", folder + "/job.json", "--date", "2026-11-02"])
        let show = await settle(["exceptions", "show", id, "--ledger", ledger])
        #expect(show.out.contains("AMBIGUOUS  resolved (auto)"), "\(show.out)")
        #expect(show.out.contains("auto-resolve by settle"))
        #expect(show.out.contains("its cause is gone"))
        // Back again: open again.
        try bai.write(toFile: "\(folder)/in/2026-11-02/bank/20261102.bai", atomically: true, encoding: .utf8)
        #expect(await settle(["run", folder + "/job.json", "--date", "2026-11-02"]).code == 0)
        #expect(await settle(["exceptions", "show", id, "--ledger", ledger]).out.contains("AMBIGUOUS  open"))
    }

    @Test func agingAndAdviceOfTheDay() async throws {
        let (_, ledger, out) = try await firstDay()
        let aging = try String(contentsOfFile: out + "/aging.csv", encoding: .utf8).split(separator: "\n")
        #expect(aging.first == "customer_id,name,currency,current,days_1_30,days_31_60,days_61_90,days_over_90,open_total,unapplied,credit_limit,exposure,available_credit,over_limit,avg_days_to_pay,returns_90d,open_credits")
        // Foxtrot: INV-10020 (4,000.00) a day past due, INV-10021 (4,000.00) and INV-10022 (6,000.00) not yet due; the 4,000.00
        // AMBIGUOUS receipt unapplied: exposure 14,000.00 - 4,000.00 against a 30,000.00 limit.
        let foxtrot = try #require(aging.first { $0.hasPrefix("C006,") }).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(Array(foxtrot[3...13]) == ["10000.00", "4000.00", "0.00", "0.00", "0.00", "14000.00", "4000.00", "30000.00", "10000.00", "20000.00", "no"])
        let advice = try String(contentsOfFile: out + "/advice.csv", encoding: .utf8)
        #expect(advice.contains("C001,\"Acme Tools, Inc.\",R49245d05bd016745,nacha,021000020000001,2026-11-02,INV-10001,4900.00,100.00,0.00,,,USD"))
        let cli = await settle(["advice", "C001", "--day", "2026-11-02", "--ledger", ledger])
        #expect(cli.code == 0)
        #expect(cli.out.contains(",INV-10001,4900.00,100.00,0.00,"))
        let html = await settle(["advice", "C001", "--day", "2026-11-02", "--ledger", ledger, "--html"])
        #expect(html.out.hasPrefix("<!DOCTYPE html>") && html.out.contains("Acme Tools, Inc. (C001)"))
        // A customer the ledger knows with nothing applied that day: exit 1 (one it does not know: 2, below).
        #expect(await settle(["advice", "C006", "--day", "2026-11-02", "--ledger", ledger]).code == 1)
    }
}

extension ReviewLoopTests {
    @Test func anOpenAmountTheERPLoweredIsBookedAsAnAdjustmentAndRaised() async throws {
        let folder = TestPaths.temporaryDirectory("master-data")
        let samples = TestPaths.samples
        // Day 2 as usual; for day 3 the ERP's export shows INV-10013 with 1,000.00 less open (a credit memo).
        let invoices = try String(contentsOfFile: samples + "/invoices.csv", encoding: .utf8)
        try invoices.write(toFile: folder + "/invoices.csv", atomically: true, encoding: .utf8)
        let text = """
            {"version": 1, "ledger": "\(folder)/l.sqlite", "output": "\(folder)/out", "archive": "\(folder)/arc",
             "customers": "\(samples)/customers.csv", "invoices": "\(folder)/invoices.csv",
             "sources": [{"format": "nacha", "path": "\(samples)/{date}/ach/*.ach"}, {"format": "bai2", "path": "\(samples)/{date}/bank/*.bai"}],
             "matching": {"tolerance": "1.00"}}
            """
        try text.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        #expect(await settle(["run", folder + "/job.json", "--date", "2026-11-02"]).code == 0)
        let line = try #require(invoices.split(separator: "\n").first { $0.hasPrefix("INV-10013,") })
        var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let open = try #require(Int64(fields[6].replacingOccurrences(of: ".", with: "")))
        fields[6] = String(format: "%d.%02d", (open - 100_000) / 100, (open - 100_000) % 100)
        try invoices.replacingOccurrences(of: String(line), with: fields.joined(separator: ",")).write(toFile: folder + "/invoices.csv", atomically: true, encoding: .utf8)
        #expect(await settle(["run", folder + "/job.json", "--date", "2026-11-03"]).code == 0)
        let out = folder + "/out/2026-11-03"
        let exceptions = try String(contentsOfFile: out + "/exceptions.csv", encoding: .utf8)
        #expect(exceptions.contains(",MASTER_DATA_CHANGED,warning,") && exceptions.contains(",1000.00,INV-10013,"))
        let journal = try String(contentsOfFile: out + "/journal.csv", encoding: .utf8)
        #expect(journal.contains(",erp:INV-10013:2026-11-03,1,original,2026-11-03,4950,"))
        #expect(try openAmount("INV-10013", in: out) == fields[6])
        // The next day's export agrees with the ledger: nothing more is booked, nothing raised.
        #expect(await settle(["run", folder + "/job.json", "--date", "2026-11-04"]).code == 0)
        #expect(try !String(contentsOfFile: folder + "/out/2026-11-04/exceptions.csv", encoding: .utf8).contains("MASTER_DATA_CHANGED"))
        #expect(await settle(["ledger", "verify", "--ledger", folder + "/l.sqlite"]).code == 0)
    }
}

@Suite struct ArchiveTests {
    func settle(_ arguments: [String]) async -> (code: Int32, out: String, err: String) {
        let console = Console(echo: false)
        let code = await Settle(console: console).run(arguments)
        return (code, console.standardOutput, console.standardError)
    }

    @Test func inputsMovedAwayAreReadBackFromTheArchiveAndTheArchiveIsChecked() async throws {
        let folder = TestPaths.temporaryDirectory("archive")
        let fm = FileManager.default
        try copySampleDay(into: folder)
        try writeJobOnOwnInputs(folder)
        let first = await settle(["run", folder + "/job.json", "--date", "2026-11-02", "--move-inputs"])
        #expect(first.code == 0, "\(first.err)")
        // Archived and checked, then moved away from their paths.
        #expect(try fm.contentsOfDirectory(atPath: "\(folder)/in/2026-11-02/ach").isEmpty)
        #expect(try fm.contentsOfDirectory(atPath: "\(folder)/arc/2026-11-02").filter { $0.hasSuffix(".gz") }.count == 3)
        let journal = try String(contentsOfFile: "\(folder)/out/2026-11-02/journal.csv", encoding: .utf8)
        // A rerun reads the day back from the archive: the same books, nothing posted.
        let rerun = await settle(["run", folder + "/job.json", "--date", "2026-11-02"])
        #expect(rerun.code == 0, "\(rerun.err)")
        #expect(rerun.out.contains("0 entries posted"))
        #expect(try String(contentsOfFile: "\(folder)/out/2026-11-02/journal.csv", encoding: .utf8) == journal)
        let verified = await settle(["archive", "verify", "--ledger", folder + "/l.sqlite"])
        #expect(verified.code == 0 && verified.out.contains("3 archived inputs read back: every one whole"), "\(verified.out)")
        // A damaged archive is found.
        let damaged = try #require(try fm.contentsOfDirectory(atPath: "\(folder)/arc/2026-11-02").first { $0.hasSuffix(".bai.gz") })
        try Data("not what was archived".utf8).write(to: URL(fileURLWithPath: "\(folder)/arc/2026-11-02/\(damaged)"))
        let broken = await settle(["archive", "verify", "--ledger", folder + "/l.sqlite", "--day", "2026-11-02"])
        #expect(broken.code == 1 && broken.out.contains("1 with a problem"), "\(broken.out)")
    }
}

@Suite struct DryRunTests {
    func settle(_ arguments: [String]) async -> (code: Int32, out: String, err: String) { await SettleHarness.settle(arguments) }

    @Test func aDryRunWritesNothingToTheLedgerOrArchiveAndItsReportsBesideTheDay() async throws {
        let folder = TestPaths.temporaryDirectory("dry-run")
        _ = try SettleHarness.sampleJob(in: folder)
        let fm = FileManager.default
        // On a ledger that does not exist yet: none is created.
        let first = await settle(["run", folder + "/job.json", "--date", "2026-11-02", "--dry-run"])
        #expect(first.code == 0, "\(first.err)")
        #expect(!fm.fileExists(atPath: folder + "/l.sqlite"))
        #expect(!fm.fileExists(atPath: folder + "/arc"))
        #expect(fm.fileExists(atPath: folder + "/out/2026-11-02.dry-run/journal.csv"))
        #expect(!fm.fileExists(atPath: folder + "/out/2026-11-02"))
        // The empty ledger it worked on went with it. (Other tests of this process may be in a dry run of their own at this
        // moment, with a scratch ledger of the same prefix: every one must go, within a while.)
        let scratchPrefix = "settle-dry-run-\(ProcessInfo.processInfo.processIdentifier)-"
        var left = try fm.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix(scratchPrefix) }
        for _ in 0..<300 where !left.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            left = try fm.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix(scratchPrefix) }
        }
        #expect(left == [])
        // On a ledger with a day in it: the ledger file is not changed (no run row, the day rolled back).
        #expect(await settle(["run", folder + "/job.json", "--date", "2026-11-02"]).code == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: folder + "/l.sqlite"))
        let dry = await settle(["run", folder + "/job.json", "--date", "2026-11-03", "--dry-run"])
        #expect(dry.code == 0 && dry.out.contains("dry run: nothing written to the ledger or archive"), "\(dry.out)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/l.sqlite")) == before)
        let walSize = (try? fm.attributesOfItem(atPath: folder + "/l.sqlite-wal")[.size] as? NSNumber)?.intValue ?? 0
        #expect(walSize == 0)
        #expect(try String(contentsOfFile: folder + "/out/2026-11-03.dry-run/remittance.csv", encoding: .utf8).contains("INV-10022"))
        #expect(!fm.fileExists(atPath: folder + "/arc/2026-11-03"))
        let verify = await settle(["ledger", "entries", "--ledger", folder + "/l.sqlite", "--from", "2026-11-03"])
        #expect(!verify.out.contains("2026-11-03"))
    }
}

extension ReviewLoopTests {
    @Test func aClosedDayIsNotRunAgainAndADecisionOfItIsBookedOnTheFirstOpenDay() async throws {
        let (manifest, ledger, out) = try await firstDay()
        let id = try exception("AMBIGUOUS", in: out)
        let journalBefore = try String(contentsOfFile: out + "/journal.csv", encoding: .utf8)
        #expect(await settle(["period", "close", "--through", "2026-11-02", "--note", "October books closed", "--ledger", ledger, "--by", "controller"]).code == 0)
        // A rerun of the closed day posts nothing and says so; its reports are left as they were.
        let rerun = await settle(["run", manifest, "--date", "2026-11-02"])
        #expect(rerun.code == 0 && rerun.out.contains("in the period closed through 2026-11-02: nothing posted"), "\(rerun.out)")
        #expect(try String(contentsOfFile: out + "/journal.csv", encoding: .utf8) == journalBefore)
        // A decision on the closed day's exception is booked by the next open day's run, effective that day (the day it
        // is booked, CONTRACT): nothing of it belongs to the closed period.
        #expect(await settle(["exceptions", "resolve", id, "--ledger", ledger, "--apply", "INV-10020=4000.00", "--note", "phone"]).code == 0)
        #expect(await settle(["run", manifest, "--date", "2026-11-03"]).code == 0)
        let journal = try String(contentsOfFile: out + "/../2026-11-03/journal.csv", encoding: .utf8)
        let review = journal.split(separator: "\n").filter { $0.contains(",review:\(id),") }
        #expect(review.count == 2)
        #expect(review.allSatisfy { $0.contains(",2026-11-03,") && !$0.contains("belongs to") })
        // Closing again what is closed, or reopening what is open, is refused; reopening is recorded.
        #expect(await settle(["period", "close", "--through", "2026-11-01", "--note", "x", "--ledger", ledger]).code == 2)
        #expect(await settle(["period", "reopen", "2026-11-05", "--note", "x", "--ledger", ledger]).code == 2)
        #expect(await settle(["period", "reopen", "2026-11-02", "--note", "audit adjustment", "--ledger", ledger, "--by", "controller"]).code == 0)
        let status = await settle(["period", "status", "--ledger", ledger])
        #expect(status.out.contains("closed through 2026-11-01") && status.out.contains("reopen") && status.out.contains("October books closed"))
        #expect(await settle(["run", manifest, "--date", "2026-11-02"]).out.contains("0 entries posted"))
        #expect(await settle(["ledger", "verify", "--ledger", ledger]).code == 0)
    }
}

extension ReviewLoopTests {
    @Test func aCascadeRerunsTheLaterDaysSoTheySeeADecisionOfAnEarlierOne() async throws {
        let (manifest, ledger, out) = try await firstDay()
        #expect(await settle(["run", manifest, "--date", "2026-11-03"]).code == 0)
        let dayTwo = out + "/../2026-11-03"
        #expect(try openAmount("INV-10021", in: dayTwo) == "4000.00")
        let id = try exception("AMBIGUOUS", in: out)
        #expect(await settle(["exceptions", "resolve", id, "--ledger", ledger, "--apply", "INV-10021=4000.00", "--note", "remittance by email"]).code == 0)
        // Rerunning day 1 alone books the decision, and warns that day 2 does not see it: its open items still show it open.
        let alone = await settle(["run", manifest, "--date", "2026-11-02"])
        #expect(alone.out.contains("warning: days after 2026-11-02 were run (through 2026-11-03)"), "\(alone.out)")
        #expect(try openAmount("INV-10021", in: out) == "0.00")
        #expect(try openAmount("INV-10021", in: dayTwo) == "4000.00")
        // --cascade runs day 2 again after it: day 2's open items now start from day 1's books.
        let cascade = await settle(["run", manifest, "--date", "2026-11-02", "--cascade"])
        #expect(cascade.code == 0 && cascade.out.contains("--cascade: running 2026-11-03 through 2026-11-03 again"), "\(cascade.out)")
        #expect(try openAmount("INV-10021", in: dayTwo) == nil || openAmount("INV-10021", in: dayTwo) == "0.00")
        let aging = try String(contentsOfFile: dayTwo + "/aging.csv", encoding: .utf8)
        #expect(!aging.contains("C006,Foxtrot Logistics,USD,4000.00,4000.00"))
        #expect(await settle(["ledger", "verify", "--ledger", ledger]).code == 0)
    }
}

extension ArchiveTests {
    @Test func anACHFileWithAWrongBatchCountIsInvalidYetItsBatchesAreApplied() async throws {
        let folder = TestPaths.temporaryDirectory("nacha-strict")
        try copySampleDay(into: folder)
        // The File Control says 5 batches where the file has 4 (positions 2-7).
        let path = "\(folder)/in/2026-11-02/ach/20261102-ccd.ach"
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        let control = try #require(lines.firstIndex { $0.hasPrefix("9000004") })
        lines[control] = "9000005" + lines[control].dropFirst(7)
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try writeJobOnOwnInputs(folder)
        let run = await settle(["run", folder + "/job.json", "--date", "2026-11-02"])
        #expect(run.code == 1, "\(run.out) \(run.err)")
        let exceptions = try String(contentsOfFile: "\(folder)/out/2026-11-02/exceptions.csv", encoding: .utf8)
        #expect(exceptions.contains("20261102-ccd.ach is invalid (1 error of the file as a whole); its batches whose own controls agree were applied"))
        #expect(exceptions.contains("nacha.file-batch-count"))
        // Its payments were applied all the same (ACME's discounted payment of INV-10001 is in this file).
        #expect(try String(contentsOfFile: "\(folder)/out/2026-11-02/remittance.csv", encoding: .utf8).contains(",INV-10001,4900.00,100.00,"))
        let validate = await settle(["validate", path])
        #expect(validate.code == 1 && validate.out.contains("error: Batch Count: does not match the batches in the file (expected 4, found 5)"), "\(validate.out)")
    }
}

extension DryRunTests {
    @Test func withJSONTheLogIsOneObjectALineAndWithoutItTheRunCloses() async throws {
        let folder = TestPaths.temporaryDirectory("json-log")
        let samples = TestPaths.samples
        let text = """
            {"version": 1, "ledger": "\(folder)/l.sqlite", "output": "\(folder)/out", "archive": "\(folder)/arc",
             "customers": "\(samples)/customers.csv", "invoices": "\(samples)/invoices.csv",
             "sources": [{"format": "nacha", "path": "\(samples)/{date}/ach/*.ach"}, {"format": "bai2", "path": "\(samples)/{date}/bank/*.bai"}]}
            """
        try text.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        let json = await settle(["run", folder + "/job.json", "--date", "2026-11-02", "--json"])
        #expect(json.code == 0)
        let lines = json.err.split(separator: "\n")
        #expect(lines.count > 10)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["event"] != nil, "\(line)")
        }
        #expect(lines.contains { $0.contains(#""stage":"cash-application""#) && $0.contains(#""receipts":9"#) })
        #expect(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) is [String: Any])
        let human = await settle(["run", folder + "/job.json", "--date", "2026-11-02"])
        #expect(human.err.contains("settle: 1 day in ") && human.err.contains("9 receipts, 0 entries posted"), "\(human.err)")
    }
}

/// The 2026-11-02 sample inputs copied into `FOLDER/in/2026-11-02`, so a test can change or move them.
func copySampleDay(into folder: String) throws {
    let fm = FileManager.default
    try fm.createDirectory(atPath: folder + "/in/2026-11-02", withIntermediateDirectories: true)
    for sub in ["ach", "bank"] { try fm.copyItem(atPath: "\(TestPaths.samples)/2026-11-02/\(sub)", toPath: "\(folder)/in/2026-11-02/\(sub)") }
}

/// `FOLDER/job.json`: a job on the copied inputs, with its ledger, output and archive in the folder.
func writeJobOnOwnInputs(_ folder: String) throws {
    let samples = TestPaths.samples
    try """
        {"version": 1, "ledger": "\(folder)/l.sqlite", "output": "\(folder)/out", "archive": "\(folder)/arc",
         "customers": "\(samples)/customers.csv", "invoices": "\(samples)/invoices.csv",
         "sources": [{"format": "nacha", "path": "\(folder)/in/{date}/ach/*.ach"}, {"format": "bai2", "path": "\(folder)/in/{date}/bank/*.bai"}],
         "matching": {"tolerance": "1.00"}}
        """.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
}

/// The review loop on a PostgreSQL ledger (an entity in a schema of its own): the same tests, the same commands, with
/// `--ledger` the database's URL. Left out: the archive of a ledger found beside it (a database has no folder: `archive
/// verify` there takes `--archive`, tested in `PostgreSQLMigrateTests`) and a test that edits SQLite's file directly.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLReviewLoopTests {
    func loop() throws -> ReviewLoopTests {
        let url = try #require(PostgreSQLTestServer.isolatedURL("review"))
        return ReviewLoopTests(postgreSQL: url)
    }

    @Test func aDecisionIsBookedOnceByTheNextRunAndAReopenReversesIt() async throws { try await loop().aDecisionIsBookedOnceByTheNextRunAndAReopenReversesIt() }
    @Test func theSameDecisionThroughImportAndItsDryRun() async throws { try await loop().theSameDecisionThroughImportAndItsDryRun() }
    @Test func aWriteOffAboveTheLimitNeedsASecondName() async throws { try await loop().aWriteOffAboveTheLimitNeedsASecondName() }
    @Test func aShortPaymentWhoseRestIsPaidBeforeItsWriteOffIsBookedResolvesItself() async throws {
        try await loop().aShortPaymentWhoseRestIsPaidBeforeItsWriteOffIsBookedResolvesItself()
    }
    @Test func listFiltersAreCheckedAndNamed() async throws { try await loop().listFiltersAreCheckedAndNamed() }
    @Test func mistakesInADecisionAreNamed() async throws { try await loop().mistakesInADecisionAreNamed() }
    @Test func aReviewerCannotMoveOneCustomersCashToAnothersInvoice() async throws { try await loop().aReviewerCannotMoveOneCustomersCashToAnothersInvoice() }
    @Test func adviceForAnUnknownCustomerNamesTheNearest() async throws { try await loop().adviceForAnUnknownCustomerNamesTheNearest() }
    @Test func aBookedDecisionAppearsInTheBookingDaysReports() async throws { try await loop().aBookedDecisionAppearsInTheBookingDaysReports() }
    @Test func importTakesPostToWithItsAccount() async throws { try await loop().importTakesPostToWithItsAccount() }
    @Test func anUnexplainedBankLineIsPostedToAnAccountTheManifestAllows() async throws {
        try await loop().anUnexplainedBankLineIsPostedToAnAccountTheManifestAllows()
    }
    @Test func showSaysWhetherADecisionIsBooked() async throws { try await loop().showSaysWhetherADecisionIsBooked() }
    @Test func aManifestThatCannotBeReadRefusesTheDecision() async throws { try await loop().aManifestThatCannotBeReadRefusesTheDecision() }
    @Test func agingAndAdviceOfTheDay() async throws { try await loop().agingAndAdviceOfTheDay() }
    @Test func aClosedDayIsNotRunAgainAndADecisionOfItIsBookedOnTheFirstOpenDay() async throws {
        try await loop().aClosedDayIsNotRunAgainAndADecisionOfItIsBookedOnTheFirstOpenDay()
    }
    @Test func aCascadeRerunsTheLaterDaysSoTheySeeADecisionOfAnEarlierOne() async throws {
        try await loop().aCascadeRerunsTheLaterDaysSoTheySeeADecisionOfAnEarlierOne()
    }

    /// Two desks deciding one exception: the first decision stands; the second is refused, told who decided it and when
    /// (the decisions take no lock, so the refusal comes from the exception's row, read in the decision's transaction).
    @Test func aSecondDeskDecidingTheSameExceptionIsToldWhoDecidedIt() async throws {
        let loop = try loop()
        let (_, ledger, out) = try await loop.firstDay()
        let id = try loop.exception("AMBIGUOUS", in: out)
        guard case let .postgresql(address) = try LedgerLocation.parse(ledger) else { throw LedgerError("not a URL") }
        // Both desks checked the exception while it was open; the first records its decision, then the second tries.
        let first = try PostgreSQLReviewStore(address: address, entity: "acme-us")
        let second = try PostgreSQLReviewStore(address: address, entity: "acme-us")
        try await first.recordDecision(exceptionID: id, decision: .apply, applications: [], note: "phone", by: "ana", approvedBy: "", at: "2026-11-03T09:00:00Z")
        await #expect { try await second.recordDecision(exceptionID: id, decision: .refund, applications: [], note: "email", by: "ben", approvedBy: "",
                                                        at: "2026-11-03T09:00:01Z") } throws: { error in
            "\(error)".contains("\(id) is already resolved (apply) by ana at 2026-11-03T09:00:00Z")
        }
        let history = try await second.history(exceptionID: id)
        #expect(history.map(\.by) == ["ana"], "the second decision left no trace")
        // Through the command, the same.
        let late = await loop.settle(["exceptions", "resolve", id, "--ledger", ledger, "--refund", "--note", "email", "--by", "cy"])
        #expect(late.code == 2 && late.err.contains("already resolved"), "\(late.err)")
    }
}
