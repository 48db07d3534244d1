import ACH
import Core
import Foundation
import Pipeline

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

func benchNACHA() throws {
    let entries = option("entries", default: 1_000_000)
    let path = NSTemporaryDirectory() + "/settle-bench-\(entries).ach"
    if !FileManager.default.fileExists(atPath: path) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = FileHandle(forWritingAtPath: path)!
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 20)
        NACHAGenerator(options: .init(entryCount: entries)).write(effective: Day(year: 2026, month: 11, day: 2)!) { record in
            buffer.append(contentsOf: record.utf8)
            if buffer.count >= 1 << 20 { handle.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
        }
        handle.write(Data(buffer))
        try handle.close()
    }
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    let clock = ContinuousClock()
    var best = Duration.seconds(1_000_000)
    var counted = 0
    for _ in 0..<3 {
        let start = clock.now
        var reader = NACHAReader(source: try FileByteSource(path: path), fileName: path)
        var n = 0
        var amount: Int64 = 0
        while let batch = try reader.nextBatch() {
            n += batch.entries.count
            for e in batch.entries { amount &+= e.detail.amountCents }
        }
        let elapsed = clock.now - start
        precondition(!reader.diagnostics.hasErrors, "generated file has errors: \(reader.diagnostics.items.prefix(3))")
        best = min(best, elapsed)
        counted = n
    }
    let s = seconds(best)
    print(String(format: "nacha: %d entries, %.1f MB in %.3f s: %.0f entries/s, %.1f MB/s, peak RSS %.1f MB",
                 counted, Double(size) / 1e6, s, Double(counted) / s, Double(size) / 1e6 / s, peakRSSMegabytes()))
}

let command = CommandLine.arguments.dropFirst().first ?? "help"
switch command {
case "nacha": try benchNACHA()
default:
    print("""
        usage: settle-bench nacha [--entries N]
          nacha   parse and validate a generated NACHA file (CCD, CCD+, PPD, CTX, returns); entries/s, MB/s, peak RSS
        """)
}
