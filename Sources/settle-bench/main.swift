import Accounting
import ACH
import Core
import Foundation
import Ledger
import Pipeline
import Statements

// settle-bench: throughput and memory of settle's stages, release build only. Figures, not pass/fail: targets
// live here and in the README, never in timed unit tests.

func peakRSSMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kb / 1024
    }
    return 0
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func option(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: "--" + name), i + 1 < args.count, let n = Int(args[i + 1]) { return n }
    return value
}

/// `--NAME` given without a value.
func flag(_ name: String) -> Bool { CommandLine.arguments.contains("--" + name) }

func textOption(_ name: String) -> String? {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: "--" + name), i + 1 < args.count { return args[i + 1] }
    return nil
}

/// A generated input kept in the temporary directory as `settle-bench-<name>`, written by the first run only:
/// `write` hands its text out a piece at a time. Its path and size in bytes.
func generatedInput(_ name: String, write: (_ emit: (Data) -> Void) throws -> Void) throws -> (path: String, size: Int) {
    let path = NSTemporaryDirectory() + "/settle-bench-" + name
    if !FileManager.default.fileExists(atPath: path) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { fatalError("settle-bench: cannot write \(path)") }
        try write { handle.write($0) }
        try handle.close()
    }
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    return (path, size)
}

func benchNACHA() throws {
    let entries = option("entries", default: 1_000_000)
    let (path, size) = try generatedInput("\(entries).ach") { emit in
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 20)
        NACHAGenerator(options: .init(entryCount: entries)).write(effective: Day(civilYear: 2026, month: 11, day: 2)) { record in
            buffer.append(contentsOf: record.utf8)
            if buffer.count >= 1 << 20 { emit(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
        }
        emit(Data(buffer))
    }
    let clock = ContinuousClock()
    func parse<S: ByteSource>(_ source: S) throws -> (Int, Duration) {
        let start = clock.now
        var reader = NACHAReader(source: source, fileName: path)
        var n = 0
        var amount: Int64 = 0
        while let batch = try reader.nextBatch() {
            n += batch.entries.count
            for e in batch.entries { try MinorUnits.add(e.detail.amountCents, to: &amount, of: "the generated file's entries") }
        }
        let elapsed = clock.now - start
        precondition(!reader.diagnostics.hasErrors, "generated file has errors: \(reader.diagnostics.items.prefix(3))")
        precondition(amount > 0)
        return (n, elapsed)
    }
    let repeats = option("repeat", default: 5)
    // Streaming from the file: what a run does. Memory must not grow with the file.
    var best = Duration.seconds(1_000_000)
    var counted = 0
    for _ in 0..<repeats {
        let (n, elapsed) = try parse(try FileByteSource(path: path))
        best = min(best, elapsed)
        counted = n
    }
    let streamingRSS = peakRSSMegabytes()
    var s = seconds(best)
    print(String(format: "nacha (streaming from file): %d entries, %.1f MB in %.3f s: %.0f entries/s, %.1f MB/s, peak RSS %.1f MB",
                 counted, Double(size) / 1e6, s, Double(counted) / s, Double(size) / 1e6 / s, streamingRSS))
    // The same bytes from memory: the parser alone, without the page cache and disk of a shared machine.
    var file = try FileByteSource(path: path)
    let bytes = try file.readAll(limitBytes: 1 << 33)
    best = .seconds(1_000_000)
    for _ in 0..<repeats {
        let (n, elapsed) = try parse(MemoryByteSource(bytes))
        best = min(best, elapsed)
        counted = n
    }
    s = seconds(best)
    print(String(format: "nacha (from memory):         %d entries, %.1f MB in %.3f s: %.0f entries/s, %.1f MB/s",
                 counted, Double(size) / 1e6, s, Double(counted) / s, Double(size) / 1e6 / s))
}

/// Posting throughput into a file ledger through the path a run takes (`beginDay`, batches through `post`, the posted
/// entries taken as they go, `finishDay`), then `ledger verify` over what was posted. `--per-commit N`: entries per
/// day; `--per-batch N`: entries per `post` (a run posts its receipts' entries in chunks of `DayRun.decisionChunk`).
func benchLedger() async throws {
    let entryCount = option("entries", default: 1_000_000)
    let perCommit = option("per-commit", default: 50_000)
    let perBatch = max(1, option("per-batch", default: 16_384))
    let folder = NSTemporaryDirectory() + "/settle-bench-ledger-\(ProcessInfo.processInfo.processIdentifier)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/ledger.sqlite"
    // `--backend postgresql --url URL`: the same entries into a PostgreSQL ledger (entity `bench-<pid>`, so runs side
    // by side in one database never meet).
    let backend = textOption("backend") ?? "sqlite"
    let entity = "bench-\(ProcessInfo.processInfo.processIdentifier)"
    let store: any LedgerDayWriter
    var address: LedgerLocation.PostgreSQLAddress?
    switch backend {
    case "sqlite":
        store = try SQLiteLedgerStore(path: path)
    case "postgresql":
        guard let url = textOption("url"), case let .postgresql(given) = try LedgerLocation.parse(url) else {
            fatalError("settle-bench ledger --backend postgresql needs --url postgresql://...")
        }
        address = given
        store = try PostgreSQLLedgerStore(address: given, entity: entity)
    default:
        fatalError("--backend: sqlite or postgresql")
    }
    let day = Day(civilYear: 2026, month: 11, day: 2)
    let run = try await store.beginRun(manifest: "bench", firstDay: day, lastDay: day, startedAt: "bench")
    // Each commit is a day of its own (a second commit of one day is a rerun of it: it would reverse the first's keys).
    let usd = Currency.usd
    // The rows of scripts/floor/posting.c, which inserts them from C into the same schema: 20,000 invoices of 500
    // customers, then entries of 2-4 postings whose amounts and invoices follow from their number.
    let invoiceCount = 20_000
    let invoices = (0..<invoiceCount).map {
        LedgerInvoice(invoiceID: "INV-\($0)", customerID: "C\($0 % 500)", issueDay: day, dueDay: day.adding(days: 30),
                      amount: Money(minorUnits: 1_000_000_000, currency: usd), openAmount: Money(minorUnits: 1_000_000_000, currency: usd), terms: "NET30", poNumber: "")
    }
    try await store.beginDay(runID: run, day: day)
    // Opened before the clock starts, so that what the entries pay stays within each invoice (ledger verify checks it).
    let openings = invoices.map { i in
        JournalEntryDraft(sourceKey: "invoice-opening:\(i.invoiceID)", effectiveDay: day, memo: "opening", postings: [
            Posting(account: ChartOfAccounts.accountsReceivable, customerID: i.customerID, invoiceID: i.invoiceID, amount: i.amount),
            Posting(account: ChartOfAccounts.openingBalances, customerID: i.customerID, invoiceID: i.invoiceID, amount: Money(minorUnits: -i.amount.minorUnits, currency: usd)),
        ])
    }
    try await store.post(DayEffects(invoices: invoices, entries: openings, cashAccounts: [("1000-2233", "Cash")]))
    _ = try await store.finishDay(DayCommit(runID: run, day: day), dryRun: false)
    func draft(_ i: Int) -> JournalEntryDraft {
        let amount = Int64(100 + (i &* 7919) % 100_000)
        let invoiceNumber = (i &* 104_729) % invoiceCount
        let invoice = "INV-\(invoiceNumber)"
        let customer = "C\(invoiceNumber % 500)"
        var postings = [Posting(account: "1000-2233", amount: Money(minorUnits: amount, currency: usd))]
        switch i % 3 {
        case 0:
            postings.append(Posting(account: ChartOfAccounts.accountsReceivable, customerID: customer, invoiceID: invoice, amount: Money(minorUnits: -amount, currency: usd)))
        case 1:
            let discount = amount / 50
            postings.append(Posting(account: ChartOfAccounts.accountsReceivable, customerID: customer, invoiceID: invoice, amount: Money(minorUnits: -amount - discount, currency: usd)))
            postings.append(Posting(account: ChartOfAccounts.discountsAllowed, customerID: customer, invoiceID: invoice, amount: Money(minorUnits: discount, currency: usd)))
        default:
            postings.append(Posting(account: ChartOfAccounts.accountsReceivable, customerID: customer, invoiceID: invoice, amount: Money(minorUnits: -amount + 100, currency: usd)))
            postings.append(Posting(account: ChartOfAccounts.unappliedCash, customerID: customer, amount: Money(minorUnits: -50, currency: usd)))
            postings.append(Posting(account: ChartOfAccounts.suspense, amount: Money(minorUnits: -50, currency: usd)))
        }
        let trace = String(100_000_000_000_000 + i)
        return JournalEntryDraft(sourceKey: "ach:received:1234567890:2026-11-02:" + String(repeating: "0", count: max(0, 15 - trace.count)) + trace,
                                 effectiveDay: day, memo: "bench \(i)", postings: postings)
    }
    let clock = ContinuousClock()
    var posted = 0
    var postingTime = Duration.zero
    var next = 0
    while next < entryCount {
        let count = min(perCommit, entryCount - next)
        let commitDay = day.adding(days: 1 + next / perCommit)  // the day after the invoices' (the same day again would be its rerun)
        // The day's batches are made before the clock starts: the figure is the writer's.
        let batches = stride(from: next, to: next + count, by: perBatch).map { start in
            DayEffects(entries: (start..<min(start + perBatch, next + count)).map(draft))
        }
        next += count
        let start = clock.now
        try await store.beginDay(runID: run, day: commitDay)
        for batch in batches {
            try await store.post(batch)
            posted += await store.takePosted().count
        }
        let outcome = try await store.finishDay(DayCommit(runID: run, day: commitDay), dryRun: false)
        postingTime += clock.now - start
        posted += outcome.posted.count
    }
    let s = seconds(postingTime)
    print(String(format: "ledger post (%@): %d journal entries (2-4 postings each) in %.3f s: %.0f entries/s (days of %d, batches of %d)",
                 backend, posted, s, Double(posted) / s, perCommit, perBatch))
    let start = clock.now
    let report = try address.map { try PostgreSQLLedgerReader(address: $0, entity: entity).verify() } ?? SQLiteLedgerReader(path: path).verify()
    let v = seconds(clock.now - start)
    precondition(report.isClean, "the bench ledger does not verify: \(report)")
    print(String(format: "ledger verify: %d entries, %d postings, %d invoices in %.2f s; peak RSS %.1f MB", report.entryCount, report.postingCount, report.invoiceCount, v, peakRSSMegabytes()))
}

/// camt.053 streaming read: a generated statement of N entries (about 2 KB each, like the ISO business sample's).
func benchCamt() throws {
    let entries = option("entries", default: 100_000)
    let (path, size) = try generatedInput("camt-\(entries).xml") { emit in
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.04\"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-02T06:00:00</CreDtTm></GrpHdr><Stmt><Id>S1</Id><Acct><Id><IBAN>NL00TEST0123456789</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        for i in 0..<entries {
            text += """
                <Ntry><NtryRef>\(i)</NtryRef><Amt Ccy="EUR">\(100 + i % 900).\(10 + i % 90)</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>false</RvslInd><Sts>BOOK</Sts>
                <BookgDt><Dt>2026-11-02</Dt></BookgDt><ValDt><Dt>2026-11-02</Dt></ValDt><AcctSvcrRef>BANKREF\(i)</AcctSvcrRef>
                <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn><Prtry><Cd>CRDT</Cd><Issr>BANK</Issr></Prtry></BkTxCd>
                <NtryDtls><TxDtls><Refs><MsgId>MSG\(i)</MsgId><AcctSvcrRef>TXREF\(i)</AcctSvcrRef><PmtInfId>PMT\(i)</PmtInfId><InstrId>INSTR\(i)</InstrId><EndToEndId>E2E\(i)</EndToEndId><TxId>TX\(i)</TxId></Refs>
                <AmtDtls><TxAmt><Amt Ccy="EUR">\(100 + i % 900).\(10 + i % 90)</Amt></TxAmt></AmtDtls>
                <RltdPties><Dbtr><Nm>Customer number \(i % 5000) B.V.</Nm><PstlAdr><StrtNm>Main Street</StrtNm><BldgNb>\(i % 300)</BldgNb><PstCd>1000 AA</PstCd><TwnNm>Amsterdam</TwnNm><Ctry>NL</Ctry></PstlAdr></Dbtr>
                <DbtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></DbtrAcct><Cdtr><Nm>Northwind Industrial Supply</Nm></Cdtr></RltdPties>
                <RltdAgts><DbtrAgt><FinInstnId><BICFI>ABNANL2A</BICFI></FinInstnId></DbtrAgt></RltdAgts>
                <RmtInf><Ustrd>Payment of invoice INV-\(i) thank you</Ustrd><Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp><Nb>INV-\(i)</Nb><RltdDt>2026-10-01</RltdDt></RfrdDocInf>
                <RfrdDocAmt><RmtdAmt Ccy="EUR">\(100 + i % 900).\(10 + i % 90)</RmtdAmt></RfrdDocAmt></Strd></RmtInf></TxDtls></NtryDtls>
                <AddtlNtryInf>SEPA CREDIT TRANSFER FROM CUSTOMER NUMBER \(i % 5000) REFERENCE E2E\(i)</AddtlNtryInf></Ntry>

                """
            if text.utf8.count > 1 << 20 { emit(Data(text.utf8)); text = "" }
        }
        text += "</Stmt></BkToCstmrStmt></Document>\n"
        emit(Data(text.utf8))
    }
    let clock = ContinuousClock()
    var best = Duration.seconds(1_000_000)
    var count = 0
    for _ in 0..<option("repeat", default: 3) {
        let start = clock.now
        // Lines handed to a handler, as a consumer that does not keep them would: memory stays flat.
        var total: Int64? = 0
        let file = CamtReader().read(source: try FileByteSource(path: path), fileName: path) { line in
            total = total.flatMap { try? MinorUnits.sum($0, line.amount.minorUnits, of: "") }
        }
        best = min(best, clock.now - start)
        precondition(!file.diagnostics.hasErrors && (total ?? 0) > 0, "\(file.diagnostics.items.prefix(2))")
        count = file.entryCount
    }
    let s = seconds(best)
    print(String(format: "camt.053: %d entries, %.1f MB in %.3f s: %.0f entries/s, %.1f MB/s, peak RSS %.1f MB",
                 count, Double(size) / 1e6, s, Double(count) / s, Double(size) / 1e6 / s, peakRSSMegabytes()))
}

