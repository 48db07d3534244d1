import Core
import Foundation
import Pipeline

/// `settle validate`: every problem of input files, without running anything.
extension Command {
    static let validate = Command(
        "validate",
        usage: ["FILE... [--format nacha|bai2|camt052|camt053|camt054|csv] [--profile BANK.json] [--lenient]"],
        description: """
            Reads each file and prints every problem as FILE:LINE:COL: severity: message, then a one-line summary per file
            (batches, entries, addenda and totals for NACHA; lines and totals for statements). The format is taken from the
            file's name or content unless --format says it. Files may be gzip-compressed.
            """,
        options: [
            .value("format", "F", "nacha, bai2, camt052, camt053, camt054 or csv"),
            .value("profile", "P", "the bank profile (JSON) a csv export is read with"),
            .flag("lenient", "report errors as warnings (what a lenient manifest source would accept)"),
        ],
        exitStatuses: [.init(0, means: "no file has errors"), .init(1, means: "some file has errors"), .init(2, means: "usage error")],
        takesArguments: true
    ) { settle, args in try await settle.validateFiles(args) }
}

extension Settle {
    func validateFiles(_ args: ParsedArguments) async throws -> Int32 {
        guard !args.positionals.isEmpty else { throw UsageError(.wrongArguments, "validate needs at least one FILE (see settle validate --help)") }
        var forced: SourceFormat?
        if let f = args.value("format") {
            guard let format = SourceFormat(rawValue: f) else {
                throw UsageError(.invalidValue, "--format: unknown format '\(f)' (expected \(SourceFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            forced = format
        }
        var anyErrors = false
        for path in args.positionals {
            guard FileManager.default.fileExists(atPath: path) else {
                console.err("\(path): no such file")
                anyErrors = true
                continue
            }
            guard let format = forced ?? Ingest.detectFormat(path: path) else {
                console.err("\(path): cannot tell the format from the name or content; give --format")
                anyErrors = true
                continue
            }
            let input = await Ingest.readConcurrently(path: path, format: format, strict: !args.flag("lenient"), profile: args.value("profile"), keepLines: false)
            for d in input.diagnostics { console.out(d.description) }
            if input.droppedDiagnosticCount > 0 { console.out("\(path): … and \(input.droppedDiagnosticCount) more issues not shown") }
            console.out(input.summaryLine)
            if input.hasErrors { anyErrors = true }
        }
        return anyErrors ? 1 : 0
    }
}
