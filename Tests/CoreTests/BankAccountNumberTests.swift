import Core
import Testing

/// The ASCII fast path gives what the Unicode rule gives: letters raised, digits kept, everything else dropped.
@Suite struct BankAccountNumberTests {
    /// The rule as written for any text, to compare the fast path with.
    static func byProperties(_ account: String) -> String {
        String(String.UnicodeScalarView(account.uppercased().unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }))
    }

    @Test(arguments: ["1111002233", "1111-002233 ", "de89 3704 0044 0532 0130 00", "GB29.NWBK/6016-1331-9268-19", "", "   ", "a", "Z9",
                      "12 34\t56\n", "#00123", "ÄB-12", "１２３-45", "x\u{301}y"])
    func theFastPathAgreesWithTheRule(account: String) {
        #expect(BankAccountNumber.normalized(account) == Self.byProperties(account))
    }

    @Test func aNormalNumberIsReturnedAsItIs() {
        #expect(BankAccountNumber.normalized("000123456789") == "000123456789")
        #expect(BankAccountNumber.normalized("ab-12") == "AB12")
    }
}
