import Accounting
import Core
import Foundation
import Ledger
import Pipeline
import Receivables
import Reports

/// `settle exceptions`: what the runs raised, and a reviewer's decisions on it.
extension Settle {
    static let exceptionsHelp = """
        Usage:
          settle exceptions list   --ledger PATH [--status open|resolved|all] [--type T] [--day YYYY-MM-DD] [--customer C] [--json]
          settle exceptions show   ID --ledger PATH [--json]
          settle exceptions resolve ID --ledger PATH (--apply INVOICE=AMOUNT [--apply ...] | --write-off | --unapplied | --refund | --ignore)
                                   --note TEXT [--by NAME] [--approved-by NAME]
          settle exceptions reopen ID --ledger PATH --note TEXT [--by NAME]
          settle exceptions import FILE.csv --ledger PATH [--dry-run] [--by NAME]

        A decision is checked at once and booked by the next run (or a rerun of its day) under the key
        review:<exception id>, never twice; reopen reverses what it booked. What each type accepts:
          AMBIGUOUS, UNMATCHED, OVER_PAY, UNKNOWN_CUSTOMER  --apply (cash up to the receipt's unapplied amount, the rest
                                                            stays unapplied), --refund, --unapplied
          SHORT_PAY                                         --write-off of the short amount, or --ignore (the invoice stays open)
          any other type                                    --ignore
        A write-off above the manifest's review.write_off_limit (default 100.00) needs --approved-by a second person.
        --by defaults to your login name. Every decision, reopen and approval stays in the history `show` prints.
        import reads exceptions.csv's columns plus decision (apply, write-off, unapplied, refund, ignore), invoice_ids
        and amounts (|-separated, same order) and note; every row is checked first and nothing is recorded from a file
        with an invalid row. resolve, reopen and import take the ledger's lock like a run.
        (--resolution accept|ignore|write-off|refund|apply:INVOICE is the older spelling and still works.)

        Exit codes: 0 done; 1 no such exception; 2 usage error, or a decision refused (the message says why);
                    3 the ledger could not be read; 75 a run holds the lock.
        """

