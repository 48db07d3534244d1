import Core
import Matching
import Receivables

/// One row of `aging.csv`: a customer's receivables in one currency at the end of the day, bucketed by days past
/// due, beside the credit the customer was given.
public struct AgingRow: Sendable, Hashable {
    public var customerID: String
    public var name: String
    public var currency: Currency
    /// Not yet due, 1-30, 31-60, 61-90 and over 90 days past due.
    public var buckets: [Int64]
    public var openTotal: Int64
    public var unapplied: Int64
    public var creditLimit: Int64?
    /// Average days from issue to payment over the last 365 days, in tenths of a day (weighted by amount).
    public var averageDaysToPayTenths: Int64?
    public var returns90Days: Int
    /// Open credit memos (negative): what the customer may still deduct.
    public var openCredits: Int64 = 0

    /// Open receivables and open credits less the customer's unapplied cash (a returned payment reopens its invoice:
    /// it counts once).
    public var exposure: Int64 {
        get throws(MoneyOverflow) {
            let what = { "the exposure of customer \(customerID) in \(currency)" }
            return try MinorUnits.difference(try MinorUnits.sum(openTotal, openCredits, of: what()), unapplied, of: what())
        }
    }
    public var availableCredit: Int64? {
        get throws(MoneyOverflow) {
            guard let creditLimit else { return nil }
            return try MinorUnits.difference(creditLimit, try exposure, of: "the credit available to customer \(customerID) in \(currency)")
        }
    }
    public var overLimit: Bool { get throws(MoneyOverflow) { try (availableCredit ?? 0) < 0 } }

    public init(customerID: String, name: String, currency: Currency, buckets: [Int64], openTotal: Int64, unapplied: Int64, creditLimit: Int64?,
                averageDaysToPayTenths: Int64?, returns90Days: Int) {
        self.customerID = customerID
        self.name = name
        self.currency = currency
        self.buckets = buckets
        self.openTotal = openTotal
        self.unapplied = unapplied
        self.creditLimit = creditLimit
        self.averageDaysToPayTenths = averageDaysToPayTenths
        self.returns90Days = returns90Days
    }

    /// The bucket of an item `daysPastDue` days past due (0 or less: not yet due).
    public static func bucket(daysPastDue: Int) -> Int {
        switch daysPastDue {
        case ...0: return 0
        case 1...30: return 1
        case 31...60: return 2
        case 61...90: return 3
        default: return 4
        }
    }
}

extension AgingRow {
    /// Aging and credit exposure per customer and currency at the end of `day`: open items by days past due, the
    /// customer's unapplied cash (`unappliedByCustomer`: the ledger's 2100 balance per customer and currency, a credit),
    /// its credit limit, how it paid over 365 days and its returns over 90.
    public static func rows(_ openItems: [OpenItemRow], on day: Day, unappliedByCustomer: [String: [String: Int64]], names: [String: String],
                            limits: [String: Money], history: PaymentHistory) throws -> [AgingRow] {
        struct Key: Hashable { var customer: String; var currency: Currency }
        var buckets: [Key: [Int64]] = [:]
        // Open credit memos are the customer's credits, not receivables by age.
        var credits: [Key: Int64] = [:]
        for item in openItems where item.openAmount.minorUnits != 0 {
            let key = Key(customer: item.customerID, currency: item.openAmount.currency)
            var b = buckets[key] ?? [0, 0, 0, 0, 0]
            if item.amount.minorUnits < 0 {
                try MinorUnits.add(item.openAmount.minorUnits, to: &credits[key, default: 0], of: "the open credits of customer \(item.customerID) in \(key.currency)")
            } else {
                try MinorUnits.add(item.openAmount.minorUnits, to: &b[AgingRow.bucket(daysPastDue: day.days(since: item.dueDay))], of: "the receivables of customer \(item.customerID) in \(key.currency)")
            }
            buckets[key] = b
        }
        // Unapplied cash is a credit (negative) on 2100: shown as a positive amount held for the customer.
        var unapplied: [Key: Int64] = [:]
        for (customer, byCurrency) in unappliedByCustomer {
            for (code, amount) in byCurrency {
                guard let currency = Currency.iso(code) else { continue }
                unapplied[Key(customer: customer, currency: currency)] = try MinorUnits.difference(0, amount, of: "the unapplied cash of customer \(customer) in \(code)")
                if buckets[Key(customer: customer, currency: currency)] == nil { buckets[Key(customer: customer, currency: currency)] = [0, 0, 0, 0, 0] }
            }
        }
        let paid = history.paid
        let returned = history.returned.mapValues(\.count)
        return try buckets.map { key, b throws -> AgingRow in
            let limit = limits[key.customer].flatMap { $0.currency == key.currency ? $0.minorUnits : nil }
            let average = paid[key.customer].flatMap { p -> Int64? in p.applied > 0 ? Int64(exactly: (Int128(p.weightedDays) * 10 + Int128(p.applied / 2)) / Int128(p.applied)) : nil }
            var row = AgingRow(customerID: key.customer, name: names[key.customer] ?? "", currency: key.currency, buckets: b, openTotal: try MinorUnits.total(b, of: "the receivables of customer \(key.customer) in \(key.currency)"),
                               unapplied: unapplied[key] ?? 0, creditLimit: limit, averageDaysToPayTenths: average, returns90Days: returned[key.customer] ?? 0)
            row.openCredits = credits[key] ?? 0
            return row
        }.filter { $0.openTotal != 0 || $0.unapplied != 0 || $0.openCredits != 0 }.sorted { ($0.customerID, $0.currency.code) < ($1.customerID, $1.currency.code) }
    }
}

