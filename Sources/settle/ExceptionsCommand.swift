import Accounting
import Core
import Foundation
import Ledger
import Pipeline

/// `settle exceptions`: what the runs raised, and a reviewer's decisions on it.
extension Command {
    static let exceptions = Command(
        group: "exceptions",
        overview: ["list|show ID|resolve ID|reopen ID|import FILE.csv ... --ledger PATH|URL [--entity NAME]"],
        description: """
            A decision is checked at once and booked by the next run (or a rerun of its day) under the key
            review:<exception id>, never twice; reopen reverses what it booked. What each type accepts:
              AMBIGUOUS, UNMATCHED, OVER_PAY, UNKNOWN_CUSTOMER  --apply (cash up to the receipt's unapplied amount, the rest
                                                                stays unapplied), --refund, --unapplied
              SHORT_PAY                                         --write-off of the short amount, or --ignore (the invoice
                                                                stays open)
              UNEXPLAINED_BANK_LINE, BANK_DIFFERENCE            --post-to CODE (an account review.post_to lists), --ignore
              UNSETTLED_BATCH                                   --settled-by RECEIPT_ID (the statement line that brought the
                                                                batch's money: its credit is linked, counted once), --reverse
                                                                (its entries' applications undone, invoices reopened), or
                                                                --write-off out of ACH in transit
              any other type                                    --ignore
            A receipt of a batch still UNSETTLED_BATCH is neither applied nor refunded until the batch is decided; a
            batch's decision resolves its receipts' exceptions (and the line's) with it, and reopening it reopens them.
            A write-off, --post-to or --reverse above the manifest's review.write_off_limit (default 100.00) needs
            --approved-by a second person.
            --by defaults to your login name. Every decision, reopen and approval stays in the history `show` prints.
            import reads exceptions.csv's columns plus decision (apply, write-off, unapplied, refund, ignore), invoice_ids
            and amounts (|-separated, same order) and note; every row is checked first and nothing is recorded from a file
            with an invalid row. resolve, reopen and import take the ledger's lock like a run. On a PostgreSQL ledger
            (--ledger URL, --entity NAME when it holds several) they take none: many desks decide at once, each decision
            one short transaction, and one another desk made first is refused, naming who and when.
            (--resolution accept|ignore|write-off|refund|apply:INVOICE is the older spelling and still works.)
            """,
        exitStatuses: [
            .init(0, means: "done"), .init(1, means: "no such exception"),
            .init(2, means: "usage error, or a decision refused (the message says why)"),
            .init(3, means: "the ledger could not be read"), .init(75, means: "a run holds the lock"),
        ],
        subcommands: [exceptionsList, exceptionsShow, exceptionsResolve, exceptionsReopen, exceptionsImport])

    static let exceptionsList = Command(
        "list",
        usage: ["--ledger PATH [--entity NAME] [--status open|resolved|all] [--type T] [--day YYYY-MM-DD] [--customer C] [--json]"],
        description: "The exceptions the runs raised, one a line: id, day, type, status, amount, customer and message, then how many. "
            + "A type, status or customer that names none is a usage error naming the valid or nearest values.",
        options: [
            .ledger, .entity,
            .value("status", "S", "open, resolved or all (the default)"),
            .value("type", "T", "only this type (AMBIGUOUS, short-pay: whatever its case)"),
            .value("day", "DAY", "only the exceptions this day raised"),
            .value("customer", "C", "only this customer's (whatever its case)"),
            .flag("json", "print them as JSON"),
        ]
    ) { settle, args in try await settle.exceptionsList(args) }

    static let exceptionsShow = Command(
        "show",
        usage: ["ID --ledger PATH [--entity NAME] [--json]"],
        description: "One exception whole: what was raised and where, its evidence and suggestions, the decisions its type accepts, "
            + "whether a decision is in the books yet, the exceptions linked to it (an UNSETTLED_BATCH's receipts and the line that "
            + "settled it; a receipt's batch), and its history of decisions, reopens and approvals.",
        options: [.ledger, .entity, .flag("json", "print it as JSON")],
        takesArguments: true
    ) { settle, args in try await settle.exceptionsShow(args) }

