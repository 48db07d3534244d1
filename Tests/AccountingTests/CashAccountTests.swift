import Accounting
import Core
import Testing

/// Which cash account a bank account is booked in (`BankAccountBook`, `CashAccountCode`): the manifest's code, else
/// `1000-` and the number's last four characters when free, longer tails when not; the last four digits are never
/// the identity.
@Suite struct CashAccountTests {
    typealias B = Books

    @Test func codesAreTheLastFourWhenFreeThenLongerTailsThenTheCurrency() {
        #expect(CashAccountCode.free(number: "4471002233", currency: "USD", taken: []) == "1000-2233")
        #expect(CashAccountCode.free(number: "4471002233", currency: "USD", taken: ["1000-2233"]) == "1000-002233")
        #expect(CashAccountCode.free(number: "4471002233", currency: "USD", taken: ["1000-2233", "1000-002233"]) == "1000-71002233")
        // A second currency of a number already booked: its currency after the tail.
        #expect(CashAccountCode.free(number: "4471002233", currency: "EUR", currencySuffix: true, taken: ["1000-2233"]) == "1000-2233-EUR")
        #expect(CashAccountCode.legacy("44-7100-2233") == "1000-2233")
    }

    @Test func theBookGivesEachAccountItsOwnCode() {
        var book = BankAccountBook(listed: [], registered: [], booksCurrency: B.usd)
        let day = B.d("2026-11-02")
        // Two accounts ending 2233: the first takes 1000-2233, the second a longer tail; each keeps its own.
        #expect(book.register(account: "4471002233", bank: "", currency: B.usd, day: day) == "1000-2233")
        #expect(book.register(account: "5551112233", bank: "", currency: B.usd, day: day) == "1000-112233")
        #expect(book.code(account: "4471002233", currency: B.usd) == "1000-2233")
        #expect(book.code(account: "5551112233", currency: B.usd) == "1000-112233")
        #expect(book.added.map(\.code) == ["1000-2233", "1000-112233"])
        // The manifest's code wins for a listed account.
        #expect(B.book().code(account: B.bankAccount, currency: B.usd) == B.cash)
        // An account no statement named and nobody listed: the code an older ledger used.
        #expect(book.code(account: "999-000-8888", currency: B.usd) == "1000-8888")
    }
}
