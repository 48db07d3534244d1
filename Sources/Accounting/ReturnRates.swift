import Core
import Foundation

/// An originating company's debit return rates over the 60 days to a day (NACHA: unauthorized 0.5%, administrative 3%,
/// overall 15%): returns of its debits received in the window against the debits (retries included, prenotes not)
/// effective in it. A rate past 80% of its limit is a `RETURN_RATE` exception.
public struct ReturnRate: Sendable, Hashable {
    public enum Family: String, Sendable, CaseIterable {
        case unauthorized, administrative, overall

        /// The NACHA limit, in hundredths of a percent.
        public var limitBasisPoints: Int {
            switch self {
            case .unauthorized: return 50
            case .administrative: return 300
            case .overall: return 1500
            }
        }

        public func counts(_ code: String) -> Bool {
            switch self {
            case .unauthorized: return ["R05", "R07", "R10", "R11", "R29", "R51"].contains(code)
            case .administrative: return ["R02", "R03", "R04"].contains(code)
            case .overall: return true
            }
        }
    }

    public static let windowDays = 60

    public var companyID: String
    public var family: Family
    public var debits: Int
    public var returns: Int
    /// The first and last day of the window.
    public var from: Day
    public var through: Day

    /// The rate in hundredths of a percent, rounded half up (0 without debits).
    public var basisPoints: Int { debits == 0 ? 0 : (returns * 10_000 * 2 + debits) / (debits * 2) }

    /// Past 80% of the limit.
    public var isWarning: Bool { debits > 0 && returns * 10_000 * 5 > family.limitBasisPoints * 4 * debits }

    public static func percent(_ basisPoints: Int) -> String { MoneyFormat.plain(Int64(basisPoints), exponent: 2) + "%" }

    /// What the exception and `settle origination rates` say.
    public var sentence: String {
        "the \(family.rawValue) return rate of company \(companyID)'s debits over the 60 days \(from) to \(through) is \(Self.percent(basisPoints)) "
            + "(\(returns) of \(debits)); NACHA's limit is \(Self.percent(family.limitBasisPoints))"
    }

    /// The rates of every company with debits or returns in the window ending `day`. `companyOf` names an entry's
    /// originating company (its file's).
    public static func rates(entries: [OriginatedEntry], returns: [ACHReturnRow], companyOf: (OriginatedEntry) -> String, asOf day: Day) -> [ReturnRate] {
        let from = day.adding(days: -(windowDays - 1))
        var debits: [String: Int] = [:]
        var byTrace: [String: OriginatedEntry] = [:]
        for entry in entries where entry.kind == .debit || entry.kind == .retry {
            byTrace[entry.trace] = entry
            if entry.effectiveDay >= from && entry.effectiveDay <= day { debits[companyOf(entry), default: 0] += 1 }
        }
        var counted: [String: [Family: Int]] = [:]
        var seen: Set<String> = []
        for r in returns where !r.dishonored && r.day >= from && r.day <= day && seen.insert(r.noticeKey).inserted {
            guard let entry = byTrace[r.originalTrace], entry.mayBeAnswered(on: r.day) else { continue }
            for family in Family.allCases where family.counts(r.reasonCode) { counted[companyOf(entry), default: [:]][family, default: 0] += 1 }
        }
        return Set(debits.keys).union(counted.keys).sorted().flatMap { company in
            Family.allCases.map { ReturnRate(companyID: company, family: $0, debits: debits[company] ?? 0, returns: counted[company]?[$0] ?? 0, from: from, through: day) }
        }
    }
}
