import Core
import Matching
import Statements
import Testing

/// A line per file settles the batches of one file only: never batches of different files, nor batches whose file is
/// not known, added up as if they were one file.
@Suite struct SettlementFileTotalTests {
    static func d(_ s: String) -> Day { Day.parse(s, format: .iso) ?? Day(civilYear: 1970, month: 1, day: 1) }

    static func line(_ cents: Int64, _ day: String) -> StatementLine {
        StatementLine(format: .bai2, account: "1", bookingDay: d(day), amount: Money(minorUnits: cents, currency: .usd), kind: .achCredit,
                      location: SourceLocation(file: "s", line: 1))
    }

    /// A batch taken on an earlier day, as the ledger gives it back (`fileKey` as the ledger kept it).
    static func pending(_ key: String, fileKey: String, fileName: String, _ cents: Int64, settling day: String, taken firstDay: String) -> SettlementItem {
        SettlementItem(key: key, role: "received", companyName: "X", fileKey: fileKey, fileName: fileName, net: Money(minorUnits: cents, currency: .usd),
                       settlementDay: d(day), windowEnd: BusinessCalendar.federalReserve.adding(businessDays: 3, to: d(day)), firstDay: d(firstDay),
                       location: "\(fileName):2")
    }

    @Test func twoPendingBatchesOfTwoFilesAreNotSettledAsOneFileByALineOfTheirSum() {
        // Two batches of two files, taken on two earlier days, each still waiting; one line shows 100 + 250. Neither a
        // batch nor a file shows that amount (nor a daily total: they settle on two days).
        for keys in [("", ""), (String(repeating: "a", count: 64), String(repeating: "b", count: 64))] {
            let items = [Self.pending("b1", fileKey: keys.0, fileName: "monday.ach", 100, settling: "2026-11-02", taken: "2026-11-02"),
                         Self.pending("b2", fileKey: keys.1, fileName: "tuesday.ach", 250, settling: "2026-11-03", taken: "2026-11-03")]
            let result = SettlementReconciler().reconcile(items: items, lines: [Self.line(350, "2026-11-04")], day: Self.d("2026-11-04"))
            #expect(result.settledBy.isEmpty, "file keys '\(keys.0)', '\(keys.1)'")
            #expect(result.levels["file"] == nil)
            #expect(result.explainedLines.isEmpty)
            #expect(result.pending.map(\.key) == ["b1", "b2"])
        }
    }

    @Test func pendingBatchesOfOneFileStillSettleByTheFilesLine() {
        let file = String(repeating: "c", count: 64)
        let items = [Self.pending("b1", fileKey: file, fileName: "monday.ach", 100, settling: "2026-11-02", taken: "2026-11-02"),
                     Self.pending("b2", fileKey: file, fileName: "monday.ach", 250, settling: "2026-11-03", taken: "2026-11-02")]
        let result = SettlementReconciler().reconcile(items: items, lines: [Self.line(350, "2026-11-04")], day: Self.d("2026-11-04"))
        #expect(result.settledBy == ["b1": 0, "b2": 0])
        #expect(result.levels["file"] == 1)
    }
}
