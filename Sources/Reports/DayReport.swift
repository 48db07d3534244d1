import Accounting
import Core
import Ledger
import Matching

/// One row of `remittance.csv`: one application of a receipt (or its unapplied rest).
public struct RemittanceRow: Sendable, Hashable {
    public var receiptID: String
    public var source: String
    public var sourceRef: String
    public var valueDay: Day
    public var customerID: String
    public var receiptAmount: Money
    public var invoiceID: String
    public var applied: Money
    public var discount: Money
    public var writeOff: Money
    public var rule: String
    public var confidence: Int
    /// Who decided, for a reviewer's decision booked today (`rule` = `review`); empty otherwise.
    public var decidedBy = ""

    public init(receiptID: String, source: String, sourceRef: String, valueDay: Day, customerID: String, receiptAmount: Money, invoiceID: String,
                applied: Money, discount: Money, writeOff: Money, rule: String, confidence: Int) {
        self.receiptID = receiptID
        self.source = source
        self.sourceRef = sourceRef
        self.valueDay = valueDay
        self.customerID = customerID
        self.receiptAmount = receiptAmount
        self.invoiceID = invoiceID
        self.applied = applied
        self.discount = discount
        self.writeOff = writeOff
        self.rule = rule
        self.confidence = confidence
    }

    /// The remittance row of an application row: the receipt's source, reference, value day and amount beside how it
    /// was applied (the one way the run's decisions, returns and held cash applied later become remittance rows).
    public init(_ row: some ApplicationFacts, receiptAmount: Money, valueDay: Day) {
        self.init(receiptID: row.receiptID, source: row.source, sourceRef: row.sourceRef, valueDay: row.valueDay ?? valueDay, customerID: row.customerID ?? "",
                  receiptAmount: receiptAmount, invoiceID: row.invoiceID ?? "", applied: row.applied, discount: row.discount, writeOff: row.writeOff,
                  rule: row.rule, confidence: row.confidence)
        decidedBy = row.decidedBy
    }

    /// The rows a decision gives: one per application, plus one for cash left unapplied.
    public static func rows(for decision: Decision) -> [RemittanceRow] {
        var rows: [RemittanceRow] = []
        append(decision, to: &rows)
        return rows
    }

    /// Appends the decision's rows: one per application, one for cash left unapplied.
    public static func append(_ decision: Decision, to rows: inout [RemittanceRow]) {
        let r = decision.receipt
        for k in decision.applications.indices { rows.append(RemittanceRow(DecisionApplication(decision, k), receiptAmount: r.amount, valueDay: r.valueDay)) }
        if !decision.unapplied.isZero { rows.append(RemittanceRow(DecisionApplication(decision, nil), receiptAmount: r.amount, valueDay: r.valueDay)) }
    }
}

/// The rows of `remittance.csv` without making them: the day's decisions (a row per application and one for cash
/// left unapplied, made when read) and other rows (returns) after them. A million receipts' rows are 8 bytes each
/// until written, not a row struct each.
public struct RemittanceList: RandomAccessCollection, Sendable {
    public let decisions: [Decision]
    /// Per row of the decisions: the decision's index (high 32 bits), and its application's index + 1 (0: the
    /// unapplied rest).
    private let slots: [UInt64]
    public let rows: [RemittanceRow]

    public init(_ rows: [RemittanceRow] = []) {
        decisions = []
        slots = []
        self.rows = rows
    }

