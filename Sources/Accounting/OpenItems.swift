import Core
import Matching
import Receivables

public struct OpenItems: Sendable {
    /// The invoices matching sees: the export's, each with its open amount as it stood before the day, and those
    /// the ledger still holds that the export no longer lists.
    public var matching: [Invoice] = []
    /// Opening entries of invoices first seen today.
    public var openingDrafts: [JournalEntryDraft] = []
    /// Invoices to insert (first seen today) or update (their fields changed in the export): their positions in
    /// `matching` (the ledger's rows are made from them as the writer gets to them, not copied all at once).
    public var ledgerInvoicePositions: [Int] = []
    /// Per invoice of `matching`: the ledger did not hold it before the day (its open amount before it is nothing).
    public var isNew: [Bool] = []
    /// Invoices a run of a later day opened (a rerun of an earlier day leaves them out of its open items).
    public var openedLater = Set<String>()
    /// Invoices whose open amount the ERP lowered by more than settle applied: booked as adjustments, raised for a person.
    public var adjustmentDrafts: [JournalEntryDraft] = []
    public var exceptions: [MatchException] = []
    /// The ledger's open amount before the day of each adjusted invoice (matching sees the export's).
    public var ledgerOpenBefore: [String: Int64] = [:]
    /// What is written off of each invoice before the day, only invoices something is written off of (none on most
    /// days): what a payment for a closed invoice may recover (`CashApplication`'s `writtenOff`).
    public var writtenOff: [String: Int64] = [:]

    public init() {}
}

