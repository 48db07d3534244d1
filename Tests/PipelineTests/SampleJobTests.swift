import Accounting
import Core
import Foundation
import Ledger
import Pipeline
import Synchronization
import Testing
import TestSupport

/// Runs the sample job end to end on a fresh ledger in a temporary folder.
@Suite struct SampleJobTests {
    /// `ledger`: another ledger than the folder's `ledger.sqlite` (a PostgreSQL URL, with `"entity"` in `extra`).
    static func manifest(in folder: String, ledger: String? = nil, extra: String = "") throws -> String {
        let samples = TestPaths.samples
        let text = """
            {
              "version": 1, "name": "sample-test", "currency": "USD",
              "ledger": "\(ledger ?? folder + "/ledger.sqlite")", "output": "\(folder)/out", "archive": "\(folder)/archive",
              "customers": "\(samples)/customers.csv", "invoices": "\(samples)/invoices.csv",
              "sources": [
                { "format": "nacha", "path": "\(samples)/{date}/ach/*.ach", "role": "received" },
                { "format": "nacha", "path": "\(samples)/{date}/ach-originated/*.ach", "role": "originated" },
                { "format": "nacha", "path": "\(samples)/{date}/ach-returns/*.ach", "role": "originated" },
                { "format": "bai2", "path": "\(samples)/{date}/bank/*.bai" }
              ],
              "matching": { "tolerance": "1.00", "ambiguous": "exception" }\(extra)
            }
            """
        let path = folder + "/job.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let days = [2, 3, 4, 5, 6, 9].map { Day(year: 2026, month: 11, day: $0)! }

    func run(_ path: String, days: [Day] = SampleJobTests.days, concurrency: Int = 2) async throws -> RunResult {
        let manifest = try Manifest.load(path: path)
        return await JobRunner(manifest: manifest).run(RunOptions(days: days, concurrency: concurrency))
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func runsBothDaysAndWritesTheContractOutputs() async throws {
        let folder = TestPaths.temporaryDirectory("job")
        let result = try await run(try Self.manifest(in: folder))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        for day in Self.days.map(\.description) {
            for name in ["remittance.csv", "exceptions.csv", "open-items.csv", "summary.json", "journal.csv", "exceptions.html", "remittance.html"] {
                #expect(FileManager.default.fileExists(atPath: "\(folder)/out/\(day)/\(name)"), "\(day)/\(name)")
            }
        }
        let remittance = try read("\(folder)/out/2026-11-02/remittance.csv").split(separator: "\n")
        #expect(remittance[0] == "receipt_id,source,source_ref,value_date,customer_id,receipt_amount,invoice_id,applied_amount,discount_amount,writeoff_amount,rule,confidence,decided_by")
        #expect(remittance.contains { $0.hasSuffix(",INV-10001,4900.00,100.00,0.00,remittance,95,") })
        #expect(remittance.contains { $0.contains(",INV-10002,1499.40,0.00,0.60,tolerance,") })
        #expect(remittance.contains { $0.contains(",INV-10004,1200.00,0.00,0.00,combination,") })
        // Every exception type the sample exercises, across the days.
        let types = try Self.days.map { try read("\(folder)/out/\($0)/exceptions.csv") }.joined()
            .split(separator: "\n").filter { !$0.hasPrefix("exception_id") }.map { String($0.split(separator: ",")[1]) }
        #expect(Set(types) == ["AMBIGUOUS", "SHORT_PAY", "UNEXPLAINED_BANK_LINE", "UNKNOWN_CUSTOMER", "UNSETTLED_BATCH", "DUPLICATE", "OVER_PAY", "UNMATCHED",
                               "RETURN", "NOC"])
        // Day 5 (2026-11-06): the R01 return of Delta Marine's debit reverses its application and reopens INV-10016;
        // Cascade's two wires together pay INV-10014; GALAXY's day-1 batch is past its window.
        let returned = try read("\(folder)/out/2026-11-06/remittance.csv")
        #expect(returned.contains(",076401250000001,2026-11-06,C004,-5125.00,INV-10016,-5125.00,0.00,0.00,return,100"), "\(returned)")
        #expect(returned.contains(",W1106002,2026-11-06,C003,2000.00,INV-10014,2000.00,0.00,0.00,split-payment,75"))
        #expect(returned.contains(",W1106003,2026-11-06,C003,1300.00,INV-10014,1300.00,0.00,0.00,split-payment,75"))
        let lastOpen = try read("\(folder)/out/2026-11-06/open-items.csv")
        #expect(lastOpen.contains("INV-10016,C004,2026-12-14,5125.00,5125.00,0"))
        #expect(lastOpen.contains("INV-10014,C003,2026-11-24,3300.00,0.00,0"))
        let day5 = try read("\(folder)/out/2026-11-06/exceptions.csv")
        #expect(day5.contains(",RETURN,error,,nacha,076401250000001,"))
        #expect(day5.contains("INV-10016,\"return R01 (Insufficient Funds)"))
        #expect(day5.contains(",NOC,warning,,nacha,076401250000002,"))
        #expect(day5.contains(",UNSETTLED_BATCH,"))
        // The day-2 ACME credit waited for the statement (pending, no exception) and settled on 2026-11-04.
        let summary2 = try read("\(folder)/out/2026-11-03/summary.json")
        #expect(summary2.contains("\"pending\": 2"), "\(summary2)")
        let summary3 = try read("\(folder)/out/2026-11-04/summary.json")
        #expect(summary3.contains("\"settled\": 1"), "\(summary3)")
        #expect(try read("\(folder)/out/2026-11-04/exceptions.csv").split(separator: "\n").count == 1)
        // The books tie to the bank every day: cash equals the statement's closing balance.
        for day in Self.days {
            let summary = try read("\(folder)/out/\(day)/summary.json")
            #expect(summary.contains("\"difference\": \"0.00\"") && summary.contains("\"status\": \"tied\""), "\(day): \(summary)")
        }
        // ACH in transit holds exactly the batch that never settled.
        let clearing = try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").balances(byCustomer: false).filter { $0.account == "1050" }
        #expect(clearing.map(\.balance.minorUnits) == [250_000])
        let open = try read("\(folder)/out/2026-11-03/open-items.csv")
        #expect(open.contains("INV-10007,C003,2026-11-04,7500.00,0.00,0"))
        #expect(open.contains("INV-10020,C006,2026-11-01,4000.00,4000.00,2"))
        #expect(try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").verify().isClean)
        #expect(FileManager.default.fileExists(atPath: "\(folder)/archive/2026-11-02"))
    }

