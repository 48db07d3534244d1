import Core
import Receivables

/// What a receipt takes of one of the payer's credit memos: the memo and the credit taken, negative (DESIGN.md, Cash
/// application, rule 1: credit memos named in the remittance are taken first, as negative applications). The memo's
/// open amount moves from its negative open credit towards 0 by as much; the cash left to pay invoices grows by as much.
struct CreditMemoTake: Sendable {
    var memo: Int32
    /// Below 0: the part of the memo's open credit taken.
    var credit: Int64
}

extension Workspace {
    /// The credit memos a remittance names, and what of each the receipt takes: its open credit, or what the remittance
    /// says of it when that is less (`RMR04`, camt `RmtdAmt`, whatever its sign: a memo's amount is a credit). A memo is
    /// not taken, and the facts and notes say why, when it is already closed (the payment is then short by as much),
    /// in another currency, its amount could not be read, or the remittance names no open invoice to take it against
    /// (a credit is taken against invoices, never turned into cash on its own).
    ///
    /// `notes` are phrased for an exception's message ("remittance names credit memo …"): a memo not taken, or taken for
    /// less than the remittance says.
    mutating func creditMemoTakes(_ position: Int, _ memos: [ResolvedReference], invoicesOpen: Bool)
        -> (takes: [CreditMemoTake], facts: [Evidence.Fact], notes: [String]) {
        let receipt = receipts[position]
        let currency = receipt.amount.currency
        var takes: [CreditMemoTake] = []
        var facts: [Evidence.Fact] = []
        var notes: [String] = []
        for ref in memos {
            let item = ref.item(of: receipt)
            let memo = book.invoices[Int(ref.invoice)]
            let openNow = open(ref.invoice)
            let said = item.amountPaid.map { -abs($0.minorUnits) }
            let written = item.asWritten
            func notTaken(_ why: String) {
                facts.append(.text("remittance \(written) → credit memo \(memo.id), not taken: \(why)"))
                notes.append("remittance names credit memo \(memo.id), not taken: \(why)")
            }
            if item.unreadable.contains(.amountPaid) {
                notTaken("the amount the remittance gives for it could not be read")
            } else if memo.amount.currency != currency {
                notTaken("it is in \(memo.amount.currency), the payment in \(currency)")
            } else if openNow >= 0 {
                let credit = said.map { " of \(Money(minorUnits: $0, currency: currency))" } ?? ""
                notTaken("already closed (\(closedBy(ref.invoice))); the payment is short by its credit\(credit)")
            } else if !invoicesOpen {
                notTaken("the remittance names no open invoice of the payer to take it against")
            } else if said == 0 {
                notTaken("the remittance takes 0.00 of it")
            } else {
                // What the remittance says, as far as the memo's open credit goes.
                let credit = max(said ?? openNow, openNow)
                takes.append(CreditMemoTake(memo: ref.invoice, credit: credit))
                let open = Money(minorUnits: openNow, currency: currency)
                var text = "remittance \(written) → credit memo \(memo.id): \(Money(minorUnits: credit, currency: currency)) taken of its open \(open)"
                if let said, said < openNow {
                    text += " (the remittance says \(Money(minorUnits: said, currency: currency)))"
                    notes.append("remittance takes \(Money(minorUnits: said, currency: currency)) of credit memo \(memo.id), whose open credit is \(open)")
                }
                if credit > openNow { text += ", \(Money(minorUnits: openNow - credit, currency: currency)) stays open" }
                if let note = ref.note { text += " (\(note))" }
                facts.append(.text(text))
            }
        }
        return (takes, facts, notes)
    }

    /// The negative application of a credit memo taken: credit only, no discount, no write-off.
    func applicationTaking(_ take: CreditMemoTake, currency: Currency) -> Application {
        let memo = book.invoices[Int(take.memo)]
        return Application(invoiceID: memo.id, customerID: memo.customerID, applied: Money(minorUnits: take.credit, currency: currency),
                           discount: .zero(currency), writeOff: .zero(currency))
    }

    /// The payer's credit memos open in `currency`, with their open amounts (below 0), oldest first: none, and nothing
    /// allocated, for a customer without memos.
    func openCreditMemos(_ currency: Currency) -> [(memo: Int32, open: Int64)] {
        let memos = book.creditMemos(ofCustomer: customer)
        if memos.isEmpty { return [] }
        var out: [(memo: Int32, open: Int64)] = []
        for m in memos where open(m) < 0 && book.invoices[Int(m)].amount.currency == currency { out.append((m, open(m))) }
        return out
    }
}

extension RemittanceItem {
    /// The line as a reviewer reads it: `CM CM-2001`, with its qualifier when it has one other than `IV`.
    fileprivate var asWritten: String {
        referenceQualifier.isEmpty || referenceQualifier == "IV" ? reference : "\(referenceQualifier) \(reference)"
    }
}