    func exceptionsCommand(_ raw: [String]) async throws -> Int32 {
        if wantsHelp(raw) || raw.isEmpty { console.out(Settle.exceptionsHelp); return raw.isEmpty ? 2 : 0 }
        let args = try Arguments(raw, valueOptions: ["ledger", "status", "day", "type", "customer", "resolution", "note", "apply", "by", "approved-by"],
                                 flagOptions: ["json", "write-off", "unapplied", "refund", "ignore", "dry-run"])
        guard let ledger = args.values["ledger"] else { throw ManifestError("exceptions needs --ledger PATH") }
        guard let sub = args.positionals.first else { throw ManifestError("exceptions needs list, show, resolve, reopen or import") }
        switch sub {
        case "list":
            let reader = try openReader(ledger)
            let status = (args.values["status"] ?? "all").lowercased()
            guard ["open", "resolved", "all"].contains(status) else { throw ManifestError("--status must be open, resolved or all") }
            // Filter values are checked: a misspelt type or customer is a usage error naming the valid or nearest values,
            // never "0 exceptions".
            var type: String?
            if let given = args.values["type"] {
                let wanted = given.uppercased().replacingOccurrences(of: "-", with: "_")
                guard let known = Review.exceptionTypes.first(where: { $0 == wanted }) else {
                    let near = Review.nearest(wanted, among: Review.exceptionTypes)
                    throw ManifestError("--type: no exception type '\(given)'" + (near.isEmpty ? "" : " (did you mean \(near.joined(separator: ", "))?)")
                                        + "; the types: \(Review.exceptionTypes.joined(separator: ", "))")
                }
                type = known
            }
            var customer: String?
            if let given = args.values["customer"] {
                let known = try reader.customerIDs()
                if let exact = known.first(where: { $0 == given }) ?? known.first(where: { $0.uppercased() == given.uppercased() }) {
                    customer = exact
                } else {
                    let near = Review.nearest(given, among: known)
                    throw ManifestError("--customer: no customer '\(given)' in \(ledger)" + (near.isEmpty ? "" : " (the nearest: \(near.joined(separator: ", ")))"))
                }
            }
            let rows = try reader.exceptions(status: status == "all" ? nil : status, day: try day(args.values["day"], option: "day"), type: type, customer: customer)
            if args.flags.contains("json") {
                console.out(JSONValue.array(rows.map { exceptionJSON($0, history: nil) }).rendered())
            } else {
                for r in rows {
                    console.out("\(r.exceptionID)  \(r.day)  \(r.type.padding(21))\(r.status.padding(9))\(r.amount?.description ?? "")  \(r.customerID)  \(r.message)")
                }
                console.out("\(rows.count) exception\(rows.count == 1 ? "" : "s")")
            }
            return 0
        case "show":
            guard args.positionals.count == 2 else { throw ManifestError("exceptions show needs one ID") }
            let reader = try openReader(ledger)
            guard let r = try reader.exception(id: args.positionals[1]) else {
                console.err("settle: no exception \(args.positionals[1]) in \(ledger)")
                return 1
            }
            let history = try reader.history(exceptionID: r.exceptionID)
            if args.flags.contains("json") {
                console.out(exceptionJSON(r, history: history).rendered())
            } else {
                console.out("\(r.exceptionID)  \(r.type)  \(r.status)\(r.resolution.isEmpty ? "" : " (\(r.resolution))")")
                console.out("day \(r.day), receipt \(r.receiptID.isEmpty ? "-" : r.receiptID), \(r.source) \(r.sourceRef), at \(r.location)")
                console.out("customer \(r.customerID.isEmpty ? "-" : r.customerID), amount \(r.amount?.description ?? "-"), invoices \(r.invoiceIDs.isEmpty ? "-" : r.invoiceIDs.joined(separator: ", "))")
                console.out("message: \(r.message)")
                // Whether the decision is in the books yet, and since when.
                if let b = try reader.booking(exceptionID: r.exceptionID), !b.decision.isEmpty {
                    console.out(b.bookedSeq == b.seq && b.bookedDay != nil ? "decision \(b.decision): booked by the run of \(b.bookedDay ?? "")"
                                : "decision \(b.decision): recorded, not booked yet (the next run books it)")
                }
                if !r.suggestions.isEmpty { console.out("suggestions: \(r.suggestions)") }
                if !r.evidence.isEmpty { console.out("evidence: \(r.evidence)") }
                console.out("accepts: " + Review.accepted(by: r.type).map { "--\($0.rawValue)" }.joined(separator: ", "))
                if history.isEmpty { console.out("history: none") } else {
                    console.out("history:")
                    for h in history {
                        var line = "  \(h.at)  \(h.action)"
                        if !h.decision.isEmpty { line += " \(h.decision)" }
                        if !h.applications.isEmpty { line += " \(h.applications)" }
                        line += " by \(h.by.isEmpty ? "-" : h.by)"
                        if !h.approvedBy.isEmpty { line += ", approved by \(h.approvedBy)" }
                        if let run = h.runID { line += " (run \(run))" }
                        if !h.note.isEmpty { line += ": \(h.note)" }
                        console.out(line)
                    }
                }
            }
            return 0
        case "resolve":
            guard args.positionals.count == 2 else { throw ManifestError("exceptions resolve needs one ID") }
            let request = try reviewRequest(id: args.positionals[1], args: args)
            return try await withReviewLock(ledger) { store, view in
                let limit = try await writeOffLimit(view)
                let applications: [ReviewApplication]
                do { applications = try await Review.check(request, view: view, writeOffLimit: limit) } catch let refusal as ReviewRefusal {
                    console.err("settle: \(refusal.message)")
                    return refusal.message.hasPrefix("no exception") ? 1 : ExitCode.usage.rawValue
                }
                try await store.recordDecision(exceptionID: request.exceptionID, decision: request.kind, applications: applications, note: request.note,
                                               by: request.by, approvedBy: request.approvedBy, at: Settle.timestamp())
                let detail = ReviewApplication.text(applications)
                console.out("\(request.exceptionID) resolved: \(request.kind.rawValue)\(detail.isEmpty ? "" : " \(detail)"); booked by the next run")
                return 0
            }
        case "reopen":
            guard args.positionals.count == 2 else { throw ManifestError("exceptions reopen needs one ID") }
            guard let note = args.values["note"], !note.trimmingCharacters(in: .whitespaces).isEmpty else { throw ManifestError("exceptions reopen needs --note TEXT") }
            let id = args.positionals[1]
            return try await withReviewLock(ledger) { store, view in
                guard let r = try await view.exception(id: id) else {
                    console.err("settle: no exception \(id) in \(ledger)")
                    return 1
                }
                guard r.status == "resolved" else {
                    console.err("settle: \(id) is open: there is nothing to reopen")
                    return ExitCode.usage.rawValue
                }
                try await store.reopenException(id: id, note: note, by: args.values["by"] ?? Settle.loginName(), at: Settle.timestamp())
                console.out("\(id) reopened; the next run reverses what its decision booked")
                return 0
            }
        case "import":
            guard args.positionals.count == 2 else { throw ManifestError("exceptions import needs one FILE.csv") }
            return try await importDecisions(path: args.positionals[1], ledger: ledger, dryRun: args.flags.contains("dry-run"),
                                             by: args.values["by"] ?? Settle.loginName())
        default:
            throw ManifestError("exceptions: unknown subcommand '\(sub)' (expected list, show, resolve, reopen or import)")
        }
    }

