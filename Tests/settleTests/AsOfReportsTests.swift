import Foundation
import Testing
import TestSupport

/// A report of day D is as of the end of D on the effective-day axis, also when D is run again after later days: the
/// aging's unapplied cash agrees with `ledger balance --account 2100 --as-of D`, not with the ledger as it stands now.
@Suite struct AsOfReportsTests {
    /// Each customer's unapplied cash in an aging.csv (column `unapplied`), where it is not 0.00.
    static func unapplied(_ path: String) throws -> [String: String] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = try #require(lines.first).split(separator: ",").map(String.init)
        let column = try #require(header.firstIndex(of: "unapplied"))
        var out: [String: String] = [:]
        for line in lines.dropFirst() {
            // The customer's name may hold a quoted comma: the unapplied column counts from the end.
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let value = fields[fields.count - (header.count - column)]
            if value != "0.00" { out[fields[0]] = value }
        }
        return out
    }

    /// `ledger balance --account 2100 --by-customer` (as of a day or now), as unapplied cash: the credit balance turned positive.
    static func ledgerUnapplied(_ ledger: String, asOf day: String?) async throws -> [String: String] {
        var arguments = ["ledger", "balance", "--ledger", ledger, "--account", "2100", "--by-customer", "--json"]
        if let day { arguments += ["--as-of", day] }
        let result = await SettleHarness.settle(arguments)
        #expect(result.code == 0, "\(result.err)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [[String: Any]])
        var out: [String: String] = [:]
        for row in rows {
            guard let customer = row["customer_id"] as? String, let balance = row["balance"] as? NSNumber else { continue }
            // In cents, exactly (a decimal, never a binary fraction), turned into the report's text.
            let cents = NSDecimalNumber(decimal: balance.decimalValue * -100).int64Value
            if cents != 0 { out[customer] = "\(cents < 0 ? "-" : "")\(abs(cents) / 100).\(String(format: "%02lld", abs(cents) % 100))" }
        }
        return out
    }

    @Test func aRerunOfAnEarlierDayShowsTheUnappliedCashOfThatDay() async throws {
        let folder = TestPaths.temporaryDirectory("as-of")
        let job = try SettleHarness.sampleJob(in: folder)
        let ledger = folder + "/l.sqlite"
        let week = await SettleHarness.settle(["run", job, "--from", "2026-11-02", "--to", "2026-11-06"])
        #expect(week.code == 0 || week.code == 4, "\(week.err)")
        let rerun = await SettleHarness.settle(["run", job, "--date", "2026-11-02"])
        #expect(rerun.code == 0 || rerun.code == 4, "\(rerun.err)")
        let aging = try Self.unapplied(folder + "/out/2026-11-02/aging.csv")
        let asOf = try await Self.ledgerUnapplied(ledger, asOf: "2026-11-02")
        let now = try await Self.ledgerUnapplied(ledger, asOf: nil)
        #expect(aging == asOf)
        // The week moved unapplied cash after the 2nd: a report of the 2nd made from the ledger as it stands would differ.
        #expect(asOf != now, "no unapplied cash moved after 2026-11-02 in the samples: the test would not tell")
    }
}
