import Core
import Testing

@Suite struct DayTests {
    @Test func descriptionIsPaddedISOAndRoundTripsOverTheCalendar() throws {
        var day = try #require(Day(year: 1, month: 1, day: 1))
        let last = try #require(Day(year: 9999, month: 12, day: 31))
        var checked = 0
        while day <= last {
            let c = day.components
            func pad(_ v: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
            #expect(day.description == "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))")
            #expect(Day.parse(day.description, format: .iso) == day)
            checked += 1
            day = day.adding(days: 97)
        }
        #expect(checked > 37_000)
        #expect(try #require(Day(year: 2026, month: 11, day: 30)).description == "2026-11-30")
    }

    @Test(arguments: [
        ("261123", DayFormat.yymmdd, "2026-11-23"),
        ("20261123", .yyyymmdd, "2026-11-23"),
        ("2026-11-23", .iso, "2026-11-23"),
        ("11/23/2026", .monthDayYear, "2026-11-23"),
        ("03/04/2026", .monthDayYear, "2026-03-04"),
        ("03/04/2026", .dayMonthYear, "2026-04-03"),
        ("23.11.2026", .dayMonthYearDots, "2026-11-23"),
        ("1/2/26", .monthDayYear, "2026-01-02"),
        ("240229", .yymmdd, "2024-02-29"),
    ])
    func parsesEachFormat(text: String, format: DayFormat, iso: String) {
        #expect(Day.parse(text, format: format)?.description == iso)
    }

    @Test(arguments: [("250229", DayFormat.yymmdd), ("2026-13-01", .iso), ("2026-02-30", .iso), ("13/01/2026", .monthDayYear), ("2026-1-01", .iso), ("", .iso), ("aa0101", .yymmdd)])
    func rejectsDaysThatDoNotExist(text: String, format: DayFormat) {
        #expect(Day.parse(text, format: format) == nil)
    }

    @Test func arithmeticAndWeekdays() {
        let day = Day(year: 2026, month: 11, day: 23)!
        #expect(day.isoWeekday == 1) // Monday
        #expect(Day(year: 1970, month: 1, day: 1)!.isoWeekday == 4)
        #expect(day.adding(days: 40).description == "2027-01-02")
        #expect(day.adding(days: -365).description == "2025-11-23")
        #expect(Day(year: 2027, month: 1, day: 2)!.days(since: day) == 40)
        #expect(Day(year: 2024, month: 3, day: 1)!.adding(days: -1).description == "2024-02-29")
    }

    @Test func civilConversionRoundTrips() {
        for n in stride(from: Int32(-200_000), through: 200_000, by: 37) {
            let day = Day(daysSinceEpoch: n)
            let c = day.components
            #expect(Day(year: c.year, month: c.month, day: c.day) == day)
        }
    }
}

@Suite struct BusinessCalendarTests {
    static func days(_ list: [String]) -> [Day] { list.map { Day.parse($0, format: .iso)! } }

    /// The Federal Reserve's published holiday closures (frbservices.org holiday schedules).
    static let published: [Int: [String]] = [
        2024: ["2024-01-01", "2024-01-15", "2024-02-19", "2024-05-27", "2024-06-19", "2024-07-04", "2024-09-02", "2024-10-14", "2024-11-11", "2024-11-28", "2024-12-25"],
        2025: ["2025-01-01", "2025-01-20", "2025-02-17", "2025-05-26", "2025-06-19", "2025-07-04", "2025-09-01", "2025-10-13", "2025-11-11", "2025-11-27", "2025-12-25"],
        // July 4 is a Saturday: the Federal Reserve is open Friday July 3.
        2026: ["2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"],
        // June 19 and December 25 are Saturdays (no closure); July 4 is a Sunday: closed Monday July 5.
        2027: ["2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-07-05", "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25"],
    ]

    @Test(arguments: [2024, 2025, 2026, 2027])
    func closuresMatchThePublishedList(year: Int) {
        let calendar = BusinessCalendar.federalReserve
        #expect(calendar.closedHolidays(in: year).sorted() == Self.days(Self.published[year]!))
        var day = Day(year: year, month: 1, day: 1)!
        var closedWeekdays: [Day] = []
        while day.year == year {
            if !day.isWeekend && !calendar.isBusinessDay(day) { closedWeekdays.append(day) }
            day = day.adding(days: 1)
        }
        #expect(closedWeekdays == Self.days(Self.published[year]!))
    }

    @Test func saturdayHolidayLeavesFridayOpen() {
        let calendar = BusinessCalendar.federalReserve
        #expect(calendar.isBusinessDay(Day(year: 2026, month: 7, day: 3)!))
        #expect(calendar.isBusinessDay(Day(year: 2027, month: 12, day: 24)!))
        #expect(!calendar.isBusinessDay(Day(year: 2027, month: 7, day: 5)!))
    }

    @Test func businessDayArithmetic() {
        let calendar = BusinessCalendar.federalReserve
        // Wednesday before Thanksgiving 2026 + 1 business day = Friday.
        #expect(calendar.adding(businessDays: 1, to: Day(year: 2026, month: 11, day: 25)!).description == "2026-11-27")
        #expect(calendar.adding(businessDays: -1, to: Day(year: 2026, month: 11, day: 30)!).description == "2026-11-27")
        #expect(calendar.onOrAfter(Day(year: 2026, month: 12, day: 25)!).description == "2026-12-28")
    }
}
