import Accounting
import Core
import Ledger
import Matching

/// `summary.json`: counts and totals per stage and the match rate, as the day stands after the run — nothing about the
/// run itself (its id, what it posted, its timings: those go to the run log), so a rerun that changes nothing writes the
/// same bytes.
public enum Summary {
    /// A bank account's statement closing beside the books' cash for it.
    public struct BankTie: Sendable {
        /// The account, masked.
        public var account: String
        /// The statement's own day (its closing balance's).
        public var day: Day
        public var closing: Money
        public var book: Money
        /// An expected statement that did not come: no closing, no books to compare (`status` "no statement").
        public var missing = false
        /// The statement's opening and the credits and debits of its lines (nil: not known, as for a missing statement).
        public var movement: StatementMovement?
        public init(account: String, day: Day, closing: Money, book: Money, movement: StatementMovement? = nil) {
            self.account = account
            self.day = day
            self.closing = closing
            self.book = book
            self.movement = movement
        }

        /// The row of an expected statement that did not come.
        public init(account: String, day: Day, currency: Currency) {
            self.init(account: account, day: day, closing: .zero(currency), book: .zero(currency))
            missing = true
        }
    }

    /// The day's journal as it stands (every run of the day), counted entry by entry as they are posted or read:
    /// the entries themselves are not kept.
    public struct LedgerCounts: Sendable, Equatable {
        public var entries = 0
        public var postings = 0
        public var reversals = 0
        /// Receivable postings of the entries that open invoices (counted as invoices opened, not as business).
        public var invoicesOpened = 0

        public init() {}

        public mutating func add(_ entry: PostedEntry, isInvoiceOpening: Bool) {
            entries += 1
            if entry.kind == .reversal { reversals += 1 }
            postings += entry.postings.count
            if isInvoiceOpening {
                for p in entry.postings where p.account == ChartOfAccounts.accountsReceivable { invoicesOpened += 1 }
            }
        }
    }

    /// The money the day's returns took back, and how many took some: a return's entry credits ACH in transit by the
    /// amount that leaves (`PostingRules.entry(for: ReturnReversal)`); a dishonored return posts nothing and takes nothing.
    public static func returned(_ returnDrafts: [JournalEntryDraft], day: Day) throws(MoneyOverflow) -> (count: Int, minorUnits: Int64) {
        var count = 0, total: Int64 = 0
        for draft in returnDrafts {
            var left: Int64 = 0
            for p in draft.postings where p.account == ChartOfAccounts.achClearing {
                left = try MinorUnits.difference(left, p.amount.minorUnits, of: "the return \(draft.sourceKey)")
            }
            guard left != 0 else { continue }
            count += 1
            try MinorUnits.add(left, to: &total, of: "the returns of \(day)")
        }
        return (count, total)
    }

    /// Whether the day's cash can be checked against the bank: `complete` (every expected statement came, and the day
    /// had statements), `partial` (an expected statement is missing) or `none` (no statement balance and no line read).
    public static func bankData(_ bankTies: [BankTie], statementLineCount: Int) -> String {
        if bankTies.contains(where: \.missing) { return bankTies.contains { !$0.missing } ? "partial" : "none" }
        return bankTies.isEmpty && statementLineCount == 0 ? "none" : "complete"
    }

