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
    func parse<S: ByteSource>(_ source: S) throws -> (Int, Duration) {
        let start = clock.now
        var reader = NACHAReader(source: source, fileName: path)
        var n = 0
        var amount: Int64 = 0
        while let batch = try reader.nextBatch() {
            n += batch.entries.count
            for e in batch.entries { amount &+= e.detail.amountCents }
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

let command = CommandLine.arguments.dropFirst().first ?? "help"
switch command {
case "nacha": try benchNACHA()
default:
    print("""
        usage: settle-bench nacha [--entries N]
          nacha   parse and validate a generated NACHA file (CCD, CCD+, PPD, CTX, returns); entries/s, MB/s, peak RSS
        """)
}
