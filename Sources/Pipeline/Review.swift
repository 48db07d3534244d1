import Accounting
import Core
import Ledger

/// A reviewer's decision checked against the ledger as it stands: the facts it needs read, then `ReviewRules`.
public enum Review {
    /// Checks a decision against the ledger as it stands; what it returns is what `ReviewStore.recordDecision` keeps.
    public static func check(_ request: ReviewRequest, view: any LedgerReading, writeOffLimit: Money?) async throws -> [ReviewApplication] {
        try ReviewRules.check(request, facts: try await facts(for: request, view: view), writeOffLimit: writeOffLimit)
    }

    /// The exception, the receipt's unapplied cash (for `--apply`), the invoices named, and the customer's invoice ids
    /// when one named is not in the ledger.
    static func facts(for request: ReviewRequest, view: any LedgerReading) async throws -> ReviewFacts {
        guard let exception = try await view.exception(id: request.exceptionID) else { throw ReviewRefusal("no exception \(request.exceptionID) in the ledger") }
        var facts = ReviewFacts(exception: exception)
        if request.kind == .apply, exception.amount != nil {
            facts.unapplied = try await view.unappliedCash(receiptID: exception.receiptID, day: exception.day)
        }
        var missing = false
        for invoiceID in request.applications.map(\.invoiceID) + exception.invoiceIDs where facts.invoices[invoiceID] == nil {
            if let invoice = try await view.invoice(id: invoiceID) { facts.invoices[invoiceID] = invoice } else { missing = true }
        }
        if missing, !exception.customerID.isEmpty { facts.customerInvoiceIDs = try await view.invoiceIDs(customer: exception.customerID) }
        return facts
    }
}
