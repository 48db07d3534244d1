import Accounting
import Core
import Ledger
import Receivables

/// A reviewer's decision checked against the ledger as it stands: the facts it needs read, then `ReviewRules`.
public enum Review {
    /// Checks a decision against the ledger as it stands; what it returns is what `ReviewStore.recordDecision` keeps.
    public static func check(_ request: ReviewRequest, view: any LedgerReading, policy: ReviewPolicy) async throws -> [ReviewApplication] {
        try ReviewRules.check(request, facts: try await facts(for: request, view: view), policy: policy)
    }

    /// What the manifest the ledger last ran with says of decisions (`ReviewPolicy`): the write-off limit, the
    /// cross-customer policy and the customers' parents. Without one, the defaults; one that cannot be read is an error.
    public static func policy(view: any LedgerReading) async throws -> ReviewPolicy {
        guard let path = try await view.lastManifestPath() else { return ReviewPolicy() }
        do {
            let manifest = try Manifest.load(path: path)
            var parents: [String: String] = [:]
            let bytes = try InputOpener.readAll(path: manifest.customers, limitBytes: 1 << 30)
            for c in try MasterDataLoader.customers(bytes: bytes, path: manifest.customers, currency: manifest.currency) {
                if let parent = c.parentID { parents[c.id] = parent }
            }
            return ReviewPolicy(writeOffLimit: manifest.writeOffLimit, crossCustomer: manifest.policy.crossCustomer, parentOf: parents,
                                postTo: manifest.reviewPostTo, cashCodes: Set(manifest.bankAccounts.compactMap(\.code)))
        } catch {
            let why = (error as? ManifestError)?.message ?? "\(error)"
            throw ManifestError("the manifest the ledger last ran with gives the review's rules and cannot be used: \(why) "
                                + "(run from the folder the runs use, or fix the manifest)")
        }
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
        try await batchFacts(for: request, exception: exception, into: &facts, view: view)
        return facts
    }
}
