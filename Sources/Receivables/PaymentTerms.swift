import Core

/// Payment terms such as `NET30`, `2/10 NET30` (2% off when paid within 10 days of the invoice, else due in 30),
/// `NET30 EOM` (due 30 days after the end of the invoice's month), `2/10 EOM` and `2/10 PROX` (2% off until the
/// 10th of the next month).
///
/// Days are calendar days; a deadline that falls on a day the Federal Reserve is closed moves to the next
/// business day. For EOM and PROX terms an invoice dated on or after the 25th rolls a month (the trade usage:
/// an invoice of 27 October under `2/10 PROX` may take its discount until 10 December).
public struct PaymentTerms: Hashable, Sendable, CustomStringConvertible {
    /// What the day counts start from.
    public enum Basis: String, Sendable, Hashable {
        /// From the invoice date.
        case invoiceDate
        /// From the end of the invoice's month (`EOM`).
        case endOfMonth
        /// Proximo: the discount runs to the given day of the next month (`PROX`).
        case proximo
    }

    public var netDays: Int
    /// The early-payment discount in basis points (2% = 200); 0 when none.
    public var discountBasisPoints: Int
    public var discountDays: Int
    public var basis: Basis

    public init(netDays: Int, discountBasisPoints: Int = 0, discountDays: Int = 0, basis: Basis = .invoiceDate) {
        self.netDays = netDays
        self.discountBasisPoints = discountBasisPoints
        self.discountDays = discountDays
        self.basis = basis
    }

    public static let net30 = PaymentTerms(netDays: 30)

    /// Accepts `NET30`, `NET 30`, `N30`, `2/10 NET30`, `2/10 N30`, `1.5/15 NET45`, `DUE ON RECEIPT`, `COD`,
    /// `NET30 EOM`, `2/10 EOM`, `2/10 EOM NET30`, `2/10 PROX`, `2/10 PROX NET30`.
    /// Without a net part, `x/y EOM` and `x/y PROX` are due 20 days after the discount day (the usual `NET30` reading).
    public static func parse(_ text: String) -> PaymentTerms? {
        let upper = ByteScanning.trimmed(text).uppercased()
        if upper.isEmpty { return nil }
        if upper == "DUE ON RECEIPT" || upper == "COD" || upper == "NET0" { return PaymentTerms(netDays: 0) }
        var parts = upper.split(separator: " ").map(String.init)
        var terms = PaymentTerms(netDays: 0)
        if let first = parts.first, first.contains("/") {
            let pair = first.split(separator: "/")
            guard pair.count == 2, let days = Int(pair[1]), days >= 0, let bp = basisPoints(String(pair[0])) else { return nil }
            terms.discountBasisPoints = bp
            terms.discountDays = days
            parts.removeFirst()
        }
        for (word, basis) in [("EOM", Basis.endOfMonth), ("PROX", .proximo)] {
            if let i = parts.firstIndex(of: word) {
                guard terms.basis == .invoiceDate else { return nil }
                terms.basis = basis
                parts.remove(at: i)
            }
        }
        let rest = parts.joined()
        if rest.isEmpty {
            // `2/10 EOM`: the discount part and a basis alone.
            guard terms.discountBasisPoints > 0, terms.basis != .invoiceDate else { return nil }
            if terms.basis == .proximo && (terms.discountDays < 1 || terms.discountDays > 31) { return nil }
            terms.netDays = terms.basis == .proximo ? 30 : terms.discountDays + 20
            return terms
        }
        let digits: Substring
        if rest.hasPrefix("NET") { digits = rest.dropFirst(3) } else if rest.hasPrefix("N") { digits = rest.dropFirst(1) } else { return nil }
        guard let net = Int(digits), net >= 0, net <= 3650 else { return nil }
        terms.netDays = net
        if terms.basis == .proximo {
            if terms.discountDays < 1 || terms.discountDays > 31 { return nil }
        } else if terms.discountDays > net {
            return nil
        }
        return terms
    }

    private static func basisPoints(_ text: String) -> Int? {
        guard let units = try? MoneyFormat.parseMinorUnits(Array(text.utf8), exponent: 2, style: .point), units >= 0, units < 10_000 else { return nil }
        return Int(units)
    }

    public var description: String {
        let suffix = basis == .endOfMonth ? " EOM" : basis == .proximo ? " PROX" : ""
        let net = "NET\(netDays)"
        guard discountBasisPoints > 0 else { return net + suffix }
        let percent = discountBasisPoints % 100 == 0 ? String(discountBasisPoints / 100) : MoneyFormat.plain(Int64(discountBasisPoints), exponent: 2)
        return "\(percent)/\(discountDays)\(suffix) \(net)"
    }

    /// The discount on an amount, rounded half away from zero to the minor unit.
    public func discount(on amount: Money) -> Money {
        let product = amount.minorUnits.multipliedReportingOverflow(by: Int64(discountBasisPoints))
        guard !product.overflow else { return .zero(amount.currency) }
        let rounded = (product.partialValue + (product.partialValue >= 0 ? 5_000 : -5_000)) / 10_000
        return Money(minorUnits: rounded, currency: amount.currency)
    }

    /// The last day of the month the day counts start from: the invoice's own month, or the next one for an
    /// invoice dated on or after the 25th.
    private func monthEnd(after issueDay: Day) -> Day {
        var (year, month, day) = issueDay.components
        if day >= 25 {
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return Day(year: year, month: month, day: Day.daysIn(month: month, year: year)) ?? issueDay
    }

    /// The last day the discount may be taken for an invoice issued on `issueDay`, moved to the next business
    /// day when it falls on a weekend or holiday; nil without a discount.
    public func discountDeadline(issuedOn issueDay: Day, calendar: BusinessCalendar = .federalReserve) -> Day? {
        guard discountBasisPoints > 0 else { return nil }
        let raw: Day
        switch basis {
        case .invoiceDate:
            raw = issueDay.adding(days: discountDays)
        case .endOfMonth:
            raw = monthEnd(after: issueDay).adding(days: discountDays)
        case .proximo:
            // The y-th of the month after the (rolled) invoice month, or that month's last day.
            let end = monthEnd(after: issueDay).adding(days: 1)
            let (year, month, _) = end.components
            raw = Day(year: year, month: month, day: min(discountDays, Day.daysIn(month: month, year: year))) ?? end
        }
        return calendar.onOrAfter(raw)
    }

    /// The day the invoice falls due (net), moved to the next business day like the discount deadline.
    public func dueDay(issuedOn issueDay: Day, calendar: BusinessCalendar = .federalReserve) -> Day {
        switch basis {
        case .invoiceDate: return calendar.onOrAfter(issueDay.adding(days: netDays))
        case .endOfMonth, .proximo: return calendar.onOrAfter(monthEnd(after: issueDay).adding(days: netDays))
        }
    }
}