/// BAI2: 100 accounts × 2,000 details with 88 continuations, trailers computed, read strictly.
func benchBAI2() throws {
    let perAccount = option("details", default: 200_000) / 100
    var lines = ["01,121140399,NWIS,261102,2300,1,,,2/", "02,NWIS,121140399,1,261102,2300,USD,2/"]
    var fileTotal: Int64 = 0
    var groupRecords = 1
    for a in 0..<100 {
        var accountRecords = ["03,\(1_000_000 + a),USD,010,500000,,,015,600000,,,100,250000,5,,400,150000,4,/"]
        var total: Int64 = 500_000 + 600_000 + 250_000 + 150_000
        for d in 0..<perAccount {
            let amount = Int64(100 + (d * 37) % 100_000)
            let type = [142, 165, 195, 451, 495, 115, 698][d % 7]
            accountRecords.append("16,\(type),\(amount),Z,B\(a)-\(d),C\(d),ACH CREDIT CUSTOMER \(d % 500) PAYMENT REF INV-\(d)/")
            if d % 5 == 0 { accountRecords.append("88,CONTINUED REMITTANCE TEXT FOR DETAIL \(d), WITH COMMAS / AND SLASHES") }
            total += amount
        }
        accountRecords.append("49,\(total),\(accountRecords.count + 1)/")
        lines += accountRecords
        groupRecords += accountRecords.count
        fileTotal += total
    }
    lines.append("98,\(fileTotal),100,\(groupRecords + 1)/")
    lines.append("99,\(fileTotal),1,\(lines.count + 1)/")
    let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
    lines = []
    if let save = textOption("save") {
        // The same file for a peer to read (scripts/peers.sh).
        _ = FileManager.default.createFile(atPath: save, contents: Data(bytes))
    }
    let clock = ContinuousClock()
    var best = Duration.seconds(1_000_000)
    var count = 0
    for _ in 0..<option("repeat", default: 3) {
        let start = clock.now
        let file = BAI2Reader().read(bytes: bytes, fileName: "bench.bai")
        best = min(best, clock.now - start)
        precondition(!file.diagnostics.hasErrors, "\(file.diagnostics.items.prefix(3))")
        count = file.lines.count
    }
    let s = seconds(best)
    print(String(format: "bai2: %d details, %.1f MB in %.3f s: %.0f details/s, %.1f MB/s, peak RSS %.1f MB",
                 count, Double(bytes.count) / 1e6, s, Double(count) / s, Double(bytes.count) / 1e6 / s, peakRSSMegabytes()))
}