    public static func make(day: Day, job: String, currency: Currency, ledgerCounts: LedgerCounts, fileCount: Int, rejectedCount: Int, acceptedCount: Int, nachaBatchCount: Int, nachaEntryCount: Int,
                     statementLineCount: Int, skippedLineCount: Int = 0, achBatchCount: Int, reconciliation: SettlementResult, decisions: [Decision],
                     exceptions: [MatchException], dryRun: Bool,
                     bankTies: [BankTie] = [], returnDrafts: [JournalEntryDraft] = [],
                     reviewed: (booked: Int, rows: [ApplicationRow]) = (0, [])) throws(MoneyOverflow) -> JSONValue {
        // Amounts as decimal strings (CONTRACT): exact, never a binary floating-point number to a JSON reader.
        func money(_ minor: Int64) -> JSONValue { .string(MoneyFormat.plain(minor, exponent: currency.exponent)) }
        var receiptTotal: Int64 = 0, applied: Int64 = 0, discount: Int64 = 0, writeOff: Int64 = 0, unapplied: Int64 = 0
        var fullyApplied = 0
        var byRule: [String: Int] = [:]
        var bySource: [String: (count: Int, amount: Int64)] = [:]
        for d in decisions {
            try MinorUnits.add(d.receipt.amount.minorUnits, to: &receiptTotal, of: "the receipts of \(day)")
            let source = d.receipt.source.rawValue
            var ofSource = bySource[source] ?? (0, 0)
            ofSource.count += 1
            try MinorUnits.add(d.receipt.amount.minorUnits, to: &ofSource.amount, of: "the \(source) receipts of \(day)")
            bySource[source] = ofSource
            try MinorUnits.add(d.unapplied.minorUnits, to: &unapplied, of: "the unapplied cash of \(day)")
            for a in d.applications {
                try MinorUnits.add(a.applied.minorUnits, to: &applied, of: "the cash applied on \(day)")
                try MinorUnits.add(a.discount.minorUnits, to: &discount, of: "the discounts of \(day)")
                try MinorUnits.add(a.writeOff.minorUnits, to: &writeOff, of: "the write-offs of \(day)")
            }
            if d.unapplied.isZero && !d.applications.isEmpty { fullyApplied += 1 }
            byRule[d.rule.rawValue, default: 0] += 1
        }
        // Match rate as a decimal with three places, in integers.
        let rate: String
        if decisions.isEmpty { rate = "1.000" } else {
            let perMille = (fullyApplied * 1000 + decisions.count / 2) / decisions.count
            rate = MoneyFormat.plain(Int64(perMille), exponent: 3)
        }
        var counts: [ExceptionType: Int] = [:]
        for i in exceptions.indices { counts[exceptions[i].type, default: 0] += 1 }
        var byType: [(String, JSONValue)] = []
        for type in ExceptionType.allCases {
            if let n = counts[type], n > 0 { byType.append((type.rawValue, .integer(Int64(n)))) }
        }
        let ingest: [(String, JSONValue)] = [
            ("files", .integer(Int64(fileCount))),
            ("accepted", .integer(Int64(acceptedCount))),
            ("rejected", .integer(Int64(rejectedCount))),
            ("nacha_batches", .integer(Int64(nachaBatchCount))),
            ("nacha_entries", .integer(Int64(nachaEntryCount))),
            ("statement_lines", .integer(Int64(statementLineCount))),
            // Booked lines not posted (the same line twice in the day's files, or posted on an earlier day): run.log lists each.
            ("statement_lines_not_posted", .integer(Int64(skippedLineCount))),
        ]
        let inTransit = [reconciliation.pending, reconciliation.unsettled, reconciliation.stillUnsettled].joined().lazy.map(\.net.minorUnits)
        let pendingTotal = try MinorUnits.total(inTransit, of: "the ACH in transit at the end of \(day)")
        // The share of the money received that settled invoices (cash, discounts and write-offs), in thousandths,
        // rounded half up; in 128 bits, where the product by 1000 of a 64-bit total fits.
        let settled = try MinorUnits.total([applied, discount, writeOff], of: "the cash applied, discounts and write-offs of \(day)")
        let perMilleByAmount = receiptTotal > 0 ? Int64(clamping: (Int128(settled) * 1000 + Int128(receiptTotal / 2)) / Int128(receiptTotal)) : 1000
        let differences = try bankTies.map { tie throws(MoneyOverflow) in
            try MinorUnits.difference(tie.book.minorUnits, tie.closing.minorUnits, of: "the books less the bank of account \(tie.account) on \(tie.day)")
        }
        let settlement: [(String, JSONValue)] = [
            ("ach_batches", .integer(Int64(achBatchCount))),
            ("settled", .integer(Int64(reconciliation.settledCount))),
            ("settled_by", .object(reconciliation.levels.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.integer(Int64($0.value))) })),
            // Waiting inside their window: listed here, no exception.
            ("pending", .integer(Int64(reconciliation.pending.count))),
            ("pending_batches", .array(reconciliation.pending.map { item in
                .object([("batch", .string(item.key)), ("company", .string(item.companyName)), ("amount", money(item.net.minorUnits)),
                         ("settlement_day", .string(item.settlementDay.description)), ("window_end", .string(item.windowEnd.description))])
            })),
            ("unsettled", .integer(Int64(reconciliation.unsettled.count))),
            ("still_unsettled", .integer(Int64(reconciliation.stillUnsettled.count))),
            // What ACH in transit should hold at the end of the day.
            ("in_transit_total", money(pendingTotal)),
            ("statement_lines_explained", .integer(Int64(reconciliation.explainedCount))),
        ]
        let rules: [(String, JSONValue)] = byRule.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.integer(Int64($0.value))) }
        // Receipts, returns and the net of the two apart: a day with a return shows what came in and what went back.
        let returns = try returned(returnDrafts, day: day)
        let netCash = try MinorUnits.difference(receiptTotal, returns.minorUnits, of: "the receipts less the returns of \(day)")
        let cash: [(String, JSONValue)] = [
            ("receipts", .integer(Int64(decisions.count))),
            ("receipt_total", money(receiptTotal)),
            ("returns", .integer(Int64(returns.count))),
            ("return_total", money(returns.minorUnits)),
            ("net_cash_total", money(netCash)),
            ("applied_total", money(applied)),
            ("discount_total", money(discount)),
            ("writeoff_total", money(writeOff)),
            ("unapplied_total", money(unapplied)),
            ("fully_applied_receipts", .integer(Int64(fullyApplied))),
            ("match_rate", .number(rate)),
            ("match_rate_by_amount", .number(MoneyFormat.plain(perMilleByAmount, exponent: 3))),
            ("by_source", .object(bySource.sorted { $0.key < $1.key }.map { source, v in
                (source, JSONValue.object([("receipts", .integer(Int64(v.count))), ("amount", money(v.amount))]))
            })),
            ("by_rule", .object(rules)),
        ]
        // The day's journal as it stands (every run of the day), not what this run added.
        let ledger: [(String, JSONValue)] = [
            ("entries", .integer(Int64(ledgerCounts.entries))),
            ("postings", .integer(Int64(ledgerCounts.postings))),
            ("reversals", .integer(Int64(ledgerCounts.reversals))),
            ("invoices_opened", .integer(Int64(ledgerCounts.invoicesOpened))),
        ]
        let exceptionCounts: [(String, JSONValue)] = [("total", .integer(Int64(exceptions.count)))] + byType
        // Reviewers' decisions this run booked (effective today): how many, and the cash and write-offs they moved.
        let review: [(String, JSONValue)] = [
            ("decisions_booked", .integer(Int64(reviewed.booked))),
            ("applied_total", money(try MinorUnits.total(reviewed.rows.lazy.filter { $0.invoiceID != nil }.map(\.applied.minorUnits), of: "the decisions booked \(day)"))),
            ("writeoff_total", money(try MinorUnits.total(reviewed.rows.lazy.map(\.writeOff.minorUnits), of: "the decisions booked \(day)"))),
        ]
        let fields: [(String, JSONValue)] = [
            ("day", .string(day.description)),
            ("job", .string(job)),
            ("currency", .string(currency.code)),
            ("dry_run", .bool(dryRun)),
            ("ingest", .object(ingest)),
            ("settlement", .object(settlement)),
            ("cash_application", .object(cash)),
            ("ledger", .object(ledger)),
            ("bank_data", .string(bankData(bankTies, statementLineCount: statementLineCount))),
            ("bank", .array(zip(bankTies, differences).map { tie, difference in
                func amount(_ m: Money?) -> JSONValue { m.map { .string(MoneyFormat.plain($0.minorUnits, exponent: $0.currency.exponent)) } ?? .null }
                return tie.missing ? .object([("account", .string(tie.account)), ("currency", .string(tie.closing.currency.code)), ("statement_day", .string(tie.day.description)),
                                              ("opening", .null), ("credits", .null), ("debits", .null),
                                              ("statement_closing", .null), ("book_balance", .null), ("difference", .null), ("status", .string("no statement"))]) :
                .object([("account", .string(tie.account)), ("currency", .string(tie.closing.currency.code)), ("statement_day", .string(tie.day.description)),
                         ("opening", amount(tie.movement?.opening)), ("credits", amount(tie.movement?.credits)), ("debits", amount(tie.movement?.debits)),
                         ("statement_closing", amount(tie.closing)),
                         ("book_balance", amount(tie.book)),
                         ("difference", .string(MoneyFormat.plain(difference, exponent: tie.closing.currency.exponent))),
                         ("status", .string(tie.book.minorUnits == tie.closing.minorUnits ? "tied" : "difference"))])
            })),
            ("exceptions", .object(exceptionCounts)),
            ("review", .object(review)),
        ]
        return .object(fields)
    }
}
