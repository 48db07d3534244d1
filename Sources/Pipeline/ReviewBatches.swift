import Accounting
import Core
import Ledger
import Matching

/// Decisions on batches that never reached the bank (`UNSETTLED_BATCH`: `--settled-by`, `--reverse`, `--write-off`),
/// and the receipts linked to them (a batch's own receipts, the line that settled it): the facts read to check them
/// when they are decided and when they are booked.
extension Review {
    /// The batch an `UNSETTLED_BATCH` exception was raised for (nil: none the ledger knows).
    static func batch(ofException id: String, view: any LedgerReading) async throws -> SettlementItemRow? {
        try await view.raisedBatches().first { SettlementEffects.unsettledException($0.batchKey) == id }
    }

    /// Whether a batch is still waiting for the bank: raised as unsettled, and no line (nor a decision) settled it.
    static func waits(_ item: SettlementItemRow) -> Bool { item.unsettledDay != nil && item.settledDay == nil }

    /// The `UNSETTLED_BATCH` exception of the batch an ACH receipt of `day` came in, with its batch (nil: the receipt
    /// came in no batch raised as unsettled).
    static func batch(ofReceipt receiptID: String, day: Day, view: any LedgerReading) async throws -> (exceptionID: String, item: SettlementItemRow)? {
        guard !receiptID.isEmpty, let key = try await view.receiptBatch(receiptID: receiptID, day: day),
              let item = try await view.raisedBatches().first(where: { $0.batchKey == key }) else { return nil }
        return (SettlementEffects.unsettledException(key), item)
    }

    /// A statement line named by `--settled-by`, as the ledger holds it now (nil: no receipt of that id).
    static func line(_ receiptID: String, view: any LedgerReading) async throws -> StatementLineFacts? {
        guard let origin = try await view.receiptOrigin(receiptID: receiptID) else { return nil }
        let rows = try await view.receiptRows(receiptIDs: [receiptID], from: origin.day, before: nil)
        let taken = try await view.settledByDecisions().first { $0.receiptID == receiptID }?.exceptionID
        return StatementLineFacts(receiptID: receiptID, sourceKey: origin.sourceKey, rows: rows, takenBy: taken)
    }

    /// What a decision on a batch, or on a receipt linked to one, is checked against besides the exception.
    static func batchFacts(for request: ReviewRequest, exception: ExceptionRow, into facts: inout ReviewFacts, view: any LedgerReading) async throws {
        if exception.type == ExceptionType.unsettledBatch.rawValue {
            switch request.kind {
            case .settledBy:
                facts.line = try await line(request.settledBy, view: view)
            case .reverse:
                guard let item = try await batch(ofException: exception.exceptionID, view: view) else { return }
                let receipts = try await view.batchReceipts(batchKey: item.batchKey).map(\.receiptID)
                facts.batchRows = try await view.receiptRows(receiptIDs: receipts, from: item.firstDay, before: nil)
            default:
                break
            }
        } else if request.kind == .apply || request.kind == .refund, !exception.receiptID.isEmpty {
            if let (batchException, item) = try await batch(ofReceipt: exception.receiptID, day: exception.day, view: view), waits(item) {
                facts.unsettledBatch = batchException
            }
            facts.settlesBatch = try await view.settledByDecisions().first { $0.receiptID == exception.receiptID }?.exceptionID
        }
    }

    /// The exceptions linked to one: for an `UNSETTLED_BATCH`, those raised on its receipts and on the line its
    /// `--settled-by` names; for a receipt's, its batch's `UNSETTLED_BATCH` and the batch its line settles.
    public static func linked(to exception: ExceptionRow, view: any LedgerReading) async throws -> [ExceptionRow] {
        var ids: [String] = []
        var receipts: [String] = []
        if exception.type == ExceptionType.unsettledBatch.rawValue {
            if let item = try await batch(ofException: exception.exceptionID, view: view) {
                receipts = try await view.batchReceipts(batchKey: item.batchKey).map(\.receiptID)
            }
            receipts += try await view.settledByDecisions().filter { $0.exceptionID == exception.exceptionID }.map(\.receiptID)
        } else if !exception.receiptID.isEmpty {
            if let (batchException, _) = try await batch(ofReceipt: exception.receiptID, day: exception.day, view: view) { ids.append(batchException) }
            ids += try await view.settledByDecisions().filter { $0.receiptID == exception.receiptID }.map(\.exceptionID)
        }
        var out = try await view.exceptions(receiptIDs: receipts)
        for id in ids { if let e = try await view.exception(id: id) { out.append(e) } }
        return out.filter { $0.exceptionID != exception.exceptionID }
    }
}

