import Accounting
import Core
import Matching
import Statements
import Testing

/// What the bank's statement posts: an ACH batch settled out of ACH in transit, unexplained debits, an account's
/// opening balance, and a balance moved to the account's own cash account. Amounts worked out by hand.
@Suite struct BankEntryTests {
    typealias B = Books

    static func line(_ cents: Int64, booked: String = "2026-11-04", kind: TransactionKind = .achCredit, reference: String = "BR-77") -> StatementLine {
        StatementLine(format: .bai2, account: B.bankAccount, bookingDay: B.d(booked), valueDay: B.d("2026-11-03"), amount: B.m(cents), bankReference: reference,
                      kind: kind, description: "ACH SETTLEMENT", location: SourceLocation(file: "day.bai", line: 12))
    }

    static func item(_ cents: Int64, role: String = "received") -> SettlementItem {
        SettlementItem(key: "batch:\(role):1234567890:2026-11-03:1", role: role, companyName: "ACME TOOLS", fileKey: "sha", fileName: "day.ach", net: B.m(cents),
                       settlementDay: B.d("2026-11-03"), windowEnd: B.d("2026-11-06"), firstDay: B.d("2026-11-03"), location: "day.ach:2")
    }

    @Test func aSettledBatchMovesItsCashFromACHInTransitToTheBankOnTheLinesBookingDay() {
        // A batch of 2,345.67 net (three entries: 1,000.00 + 845.67 + 500.00) shown by a line booked 2026-11-04:
        // 1010 +2,345.67, 1050 -2,345.67, on the 4th (the batch's settlement day was the 3rd).
        let entry = PostingRules.settlement(of: Self.item(234_567), by: Self.line(234_567), lineKey: "stmt:4471002233:BR-77", cash: B.cash)
        #expect(entry.postings == [B.p(B.cash, 234_567), B.p(B.inTransit, -234_567)])
        #expect(entry.isBalanced)
        #expect(entry.effectiveDay == B.d("2026-11-04"))
        #expect(entry.sourceKey == "settle:batch:received:1234567890:2026-11-03:1")
    }

    @Test func anOriginatedBatchThatPaysOutSettlesTheOtherWay() {
        // The seller's own batch of credits out, net -1,500.00: the bank's cash falls 1,500.00, ACH in transit +1,500.00.
        let entry = PostingRules.settlement(of: Self.item(-150_000, role: "originated"), by: Self.line(-150_000, kind: .achDebit), lineKey: "k", cash: B.cash)
        #expect(entry.postings == [B.p(B.cash, -150_000), B.p(B.inTransit, 150_000)])
        #expect(entry.isBalanced)
    }

    @Test func anUnexplainedDebitGoesToSuspenseAndABankFeeToBankFees() {
        // A 310.00 debit nothing explains: suspense +310.00, cash -310.00, on its booking day.
        let debit = PostingRules.entry(forBankDebit: Self.line(-31_000, booked: "2026-11-05", kind: .checkPaid), sourceKey: "stmt:debit", cash: B.cash)
        #expect(debit.postings == [B.p(B.suspense, 31_000), B.p(B.cash, -31_000)])
        #expect(debit.isBalanced)
        #expect(debit.effectiveDay == B.d("2026-11-05"))
        #expect(debit.sourceKey == "stmt:debit")
        // A 25.00 account fee: bank fees +25.00, cash -25.00.
        let fee = PostingRules.entry(forBankDebit: Self.line(-2_500, kind: .fee), sourceKey: "stmt:fee", cash: B.cash)
        #expect(fee.postings == [B.p(B.fees, 2_500), B.p(B.cash, -2_500)])
        #expect(fee.isBalanced)
    }

    @Test func anAccountsFirstStatementOpensItsBalanceAgainstOpeningBalances() throws {
        // Opening 10,000.00 on 2026-11-02: cash +10,000.00, opening balances -10,000.00, under bankopen:<account>.
        let balance = StatementBalance(account: B.bankAccount, day: B.d("2026-11-02"), opening: B.m(1_000_000), closing: B.m(1_050_000), isFinal: true,
                                       location: SourceLocation(file: "day.bai", line: 4))
        let entry = try #require(PostingRules.bankOpening(balance, cash: B.cash, booksCurrency: B.usd))
        #expect(entry.postings == [B.p(B.cash, 1_000_000), B.p(B.opening, -1_000_000)])
        #expect(entry.isBalanced)
        #expect(entry.sourceKey == "bankopen:4471002233")
        #expect(entry.effectiveDay == B.d("2026-11-02"))
        // An overdrawn account opens below zero: -300.00 to cash, +300.00 to opening balances.
        var overdrawn = balance
        overdrawn.opening = B.m(-30_000)
        #expect(PostingRules.bankOpening(overdrawn, cash: B.cash, booksCurrency: B.usd)?.postings == [B.p(B.cash, -30_000), B.p(B.opening, 30_000)])
        // Nothing to open: no opening balance, or one of 0.00.
        overdrawn.opening = B.m(0)
        #expect(PostingRules.bankOpening(overdrawn, cash: B.cash, booksCurrency: B.usd) == nil)
        overdrawn.opening = nil
        #expect(PostingRules.bankOpening(overdrawn, cash: B.cash, booksCurrency: B.usd) == nil)
    }

