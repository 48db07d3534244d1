import Accounting
import Core
// `KeyedLine` has no public initializer: the statement reading stage makes it.
@testable import Matching
import Statements
import Testing

/// What settlement posts and records (`SettlementEffects.make`): a settled batch moved from ACH in transit to the bank,
/// a legacy batch left alone, a batch past its window raised, an unexplained credit made a receipt, an unexplained debit
/// booked to suspense (a fee to bank fees), and the settlement items as they stand. Amounts worked out by hand.
@Suite struct SettlementEffectsTests {
    typealias B = Books
    static let day = B.d("2026-11-04")

    static func item(_ key: String, _ cents: Int64, settles: String, windowEnd: String, firstDay: String, unsettledDay: String? = nil) -> SettlementItem {
        SettlementItem(key: key, role: "received", companyName: "ACME TOOLS", fileKey: "sha-\(key)", fileName: "\(key).ach", net: B.m(cents),
                       settlementDay: B.d(settles), windowEnd: B.d(windowEnd), firstDay: B.d(firstDay), unsettledDay: unsettledDay.map(B.d), location: "\(key).ach:2")
    }

    static func line(_ key: String, _ cents: Int64, kind: TransactionKind, reference: String) -> KeyedLine {
        KeyedLine(line: StatementLine(format: .bai2, account: B.bankAccount, bookingDay: day, amount: B.m(cents), bankReference: reference, typeCode: "399", kind: kind,
                                      description: "\(kind.rawValue) \(reference)", location: SourceLocation(file: "day.bai", line: 10)),
                  key: key)
    }

    static func effects() -> SettlementEffects {
        // Waiting from earlier days: P 2,345.67 (settles 11-03, window to 11-06), L 300.00 (an older ledger's legacy batch, its cash
        // posted straight to the bank), O 777.00 (settled 10-27, window ended 10-30). Today's file: N 500.00 settling 11-05.
        let pending = [item("P", 234_567, settles: "2026-11-03", windowEnd: "2026-11-06", firstDay: "2026-11-02"),
                       item("L", 30_000, settles: "2026-11-03", windowEnd: "2026-11-06", firstDay: "2026-11-02"),
                       item("O", 77_700, settles: "2026-10-27", windowEnd: "2026-10-30", firstDay: "2026-10-27")]
        let new = [item("N", 50_000, settles: "2026-11-05", windowEnd: "2026-11-10", firstDay: "2026-11-04")]
        // The day's lines: the ACH credits of P and L, a 1,000.00 wire, a 310.00 check paid and a 25.00 fee.
        let lines = [line("stmt:p", 234_567, kind: .achCredit, reference: "BR-1"), line("stmt:l", 30_000, kind: .achCredit, reference: "BR-2"),
                     line("stmt:w", 100_000, kind: .wireIn, reference: "BR-3"), line("stmt:c", -31_000, kind: .checkPaid, reference: "BR-4"),
                     line("stmt:f", -2_500, kind: .fee, reference: "BR-5")]
        return SettlementEffects.make(pending: pending, new: new, lines: lines, legacyBatches: ["L"], book: B.book(), placeholders: [], day: day)
    }

    @Test func aSettledBatchMovesFromACHInTransitAndALegacyOneIsLeftAlone() {
        // P: 1010 +2,345.67, 1050 -2,345.67 on the line's day. L settles too (its line is explained) but posts nothing: its cash is in 1010 already.
        let effects = Self.effects()
        #expect(effects.drafts.map(\.sourceKey) == ["settle:P"])
        #expect(effects.drafts.map(\.postings) == [[B.p(B.cash, 234_567), B.p(B.inTransit, -234_567)]])
        #expect(effects.drafts.map(\.effectiveDay) == [Self.day])
        #expect(effects.reconciliation.settledBy.keys.sorted() == ["L", "P"])
    }

