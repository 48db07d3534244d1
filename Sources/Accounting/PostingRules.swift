import Core
import Matching
import Receivables
import Statements

/// The journal entry each outcome posts. Debits positive, credits negative; every entry balances.
public enum PostingRules {
    /// A receipt: cash in, receivables settled per invoice (cash, discount, write-off), the rest to unapplied
    /// cash on the customer, or to suspense when no customer is known. A debit to the account goes to suspense. Cash
    /// recovering an amount written off earlier (`Application.isRecovery`) is credited to payment differences (6900), the
    /// account the write-off was debited to, naming the invoice; its receivable does not move.
    /// An ACH receipt's cash goes to ACH in transit until the statement shows its batch (see `settlement(of:by:lineKey:)`),
    /// so the books' bank account moves exactly as the bank's statement does.
    public static func entry(for decision: Decision, cashAccounts book: BankAccountBook) -> JournalEntryDraft {
        let receipt = decision.receipt
        let currency = receipt.amount.currency
        // An entry an older ledger posted under its legacy key keeps that rule: cash straight to the bank account.
        let sourceKey = receipt.sourceKey
        let throughClearing = receipt.source == .nacha && !ACHReading.isLegacyKey(sourceKey)
        let cash = throughClearing ? ChartOfAccounts.achClearing : book.code(account: receipt.bankAccount, bank: receipt.bank, currency: receipt.amount.currency)
        var postings: [Posting] = [Posting(account: cash, amount: receipt.amount)]
        for a in decision.applications {
            // A recovery moves no receivable (the invoice stays closed): its cash takes the write-off back from 6900.
            if !a.isRecovery {
                postings.append(Posting(account: ChartOfAccounts.accountsReceivable, customerID: a.customerID, invoiceID: a.invoiceID,
                                        amount: Money(minorUnits: -a.settled, currency: currency)))
            }
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
        // A statement credit's cash is booked on its booking day (the day the bank's balance moves), an ACH entry's on its value day.
        return JournalEntryDraft(sourceKey: sourceKey, effectiveDay: receipt.source == .nacha ? receipt.valueDay : receipt.bookingDay, memo: memo, postings: postings)
    }

    /// A batch the statement shows: its cash moves from ACH in transit into the bank account, on the line's day.
    public static func settlement(of item: SettlementItem, by line: StatementLine, lineKey: String, cash: String) -> JournalEntryDraft {
        let negated = Money(minorUnits: -item.net.minorUnits, currency: item.net.currency)
        return JournalEntryDraft(sourceKey: "settle:\(item.key)", effectiveDay: line.bookingDay,
                                 memo: ByteScanning.trimmed("Settlement of the \(item.role) batch of \(item.companyName) (\(item.fileName)) by \(line.format.rawValue) \(line.bankReference)"),
                                 postings: [Posting(account: cash, amount: item.net), Posting(account: ChartOfAccounts.achClearing, amount: negated)])
    }

    /// A return or reversing entry: the original application undone (receivables reopened per invoice, the discount and
    /// write-off taken back, unapplied cash released), the money leaving through ACH in transit; with no original
    /// found, the money is held in suspense. A dishonored return wants nothing under the key: its reversal is reversed.
    public static func entry(for reversal: ReturnReversal, day: Day) throws -> JournalEntryDraft {
        let fact = reversal.notice.fact
        let currency = fact.amount.currency
        let memo = "Return \(reversal.notice.reasonCode) of \(reversal.original?.traceNumber ?? reversal.notice.originalTraceNumber) (\(fact.fileName))"
        guard reversal.reverses else { return JournalEntryDraft(sourceKey: reversal.sourceKey, effectiveDay: fact.settlementDay, memo: memo, postings: []) }
        // The money that leaves: the original amount, as the return states it.
        var postings = [Posting(account: ChartOfAccounts.achClearing, amount: Money(minorUnits: -fact.amount.minorUnits, currency: currency))]
        guard reversal.original != nil else {
            postings.append(Posting(account: ChartOfAccounts.suspense, amount: fact.amount))
            return JournalEntryDraft(sourceKey: reversal.sourceKey, effectiveDay: fact.settlementDay, memo: memo, postings: postings)
        }
        var undone: Int64 = 0
        let what = "the return of \(reversal.sourceKey)"
        for a in reversal.reversed {
            // `a` holds the negated application: applied, discount and write-off below zero.
            if let invoice = a.invoiceID {
                let settled = try MinorUnits.difference(0, try MinorUnits.total([a.applied.minorUnits, a.discount.minorUnits, a.writeOff.minorUnits], of: what), of: what)
                // A recovery returned moved no receivable: its write-off is booked again, the invoice stays closed.
                if settled != 0 || a.writeOff.isZero {
                    postings.append(Posting(account: ChartOfAccounts.accountsReceivable, customerID: a.customerID, invoiceID: invoice, amount: Money(minorUnits: settled, currency: currency)))
                }
                if !a.discount.isZero { postings.append(Posting(account: ChartOfAccounts.discountsAllowed, customerID: a.customerID, invoiceID: invoice, amount: a.discount)) }
                if !a.writeOff.isZero { postings.append(Posting(account: ChartOfAccounts.paymentDifferences, customerID: a.customerID, invoiceID: invoice, amount: a.writeOff)) }
            } else {
                postings.append(Posting(account: a.customerID == nil ? ChartOfAccounts.suspense : ChartOfAccounts.unappliedCash, customerID: a.customerID,
                                        amount: Money(minorUnits: -a.applied.minorUnits, currency: currency)))
            }
            undone = try MinorUnits.difference(undone, a.applied.minorUnits, of: what)
        }
        // What the return takes back beyond what was applied (it should be nothing) waits in suspense.
        if undone != fact.amount.minorUnits {
            postings.append(Posting(account: ChartOfAccounts.suspense, amount: Money(minorUnits: try MinorUnits.difference(fact.amount.minorUnits, undone, of: what), currency: currency)))
        }
        return JournalEntryDraft(sourceKey: reversal.sourceKey, effectiveDay: fact.settlementDay, memo: memo, postings: postings)
    }

    /// An account's first statement: its opening balance enters the books against opening balances, so that from
    /// then on the books' bank account equals each statement's closing balance.
    /// Keyed `bankopen:<account>`, `bankopen:<account>:<currency>` for a currency other than the books', and with
    /// `@<bank>` after the account where the same number is an account at another bank too (`sharedNumber`).
    public static func bankOpening(_ balance: StatementBalance, cash: String, booksCurrency: Currency, sharedNumber: Bool = false) -> JournalEntryDraft? {
        guard let opening = balance.opening, !opening.isZero else { return nil }
        let account = sharedNumber && !balance.bank.isEmpty ? "\(balance.account)@\(balance.bank)" : balance.account
        let key = opening.currency == booksCurrency ? "bankopen:\(account)" : "bankopen:\(account):\(opening.currency.code)"
        return JournalEntryDraft(sourceKey: key, effectiveDay: balance.day,
                                 memo: "Opening balance of bank account \(cash) from the statement of \(balance.day)",
                                 postings: [Posting(account: cash, amount: opening),
                                            Posting(account: ChartOfAccounts.openingBalances, amount: Money(minorUnits: -opening.minorUnits, currency: opening.currency))])
    }

    /// A statement debit nothing explains: cash out, to suspense until someone says what it was; bank fees to bank fees.
    public static func entry(forBankDebit line: StatementLine, sourceKey: String, cash: String) -> JournalEntryDraft {
        let target = line.kind == .fee ? ChartOfAccounts.bankFees : ChartOfAccounts.suspense
        let magnitude = Money(minorUnits: -line.amount.minorUnits, currency: line.amount.currency)
        return JournalEntryDraft(sourceKey: sourceKey, effectiveDay: line.bookingDay,
                                 memo: ByteScanning.trimmed("\(line.format.rawValue) \(line.bankReference) \(line.description)"),
                                 postings: [Posting(account: target, amount: magnitude), Posting(account: cash, amount: line.amount)])
    }

    /// Invoices first seen on `day`: their open amounts enter receivables against opening balances, one entry per
    /// effective day (the invoice's issue day, or `day` if later) with a receivable posting per invoice and one
    /// opening-balance posting per currency. Keyed `invoices:<day>:opening:<effective day>`.
    public static func openingEntries(for invoices: [Invoice], on day: Day) throws -> [JournalEntryDraft] {
        try openingEntries(for: invoices, at: Array(invoices.indices), on: day)
    }

    /// The same of the invoices at `positions` (held as positions while grouped and sorted: a million new invoices are
    /// not copied).
    public static func openingEntries(for invoices: [Invoice], at positions: [Int], on day: Day) throws -> [JournalEntryDraft] {
        var byEffective: [Day: [Int]] = [:]
        for position in positions where !invoices[position].openAmount.isZero {
            byEffective[min(day, invoices[position].issueDay), default: []].append(position)
        }
        return try byEffective.keys.sorted().compactMap { effective throws -> JournalEntryDraft? in
            guard var group = byEffective[effective] else { return nil }
            group.sort { invoices[$0].id < invoices[$1].id }
            var postings: [Posting] = []
            postings.reserveCapacity(group.count + 1)
            var totals: [Currency: Int64] = [:]
            for invoice in group.lazy.map({ invoices[$0] }) {
                postings.append(Posting(account: ChartOfAccounts.accountsReceivable, customerID: invoice.customerID, invoiceID: invoice.id, amount: invoice.openAmount))
                try MinorUnits.add(invoice.openAmount.minorUnits, to: &totals[invoice.openAmount.currency, default: 0], of: "the opening balances of invoices first seen \(day)")
            }
            for (currency, total) in totals.sorted(by: { $0.key.code < $1.key.code }) {
                postings.append(Posting(account: ChartOfAccounts.openingBalances, amount: Money(minorUnits: -total, currency: currency)))
            }
            return JournalEntryDraft(sourceKey: "invoices:\(day):opening:\(effective)", effectiveDay: effective,
                                     memo: "Opening open amounts of \(group.count) invoice\(group.count == 1 ? "" : "s") first seen \(day)", postings: postings)
        }
    }

    /// The ERP lowered an invoice's open amount by more than settle applied (a credit memo, a payment booked there):
    /// receivables follow it against ERP adjustments, under `erp:<invoice>:<day>`.
    public static func erpAdjustment(invoice: Invoice, by moved: Money, on day: Day) -> JournalEntryDraft {
        JournalEntryDraft(sourceKey: "erp:\(invoice.id):\(day)", effectiveDay: day, memo: "ERP adjustment of \(invoice.id): open amount lowered by \(moved) in the export",
                          postings: [Posting(account: ChartOfAccounts.erpAdjustments, customerID: invoice.customerID, invoiceID: invoice.id, amount: moved),
                                     Posting(account: ChartOfAccounts.accountsReceivable, customerID: invoice.customerID, invoiceID: invoice.id,
                                             amount: Money(minorUnits: -moved.minorUnits, currency: moved.currency))])
    }

    /// A bank account an older ledger booked under another account's code (the last four digits of two numbers alike):
    /// its balance moves to its own cash account, once, under `bankreclass:<number>:<currency>`.
    public static func bankReclassification(_ account: BankAccountRow, amount: Money, on day: Day) -> JournalEntryDraft {
        JournalEntryDraft(sourceKey: BankBookings.Reclassification.key(account), effectiveDay: day,
                          memo: "Bank account \(Masking.account(account.number)) in \(account.currency) moved from \(account.reclassFrom) (an account sharing its last four digits) to its own \(account.code)",
                          postings: amount.isZero ? [] : [Posting(account: account.code, amount: amount),
                                                          Posting(account: account.reclassFrom, amount: Money(minorUnits: 0 &- amount.minorUnits, currency: amount.currency))])
    }

    /// A credit memo the ERP applied to an invoice (the export shows both moved by the same amount): one entry between
    /// the two, under `erp:<memo>:<invoice>:<day>`; nothing to 4950.
    public static func erpMemoApplied(memo: Invoice, to invoice: Invoice, amount: Money, on day: Day) -> JournalEntryDraft {
        JournalEntryDraft(sourceKey: "erp:\(memo.id):\(invoice.id):\(day)", effectiveDay: day,
                          memo: "ERP applied credit memo \(memo.id) (\(amount)) to \(invoice.id)",
                          postings: [Posting(account: ChartOfAccounts.accountsReceivable, customerID: memo.customerID, invoiceID: memo.id, amount: amount),
                                     Posting(account: ChartOfAccounts.accountsReceivable, customerID: invoice.customerID, invoiceID: invoice.id,
                                             amount: Money(minorUnits: 0 &- amount.minorUnits, currency: amount.currency))])
    }

    /// A credit memo the ERP used on its own (the export shows less credit open than the ledger): receivables follow it
    /// against ERP adjustments, under `erp:<memo>:<day>`.
    public static func erpMemoAdjustment(memo: Invoice, by moved: Money, on day: Day) -> JournalEntryDraft {
        JournalEntryDraft(sourceKey: "erp:\(memo.id):\(day)", effectiveDay: day, memo: "ERP adjustment of credit memo \(memo.id): \(moved) less credit open in the export",
                          postings: [Posting(account: ChartOfAccounts.accountsReceivable, customerID: memo.customerID, invoiceID: memo.id, amount: moved),
                                     Posting(account: ChartOfAccounts.erpAdjustments, customerID: memo.customerID, invoiceID: memo.id,
                                             amount: Money(minorUnits: 0 &- moved.minorUnits, currency: moved.currency))])
    }

    /// Whether a source key is an invoice opening (mirroring what the ERP booked itself: not exported to it).
    public static func isInvoiceOpening(_ sourceKey: String) -> Bool {
        (sourceKey.hasPrefix("invoice:") && sourceKey.hasSuffix(":opening")) || sourceKey.hasPrefix("invoices:")
    }

    /// An invoice first seen, as settle posted it before schema 7 (one entry per invoice): a rerun of a day
    /// posted so keeps these entries.
    public static func openingEntry(for invoice: Invoice, on day: Day) -> JournalEntryDraft {
        JournalEntryDraft(sourceKey: "invoice:\(invoice.id):opening", effectiveDay: min(day, invoice.issueDay),
                          memo: "Opening open amount of invoice \(invoice.id)",
                          postings: [Posting(account: ChartOfAccounts.accountsReceivable, customerID: invoice.customerID, invoiceID: invoice.id, amount: invoice.openAmount),
                                     Posting(account: ChartOfAccounts.openingBalances, customerID: invoice.customerID, invoiceID: invoice.id,
                                             amount: Money(minorUnits: -invoice.openAmount.minorUnits, currency: invoice.openAmount.currency))])
    }
}

