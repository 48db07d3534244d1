import Accounting
import Core
import Matching
import Receivables
import Statements
import Testing

/// The books tied to the bank (`BankDifference`, `BankTieResult`): each final closing balance checked against the books'
/// cash through its day, a difference raised as `BANK_DIFFERENCE` naming both figures; a daily statement that did not
/// come raised as `STATEMENT_GAP`. Figures worked out by hand.
@Suite struct BankTieTests {
    typealias B = Books

    static func balance(_ closing: Int64?, day: String = "2026-11-02", final: Bool = true, line: Int = 20, account: String = B.bankAccount) -> StatementBalance {
        StatementBalance(account: account, day: B.d(day), opening: B.m(1_000_000), closing: closing.map(B.m), isFinal: final,
                         location: SourceLocation(file: "day.bai", line: line))
    }

    static func check(_ closing: Int64, day: String = "2026-11-02") -> BankTieCheck {
        BankTieCheck(cashAccount: B.cash, displayAccount: "••••2233", statementDay: B.d(day), closing: B.m(closing), location: "day.bai:20")
    }

    @Test func theBooksTieWhenTheirCashEqualsTheClosingBalance() throws {
        // Closing 10,500.00; books 10,500.00: difference 0, tied.
        let tied = BankTieResult(check: Self.check(1_050_000), book: B.m(1_050_000))
        #expect(try tied.difference == 0 && tied.ties)
        // Books 10,450.00 against the bank's 10,500.00: books less bank = -50.00.
        let under = BankTieResult(check: Self.check(1_050_000), book: B.m(1_045_000))
        #expect(try under.difference == -5_000 && !under.ties)
        // Books 10,512.34: +12.34 over.
        #expect(try BankTieResult(check: Self.check(1_050_000), book: B.m(1_051_234)).difference == 1_234)
    }

    @Test func checksTakeFinalClosingBalancesTheLastReadWinning() throws {
        // Two final reports of 2026-11-02 (the second read wins: 10,600.00), an intraday one and one with no closing (skipped),
        // and 2026-11-03's: two checks, by day.
        let balances = [Self.balance(1_050_000, line: 20), Self.balance(1_060_000, line: 40), Self.balance(1_070_000, final: false, line: 60),
                        Self.balance(nil, line: 80), Self.balance(1_080_000, day: "2026-11-03", line: 90)]
        let checks = BankDifference.checks(balances) { _ in B.cash }
        #expect(checks.map(\.closing) == [B.m(1_060_000), B.m(1_080_000)])
        #expect(checks.map(\.statementDay) == [B.d("2026-11-02"), B.d("2026-11-03")])
        #expect(checks.map(\.location) == ["day.bai:40", "day.bai:90"])
        #expect(checks.allSatisfy { $0.cashAccount == B.cash && $0.displayAccount == "••••2233" })
    }

    @Test func aBankDifferenceNamesBothFiguresAndWhichWay() throws {
        // Books 10,450.00, statement 10,500.00: books under the bank by 50.00; the exception's amount is books less bank, -50.00.
        let result = BankTieResult(check: Self.check(1_050_000), book: B.m(1_045_000))
        let exceptions = try BankDifference.exceptions([result, BankTieResult(check: Self.check(900_000, day: "2026-11-03"), book: B.m(900_000))],
                                                   day: B.d("2026-11-03"), skipped: [], rejectedFiles: 0)
        let difference = try #require(exceptions.first)
        #expect(exceptions.count == 1)
        #expect(difference.type == .bankDifference && difference.severity == .error)
        #expect(difference.amount == B.m(-5_000))
        #expect(difference.message.contains("hold 10450.00 in USD through 2026-11-02"))
        #expect(difference.message.contains("the statement's closing balance is 10500.00"))
        #expect(difference.message.contains("books under the bank by 50.00"))
        #expect(!difference.message.contains("4471002233"))
        #expect(difference.sourceRef == "1010:USD")
        // Books over by 12.34, with what could explain it: a line posted before and a file rejected today.
        let over = BankTieResult(check: Self.check(1_050_000), book: B.m(1_051_234))
        let skipped = [SkippedLine(location: SourceLocation(file: "day.bai", line: 30), key: "stmt:k", amount: B.m(1_234), reason: .postedBefore(day: B.d("2026-10-30")))]
        let explained = try #require(try BankDifference.exceptions([over], day: B.d("2026-11-03"), skipped: skipped, rejectedFiles: 2).first)
        #expect(explained.amount == B.m(1_234))
        #expect(explained.message.contains("books over the bank by 12.34"))
        #expect(explained.message.contains("1 line of the day posted before"))
        #expect(explained.message.contains("2 files rejected today"))
        // Same account, currency and day on a rerun: the same exception id.
        #expect(try BankDifference.exceptions([result], day: B.d("2026-11-04"), skipped: [], rejectedFiles: 0).first?.id == difference.id)
    }

