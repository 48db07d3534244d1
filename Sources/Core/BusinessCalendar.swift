/// The days on which the Federal Reserve settles ACH: weekdays that are not one of its eleven holidays.
///
/// A holiday that falls on a Sunday closes the Monday after; one that falls on a Saturday closes nothing
/// (the Federal Reserve Banks are open the Friday before, unlike the federal-employee rule).
public struct BusinessCalendar: Sendable {
    public static let federalReserve = BusinessCalendar()

    public init() {}

    public enum Holiday: String, Sendable, CaseIterable {
        case newYearsDay = "New Year's Day"
        case martinLutherKingJr = "Birthday of Martin Luther King, Jr."
        case washingtonsBirthday = "Washington's Birthday"
        case memorialDay = "Memorial Day"
        case juneteenth = "Juneteenth National Independence Day"
        case independenceDay = "Independence Day"
        case laborDay = "Labor Day"
        case columbusDay = "Columbus Day"
        case veteransDay = "Veterans Day"
        case thanksgivingDay = "Thanksgiving Day"
        case christmasDay = "Christmas Day"
    }

    /// The holidays of a year on their calendar dates (before the Sunday rule).
    public func holidays(in year: Int) -> [(holiday: Holiday, day: Day)] {
        func fixed(_ month: Int, _ day: Int) -> Day { Day(civilYear: year, month: month, day: day) }
        func nth(_ n: Int, weekday: Int, month: Int) -> Day {
            let first = fixed(month, 1)
            let offset = (weekday - first.isoWeekday + 7) % 7
            return first.adding(days: offset + 7 * (n - 1))
        }
        func last(weekday: Int, month: Int) -> Day {
            let lastDay = fixed(month, Day.daysIn(month: month, year: year))
            return lastDay.adding(days: -((lastDay.isoWeekday - weekday + 7) % 7))
        }
        var list: [(Holiday, Day)] = [
            (.newYearsDay, fixed(1, 1)),
            (.martinLutherKingJr, nth(3, weekday: 1, month: 1)),
            (.washingtonsBirthday, nth(3, weekday: 1, month: 2)),
            (.memorialDay, last(weekday: 1, month: 5)),
        ]
        if year >= 2022 { list.append((.juneteenth, fixed(6, 19))) }
        list += [
            (.independenceDay, fixed(7, 4)),
            (.laborDay, nth(1, weekday: 1, month: 9)),
            (.columbusDay, nth(2, weekday: 1, month: 10)),
            (.veteransDay, fixed(11, 11)),
            (.thanksgivingDay, nth(4, weekday: 4, month: 11)),
            (.christmasDay, fixed(12, 25)),
        ]
        return list
    }

    /// The days the Federal Reserve is closed for a holiday in a year (Sunday holidays moved to Monday).
    public func closedHolidays(in year: Int) -> [Day] {
        holidays(in: year).compactMap { entry in
            switch entry.day.isoWeekday {
            case 7: return entry.day.adding(days: 1)
            case 6: return nil
            default: return entry.day
            }
        }
    }

    public func isHoliday(_ day: Day) -> Bool {
        let offset = Int(day.daysSinceEpoch) - BusinessCalendar.tableFirstDay
        if offset >= 0 && offset < BusinessCalendar.closedTable.count { return BusinessCalendar.closedTable[offset] }
        return closedHolidays(in: day.year).contains(day)
    }

    /// Closed holidays of 1970-2199 as a flag per day: matching asks for business days once per invoice and receipt.
    private static let tableFirstDay = 0
    private static let closedTable: [Bool] = {
        let calendar = BusinessCalendar()
        let last = Int(Day(civilYear: 2199, month: 12, day: 31).daysSinceEpoch)
        var table = [Bool](repeating: false, count: last + 1)
        for year in 1970...2199 {
            for day in calendar.closedHolidays(in: year) where Int(day.daysSinceEpoch) >= 0 && Int(day.daysSinceEpoch) <= last {
                table[Int(day.daysSinceEpoch)] = true
            }
        }
        return table
    }()

    public func isBusinessDay(_ day: Day) -> Bool {
        !day.isWeekend && !isHoliday(day)
    }

    /// The day itself if it is a business day, else the next one.
    public func onOrAfter(_ day: Day) -> Day {
        var d = day
        while !isBusinessDay(d) { d = d.adding(days: 1) }
        return d
    }

    /// `count` business days after `day` (negative: before).
    public func adding(businessDays count: Int, to day: Day) -> Day {
        var d = day
        var remaining = abs(count)
        let step = count >= 0 ? 1 : -1
        while remaining > 0 {
            d = d.adding(days: step)
            if isBusinessDay(d) { remaining -= 1 }
        }
        return d
    }
}
