import Core
import Statements

/// Statements must chain: each day's opening balance is the previous statement's closing, and every business day
/// has a statement for every account the bank reports. A break is `STATEMENT_GAP`. The first statement of an
/// account gives the books its opening balance.
public enum StatementChain {
    public struct Previous: Sendable {
        public var day: Day
        public var closing: Money?
        /// The account as the statement wrote it (messages and ids); the dictionary's key when empty.
        public var account: String
        public init(day: Day, closing: Money?, account: String = "") {
            self.day = day
            self.closing = closing
            self.account = account
        }
    }

    public struct Outcome: Sendable {
        public var exceptions: [MatchException] = []
        /// Accounts seen for the first time: their opening balance enters the books.
        public var openings: [StatementBalance] = []
    }

    /// `previous` and `key` name an account and currency alike (the caller's: its cash account); `key` defaults to the
    /// account as written.
    public static func check(today: [StatementBalance], previous: [String: Previous], day: Day, calendar: BusinessCalendar = .federalReserve,
                             key: (StatementBalance) -> String = { $0.account }) -> Outcome {
        var out = Outcome()
        var seen = Set<String>()
        for balance in today.filter(\.isFinal).sorted(by: { (key($0), $0.day) < (key($1), $1.day) }) where seen.insert(key(balance)).inserted {
            let masked = Masking.account(balance.account)
            guard let before = previous[key(balance)] else {
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
            for (key, before) in previous.sorted(by: { $0.key < $1.key }) where !seen.contains(key) && before.day < day {
                let account = before.account.isEmpty ? key : before.account
                out.exceptions.append(MatchException(type: .statementGap, severity: .warning, about: "gap:\(account):\(day)", discriminator: "none",
                                                     source: "statement", sourceRef: Masking.account(account),
                                                     message: "no statement for account \(Masking.account(account)) on \(day) (the last one is of \(before.day))",
                                                     suggestions: "check that the bank delivered the day's statement"))
            }
        }
        return out
    }
}
