import Accounting
import Core
import Foundation
import Ledger
import Pipeline

/// `settle archive verify`: every archived input read back and checked against what the ledger recorded.
extension Command {
    static let archive = Command(
        group: "archive",
        description: archiveVerifyDescription,
        exitStatuses: [
            .init(0, means: "every archive is whole"), .init(1, means: "some archive is missing or does not match"), .init(2, means: "usage error"),
            .init(3, means: "the ledger could not be read"),
        ],
        subcommands: [archiveVerify])

    static let archiveVerify = Command(
        "verify",
        usage: ["--ledger PATH|URL [--entity NAME] [--day YYYY-MM-DD] [--archive DIR]"],
        description: archiveVerifyDescription,
        options: [
            .ledger,
            .entity,
            .value("day", "DAY", "only this day's inputs"),
            .value("archive", "DIR", "the job's archive folder, where it was moved (default: the archive folder of the job's manifest)"),
        ]
    ) { settle, args in try await settle.archiveVerify(args) }

    private static let archiveVerifyDescription = """
        Reads every archived input back (ARCHIVE/<day>/<sha-256 prefix>-<name>.gz, one gzip layer over the input as it
        came) and checks its SHA-256 and size against what the day's run recorded in the ledger. Prints one line per
        problem and a summary. ARCHIVE is --archive DIR (an archive moved elsewhere), else the archive folder of the
        job's manifest, resolved against the manifest's folder: the manifest the ledger last ran with when it names this
        ledger, else the one of the same name that a copied or moved job folder carries (looked for in the folders above
        the ledger). The paths the ledger recorded give only each file's name, so a copied job folder is checked against
        its own archive, never the original's. Without --archive and no such manifest, a usage error. A --day never run
        is a usage error. On a PostgreSQL ledger, --archive is required (the entity's manifest's archive folder).
        """
}

extension Settle {
    func archiveVerify(_ args: ParsedArguments) async throws -> Int32 {
        let ledger = args.ledgerPath
        let wanted = try day(args.value("day"), option: "day")
        let files: [IngestedFile]
        let root: String
        if let postgreSQL = try openPostgreSQLReader(args) {
            // A PostgreSQL ledger names no job folder to find a manifest beside: the archive is given.
            files = try postgreSQL.ingestedFiles(day: wanted)
            if let wanted, files.isEmpty, !(try postgreSQL.wasRun(wanted)) {
                throw UsageError(.invalidValue, "archive verify: \(wanted) was never run on entity \(postgreSQL.entity): nothing of it is archived")
            }
            guard let given = args.value("archive") else {
                throw UsageError(.missingOption, "archive verify: on a PostgreSQL ledger, pass --archive DIR (the entity's manifest's archive folder)")
            }
            root = URL(fileURLWithPath: given).standardized.path
        } else {
            _ = try openReader(ledger)  // migrates an older ledger first
            let view: any LedgerReading = try SQLiteLedgerReader(path: ledger)
            files = try await view.ingestedFiles(day: wanted)
            if let wanted, files.isEmpty, !(try await view.wasRun(wanted)) {
                throw UsageError(.invalidValue, "archive verify: \(wanted) was never run on \(ledger): nothing of it is archived")
            }
            root = files.isEmpty ? "" : try await archiveRoot(args, ledger: ledger, view: view)
        }
        var problems = 0
        for recorded in files {
            var file = recorded
            file.archivePath = Archive.located(recorded.archivePath, day: recorded.day, under: root) ?? ""
            guard !file.archivePath.isEmpty, FileManager.default.fileExists(atPath: file.archivePath) else {
                console.out("\(file.day) \(file.name): no archive at \(file.archivePath.isEmpty ? "(none recorded)" : file.archivePath)")
                problems += 1
                continue
            }
            do {
                try Archive.check(file.archivePath, sha256: file.sha256, size: file.sizeBytes)
            } catch {
                console.out("\(file.day) \(file.name): \(error)")
                problems += 1
            }
        }
        console.out("\(files.count) archived input\(files.count == 1 ? "" : "s") read back: " + (problems == 0 ? "every one whole" : "\(problems) with a problem"))
        return problems == 0 ? 0 : 1
    }

    /// The archive of this job: --archive DIR (a moved one), else the `archive` folder of this ledger's own manifest
    /// (`Manifest.ofLedger`); never the paths the ledger recorded, which a copied job folder shares with the original.
    private func archiveRoot(_ args: ParsedArguments, ledger: String, view: any LedgerReading) async throws -> String {
        if let given = args.value("archive") { return URL(fileURLWithPath: given).standardized.path }
        let found = Manifest.ofLedger(ledger, recorded: try await view.lastManifestPath())
        guard let manifest = found.manifest else {
            throw UsageError(.missingOption, "archive verify: cannot tell where the archive of \(ledger) is: \(found.why); pass --archive DIR")
        }
        return manifest.archive
    }
}
