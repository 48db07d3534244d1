import Accounting
import Foundation
import Ledger
import Testing
import TestSupport

/// A real `settle` process stopped by SIGTERM / SIGINT while its last day waits with the transaction open: the day in
/// flight rolls back, the days before it stay, the exit code is 143 / 130, the message names the finished days, and
/// the next run finishes the job.
@Suite(.serialized) struct ProcessSignalTests {
    /// The `settle` executable of the normal build, beside the test bundle (`swift build --build-tests` builds both).
    static var binary: String? {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [folder, folder.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("settle").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        let built = TestPaths.packageRoot + "/.build/debug/settle"
        return FileManager.default.isExecutableFile(atPath: built) ? built : nil
    }

    /// The `settle` executable with the fault switches compiled in (`scripts/build-faults.sh`, into `.build-faults`),
    /// built once per test process; the error says why it could not be.
    static let faultsBinary: Result<String, FaultsBuildError> = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", TestPaths.packageRoot + "/scripts/build-faults.sh"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { return .failure(FaultsBuildError(message: "cannot start scripts/build-faults.sh: \(error)")) }
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let log = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let path = String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, FileManager.default.isExecutableFile(atPath: path) else {
            return .failure(FaultsBuildError(message: "scripts/build-faults.sh failed (exit \(process.terminationStatus)): \(String(decoding: log.suffix(4000), as: UTF8.self))"))
        }
        return .success(path)
    }()

    struct FaultsBuildError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Whether a Swift toolchain is there to build the fault-injection binary (the tests that need it say so when not).
    static let canBuildFaults: Bool = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/swift")
    }

    func manifest(_ folder: String) throws -> String {
        let text = try String(contentsOfFile: TestPaths.jobs + "/sample.json", encoding: .utf8)
            .replacingOccurrences(of: "../var/", with: folder + "/")
            .replacingOccurrences(of: "\"../Samples", with: "\"" + TestPaths.samples)
        try text.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        return folder + "/job.json"
    }

    func launch(_ binary: String, _ arguments: [String], pause: Bool, out: FileHandle, err: FileHandle) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if pause { environment["SETTLE_FAULT_PAUSE_BEFORE_COMMIT"] = "30" }
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return process
    }

    @Test(.enabled(if: ProcessSignalTests.canBuildFaults, "no swift toolchain on PATH to build settle with its fault switches (scripts/build-faults.sh)"),
          arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130))])
    func aSignalRollsBackTheDayInFlightAndNamesTheFinishedOnes(signal: Int32, code: Int32) throws {
        let binary = try Self.faultsBinary.get()
        let folder = TestPaths.temporaryDirectory("signal")
        let job = try manifest(folder)
        _ = FileManager.default.createFile(atPath: folder + "/out.txt", contents: nil)
        _ = FileManager.default.createFile(atPath: folder + "/err.txt", contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/out.txt"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/err.txt"))
        // The sample days through 2026-11-06: the last of them waits with its transaction open.
        let process = try launch(binary, ["run", job, "--from", "2026-11-02", "--to", "2026-11-06"], pause: true, out: out, err: err)
        // Wait until day four has committed; day five then holds its transaction open for 30 s.
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, !((try? String(contentsOfFile: folder + "/out.txt", encoding: .utf8)) ?? "").contains("2026-11-05:") {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.5)
        #expect(process.isRunning)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        try out.close(); try err.close()
        let stderr = try String(contentsOfFile: folder + "/err.txt", encoding: .utf8)
        #expect(process.terminationReason == .exit && process.terminationStatus == code, "\(process.terminationReason) \(process.terminationStatus): \(stderr)")
        #expect(stderr.contains("finished 2026-11-02, 2026-11-03, 2026-11-04, 2026-11-05; 2026-11-06 rolled back"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/2026-11-06/journal.csv"))
        // Nothing of the rolled-back day is left: no report or its temporary file (the folder it made is gone), no
        // archive staged while its writer posted.
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/2026-11-06"))
        let archived = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/archive/2026-11-06")) ?? []
        #expect(archived.isEmpty, "\(archived)")
        #expect(FileManager.default.fileExists(atPath: folder + "/archive/2026-11-05"))
        let reader = try SQLiteLedgerReader(path: folder + "/ledger.sqlite")
        #expect(try reader.verify().isClean)
        let entriesAfterStop = try reader.counts().entries
        #expect(entriesAfterStop > 0)

        // The next run finishes day five and only it.
        let rerun = try launch(binary, ["run", job, "--date", "2026-11-06"], pause: false, out: FileHandle.nullDevice, err: FileHandle.nullDevice)
        rerun.waitUntilExit()
        #expect(rerun.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: folder + "/out/2026-11-06/journal.csv"))
        let placed = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/archive/2026-11-06")) ?? []
        #expect(!placed.isEmpty && placed.allSatisfy { $0.hasSuffix(".gz") }, "\(placed)")
        #expect(try reader.counts().entries > entriesAfterStop)
        #expect(try reader.verify().isClean)
    }

    /// The normal build ignores the fault and trace switches: a run with them set finishes every day (no SIGKILL after
    /// a posting, no exit 0 after a stage, no wait before a commit).
    @Test func theNormalBuildIgnoresTheFaultSwitches() throws {
        guard let binary = Self.binary else {
            Issue.record("the settle executable is not built beside the tests (swift build --build-tests builds it)")
            return
        }
        let folder = TestPaths.temporaryDirectory("no-faults")
        let job = try manifest(folder)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["run", job]
        var environment = ProcessInfo.processInfo.environment
        environment["SETTLE_FAULT_KILL_AFTER_POSTINGS"] = "3"
        environment["SETTLE_FAULT_PAUSE_BEFORE_COMMIT"] = "30"
        environment["SETTLE_TRACE_EXIT_AFTER"] = "ingest"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let started = Date()
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(process.terminationReason) \(process.terminationStatus)")
        #expect(Date().timeIntervalSince(started) < 25, "the run waited before a commit")
        for day in ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-09"] {
            #expect(FileManager.default.fileExists(atPath: "\(folder)/out/\(day)/journal.csv"), "\(day) did not finish")
        }
    }
}
