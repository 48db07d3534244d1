import ACH
import Core
import Foundation
import Ledger
import Pipeline
import Scenario
import Testing
import TestSupport

/// A month of autopay through the nightly job against the bank's truth (`AutopayMonth`): every night's debit file entry
/// by entry (prenotes, pulls on their day, retries on theirs, corrected accounts, nothing for a mandate a return
/// stopped), each mandate's status and the return rates day by day, and at the end every invoice whose pull settled
/// closed without a person, the given-up ones open.
@Suite struct AutopayMonthTests {
    static func sent(_ path: String) throws -> [AutopayMonth.Sent] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var reader = NACHAReader(source: MemoryByteSource([UInt8](data)), fileName: path)
        var out: [AutopayMonth.Sent] = []
        while let batch = try reader.nextBatch() {
            let retry = batch.header.companyEntryDescription.trimmingCharacters(in: .whitespaces) == "RETRY PYMT"
            for entry in batch.entries {
                let d = entry.detail
                let rmr = entry.paymentRelatedInformation.split(separator: "*")
                out.append(AutopayMonth.Sent(trace: d.traceNumber, transactionCode: d.transactionCode, routing: d.receivingDFI + d.checkDigit,
                                             account: d.dfiAccountNumber.trimmingCharacters(in: .whitespaces), cents: d.amountCents,
                                             invoiceID: rmr.count > 2 ? String(rmr[2]) : "", customerID: d.identificationNumber.trimmingCharacters(in: .whitespaces),
                                             retry: retry))
            }
        }
        #expect(!reader.diagnostics.hasErrors, "\(path): \(reader.diagnostics.items.prefix(3))")
        return out
    }

    @Test func aMonthOfPullsMatchesTheBanksTruthDayByDay() async throws {
        var month = AutopayMonth()
        let folder = TestPaths.temporaryDirectory("autopay-month")
        try month.writeJob(in: folder)
        let manifest = try Manifest.load(path: folder + "/job.json")
        let view: () throws -> any LedgerReading = { try SQLiteLedgerReader(path: folder + "/ledger.sqlite") }
        var written = 0
        for day in month.days {
            month.answer(on: day)
            try month.writeBankFiles(on: day, in: folder)
            let result = await JobRunner(manifest: manifest).run(RunOptions(days: [day], concurrency: 2))
            let raised = try await view().exceptions(status: nil, day: day, type: nil, customer: nil).filter { !["RETURN", "NOC", "RETURN_RATE"].contains($0.type) }
            #expect(result.exitCode == .ok && raised.isEmpty, "\(day): exit \(result.exitCode) \(result.message ?? ""); \(raised.map { "\($0.type): \($0.message)" })")
            // The night's file, entry by entry.
            let sent = try Self.sent(folder + "/outbox/\(day)-A.ach")
            let mandateOf = Dictionary(month.customers.map { ($0.id, $0.mandateID) }, uniquingKeysWith: { a, _ in a })
            let actual = sent.map { s in
                AutopayMonth.Expected(what: s.invoiceID.isEmpty ? "prenote:" + (mandateOf[s.customerID] ?? "") : s.invoiceID,
                                      cents: s.cents, transactionCode: s.transactionCode, routing: s.routing, account: s.account, retry: s.retry)
            }.sorted()
            let expected = month.expected(runDay: day)
            #expect(actual == expected, "\(day): the file holds \(actual.filter { !expected.contains($0) }), lacks \(expected.filter { !actual.contains($0) })")
            written += sent.count
            month.receive(sent, writtenOn: day)
            // Each mandate's status, as the night's origination left it.
            let statuses = Dictionary(try SQLiteOriginationStore(path: folder + "/ledger.sqlite").mandates().map { ($0.mandateID, $0.status) }, uniquingKeysWith: { a, _ in a })
            #expect(statuses == month.statuses, "\(day): mandates \(statuses.filter { month.statuses[$0.key] != $0.value })")
            // The rates summary.json gives, against the truth's count.
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/out/\(day)/summary.json"))) as? [String: Any]
            let rates = ((json?["origination"] as? [String: Any])?["return_rates"] as? [[String: Any]]) ?? []
            let truth = month.rates(asOf: day)
            func count(_ family: String, _ key: String) -> Int { (rates.first { $0["family"] as? String == family }?[key] as? Int) ?? 0 }
            if truth.debits > 0 || truth.overall > 0 {
                #expect(count("overall", "debits") == truth.debits && count("overall", "returns") == truth.overall
                            && count("unauthorized", "returns") == truth.unauthorized && count("administrative", "returns") == truth.administrative,
                        "\(day): rates \(rates) against \(truth)")
            }
        }
        #expect(written > 60, "a month of files: \(written) entries")
        // The month shows every family: retries settled and given up, revoked, suspended, stopped, corrected accounts.
        #expect(Set(month.statuses.values) == ["active", "revoked", "suspended", "stopped"])
        #expect(!month.givenUpInvoices.isEmpty && month.settledInvoices.count > 30)
        let ledger = try view()
        for invoice in month.invoices where month.settledInvoices.contains(invoice.id) {
            #expect(try await ledger.invoice(id: invoice.id)?.openAmount.minorUnits == 0, "\(invoice.id) settled: closed without a person")
        }
        for id in month.givenUpInvoices {
            let open = try await ledger.invoice(id: id)?.openAmount.minorUnits ?? 0
            #expect(open > 0, "\(id) was given up: open for a person")
        }
    }
}
