/// An amount of money: an exact count of minor units (cents for USD) in one currency.
///
/// Never a binary floating point value. Arithmetic reports overflow and mixed currencies as errors.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    public var isZero: Bool { minorUnits == 0 }
    public var isNegative: Bool { minorUnits < 0 }

    public func adding(_ other: Money) throws(MoneyError) -> Money {
        guard other.currency == currency else { throw .currencyMismatch(currency.code, other.currency.code) }
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        guard !overflow else { throw .overflow }
        return Money(minorUnits: sum, currency: currency)
    }

    public func subtracting(_ other: Money) throws(MoneyError) -> Money {
        guard other.currency == currency else { throw .currencyMismatch(currency.code, other.currency.code) }
        let (difference, overflow) = minorUnits.subtractingReportingOverflow(other.minorUnits)
        guard !overflow else { throw .overflow }
        return Money(minorUnits: difference, currency: currency)
    }

    public func negated() throws(MoneyError) -> Money {
        guard minorUnits != Int64.min else { throw .overflow }
        return Money(minorUnits: -minorUnits, currency: currency)
    }

    /// Plain decimal text with `.` and the currency's exponent: `-1234.50`. The form of every CSV we write.
    public var description: String { MoneyFormat.plain(minorUnits, exponent: currency.exponent) }

    /// Parses decimal text exactly, in the given style. See `DecimalStyle` for the accepted shapes.
    /// Parses decimal text given as bytes (a CSV field), without making a String.
    public static func parse(bytes: ArraySlice<UInt8>, currency: Currency, style: DecimalStyle = .point) throws(MoneyError) -> Money {
        Money(minorUnits: try MoneyFormat.parseMinorUnits(bytes, exponent: currency.exponent, style: style), currency: currency)
    }

    public static func parse(_ text: some StringProtocol, currency: Currency, style: DecimalStyle = .point) throws(MoneyError) -> Money {
        let units = try MoneyFormat.parseMinorUnits(Array(text.utf8), exponent: currency.exponent, style: style)
        return Money(minorUnits: units, currency: currency)
    }
}

public enum MoneyError: Error, Equatable, Sendable, CustomStringConvertible {
    case overflow
    case currencyMismatch(String, String)
    case invalid(String, reason: String)

    public var description: String {
        switch self {
        case .overflow: return "amount is too large (more than 2^63 minor units)"
        case let .currencyMismatch(a, b): return "cannot combine \(a) with \(b)"
        case let .invalid(text, reason): return "'\(text)' is not an amount: \(reason)"
        }
    }
}

/// Which mark separates the decimals and which groups thousands.
public enum DecimalStyle: String, Sendable, Codable, CaseIterable {
    /// `1,234.56` (US, UK): `.` decimals, `,` or `'` or space groups.
    case point
    /// `1.234,56` (most of Europe): `,` decimals, `.` or `'` or space groups.
    case comma

    var decimalMark: UInt8 { self == .point ? UInt8(ascii: ".") : UInt8(ascii: ",") }
    var groupMark: UInt8 { self == .point ? UInt8(ascii: ",") : UInt8(ascii: ".") }
}

public enum MoneyFormat {
    public static func plain(_ minorUnits: Int64, exponent: Int) -> String {
        let negative = minorUnits < 0
        let magnitude = minorUnits.magnitude
        var digits = String(magnitude)
        if exponent > 0 {
            if digits.count <= exponent { digits = String(repeating: "0", count: exponent - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -exponent))
        }
        return negative ? "-" + digits : digits
    }

    /// `1,234.56` style for people (reports).
    public static func grouped(_ minorUnits: Int64, exponent: Int) -> String {
        var plainText = plain(minorUnits, exponent: exponent)
        if plainText.hasPrefix("-") { plainText.removeFirst() }
        let parts = plainText.split(separator: ".", omittingEmptySubsequences: false)
        var whole = Array(parts[0])
        var out: [Character] = []
        while whole.count > 3 {
            out.insert(contentsOf: [","] + whole.suffix(3), at: 0)
            whole.removeLast(3)
        }
        out.insert(contentsOf: whole, at: 0)
        var result = String(out)
        if parts.count > 1 { result += "." + parts[1] }
        return minorUnits < 0 ? "-" + result : result
    }