extension OpenItems {
    /// The open items as they stood before `day`: the ledger's invoices as its last commit left them (`before`; those a
    /// later day opened in `openedLater`), with the export's invoices (`export`) and their changes — new invoices opened,
    /// fields changed written again, open amounts the ERP lowered booked as adjustments. `openedSingly`: invoices a run
    /// of this day opened one entry each (before schema 7), which keep those entries on a rerun.
    public static func before(_ day: Day, ledger before: [LedgerInvoice], openedLater: Set<String>, openedSingly: Set<String>,
                              export: consuming [Invoice]) throws -> OpenItems {
        var out = OpenItems()
        out.openedLater = openedLater
        var known: [String: LedgerInvoice] = [:]
        known.reserveCapacity(before.count)
        for invoice in before { known[invoice.invoiceID] = invoice }
        // The export's invoices become the ones matching sees, changed in place (the caller gives them up when it can,
        // so that a change does not copy a million invoices).
        var matching = export
        // The export's ids, to find the ledger's invoices it no longer lists (none to find in an empty ledger).
        let listsLedgerInvoices = !before.isEmpty
        var csvIDs = Set<String>()
        if listsLedgerInvoices { csvIDs.reserveCapacity(matching.count) }
        out.isNew = Array(repeating: false, count: matching.count)
        // New invoices opened together, by position in `matching` (which holds them unchanged).
        var opened: [Int] = []
        var notYetIssued: [Int] = []
        // Open amounts the export moved by more than settle applied: (position, how much, the ledger's open amount).
        var erpChanges: [(index: Int, moved: Money, ledgerOpen: Money)] = []
        for index in matching.indices {
            let invoice = matching[index]
            if listsLedgerInvoices { csvIDs.insert(invoice.id) }
            var working = invoice
            if let ledger = known[invoice.id] {
                working.openAmount = ledger.openAmount
                if ledger.writtenOffMinorUnits != 0 { out.writtenOff[invoice.id] = ledger.writtenOffMinorUnits }
                // The export shows less open than the ledger: the ERP booked a credit memo or a payment settle did not see.
                // Its change is booked as an adjustment (a later export that agrees asks for nothing more).
                // A credit memo the ERP applied shows closer to zero than the ledger's: the same kind of change, its other side.
                let memo = invoice.amount.minorUnits < 0
                if invoice.openAmount.currency == ledger.openAmount.currency,
                   memo ? invoice.openAmount.minorUnits > ledger.openAmount.minorUnits : invoice.openAmount.minorUnits < ledger.openAmount.minorUnits {
                    let what = "the ERP's change of \(invoice.id)"
                    let moved = Money(minorUnits: memo ? try MinorUnits.difference(invoice.openAmount.minorUnits, ledger.openAmount.minorUnits, of: what)
                                                       : try MinorUnits.difference(ledger.openAmount.minorUnits, invoice.openAmount.minorUnits, of: what),
                                      currency: invoice.openAmount.currency)
                    erpChanges.append((index, moved, ledger.openAmount))
                    working.openAmount = invoice.openAmount
                    out.ledgerOpenBefore[invoice.id] = ledger.openAmount.minorUnits
                }
                // What the ledger keeps of the export's fields: written again only when they changed.
                if ledger.customerID != invoice.customerID || ledger.issueDay != invoice.issueDay || ledger.dueDay != invoice.dueDay
                    || ledger.amount != invoice.amount || ledger.terms != (invoice.terms?.description ?? "") || ledger.poNumber != invoice.poNumber {
                    out.ledgerInvoicePositions.append(index)
                }
            } else if invoice.issueDay > day {
                // Not issued yet on this day: the day neither sees nor opens it (the run of its issue day does).
                notYetIssued.append(index)
            } else if !openedLater.contains(invoice.id) {
                out.isNew[index] = true
                if openedSingly.contains(invoice.id) {
                    out.openingDrafts.append(PostingRules.openingEntry(for: invoice, on: day))
                } else {
                    opened.append(index)
                }
                out.ledgerInvoicePositions.append(index)
            }
            if working.openAmount != invoice.openAmount { matching[index].openAmount = working.openAmount }
        }
        if !erpChanges.isEmpty { out.erpAdjustments(erpChanges, among: matching, on: day) }
        out.openingDrafts += try PostingRules.openingEntries(for: matching, at: opened, on: day)
        if !notYetIssued.isEmpty { leaveOut(notYetIssued, of: &matching, in: &out) }
        out.matching = consume matching
        for ledgerInvoice in before where !csvIDs.contains(ledgerInvoice.invoiceID) {
            out.isNew.append(false)
            if ledgerInvoice.writtenOffMinorUnits != 0 { out.writtenOff[ledgerInvoice.invoiceID] = ledgerInvoice.writtenOffMinorUnits }
            out.matching.append(Invoice(id: ledgerInvoice.invoiceID, customerID: ledgerInvoice.customerID, issueDay: ledgerInvoice.issueDay, dueDay: ledgerInvoice.dueDay,
                                        amount: ledgerInvoice.amount, openAmount: ledgerInvoice.openAmount,
                                        terms: PaymentTerms.parse(ledgerInvoice.terms), poNumber: ledgerInvoice.poNumber))
        }
        return out
    }

    /// Invoices not issued yet on the day are left out of it altogether (a copy of the list, only on a day whose export
    /// lists invoices issued later).
    private static func leaveOut(_ notYetIssued: [Int], of matching: inout [Invoice], in out: inout OpenItems) {
        let later = Set(notYetIssued)
        let kept = matching.indices.filter { !later.contains($0) }
        var renumbered = [Int](repeating: -1, count: matching.count)
        for (new, old) in kept.enumerated() { renumbered[old] = new }
        out.ledgerInvoicePositions = out.ledgerInvoicePositions.compactMap { renumbered[$0] >= 0 ? renumbered[$0] : nil }
        out.isNew = kept.map { out.isNew[$0] }
        matching = kept.map { matching[$0] }
    }