    static let exceptionsResolve = Command(
        "resolve",
        usage: ["ID --ledger PATH [--entity NAME] (--apply INVOICE=AMOUNT [--apply ...] | --write-off | --unapplied | --refund | --ignore | --post-to CODE",
                "| --settled-by RECEIPT_ID | --reverse) --note TEXT [--by NAME] [--approved-by NAME]"],
        description: "Records a decision on an exception: checked at once against the ledger, booked by the next run (or a rerun of "
            + "its day), never twice. What each type accepts: settle exceptions --help. Takes the ledger's lock like a run (a "
            + "PostgreSQL ledger's decisions take none: each is one short transaction, and one another desk made first is refused, naming them).",
        options: [
            .ledger, .entity,
            .value("apply", "INVOICE=AMOUNT", "apply this much of the receipt's cash to the invoice (again for each invoice)"),
            .flag("write-off", "write off what is short (SHORT_PAY), or a batch that never reached the bank out of ACH in transit (UNSETTLED_BATCH)"),
            .flag("unapplied", "keep the cash unapplied on the customer"),
            .flag("refund", "refund the cash to the payer"),
            .flag("ignore", "close it with nothing booked"),
            .value("post-to", "CODE", "book an unexplained bank line or a bank difference to this account (one review.post_to lists)"),
            .value("settled-by", "RECEIPT_ID", "UNSETTLED_BATCH: the statement line (its receipt id) that settled the batch, of its amount "
                   + "and currency, its cash still unapplied or in suspense: that cash settles the batch"),
            .flag("reverse", "UNSETTLED_BATCH: undo the batch out of ACH in transit (its receipts' applications reversed, invoices reopened)"),
            .note,
            .value("by", "NAME", "who decides (default: your login name)"),
            .value("approved-by", "NAME", "the second person a write-off, --post-to or --reverse above the manifest's write-off limit needs"),
            .value("resolution", "R", "the older spelling: accept, ignore, write-off, refund or apply:INVOICE"),
        ],
        takesArguments: true
    ) { settle, args in try await settle.exceptionsResolve(args) }

    static let exceptionsReopen = Command(
        "reopen",
        usage: ["ID --ledger PATH [--entity NAME] --note TEXT [--by NAME]"],
        description: "Reopens a resolved exception: the next run reverses what its decision booked. Takes the ledger's lock like a run "
            + "(on a PostgreSQL ledger, one short transaction instead).",
        options: [.ledger, .entity, .note, .reopenedBy],
        takesArguments: true
    ) { settle, args in try await settle.exceptionsReopen(args) }
}

extension Settle {
    func exceptionsList(_ args: ParsedArguments) async throws -> Int32 {
        let (reader, ledger) = try openView(args)
        let status = (args.value("status") ?? "all").lowercased()
        guard ["open", "resolved", "all"].contains(status) else { throw UsageError(.invalidValue, "--status must be open, resolved or all") }
        // Filter values are checked: a misspelt type or customer is a usage error naming the valid or nearest values,
        // never "0 exceptions".
        var type: String?
        if let given = args.value("type") {
            let wanted = given.uppercased().replacingOccurrences(of: "-", with: "_")
            guard let known = ReviewRules.exceptionTypes.first(where: { $0 == wanted }) else {
                let near = ReviewRules.nearest(wanted, among: ReviewRules.exceptionTypes)
                throw UsageError(.invalidValue, "--type: no exception type '\(given)'" + (near.isEmpty ? "" : " (did you mean \(near.joined(separator: ", "))?)")
                                 + "; the types: \(ReviewRules.exceptionTypes.joined(separator: ", "))")
            }
            type = known
        }
        var customer: String?
        if let given = args.value("customer") { customer = try await knownCustomer(given, option: "--customer: ", reader: reader, ledger: ledger) }
        let rows = try await reader.exceptions(status: status == "all" ? nil : status, day: try day(args.value("day"), option: "day"), type: type, customer: customer)
        if args.flag("json") {
            console.out(JSONValue.array(rows.map { exceptionJSON($0, history: nil) }).rendered())
        } else {
            for r in rows {
                console.out("\(r.exceptionID)  \(r.day)  \(r.type.padding(21))\(r.status.padding(9))\(r.amount?.description ?? "")  \(r.customerID)  \(r.message)")
            }
            console.out("\(rows.count) exception\(rows.count == 1 ? "" : "s")")
        }
        return 0
    }

