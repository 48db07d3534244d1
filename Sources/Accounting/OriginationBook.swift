import ACH
import Core
import Foundation

/// Where each entry settle wrote stands, and what its returns and notifications of change decide (NACHA rules):
/// pure, from the entries, what came back for them and the mandates as stored.
///
/// - R01 and R09 are presented again at most twice, within 180 days of the original's effective day, identical to it,
///   `retry_after_days` business days after the return, in a batch of their own (`RETRY PYMT`).
/// - R08 (payment stopped): not again without a new authorization (a mandate authorized after the return).
/// - R02, R03, R04 (administrative): the mandate is suspended until it is corrected (a notification of change, or new
///   terms in the mandates file, after the return); its invoices are then pulled anew.
/// - R05, R07, R10, R29, R51 (unauthorized): the mandate is revoked; nothing is presented again unless a new
///   authorization comes.
/// - R11: a corrected new entry is allowed (the invoice may be pulled again), not a retry; the mandate stands.
/// - Any other code: given up; the invoice is a person's.
/// A prenote's return acts on its mandate the same way; a dishonored return (the return refused) leaves the entry
/// standing.
public struct OriginationBook: Sendable {
    public enum State: String, Sendable, CaseIterable {
        case written, sent, settled, returned, retryScheduled = "retry-scheduled", givenUp = "given-up", void
    }

    public enum Family: String, Sendable {
        case retry, stopped, administrative, unauthorized, correctable, other

        public static func of(_ code: String) -> Family {
            switch code {
            case "R01", "R09": return .retry
            case "R08": return .stopped
            case "R02", "R03", "R04": return .administrative
            case "R05", "R07", "R10", "R29", "R51": return .unauthorized
            case "R11": return .correctable
            default: return .other
            }
        }
    }

    /// An entry due to be presented again.
    public struct Retry: Sendable, Hashable {
        /// The first presentment (what the retry copies).
        public var original: OriginatedEntry
        /// 1 or 2.
        public var attempt: Int
        /// The first day the retry may be effective.
        public var dueDay: Day
    }

    public struct Block: Sendable, Hashable {
        /// `suspended`, `revoked` or `stopped`.
        public var status: String
        public var note: String
    }

    public static let maximumRetries = 2
    public static let retryWindowDays = 180

    /// Each entry's state, by trace.
    public var states: [String: State] = [:]
    /// Retries not written yet, in trace order of their originals.
    public var retries: [Retry] = []
    /// Mandates a return stopped, by id.
    public var blocks: [String: Block] = [:]
    /// Entries whose invoice may be pulled anew (R11, or an administrative return once corrected), by trace.
    public var repullable: Set<String> = []
    /// Each mandate's latest correction from a notification of change, and its day.
    public var corrections: [String: (correction: ChangeCode.Correction, day: Day, code: String)] = [:]
    /// What the next step of each returned entry is, by its trace (for the RETURN exception and the reports).
    public var nextSteps: [String: String] = [:]

