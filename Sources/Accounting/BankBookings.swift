import Core
import Statements

/// The entries that give a bank account's cash its balance apart from the day's money: an account's first statement's
/// opening balance, and the balance an older ledger booked under another account's code moved to its own. Each is
/// decided from what the ledger says of it, read first (`postedBefore`, `cashWithPostings`, `Reclassification`).
public enum BankBookings {
    /// An opening the day's statements could book, with the cash account it goes to.
    public struct Opening: Sendable {
        public var draft: JournalEntryDraft
        public var cash: String
    }

    /// The openings of the accounts whose first statement this is (`StatementChain`'s openings), before the ledger is
    /// asked whether to book them. `code`: the cash account of a statement's account.
    public static func openings(_ first: [StatementBalance], book: BankAccountBook, booksCurrency: Currency,
                                code: (StatementBalance) -> String) -> [Opening] {
        first.compactMap { opening in
            let cash = code(opening)
            let shared = opening.opening.map { book.isShared(account: opening.account, currency: $0.currency) } ?? false
            return PostingRules.bankOpening(opening, cash: cash, booksCurrency: booksCurrency, sharedNumber: shared).map { Opening(draft: $0, cash: cash) }
        }
    }

    /// The openings booked: where the account's cash has no postings yet, or the opening was booked before (a rerun
    /// books it again). A ledger that booked an account's cash without an opening, before settle read balances, is left
    /// as it was: its summary shows the difference.
    public static func booked(_ openings: [Opening], postedBefore: Set<String>, cashWithPostings: Set<String>) -> [JournalEntryDraft] {
        openings.filter { postedBefore.contains($0.draft.sourceKey) || !cashWithPostings.contains($0.cash) }.map(\.draft)
    }

    /// A bank account whose balance an older ledger booked under another account's code, with what the ledger says of
    /// it: the day its move was posted (if ever) and the cash booked for it under the other code.
    public struct Reclassification: Sendable {
        public var account: BankAccountRow
        /// The account's currency (its row's code read).
        public var currency: Currency
        public var postedOn: Day?
        public var booked: Int64

        public init(account: BankAccountRow, currency: Currency, postedOn: Day?, booked: Int64) {
            self.account = account
            self.currency = currency
            self.postedOn = postedOn
            self.booked = booked
        }

        /// The key its move is posted under, `bankreclass:<number>:<currency>`.
        public static func key(_ account: BankAccountRow) -> String { "bankreclass:\(account.number):\(account.currency)" }
    }

    /// Each balance moved once (a run of a later day finds the key posted), and again by a rerun of the day that moved
    /// it; nothing when there is nothing to move and nothing was moved. With the cash accounts the moves post to.
    public static func reclassifications(_ found: [Reclassification], on day: Day) -> (drafts: [JournalEntryDraft], accounts: [(code: String, name: String)]) {
        var drafts: [JournalEntryDraft] = []
        var accounts: [(code: String, name: String)] = []
        for r in found {
            let row = r.account
            if let posted = r.postedOn, posted != day { continue }
            if r.booked == 0 && r.postedOn == nil { continue }
            drafts.append(PostingRules.bankReclassification(row, amount: Money(minorUnits: r.booked, currency: r.currency), on: day))
            accounts.append((row.code, "Cash - bank account \(Masking.account(row.number)) \(row.currency)"))
        }
        return (drafts, accounts)
    }
}
