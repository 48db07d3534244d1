import Core

/// An account's opening and closing balances on a statement day, as the bank reports them (BAI2 account summary
/// type codes 010 and 015; camt `OPBD`/`PRCD` and `CLBD`). A report that is not the day's final word (an intraday
/// report: camt.052, BAI2 as-of-date modifier 1, 3 or 4) or a test group (BAI2 group status 4) is read, never posted.
public struct StatementBalance: Sendable, Hashable {
    public var account: String
    /// The bank that keeps the account where the file names it (see `StatementLine.bank`), else empty.
    public var bank: String = ""
    public var day: Day
    public var opening: Money?
    public var closing: Money?
    public var isFinal: Bool
    public var location: SourceLocation

    public init(account: String, day: Day, opening: Money?, closing: Money?, isFinal: Bool, location: SourceLocation) {
        self.account = account
        self.day = day
        self.opening = opening
        self.closing = closing
        self.isFinal = isFinal
        self.location = location
    }
}

extension BAI2File.Group {
    /// A group to post from: not a test (status 4), not interim data (as-of-date modifier 1, interim previous-day, or 3,
    /// interim same-day). Modifier 2 (final previous-day) and 4 (final same-day) are final.
    public var isFinal: Bool { status != "4" && !["1", "3"].contains(asOfDateModifier) }
}

extension BAI2File {
    /// Each account's opening (010) and closing (015) ledger balances per group.
    public var balances: [StatementBalance] {
        groups.flatMap { group in
            group.accounts.compactMap { account -> StatementBalance? in
                guard let day = group.asOfDay else { return nil }
                let opening = account.summaries.first { $0.typeCode == 10 }?.amount
                let closing = account.summaries.first { $0.typeCode == 15 }?.amount
                guard opening != nil || closing != nil else { return nil }
                var balance = StatementBalance(account: account.number, day: day, opening: opening, closing: closing, isFinal: group.isFinal, location: account.location)
                balance.bank = group.originator
                return balance
            }
        }
    }

    /// The lines a run may post: those of intraday reports and test groups come back as reported, not booked.
    public var postableLines: [StatementLine] {
        groups.flatMap { group in
            group.accounts.flatMap { account in
                // The group's originator is the bank that keeps the account (its routing number or BIC).
                account.details.map { line in
                    var made = line
                    made.bank = group.originator
                    if !group.isFinal { made.isBooked = false }
                    return made
                }
            }
        }
    }
}

extension CamtFile {
    /// Each statement's opening (`OPBD`, else `PRCD`) and closing (`CLBD`) balance; a camt.052 report is intraday.
    public var balances: [StatementBalance] {
        statements.compactMap { statement -> StatementBalance? in
            let opening = statement.balances.first { $0.code == "OPBD" } ?? statement.balances.first { $0.code == "PRCD" }
            let closing = statement.balances.first { $0.code == "CLBD" }
            guard let day = closing?.day ?? opening?.day, opening != nil || closing != nil else { return nil }
            var balance = StatementBalance(account: statement.account, day: day, opening: opening?.amount, closing: closing?.amount,
                                           isFinal: !messageType.contains("052"), location: statement.location)
            balance.bank = statement.bank
            return balance
        }
    }
}
