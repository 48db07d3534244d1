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
    /// What the reference names: `IV` invoice, `PO` purchase order, `CR` credit memo (X12 RMR01 qualifier).
    public var referenceQualifier: String
    public var amountPaid: Money?
    public var invoiceTotal: Money?
    public var discount: Money?
    public var adjustments: [Adjustment]

    public init(reference: String, referenceQualifier: String = "IV", amountPaid: Money? = nil, invoiceTotal: Money? = nil,
                discount: Money? = nil, adjustments: [Adjustment] = []) {
        self.reference = reference
        self.referenceQualifier = referenceQualifier
        self.amountPaid = amountPaid
        self.invoiceTotal = invoiceTotal
        self.discount = discount
        self.adjustments = adjustments
    }
}