    @Test func unexplainedLinesAreAReceiptOrADebitToSuspense() {
        let effects = Self.effects()
        // The 1,000.00 wire becomes a receipt of its own, under its line's key.
        #expect(effects.statementReceipts.map(\.sourceKey) == ["stmt:w"])
        #expect(effects.statementReceipts.map(\.amount) == [B.m(100_000)])
        // The 310.00 check: suspense +310.00, cash -310.00, raised; the 25.00 fee: bank fees +25.00, cash -25.00, not raised.
        #expect(effects.bankDebitDrafts.map(\.sourceKey) == ["stmt:c", "stmt:f"])
        #expect(effects.bankDebitDrafts.map(\.postings) == [[B.p(B.suspense, 31_000), B.p(B.cash, -31_000)], [B.p(B.fees, 2_500), B.p(B.cash, -2_500)]])
        #expect(effects.exceptions.filter { $0.type == .unexplainedBankLine }.map(\.amount) == [B.m(-31_000)])
        #expect(effects.exceptions.first { $0.type == .unexplainedBankLine }?.message.contains("a debit of 310.00") == true)
    }

    @Test func aBatchPastItsWindowIsRaisedAndTheItemsAreWrittenAsTheyStand() throws {
        let effects = Self.effects()
        // O: 777.00, window ended 10-30 with no line: UNSETTLED_BATCH today.
        let raised = effects.exceptions.filter { $0.type == .unsettledBatch }
        #expect(raised.map(\.amount) == [B.m(77_700)])
        #expect(raised.first?.message.contains("did not appear on the bank statement by 2026-10-30") == true)
        // Rows: P and L settled today by their lines, O raised today, N first seen today and pending.
        let rows = Dictionary(uniqueKeysWithValues: effects.itemRows.map { ($0.batchKey, $0) })
        #expect(effects.itemRows.map(\.batchKey) == ["P", "L", "O", "N"])
        let p = try #require(rows["P"]), o = try #require(rows["O"]), n = try #require(rows["N"])
        #expect(p.settledDay == Self.day && p.settledBy == "stmt:p" && p.unsettledDay == nil && p.fileKey == "sha-P")
        #expect(rows["L"]?.settledBy == "stmt:l")
        #expect(o.settledDay == nil && o.unsettledDay == Self.day)
        #expect(n.settledDay == nil && n.unsettledDay == nil && n.net == B.m(50_000))
        #expect(effects.reconciliation.pending.map(\.key) == ["N"])
    }

    @Test func aBatchStillWaitingFromAnEarlierDayIsNotWrittenAgain() {
        // W (first seen 11-03, window to 11-07) has no line today and is inside its window: nothing changed, no row, no exception.
        let waiting = Self.item("W", 12_300, settles: "2026-11-04", windowEnd: "2026-11-07", firstDay: "2026-11-03")
        let effects = SettlementEffects.make(pending: [waiting], new: [], lines: [], legacyBatches: [], book: B.book(), placeholders: [], day: Self.day)
        #expect(effects.itemRows.isEmpty && effects.exceptions.isEmpty && effects.drafts.isEmpty)
        #expect(effects.reconciliation.pending.map(\.key) == ["W"])
    }

    @Test func aLateLineSettlingAnUnsettledBatchResolvesItsException() {
        // U 450.00, raised UNSETTLED_BATCH on 11-01 (window ended 10-31); today's 450.00 ACH credit settles it late:
        // 1010 +450.00, 1050 -450.00, and the exception U raised is resolved by settle, naming the line.
        let late = Self.item("U", 45_000, settles: "2026-10-28", windowEnd: "2026-10-31", firstDay: "2026-10-28", unsettledDay: "2026-11-01")
        let effects = SettlementEffects.make(pending: [late], new: [], lines: [Self.line("stmt:u", 45_000, kind: .achCredit, reference: "BR-9")], legacyBatches: [],
                                             book: B.book(), placeholders: [], day: Self.day)
        #expect(effects.drafts.map(\.postings) == [[B.p(B.cash, 45_000), B.p(B.inTransit, -45_000)]])
        let raisedThen = MatchException(type: .unsettledBatch, about: "U", message: "").id
        #expect(effects.resolved.map(\.exceptionID) == [raisedThen])
        #expect(effects.resolved.first?.note.contains("BR-9") == true && effects.resolved.first?.note.contains("unsettled since 2026-11-01") == true)
        // A batch settled inside its window had nothing raised: nothing to resolve.
        #expect(Self.effects().resolved.isEmpty)
    }
}
