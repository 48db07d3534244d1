import Accounting
import Core
import Foundation
import Pipeline

/// `settle-bench originate --mandates N`: `settle originate` (the release binary beside this one) writing the debit file
/// of N mandates, one invoice due each, in a process of its own; its time and peak RSS (target: 100,000 mandates in
/// under 2 s and 256 MB). Set up first, untimed: N customers, invoices and mandates (0600), the key, a run that opens
/// the invoices, and the prenotes' file (timed in this process, for reference).
func benchOriginate() async throws {
    let count = option("mandates", default: 100_000)
    let folder = NSTemporaryDirectory() + "/settle-bench-originate-\(count)-\(ProcessInfo.processInfo.processIdentifier)"
    try? FileManager.default.removeItem(atPath: folder)
    defer { if !flag("keep") { try? FileManager.default.removeItem(atPath: folder) } }
    try PrivateFiles.makeFolder(folder)
    func write(_ name: String, _ lines: (inout String) -> Void) throws {
        var text = ""
        lines(&text)
        try AtomicFile.write(text, to: folder + "/" + name)
    }
    try write("customers.csv") { text in
        text += "customer_id,name,aliases,ach_company_ids,credit_limit,terms\n"
        for i in 0..<count { text += "C\(i),Customer \(i) Inc,,,,NET30\n" }
    }
    try write("invoices.csv") { text in
        text += "invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number\n"
        for i in 0..<count {
            let amount = MoneyFormat.plain(Int64(10_000 + (i * 7_919) % 5_000_000), exponent: 2)
            text += "INV-\(i),C\(i),2026-10-07,2026-11-06,USD,\(amount),\(amount),NET30,\n"
        }
    }
    try write("mandates.csv") { text in
        text += "mandate_id,customer_id,sec,routing,account,account_type,authorized_on,revoked_on,max_amount,pull\n"
        for i in 0..<count { text += "M\(i),C\(i),\(i % 5 == 0 ? "PPD" : "CCD"),071000013,\(100_000_000 + i),\(i % 3 == 0 ? "savings" : "checking"),2026-10-01,,,due\n" }
    }
    try AtomicFile.write("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", to: folder + "/origination.key")
    try """
        { "version": 1, "currency": "USD", "ledger": "ledger.sqlite", "output": "out", "archive": "archive", "customers": "customers.csv",
          "invoices": "invoices.csv", "sources": [ { "format": "nacha", "path": "in/{date}/*.ach", "role": "received" } ],
          "origination": { "enabled": false, "mandates": "mandates.csv", "outbox": "outbox", "key_file": "origination.key",
                           "company_name": "NORTHWIND MFG", "company_id": "1234567890", "odfi": "07100001" } }
        """.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
    let manifest = try Manifest.load(path: folder + "/job.json")
    let setup = await JobRunner(manifest: manifest).run(RunOptions(days: [Day(civilYear: 2026, month: 11, day: 2)], concurrency: 2))
    guard setup.exitCode == .ok else { fatalError("settle-bench originate: the setup run failed: \(setup.message ?? "exit \(setup.exitCode.rawValue)")") }
    let prenoteStart = ContinuousClock.now
    let prenotes = try await Originator.originate(manifest: manifest, day: Day(civilYear: 2026, month: 11, day: 2), dryRun: false)
    print(String(format: "originate: %d mandates; the prenotes' file (%d entries) in %.2f s in this process", count, prenotes.entries.count,
                 seconds(ContinuousClock.now - prenoteStart)))
    // The debits: `settle originate` of 11-05 (entries effective 11-06, the invoices' due date), in a process of its own.
    let settle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("settle").path
    guard FileManager.default.isExecutableFile(atPath: settle) else {
        fatalError("settle-bench originate: no settle binary at \(settle); build it too (swift build -c release --product settle)")
    }
    let child = Process()
    child.executableURL = URL(fileURLWithPath: settle)
    child.arguments = ["originate", folder + "/job.json", "--date", "2026-11-05"]
    child.standardOutput = FileHandle.nullDevice
    // The setup's writes reach the disk first, untimed: their writeback is not the timed command's.
    sync()
    let start = ContinuousClock.now
    try child.run()
    child.waitUntilExit()
    let elapsed = seconds(ContinuousClock.now - start)
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    guard child.terminationStatus == 0, let file = try? FileManager.default.contentsOfDirectory(atPath: folder + "/outbox").first(where: { $0.hasPrefix("2026-11-05") })
    else { fatalError("settle-bench originate: settle originate failed (exit \(child.terminationStatus))") }
    let size = (try FileManager.default.attributesOfItem(atPath: folder + "/outbox/" + file)[.size] as? NSNumber)?.intValue ?? 0
    print(String(format: "originate: settle originate wrote %@ (%.1f MB, %d debits) in %.2f s; peak RSS %.0f MB (targets: 2 s, 256 MB at 100,000)",
                 file, Double(size) / 1e6, count, elapsed, Double(usage.ru_maxrss) / 1024))
}
