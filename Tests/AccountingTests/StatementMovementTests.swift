import Accounting
import Core
import Foundation
import Statements
import Testing
import TestSupport

/// An account's movement on each statement (`StatementMovement`): the bank's opening and closing beside the credits and
/// debits of the statement's own booked lines. Figures worked out by hand.
@Suite struct StatementMovementTests {
    typealias B = Books

    static func balance(_ day: String, opening: Int64?, closing: Int64?, file: String = "day.bai", final: Bool = true, currency: Currency = .usd) -> StatementBalance {
        StatementBalance(account: B.bankAccount, day: B.d(day), opening: opening.map { Money(minorUnits: $0, currency: currency) },
                         closing: closing.map { Money(minorUnits: $0, currency: currency) }, isFinal: final, location: SourceLocation(file: file, line: 3))
    }

    static func line(_ day: String, _ cents: Int64, file: String = "day.bai", booked: Bool = true, currency: Currency = .usd) -> StatementLine {
        StatementLine(format: .bai2, account: B.bankAccount, bookingDay: B.d(day), amount: Money(minorUnits: cents, currency: currency), isBooked: booked,
                      location: SourceLocation(file: file, line: 4))
    }

    /// The Samples' statement of 2026-11-06: opening 126,271.49; two incoming wires of 2,000.00 and 1,300.00 (credits
    /// 3,300.00); the return of Delta Marine's debit, 5,125.00 (debits); closing 126,271.49 + 3,300.00 − 5,125.00 = 124,446.49.
    @Test func theSampleStatementOfNovemberSixth() throws {
        let path = TestPaths.samples + "/2026-11-06/bank/20261106.bai"
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let file = BAI2Reader().read(bytes: bytes, fileName: path)
        let movements = try StatementMovement.of(file.balances, lines: file.postableLines)
        #expect(movements.count == 1)
        let m = try #require(movements.first)
        #expect(m.account == "4471002233" && m.day == B.d("2026-11-06") && m.currency == .usd)
        #expect(m.opening == B.m(12_627_149) && m.closing == B.m(12_444_649))
        #expect(m.credits == B.m(330_000) && m.debits == B.m(512_500) && m.lineCount == 3)
        #expect(m.linesAddUp == true)
    }

    /// One file of two days: 2026-11-02 opens at 1,000.00, a credit of 100.00, closes at 1,100.00; 2026-11-03 a credit
    /// of 25.00 and a debit of 75.00 close it at 1,050.00. Each day takes its own lines.
    @Test func aFileOfSeveralDaysGivesEachDayItsLines() throws {
        let balances = [Self.balance("2026-11-02", opening: 100_000, closing: 110_000), Self.balance("2026-11-03", opening: 110_000, closing: 105_000)]
        let lines = [Self.line("2026-11-02", 10_000), Self.line("2026-11-03", 2_500), Self.line("2026-11-03", -7_500)]
        let movements = try StatementMovement.of(balances, lines: lines)
        #expect(movements.map(\.credits) == [B.m(10_000), B.m(2_500)])
        #expect(movements.map(\.debits) == [B.m(0), B.m(7_500)])
        #expect(movements.map(\.lineCount) == [1, 2])
        #expect(movements.allSatisfy { $0.linesAddUp == true })
    }

    /// Only the statement's own booked lines count: a line of another file (the same account and day), a line only
    /// reported (not booked), a line in another currency are left out; an intraday report moves nothing. Opening
    /// 1,000.00, one credit of 50.00 of its own, closing 1,100.00: the lines add up to 1,050.00, not the closing.
    @Test func onlyTheStatementsOwnBookedLinesCount() throws {
        let balances = [Self.balance("2026-11-02", opening: 100_000, closing: 110_000),
                        Self.balance("2026-11-02", opening: 100_000, closing: 120_000, file: "intraday.bai", final: false)]
        let lines = [Self.line("2026-11-02", 5_000), Self.line("2026-11-02", 5_000, file: "other.bai"), Self.line("2026-11-02", 9_900, booked: false),
                     Self.line("2026-11-02", 4_400, currency: .eur), Self.line("2026-11-02", 1_000, file: "intraday.bai")]
        let movements = try StatementMovement.of(balances, lines: lines)
        #expect(movements.count == 1)
        #expect(movements[0].credits == B.m(5_000) && movements[0].debits == B.m(0) && movements[0].lineCount == 1)
        #expect(movements[0].linesAddUp == false)
        // Without an opening balance nothing can be said of the lines.
        #expect(try StatementMovement.of([Self.balance("2026-11-02", opening: nil, closing: 110_000)], lines: lines)[0].linesAddUp == nil)
    }

    @Test func creditsPastSixtyFourBitsAreAnErrorNamingTheStatement() {
        let balances = [Self.balance("2026-11-02", opening: 0, closing: 0)]
        #expect(throws: MoneyOverflow(what: "the credits of the statement of ••••2233 on 2026-11-02")) {
            try StatementMovement.of(balances, lines: [Self.line("2026-11-02", Int64.max), Self.line("2026-11-02", 1)])
        }
    }
}