/// Bank CSV through a profile: N generated rows (quoted descriptions, debit/credit columns, US dates).
func benchCSV() throws {
    let rows = option("rows", default: 1_000_000)
    var text = "Date,Status,Type,CheckNumber,Description,Withdrawal,Deposit,RunningBalance\n"
    text.reserveCapacity(rows * 80)
    for i in 0..<rows {
        let amount = "\(1 + i % 9000).\(10 + i % 90)"
        text += "\(1 + i % 12)/\(1 + i % 28)/2026,Posted,ACH,,\"PAYMENT FROM CUSTOMER \(i % 5000), INV \(i)\",\(i % 3 == 0 ? "$" + amount : ""),\(i % 3 == 0 ? "" : "$" + amount),\n"
    }
    let bytes = Array(text.utf8)
    if let path = textOption("save") {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        print("bank csv: \(rows) rows written to \(path)")
        return
    }
    let profile = try BankProfile.load(path: "Jobs/profiles/schwab-checking.json")
    let clock = ContinuousClock()
    var best = Duration.seconds(1_000_000)
    var count = 0
    for _ in 0..<option("repeat", default: 3) {
        let start = clock.now
        let result = BankCSVReader(profile: profile).read(source: MemoryByteSource(bytes), fileName: "bench.csv", account: "1001", currency: .usd)
        best = min(best, clock.now - start)
        precondition(!result.diagnostics.hasErrors, "\(result.diagnostics.items.prefix(2))")
        count = result.lines.count
    }
    let s = seconds(best)
    print(String(format: "bank csv: %d rows, %.1f MB in %.3f s: %.0f rows/s, %.1f MB/s", count, Double(bytes.count) / 1e6, s, Double(count) / s, Double(bytes.count) / 1e6 / s))
}

