import Accounting
import Core
import Foundation
@testable import Ledger
@testable import settle
import Testing
import TestSupport

/// The worklist of each day is every exception open at its end, whatever day raised it: a week of the Samples in which
/// exceptions are raised, decided, booked and reopened across days, each day's `exceptions.html` checked against
/// `exceptions list --status open` right after its run, and a rerun of an earlier day showing what was open then with
/// its status now.
@Suite struct WorklistTests {
    let loop = ReviewLoopTests()

    func openIDs(_ ledger: String) async -> Set<String> {
        let listed = await loop.settle(["exceptions", "list", "--ledger", ledger, "--status", "open"])
        return Set(listed.out.split(separator: "\n").dropLast().map { String($0.split(separator: " ")[0]) })
    }

    func page(_ out: String, _ day: String) throws -> String {
        try String(contentsOfFile: out + "/../" + day + "/exceptions.html", encoding: .utf8)
    }

    /// The ids the worklist page shows (each row's first cell).
    func pageIDs(_ html: String) -> Set<String> {
        var ids = Set<String>()
        for part in html.components(separatedBy: "<td class=\"id\"><code>").dropFirst() {
            ids.insert(String(part.prefix { $0 != "<" }))
        }
        return ids
    }

    func run(_ manifest: String, _ day: String) async {
        let r = await loop.settle(["run", manifest, "--date", day])
        #expect([0, 4].contains(r.code), "\(day): \(r.err)")
    }

    @Test func eachDaysWorklistIsWhatIsOpenAtItsEnd() async throws {
        let (manifest, ledger, out) = try await loop.firstDay()
        let reader = try SQLiteLedgerReader(path: ledger)
        var openAtEnd: [String: Set<String>] = [:]
        let first = await openIDs(ledger)
        #expect(!first.isEmpty)
        #expect(pageIDs(try page(out, "2026-11-02")) == first)
        #expect(Set(try reader.worklist(asOf: Day.parse("2026-11-02", format: .iso)!).map(\.exception.exceptionID)) == first)
        openAtEnd["2026-11-02"] = first

        // Decided on the morning of 11-03 (booked by its run, closed that day); another stays open across days.
        let ambiguous = try loop.exception("AMBIGUOUS", in: out)
        #expect(await loop.settle(["exceptions", "resolve", ambiguous, "--ledger", ledger, "--apply", "INV-10020=4000.00", "--note", "by phone", "--by", "ana"]).code == 0)
        await run(manifest, "2026-11-03")
        var open = await openIDs(ledger)
        #expect(!open.contains(ambiguous))
        #expect(pageIDs(try page(out, "2026-11-03")) == open)
        // What 11-02 raised and is still open is on 11-03's page, with its age.
        let carried = first.subtracting([ambiguous]).intersection(open)
        #expect(!carried.isEmpty)
        #expect(try page(out, "2026-11-03").contains("raised 2026-11-02 · 1 day old"))
        openAtEnd["2026-11-03"] = open

        // Reopened: open again from the next run on; another exception ignored, closed by the run that books it.
        #expect(await loop.settle(["exceptions", "reopen", ambiguous, "--ledger", ledger, "--note", "wrong invoice", "--by", "ben"]).code == 0)
        let ignored = try #require(carried.sorted().first)
        #expect(await loop.settle(["exceptions", "resolve", ignored, "--ledger", ledger, "--ignore", "--note", "known", "--by", "ana"]).code == 0)
        await run(manifest, "2026-11-04")
        open = await openIDs(ledger)
        #expect(open.contains(ambiguous) && !open.contains(ignored))
        #expect(pageIDs(try page(out, "2026-11-04")) == open)
        openAtEnd["2026-11-04"] = open

        await run(manifest, "2026-11-05")
        open = await openIDs(ledger)
        #expect(pageIDs(try page(out, "2026-11-05")) == open)
        openAtEnd["2026-11-05"] = open

        // A rerun of 11-03: what was open at its end (the ignored one too, decided since: no command for it).
        await run(manifest, "2026-11-03")
        let rerun = try page(out, "2026-11-03")
        let expected = openAtEnd["2026-11-03", default: []].union([ambiguous])  // reopened since: the ledger keeps no closing before a reopen
        #expect(pageIDs(rerun) == expected)
        let ignoredRow = try #require(rerun.components(separatedBy: "<td class=\"id\"><code>" + ignored).dropFirst().first?.components(separatedBy: "</tr>").first)
        #expect(ignoredRow.contains("Decided since") && !ignoredRow.contains("settle exceptions resolve"))
        let openRow = try #require(rerun.components(separatedBy: "<td class=\"id\"><code>" + ambiguous).dropFirst().first?.components(separatedBy: "</tr>").first)
        #expect(openRow.contains("settle exceptions resolve"))
    }
}
