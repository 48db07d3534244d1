import Accounting
import Core
import Foundation
import Ledger
import Pipeline

/// `settle exceptions import`: a reviewer's spreadsheet of decisions, every row checked before anything is recorded.
extension Command {
    static let exceptionsImport = Command(
        "import",
        usage: ["FILE.csv --ledger PATH [--entity NAME] [--dry-run] [--by NAME]"],
        description: "Records the decisions of a spreadsheet: exceptions.csv's columns plus decision (apply, write-off, unapplied, "
            + "refund, ignore, post-to, settled-by, reverse), invoice_ids and amounts (|-separated, same order), post_to (the account "
            + "of post-to), settled_by (the receipt id of settled-by) and note; a row without a decision is left alone. "
            + "Every row is checked first and nothing is recorded from a file with an invalid row. Takes the ledger's lock like a run "
            + "(on PostgreSQL none: each row is recorded in a transaction of its own, and a row another desk decided first is refused, "
            + "the rows before it staying recorded).",
        options: [
            .ledger, .entity,
            .flag("dry-run", "check every row and say what would be recorded, recording nothing"),
            .value("by", "NAME", "who decides, for rows without a by column (default: your login name)"),
        ],
        takesArguments: true
    ) { settle, args in try await settle.exceptionsImport(args) }
}

extension Settle {
    func exceptionsImport(_ args: ParsedArguments) async throws -> Int32 {
        guard args.positionals.count == 1 else { throw UsageError(.wrongArguments, "exceptions import needs one FILE.csv") }
        let (path, dryRun) = (args.positionals[0], args.flag("dry-run"))
        let rows = try decisionRows(path: path, by: args.value("by") ?? Settle.loginName())
        var problems = rows.problems
        let console = self.console
        return try await withReviewLock(args) { store, view in
            let policy = try await Review.policy(view: view)
            var checked: [(ReviewRequest, [ReviewApplication])] = []
            var seen = Set<String>()
            for (line, request) in rows.requests {
                guard seen.insert(request.exceptionID).inserted else {
                    problems.append("\(path):\(line): \(request.exceptionID) is decided twice in the file")
                    continue
                }
                do { checked.append((request, try await Review.check(request, view: view, policy: policy))) } catch let refusal as ReviewRefusal {
                    problems.append("\(path):\(line): \(refusal.message)")
                }
            }
            if !problems.isEmpty {
                for p in problems { console.err(p) }
                console.err("settle: nothing recorded: \(problems.count) row\(problems.count == 1 ? "" : "s") of \(path) \(problems.count == 1 ? "is" : "are") invalid")
                return ExitCode.usage.rawValue
            }
            for (request, applications) in checked {
                let detail = ReviewApplication.text(applications)
                if dryRun {
                    console.out("would resolve \(request.exceptionID): \(request.kind.rawValue)\(detail.isEmpty ? "" : " \(detail)") (\(request.note))")
                } else {
                    try await store.recordDecision(exceptionID: request.exceptionID, decision: request.kind, applications: applications, note: request.note,
                                                   by: request.by, approvedBy: request.approvedBy, at: Timestamp.now())
                    console.out("\(request.exceptionID) resolved: \(request.kind.rawValue)\(detail.isEmpty ? "" : " \(detail)")")
                }
            }
            console.out(dryRun ? "dry run: \(checked.count) decision\(checked.count == 1 ? "" : "s") would be recorded, nothing written"
                               : "\(checked.count) decision\(checked.count == 1 ? "" : "s") recorded; booked by the next run")
            return 0
        }
    }

    /// The decided rows of a reviewer's CSV (its 1-based line and the request), and the problems of the rows that cannot
    /// be one; `by` decides the rows without a `by` column.
    func decisionRows(path: String, by: String) throws -> (requests: [(line: Int, request: ReviewRequest)], problems: [String]) {
        guard let bytes = FileManager.default.contents(atPath: path) else { throw UsageError(.unreadableFile, "\(path): cannot read the file") }
        var reader = CSVReader(source: MemoryByteSource(Array(bytes)), options: CSVOptions())
        var record = CSVRecord()
        guard try reader.next(into: &record) else { throw UsageError(.unreadableFile, "\(path): the file is empty (expected a header row)") }
        let header = (0..<record.count).map { record[$0].trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        guard let idColumn = column("exception_id"), let decisionColumn = column("decision") else {
            throw UsageError(.unreadableFile, "\(path):1: the header needs exception_id and decision (and invoice_ids, amounts, note)")
        }
        var requests: [(line: Int, request: ReviewRequest)] = []
        var problems: [String] = []
        var line = 1
        while try reader.next(into: &record) {
            line += 1
            func field(_ i: Int?) -> String { i.map { $0 < record.count ? record[$0].trimmingCharacters(in: .whitespaces) : "" } ?? "" }
            let decision = field(decisionColumn)
            if decision.isEmpty { continue }  // a row nobody decided yet
            let id = field(idColumn)
            guard let kind = ReviewDecisionKind(rawValue: decision) else {
                problems.append("\(path):\(line): decision '\(decision)' is not one of \(ReviewDecisionKind.allCases.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            let invoices = field(column("invoice_ids")).split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let amounts = field(column("amounts")).split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if kind == .apply && invoices.count != amounts.count {
                problems.append("\(path):\(line): \(invoices.count) invoice_ids but \(amounts.count) amounts (one amount per invoice, same order)")
                continue
            }
            let note = field(column("note"))
            let rowBy = field(column("by"))
            var request = ReviewRequest(exceptionID: id, kind: kind, applications: kind == .apply ? Array(zip(invoices, amounts)).map { ($0.0, $0.1) } : [],
                                        note: note, by: rowBy.isEmpty ? by : rowBy, approvedBy: field(column("approved_by")))
            // `post-to` takes its account from post_to, `settled-by` its statement line's receipt id from settled_by.
            request.postTo = field(column("post_to"))
            request.settledBy = field(column("settled_by"))
            requests.append((line, request))
        }
        return (requests, problems)
    }
}
