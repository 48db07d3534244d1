import Core
import Foundation
import Ledger
import Pipeline
import Scenario

/// `settle-bench e2e`: a generated day written as the bank delivers it (received ACH files of N entries in batches
/// per originator, CCD+/CTX remittance on 45%, the BAI2 statement that settles them, N invoices of N/5 customers)
/// and run through the real `settle run` path on a file ledger, every report written, in a process of its own (so
/// its peak RSS is the run's, not the generator's). Prints each stage's time, the total and the peak RSS.
func benchEndToEnd() async throws {
    let receiptsWanted = option("receipts", default: 100_000)
    let concurrency = option("concurrency", default: 2)
    let day = Day(civilYear: 2026, month: 11, day: 16)
    // `--keep FOLDER`: the generated files stay there (for profiling `settle-bench e2e-run --manifest FOLDER/job.json`).
    let kept = textOption("keep")
    let folder = kept ?? NSTemporaryDirectory() + "/settle-bench-e2e-\(receiptsWanted)-\(ProcessInfo.processInfo.processIdentifier)"
    try? FileManager.default.removeItem(atPath: folder)
    defer { if kept == nil { try? FileManager.default.removeItem(atPath: folder) } }
    let generation = ContinuousClock().now
    do {
        let generated = ScenarioGenerator(options: .init(seed: UInt64(option("seed", default: 42)), customerCount: receiptsWanted / 5,
                                                         invoiceCount: receiptsWanted * 1_043 / 1_000, day: day)).makeDay()
        _ = try ScenarioFiles(day: generated, days: [day]).write(to: folder + "/in")
        // `--mix`: real bank data's shapes beside it (RealBankMix), and the day before run first (its backlog held).
        if flag("mix") {
            try RealBankMix(day: day, customers: generated.customers, count: max(1, receiptsWanted / 50)).write(into: folder + "/in")
        }
        let achBytes = (try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/in/\(day)/ach"))?.reduce(0) { sum, name in
            sum + ((try? FileManager.default.attributesOfItem(atPath: "\(folder)/in/\(day)/ach/\(name)")[.size] as? NSNumber)?.intValue ?? 0)
        } ?? 0
        print(String(format: "e2e: %d receipts (%.1f MB of NACHA), %d invoices, %d customers; generated and written in %.1f s",
                     generated.receipts.count, Double(achBytes) / 1e6, generated.invoices.count, generated.customers.count, seconds(ContinuousClock().now - generation)))
    }
    var manifest = ScenarioFiles.manifest(name: "e2e", input: folder + "/in", folder: folder)
    // `--backend postgresql --url URL`: the day on a PostgreSQL ledger, in a schema of its own (dropped after with psql
    // unless `--keep`), entity `e2e`.
    var schema: (url: String, name: String)?
    if textOption("backend") == "postgresql" {
        guard let url = textOption("url"), LedgerLocation.isURL(url) else { fatalError("settle-bench e2e --backend postgresql needs --url postgresql://...") }
        let name = "e2e_\(ProcessInfo.processInfo.processIdentifier)"
        let ledger = url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(name)"
        manifest = manifest.replacingOccurrences(of: "\"ledger\": \"\(folder)/ledger.sqlite\"", with: "\"ledger\": \"\(ledger)\", \"entity\": \"e2e\"")
        schema = (url, name)
        print("e2e: on PostgreSQL, schema \(name) of \(url)")
    } else if let backend = textOption("backend"), backend != "sqlite" {
        fatalError("--backend: sqlite or postgresql")
    }
    try manifest.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
    defer {
        if let schema, kept == nil {
            let drop = Process()
            drop.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            drop.arguments = ["psql", "-q", schema.url, "-c", "DROP SCHEMA \(schema.name) CASCADE"]
            try? drop.run()
            drop.waitUntilExit()
        }
    }
    // The run itself in a child process: `settle-bench e2e-run`.
    let child = Process()
    child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    if !FileManager.default.isExecutableFile(atPath: child.executableURL?.path ?? "") {
        child.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
    }
    child.arguments = ["e2e-run", "--manifest", folder + "/job.json", "--day", day.description, "--concurrency", String(concurrency)] + (flag("mix") ? ["--mix"] : [])
    try child.run()
    child.waitUntilExit()
    if child.terminationStatus != 0 { exit(child.terminationStatus) }
}

/// `settle-bench e2e-run --manifest M --day D`: one `settle run` of a day, with its stage times and peak RSS.
func benchEndToEndRun() async throws {
    guard let manifestPath = textOption("manifest"), let dayText = textOption("day"), let day = Day.parse(dayText, format: .iso) else {
        print("usage: settle-bench e2e-run --manifest PATH --day YYYY-MM-DD [--concurrency N]")
        exit(2)
    }
    let folder = URL(fileURLWithPath: manifestPath).deletingLastPathComponent().path
    if flag("mix") {
        // The day before, untimed: it opens the invoices and holds the prepayments as unapplied cash.
        let before = await JobRunner(manifest: try Manifest.load(path: manifestPath)).run(RunOptions(days: [day.adding(days: -1)], concurrency: option("concurrency", default: 2)))
        guard before.exitCode == .ok else {
            print("e2e: the day before failed: \(before.message ?? "exit \(before.exitCode.rawValue)")")
            exit(1)
        }
        print("e2e: the day before (\(day.adding(days: -1))): \(before.days.first?.receiptCount ?? 0) receipts held or applied, not timed")
    }
    let start = ContinuousClock().now
    let result = await JobRunner(manifest: try Manifest.load(path: manifestPath)).run(RunOptions(days: [day], concurrency: option("concurrency", default: 2)))
    let total = seconds(ContinuousClock().now - start)
    guard result.exitCode == .ok, let outcome = result.days.first else {
        print("e2e: the run failed: \(result.message ?? "exit \(result.exitCode.rawValue)")")
        if let text = try? String(contentsOfFile: "\(folder)/out/\(day)/exceptions.csv", encoding: .utf8) {
            for line in text.split(separator: "\n").filter({ $0.contains("INVALID_INPUT") }).prefix(5) { print("  \(line)") }
        }
        exit(1)
    }
    let stages = outcome.timings.map { "\($0.0) \(String(format: "%.2f", seconds($0.1))) s" }
    let busy = outcome.timings.first { $0.0 == "post.busy" }.map { seconds($0.1) } ?? 0
    print(String(format: "e2e: settle run of %d receipts in %.2f s (%.0f receipts/s), %d entries posted, %d exceptions; peak RSS %.0f MB",
                 outcome.receiptCount, total, Double(outcome.receiptCount) / total, outcome.postedCount, outcome.exceptionCount, peakRSSMegabytes()))
    print(String(format: "e2e: ledger writer busy %.2f s; whole run / posting = %.2f", busy, busy > 0 ? total / busy : 0))
    print("e2e: stages: " + stages.joined(separator: ", "))
}