    static func loginName() -> String {
        let env = ProcessInfo.processInfo.environment
        if let user = env["USER"] ?? env["LOGNAME"], !user.isEmpty { return user }
        if let name = getlogin() { return String(cString: name) }
        // The account's own name from the system (no USER, no terminal: a scheduler, a container).
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "unknown"
    }

    /// The decision the options give (one of them, and only one).
    func reviewRequest(id: String, args: Arguments) throws(ManifestError) -> ReviewRequest {
        let by = args.values["by"] ?? Settle.loginName()
        let note = args.values["note"] ?? ""
        let approvedBy = args.values["approved-by"] ?? ""
        var chosen: [ReviewDecisionKind] = []
        if args.lists["apply"] != nil { chosen.append(.apply) }
        for (flag, kind) in [("write-off", ReviewDecisionKind.writeOff), ("unapplied", .unapplied), ("refund", .refund), ("ignore", .ignore)] where args.flags.contains(flag) {
            chosen.append(kind)
        }
        if let old = args.values["resolution"] {
            guard chosen.isEmpty else { throw ManifestError("give --resolution or one of --apply, --write-off, --unapplied, --refund, --ignore, not both") }
            // The older spelling: apply:INVOICE applies what the invoice has open (the check refuses more than the receipt's unapplied cash).
            switch old {
            case "accept", "unapplied": return ReviewRequest(exceptionID: id, kind: .unapplied, note: note.isEmpty ? old : note, by: by, approvedBy: approvedBy)
            case "ignore": return ReviewRequest(exceptionID: id, kind: .ignore, note: note.isEmpty ? old : note, by: by, approvedBy: approvedBy)
            case "write-off": return ReviewRequest(exceptionID: id, kind: .writeOff, note: note.isEmpty ? old : note, by: by, approvedBy: approvedBy)
            case "refund": return ReviewRequest(exceptionID: id, kind: .refund, note: note.isEmpty ? old : note, by: by, approvedBy: approvedBy)
            default:
                guard old.hasPrefix("apply:"), old.count > 6 else {
                    throw ManifestError("--resolution: '\(old)' is not one of accept, ignore, write-off, refund, apply:INVOICE")
                }
                let invoices = old.dropFirst(6).split(separator: "|").map(String.init)
                return ReviewRequest(exceptionID: id, kind: .apply, applications: invoices.map { ($0, "open") }, note: note.isEmpty ? old : note, by: by,
                                     approvedBy: approvedBy)
            }
        }
        guard chosen.count == 1, let kind = chosen.first else {
            throw ManifestError("exceptions resolve needs one of --apply INVOICE=AMOUNT, --write-off, --unapplied, --refund, --ignore")
        }
        var applications: [(invoiceID: String, amount: String)] = []
        for item in args.lists["apply"] ?? [] {
            guard let eq = item.lastIndex(of: "="), eq != item.startIndex, item.index(after: eq) != item.endIndex else {
                throw ManifestError("--apply '\(item)': expected INVOICE=AMOUNT")
            }
            applications.append((String(item[..<eq]), String(item[item.index(after: eq)...])))
        }
        guard !note.trimmingCharacters(in: .whitespaces).isEmpty else { throw ManifestError("exceptions resolve needs --note TEXT (say why)") }
        return ReviewRequest(exceptionID: id, kind: kind, applications: applications, note: note, by: by, approvedBy: approvedBy)
    }