    static func listed(_ statements: BankAccountEntry.Statements = .daily, closedOn: String? = nil) -> BankAccountEntry {
        BankAccountEntry(bank: "", account: B.bankAccount, currency: B.usd, code: B.cash, name: "Operating", aliases: ["0044471002233"], statements: statements,
                         closedOn: closedOn.map(B.d))
    }

    @Test func aDailyStatementThatDidNotComeIsAGap() throws {
        // Run Tuesday 2026-11-03: Monday 2026-11-02's final statement is expected.
        let missing = BankDifference.missingStatements([Self.listed()], day: B.d("2026-11-03"), had: [], today: [])
        #expect(missing.map(\.day) == [B.d("2026-11-02")])
        // In the ledger already, under an alias, or among today's files (delivered a day late): no gap.
        #expect(BankDifference.missingStatements([Self.listed()], day: B.d("2026-11-03"), had: [(B.bankAccount, "USD")], today: []).isEmpty)
        #expect(BankDifference.missingStatements([Self.listed()], day: B.d("2026-11-03"), had: [("0044471002233", "USD")], today: []).isEmpty)
        #expect(BankDifference.missingStatements([Self.listed()], day: B.d("2026-11-03"), had: [], today: [Self.balance(1_000_000)]).isEmpty)
        // Today's intraday report, or another day's, or another currency's does not count.
        #expect(BankDifference.missingStatements([Self.listed()], day: B.d("2026-11-03"), had: [], today: [Self.balance(1_000_000, final: false)]).count == 1)
        #expect(BankDifference.missingStatements([Self.listed()], day: B.d("2026-11-03"), had: [], today: [Self.balance(1_000_000, day: "2026-11-03")]).count == 1)
        #expect(BankDifference.missingStatements([Self.listed()], day: B.d("2026-11-03"), had: [(B.bankAccount, "EUR")], today: []).count == 1)
        // Monday 2026-11-09 expects Friday 2026-11-06; Thursday 2026-11-12 expects Tuesday 2026-11-10 (the 11th is Veterans Day).
        #expect(BankDifference.missingStatements([Self.listed()], day: B.d("2026-11-09"), had: [], today: []).map(\.day) == [B.d("2026-11-06")])
        #expect(BankDifference.missingStatements([Self.listed()], day: B.d("2026-11-12"), had: [], today: []).map(\.day) == [B.d("2026-11-10")])
        // Not expected: an on-activity account, one closed before the expected day. Closed on it: still expected.
        #expect(BankDifference.missingStatements([Self.listed(.onActivity)], day: B.d("2026-11-03"), had: [], today: []).isEmpty)
        #expect(BankDifference.missingStatements([Self.listed(closedOn: "2026-11-01")], day: B.d("2026-11-03"), had: [], today: []).isEmpty)
        #expect(BankDifference.missingStatements([Self.listed(closedOn: "2026-11-02")], day: B.d("2026-11-03"), had: [], today: []).count == 1)
        let gap = BankDifference.exception(missing: Self.listed(), on: B.d("2026-11-02"))
        #expect(gap.type == .statementGap && gap.severity == .warning)
        #expect(gap.message.contains("••••2233") && gap.message.contains("2026-11-02") && !gap.message.contains(B.bankAccount))
    }
}
