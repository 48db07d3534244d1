import Core
import Statements

/// Statements must chain: each day's opening balance is the previous statement's closing, and every business day
/// has a statement for every account the bank reports. A break is `STATEMENT_GAP`. The first statement of an
/// account gives the books its opening balance.
public enum StatementChain {
    public struct Previous: Sendable {
        public var day: Day
        public var closing: Money?
        public init(day: Day, closing: Money?) {
            self.day = day
            self.closing = closing
        }
    }

    public struct Outcome: Sendable {
        public var exceptions: [MatchException] = []
        /// Accounts seen for the first time: their opening balance enters the books.
        public var openings: [StatementBalance] = []
    }

    public static func check(today: [StatementBalance], previous: [String: Previous], day: Day, calendar: BusinessCalendar = .federalReserve) -> Outcome {
        var out = Outcome()
        var seen = Set<String>()
        for balance in today.filter(\.isFinal).sorted(by: { ($0.account, $0.day) < ($1.account, $1.day) }) where seen.insert(balance.account).inserted {
            let masked = mask(balance.account)
            guard let before = previous[balance.account] else {
                if balance.opening != nil { out.openings.append(balance) }
                continue
            }
            var missing: [Day] = []
            var d = before.day.adding(days: 1)
            while d < balance.day {
                if calendar.isBusinessDay(d) { missing.append(d) }
                d = d.adding(days: 1)
            }
            if !missing.isEmpty {
                out.exceptions.append(MatchException(type: .statementGap, severity: .warning, about: "gap:\(balance.account):\(balance.day)", discriminator: "missing",
                                                     source: "statement", sourceRef: masked, location: balance.location,
                                                     message: "no statement for account \(masked) on \(missing.map(\.description).joined(separator: ", ")) (the last one before \(balance.day) is of \(before.day))",
                                                     suggestions: "ask the bank for the missing statements; run those days when they arrive"))
            }
            if let opening = balance.opening, let closing = before.closing, opening != closing {
                let difference = Money(minorUnits: opening.minorUnits - closing.minorUnits, currency: opening.currency)
                out.exceptions.append(MatchException(type: .statementGap, severity: .warning, about: "gap:\(balance.account):\(balance.day)", discriminator: "opening",
                                                     source: "statement", sourceRef: masked, location: balance.location, amount: difference,
                                                     message: "account \(masked) opens \(balance.day) at \(opening), but closed \(before.day) at \(closing): \(difference) moved between the statements",
                                                     suggestions: "look for a statement or a line the bank left out"))
            }
        }
        // An account the bank reported before and not today, on a business day.
        if calendar.isBusinessDay(day) {
            for (account, before) in previous.sorted(by: { $0.key < $1.key }) where !seen.contains(account) && before.day < day {
                out.exceptions.append(MatchException(type: .statementGap, severity: .warning, about: "gap:\(account):\(day)", discriminator: "none",
                                                     source: "statement", sourceRef: mask(account),
                                                     message: "no statement for account \(mask(account)) on \(day) (the last one is of \(before.day))",
                                                     suggestions: "check that the bank delivered the day's statement"))
            }
        }
        return out
    }

    static func mask(_ account: String) -> String {
        let trimmed = ByteScanning.trimmed(account)
        return trimmed.count > 4 ? String(repeating: "•", count: 4) + trimmed.suffix(4) : trimmed
    }
}