    /// Runs a review command holding the ledger's lock (like a run), with the writer and a view.
    func withReviewLock(_ ledger: String, _ body: (any PeriodStore & ReviewStore, any LedgerReading) async throws -> Int32) async throws -> Int32 {
        guard FileManager.default.fileExists(atPath: ledger) else { throw LedgerError("no ledger at \(ledger)") }
        guard let lock = try LedgerLockFile(ledgerPath: ledger).tryLock(purpose: "review") else {
            console.err("settle: the ledger \(ledger) is locked by another run (\(LedgerLockFile(ledgerPath: ledger).holder())); try again when it has finished")
            return ExitCode.locked.rawValue
        }
        defer { withExtendedLifetime(lock) {} }
        let store = try SQLiteLedgerStore(path: ledger)
        let view = try SQLiteLedgerReader(path: ledger)
        return try await body(store, view)
    }

    /// The write-off limit of the manifest the ledger last ran with (nil when no run recorded one: then 100.00 in the
    /// currency written off). A manifest that cannot be read or is invalid is a usage error naming it (exit 2): the
    /// limit is a control, never silently replaced by the default.
    func writeOffLimit(_ view: any LedgerReading) async throws -> Money? {
        guard let path = try await view.lastManifestPath() else { return nil }
        do {
            return try Manifest.load(path: path).writeOffLimit
        } catch {
            throw ManifestError("the manifest the ledger last ran with gives review.write_off_limit and cannot be used: \(error.message) "
                                + "(run from the folder the runs use, or fix the manifest)")
        }
    }

    /// `exceptions import`: a reviewer's spreadsheet of decisions, every row checked before anything is recorded.
    func importDecisions(path: String, ledger: String, dryRun: Bool, by: String) async throws -> Int32 {
        guard let bytes = FileManager.default.contents(atPath: path) else { throw ManifestError("\(path): cannot read the file") }
        var reader = CSVReader(source: MemoryByteSource(Array(bytes)), options: CSVOptions())
        var record = CSVRecord()
        guard try reader.next(into: &record) else { throw ManifestError("\(path): the file is empty (expected a header row)") }
        let header = (0..<record.count).map { record[$0].trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        guard let idColumn = column("exception_id"), let decisionColumn = column("decision") else {
            throw ManifestError("\(path):1: the header needs exception_id and decision (and invoice_ids, amounts, note)")
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
                problems.append("\(path):\(line): decision '\(decision)' is not apply, write-off, unapplied, refund or ignore")
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
            requests.append((line, ReviewRequest(exceptionID: id, kind: kind, applications: kind == .apply ? Array(zip(invoices, amounts)).map { ($0.0, $0.1) } : [],
                                                 note: note, by: rowBy.isEmpty ? by : rowBy, approvedBy: field(column("approved_by")))))
        }
        return try await withReviewLock(ledger) { store, view in
            let limit = try await writeOffLimit(view)
            var checked: [(ReviewRequest, [ReviewApplication])] = []
            var seen = Set<String>()
            for (line, request) in requests {
                guard seen.insert(request.exceptionID).inserted else {
                    problems.append("\(path):\(line): \(request.exceptionID) is decided twice in the file")
                    continue
                }
                do { checked.append((request, try await Review.check(request, view: view, writeOffLimit: limit))) } catch let refusal as ReviewRefusal {
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
                                                   by: request.by, approvedBy: request.approvedBy, at: Settle.timestamp())
                    console.out("\(request.exceptionID) resolved: \(request.kind.rawValue)\(detail.isEmpty ? "" : " \(detail)")")
                }
            }
            console.out(dryRun ? "dry run: \(checked.count) decision\(checked.count == 1 ? "" : "s") would be recorded, nothing written"
                               : "\(checked.count) decision\(checked.count == 1 ? "" : "s") recorded; booked by the next run")
            return 0
        }
    }

    func exceptionJSON(_ r: ExceptionRow, history: [ExceptionHistoryRow]?) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("exception_id", .string(r.exceptionID)), ("day", .string(r.day.description)), ("type", .string(r.type)), ("severity", .string(r.severity)),
            ("receipt_id", .string(r.receiptID)), ("source", .string(r.source)), ("source_ref", .string(r.sourceRef)), ("location", .string(r.location)),
            ("customer_id", .string(r.customerID)), ("amount", r.amount.map { .number($0.description) } ?? .null),
            ("invoice_ids", .array(r.invoiceIDs.map { .string($0) })), ("message", .string(r.message)), ("suggestions", .string(r.suggestions)),
            ("status", .string(r.status)), ("resolution", .string(r.resolution)), ("resolution_note", .string(r.resolutionNote)),
            ("evidence", .string(r.evidence)),
        ]
        if let history {
            fields.append(("history", .array(history.map { h in
                .object([("at", .string(h.at)), ("action", .string(h.action)), ("decision", .string(h.decision)), ("applications", .string(h.applications)),
                         ("note", .string(h.note)), ("by", .string(h.by)), ("approved_by", .string(h.approvedBy)),
                         ("run_id", h.runID.map { .integer($0) } ?? .null)])
            })))
        }
        return .object(fields)
    }
}

