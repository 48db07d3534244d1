import Core
import Receivables

/// Recoveries: cash paid for an amount written off earlier (a shortfall written off within the tolerance or by a
/// reviewer's decision). The write-off is reversed by the cash, the invoice stays closed; only a payment beyond what was
/// written off is an over payment. Cash application knows what is written off of each invoice from a sparse table
/// (`CashApplication.writtenOff`), looked at only for an invoice a payment finds closed or pays past its open amount.
extension Workspace {
    /// What is still written off of the invoice (0 for nearly every invoice: nothing is looked up on a day without
    /// write-offs).
    func writtenOff(_ invoice: Int32) -> Int64 {
        guard !engine.writtenOff.isEmpty else { return 0 }
        return writtenOffChanged[invoice] ?? engine.writtenOff[invoice] ?? 0
    }

    /// Recovers, from the cash left, what a remittance line pays of what is written off of `invoice`: `claimed`, else all
    /// the cash for a line alone (`alone`), else all that is written off; never more than is written off. Appends the
    /// recovery and its evidence (`fact` first, when given). False when nothing is written off of the invoice or no cash
    /// is left.
    mutating func recover(_ invoice: Int32, claimed: Int64?, alone: Bool, cashLeft: inout Int64, into applications: inout Applications,
                          evidence: inout Evidence, fact: Evidence.Fact? = nil) -> Bool {
        let left = writtenOff(invoice)
        guard left > 0 else { return false }
        let amount = min(claimed ?? (alone ? cashLeft : left), cashLeft, left)
        guard amount > 0 else { return false }
        let document = book.invoices[Int(invoice)]
        let currency = document.amount.currency
        if let fact { evidence.matched.append(fact) }
        evidence.matched.append(.text("\(Money(minorUnits: amount, currency: currency)) recovers what was written off of \(document.id) "
                                      + "(\(Money(minorUnits: left, currency: currency)) written off)"))
        applications.append(.recovery(invoiceID: document.id, customerID: document.customerID, amount: Money(minorUnits: amount, currency: currency)))
        cashLeft -= amount
        writtenOffChanged[invoice] = left - amount
        return true
    }

    /// A receipt without remittance that no exact rule took, of exactly what is still written off of one closed invoice of
    /// its customer (of no other of theirs): it pays that, a recovery.
    mutating func tryRecovery(_ position: Int) -> Bool {
        guard !engine.writtenOff.isEmpty, customer >= 0 else { return false }
        let (receipt, amount, currency, _) = amountRuleInput(position)
        var found: Int32?
        var count = 0
        for invoice in engine.writtenOff.keys where book.customerOf[Int(invoice)] == customer && open(invoice) == 0
            && book.invoices[Int(invoice)].amount.currency == currency && writtenOff(invoice) == amount {
            found = invoice
            count += 1
        }
        guard count == 1, let invoice = found else { return false }
        var evidence = baseEvidence(position)
        evidence.matched.append(.text("amount equals what is written off of \(book.invoices[Int(invoice)].id), closed"))
        var cashLeft = amount
        var applications = Applications()
        _ = recover(invoice, claimed: amount, alone: true, cashLeft: &cashLeft, into: &applications, evidence: &evidence)
        let customerID = prepared[position].customer >= 0 ? self.customerID(prepared[position].customer) : nil
        outcomes.append(position, Decision(receipt: receipt, customerID: customerID, applications: applications, unapplied: .zero(currency),
                                           rule: .recovery, confidence: 70, evidence: evidence), [])
        return true
    }
}
