import Accounting
import Core
import Foundation
import Ledger
import Pipeline
import Testing
import TestSupport

/// CONTRACT: the files settle creates (ledger and its `-wal`/`-shm`, lock, reports, run log, archive) hold account
/// numbers and amounts: mode 0600, in folders of mode 0700. Checked through the library, without the executable's umask.
@Suite struct FileModesTests {
    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : nil
    }

    /// Every file and folder under `root`, with its mode, deepest last.
    static func walk(_ root: String) -> [(path: String, isFolder: Bool, mode: mode_t)] {
        var found: [(String, Bool, mode_t)] = []
        guard let names = FileManager.default.subpaths(atPath: root) else { return [] }
        for name in names.sorted() {
            let path = root + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            found.append((path, (info.st_mode & S_IFMT) == S_IFDIR, info.st_mode & 0o777))
        }
        return found
    }

    @Test func aRunMakesItsFilesPrivateAndTheirFoldersToo() async throws {
        let folder = TestPaths.temporaryDirectory("modes")
        let samples = TestPaths.samples
        // Every folder settle writes to is one it has to make, parents included.
        let manifestText = """
            {
              "version": 1, "name": "modes", "currency": "USD",
              "ledger": "\(folder)/books/ledger.sqlite", "output": "\(folder)/var/out", "archive": "\(folder)/var/archive",
              "customers": "\(samples)/customers.csv", "invoices": "\(samples)/invoices.csv",
              "sources": [
                { "format": "nacha", "path": "\(samples)/{date}/ach/*.ach", "role": "received" },
                { "format": "bai2", "path": "\(samples)/{date}/bank/*.bai" }
              ]
            }
            """
        let manifestPath = folder + "/job.json"
        try manifestText.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        let day = try #require(Day(year: 2026, month: 11, day: 2))
        let result = await JobRunner(manifest: try Manifest.load(path: manifestPath)).run(RunOptions(days: [day], concurrency: 2))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")

        // The ledger open, so that its -wal and -shm are there to look at.
        let store = try SQLiteLedgerStore(path: folder + "/books/ledger.sqlite")
        for name in ["books/ledger.sqlite", "books/ledger.sqlite-wal", "books/ledger.sqlite-shm", "books/ledger.sqlite.lock",
                     "var/out/2026-11-02/remittance.csv", "var/out/2026-11-02/journal.csv", "var/out/2026-11-02/summary.json",
                     "var/out/2026-11-02/exceptions.html", "var/out/2026-11-02/run.log"] {
            #expect(Self.mode(folder + "/" + name) == 0o600, "\(name): \(Self.mode(folder + "/" + name).map { String($0, radix: 8) } ?? "missing")")
        }
        let archived = Self.walk(folder + "/var/archive").filter { $0.path.hasSuffix(".gz") }
        #expect(!archived.isEmpty, "the day archived nothing")
        for name in ["books", "var", "var/out", "var/archive", "var/archive/2026-11-02"] {
            #expect(Self.mode(folder + "/" + name) == 0o700, "\(name): \(Self.mode(folder + "/" + name).map { String($0, radix: 8) } ?? "missing")")
        }
        // And whatever else settle left there.
        let everything = Self.walk(folder + "/books") + Self.walk(folder + "/var")
        let dayFolder = folder + "/var/out/2026-11-02"
        for entry in everything where entry.path != dayFolder {
            #expect(entry.mode == (entry.isFolder ? 0o700 : 0o600), "\(entry.path): \(String(entry.mode, radix: 8))")
        }
        #expect(Self.mode(dayFolder) == 0o700, "\(String(Self.mode(dayFolder) ?? 0, radix: 8))")
        withExtendedLifetime(store) {}
    }
}