    /// Accepts, around the digits: surrounding spaces, a leading `+` or `-`, a trailing `-`, a trailing `CR`
    /// or `DR` (`CR` and `DR` as in bank statements: `CR` is a credit, `DR` a debit, negative), parentheses, a
    /// leading currency symbol (`$`, `€`, `£`) or ISO code. Group marks are accepted only between digit groups of three.
    /// More decimals than the exponent are accepted only when the extra digits are zero: never rounded.
    public static func parseMinorUnits(_ bytes: [UInt8], exponent: Int, style: DecimalStyle) throws(MoneyError) -> Int64 {
        try parseMinorUnits(bytes[...], exponent: exponent, style: style)
    }

    public static func parseMinorUnits(_ bytes: ArraySlice<UInt8>, exponent: Int, style: DecimalStyle) throws(MoneyError) -> Int64 {
        func fail(_ reason: String) -> MoneyError { .invalid(String(decoding: bytes, as: UTF8.self), reason: reason) }
        var start = bytes.startIndex
        var end = bytes.endIndex
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0xA0 }
        func trim() {
            while start < end, isSpace(bytes[start]) { start += 1 }
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        }
        trim()
        guard start < end else { throw fail("empty") }
        var negative = false
        var signSeen = false
        if bytes[start] == UInt8(ascii: "("), bytes[end - 1] == UInt8(ascii: ")") {
            negative = true; signSeen = true
            start += 1; end -= 1; trim()
        }
        // Trailing CR / DR / -.
        if end - start >= 2 {
            let a = bytes[end - 2] | 0x20, b = bytes[end - 1] | 0x20
            if (a == UInt8(ascii: "c") || a == UInt8(ascii: "d")) && b == UInt8(ascii: "r") {
                guard !signSeen else { throw fail("two signs") }
                if a == UInt8(ascii: "d") { negative = true }
                signSeen = true
                end -= 2; trim()
            }
        }
        if end > start, bytes[end - 1] == UInt8(ascii: "-") {
            guard !signSeen else { throw fail("two signs") }
            negative = true; signSeen = true
            end -= 1; trim()
        }
        if end > start, bytes[start] == UInt8(ascii: "-") || bytes[start] == UInt8(ascii: "+") {
            guard !signSeen else { throw fail("two signs") }
            negative = bytes[start] == UInt8(ascii: "-"); signSeen = true
            start += 1; trim()
        }
        // Currency symbol or code before the digits (`$`, UTF-8 `€` `£`, `USD `).
        if end > start, bytes[start] == UInt8(ascii: "$") { start += 1 }
        else if end - start >= 3, bytes[start] == 0xE2, bytes[start + 1] == 0x82, bytes[start + 2] == 0xAC { start += 3 }
        else if end - start >= 2, bytes[start] == 0xC2, bytes[start + 1] == 0xA3 { start += 2 }
        else if end - start >= 4, (0..<3).allSatisfy({ (bytes[start + $0] | 0x20) >= 0x61 && (bytes[start + $0] | 0x20) <= 0x7A }), isSpace(bytes[start + 3]) { start += 4 }
        trim()
        if end > start, bytes[start] == UInt8(ascii: "-"), !signSeen { negative = true; start += 1; trim() } // $-12.00
        guard start < end else { throw fail("no digits") }

        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var inFraction = false
        var digitsInGroup = 0
        var sawGroupMark = false
        var sawDigit = false
        var index = start
        while index < end {
            let b = bytes[index]
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                let digit = Int64(b &- UInt8(ascii: "0"))
                sawDigit = true
                if inFraction {
                    if fractionDigits < exponent {
                        fraction = fraction * 10 + digit
                        fractionDigits += 1
                    } else if digit != 0 {
                        throw fail("more than \(exponent) decimals")
                    }
                } else {
                    let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                    let (s, o2) = m.addingReportingOverflow(digit)
                    guard !o1, !o2 else { throw .overflow }
                    whole = s
                    digitsInGroup += 1
                }
            } else if b == style.decimalMark {
                guard !inFraction else { throw fail("two decimal marks") }
                if sawGroupMark, digitsInGroup != 3 { throw fail("misplaced thousands mark") }
                inFraction = true
            } else if !inFraction && (b == style.groupMark || b == UInt8(ascii: "'") || b == 0x20) {
                guard sawDigit else { throw fail("thousands mark before any digit") }
                if sawGroupMark, digitsInGroup != 3 { throw fail("misplaced thousands mark") }
                if !sawGroupMark, digitsInGroup > 3 { throw fail("misplaced thousands mark") }
                sawGroupMark = true
                digitsInGroup = 0
            } else {
                throw fail("unexpected character")
            }
            index += 1
        }
        guard sawDigit else { throw fail("no digits") }
        if !inFraction, sawGroupMark, digitsInGroup != 3 { throw fail("misplaced thousands mark") }
        var scale: Int64 = 1
        for _ in 0..<exponent {
            let (p, o) = scale.multipliedReportingOverflow(by: 10)
            guard !o else { throw .overflow }
            scale = p
        }
        while fractionDigits < exponent { fraction *= 10; fractionDigits += 1 }
        let (scaled, o1) = whole.multipliedReportingOverflow(by: scale)
        let (total, o2) = scaled.addingReportingOverflow(fraction)
        guard !o1, !o2 else { throw .overflow }
        return negative ? -total : total
    }
}

