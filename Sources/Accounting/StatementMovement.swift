import Core
import Statements

/// How a bank account moved on one statement: the opening and closing balances the bank states (BAI2 account summary
/// type codes 010 and 015; camt `OPBD`/`PRCD` and `CLBD`) and the credits and debits of the statement's own booked
/// lines. The lines are the statement's whether or not the run posts them: a line an earlier day's run posted, or the
/// same line in another of the day's files, still moved this statement's balance.
public struct StatementMovement: Sendable, Hashable {
    /// The account as the statement names it, and the bank that keeps it (empty when the file does not say).
    public var account: String
    public var bank: String
    /// The statement's own day (its balances').
    public var day: Day
    public var currency: Currency
    public var opening: Money?
    public var closing: Money?
    /// The booked lines' credits and debits, each a positive sum of minor units.
    public var creditsMinorUnits: Int64
    public var debitsMinorUnits: Int64
    public var lineCount: Int

    public init(account: String, bank: String = "", day: Day, currency: Currency, opening: Money?, closing: Money?, creditsMinorUnits: Int64 = 0,
                debitsMinorUnits: Int64 = 0, lineCount: Int = 0) {
        self.account = account
        self.bank = bank
        self.day = day
        self.currency = currency
        self.opening = opening
        self.closing = closing
        self.creditsMinorUnits = creditsMinorUnits
        self.debitsMinorUnits = debitsMinorUnits
        self.lineCount = lineCount
    }

    public var credits: Money { Money(minorUnits: creditsMinorUnits, currency: currency) }
    public var debits: Money { Money(minorUnits: debitsMinorUnits, currency: currency) }

    /// Whether the lines explain the balances (opening + credits − debits = closing); nil without both balances.
    public var linesAddUp: Bool? {
        guard let opening, let closing else { return nil }
        let (up, o1) = opening.minorUnits.addingReportingOverflow(creditsMinorUnits)
        let (end, o2) = up.subtractingReportingOverflow(debitsMinorUnits)
        return !o1 && !o2 && end == closing.minorUnits
    }

    /// One movement per final statement balance (reports not final — intraday, test — move nothing), in the order read.
    /// A booked line belongs to a balance of its own file, account, bank and currency: the first whose day is on or
    /// after the line's booking day, else the latest (a statement of several days gives each day its own lines; one
    /// statement closing a period takes all of them). A line no balance of its file claims is left out.
    public static func of(_ balances: [StatementBalance], lines: [StatementLine]) throws(MoneyOverflow) -> [StatementMovement] {
        func group(file: String, account: String, bank: String, currency: Currency) -> String {
            "\(file)|\(BankAccountNumber.normalized(account))|\(BankAccountNumber.normalized(bank))|\(currency.code)"
        }
        var movements: [StatementMovement] = []
        var byGroup: [String: [Int]] = [:]
        for b in balances where b.isFinal {
            guard let currency = (b.closing ?? b.opening)?.currency else { continue }
            byGroup[group(file: b.location.file, account: b.account, bank: b.bank, currency: currency), default: []].append(movements.count)
            movements.append(StatementMovement(account: b.account, bank: b.bank, day: b.day, currency: currency, opening: b.opening, closing: b.closing))
        }
        for key in byGroup.keys { byGroup[key]?.sort { movements[$0].day < movements[$1].day } }
        for line in lines where line.isBooked {
            guard let candidates = byGroup[group(file: line.location.file, account: line.account, bank: line.bank, currency: line.amount.currency)],
                  let last = candidates.last else { continue }
            let m = candidates.first { movements[$0].day >= line.bookingDay } ?? last
            let amount = line.amount.minorUnits
            let what = "the \(amount > 0 ? "credits" : "debits") of the statement of \(Masking.account(line.account)) on \(movements[m].day)"
            if amount > 0 {
                try MinorUnits.add(amount, to: &movements[m].creditsMinorUnits, of: what)
            } else {
                movements[m].debitsMinorUnits = try MinorUnits.difference(movements[m].debitsMinorUnits, amount, of: what)
            }
            movements[m].lineCount += 1
        }
        return movements
    }
}