    @Test func aFileResentUnderANewHeaderIsADuplicatePerEntryAppliedOnce() async throws {
        let folder = TestPaths.temporaryDirectory("resent")
        // Day 1's CCD file with another file ID modifier and creation time: other bytes, the same entries.
        var lines = SampleData.day1CCD.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var header = Array(lines[0])
        header[29..<33] = Array("0716")[...]
        header[33] = "Z"
        lines[0] = String(header)
        try FileManager.default.createDirectory(atPath: folder + "/extra/2026-11-03", withIntermediateDirectories: true)
        try lines.joined(separator: "\n").write(toFile: folder + "/extra/2026-11-03/resent-new-header.ach", atomically: true, encoding: .utf8)
        let path = try Self.manifest(in: folder).replacingOccurrences(of: "", with: "")
        var manifest = try String(contentsOfFile: path, encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: "\"sources\": [", with: "\"sources\": [ { \"format\": \"nacha\", \"path\": \"\(folder)/extra/{date}/*.ach\", \"role\": \"received\" },")
        try manifest.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await run(path, days: Array(Self.days.prefix(2)))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        let day2 = try read("\(folder)/out/2026-11-03/exceptions.csv").split(separator: "\n")
        let entryDuplicates = day2.filter { $0.contains(",DUPLICATE,") && $0.contains("resent-new-header.ach") && $0.contains("was already taken") }
        #expect(entryDuplicates.count == 5, "\(day2)")
        // None of its entries is applied again (day 2's own file has two other entries with the same trace numbers,
        // of other effective dates: those are new entries, and applied).
        let remittance = try read("\(folder)/out/2026-11-03/remittance.csv")
        for amount in ["4900.00", "12450.00", "3000.00", "7480.00", "2500.00"] {
            #expect(!remittance.contains(",2026-11-02,") && !remittance.contains(",\(amount),"), "a receipt of \(amount) applied twice")
        }
        #expect(remittance.contains(",021000020000001,2026-11-03,C001,777.77,"))
        #expect(try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").verify().isClean)
        let again = try await run(path, days: Array(Self.days.prefix(2)))
        #expect(again.days.allSatisfy { $0.postedCount == 0 })
    }