    /// `entries` of every file not voided, `voided` the traces of void files' entries, `correctedData` the plain text of
    /// a change's corrected data (the ledger keeps it sealed).
    public static func make(entries: [OriginatedEntry], voided: Set<String> = [], answers returns: [ACHReturnRow], changes: [ACHChangeRow], sentFiles: Set<String>,
                            mandateTerms: [String: (authorizedOn: Day, changedOn: Day)], correctedData: (ACHChangeRow) -> String = { $0.correctedData },
                            today: Day, calendar: BusinessCalendar = .federalReserve, retryAfterDays: Int) -> OriginationBook {
        var book = OriginationBook()
        let byTrace = Dictionary(entries.map { ($0.trace, $0) }, uniquingKeysWith: { a, _ in a })
        for trace in voided { book.states[trace] = .void }
        // The latest return of each entry decides (a dishonored one: the entry stands).
        var lastReturn: [String: ACHReturnRow] = [:]
        // An answer read before an entry was effective is not for it (a trace another tool's file used before).
        for r in returns {
            guard let entry = byTrace[r.originalTrace], entry.mayBeAnswered(on: r.day) else { continue }
            if let earlier = lastReturn[r.originalTrace], earlier.day > r.day { continue }
            lastReturn[r.originalTrace] = r
        }
        var lastChange: [String: ACHChangeRow] = [:]
        for c in changes {
            guard let entry = byTrace[c.originalTrace], entry.mayBeAnswered(on: c.day), !entry.mandateID.isEmpty, !ChangeCode.isRefusal(c.changeCode) else { continue }
            if let earlier = lastChange[entry.mandateID], earlier.day > c.day { continue }
            lastChange[entry.mandateID] = c
        }
        for (mandate, change) in lastChange {
            let correction = ChangeCode.Correction(code: change.changeCode, correctedData: correctedData(change))
            guard correction.accountNumber != nil || correction.routingNumber != nil || correction.transactionCode != nil else { continue }
            // New terms in the mandates file after the notice replace it.
            if let terms = mandateTerms[mandate], terms.changedOn > change.day { continue }
            book.corrections[mandate] = (correction, change.day, change.changeCode)
        }
        let retriesOf = Dictionary(grouping: entries.filter { $0.kind == .retry }, by: \.retryOf)
        for entry in entries.sorted(by: { $0.trace < $1.trace }) where entry.kind != .offset {
            guard let returned = lastReturn[entry.trace], !returned.dishonored else {
                if sentFiles.contains(entry.fileName) {
                    book.states[entry.trace] = entry.effectiveDay <= today ? .settled : .sent
                } else {
                    book.states[entry.trace] = .written
                }
                continue
            }
            let terms = mandateTerms[entry.mandateID]
            let newAuthorization = terms.map { $0.authorizedOn > returned.day } ?? false
            let corrected = (terms.map { $0.changedOn > returned.day } ?? false) || (book.corrections[entry.mandateID].map { $0.day > returned.day } ?? false)
            let code = returned.reasonCode
            switch Family.of(code) {
            case .retry where entry.kind != .prenote:
                let root = entry.retryOf.isEmpty ? entry : (byTrace[entry.retryOf] ?? entry)
                let made = retriesOf[root.trace] ?? []
                if made.contains(where: { $0.trace > entry.trace }) {
                    book.states[entry.trace] = .returned
                    continue
                }
                let due = calendar.adding(businessDays: retryAfterDays, to: returned.day)
                if made.count < maximumRetries, due.days(since: root.effectiveDay) <= retryWindowDays {
                    book.states[entry.trace] = .retryScheduled
                    book.retries.append(Retry(original: root, attempt: made.count + 1, dueDay: due))
                    book.nextSteps[entry.trace] = "autopay: presented again on or after \(due) (retry \(made.count + 1) of \(maximumRetries))"
                } else {
                    book.states[entry.trace] = .givenUp
                    book.nextSteps[entry.trace] = made.count >= maximumRetries ? "autopay: both retries were returned; given up, the invoice is open"
                        : "autopay: past the 180 days a retry is allowed; given up, the invoice is open"
                }
            case .retry, .other:
                book.states[entry.trace] = entry.kind == .prenote ? .returned : .givenUp
                book.nextSteps[entry.trace] = "autopay: not presented again (\(code)); the invoice is open for a person"
            case .stopped:
                book.states[entry.trace] = .givenUp
                if !newAuthorization { book.blocks[entry.mandateID] = Block(status: "stopped", note: "\(code) on \(returned.day): needs a new authorization") }
                book.nextSteps[entry.trace] = "autopay: payment stopped; mandate \(entry.mandateID) pulls nothing until a new authorization"
            case .administrative:
                book.states[entry.trace] = .returned
                if corrected {
                    if entry.kind != .prenote { book.repullable.insert(entry.trace) }
                } else {
                    book.blocks[entry.mandateID] = Block(status: "suspended", note: "\(code) on \(returned.day): until the account is corrected")
                }
                book.nextSteps[entry.trace] = "autopay: mandate \(entry.mandateID) is suspended until its account is corrected (a notification of change, or new details in the mandates file); the invoice is then pulled anew"
            case .unauthorized:
                book.states[entry.trace] = .givenUp
                if !newAuthorization { book.blocks[entry.mandateID] = Block(status: "revoked", note: "\(code) on \(returned.day): unauthorized, never retried") }
                book.nextSteps[entry.trace] = "autopay: unauthorized; mandate \(entry.mandateID) is revoked and the debit is never presented again"
            case .correctable:
                book.states[entry.trace] = .returned
                if entry.kind != .prenote { book.repullable.insert(entry.trace) }
                book.nextSteps[entry.trace] = "autopay: a corrected new entry may be pulled (not a retry); mandate \(entry.mandateID) stands"
            }
        }
        // A later return of another entry may have blocked a mandate an earlier correction cleared: blocks stand.
        book.retries = book.retries.filter { book.blocks[$0.original.mandateID] == nil }
        return book
    }
}