extension DayRun {
    /// What the run knows of batches raised as unsettled, for the decisions it books: each by its exception's id, the
    /// lines decisions named, and those booked by this run so far.
    struct BatchBook {
        var raised: [String: SettlementItemRow] = [:]
        /// Exceptions of batches a line of today's statement settled.
        var settledToday: Set<String> = []
        var lines: [(exceptionID: String, receiptID: String, booked: Bool)] = []
        /// Lines a `--settled-by` booked by this run took: line → the batch's exception.
        var takenToday: [String: String] = [:]

        /// Whether the batch of an exception was waiting as the day began (a decision of an earlier run of this day that
        /// closed it counts nothing), and no line of today's statement settled it.
        func waits(_ exceptionID: String, on day: Day) -> Bool {
            guard let item = raised[exceptionID], !settledToday.contains(exceptionID) else { return false }
            return item.settledDay.map { $0 >= day } ?? true
        }
    }

    func batchBook(settledToday: Set<String>) async throws -> BatchBook {
        var book = BatchBook(settledToday: settledToday)
        for item in try await view.raisedBatches() { book.raised[SettlementEffects.unsettledException(item.batchKey)] = item }
        if !book.raised.isEmpty { book.lines = try await view.settledByDecisions() }
        return book
    }

    /// What a decision on a batch moves as the ledger holds it before the day (with the day's own held cash applied),
    /// or the unsettled batch an applied or refunded receipt came in.
    func batchFacts(_ booking: ReviewBooking, kind: ReviewDecisionKind?, book: BatchBook, cash: Cash) async throws -> BatchBookingFacts {
        var facts = BatchBookingFacts()
        if booking.type == ExceptionType.unsettledBatch.rawValue, let item = book.raised[booking.exceptionID] {
            if kind == .settledBy, let line = booking.applications.first?.invoiceID, let origin = try await view.receiptOrigin(receiptID: line) {
                facts.rows = try await view.receiptRows(receiptIDs: [line], from: origin.day, before: day)
                facts.lineTakenBy = book.takenToday[line] ?? book.lines.first { $0.receiptID == line && $0.booked && $0.exceptionID != booking.exceptionID }?.exceptionID
            } else if kind == .reverse {
                let receipts = Set(try await view.batchReceipts(batchKey: item.batchKey).map(\.receiptID))
                facts.rows = try await view.receiptRows(receiptIDs: receipts.sorted(), from: item.firstDay, before: day)
                for r in cash.reapplied where receipts.contains(r.held.receipt.id) { facts.rows += try HeldCash.applicationRows(r, day: day) }
            }
        } else if kind == .apply || kind == .refund, !booking.receiptID.isEmpty, !book.raised.isEmpty,
                  let key = try await view.receiptBatch(receiptID: booking.receiptID, day: booking.day) {
            let id = SettlementEffects.unsettledException(key)
            if book.waits(id, on: day) { facts.unsettledBatch = id }
        }
        return facts
    }

    /// What booking a batch's decision does beside its entry: the batch closed (no line settles it after), or waiting
    /// again when its decision was reopened; the exceptions linked to it resolved together, with a note naming it.
    func linkedOnBooking(_ booking: ReviewBooking, kind: ReviewDecisionKind?, book: inout BatchBook, into out: inout ReviewBookings) async throws {
        guard booking.type == ExceptionType.unsettledBatch.rawValue, let item = book.raised[booking.exceptionID] else { return }
        let key = "review:\(booking.exceptionID)"
        guard let kind else {
            if item.settledBy == key { out.batchesReopened.append((item.batchKey, key)) }
            return
        }
        guard kind == .settledBy || kind == .reverse || kind == .writeOff else { return }
        out.batchesClosed.append((item.batchKey, key))
        let by = booking.decidedBy.isEmpty ? "" : ", decided by \(booking.decidedBy)"
        let batch = "the batch of \(item.companyName) in \(item.fileName) (\(item.net), UNSETTLED_BATCH \(booking.exceptionID))"
        if kind == .settledBy, let line = booking.applications.first?.invoiceID {
            book.takenToday[line] = booking.exceptionID
            let note = "resolved with UNSETTLED_BATCH \(booking.exceptionID): this line settled \(batch) (--settled-by\(by)), booked by the run of \(day); "
                + "its money is the batch's, counted once"
            out.together += try await view.openExceptions(receiptIDs: [line]).map { ($0.exceptionID, note) }
            return
        }
        let receipts = try await view.batchReceipts(batchKey: item.batchKey).map(\.receiptID)
        let done = kind == .reverse ? "reversed out of ACH in transit, its receipts' applications undone" : "written off out of ACH in transit"
        let note = "resolved with UNSETTLED_BATCH \(booking.exceptionID): \(batch) never reached the bank and was \(done)\(by), booked by the run of \(day)"
        out.together += try await view.openExceptions(receiptIDs: receipts).map { ($0.exceptionID, note) }
    }
}