    @Test func aStatementWithABadEntryIsPartlyRejectedAndItsGoodLinesUsed() async throws {
        let folder = TestPaths.temporaryDirectory("partly")
        let xml = "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt><Stmt><Id>S1</Id><Acct><Id><Othr><Id>99887766</Id></Othr></Id></Acct>"
            + "<Ntry><Amt Ccy=\"USD\">4000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-02</Dt></BookgDt>"
            + "<AcctSvcrRef>GOOD-1</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>FOXTROT LOGISTICS</Nm></Dbtr></RltdPties></TxDtls></NtryDtls></Ntry>"
            + "<Ntry><Amt Ccy=\"USD\">50.00</Amt><CdtDbtInd>CREDIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-02</Dt></BookgDt>"
            + "<AcctSvcrRef>BAD-2</AcctSvcrRef></Ntry></Stmt></BkToCstmrStmt></Document>"
        try FileManager.default.createDirectory(atPath: folder + "/extra/2026-11-02", withIntermediateDirectories: true)
        try xml.write(toFile: folder + "/extra/2026-11-02/statement.xml", atomically: true, encoding: .utf8)
        let path = try Self.manifest(in: folder)
        var manifest = try String(contentsOfFile: path, encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: "\"sources\": [", with: "\"sources\": [ { \"format\": \"camt053\", \"path\": \"\(folder)/extra/{date}/*.xml\" },")
        try manifest.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await run(path, days: [Self.days[0]])
        // Exit 1: some input was rejected; the rest of the run went on.
        #expect(result.exitCode == .inputRejected)
        let exceptions = try read("\(folder)/out/2026-11-02/exceptions.csv")
        #expect(exceptions.contains(",INVALID_INPUT,error,,camt053,,"), "\(exceptions)")
        #expect(exceptions.contains("CdtDbtInd 'CREDIT' is not CRDT or DBIT"))
        // The good entry is a receipt like any other; the bad one is nowhere.
        let remittance = try read("\(folder)/out/2026-11-02/remittance.csv")
        #expect(remittance.contains(",GOOD-1,"))
        #expect(!remittance.contains("BAD-2"))
        #expect(try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite").verify().isClean)
    }

    @Test func aMissingStatementDayAndABrokenChainAreStatementGaps() async throws {
        let folder = TestPaths.temporaryDirectory("gap")
        // 2026-11-03 is not run: its statement (and its movements) never reach the ledger.
        let result = try await run(try Self.manifest(in: folder), days: [Self.days[0], Self.days[2]])
        // The books miss the day not run: they do not tie with 2026-11-04's statement, and the run says so (exit 4).
        #expect(result.exitCode == .booksDoNotTie)
        let raised = try read("\(folder)/out/2026-11-04/exceptions.csv").split(separator: "\n")
        #expect(raised.contains { $0.contains(",BANK_DIFFERENCE,error,") && $0.contains("the statement's closing balance is 126271.49") }, "\(raised)")
        let gaps = raised.filter { $0.contains(",STATEMENT_GAP,") }
        #expect(gaps.count == 2, "\(gaps)")
        #expect(gaps.contains { $0.contains("no statement for account ••••2233 on 2026-11-03") })
        #expect(gaps.contains { $0.contains("opens 2026-11-04 at 125493.72, but closed 2026-11-02 at 111092.22") })
    }

