/// One line of remittance advice: which invoice a payment is for, and how much of it.
/// Produced by format modules (X12 820 `RMR`, camt `RfrdDocInf`), consumed by cash application.
public struct RemittanceItem: Hashable, Sendable {
    /// A reason the payer paid less (or more) than the invoice: X12 `ADX` or camt `AdjstmntAmtAndRsn`.
    public struct Adjustment: Hashable, Sendable {
        public var amount: Money
        public var reasonCode: String
        public init(amount: Money, reasonCode: String) {
            self.amount = amount
            self.reasonCode = reasonCode
        }
    }

    /// The invoice (or other document) number as the payer wrote it.
    public var reference: String
    /// What the reference names: `IV` invoice, `PO` purchase order, `CM` (or `CR`) credit memo (X12 RMR01 qualifier; camt
    /// document types are read as these).
    /// A credit memo's `amountPaid` is the credit taken, whatever its sign (X12 `RMR04` negative, camt `RmtdAmt` unsigned).
    public var referenceQualifier: String
    /// What the payer paid on the document; nil when the payer did not say (then the payment is for what is open),
    /// or when what it wrote could not be read (`unreadable` has `.amountPaid`: nothing is known of the amount).
    public var amountPaid: Money?
    public var invoiceTotal: Money?
    public var discount: Money?
    public var adjustments: [Adjustment]
    /// Amounts the payer wrote on this line that could not be read (the source's diagnostics say which and why). The
    /// line still names its document, but an amount marked here is unknown, not absent: `amountPaid` nil with
    /// `.amountPaid` here is never "pay what is open", and a discount marked here is not "no discount".
    public var unreadable: Unreadable

    /// The amounts of a line that could not be read.
    public struct Unreadable: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// X12 `RMR04`.
        public static let amountPaid = Unreadable(rawValue: 1)
        /// X12 `RMR05`.
        public static let invoiceTotal = Unreadable(rawValue: 2)
        /// X12 `RMR06`.
        public static let discount = Unreadable(rawValue: 4)
        /// An X12 `ADX01` after the line (the adjustment is left out).
        public static let adjustment = Unreadable(rawValue: 8)
    }

    public init(reference: String, referenceQualifier: String = "IV", amountPaid: Money? = nil, invoiceTotal: Money? = nil,
                discount: Money? = nil, adjustments: [Adjustment] = [], unreadable: Unreadable = []) {
        self.reference = reference
        self.referenceQualifier = referenceQualifier
        self.amountPaid = amountPaid
        self.invoiceTotal = invoiceTotal
        self.discount = discount
        self.adjustments = adjustments
        self.unreadable = unreadable
    }
}
