import Foundation
@testable import settle
import Testing
import TestSupport

/// Where `archive verify` and a rerun find a job's archive: the `archive` folder of the job's own manifest (resolved
/// against the manifest's folder) or `--archive DIR`, never the absolute paths the ledger recorded.
@Suite struct ArchiveLocationTests {
    func settle(_ arguments: [String]) async -> (code: Int32, out: String, err: String) { await SettleHarness.settle(arguments) }

    let fm = FileManager.default

    /// `FOLDER/jobs/nightly.json` (as CONTRACT lays a job out): ledger, output and archive in `FOLDER/var`, inputs in
    /// `FOLDER/in`, every path relative to the manifest; 2026-11-02 run on it.
    func jobFolder(_ name: String) async throws -> String {
        let folder = TestPaths.temporaryDirectory(name)
        try copySampleDay(into: folder)
        try fm.createDirectory(atPath: folder + "/jobs", withIntermediateDirectories: true)
        let samples = TestPaths.samples
        try """
            {"version": 1, "ledger": "../var/l.sqlite", "output": "../var/out", "archive": "../var/arc",
             "customers": "\(samples)/customers.csv", "invoices": "\(samples)/invoices.csv",
             "sources": [{"format": "nacha", "path": "../in/{date}/ach/*.ach"}, {"format": "bai2", "path": "../in/{date}/bank/*.bai"}],
             "matching": {"tolerance": "1.00"}}
            """.write(toFile: folder + "/jobs/nightly.json", atomically: true, encoding: .utf8)
        let run = await settle(["run", folder + "/jobs/nightly.json", "--date", "2026-11-02"])
        #expect(run.code == 0, "\(run.err)")
        return folder
    }

    /// Overwrites the first archived input of `folder`'s 2026-11-02 that ends in `suffix`; returns its name.
    @discardableResult
    func tamper(_ archive: String, suffix: String = ".bai.gz") throws -> String {
        let name = try #require(try fm.contentsOfDirectory(atPath: archive + "/2026-11-02").first { $0.hasSuffix(suffix) })
        try Data("not what was archived".utf8).write(to: URL(fileURLWithPath: archive + "/2026-11-02/" + name))
        return name
    }

    @Test func aCopiedJobFolderIsVerifiedAndRerunAgainstItsOwnArchive() async throws {
        let original = try await jobFolder("archive-original")
        let copy = TestPaths.temporaryDirectory("archive-copy") + "/job"
        try fm.copyItem(atPath: original, toPath: copy)
        // The original's archive damaged: the copy's ledger recorded the original's manifest and archive paths, yet
        // the copy is checked against its own archive.
        let name = try tamper(original + "/var/arc")
        let damaged = await settle(["archive", "verify", "--ledger", original + "/var/l.sqlite"])
        #expect(damaged.code == 1 && damaged.out.contains("2026-11-02 ") && damaged.out.contains(name), "\(damaged.out)")
        let copied = await settle(["archive", "verify", "--ledger", copy + "/var/l.sqlite"])
        #expect(copied.code == 0 && copied.out.contains("3 archived inputs read back: every one whole"), "\(copied.out)\(copied.err)")
        // A rerun of the copy whose inputs left their paths reads them back from its own archive (the original's
        // damaged one would be refused as input that does not match what the day recorded).
        try fm.removeItem(atPath: copy + "/in/2026-11-02")
        let rerun = await settle(["run", copy + "/jobs/nightly.json", "--date", "2026-11-02"])
        #expect(rerun.code == 0 && rerun.out.contains("0 entries posted"), "\(rerun.out)\(rerun.err)")
        #expect(fm.fileExists(atPath: copy + "/var/arc/2026-11-02/restored/20261102.bai"))
        // The original gone altogether, manifest included: the copy's manifest is found beside its ledger.
        try fm.removeItem(atPath: original)
        let alone = await settle(["archive", "verify", "--ledger", copy + "/var/l.sqlite"])
        #expect(alone.code == 0 && alone.out.contains("every one whole"), "\(alone.out)\(alone.err)")
        // The copy's own archive damaged: found.
        let own = try tamper(copy + "/var/arc", suffix: ".ach.gz")
        let broken = await settle(["archive", "verify", "--ledger", copy + "/var/l.sqlite", "--day", "2026-11-02"])
        #expect(broken.code == 1 && broken.out.contains("\(copy)/var/arc/2026-11-02/\(own)") && broken.out.contains("1 with a problem"), "\(broken.out)")
    }

    @Test func aLedgerWithoutItsManifestNeedsArchiveAndNeverReadsTheOriginals() async throws {
        let original = try await jobFolder("archive-ledger-only")
        // Only the ledger and archive copied: the manifest the ledger recorded names the original's ledger, so its
        // archive is not this one's.
        let elsewhere = TestPaths.temporaryDirectory("archive-ledger-copy")
        for file in ["l.sqlite", "l.sqlite-wal", "arc"] where fm.fileExists(atPath: original + "/var/" + file) {
            try fm.copyItem(atPath: original + "/var/" + file, toPath: elsewhere + "/" + file)
        }
        let unknown = await settle(["archive", "verify", "--ledger", elsewhere + "/l.sqlite"])
        #expect(unknown.code == 2 && unknown.out.isEmpty, "\(unknown.out)")
        #expect(unknown.err.contains("pass --archive DIR") && unknown.err.contains("another job's"), "\(unknown.err)")
        // Moved, the archive is verified where --archive says, and damage there is found.
        let moved = await settle(["archive", "verify", "--ledger", elsewhere + "/l.sqlite", "--archive", elsewhere + "/arc"])
        #expect(moved.code == 0 && moved.out.contains("every one whole"), "\(moved.out)\(moved.err)")
        let name = try tamper(elsewhere + "/arc")
        let broken = await settle(["archive", "verify", "--ledger", elsewhere + "/l.sqlite", "--archive", elsewhere + "/arc"])
        #expect(broken.code == 1 && broken.out.contains("\(elsewhere)/arc/2026-11-02/\(name)"), "\(broken.out)")
        // The original's manifest gone too: still a usage error naming --archive, never the recorded paths.
        try fm.removeItem(atPath: original + "/jobs")
        let gone = await settle(["archive", "verify", "--ledger", elsewhere + "/l.sqlite", "--day", "2026-11-02"])
        #expect(gone.code == 2 && gone.err.contains("cannot be read") && gone.err.contains("pass --archive DIR"), "\(gone.err)")
        // A day never run stays a usage error, whatever is known of the archive.
        let never = await settle(["archive", "verify", "--ledger", elsewhere + "/l.sqlite", "--day", "2026-11-20"])
        #expect(never.code == 2 && never.err.contains("2026-11-20 was never run"), "\(never.err)")
    }
}