/// How customers paid and returned: the days before this one read from the ledger (at the start of the day, beside
/// the other stages), this day's from its decisions and returns (the day's applications are all this run's).
public struct PaymentHistory: Sendable {
    /// Per customer: cash applied to invoices, and that cash times the days from issue to application.
    public var paid: [String: (applied: Int64, weightedDays: Int64)] = [:]
    /// Per customer: the source keys of returned payments.
    public var returned: [String: Set<String>] = [:]

    /// Adds the day's application rows, as `LedgerReading.payments` and `returnKeys` would read them once stored.
    public mutating func add(_ rows: [ApplicationRow], day: Day, issueDays: [String: Day]) throws {
        for a in rows {
            guard let customer = a.customerID else { continue }
            if a.rule == "return" {
                returned[customer, default: []].insert(a.sourceKey)
            } else if let invoice = a.invoiceID {
                try addPaid(customer: customer, invoice: invoice, applied: a.applied.minorUnits, day: day, issueDays: issueDays)
            }
        }
    }

    /// Cash applied to an invoice: what it adds to its customer's days to pay.
    public mutating func addPaid(customer: String, invoice: String, applied: Int64, day: Day, issueDays: [String: Day]) throws {
        guard applied > 0, let issued = issueDays[invoice] else { return }
        let before = paid[customer] ?? (0, 0)
        let what = "the payments of customer \(customer) over 365 days"
        let (weighted, overflow) = applied.multipliedReportingOverflow(by: Int64(day.days(since: issued)))
        if overflow { throw MoneyOverflow(what: what) }
        paid[customer] = (try MinorUnits.sum(before.applied, applied, of: what), try MinorUnits.sum(before.weightedDays, weighted, of: what))
    }

    public init() {}

    /// The history with the day's applications (as their ledger rows would read) added: its decisions', and its other
    /// application rows (`rows`: returns, and cash applied otherwise, such as reviewers' decisions booked that day).
    public static func adding(_ decisions: [Decision], rows: [ApplicationRow], on day: Day, among invoices: [Invoice], to history: PaymentHistory) throws -> PaymentHistory {
        var wanted = Set<String>()
        for d in decisions { for a in d.applications { wanted.insert(a.invoiceID) } }
        for a in rows { if let invoice = a.invoiceID { wanted.insert(invoice) } }
        let issued = issueDays(of: wanted, among: invoices)
        var history = history
        for d in decisions {
            for a in d.applications { try history.addPaid(customer: a.customerID, invoice: a.invoiceID, applied: a.applied.minorUnits, day: day, issueDays: issued) }
        }
        try history.add(rows, day: day, issueDays: issued)
        return history
    }

    /// The issue days of the invoices wanted.
    static func issueDays(of wanted: Set<String>, among invoices: [Invoice]) -> [String: Day] {
        var out: [String: Day] = [:]
        out.reserveCapacity(wanted.count)
        for invoice in invoices where wanted.contains(invoice.id) { out[invoice.id] = invoice.issueDay }
        return out
    }
}
