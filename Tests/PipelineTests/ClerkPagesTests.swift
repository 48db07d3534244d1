import Core
import Foundation
import Pipeline
import Testing
import TestSupport

/// The pages a clerk works from, on the sample days: totals worked by hand from the day's rows, names beside ids,
/// every table sortable and filterable by the one script, candidates with due day, purchase order and days past
/// due, and the severity of each exception type as CONTRACT.md gives it.
@Suite struct ClerkPagesTests {
    /// The sample job's reports, run once (by the first test that asks) into a folder of their own.
    actor SampleRun {
        static let shared = SampleRun()
        private var run: Task<String, any Error>?

        func out() async throws -> String {
            if let run { return try await run.value }
            let made = Task<String, any Error> {
                let folder = NSTemporaryDirectory() + "clerk-pages-\(UUID().uuidString)"
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let path = try SampleJobTests.manifest(in: folder)
                _ = await JobRunner(manifest: try Manifest.load(path: path)).run(RunOptions(days: SampleJobTests.days, concurrency: 2))
                return folder + "/out"
            }
            run = made
            return try await made.value
        }
    }

    static func page(_ day: String, _ name: String) async throws -> String {
        try String(contentsOfFile: "\(try await SampleRun.shared.out())/\(day)/\(name)", encoding: .utf8)
    }

    /// The text of the page's totals rows (every `tfoot`), tags taken out, cells separated by `|`.
    static func totals(_ html: String) -> [String] {
        html.components(separatedBy: "<tfoot>").dropFirst().flatMap { part in
            part.components(separatedBy: "</tfoot>")[0].components(separatedBy: "</tr>").compactMap { row -> String? in
                let cells = row.components(separatedBy: "</td>").dropLast().map {
                    $0.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression).trimmingCharacters(in: .whitespacesAndNewlines)
                }
                return cells.isEmpty ? nil : cells.joined(separator: "|")
            }
        }
    }

    @Test func remittanceTotalsCashDiscountAndWriteOffOfEveryRow() async throws {
        let html = try await Self.page("2026-11-02", "remittance.html")
        // remittance.csv of 2026-11-02, by hand: cash 1,499.40 + 9,870 + 4,000 (unapplied) + 4,900 + 10,000 + 8,000 + 250
        // + 12,450 + 1,200 + 1,800 + 2,500 (unapplied) + 7,480 = 63,949.40 (57,449.40 applied, 6,500.00 unapplied);
        // discount 100.00 (INV-10001); write-off 0.60 (INV-10002, within the tolerance).
        #expect(Self.totals(html) == ["Total USD, 12 rows|63,949.40|100.00|0.60|"])
        #expect(html.contains("applied 57,449.40") && html.contains("unapplied 6,500.00"))
        // Names beside ids.
        #expect(html.contains("C001<span class=\"sub\">Acme Tools, Inc.</span>"))
        #expect(html.contains("C005<span class=\"sub\">Evergreen Hospitals</span>"))
    }

    @Test func agingTotalsEachBucketAndTheExposure() async throws {
        let html = try await Self.page("2026-11-02", "aging.html")
        // aging.csv of 2026-11-02, by hand: current 3,200 + 950.50 + 3,320 + 5,125 + 4,200 + 10,000 = 26,795.50; 1-30 days
        // 4,000 (C006); open 30,795.50; unapplied 4,000 (C006); exposure 30,795.50 - 4,000 = 26,795.50; no returns.
        #expect(Self.totals(html) == [
            "Total, 6 customers|USD|26,795.50|4,000.00|0.00|0.00|0.00|30,795.50|0.00|4,000.00",
            "Total, 6 customers|USD|30,795.50|4,000.00||26,795.50|||0",
        ])
        #expect(html.contains("C006<span class=\"sub\">Foxtrot Logistics</span>"))
    }

    @Test func everyTableOfThePagesIsSortableAndEveryPageTableFilterable() async throws {
        for day in ["2026-11-02", "2026-11-03", "2026-11-06"] {
            for name in ["remittance.html", "aging.html", "exceptions.html"] {
                let html = try await Self.page(day, name)
                let tables = html.components(separatedBy: "<table").count - 1
                #expect(tables > 0, "\(day)/\(name)")
                #expect(html.components(separatedBy: "<table class=\"sortable").count - 1 + html.components(separatedBy: "<table class=\"cands sortable").count - 1 == tables,
                        "\(day)/\(name): a table that does not sort")
                // Each page table (not a candidates table inside a row) has its filter box, and the page one script.
                let ids = html.matches(of: /<table class="sortable[^"]*" id="([^"]+)"/).map { String($0.1) }
                #expect(!ids.isEmpty && ids.allSatisfy { html.contains("<input class=\"filter\" data-table=\"\($0)\"") }, "\(day)/\(name)")
                #expect(html.components(separatedBy: "<script>").count == 2, "\(day)/\(name)")
            }
        }
    }

    @Test func ambiguousCandidatesShowDueDayPurchaseOrderAndDaysPastDue() async throws {
        let html = try await Self.page("2026-11-02", "exceptions.html")
        // INV-10020 (PO FX-301) fell due on 2026-11-01, one day before the page's day; INV-10021 (PO FX-305) on 2026-11-08.
        #expect(html.contains("INV-10020<span class=\"sub\">PO FX-301</span>"))
        #expect(html.contains("2026-11-01<span class=\"sub\">1 day past due</span>"))
        #expect(html.contains("INV-10021<span class=\"sub\">PO FX-305</span>"))
        #expect(html.contains("2026-11-08<span class=\"sub\">not past due</span>"))
    }

    @Test func severityIsTheTypes() async throws {
        let expected = ["RETURN": "error", "BANK_DIFFERENCE": "error", "INVALID_INPUT": "error", "DUPLICATE": "info"]
        var seen: Set<String> = []
        for day in SampleJobTests.days {
            for line in try await Self.page(day.description, "exceptions.csv").split(separator: "\n").dropFirst() {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                seen.insert(fields[1])
                #expect(fields[2] == expected[fields[1], default: "warning"], "\(day): \(fields[0]) \(fields[1]) is \(fields[2])")
            }
        }
        // The sample days hold a return (2026-11-06), a re-sent file (2026-11-03) and decisions to make.
        #expect(seen.isSuperset(of: ["RETURN", "DUPLICATE", "AMBIGUOUS", "UNKNOWN_CUSTOMER"]))
    }
}