    @Test func runningTheSameDaysAgainPostsNothingNew() async throws {
        let folder = TestPaths.temporaryDirectory("rerun")
        let path = try Self.manifest(in: folder)
        _ = try await run(path)
        let reader = try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite")
        let countsBefore = try reader.counts()
        let balanceBefore = try reader.balances(byCustomer: true)
        let names = ["remittance.csv", "exceptions.csv", "open-items.csv", "journal.csv", "summary.json", "exceptions.html", "remittance.html"]
        let reportsBefore = try names.map { try read("\(folder)/out/2026-11-02/\($0)") }
        // The day's journal, for an ERP import: every entry of the day, without the invoice opening entries the ERP booked itself.
        let journal = reportsBefore[3].split(separator: "\n")
        #expect(journal.count > 30)
        #expect(!journal.contains { $0.contains(":opening,") })
        #expect(journal.contains { $0.contains(",settle:batch:received:1234567890:2026-11-02:") })
        let again = try await run(path, concurrency: 1)
        #expect(again.exitCode == .ok)
        #expect(again.days.allSatisfy { $0.postedCount == 0 })
        let countsAfter = try reader.counts()
        #expect(countsAfter.entries == countsBefore.entries)
        #expect(countsAfter.postings == countsBefore.postings)
        #expect(countsAfter.exceptions == countsBefore.exceptions)
        #expect(try reader.balances(byCustomer: true) == balanceBefore)
        #expect(try reader.verify().isClean)
        // Same inputs, same reports, whatever the concurrency.
        let reportsAfter = try names.map { try read("\(folder)/out/2026-11-02/\($0)") }
        // A rerun that posts nothing rewrites every report byte for byte (the journal too: the ERP's import file is never
        // emptied); what the run itself did is in its run log.
        for (i, name) in names.enumerated() { #expect(reportsAfter[i] == reportsBefore[i], "\(name) changed") }
        #expect(try read("\(folder)/out/2026-11-02/run.log").contains("entries posted 0"))
        #expect(try !read("\(folder)/out/2026-11-02/summary.json").contains("timings"))
        // Rerunning day 1 alone after day 2 still posts nothing.
        let dayOne = try await run(path, days: [Self.days[0]])
        #expect(dayOne.days[0].postedCount == 0)
    }

    @Test func theNextDaysFilesAreReadWhileADayIsStillOpenAndChangeNothing() async throws {
        let folder = TestPaths.temporaryDirectory("read-ahead")
        let path = try Self.manifest(in: folder)
        let readAhead = Mutex<Set<Day>>([])
        let sawNext = Mutex<[Day: Bool]>([:])
        var options = RunOptions(days: Self.days, concurrency: 2)
        options.observe = { e in if e.stage == "read-ahead" { readAhead.withLock { _ = $0.insert(e.day) } } }
        // Each day, its transaction open, waits for the next day's files to have been read: a runner that reads day
        // N+1 only after day N commits never gets there. The wait is long: with the whole suite running on two cores
        // the read-ahead task can wait tens of seconds for a thread (a CI run once took 2,500 s and this wait 20 s
        // was not enough); a runner that is wrong fails all the same, only later.
        options.beforeCommit = { day in
            guard let next = SampleJobTests.days.first(where: { $0 > day }) else { return }
            let deadline = ContinuousClock.now + .seconds(180)
            while ContinuousClock.now < deadline {
                if readAhead.withLock({ $0.contains(next) }) {
                    sawNext.withLock { $0[day] = true }
                    return
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
            sawNext.withLock { $0[day] = false }
        }
        let result = await JobRunner(manifest: try Manifest.load(path: path)).run(options)
        #expect(result.exitCode != .failed && result.days.count == Self.days.count, "\(result.message ?? "")")
        #expect(sawNext.withLock { $0 } == Dictionary(uniqueKeysWithValues: Self.days.dropLast().map { ($0, true) }))

        // The same days run one run each (nothing read ahead) give the same reports.
        let alone = TestPaths.temporaryDirectory("read-ahead")
        let alonePath = try Self.manifest(in: alone)
        for day in Self.days { _ = try await run(alonePath, days: [day]) }
        for day in Self.days {
            for name in ["summary.json", "remittance.csv", "exceptions.csv", "open-items.csv"] {
                #expect(try read("\(folder)/out/\(day)/\(name)") == read("\(alone)/out/\(day)/\(name)"), "\(day) \(name)")
            }
            // The journal names the run that posted each entry (one run here, one a day there): the rest is the same.
            func journal(_ root: String) throws -> [String] {
                try read("\(root)/out/\(day)/journal.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") }
            }
            #expect(try journal(folder) == journal(alone), "\(day) journal.csv")
        }
        #expect(try SQLiteLedgerReader(path: folder + "/ledger.sqlite").balances(byCustomer: true) == SQLiteLedgerReader(path: alone + "/ledger.sqlite").balances(byCustomer: true))
    }

    @Test func aRejectedFileIsQuarantinedAndTheRunGoesOn() async throws {
        let folder = TestPaths.temporaryDirectory("reject")
        let drop = folder + "/drop/2026-11-02"
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        try "101 this is not a nacha file\n".write(toFile: drop + "/broken.ach", atomically: true, encoding: .utf8)
        let extra = """
            , "validation": "strict"
            """
        var text = try read(try Self.manifest(in: folder, extra: extra))
        text = text.replacingOccurrences(of: "\"sources\": [", with: "\"sources\": [ { \"format\": \"nacha\", \"path\": \"\(folder)/drop/{date}/*.ach\" },")
        try text.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        let result = try await run(folder + "/job.json", days: [Self.days[0]])
        #expect(result.exitCode == .inputRejected)
        // Quarantined under its hash's prefix (a second bad file of the same name is kept too), with why beside it.
        let quarantine = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/archive/quarantine/2026-11-02").sorted()
        #expect(quarantine.count == 2 && quarantine[0].hasSuffix("-broken.ach") && quarantine[1] == quarantine[0] + ".reason", "\(quarantine)")
        let reason = try read("\(folder)/archive/quarantine/2026-11-02/\(quarantine[1])")
        #expect(reason.contains("broken.ach was quarantined by run 1 of 2026-11-02") && reason.contains("fatal"))
        // The day's accepted inputs are archived compressed, each checked against the hash the day recorded.
        let archived = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/archive/2026-11-02").filter { $0.hasSuffix(".gz") }
        #expect(archived.count == 3)
        let exceptions = try read("\(folder)/out/2026-11-02/exceptions.csv")
        #expect(exceptions.contains("INVALID_INPUT,error"))
        #expect(exceptions.contains("broken.ach was rejected and quarantined"))
        // The rest of the day was processed.
        #expect(try read("\(folder)/out/2026-11-02/remittance.csv").contains("INV-10001"))
    }

    @Test func aSecondRunOnTheSameLedgerIsLockedOut() async throws {
        let folder = TestPaths.temporaryDirectory("lock")
        let path = try Self.manifest(in: folder)
        let held = try LedgerLockFile(ledgerPath: "\(folder)/ledger.sqlite").tryLock(purpose: "run")
        #expect(held != nil)
        let result = try await run(path)
        #expect(result.exitCode == .locked)
        // The message names who holds it: pid, host and start time.
        #expect(result.message?.contains("locked by another run (pid \(getpid()) on \(ProcessInfo.processInfo.hostName), started 20") == true, "\(result.message ?? "")")
        withExtendedLifetime(held) {}
    }

    @Test func withWaitARunTakesTheLockWhenItIsReleased() async throws {
        let folder = TestPaths.temporaryDirectory("lock-wait")
        let path = try Self.manifest(in: folder)
        var held = try LedgerLockFile(ledgerPath: "\(folder)/ledger.sqlite").tryLock(purpose: "run")
        #expect(held != nil)
        // Released a second after the run starts waiting.
        async let release: Void = { try? await Task.sleep(for: .seconds(1)) }()
        var options = RunOptions(days: [Self.days[0]], concurrency: 2)
        options.waitSeconds = 30
        let manifest = try Manifest.load(path: path)
        async let result = JobRunner(manifest: manifest).run(options)
        await release
        held = nil
        let code = await result.exitCode
        #expect(code == .ok)
        #expect(held == nil)
    }
}

@Suite struct ChartOfAccountsTests {
    @Test func theManifestRenamesAndExtendsTheChartOfAccounts() async throws {
        let folder = TestPaths.temporaryDirectory("accounts")
        let extra = """
            , "accounts": {"1200": "Trade receivables", "1000-2233": "Operating account at Northwind Bank", "7000": {"name": "Collection costs", "type": "expense"}}
            """
        let path = try SampleJobTests.manifest(in: folder, extra: extra)
        let result = await JobRunner(manifest: try Manifest.load(path: path)).run(RunOptions(days: [SampleJobTests.days[0]]))
        #expect(result.exitCode == .ok)
        let accounts = Dictionary(try SQLiteLedgerReader(path: folder + "/ledger.sqlite").accounts().map { ($0.code, ($0.name, $0.type)) }, uniquingKeysWith: { a, _ in a })
        #expect(accounts["1200"]?.0 == "Trade receivables" && accounts["1200"]?.1 == "asset")
        #expect(accounts["1000-2233"]?.0 == "Operating account at Northwind Bank")
        #expect(accounts["7000"]?.0 == "Collection costs" && accounts["7000"]?.1 == "expense")
        #expect(accounts["2100"]?.0 == "Unapplied cash")
    }
}
