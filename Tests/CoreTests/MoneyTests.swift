import Core
import TestSupport
import Testing

@Suite struct MoneyTests {
    @Test(arguments: [
        ("1,234.56", DecimalStyle.point, Int64(123_456)),
        ("1.234,56", .comma, 123_456),
        ("(12.00)", .point, -1_200),
        ("-12.00", .point, -1_200),
        ("12.00-", .point, -1_200),
        ("12.00 CR", .point, 1_200),
        ("12.00 DR", .point, -1_200),
        ("$1,574.04", .point, 157_404),
        ("-$1,574.04", .point, -157_404),
        ("  7 ", .point, 700),
        ("0.5", .point, 50),
        ("1'234'567.8", .point, 123_456_780),
        ("1 234,50", .comma, 123_450),
        ("€12,50", .comma, 1_250),
        ("+3.10", .point, 310),
        ("12.500", .point, 1_250),
    ])
    func parsesEveryStyle(text: String, style: DecimalStyle, minorUnits: Int64) throws {
        #expect(try Money.parse(text, currency: .usd, style: style).minorUnits == minorUnits)
    }

    @Test(arguments: ["", "abc", "1.2.3", "12.345", "1,23.00", "--5", "(5)-", "1,2345", "12.00 CR-"])
    func rejectsWhatIsNotAnAmount(text: String) {
        #expect(throws: MoneyError.self) { try Money.parse(text, currency: .usd) }
    }

    @Test func exponentFollowsTheCurrency() throws {
        #expect(try Money.parse("1234", currency: Currency.iso("JPY")!).minorUnits == 1234)
        #expect(throws: MoneyError.self) { try Money.parse("12.5", currency: Currency.iso("JPY")!) }
        #expect(try Money.parse("1.234", currency: Currency.iso("KWD")!).minorUnits == 1234)
        #expect(Money(minorUnits: 1234, currency: Currency.iso("KWD")!).description == "1.234")
    }

    @Test func aCurrencyIsFourBytesAndKeepsItsCodeAndExponent() {
        // A Money is an amount and a packed currency: 16 bytes, nothing to retain when copied.
        #expect(MemoryLayout<Currency>.size == 4)
        #expect(MemoryLayout<Money>.stride == 16)
        for (text, code, exponent) in [("usd", "USD", 2), ("JPY", "JPY", 0), ("kwd", "KWD", 3), ("CLF", "CLF", 4), ("XYZ", "XYZ", 2)] {
            let currency = Currency.iso(text)
            #expect(currency?.code == code && currency?.exponent == exponent, "\(text)")
            #expect(currency?.description == code)
        }
        #expect(Currency.iso("USD") == .usd && Currency.iso("usd") == .usd && Currency.iso("EUR") != .usd)
        #expect(Set([Currency.usd, Currency.iso("USD"), Currency.iso("CAD")].compactMap { $0 }).count == 2)
        for bad in ["", "US", "USDD", "U$D", "12A", "ÉUR"] { #expect(Currency.iso(bad) == nil, "\(bad)") }
    }

    @Test func overflowIsAnErrorNotATrap() throws {
        #expect(throws: MoneyError.overflow) { try Money.parse("99999999999999999999.00", currency: .usd) }
        let big = Money(minorUnits: Int64.max, currency: .usd)
        #expect(throws: MoneyError.overflow) { try big.adding(Money(minorUnits: 1, currency: .usd)) }
        #expect(throws: MoneyError.overflow) { try Money(minorUnits: Int64.min, currency: .usd).negated() }
    }

    @Test func sumsOfMinorUnitsAreCheckedAndNameWhatOverflowed() throws {
        // 9,223,372,036,854,775,807 is Int64.max: one more overflows, in either direction.
        #expect(try MinorUnits.sum(9_223_372_036_854_775_000, 807, of: "a") == Int64.max)
        #expect(throws: MoneyOverflow(what: "the receipts")) { try MinorUnits.sum(Int64.max, 1, of: "the receipts") }
        #expect(throws: MoneyOverflow(what: "the debits")) { try MinorUnits.sum(-9_223_372_036_854_775_000, -809, of: "the debits") }
        #expect(try MinorUnits.difference(-9_223_372_036_854_775_000, 808, of: "a") == Int64.min)
        #expect(throws: MoneyOverflow(what: "books less bank")) { try MinorUnits.difference(0, Int64.min, of: "books less bank") }

        var total: Int64 = 9_000_000_000_000_000_000
        try MinorUnits.add(223_372_036_854_775_807, to: &total, of: "a")
        #expect(total == Int64.max)
        #expect(throws: MoneyOverflow(what: "the unapplied cash")) { try MinorUnits.add(1, to: &total, of: "the unapplied cash") }
        #expect(total == Int64.max, "a total that would overflow is left as it was")

        #expect(try MinorUnits.total([1_050, -25, 1_000_000], of: "a") == 1_001_025)
        #expect(try MinorUnits.total([], of: "a") == 0)
        // Past Int64.max on the way and back under it at the end is still an overflow: no sum ever wraps.
        #expect(throws: MoneyOverflow(what: "the open amounts")) { try MinorUnits.total([Int64.max, 1, -2], of: "the open amounts") }
    }

    @Test func theOverflowMessageSaysWhatAndIsNeverMadeWhenNothingOverflows() throws {
        #expect(MoneyOverflow(what: "the reviewers' decisions of 2026-03-02").description
            == "the amounts of the reviewers' decisions of 2026-03-02 add up to more than 64-bit minor units hold (9,223,372,036,854,775,807): refused rather than computed wrong")
        var made = 0
        func name() -> String { made += 1; return "x" }
        _ = try MinorUnits.sum(1, 2, of: name())
        _ = try MinorUnits.total([1, 2, 3], of: name())
        #expect(made == 0)
        #expect(throws: MoneyOverflow.self) { try MinorUnits.sum(Int64.min, -1, of: name()) }
        #expect(made == 1)
    }

    @Test func theDayCheckAddsMagnitudes() {
        // 4.6e18 and -4.6e18 cancel as a sum, but a day's sums may add either alone to the other: refused.
        #expect(throws: MoneyOverflow(what: "the day")) { try MoneyOverflow.check([4_611_686_018_427_387_904, -4_611_686_018_427_387_904], what: "the day") }
        #expect(throws: Never.self) { try MoneyOverflow.check([4_611_686_018_427_387_903, -4_611_686_018_427_387_904], what: "the day") }
    }

    @Test func mixedCurrenciesAreAnError() {
        #expect(throws: MoneyError.currencyMismatch("USD", "EUR")) {
            try Money(minorUnits: 1, currency: .usd).adding(Money(minorUnits: 1, currency: .eur))
        }
    }

    @Test func formatsPlainAndGrouped() {
        #expect(Money(minorUnits: -5, currency: .usd).description == "-0.05")
        #expect(Money(minorUnits: 123_456_789, currency: .usd).description == "1234567.89")
        #expect(MoneyFormat.grouped(-123_456_789, exponent: 2) == "-1,234,567.89")
        #expect(MoneyFormat.grouped(99, exponent: 2) == "0.99")
    }

    @Test func roundTripsThroughText() throws {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<2000 {
            let units = Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &generator)
            let money = Money(minorUnits: units, currency: .usd)
            #expect(try Money.parse(money.description, currency: .usd) == money, "seed 42, value \(units)")
        }
    }
}

/// A small deterministic generator for seeded property tests (SplitMix64).
