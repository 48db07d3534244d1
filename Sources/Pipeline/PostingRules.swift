import Core
import Ledger
import Matching
import Receivables
import Statements

/// The journal entry each outcome posts. Debits positive, credits negative; every entry balances.
public enum PostingRules {
    /// A receipt: cash in, receivables settled per invoice (cash, discount, write-off), the rest to unapplied
    /// cash on the customer, or to suspense when no customer is known. A debit to the account goes to suspense.
    public static func entry(for decision: Decision) -> JournalEntryDraft {
        let receipt = decision.receipt
        let currency = receipt.amount.currency
        let cash = ChartOfAccounts.cash(bankAccount: receipt.bankAccount)
        var postings: [Posting] = [Posting(account: cash, amount: receipt.amount)]
        for a in decision.applications {
            postings.append(Posting(account: ChartOfAccounts.accountsReceivable, customerID: a.customerID, invoiceID: a.invoiceID,
                                    amount: Money(minorUnits: -a.settled, currency: currency)))
            if !a.discount.isZero {
                postings.append(Posting(account: ChartOfAccounts.discountsAllowed, customerID: a.customerID, invoiceID: a.invoiceID, amount: a.discount))
            }
            if !a.writeOff.isZero {
                postings.append(Posting(account: ChartOfAccounts.paymentDifferences, customerID: a.customerID, invoiceID: a.invoiceID, amount: a.writeOff))
            }
        }
        if !decision.unapplied.isZero {
            let negated = Money(minorUnits: -decision.unapplied.minorUnits, currency: currency)
            if let customer = decision.customerID, receipt.amount.minorUnits > 0 {
                postings.append(Posting(account: ChartOfAccounts.unappliedCash, customerID: customer, amount: negated))
            } else {
                postings.append(Posting(account: ChartOfAccounts.suspense, customerID: decision.customerID, amount: negated))
            }
        }
        let memo = ByteScanning.trimmed("\(receipt.source.rawValue) \(receipt.sourceRef) \(receipt.payerName)")
        return JournalEntryDraft(sourceKey: receipt.sourceKey, effectiveDay: receipt.valueDay, memo: memo, postings: postings)
    }

    /// A statement debit nothing explains: cash out, to suspense until someone says what it was; bank fees to bank fees.
    public static func entry(forBankDebit line: StatementLine, sourceKey: String) -> JournalEntryDraft {
        let cash = ChartOfAccounts.cash(bankAccount: line.account)
        let target = line.kind == .fee ? ChartOfAccounts.bankFees : ChartOfAccounts.suspense
        let magnitude = Money(minorUnits: -line.amount.minorUnits, currency: line.amount.currency)
        return JournalEntryDraft(sourceKey: sourceKey, effectiveDay: line.bookingDay,
                                 memo: ByteScanning.trimmed("\(line.format.rawValue) \(line.bankReference) \(line.description)"),
                                 postings: [Posting(account: target, amount: magnitude), Posting(account: cash, amount: line.amount)])
    }

    /// An invoice first seen: its open amount enters receivables against opening balances.
    public static func openingEntry(for invoice: Invoice, on day: Day) -> JournalEntryDraft {
        JournalEntryDraft(sourceKey: "invoice:\(invoice.id):opening", effectiveDay: min(day, invoice.issueDay),
                          memo: "Opening open amount of invoice \(invoice.id)",
                          postings: [Posting(account: ChartOfAccounts.accountsReceivable, customerID: invoice.customerID, invoiceID: invoice.id, amount: invoice.openAmount),
                                     Posting(account: ChartOfAccounts.openingBalances, customerID: invoice.customerID, invoiceID: invoice.id,
                                             amount: Money(minorUnits: -invoice.openAmount.minorUnits, currency: invoice.openAmount.currency))])
    }
}