    func exceptionsShow(_ args: ParsedArguments) async throws -> Int32 {
        guard args.positionals.count == 1 else { throw UsageError(.wrongArguments, "exceptions show needs one ID") }
        let (reader, ledger) = try openView(args)
        guard let r = try await reader.exception(id: args.positionals[0]) else {
            console.err("settle: no exception \(args.positionals[0]) in \(ledger)")
            return 1
        }
        let history = try await reader.history(exceptionID: r.exceptionID)
        let linked = try await Review.linked(to: r, view: reader)
        if args.flag("json") {
            guard case var .object(fields) = exceptionJSON(r, history: history) else { return 0 }
            fields.append(("linked", .array(linked.map { .object([("exception_id", .string($0.exceptionID)), ("type", .string($0.type)), ("status", .string($0.status))]) })))
            console.out(JSONValue.object(fields).rendered())
            return 0
        }
        console.out("\(r.exceptionID)  \(r.type)  \(r.status)\(r.resolution.isEmpty ? "" : " (\(r.resolution))")")
        console.out("day \(r.day), receipt \(r.receiptID.isEmpty ? "-" : r.receiptID), \(r.source) \(r.sourceRef), at \(r.location)")
        console.out("customer \(r.customerID.isEmpty ? "-" : r.customerID), amount \(r.amount?.description ?? "-"), invoices \(r.invoiceIDs.isEmpty ? "-" : r.invoiceIDs.joined(separator: ", "))")
        console.out("message: \(r.message)")
        // Whether the decision is in the books yet, and since when.
        if let b = try await reader.booking(exceptionID: r.exceptionID), !b.decision.isEmpty {
            console.out(b.bookedSeq == b.seq && b.bookedDay != nil ? "decision \(b.decision): booked by the run of \(b.bookedDay ?? "")"
                        : "decision \(b.decision): recorded, not booked yet (the next run books it)")
        }
        if !r.suggestions.isEmpty { console.out("suggestions: \(r.suggestions)") }
        if !r.evidence.isEmpty { console.out("evidence: \(r.evidence)") }
        console.out("accepts: " + ReviewRules.accepted(by: r.type).map { "--\($0.rawValue)" }.joined(separator: ", "))
        // Exceptions of the same batch or receipt: resolved together with it.
        for e in linked {
            console.out("linked: \(e.exceptionID)  \(e.type)  \(e.status)\(e.resolution.isEmpty ? "" : " (\(e.resolution))")  \(e.amount?.description ?? "")  \(e.receiptID.isEmpty ? "" : "receipt \(e.receiptID)")")
        }
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
        return 0
    }

    func exceptionsResolve(_ args: ParsedArguments) async throws -> Int32 {
        guard args.positionals.count == 1 else { throw UsageError(.wrongArguments, "exceptions resolve needs one ID") }
        let request = try reviewRequest(id: args.positionals[0], args: args)
        let console = self.console
        return try await withReviewLock(args) { store, view in
            let policy = try await Review.policy(view: view)
            let applications: [ReviewApplication]
            do { applications = try await Review.check(request, view: view, policy: policy) } catch let refusal as ReviewRefusal {
                console.err("settle: \(refusal.message)")
                return refusal.message.hasPrefix("no exception") ? 1 : ExitCode.usage.rawValue
            }
            try await store.recordDecision(exceptionID: request.exceptionID, decision: request.kind, applications: applications, note: request.note,
                                           by: request.by, approvedBy: request.approvedBy, at: Timestamp.now())
            let detail = ReviewApplication.text(applications)
            console.out("\(request.exceptionID) resolved: \(request.kind.rawValue)\(detail.isEmpty ? "" : " \(detail)"); booked by the next run")
            return 0
        }
    }

    func exceptionsReopen(_ args: ParsedArguments) async throws -> Int32 {
        guard args.positionals.count == 1 else { throw UsageError(.wrongArguments, "exceptions reopen needs one ID") }
        guard let note = args.value("note"), !note.trimmingCharacters(in: .whitespaces).isEmpty else { throw UsageError(.missingOption, "exceptions reopen needs --note TEXT") }
        let (id, by) = (args.positionals[0], args.value("by") ?? Settle.loginName())
        let ledger = (try? LedgerLocation.parse(args.ledgerPath))?.redacted ?? args.ledgerPath
        let console = self.console
        return try await withReviewLock(args) { store, view in
            guard let r = try await view.exception(id: id) else {
                console.err("settle: no exception \(id) in \(ledger)")
                return 1
            }
            guard r.status == "resolved" else {
                console.err("settle: \(id) is open: there is nothing to reopen")
                return ExitCode.usage.rawValue
            }
            try await store.reopenException(id: id, note: note, by: by, at: Timestamp.now())
            console.out("\(id) reopened; the next run reverses what its decision booked")
            return 0
        }
    }