    /// What the ERP booked itself, as the export shows it: an invoice lowered, or a credit memo moved toward zero, by
    /// more than settle applied. A memo and an invoice of one customer moved by the same amount the same day are one
    /// event — the ERP applied the memo to the invoice — booked as one entry between the two (`erp:<memo>:<invoice>:<day>`)
    /// and raised once; any other change is an ERP adjustment against 4950 (`erp:<document>:<day>`).
    mutating func erpAdjustments(_ changes: [(index: Int, moved: Money, ledgerOpen: Money)], among invoices: [Invoice], on day: Day) {
        var invoiceChanges = changes.filter { invoices[$0.index].amount.minorUnits >= 0 }
        var applied: [(memo: Int, invoice: Int)] = []
        var lone: [(index: Int, moved: Money, ledgerOpen: Money)] = []
        for change in changes where invoices[change.index].amount.minorUnits < 0 {
            let memo = invoices[change.index]
            // The oldest invoice of the customer lowered by exactly the memo's move.
            if let at = invoiceChanges.firstIndex(where: { invoices[$0.index].customerID == memo.customerID && $0.moved == change.moved }) {
                applied.append((change.index, invoiceChanges[at].index))
                invoiceChanges.remove(at: at)
            } else {
                lone.append(change)
            }
        }
        for pair in applied {
            let memo = invoices[pair.memo], invoice = invoices[pair.invoice]
            let moved = changes.first { $0.index == pair.memo }?.moved ?? .zero(memo.amount.currency)
            adjustmentDrafts.append(PostingRules.erpMemoApplied(memo: memo, to: invoice, amount: moved, on: day))
            exceptions.append(MatchException(type: .masterDataChanged, severity: .warning, about: "memo:\(memo.id):\(invoice.id)", discriminator: day.description,
                                                 customerID: memo.customerID, amount: moved, invoiceIDs: [invoice.id, memo.id],
                                                 message: "invoices.csv shows credit memo \(memo.id) applied to \(invoice.id) in the ERP (each moved by \(moved)); settle booked it as one event between the two",
                                                 suggestions: "nothing to do if the ERP applied the memo; else correct the export"))
        }
        for change in invoiceChanges + lone {
            let document = invoices[change.index]
            let memo = document.amount.minorUnits < 0
            adjustmentDrafts.append(memo ? PostingRules.erpMemoAdjustment(memo: document, by: change.moved, on: day)
                                             : PostingRules.erpAdjustment(invoice: document, by: change.moved, on: day))
            exceptions.append(MatchException(type: .masterDataChanged, severity: .warning, about: "invoice:\(document.id)", discriminator: day.description,
                                                 customerID: document.customerID, amount: change.moved, invoiceIDs: [document.id],
                                                 message: memo
                                                     ? "invoices.csv shows credit memo \(document.id) with \(document.openAmount) open, \(change.moved) less credit than the ledger's \(change.ledgerOpen): used in the ERP; settle booked the difference as an ERP adjustment (4950)"
                                                     : "invoices.csv shows \(document.id) with \(document.openAmount) open, \(change.moved) less than the ledger's \(change.ledgerOpen): a credit memo or a payment booked in the ERP; settle booked the difference as an ERP adjustment (4950)",
                                                 suggestions: "check the ERP's document; if it was a mistake, correct the export and resolve with --ignore"))
        }
    }

    /// Open items as they stand at the end of this day (a rerun of an earlier day does not see later days): every
    /// invoice still open, and those the day touched. Each invoice's open amount before the day plus the receivable
    /// postings of every entry of the day (openings included) — what the ledger holds once the day commits, without
    /// reading it back.
    public func rows(after day: Day, earlier: [PostedEntry], posted: ReceivableTally, decisions: [Decision]) throws -> [OpenItemRow] {
        // What the day moved on each invoice's receivable, and what it touched: this run's applications and every
        // invoice its own entries moved (reviewers' decisions, returns), openings aside — tallied from the entries as
        // the writer posted them — and what earlier runs' entries of the day moved (they touch nothing of this run's).
        var dayTally = posted
        try dayTally.addMoves(earlier[...])
        let moved = dayTally.moved
        var touched = dayTally.touched
        for d in decisions { for a in d.applications { touched.insert(a.invoiceID) } }
        var rows: [OpenItemRow] = []
        rows.reserveCapacity(matching.count)
        let checkLater = !openedLater.isEmpty
        for (index, invoice) in matching.enumerated() {
            if checkLater, openedLater.contains(invoice.id) { continue }
            let change = moved[invoice.id]
            let before = isNew[index] ? 0 : (ledgerOpenBefore[invoice.id] ?? invoice.openAmount.minorUnits)
            let open = try MinorUnits.sum(before, change ?? 0, of: "the open amount of invoice \(invoice.id) after \(day)")
            // An invoice first seen today whose opening posted nothing (no open amount) is not in the ledger's books.
            guard open != 0 || touched.contains(invoice.id) else { continue }
            rows.append(OpenItemRow(invoiceID: invoice.id, customerID: invoice.customerID, dueDay: invoice.dueDay, amount: invoice.amount,
                                    openAmount: Money(minorUnits: open, currency: invoice.amount.currency), daysPastDue: open > 0 ? max(0, day.days(since: invoice.dueDay)) : 0))
        }
        return rows
    }
}

