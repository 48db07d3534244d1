import Accounting
import Core
import Matching
import Receivables
import Statements

/// What the Accounting tests share: money in US cents, days, postings written as the books show them, and the typed
/// facts the rules take (receipts, invoices), built directly — no SQLite, no files, no run.
enum Books {
    static let usd = Currency.usd
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: usd) }
    static func d(_ s: String) -> Day {
        guard let day = Day.parse(s, format: .iso) else { preconditionFailure("not a day: \(s)") }
        return day
    }

    /// A posting: `cents` debit positive, credit negative.
    static func p(_ account: String, _ cents: Int64, customer: String? = nil, invoice: String? = nil) -> Posting {
        Posting(account: account, customerID: customer, invoiceID: invoice, amount: m(cents))
    }

    static let ar = ChartOfAccounts.accountsReceivable
    static let unapplied = ChartOfAccounts.unappliedCash
    static let suspense = ChartOfAccounts.suspense
    static let discounts = ChartOfAccounts.discountsAllowed
    static let differences = ChartOfAccounts.paymentDifferences
    static let fees = ChartOfAccounts.bankFees
    static let opening = ChartOfAccounts.openingBalances
    static let inTransit = ChartOfAccounts.achClearing
    static let refunds = ChartOfAccounts.refundsPayable
    static let erp = ChartOfAccounts.erpAdjustments

    /// The bank account the day's cash arrives in, and the cash account the manifest gives it.
    static let bankAccount = "4471002233"
    static let cash = "1010"

    /// A book where the statement named `bankAccount` today and the manifest lists it under `cash`.
    static func book() -> BankAccountBook {
        let listed = BankAccountEntry(bank: "", account: bankAccount, currency: usd, code: cash, name: "Operating", aliases: [], statements: .daily, closedOn: nil)
        var book = BankAccountBook(listed: [listed], registered: [], booksCurrency: usd)
        book.register(account: bankAccount, bank: "", currency: usd, day: d("2026-11-02"))
        return book
    }

    /// A statement credit (a wire, a lockbox deposit) as a receipt.
    static func statementReceipt(_ cents: Int64, key: String = "stmt:4471002233:WIRE-1", valueDay: String = "2026-11-02", bookingDay: String? = nil) -> Receipt {
        Receipt(id: "R-\(key)", source: .bai2, sourceRef: "WIRE-1", sourceKey: key, valueDay: d(valueDay), bookingDay: bookingDay.map(d), amount: m(cents),
                bankAccount: bankAccount, payerName: "Acme Tools, Inc.", location: SourceLocation(file: "day.bai", line: 7))
    }

    /// A received ACH credit as a receipt, under its own entry key.
    static func achReceipt(_ cents: Int64, trace: String = "091000010000001", effective: String = "2026-11-02") -> Receipt {
        let key = ACHEntryKey(role: .received, companyID: "1234567890", effectiveDay: d(effective), trace: trace)
        return Receipt(id: "R0123456789abcdef", source: .nacha, sourceRef: trace, key: .ach(key), valueDay: d(effective), amount: m(cents),
                       bankAccount: bankAccount, payerName: "ACME TOOLS", payerCompanyID: "1234567890", location: SourceLocation(file: "day.ach", line: 3))
    }

    static func decision(_ receipt: Receipt, customer: String?, _ applications: [Application], unapplied cents: Int64 = 0, rule: MatchRule = .remittance) -> Decision {
        Decision(receipt: receipt, customerID: customer, applications: applications, unapplied: m(cents), rule: rule, confidence: 100, evidence: Evidence())
    }

    static func application(_ invoice: String, customer: String = "C1", applied: Int64, discount: Int64 = 0, writeOff: Int64 = 0) -> Application {
        Application(invoiceID: invoice, customerID: customer, applied: m(applied), discount: m(discount), writeOff: m(writeOff))
    }

    static func invoice(_ id: String, _ customer: String = "C1", amount: Int64, open: Int64? = nil, issued: String = "2026-10-01", due: String = "2026-10-31") -> Invoice {
        Invoice(id: id, customerID: customer, issueDay: d(issued), dueDay: d(due), amount: m(amount), openAmount: m(open ?? amount))
    }
}
