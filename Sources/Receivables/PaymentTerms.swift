import Core

/// Payment terms such as `NET30` or `2/10 NET30` (2% off when paid within 10 days of the invoice, else due in 30).
public struct PaymentTerms: Hashable, Sendable, CustomStringConvertible {
    public var netDays: Int
    /// The early-payment discount in basis points (2% = 200); 0 when none.
    public var discountBasisPoints: Int
    public var discountDays: Int

    public init(netDays: Int, discountBasisPoints: Int = 0, discountDays: Int = 0) {
        self.netDays = netDays
        self.discountBasisPoints = discountBasisPoints
        self.discountDays = discountDays
    }

    public static let net30 = PaymentTerms(netDays: 30)

    /// Accepts `NET30`, `NET 30`, `N30`, `2/10 NET30`, `2/10 N30`, `1.5/15 NET45`, `DUE ON RECEIPT`, `COD`.
    public static func parse(_ text: String) -> PaymentTerms? {
        let upper = ByteScanning.trimmed(text).uppercased()
        if upper.isEmpty { return nil }
        if upper == "DUE ON RECEIPT" || upper == "COD" || upper == "NET0" { return PaymentTerms(netDays: 0) }
        var parts = upper.split(separator: " ").map(String.init)
        var terms = PaymentTerms(netDays: 0)
        if let first = parts.first, first.contains("/") {
            let pair = first.split(separator: "/")
            guard pair.count == 2, let days = Int(pair[1]), let bp = basisPoints(String(pair[0])) else { return nil }
            terms.discountBasisPoints = bp
            terms.discountDays = days
            parts.removeFirst()
        }
        let rest = parts.joined()
        let digits: Substring
        if rest.hasPrefix("NET") { digits = rest.dropFirst(3) } else if rest.hasPrefix("N") { digits = rest.dropFirst(1) } else { return nil }
        guard let net = Int(digits), net >= 0, net <= 3650 else { return nil }
        terms.netDays = net
        if terms.discountDays > net { return nil }
        return terms
    }

    private static func basisPoints(_ text: String) -> Int? {
        guard let units = try? MoneyFormat.parseMinorUnits(Array(text.utf8), exponent: 2, style: .point), units >= 0, units < 10_000 else { return nil }
        return Int(units)
    }

    public var description: String {
        let net = "NET\(netDays)"
        guard discountBasisPoints > 0 else { return net }
        let percent = discountBasisPoints % 100 == 0 ? String(discountBasisPoints / 100) : MoneyFormat.plain(Int64(discountBasisPoints), exponent: 2)
        return "\(percent)/\(discountDays) \(net)"
    }

    /// The discount on an amount, rounded half away from zero to the minor unit.
    public func discount(on amount: Money) -> Money {
        let product = amount.minorUnits.multipliedReportingOverflow(by: Int64(discountBasisPoints))
        guard !product.overflow else { return .zero(amount.currency) }
        let rounded = (product.partialValue + (product.partialValue >= 0 ? 5_000 : -5_000)) / 10_000
        return Money(minorUnits: rounded, currency: amount.currency)
    }

    /// The last day the discount may be taken for an invoice issued on `issueDay`.
    public func discountDeadline(issuedOn issueDay: Day) -> Day? {
        discountBasisPoints > 0 ? issueDay.adding(days: discountDays) : nil
    }
}
