import Accounting
import Core
import Foundation
import Ledger

/// What the day's reports say of debit origination (summary.json's `origination`, summary.html's "Autopay", `settle
/// origination rates`): the pulls by state and those in flight, the mandates by status, and the return rates, each as
/// of the end of the day (files written after it, and answers that came after it, left out).
public enum OriginationReport {
    /// In flight: written, sent, or waiting for a retry.
    static let inFlight: Set<OriginationBook.State> = [.written, .sent, .retryScheduled]
    /// How many pulls in flight summary.json lists (the counts cover them all).
    static let listed = 200

    public struct AsOf: Sendable {
        public var entries: [OriginatedEntry]
        public var book: OriginationBook
        public var rates: [ReturnRate]
        public var mandates: [StoredMandate]
    }

    /// The ledger's origination as of the end of `day`; nil when nothing was ever written.
    public static func asOf(_ day: Day, store: any OriginationStore, retryAfterDays: Int) throws -> AsOf? {
        let files = try store.files().filter { $0.day <= day }
        guard !files.isEmpty else { return nil }
        let live = Set(files.filter { $0.voidedAt == nil }.map(\.name))
        let entries = try store.entries(fileName: nil).filter { live.contains($0.fileName) }
        var answers = try store.answers()
        answers.returns.removeAll { $0.day > day }
        answers.changes.removeAll { $0.day > day }
        let mandates = try store.mandates()
        // A file is sent once a run read it back, which is on or after its entries' effective day.
        answers.sentFiles = answers.sentFiles.filter { name in entries.contains { $0.fileName == name && $0.effectiveDay <= day } }
        let book = Originator.book(entries: entries, answers: answers, mandates: mandates, key: nil, today: day, retryAfterDays: retryAfterDays)
        let companies = Dictionary(files.map { ($0.name, $0.companyID) }, uniquingKeysWith: { a, _ in a })
        let rates = ReturnRate.rates(entries: entries, returns: answers.returns, companyOf: { companies[$0.fileName] ?? "" }, asOf: day)
        return AsOf(entries: entries, book: book, rates: rates, mandates: mandates)
    }

    public static func status(_ rate: ReturnRate) -> String {
        rate.basisPoints > rate.family.limitBasisPoints ? "over" : (rate.isWarning ? "warning" : "ok")
    }

    /// summary.json's `origination`.
    public static func summary(_ state: AsOf, currency: Currency) -> JSONValue {
        func money(_ minor: Int64) -> JSONValue { .string(MoneyFormat.plain(minor, exponent: currency.exponent)) }
        let pulls = state.entries.filter { $0.kind == .debit || $0.kind == .retry }
        var byState: [OriginationBook.State: (count: Int64, total: Int64)] = [:]
        for pull in pulls {
            let s = state.book.states[pull.trace] ?? .written
            byState[s, default: (0, 0)].count += 1
            byState[s, default: (0, 0)].total &+= pull.amount.minorUnits
        }
        let flying = pulls.filter { inFlight.contains(state.book.states[$0.trace] ?? .written) }.sorted { $0.trace < $1.trace }
        var statuses: [String: Int64] = [:]
        // As the day's answers leave them (the ledger's status column is brought up to date by the next origination).
        for mandate in state.mandates { statuses[state.book.blocks[mandate.mandateID]?.status ?? "active", default: 0] += 1 }
        return .object([
            ("pulls", .object(OriginationBook.State.allCases.filter { $0 != .void }.map { s in
                (s.rawValue, .object([("count", .integer(byState[s]?.count ?? 0)), ("total", money(byState[s]?.total ?? 0))]))
            })),
            ("in_flight", .array(flying.prefix(listed).map { pull in
                .object([("trace", .string(pull.trace)), ("customer_id", .string(pull.customerID)), ("invoice_id", .string(pull.invoiceID)),
                         ("amount", money(pull.amount.minorUnits)), ("effective_day", .string(pull.effectiveDay.description)),
                         ("state", .string((state.book.states[pull.trace] ?? .written).rawValue)), ("retry_of", .string(pull.retryOf))])
            })),
            ("in_flight_not_listed", .integer(Int64(max(0, flying.count - listed)))),
            ("mandates", .object(["active", "suspended", "stopped", "revoked"].map { ($0, .integer(statuses[$0] ?? 0)) })),
            ("return_rates", .array(state.rates.map(json))),
        ])
    }

    /// A return rate as `summary.json` and `settle origination rates --json` give it.
    public static func json(_ rate: ReturnRate) -> JSONValue {
        .object([("company_id", .string(rate.companyID)), ("family", .string(rate.family.rawValue)), ("from", .string(rate.from.description)),
                 ("through", .string(rate.through.description)), ("debits", .integer(Int64(rate.debits))), ("returns", .integer(Int64(rate.returns))),
                 ("rate", .string(MoneyFormat.plain(Int64(rate.basisPoints), exponent: 2))),
                 ("limit", .string(MoneyFormat.plain(Int64(rate.family.limitBasisPoints), exponent: 2))), ("status", .string(status(rate)))])
    }
}
