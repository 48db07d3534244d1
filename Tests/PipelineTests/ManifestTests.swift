import Core
import Foundation
import Pipeline
import Testing
import TestSupport

@Suite struct ManifestTests {
    func load(_ json: String) throws(ManifestError) -> Manifest {
        let folder = TestPaths.temporaryDirectory("manifest")
        try? "customer_id,name,aliases,ach_company_ids,credit_limit,terms\n".write(toFile: folder + "/c.csv", atomically: true, encoding: .utf8)
        try? "invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number\n".write(toFile: folder + "/i.csv", atomically: true, encoding: .utf8)
        let path = folder + "/m.json"
        try? json.write(toFile: path, atomically: true, encoding: .utf8)
        return try Manifest.load(path: path)
    }

    static let base = #""version": 1, "ledger": "l.sqlite", "output": "out", "archive": "arc", "customers": "c.csv", "invoices": "i.csv""#

    @Test func resolvesPathsAgainstTheManifestFolder() throws {
        let m = try load("{\(Self.base), \"sources\": [{\"format\": \"nacha\", \"path\": \"drop/{date}/*.ach\"}], \"matching\": {\"tolerance\": \"2.50\"}}")
        #expect(m.ledger.hasSuffix("/l.sqlite") && m.ledger.hasPrefix("/"))
        #expect(m.sources[0].path.hasSuffix("/drop/{date}/*.ach"))
        #expect(m.policy.tolerance.minorUnits == 250)
        #expect(m.sources[0].role == .received)
    }

    @Test(arguments: [
        ("{\(base), \"sources\": [], \"colour\": 1}", "\"colour\": unknown key"),
        ("{\(base), \"sources\": [{\"format\": \"xls\", \"path\": \"a\"}]}", "\"sources[0].format\": unknown format 'xls'"),
        ("{\(base), \"sources\": [{\"format\": \"nacha\", \"path\": 5}]}", "\"sources[0].path\": must be a string"),
        ("{\(base), \"sources\": [{\"format\": \"nacha\", \"path\": \"a/*/b.ach\"}]}", "wildcards are allowed in the last path component only"),
        ("{\(base), \"sources\": [{\"format\": \"nacha\", \"path\": \"a/{day}.ach\"}]}", "unknown placeholder {day}"),
        ("{\(base), \"sources\": [{\"format\": \"nacha\", \"path\": \"a/[ab].ach\"}]}", "character classes"),
        ("{\(base), \"sources\": [{\"format\": \"nacha\", \"path\": \"a\", \"role\": \"sent\"}]}", "\"sources[0].role\": must be \"received\" or \"originated\""),
        ("{\(base), \"sources\": [{\"format\": \"csv\", \"path\": \"a.csv\"}]}", "\"sources[0].profile\": is required"),
        ("{\(base), \"sources\": [], \"matching\": {\"tolerance\": \"abc\"}}", "\"matching.tolerance\""),
        ("{\(base), \"sources\": [], \"date\": \"2026-02-30\"}", "\"date\": '2026-02-30' is not a YYYY-MM-DD date"),
        ("{\"version\": 2}", "\"version\": unsupported version 2"),
        (#"{"version": 1, "ledger": "l", "output": "o", "archive": "a", "customers": "missing.csv", "invoices": "i.csv", "sources": []}"#, "\"customers\": no such file"),
        ("{\(base)}", "\"sources\": is required"),
        ("{\(base), \"sources\": [] ", "not valid JSON"),
        ("[]", "must be a JSON object"),
    ])
    func errorsNameTheKey(json: String, message: String) {
        do {
            _ = try load(json)
            Issue.record("expected an error containing \(message)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func globsMatchTheLastComponent() {
        #expect(Glob.matches(pattern: "*.ach", name: "a.ach"))
        #expect(Glob.matches(pattern: "2026-??-*.bai", name: "2026-11-x.bai"))
        #expect(!Glob.matches(pattern: "*.ach", name: "a.ach.gz"))
        #expect(Glob.matches(pattern: "*", name: ""))
    }

    @Test func daysPlanInOrder() throws {
        let m = try load("{\(Self.base), \"sources\": [], \"from\": \"2026-11-29\", \"to\": \"2026-12-02\"}")
        let today = Day(year: 2026, month: 12, day: 10)!
        #expect(JobRunner.plan(manifest: m, date: nil, from: nil, to: nil, today: today).map(\.description) == ["2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"])
        #expect(JobRunner.plan(manifest: m, date: today, from: nil, to: nil, today: today) == [today])
        let plain = try load("{\(Self.base), \"sources\": []}")
        #expect(JobRunner.plan(manifest: plain, date: nil, from: nil, to: nil, today: today).map(\.description) == ["2026-12-09"])
    }
}

@Suite struct ManifestTimeZoneTests {
    func manifest(_ extra: String) throws -> Manifest {
        let folder = TestPaths.temporaryDirectory("tz")
        try "customer_id,name\n".write(toFile: folder + "/c.csv", atomically: true, encoding: .utf8)
        try "invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount\n".write(toFile: folder + "/i.csv", atomically: true, encoding: .utf8)
        let text = #"{"version": 1, "ledger": "l.sqlite", "output": "out", "archive": "arc", "customers": "c.csv", "invoices": "i.csv", "sources": []"# + extra + "}"
        try text.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        return try Manifest.load(path: folder + "/job.json")
    }

    @Test func yesterdayIsTakenInTheManifestsTimeZone() throws {
        // 2026-11-30 03:00 UTC is still 2026-11-29 in Chicago (21:00): the default day there is 2026-11-28.
        let instant = Date(timeIntervalSince1970: 1_796_007_600)
        let utc = try manifest("")
        let chicago = try manifest(#", "timezone": "America/Chicago""#)
        #expect(utc.today(now: instant) == Day(year: 2026, month: 11, day: 30))
        #expect(chicago.today(now: instant) == Day(year: 2026, month: 11, day: 29))
        #expect(JobRunner.plan(manifest: chicago, date: nil, from: nil, to: nil, today: chicago.today(now: instant)) == [Day(year: 2026, month: 11, day: 28)!])
        #expect(throws: ManifestError.self) { try manifest(#", "timezone": "Mars/Olympus""#) }
    }
}