/// `settle advice`: one customer's remittance advice for a day, from the ledger.
extension Settle {
    static let adviceHelp = """
        Usage:
          settle advice CUSTOMER --day YYYY-MM-DD --ledger PATH [--html]

        One customer's remittance advice for a day, ready to send: each payment applied that day, the invoices it paid,
        cash applied, discount taken and any deduction with the payer's X12 adjustment reason. CSV (the columns of
        advice.csv) on standard output, or a self-contained HTML page with --html.

        Exit codes: 0 done; 1 nothing was applied for the customer that day; 2 usage error; 3 the ledger could not be read.
        """

    func adviceCommand(_ raw: [String]) async throws -> Int32 {
        if wantsHelp(raw) || raw.isEmpty { console.out(Settle.adviceHelp); return raw.isEmpty ? 2 : 0 }
        let args = try Arguments(raw, valueOptions: ["ledger", "day"], flagOptions: ["html"])
        guard let ledger = args.values["ledger"] else { throw ManifestError("advice needs --ledger PATH") }
        guard args.positionals.count == 1, let customer = args.positionals.first else { throw ManifestError("advice needs one CUSTOMER id") }
        guard let day = try day(args.values["day"], option: "day") else { throw ManifestError("advice needs --day YYYY-MM-DD") }
        _ = try openReader(ledger)  // migrates an older ledger first
        let view: any LedgerReading = try SQLiteLedgerReader(path: ledger)
        // The customer's name from the master data the ledger last ran with (blank when it cannot be read).
        var name = ""
        if let path = try await view.lastManifestPath(), let manifest = try? Manifest.load(path: path),
           let bytes = try? InputOpener.readAll(path: manifest.customers, limitBytes: 1 << 30),
           let customers = try? MasterDataLoader.customers(bytes: bytes, path: manifest.customers, currency: manifest.currency) {
            name = customers.first { $0.id == customer }?.name ?? ""
        }
        let rows = try await view.applications(customer: customer, day: day).filter { $0.invoiceID != nil && $0.rule != "return" }.map { a in
            // The receipt's source, reference and value day as the run stored them (a row kept before schema 13: as the
            // ledger could tell them; one without a receipt of its own: the day).
            AdviceRow(customerID: customer, name: name, receiptID: a.receiptID, source: a.source, sourceRef: a.sourceRef, valueDay: a.valueDay ?? day,
                      invoiceID: a.invoiceID ?? "", cash: a.applied, discount: a.discount, deduction: a.writeOff, reasonCode: a.reasonCode)
        }.sorted { ($0.valueDay, $0.sourceRef, $0.invoiceID) < ($1.valueDay, $1.sourceRef, $1.invoiceID) }  // advice.csv's order
        guard !rows.isEmpty else {
            console.err("settle: nothing was applied for \(customer) on \(day) in \(ledger)")
            return 1
        }
        console.out(args.flags.contains("html") ? HTMLReport.advice(customerID: customer, name: name, day: day, rows: rows)
                                                : ReportWriter.adviceCSV(rows), newline: false)
        return 0
    }
}

/// `settle archive verify`: every archived input read back and checked against what the ledger recorded.
extension Settle {
    static let archiveHelp = """
        Usage:
          settle archive verify --ledger PATH [--day YYYY-MM-DD] [--archive DIR]

        Reads every archived input back (ARCHIVE/<day>/<sha-256 prefix>-<name>.gz, one gzip layer over the input as it
        came) and checks its SHA-256 and size against what the day's run recorded in the ledger. Prints one line per
        problem and a summary. ARCHIVE is --archive DIR (an archive moved elsewhere), else the archive folder of the
        manifest the ledger last ran with: a copied job folder is checked against its own archive. A --day never run
        is a usage error.

        Exit codes: 0 every archive is whole; 1 some archive is missing or does not match; 2 usage error;
                    3 the ledger could not be read.
        """

