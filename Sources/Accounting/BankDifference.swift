import Core
import Matching
import Receivables
import Statements

/// The books tied to the bank: each statement's final closing balance against the books' cash of its bank account and
/// currency through the statement's own day, whatever day's folder delivered it. A difference is money the books and
/// the bank disagree on: a `BANK_DIFFERENCE` (severity error, its id from the account, currency and statement day),
/// and the run exits 4.
public enum BankDifference {
    /// The checks of the day's statements: final reports with a closing balance, one per account, currency and day
    /// (the last read wins, as the chain of statements takes it).
    public static func checks(_ balances: [StatementBalance], cashAccount: (StatementBalance) -> String) -> [BankTieCheck] {
        var byKey: [String: BankTieCheck] = [:]
        var order: [String] = []
        for balance in balances where balance.isFinal {
            guard let closing = balance.closing else { continue }
            let code = cashAccount(balance)
            let key = "\(code)|\(closing.currency.code)|\(balance.day)"
            if byKey[key] == nil { order.append(key) }
            byKey[key] = BankTieCheck(cashAccount: code, displayAccount: Masking.account(balance.account), statementDay: balance.day, closing: closing,
                                      location: balance.location.fileAndLine)
        }
        return order.compactMap { byKey[$0] }.sorted { ($0.cashAccount, $0.closing.currency.code, $0.statementDay) < ($1.cashAccount, $1.closing.currency.code, $1.statementDay) }
    }

    /// A `BANK_DIFFERENCE` for each statement the books do not tie with, naming both figures and what could explain it.
    public static func exceptions(_ results: [BankTieResult], day: Day, skipped: [SkippedLine], rejectedFiles: Int) throws -> [MatchException] {
        try results.filter { !$0.ties }.map { result throws in
            let check = result.check
            let books = try result.difference
            let difference = Money(minorUnits: books, currency: check.closing.currency)
            var explain: [String] = []
            let posted = skipped.filter { if case .postedBefore = $0.reason { true } else { false } }
            if !posted.isEmpty { explain.append("\(posted.count) line\(posted.count == 1 ? "" : "s") of the day posted before (run.log lists them)") }
            if rejectedFiles > 0 { explain.append("\(rejectedFiles) file\(rejectedFiles == 1 ? "" : "s") rejected today") }
            return MatchException(type: .bankDifference, severity: .error, about: "bank:\(check.cashAccount):\(check.closing.currency.code)",
                                  discriminator: check.statementDay.description, source: "statement",
                                  sourceRef: "\(check.cashAccount):\(check.closing.currency.code)",
                                  location: SourceLocation.parse(fileAndLine: check.location), amount: difference,
                                  message: "the books of bank account \(check.displayAccount) (\(check.cashAccount)) hold \(result.book) in \(check.closing.currency.code) through \(check.statementDay); "
                                      + "the statement's closing balance is \(check.closing): books \(books > 0 ? "over" : "under") the bank by \(Money(minorUnits: books.magnitude <= UInt64(Int64.max) ? Int64(books.magnitude) : Int64.max, currency: check.closing.currency))"
                                      + (explain.isEmpty ? "" : "; " + explain.joined(separator: ", ")),
                                  suggestions: "compare the statement's lines with the day's journal (journal.csv) and remittance; a line posted under another account, a file rejected or a statement line missing from the files explains it; it resolves itself when a later statement ties")
        }.sorted { $0.id < $1.id }
        // (`difference` is kept as the exception's amount: books less bank.)
    }

    /// A statement the manifest expects (`bank_accounts[].statements: daily`) that did not come: on each run, the
    /// previous business day's final statement of every daily account open then (`closed_on` not before it) must be in
    /// the ledger or the day's files — by its own date, whichever day's folder delivered it (a bank sending the day's
    /// statement the next morning is on time).
    public static func missingStatements(_ listed: [BankAccountEntry], day: Day, had: [(account: String, currency: String)],
                                  today: [StatementBalance], calendar: BusinessCalendar = .federalReserve) -> [(entry: BankAccountEntry, day: Day)] {
        let expected = calendar.adding(businessDays: -1, to: day)
        var present = Set<String>()
        for row in had { present.insert(BankAccountNumber.normalized(row.account) + "|" + row.currency) }
        for b in today where b.isFinal && b.day == expected {
            if let currency = (b.closing ?? b.opening)?.currency { present.insert(BankAccountNumber.normalized(b.account) + "|" + currency.code) }
        }
        return listed.filter { entry in
            guard entry.statements == .daily, entry.closedOn.map({ $0 >= expected }) ?? true else { return false }
            return !([entry.account] + entry.aliases).contains { present.contains($0 + "|" + entry.currency.code) }
        }.map { ($0, expected) }
    }

    /// A missing statement as a person sees it: `STATEMENT_GAP`, naming the account and the day.
    public static func exception(missing entry: BankAccountEntry, on statementDay: Day) -> MatchException {
        let masked = Masking.account(entry.account)
        return MatchException(type: .statementGap, severity: .warning, about: "expected:\(entry.account):\(entry.currency.code)", discriminator: statementDay.description,
                              source: "statement", sourceRef: masked,
                              message: "no statement for account \(masked) in \(entry.currency.code) of \(statementDay), which bank_accounts expects daily: the books of that account are not tied to the bank",
                              suggestions: "ask the bank for the statement; run the day again when it comes (or set statements to on-activity, or closed_on, in bank_accounts)")
    }
}