extension LedgerInvoice {
    /// The ledger's row of an invoice (its open amount is the ledger's own, kept by its postings: not written).
    public init(_ invoice: Invoice) {
        self.init(invoiceID: invoice.id, customerID: invoice.customerID, issueDay: invoice.issueDay, dueDay: invoice.dueDay, amount: invoice.amount,
                      openAmount: invoice.openAmount, terms: invoice.terms?.description ?? "", poNumber: invoice.poNumber)
    }
}

/// One row of `open-items.csv`.
public struct OpenItemRow: Sendable, Hashable {
    public var invoiceID: String
    public var customerID: String
    public var dueDay: Day
    public var amount: Money
    public var openAmount: Money
    public var daysPastDue: Int

    public init(invoiceID: String, customerID: String, dueDay: Day, amount: Money, openAmount: Money, daysPastDue: Int) {
        self.invoiceID = invoiceID
        self.customerID = customerID
        self.dueDay = dueDay
        self.amount = amount
        self.openAmount = openAmount
        self.daysPastDue = daysPastDue
    }
}

extension OpenItemRow {
    /// Whether an open item's open amount is on its document's side of zero and no larger than its amount.
    public var keepsItsSign: Bool {
        let amount = amount.minorUnits, open = openAmount.minorUnits
        return amount >= 0 ? (open >= 0 && open <= amount) : (open <= 0 && open >= amount)
    }

    /// The invoices a day's open items would leave outside their document's sign (an invoice's open amount between 0
    /// and its amount, a credit memo's between its amount and 0), among those the day moved (`moved`: this run's receivable
    /// postings by invoice) and that kept their sign before it (an older ledger's broken item is `verify`'s to report).
    public static func brokenByDay(_ rows: [OpenItemRow], moved: [String: Int64]) -> [OpenItemRow] {
        rows.filter { row in
            guard let change = moved[row.invoiceID], change != 0, !row.keepsItsSign else { return false }
            var before = row
            before.openAmount = Money(minorUnits: row.openAmount.minorUnits &- change, currency: row.openAmount.currency)
            return before.keepsItsSign
        }
    }
}

/// The receivable postings of a run's posted entries, per invoice: what they moved, which invoices entries other
/// than openings touched, and how many entries there were.
public struct ReceivableTally: Sendable, Equatable {
    public var moved: [String: Int64] = [:]
    public var touched = Set<String>()
    public var entryCount = 0

    public init() {}

    /// What entries posted by earlier runs of the day moved (not counted as this run's, touching nothing).
    public mutating func addMoves(_ entries: ArraySlice<PostedEntry>) throws {
        for entry in entries {
            for p in entry.postings where p.account == ChartOfAccounts.accountsReceivable {
                if let invoice = p.invoiceID { try MinorUnits.add(p.amount.minorUnits, to: &moved[invoice, default: 0], of: "what the day moved on invoice \(invoice)") }
            }
        }
    }

    public mutating func add(sourceKey: String, postings: [Posting], opening: Bool) throws {
        entryCount += 1
        for p in postings where p.account == ChartOfAccounts.accountsReceivable {
            guard let invoice = p.invoiceID else { continue }
            try MinorUnits.add(p.amount.minorUnits, to: &moved[invoice, default: 0], of: "what the day moved on invoice \(invoice)")
            if !opening { touched.insert(invoice) }
        }
    }
}