    func archiveCommand(_ raw: [String]) async throws -> Int32 {
        if wantsHelp(raw) || raw.isEmpty { console.out(Settle.archiveHelp); return raw.isEmpty ? 2 : 0 }
        let args = try Arguments(raw, valueOptions: ["ledger", "day", "archive"], flagOptions: [])
        guard let ledger = args.values["ledger"] else { throw ManifestError("archive needs --ledger PATH") }
        guard args.positionals == ["verify"] else { throw ManifestError("archive: expected `verify`") }
        _ = try openReader(ledger)  // migrates an older ledger first
        let view: any LedgerReading = try SQLiteLedgerReader(path: ledger)
        let wanted = try day(args.values["day"], option: "day")
        let files = try await view.ingestedFiles(day: wanted)
        if let wanted, files.isEmpty, !(try await view.wasRun(wanted)) {
            throw ManifestError("archive verify: \(wanted) was never run on \(ledger): nothing of it is archived")
        }
        // The archive of this job: --archive DIR (a moved one), else the archive folder of the manifest the ledger last
        // ran with, else the paths the ledger recorded.
        var root = args.values["archive"].map { URL(fileURLWithPath: $0).standardized.path }
        if root == nil, let path = try await view.lastManifestPath(), let manifest = try? Manifest.load(path: path) { root = manifest.archive }
        var problems = 0
        for recorded in files {
            var file = recorded
            file.archivePath = Archive.located(recorded.archivePath, day: recorded.day, under: root)
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
}

/// `settle period`: closing a period so its days stay as they are, and reopening it.
extension Settle {
    static let periodHelp = """
        Usage:
          settle period close --through YYYY-MM-DD --note TEXT --ledger PATH [--by NAME]
          settle period reopen YYYY-MM-DD --note TEXT --ledger PATH [--by NAME]
          settle period status --ledger PATH

        close: every day through the date is closed. A run of a closed day posts nothing and says so; a decision or
        correction that belongs to a closed day (a reviewer's decision, a late statement line) is booked on the first
        open day, its memo naming the day it belongs to. reopen: the date and every day after it are open again. Each
        close and reopen is kept, with its note and who did it (status prints them). close and reopen take the
        ledger's lock like a run.

        Exit codes: 0 done; 2 usage error, or nothing to close or reopen; 3 the ledger could not be read;
                    75 a run holds the lock.
        """

    func periodCommand(_ raw: [String]) async throws -> Int32 {
        if wantsHelp(raw) || raw.isEmpty { console.out(Settle.periodHelp); return raw.isEmpty ? 2 : 0 }
        let args = try Arguments(raw, valueOptions: ["ledger", "through", "note", "by"], flagOptions: [])
        guard let ledger = args.values["ledger"] else { throw ManifestError("period needs --ledger PATH") }
        guard let sub = args.positionals.first else { throw ManifestError("period needs close, reopen or status") }
        let by = args.values["by"] ?? Settle.loginName()
        switch sub {
        case "status":
            _ = try openReader(ledger)
            let view: any LedgerReading = try SQLiteLedgerReader(path: ledger)
            let closed = try await view.closedThrough()
            console.out(closed.map { "closed through \($0)" } ?? "no period is closed")
            for change in try await view.periodChanges() {
                console.out("  \(change.at)  \(change.action) → closed through \(change.closedThrough.isEmpty ? "-" : change.closedThrough) by \(change.by): \(change.note)")
            }
            return 0
        case "close", "reopen":
            guard let note = args.values["note"], !note.trimmingCharacters(in: .whitespaces).isEmpty else { throw ManifestError("period \(sub) needs --note TEXT") }
            let day: Day
            if sub == "close" {
                guard args.positionals.count == 1, let d = try self.day(args.values["through"], option: "through") else { throw ManifestError("period close needs --through YYYY-MM-DD") }
                day = d
            } else {
                guard args.positionals.count == 2, let d = try self.day(args.positionals[1], option: "reopen") else { throw ManifestError("period reopen needs one YYYY-MM-DD") }
                day = d
            }
            return try await withReviewLock(ledger) { store, _ in
                do {
                    if sub == "close" {
                        try await store.closePeriod(through: day, note: note, by: by, at: Settle.timestamp())
                        console.out("closed through \(day)")
                    } else {
                        try await store.reopenPeriod(from: day, note: note, by: by, at: Settle.timestamp())
                        console.out("\(day) and the days after it are open again (closed through \(day.adding(days: -1)))")
                    }
                    return 0
                } catch let error as LedgerError {
                    console.err("settle: \(error.message)")
                    return ExitCode.usage.rawValue
                }
            }
        default:
            throw ManifestError("period: unknown subcommand '\(sub)' (expected close, reopen or status)")
        }
    }
}
