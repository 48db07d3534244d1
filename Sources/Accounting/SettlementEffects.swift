import Core
import Matching
import Statements

/// What settlement posts and records: the day's batches and the ones still waiting, against the day's statement lines.
/// A settled batch moves from ACH in transit to the bank account; a batch past its window is `UNSETTLED_BATCH`; a
/// credit nothing explains becomes a receipt, a debit an entry to suspense (an `UNEXPLAINED_BANK_LINE` unless a fee).
public struct SettlementEffects: Sendable {
    public var reconciliation: SettlementResult
    public var drafts: [JournalEntryDraft] = []
    public var bankDebitDrafts: [JournalEntryDraft] = []
    public var statementReceipts: [Receipt] = []
    public var itemRows: [SettlementItemRow] = []
    public var exceptions: [MatchException] = []
    /// `UNSETTLED_BATCH` exceptions of batches a line settled today, late: their cause went away (resolved by settle,
    /// with the note, unless a reviewer decided them).
    public var resolved: [(exceptionID: String, note: String)] = []

    public init(reconciliation: SettlementResult) {
        self.reconciliation = reconciliation
    }

    /// The day's effects of settlement: `pendingItems` waiting from earlier days, `newItems` the day's batches, `lines`
    /// the day's keyed statement lines; batches an older ledger posted straight to cash (`legacyBatches`: legacy keys)
    /// have nothing in transit to move. `placeholders`: the job's own placeholder references.
    public static func make(pending pendingItems: [SettlementItem], new newItems: [SettlementItem], lines: [KeyedLine], legacyBatches: Set<String>,
                            book: BankAccountBook, placeholders: Set<String>, day: Day) -> SettlementEffects {
        var out = SettlementEffects(reconciliation: SettlementReconciler().reconcile(items: pendingItems + newItems, lines: lines.map(\.line), day: day))
        for item in out.reconciliation.unsettled {
            out.exceptions.append(MatchException(type: .unsettledBatch, severity: .warning, about: item.key, source: "nacha", sourceRef: item.companyName,
                                                 location: SourceLocation.parse(fileAndLine: item.location), amount: item.net,
                                                 message: "the \(item.role) batch of \(item.companyName) in \(item.fileName) for \(item.net), settling \(item.settlementDay), did not appear on the bank statement by \(item.windowEnd); its entries were applied and its cash stays in ACH in transit",
                                                 suggestions: "ask the bank; a line that comes later still settles it"))
        }
        let itemsByKey = Dictionary((pendingItems + newItems).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for (itemKey, lineIndex) in out.reconciliation.settledBy.sorted(by: { $0.key < $1.key }) where !legacyBatches.contains(itemKey) {
            guard let item = itemsByKey[itemKey] else { continue }
            let line = lines[lineIndex].line
            if let unsettled = item.unsettledDay {
                out.resolved.append((unsettledException(item.key), "a line of the statement of \(line.bookingDay) (\(line.bankReference), \(line.amount)) settled the batch, "
                                     + "unsettled since \(unsettled)"))
            }
            out.drafts.append(PostingRules.settlement(of: item, by: line, lineKey: lines[lineIndex].key, cash: book.code(account: line.account, bank: line.bank, currency: line.amount.currency)))
        }
        for (index, item) in lines.enumerated() where !out.reconciliation.explainedLines.contains(index) {
            let line = item.line
            if line.amount.minorUnits > 0 {
                out.statementReceipts.append(StatementReceipts.receipt(item, placeholders: placeholders))
            } else if line.amount.minorUnits < 0 {
                out.bankDebitDrafts.append(PostingRules.entry(forBankDebit: line, sourceKey: item.key, cash: book.code(account: line.account, bank: line.bank, currency: line.amount.currency)))
                if line.kind != .fee {
                    out.exceptions.append(MatchException(type: .unexplainedBankLine, severity: .warning, about: item.key, source: line.format.rawValue,
                                                         sourceRef: StatementReceipts.hasOwnReference(line, placeholders) ? line.bankReference : line.location.fileAndLine,
                                                         location: line.location, amount: line.amount,
                                                         message: "a debit of \(Money(minorUnits: -line.amount.minorUnits, currency: line.amount.currency)) (type \(line.typeCode) \(BAI2TypeCode.describe(Int(line.typeCode) ?? 0))) that no ACH batch or rule explains: \(line.description); held in suspense",
                                                         suggestions: "find what it paid, then resolve the exception"))
                }
            }
        }
        out.itemRows = itemRows(out.reconciliation, pending: pendingItems, new: newItems, lines: lines, day: day)
        // Each row keeps its file's key, so that on a later day its batch is added up only with batches of its own file.
        for i in out.itemRows.indices { out.itemRows[i].fileKey = itemsByKey[out.itemRows[i].batchKey]?.fileKey ?? "" }
        return out
    }

    /// The id of the `UNSETTLED_BATCH` exception a batch raised (the same key as when it was raised).
    public static func unsettledException(_ batchKey: String) -> String {
        MatchException.id(type: .unsettledBatch, about: batchKey)
    }

    /// The settlement items as they stand at the end of the day.
    static func itemRows(_ result: SettlementResult, pending: [SettlementItem], new: [SettlementItem], lines: [KeyedLine], day: Day) -> [SettlementItemRow] {
        var rows: [SettlementItemRow] = []
        let raised = Dictionary(result.unsettled.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for item in pending + new {
            let line = result.settledBy[item.key]
            let isNew = item.firstDay == day
            // Earlier items are written only when today changes them.
            guard isNew || line != nil || raised[item.key] != nil else { continue }
            var row = SettlementItemRow(batchKey: item.key, role: item.role, companyName: item.companyName, fileName: item.fileName, net: item.net,
                                        settlementDay: item.settlementDay, windowEnd: item.windowEnd, firstDay: item.firstDay,
                                        settledDay: line == nil ? nil : day, settledBy: line.map { lines[$0].key },
                                        unsettledDay: raised[item.key]?.unsettledDay ?? item.unsettledDay, location: item.location)
            row.entryAmounts = item.entryAmounts.map(\.minorUnits)
            rows.append(row)
        }
        return rows
    }
}