    public init(decisions: [Decision], then rows: [RemittanceRow]) {
        var slots: [UInt64] = []
        slots.reserveCapacity(decisions.count + decisions.count / 4)
        for (d, decision) in decisions.enumerated() {
            for k in decision.applications.indices { slots.append(UInt64(d) << 32 | UInt64(k + 1)) }
            if !decision.unapplied.isZero { slots.append(UInt64(d) << 32) }
        }
        self.decisions = decisions
        self.slots = slots
        self.rows = rows
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { slots.count + rows.count }

    public subscript(position: Int) -> RemittanceRow {
        guard position < slots.count else { return rows[position - slots.count] }
        let slot = slots[position]
        let decision = decisions[Int(slot >> 32)]
        let r = decision.receipt
        let k = Int(slot & 0xffff_ffff)
        return RemittanceRow(DecisionApplication(decision, k > 0 ? k - 1 : nil), receiptAmount: r.amount, valueDay: r.valueDay)
    }

    /// Rows that share a receipt: each decision's rows, and each other row alone (first row, count).
    var groups: [(first: Int, count: Int)] {
        var out: [(first: Int, count: Int)] = []
        out.reserveCapacity(decisions.count + rows.count)
        var i = 0
        while i < slots.count {
            let d = slots[i] >> 32
            var end = i + 1
            while end < slots.count, slots[end] >> 32 == d { end += 1 }
            out.append((i, end - i))
            i = end
        }
        for j in rows.indices { out.append((slots.count + j, 1)) }
        return out
    }

    /// The receipt of a row's day, source and reference: what the remittance report sorts by, before the receipt's id.
    func receiptFields(_ position: Int) -> (day: Day, source: String, reference: String) {
        guard position < slots.count else {
            let row = rows[position - slots.count]
            return (row.valueDay, row.source, row.sourceRef)
        }
        let r = decisions[Int(slots[position] >> 32)].receipt
        return (r.valueDay, r.source.rawValue, r.sourceRef)
    }

    /// The id of a row's receipt (made when asked: most receipts' ids are kept as numbers).
    func receiptID(_ position: Int) -> String {
        guard position < slots.count else { return rows[position - slots.count].receiptID }
        return decisions[Int(slots[position] >> 32)].receipt.id
    }

    func invoiceID(_ position: Int) -> String {
        guard position < slots.count else { return rows[position - slots.count].invoiceID }
        let k = Int(slots[position] & 0xffff_ffff)
        return k == 0 ? "" : decisions[Int(slots[position] >> 32)].applications[k - 1].invoiceID
    }
}

/// Everything the reports of one day show.
public struct DayReport: Sendable {
    public var day: Day
    public var runID: Int64
    public var remittance: RemittanceList
    public var exceptions: [MatchException]
    public var openItems: [OpenItemRow]
    public var journal: [PostedEntry]
    /// The day's summary: counts and totals per stage, match rate.
    public var summary: JSONValue
    /// Receivables aging and credit exposure per customer and currency at the end of the day.
    public var aging: [AgingRow] = []
    /// Remittance advice: each application of the day, by customer.
    public var advice = AdviceList()
    /// Customer names by id (reports show them beside ids).
    public var customerNames: [String: String] = [:]
    /// What each receipt carried (remittance and payment text) and why it was decided as it was, by receipt id.
    public var receiptTexts: [String: String] = [:]
    public var evidence: [String: String] = [:]
    /// The invoices each receipt's rules looked at and set aside, with the receipt's amount (for a fit score).
    public var candidates: [String: (amount: Money, list: [Candidate])] = [:]
    /// The ledger the resolve commands name.
    public var ledgerPath = ""
    /// The entity whose books the ledger keeps when it is a database of many (`--entity` in the commands pages print).
    public var ledgerEntity = ""
    /// For the worklist beside the day's own exceptions: those raised before the day still open at its end, and the
    /// day's own no longer simply open (`LedgerReading.worklistBeside`). A run reads them after its commit.
    public var worklistEarlier: [WorklistRow] = []
    public var worklistChanged: [WorklistRow] = []
    /// The run days before this one (and this one), oldest first: receipts and exceptions.
    public var trend: [TrendDay] = []

    public struct TrendDay: Sendable, Hashable {
        public var day: String
        public var receipts: Int
        public var exceptions: Int
        public init(day: String, receipts: Int, exceptions: Int) {
            self.day = day
            self.receipts = receipts
            self.exceptions = exceptions
        }
    }

    public init(day: Day, runID: Int64, remittance: [RemittanceRow], exceptions: [MatchException], openItems: [OpenItemRow], journal: [PostedEntry], summary: JSONValue) {
        self.day = day
        self.runID = runID
        self.remittance = RemittanceList(remittance)
        self.exceptions = exceptions
        self.openItems = openItems
        self.journal = journal
        self.summary = summary
    }
}