    @Test func anOpeningInAnotherCurrencyOrOfASharedNumberIsKeyedApart() throws {
        // A EUR account in USD books: keyed with its currency; a number also at another bank: keyed with its bank.
        let balance = StatementBalance(account: B.bankAccount, day: B.d("2026-11-02"), opening: Money(minorUnits: 50_000, currency: .eur), closing: nil,
                                       isFinal: true, location: SourceLocation(file: "day.xml", line: 9))
        let entry = try #require(PostingRules.bankOpening(balance, cash: "1000-2233-EUR", booksCurrency: B.usd))
        #expect(entry.sourceKey == "bankopen:4471002233:EUR")
        #expect(entry.isBalanced)
        var shared = StatementBalance(account: B.bankAccount, day: B.d("2026-11-02"), opening: B.m(100), closing: nil, isFinal: true, location: SourceLocation(file: "f", line: 1))
        shared.bank = "021000021"
        #expect(PostingRules.bankOpening(shared, cash: B.cash, booksCurrency: B.usd, sharedNumber: true)?.sourceKey == "bankopen:4471002233@021000021")
    }

    @Test func aBankAccountBookedUnderAnotherAccountsCodeIsMovedOnce() {
        // 4,200.00 an older ledger booked in 1000-2233 (another account ending 2233) moves to this account's own 1000-912233.
        let row = BankAccountRow(number: "9912233", bank: "", currency: "USD", code: "1000-912233", firstDay: B.d("2026-10-01"), reclassFrom: "1000-2233")
        let entry = PostingRules.bankReclassification(row, amount: B.m(420_000), on: B.d("2026-11-02"))
        #expect(entry.postings == [B.p("1000-912233", 420_000), B.p("1000-2233", -420_000)])
        #expect(entry.isBalanced)
        #expect(entry.sourceKey == "bankreclass:9912233:USD")
        #expect(!entry.memo.contains("9912233"))
        // Nothing held there: the key is kept with no postings.
        #expect(PostingRules.bankReclassification(row, amount: B.m(0), on: B.d("2026-11-02")).postings.isEmpty)
    }

    @Test func anOpeningIsBookedWhereTheCashHasNoPostingsYetOrWhereItWasBookedBefore() {
        // Two accounts' first statements: 4471002233 (cash 1010) opens at 100.00, 5550001111 (its own code) at 0.00 (nothing to open).
        var book = B.book()
        book.register(account: "5550001111", bank: "", currency: B.usd, day: B.d("2026-11-02"))
        let first = [StatementBalance(account: B.bankAccount, day: B.d("2026-11-02"), opening: B.m(10_000), closing: nil, isFinal: true, location: SourceLocation(file: "f", line: 1)),
                     StatementBalance(account: "5550001111", day: B.d("2026-11-02"), opening: B.m(0), closing: nil, isFinal: true, location: SourceLocation(file: "f", line: 2))]
        let openings = BankBookings.openings(first, book: book, booksCurrency: B.usd) { book.code(account: $0.account, currency: B.usd) }
        #expect(openings.map(\.draft.sourceKey) == ["bankopen:4471002233"])
        #expect(openings.map(\.cash) == [B.cash])
        // Untouched cash: booked. Cash with postings and no opening before (an older ledger booked it without one): left.
        #expect(BankBookings.booked(openings, postedBefore: [], cashWithPostings: []).count == 1)
        #expect(BankBookings.booked(openings, postedBefore: [], cashWithPostings: [B.cash]).isEmpty)
        // Booked before (a rerun of the day, whose own postings are on the cash now): booked again.
        #expect(BankBookings.booked(openings, postedBefore: ["bankopen:4471002233"], cashWithPostings: [B.cash]).count == 1)
    }

    @Test func aBalanceIsMovedOnceOnItsDayAndAgainOnlyByARerunOfThatDay() {
        let row = BankAccountRow(number: "9912233", bank: "", currency: "USD", code: "1000-912233", firstDay: B.d("2026-10-01"), reclassFrom: "1000-2233")
        func moved(postedOn: String?, booked: Int64) -> [Money] {
            let found = BankBookings.Reclassification(account: row, currency: B.usd, postedOn: postedOn.map(B.d), booked: booked)
            return BankBookings.reclassifications([found], on: B.d("2026-11-03")).drafts.flatMap(\.postings).map(\.amount)
        }
        // Never moved, 4,200.00 held under 1000-2233: moved today.
        #expect(moved(postedOn: nil, booked: 420_000) == [B.m(420_000), B.m(-420_000)])
        // Moved on the 2nd: a run of the 3rd leaves it.
        #expect(BankBookings.reclassifications([BankBookings.Reclassification(account: row, currency: B.usd, postedOn: B.d("2026-11-02"), booked: 0)],
                                               on: B.d("2026-11-03")).drafts.isEmpty)
        // Nothing held and never moved: nothing to post. Moved on this very day (a rerun): posted again, empty when nothing is left.
        #expect(BankBookings.reclassifications([BankBookings.Reclassification(account: row, currency: B.usd, postedOn: nil, booked: 0)], on: B.d("2026-11-03")).drafts.isEmpty)
        let rerun = BankBookings.reclassifications([BankBookings.Reclassification(account: row, currency: B.usd, postedOn: B.d("2026-11-03"), booked: 0)], on: B.d("2026-11-03"))
        #expect(rerun.drafts.map(\.sourceKey) == ["bankreclass:9912233:USD"])
        #expect(rerun.accounts.map(\.code) == ["1000-912233"])
    }
}
