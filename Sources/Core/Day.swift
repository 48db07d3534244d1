/// A civil date: a day in the proleptic Gregorian calendar with no time zone.
///
/// Stored as the number of days since 1970-01-01, so comparison and arithmetic are integer operations.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let daysSinceEpoch: Int32

    public init(daysSinceEpoch: Int32) { self.daysSinceEpoch = daysSinceEpoch }

    /// nil when the fields do not name a real day (month 13, February 30, ...).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year) else {
            return nil
        }
        daysSinceEpoch = Int32(Day.daysFromCivil(year: year, month: month, day: day))
    }

    /// A day from fields the caller knows are valid (a constant, a date computed by the calendar): no check, no
    /// optional. Fields out of range give the day they count to (February 30 is March 2), never a crash.
    public init(civilYear year: Int, month: Int, day: Int) {
        daysSinceEpoch = Int32(clamping: Day.daysFromCivil(year: year, month: min(max(month, 1), 12), day: day))
    }

    public static func < (a: Day, b: Day) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = Int(daysSinceEpoch) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public var year: Int { components.year }
    public var month: Int { components.month }
    public var dayOfMonth: Int { components.day }

    /// ISO weekday: 1 Monday ... 7 Sunday.
    public var isoWeekday: Int {
        let w = (Int(daysSinceEpoch) % 7 + 7 + 3) % 7 // 1970-01-01 was a Thursday (index 3 from Monday=0)
        return w + 1
    }

    public var isWeekend: Bool { isoWeekday >= 6 }

    public func adding(days: Int) -> Day { Day(daysSinceEpoch: daysSinceEpoch + Int32(days)) }

    public func days(since other: Day) -> Int { Int(daysSinceEpoch) - Int(other.daysSinceEpoch) }

    /// `YYYY-MM-DD`.
    public var description: String {
        let c = components
        guard c.year >= 0 && c.year <= 9999 else { return Day.pad(c.year, 4) + "-" + Day.pad(c.month, 2) + "-" + Day.pad(c.day, 2) }
        // Ten ASCII bytes written in place: a small string, no allocation (days are keys and SQL text by the million).
        return String(unsafeUninitializedCapacity: 10) { b in
            let zero = UInt8(ascii: "0")
            b[0] = zero + UInt8(c.year / 1000)
            b[1] = zero + UInt8(c.year / 100 % 10)
            b[2] = zero + UInt8(c.year / 10 % 10)
            b[3] = zero + UInt8(c.year % 10)
            b[4] = UInt8(ascii: "-")
            b[5] = zero + UInt8(c.month / 10)
            b[6] = zero + UInt8(c.month % 10)
            b[7] = UInt8(ascii: "-")
            b[8] = zero + UInt8(c.day / 10)
            b[9] = zero + UInt8(c.day % 10)
            return 10
        }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Parses text in one explicit format. nil when the text is not a real day in that format.
    public static func parse(_ text: some StringProtocol, format: DayFormat) -> Day? {
        parse(bytes: Array(text.utf8)[...], format: format)
    }

    public static func parse(bytes: ArraySlice<UInt8>, format: DayFormat) -> Day? {
        let b = bytes
        let base = bytes.startIndex
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= b.count else { return nil }
            var value = 0
            for i in range {
                let c = b[base + i]
                guard c >= 0x30, c <= 0x39 else { return nil }
                value = value * 10 + Int(c - 0x30)
            }
            return value
        }
        /// Three numbers of one to four digits between two separators, read without allocating.
        func separated(_ separator: UInt8) -> (Int, Int, Int)? {
            var parts = (0, 0, 0)
            var part = 0, value = 0, digits = 0
            for c in b {
                if c == separator {
                    guard digits > 0, part < 2 else { return nil }
                    if part == 0 { parts.0 = value } else { parts.1 = value }
                    part += 1; value = 0; digits = 0
                    continue
                }
                guard c >= 0x30, c <= 0x39, digits < 4 else { return nil }
                value = value * 10 + Int(c - 0x30)
                digits += 1
            }
            guard part == 2, digits > 0 else { return nil }
            parts.2 = value
            return parts
        }
        switch format {
        case .yymmdd:
            guard b.count == 6, let yy = number(0..<2), let m = number(2..<4), let d = number(4..<6) else { return nil }
            return Day(year: 2000 + yy, month: m, day: d)
        case .yyyymmdd:
            guard b.count == 8, let y = number(0..<4), let m = number(4..<6), let d = number(6..<8) else { return nil }
            return Day(year: y, month: m, day: d)
        case .iso:
            guard b.count == 10, b[base + 4] == 0x2D, b[base + 7] == 0x2D, let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
            return Day(year: y, month: m, day: d)
        case .monthDayYear:
            guard let p = separated(UInt8(ascii: "/")), let y = fullYear(p.2) else { return nil }
            return Day(year: y, month: p.0, day: p.1)
        case .dayMonthYear, .dayMonthYearDots, .dayMonthYearDashes:
            let separator = format == .dayMonthYear ? UInt8(ascii: "/") : format == .dayMonthYearDots ? UInt8(ascii: ".") : UInt8(ascii: "-")
            guard let p = separated(separator), let y = fullYear(p.2) else { return nil }
            return Day(year: y, month: p.1, day: p.0)
        case .yearMonthDaySlashes:
            guard let p = separated(UInt8(ascii: "/")), p.0 >= 1000 else { return nil }
            return Day(year: p.0, month: p.1, day: p.2)
        case .dayMonthNameYear:
            // DD, a '-' or ' ', three letters, the same separator, YY or YYYY.
            let parts = b.split(whereSeparator: { $0 == UInt8(ascii: "-") || $0 == 0x20 })
            guard parts.count == 3, parts[1].count == 3, let d = Int(String(decoding: parts[0], as: UTF8.self)),
                  let y = Int(String(decoding: parts[2], as: UTF8.self)).flatMap(fullYear) else { return nil }
            let name = String(decoding: parts[1], as: UTF8.self).lowercased()
            guard let m = Day.monthAbbreviations.firstIndex(of: name) else { return nil }
            return Day(year: y, month: m + 1, day: d)
        }
    }

    static let monthAbbreviations = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Two-digit years are 20YY (bank files of this century).
    private static func fullYear(_ y: Int) -> Int? {
        if y < 100 { return 2000 + y }
        return y >= 1000 ? y : nil
    }
}

/// The text shapes of a day that inputs use. Always chosen explicitly: `03/04/2026` is March or April by declaration, never by guess.
public enum DayFormat: String, Sendable, Codable, CaseIterable {
    /// NACHA and BAI2: `261123`.
    case yymmdd = "YYMMDD"
    case yyyymmdd = "YYYYMMDD"
    /// `2026-11-23`.
    case iso = "YYYY-MM-DD"
    /// US: `11/23/2026` (also `11/23/26`).
    case monthDayYear = "MM/DD/YYYY"
    /// UK and most of Europe: `23/11/2026`.
    case dayMonthYear = "DD/MM/YYYY"
    /// German-speaking countries: `23.11.2026`.
    case dayMonthYearDots = "DD.MM.YYYY"
    /// The Netherlands: `23-11-2026`.
    case dayMonthYearDashes = "DD-MM-YYYY"
    /// `2026/11/23` (some exports, and Japan).
    case yearMonthDaySlashes = "YYYY/MM/DD"
    /// `23-Nov-2026`, `23-Nov-26` or `23 Nov 2026`: English month abbreviations.
    case dayMonthNameYear = "DD-MMM-YYYY"
}
