import Core
import Receivables

/// A receipt whose cash, or part of it, is held as unapplied cash for its customer (unmatched, an over-payment's
/// remainder, a prepayment naming an invoice not issued yet), as the ledger kept it: its remittance and texts, and
/// what is still held.
public struct HeldReceipt: Sendable {
    /// The receipt as it arrived (its remittance, free text and payer), with its original amount.
    public var receipt: Receipt
    public var customerID: String
    /// What is still unapplied of it before the day.
    public var held: Money
    /// The day it was first held.
    public var heldSince: Day

    public init(receipt: Receipt, customerID: String, held: Money, heldSince: Day) {
        self.receipt = receipt
        self.customerID = customerID
        self.held = held
        self.heldSince = heldSince
    }
}

/// Unapplied cash of an earlier day applied today: to which invoices, how much, and why.
public struct Reapplication: Sendable {
    public var held: HeldReceipt
    public var applications: [(invoiceID: String, amount: Money)]
    /// How the invoices were found: the remittance (or a purchase order) naming them, or the one open invoice of the
    /// held amount.
    public var rule: String
    public var evidence: String
    /// Nothing of the receipt is held any more.
    public var settlesAll: Bool {
        // Applications that add up past 64 bits settle no amount that can be held.
        (try? MinorUnits.total(applications.lazy.map(\.amount.minorUnits), of: "")) == held.held.minorUnits
    }
}

extension CashApplication {
    /// Tries held receipts again against the open items as they stand after the day's own receipts: by their
    /// remittance (invoice numbers, purchase orders) naming open invoices of their customer, else by the one open
    /// invoice of the customer whose open amount is the amount held. No tolerance write-off, no combination, nothing
    /// across customers: a held receipt waits for an answer as certain as the day's first rules give. In the order
    /// given (oldest first), each taking what it applies from the open amounts.
    public mutating func reapply(_ held: [HeldReceipt]) -> [Reapplication] {
        var out: [Reapplication] = []
        for h in held where h.held.minorUnits > 0 {
            guard let customer = directory.indexByID[h.customerID] else { continue }
            let prepared = prepare(h.receipt)
            let currency = h.held.currency
            func usable(_ invoice: Int32) -> Bool {
                book.customerOf[Int(invoice)] == customer && book.invoices[Int(invoice)].amount.currency == currency && open[Int(invoice)] > 0
            }
            var remaining = h.held.minorUnits
            var applied: [(invoiceID: String, amount: Money)] = []
            var rule = ""
            var evidence = ""
            // A remittance whose amount could not be read waits for a person, on later days too.
            if h.receipt.remittance.contains(where: { $0.unreadable.contains(.amountPaid) }) { continue }
            if !prepared.references.isEmpty {
                var named: [String] = []
                for reference in prepared.references where remaining > 0 && usable(reference.invoice) {
                    // No more than the remittance said it pays on the invoice (a line that says nothing: what is open).
                    let index = Int(reference.itemIndex)
                    let said = index >= 0 && index < h.receipt.remittance.count ? h.receipt.remittance[index].amountPaid?.minorUnits : nil
                    let take = min(remaining, open[Int(reference.invoice)], said.map { max(0, $0) } ?? .max)
                    guard take > 0 else { continue }
                    open[Int(reference.invoice)] -= take
                    remaining -= take
                    let id = book.invoices[Int(reference.invoice)].id
                    applied.append((id, Money(minorUnits: take, currency: currency)))
                    named.append(id)
                }
                rule = prepared.byPurchaseOrder ? "po" : "remittance"
                evidence = "the receipt's remittance names \(named.joined(separator: ", "))" + (prepared.byPurchaseOrder ? " by its purchase order" : "")
            } else if prepared.unknown.isEmpty {
                // No reference at all: the one open invoice of the customer whose open amount is what is held.
                let fits = book.invoices(ofCustomer: customer).filter { usable($0) && open[Int($0)] == remaining }
                if fits.count == 1, let only = fits.first {
                    open[Int(only)] = 0
                    let id = book.invoices[Int(only)].id
                    applied.append((id, Money(minorUnits: remaining, currency: currency)))
                    remaining = 0
                    rule = "exact-amount"
                    evidence = "\(id) is the one open invoice of \(h.customerID) of \(h.held)"
                }
            }
            guard !applied.isEmpty else { continue }
            out.append(Reapplication(held: h, applications: applied, rule: rule, evidence: evidence))
        }
        return out
    }
}