/// Money that would not fit in 64-bit minor units: the one overflow policy of settle. Every sum of minor units is
/// checked (`MinorUnits`), and one that overflows is this error naming what was being added, never a wrapped or
/// trapped value; a day that meets one fails (exit 3) with this message and writes nothing.
public struct MoneyOverflow: Error, Sendable, Equatable, CustomStringConvertible {
    public let what: String

    public init(what: String) { self.what = what }

    public var description: String {
        "the amounts of \(what) add up to more than 64-bit minor units hold (9,223,372,036,854,775,807): refused rather than computed wrong"
    }

    /// Throws when the magnitudes of `amounts` add up past `Int64.max`: every sum of some of them then fits.
    public static func check(_ amounts: some Sequence<Int64>, what: String) throws(MoneyOverflow) {
        var total: UInt64 = 0
        for a in amounts {
            let (sum, overflow) = total.addingReportingOverflow(a.magnitude)
            if overflow || sum > UInt64(Int64.max) { throw MoneyOverflow(what: what) }
            total = sum
        }
    }
}

/// Checked arithmetic on minor units, for running totals and sums kept as `Int64` (a report's columns, a batch's
/// totals, an invoice's open amount). `what` names the sum in the error, and is made only when one overflows. Cheap
/// enough for hot loops: one add and one branch.
public enum MinorUnits {
    /// `a + b`.
    @inlinable @inline(__always)
    public static func sum(_ a: Int64, _ b: Int64, of what: @autoclosure () -> String) throws(MoneyOverflow) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if overflow { throw MoneyOverflow(what: what()) }
        return sum
    }

    /// `a - b`.
    @inlinable @inline(__always)
    public static func difference(_ a: Int64, _ b: Int64, of what: @autoclosure () -> String) throws(MoneyOverflow) -> Int64 {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        if overflow { throw MoneyOverflow(what: what()) }
        return difference
    }

    /// `total += amount`; on overflow `total` is left as it was.
    @inlinable @inline(__always)
    public static func add(_ amount: Int64, to total: inout Int64, of what: @autoclosure () -> String) throws(MoneyOverflow) {
        let (sum, overflow) = total.addingReportingOverflow(amount)
        if overflow { throw MoneyOverflow(what: what()) }
        total = sum
    }

    /// The sum of `amounts` (0 for none).
    @inlinable
    public static func total(_ amounts: some Sequence<Int64>, of what: @autoclosure () -> String) throws(MoneyOverflow) -> Int64 {
        var total: Int64 = 0
        for amount in amounts {
            let (sum, overflow) = total.addingReportingOverflow(amount)
            if overflow { throw MoneyOverflow(what: what()) }
            total = sum
        }
        return total
    }
}