    /// The decision the options give (one of them, and only one).
    func reviewRequest(id: String, args: ParsedArguments) throws(UsageError) -> ReviewRequest {
        let by = args.value("by") ?? Settle.loginName()
        let note = args.value("note") ?? ""
        let approvedBy = args.value("approved-by") ?? ""
        var chosen: [ReviewDecisionKind] = []
        if !args.values("apply").isEmpty { chosen.append(.apply) }
        if args.value("post-to") != nil { chosen.append(.postTo) }
        if args.value("settled-by") != nil { chosen.append(.settledBy) }
        for (flag, kind) in [("write-off", ReviewDecisionKind.writeOff), ("unapplied", .unapplied), ("refund", .refund), ("ignore", .ignore),
                             ("reverse", .reverse)] where args.flag(flag) {
            chosen.append(kind)
        }
        if let old = args.value("resolution") {
            guard chosen.isEmpty else { throw UsageError(.conflictingOptions, "give --resolution or one of --apply, --write-off, --unapplied, --refund, --ignore, not both") }
            // The older spelling: apply:INVOICE applies what the invoice has open (the check refuses more than the receipt's unapplied cash).
            switch old {
            case "accept", "unapplied": return ReviewRequest(exceptionID: id, kind: .unapplied, note: note.isEmpty ? old : note, by: by, approvedBy: approvedBy)
            case "ignore": return ReviewRequest(exceptionID: id, kind: .ignore, note: note.isEmpty ? old : note, by: by, approvedBy: approvedBy)
            case "write-off": return ReviewRequest(exceptionID: id, kind: .writeOff, note: note.isEmpty ? old : note, by: by, approvedBy: approvedBy)
            case "refund": return ReviewRequest(exceptionID: id, kind: .refund, note: note.isEmpty ? old : note, by: by, approvedBy: approvedBy)
            default:
                guard old.hasPrefix("apply:"), old.count > 6 else {
                    throw UsageError(.invalidValue, "--resolution: '\(old)' is not one of accept, ignore, write-off, refund, apply:INVOICE")
                }
                let invoices = old.dropFirst(6).split(separator: "|").map(String.init)
                return ReviewRequest(exceptionID: id, kind: .apply, applications: invoices.map { ($0, "open") }, note: note.isEmpty ? old : note, by: by,
                                     approvedBy: approvedBy)
            }
        }
        guard chosen.count == 1, let kind = chosen.first else {
            throw UsageError(.missingOption, "exceptions resolve needs one of --apply INVOICE=AMOUNT, --write-off, --unapplied, --refund, --ignore, --post-to CODE, "
                             + "--settled-by RECEIPT_ID, --reverse")
        }
        var applications: [(invoiceID: String, amount: String)] = []
        for item in args.values("apply") {
            guard let eq = item.lastIndex(of: "="), eq != item.startIndex, item.index(after: eq) != item.endIndex else {
                throw UsageError(.invalidValue, "--apply '\(item)': expected INVOICE=AMOUNT")
            }
            applications.append((String(item[..<eq]), String(item[item.index(after: eq)...])))
        }
        guard !note.trimmingCharacters(in: .whitespaces).isEmpty else { throw UsageError(.missingOption, "exceptions resolve needs --note TEXT (say why)") }
        var request = ReviewRequest(exceptionID: id, kind: kind, applications: applications, note: note, by: by, approvedBy: approvedBy)
        request.postTo = args.value("post-to") ?? ""
        request.settledBy = args.value("settled-by") ?? ""
        return request
    }

    /// Runs a review command holding the ledger's lock (like a run), with the writer and a view. On a PostgreSQL
    /// ledger no lock is taken: many desks decide at once, each decision one short transaction of its own.
    func withReviewLock(_ args: ParsedArguments, _ body: (any PeriodStore & ReviewStore, any LedgerReading) async throws -> Int32) async throws -> Int32 {
        if let view = try openPostgreSQLReader(args) {
            return try await body(try PostgreSQLReviewStore(address: view.address, entity: view.entity), view)
        }
        let ledger = args.ledgerPath
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
