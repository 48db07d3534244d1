import Core
import Foundation
import Ledger
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

    /// A CSV file as rows of its header's columns (a quoted field may hold a comma).
    static func table(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        func fields(_ line: String) -> [String] {
            var out: [String] = [], field = "", quoted = false
            for c in line {
                if c == "\"" { quoted.toggle() } else if c == ",", !quoted { out.append(field); field = "" } else { field.append(c) }
            }
            return out + [field]
        }
        let header = fields(try #require(lines.first))
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, fields($0))) }
    }

    /// Minor units as the reports write them (`-1234.50`).
    static func text(_ cents: Int64) -> String { "\(cents < 0 ? "-" : "")\(abs(cents) / 100).\(String(format: "%02lld", abs(cents) % 100))" }

    /// A report's amount in minor units.
    static func cents(_ text: String?) throws -> Int64 { try Money.parse(try #require(text), currency: .usd).minorUnits }

    /// `ledger balance --as-of DAY --by-customer --json`: each (account, customer or "") balance in the reports' text.
    static func ledgerBalances(_ ledger: String, asOf day: String) async throws -> [String: String] {
        let result = await SettleHarness.settle(["ledger", "balance", "--ledger", ledger, "--as-of", day, "--by-customer", "--json"])
        #expect(result.code == 0, "\(result.err)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [[String: Any]])
        var out: [String: Int64] = [:]
        for row in rows {
            guard let account = row["account"] as? String, let balance = row["balance"] as? NSNumber else { continue }
            let cents = NSDecimalNumber(decimal: balance.decimalValue * 100).int64Value
            out["\(account) \(row["customer_id"] as? String ?? "")", default: 0] += cents
            out["\(account) *", default: 0] += cents
        }
        return out.filter { $0.value != 0 }.mapValues(text)
    }

    /// The sample job with every source (received and originated ACH, the returns, BAI2), ledger and reports in `folder`.
    static func fullSampleJob(in folder: String) throws -> String {
        let samples = TestPaths.samples
        try """
            {"version": 1, "ledger": "\(folder)/l.sqlite", "output": "\(folder)/out", "archive": "\(folder)/arc",
             "customers": "\(samples)/customers.csv", "invoices": "\(samples)/invoices.csv",
             "sources": [{"format": "nacha", "path": "\(samples)/{date}/ach/*.ach", "role": "received"},
                         {"format": "nacha", "path": "\(samples)/{date}/ach-originated/*.ach", "role": "originated"},
                         {"format": "nacha", "path": "\(samples)/{date}/ach-returns/*.ach", "role": "originated"},
                         {"format": "bai2", "path": "\(samples)/{date}/bank/*.bai"}],
             "matching": {"tolerance": "1.00", "ambiguous": "exception"}}
            """.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        return folder + "/job.json"
    }

    /// Every money figure of day D's aging.csv and summary.json against the ledger as of the end of D: each customer's
    /// open receivables and credits (1200), unapplied cash (2100), exposure, average days to pay (the applications of
    /// the 365 days through D) and returns (90 days through D); ACH in transit (1050) and each statement's book balance.
    static func checkAgainstLedger(_ folder: String, day: String) async throws {
        let ledger = folder + "/l.sqlite"
        let balances = try await ledgerBalances(ledger, asOf: day)
        let d = try #require(Day.parse(day, format: .iso))
        let reader = try SQLiteLedgerReader(path: ledger)
        let paid = try reader.payments(from: d.adding(days: -365), through: d)
        let returned = try reader.returnKeys(from: d.adding(days: -90), through: d)
        let aging = try table("\(folder)/out/\(day)/aging.csv")
        for row in aging {
            let c = try #require(row["customer_id"])
            let (open, credits, unapplied) = (try cents(row["open_total"]), try cents(row["open_credits"]), try cents(row["unapplied"]))
            #expect(text(open + credits) == balances["1200 \(c)", default: "0.00"], "\(day) \(c): open \(open + credits) \(balances)")
            #expect(text(-unapplied) == balances["2100 \(c)", default: "0.00"], "\(day) \(c)")
            #expect(row["exposure"] == text(open + credits - unapplied), "\(day) \(c)")
            let average = paid[c].flatMap { p in p.applied > 0 ? (p.weightedDays * 10 + p.applied / 2) / p.applied : nil }
            #expect(row["avg_days_to_pay"] == average.map { "\($0 / 10).\($0 % 10)" } ?? "", "\(day) \(c): \(paid[c].map { "\($0)" } ?? "none")")
            #expect(row["returns_90d"] == "\(returned[c]?.count ?? 0)", "\(day) \(c)")
        }
        // No customer the ledger holds money for is missing from the aging.
        let shown = Set(aging.compactMap { $0["customer_id"] })
        for key in balances.keys where key.hasPrefix("1200 C") || key.hasPrefix("2100 C") {
            #expect(shown.contains(String(key.dropFirst(5))), "\(day): \(key) \(balances[key] ?? "") not in aging.csv")
        }
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/out/\(day)/summary.json"))) as? [String: Any])
        let settlement = try #require(summary["settlement"] as? [String: Any])
        #expect(settlement["in_transit_total"] as? String == balances["1050 *", default: "0.00"], "\(day): \(settlement)")
        for bank in summary["bank"] as? [[String: Any]] ?? [] {
            let cash = balances.filter { $0.key.hasPrefix("1000") && $0.key.hasSuffix(" *") }.map(\.value)
            #expect(cash.contains(bank["book_balance"] as? String ?? ""), "\(day): \(bank) \(cash)")
        }
    }

    /// Each day of the sample week run in turn (a reviewer's decision booked on 11-03, a return on 11-06, batches in
    /// transit across days, an unsettled batch written off on 11-09), each day's aging.csv and summary.json kept; then
    /// each day run again after the later days: the same figures as its first run, and each agrees with the ledger as of
    /// its end.
    @Test func everyMoneyFigureOfARerunDayIsThatOfItsFirstRunAndOfTheLedgerAsOfIt() async throws {
        let folder = TestPaths.temporaryDirectory("as-of-week")
        let job = try Self.fullSampleJob(in: folder)
        let days = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-09"]
        var first: [String: (aging: String, summary: String)] = [:]
        for day in days {
            let run = await SettleHarness.settle(["run", job, "--date", day])
            #expect(run.code == 0 || run.code == 4, "\(day): \(run.err)")
            first[day] = (try String(contentsOfFile: "\(folder)/out/\(day)/aging.csv", encoding: .utf8),
                          try String(contentsOfFile: "\(folder)/out/\(day)/summary.json", encoding: .utf8))
            try await Self.checkAgainstLedger(folder, day: day)
            if day == "2026-11-02" {
                // Foxtrot's 4,000.00 (AMBIGUOUS) put on INV-10020 by a reviewer: booked by the run of 11-03.
                let exceptions = try Self.table("\(folder)/out/\(day)/exceptions.csv")
                let id = try #require(exceptions.first { $0["type"] == "AMBIGUOUS" }?["exception_id"])
                let resolved = await SettleHarness.settle(["exceptions", "resolve", id, "--ledger", folder + "/l.sqlite", "--apply", "INV-10020=4000.00",
                                                           "--note", "called Foxtrot", "--by", "ana"])
                #expect(resolved.code == 0, "\(resolved.err)")
            }
            if day == "2026-11-06" {
                // GALAXY RETAIL's 2,500.00 batch never reached the bank: written off out of ACH in transit, booked on 11-09.
                let exceptions = try Self.table("\(folder)/out/\(day)/exceptions.csv")
                let id = try #require(exceptions.first { $0["type"] == "UNSETTLED_BATCH" }?["exception_id"])
                let resolved = await SettleHarness.settle(["exceptions", "resolve", id, "--ledger", folder + "/l.sqlite", "--write-off",
                                                           "--note", "never reached the bank", "--by", "ana", "--approved-by", "ben"])
                #expect(resolved.code == 0, "\(resolved.err)")
            }
        }
        // Each day again, the last (the write-off's booking day) too.
        for day in days {
            let rerun = await SettleHarness.settle(["run", job, "--date", day])
            #expect(rerun.code == 0 || rerun.code == 4, "\(day): \(rerun.err)")
            #expect(try String(contentsOfFile: "\(folder)/out/\(day)/aging.csv", encoding: .utf8) == first[day]?.aging, "\(day)")
            #expect(try String(contentsOfFile: "\(folder)/out/\(day)/summary.json", encoding: .utf8) == first[day]?.summary, "\(day)")
            try await Self.checkAgainstLedger(folder, day: day)
        }
    }
}
