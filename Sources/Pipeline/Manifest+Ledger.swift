import Foundation

extension Manifest {
    /// The manifest of the job a ledger belongs to: one whose `ledger` names that very file. The ledger records the
    /// path of the manifest it last ran with (`recorded`); that one is taken when it still names this ledger. A job
    /// folder copied or moved elsewhere carries its manifest with it, so the recorded path's trailing parts are then
    /// looked for under each folder above the ledger (`/copy/jobs/nightly.json` for a ledger at
    /// `/copy/var/ledger.sqlite` that recorded `/orig/jobs/nightly.json`): never the original's manifest, whose
    /// archive and settings are another job's. At most (parts of the recorded path) × (folders above the ledger) files
    /// looked at. nil, with why, when no such manifest is found.
    public static func ofLedger(_ ledger: String, recorded: String?) -> (manifest: Manifest?, why: String) {
        guard let recorded, !recorded.isEmpty else { return (nil, "the ledger records no run") }
        guard let ledgerFile = canonical(ledger) else { return (nil, "\(ledger) cannot be found") }
        var why = "the manifest it last ran with (\(recorded)) cannot be read"
        if let manifest = try? load(path: recorded) {
            if canonical(manifest.ledger) == ledgerFile { return (manifest, "") }
            why = "the manifest it last ran with (\(recorded)) is another job's: it names the ledger \(manifest.ledger)"
        }
        let parts = URL(fileURLWithPath: recorded).standardized.pathComponents.filter { $0 != "/" }
        var folder = URL(fileURLWithPath: ledgerFile).deletingLastPathComponent()
        var tried: Set<String> = [URL(fileURLWithPath: recorded).standardized.path]
        while true {
            for count in stride(from: 1, through: parts.count, by: 1) {
                let candidate = parts.suffix(count).reduce(folder) { $0.appendingPathComponent($1) }.standardized.path
                guard tried.insert(candidate).inserted, FileManager.default.fileExists(atPath: candidate) else { continue }
                if let manifest = try? load(path: candidate), canonical(manifest.ledger) == ledgerFile { return (manifest, "") }
            }
            let up = folder.deletingLastPathComponent()
            if up.path == folder.path { break }
            folder = up
        }
        return (nil, why + ", and no manifest of that name in the folders above the ledger names it")
    }

    /// A file's path with symbolic links and `..` resolved (nil when it does not exist).
    static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
