import Core
import Statements

/// How many statement lines a file held, and their credits and debits (positive), in minor units.
public struct StatementTotals: Sendable, Equatable {
    public var count = 0
    public var credits: Int64 = 0
    public var debits: Int64 = 0
    public var exponent = 2
    /// The file's amounts add up past 64 bits (its reader reports that as an error): no total is printed.
    public var overflowed = false

    public init() {}

    public mutating func add(_ line: StatementLine) {
        if count == 0 { exponent = line.amount.currency.exponent }
        count += 1
        let (sum, overflow) = line.isCredit ? credits.addingReportingOverflow(line.amount.minorUnits) : debits.subtractingReportingOverflow(line.amount.minorUnits)
        if overflow { overflowed = true } else if line.isCredit { credits = sum } else { debits = sum }
    }

    func formatted(_ minorUnits: Int64) -> String { overflowed ? "(past 64 bits)" : MoneyFormat.plain(minorUnits, exponent: exponent) }
}
