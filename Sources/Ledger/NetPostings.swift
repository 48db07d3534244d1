import Accounting
import Core

/// What a source key holds in the ledger, net, and how it is taken back: both stores decide a rerun's entries from it.
enum NetPostings {
    /// The postings that take `net` back, in key order. The ledger never invents a currency: a code it cannot read stops
    /// the commit, naming the entry. Checked to balance as drafts are (a failed check ends the process with the day's
    /// transaction open: it never commits).
    static func reversal(of net: [PostingKey: Int64], sourceKey: String) throws -> [Posting] {
        let reversal = try net.sorted(by: { $0.key < $1.key }).map { key, value in
            guard let currency = Currency.iso(key.currency) else {
                throw LedgerError("postings of \(sourceKey) on account \(key.account): currency '\(key.currency)' is not an ISO 4217 code")
            }
            return Posting(account: key.account, customerID: key.customerID.isEmpty ? nil : key.customerID,
                           invoiceID: key.invoiceID.isEmpty ? nil : key.invoiceID, amount: Money(minorUnits: -value, currency: currency))
        }
        precondition(JournalEntryDraft.balances(reversal), "the reversal of \(sourceKey) does not balance")
        return reversal
    }
}