let command = CommandLine.arguments.dropFirst().first ?? "help"
switch command {
case "nacha": try benchNACHA()
case "ledger": try await benchLedger()
case "camt": try benchCamt()
case "bai2": try benchBAI2()
case "csv": try benchCSV()
case "match": try await benchMatch()
case "e2e": try await benchEndToEnd()
case "e2e-run": try await benchEndToEndRun()
case "originate": try await benchOriginate()
default:
    print("""
        usage: settle-bench nacha [--entries N] [--repeat N]
               settle-bench ledger [--entries N] [--per-commit N] [--backend sqlite|postgresql --url URL]
               settle-bench bai2 [--details N] [--save PATH]
               settle-bench camt [--entries N]
               settle-bench csv [--rows N] [--save PATH]   (run from the package root: it reads Jobs/profiles/)
               settle-bench match [--receipts N] [--concurrency N] [--repeat N] [--seed N]
               settle-bench e2e [--receipts N] [--concurrency N] [--seed N] [--mix] [--keep FOLDER] [--backend sqlite|postgresql --url URL]
               settle-bench originate [--mandates N] [--keep]   (needs the settle binary beside it)
          nacha   parse and validate a generated NACHA file (CCD, CCD+, PPD, CTX, returns, NOCs); entries/s, MB/s, peak RSS
          ledger  post generated journal entries into a file ledger, then verify it; entries/s and verify time
          bai2    read a generated BAI2 file of 200,000 details (--details N); details/s
          camt    read a generated camt.053 of 100,000 entries (--entries N); entries/s, peak RSS
          csv     read 1,000,000 generated bank CSV rows through the schwab-checking profile (--rows N); rows/s
          match   cash application of a generated day: 1,000,000 receipts against as many invoices of 200,000 Zipf-skewed
                  customers, every decision checked against the generator's truth; seconds, receipts/s, peak RSS
          e2e     a generated day (N received ACH entries, the BAI2 statement settling them, N invoices of N/5 customers) through
                  the real settle run on a file ledger, every report written; time per stage, total, peak RSS. --mix adds
                  real bank data beside it (RealBankMix: NONREF and empty references, purchase orders, credit memos, and
                  prepayments of the day before applied when their invoices appear), the day before run first, untimed
          originate  settle originate writing the debit file of N mandates (default 100,000), one invoice due each, in a
                  process of its own after an untimed set-up; its time and peak RSS
        """)
}
