import Accounting
import ACH
import Core
import Foundation
import Ledger
import Pipeline
import Receivables
import Testing
import TestSupport

/// ACH debit origination: the key and the mandates file, the choice of invoices, the file as NACHA, and the loop
/// through the nightly job (prenotes, the debit file written by the run, read back by the next, the invoice closed).
@Suite struct OriginationTests {
    static let keyHex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

    static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, mode)
    }

    // MARK: the key

    @Test func sealedNumbersOpenOnlyWithTheirKeyAndContext() throws {
        let folder = TestPaths.temporaryDirectory("origination-key")
        try Self.write(Self.keyHex + "\n", to: folder + "/key")
        let key = try SealingKey.load(path: folder + "/key")
        let sealed = key.seal("123456789", context: "mandate:M-1")
        #expect(!sealed.contains("123456789"))
        #expect(try key.open(sealed, context: "mandate:M-1") == "123456789")
        #expect(key.seal("123456789", context: "mandate:M-1") == sealed, "the same number sealed again is the same text")
        #expect(key.seal("123456780", context: "mandate:M-1") != sealed)
        #expect(sealed.hasPrefix(key.sealedPrefix("123456789", context: "mandate:M-1")) && key.sealedPrefix("123456789", context: "mandate:M-1").count == 16)
        #expect(!sealed.hasPrefix(key.sealedPrefix("123456780", context: "mandate:M-1")))
        #expect(throws: SealingKey.Failure.self) { try key.open(sealed, context: "mandate:M-2") }
        let other = try SealingKey(bytes: Array(repeating: 7, count: 32))
        #expect(throws: SealingKey.Failure.self) { try other.open(sealed, context: "mandate:M-1") }
        var tampered = Array(sealed)
        tampered[30] = tampered[30] == "0" ? "1" : "0"
        #expect(throws: SealingKey.Failure.self) { try key.open(String(tampered), context: "mandate:M-1") }
        #expect(key.fingerprint != other.fingerprint && key.fingerprint.count == 16)
    }

    @Test func keyFilesOthersMayReadOrThatAreNotAKeyAreRefused() throws {
        let folder = TestPaths.temporaryDirectory("origination-key-file")
        try Self.write(Self.keyHex, to: folder + "/open", mode: 0o644)
        #expect { try SealingKey.load(path: folder + "/open") } throws: { "\($0)".contains("mode 644") }
        try Self.write("not a key", to: folder + "/short")
        #expect { try SealingKey.load(path: folder + "/short") } throws: { "\($0)".contains("64 hexadecimal") }
        #expect { try SealingKey.load(path: folder + "/missing") } throws: { "\($0)".contains("cannot read") }
    }

    // MARK: the mandates file

    @Test func mandatesAreCheckedByLineAndField() throws {
        let text = """
            mandate_id,customer_id,sec,routing,account,account_type,authorized_on,revoked_on,max_amount,pull
            M-1,C1,CCD,071000013,123456789,checking,2026-10-01,,,due
            M-2,C2,WEB,071000014,12-34,savings,2026-13-01,,-5,due-x
            M-1,C3,PPD,021000021,99,checking,2026-10-01,2026-12-01,100.00,discount
            """
        #expect {
            try MandatesFile.parse(bytes: Array(text.utf8), path: "mandates.csv", currency: .usd)
        } throws: { error in
            let d = (error as? MasterDataError)?.diagnostics ?? []
            let fields = Set(d.map { "\($0.location.line):\($0.field ?? "")" })
            return fields == ["3:sec", "3:routing", "3:authorized_on", "3:max_amount", "3:pull", "4:mandate_id"]
        }
        let good = try MandatesFile.parse(bytes: Array(text.split(separator: "\n").prefix(2).joined(separator: "\n").utf8), path: "m.csv", currency: .usd)
        #expect(good.count == 1 && good[0].pull == .due && good[0].accountLastFour == "6789")
        let folder = TestPaths.temporaryDirectory("origination-mandates")
        try Self.write(text, to: folder + "/m.csv", mode: 0o640)
        #expect { try MandatesFile.load(path: folder + "/m.csv", currency: .usd) } throws: { "\($0)".contains("mode 640") }
    }

    // MARK: the choice

    static func invoice(_ id: String, _ customer: String, issued: Day, due: Day, _ amount: Int64, open: Int64? = nil, terms: String = "NET30") -> LedgerInvoice {
        LedgerInvoice(invoiceID: id, customerID: customer, issueDay: issued, dueDay: due, amount: Money(minorUnits: amount, currency: .usd),
                      openAmount: Money(minorUnits: open ?? amount, currency: .usd), terms: terms, poNumber: "")
    }

    static func mandate(_ id: String, _ customer: String, pull: Mandate.Pull = .due, authorized: Day = Day(civilYear: 2026, month: 10, day: 1),
                        max: Int64? = nil) -> Mandate {
        Mandate(mandateID: id, customerID: customer, sec: .ccd, routing: "071000013", account: "1234\(id.suffix(1))", accountType: .checking,
                authorizedOn: authorized, maxAmount: max.map { Money(minorUnits: $0, currency: .usd) }, pull: pull)
    }

    @Test func invoicesArePulledOnTheirPullDayUnlessSomethingHoldsThemBack() {
        let d = { (m: Int, day: Int) in Day(civilYear: 2026, month: m, day: day) }
        let ready = OriginationChoice.MandateState(prenoteDay: d(10, 1))
        let mandates = [Self.mandate("M-1", "C1"), Self.mandate("M-2", "C2", pull: .businessDaysBeforeDue(2)), Self.mandate("M-3", "C3", pull: .discount),
                        Self.mandate("M-4", "C4", max: 50_000), Self.mandate("M-5", "C5"), Self.mandate("M-6", "C6"), Self.mandate("M-7", "C7"),
                        Self.mandate("M-8", "C8", authorized: d(11, 10))]
        var states: [String: OriginationChoice.MandateState] = [:]
        for m in mandates { states[m.mandateID] = ready }
        states["M-7"] = OriginationChoice.MandateState(prenoteDay: d(11, 4))
        let invoices = [
            Self.invoice("I-1", "C1", issued: d(10, 6), due: d(11, 6), 100_00),  // due Friday 11-06: pulled
            Self.invoice("I-2", "C1", issued: d(10, 9), due: d(11, 9), 100_00),  // due Monday: not yet
            Self.invoice("I-3", "C2", issued: d(10, 10), due: d(11, 10), 200_00), // two business days before 11-10: 11-06
            Self.invoice("I-4", "C3", issued: d(10, 27), due: d(11, 26), 1_000_00, terms: "2/10 NET30"), // discount to 11-06
            Self.invoice("I-5", "C4", issued: d(10, 6), due: d(11, 5), 600_00),  // over the mandate's max
            Self.invoice("I-6", "C5", issued: d(10, 6), due: d(11, 5), 300_00),  // disputed
            Self.invoice("I-7", "C6", issued: d(10, 6), due: d(11, 5), 300_00),  // the customer has a credit memo
            Self.invoice("CM-1", "C6", issued: d(10, 6), due: d(11, 5), -50_00),
            Self.invoice("I-8", "C7", issued: d(10, 6), due: d(11, 5), 300_00),  // the prenote settled 11-04: ready 11-09
            Self.invoice("I-9", "C8", issued: d(10, 6), due: d(11, 5), 300_00),  // due before the authorization
            Self.invoice("I-10", "C1", issued: d(10, 6), due: d(11, 2), 100_00, open: 0), // paid
            Self.invoice("I-11", "C9", issued: d(10, 6), due: d(11, 2), 100_00), // no mandate
        ]
        let choice = OriginationChoice.choose(.init(runDay: d(11, 5), mandates: mandates, states: states, invoices: invoices, disputedInvoices: ["I-6"]))
        #expect(choice.effectiveDay == d(11, 6))
        #expect(choice.pulls.map(\.invoiceID) == ["I-1", "I-3", "I-4"])
        #expect(choice.pulls.first { $0.invoiceID == "I-4" }?.amount.minorUnits == 980_00)
        #expect(choice.pulls.first { $0.invoiceID == "I-4" }?.discount.minorUnits == 20_00)
        let left = Dictionary(choice.leftOut.map { ($0.invoiceID, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(left.keys) == ["I-5", "I-6", "I-7", "I-8"])
        #expect(left["I-5"]?.contains("max_amount") == true)
        #expect(left["I-8"]?.contains("2026-11-09") == true)
        #expect(choice.prenotes.isEmpty)
        // Pulled before: never again; a new mandate's prenote goes first.
        let again = OriginationChoice.choose(.init(runDay: d(11, 5), mandates: mandates, states: [:], invoices: invoices, pulledInvoices: ["I-1"]))
        #expect(again.pulls.isEmpty)
        #expect(again.prenotes.map(\.mandateID) == mandates.dropLast().map(\.mandateID), "M-8 authorizes nothing before 11-10")
    }

    // MARK: what the answers decide

    static func entry(_ trace: String, _ mandate: String, _ invoice: String, effective: Day, kind: OriginatedEntry.Kind = .debit, retryOf: String = "",
                      file: String = "f.ach") -> OriginatedEntry {
        OriginatedEntry(trace: trace, fileName: file, kind: kind, mandateID: mandate, customerID: "C", invoiceID: invoice, amount: Money(minorUnits: 100_00, currency: .usd),
                        discount: .zero(.usd), effectiveDay: effective, sec: "CCD", batchNumber: 1, accountLastFour: "0000", retryOf: retryOf)
    }

    static func returned(_ trace: String, _ code: String, on day: Day, dishonored: Bool = false) -> ACHReturnRow {
        ACHReturnRow(noticeKey: "n:\(trace):\(code):\(day)", originalTrace: trace, reasonCode: code, dishonored: dishonored,
                     amount: Money(minorUnits: 100_00, currency: .usd), day: day)
    }

    @Test func returnsDecideRetriesAndMandates() {
        let d = { (m: Int, day: Int) in Day(civilYear: 2026, month: m, day: day) }
        let terms: [String: (authorizedOn: Day, changedOn: Day)] = ["M-1": (d(1, 5), d(1, 5)), "M-2": (d(1, 5), d(1, 5)), "M-3": (d(1, 5), d(1, 5)),
                                                                   "M-4": (d(1, 5), d(3, 20)), "M-5": (d(3, 20), d(3, 20)), "M-6": (d(1, 5), d(1, 5))]
        func book(_ entries: [OriginatedEntry], _ returns: [ACHReturnRow], sent: Set<String> = ["f.ach"]) -> OriginationBook {
            OriginationBook.make(entries: entries, answers: returns, changes: [], sentFiles: sent, mandateTerms: terms, today: d(3, 31), retryAfterDays: 2)
        }
        // R01: retried twice, then given up.
        let first = Self.entry("T1", "M-1", "I-1", effective: d(3, 2))
        var b = book([first], [Self.returned("T1", "R01", on: d(3, 4))])
        #expect(b.states["T1"] == .retryScheduled && b.retries.map(\.attempt) == [1] && b.retries.first?.dueDay == d(3, 6))
        let retry1 = Self.entry("T2", "M-1", "I-1", effective: d(3, 6), kind: .retry, retryOf: "T1")
        b = book([first, retry1], [Self.returned("T1", "R01", on: d(3, 4)), Self.returned("T2", "R09", on: d(3, 9))])
        #expect(b.states["T1"] == .returned && b.states["T2"] == .retryScheduled && b.retries.map(\.attempt) == [2])
        #expect(b.retries.first?.original.trace == "T1", "a retry copies the first presentment")
        let retry2 = Self.entry("T3", "M-1", "I-1", effective: d(3, 11), kind: .retry, retryOf: "T1")
        b = book([first, retry1, retry2], [Self.returned("T1", "R01", on: d(3, 4)), Self.returned("T2", "R09", on: d(3, 9)), Self.returned("T3", "R01", on: d(3, 13))])
        #expect(b.states["T3"] == .givenUp && b.retries.isEmpty && b.nextSteps["T3"]?.contains("both retries") == true)
        // Past 180 days of the original: no retry.
        let old = Self.entry("T9", "M-1", "I-9", effective: d(1, 2))
        b = book([old], [Self.returned("T9", "R01", on: d(6, 30))])
        #expect(b.states["T9"] == .givenUp && b.retries.isEmpty)
        // A dishonored return: the entry stands (settled by its day).
        b = book([first], [Self.returned("T1", "R01", on: d(3, 4), dishonored: true)])
        #expect(b.states["T1"] == .settled && b.retries.isEmpty)
        // R02: suspended until corrected; M-4's terms changed after the return: corrected, its invoice pulled anew.
        b = book([Self.entry("A1", "M-2", "I-2", effective: d(3, 2)), Self.entry("A2", "M-4", "I-4", effective: d(3, 2))],
                 [Self.returned("A1", "R02", on: d(3, 4)), Self.returned("A2", "R03", on: d(3, 4))])
        #expect(b.blocks["M-2"]?.status == "suspended" && b.blocks["M-4"] == nil)
        #expect(b.repullable == ["A2"])
        // Unauthorized: revoked, never retried; R08 stopped unless authorized again after it (M-5).
        b = book([Self.entry("U1", "M-3", "I-3", effective: d(3, 2)), Self.entry("S1", "M-6", "I-6", effective: d(3, 2)),
                  Self.entry("S2", "M-5", "I-5", effective: d(3, 2))],
                 [Self.returned("U1", "R29", on: d(3, 4)), Self.returned("S1", "R08", on: d(3, 4)), Self.returned("S2", "R08", on: d(3, 4))])
        #expect(b.blocks["M-3"]?.status == "revoked" && b.states["U1"] == .givenUp && b.retries.isEmpty)
        #expect(b.blocks["M-6"]?.status == "stopped" && b.blocks["M-5"] == nil)
        // R11: a corrected new entry, the mandate stands.
        b = book([Self.entry("C1", "M-1", "I-1", effective: d(3, 2))], [Self.returned("C1", "R11", on: d(3, 4))])
        #expect(b.repullable == ["C1"] && b.blocks.isEmpty && b.retries.isEmpty)
        // A prenote's unauthorized return revokes its mandate; not sent yet: written; sent and effective later: sent.
        b = book([Self.entry("P1", "M-1", "", effective: d(3, 2), kind: .prenote), Self.entry("W1", "M-2", "I-2", effective: d(4, 2), file: "g.ach"),
                  Self.entry("W2", "M-2", "I-7", effective: d(4, 2))], [Self.returned("P1", "R10", on: d(3, 4))])
        #expect(b.blocks["M-1"]?.status == "revoked" && b.states["W1"] == .written && b.states["W2"] == .sent)
        // A return of the same trace read before the entry was effective answered another tool's entry, not this one.
        b = book([Self.entry("T1", "M-1", "I-1", effective: d(3, 10))], [Self.returned("T1", "R10", on: d(3, 4))])
        #expect(b.states["T1"] == .settled && b.blocks.isEmpty)
        // Nor does it count in the return rates; the same return read after the entry does.
        let late = ReturnRate.rates(entries: [Self.entry("T1", "M-1", "I-1", effective: d(3, 10))], returns: [Self.returned("T1", "R10", on: d(3, 4))],
                                    companyOf: { _ in "1447100223" }, asOf: d(3, 31))
        #expect(late.first { $0.family == .unauthorized }?.returns == 0)
        let counted = ReturnRate.rates(entries: [Self.entry("T1", "M-1", "I-1", effective: d(3, 10))], returns: [Self.returned("T1", "R10", on: d(3, 12))],
                                       companyOf: { _ in "1447100223" }, asOf: d(3, 31))
        #expect(counted.first { $0.family == .unauthorized }?.returns == 1)
    }

    // MARK: the loop through the nightly job

    static func job(in folder: String, balanced: Bool = false, url: String? = nil) throws -> String {
        try Self.write("""
            customer_id,name,aliases,ach_company_ids,credit_limit,terms
            C1,Alpha Supply,,,,NET30
            C2,Bravo Parts,,,,2/10 NET30
            C3,Charlie Co,,,,NET30
            """, to: folder + "/customers.csv")
        try Self.write("""
            invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number
            I-1,C1,2026-10-07,2026-11-06,USD,1250.00,1250.00,NET30,
            I-2,C1,2026-11-30,2026-12-30,USD,99.00,99.00,NET30,
            I-3,C2,2026-11-01,2026-12-01,USD,1000.00,1000.00,2/10 NET30,
            I-4,C3,2026-10-04,2026-11-03,USD,400.00,400.00,NET30,
            CM-4,C3,2026-10-04,2026-11-03,USD,-50.00,-50.00,NET30,
            """, to: folder + "/invoices.csv")
        try Self.write("""
            mandate_id,customer_id,sec,routing,account,account_type,authorized_on,revoked_on,max_amount,pull
            M-1,C1,CCD,071000013,111222333,checking,2026-10-01,,,due
            M-2,C2,PPD,021000021,444555666,savings,2026-10-01,,,discount
            M-3,C3,CCD,071000013,777888999,checking,2026-10-01,,,due
            """, to: folder + "/mandates.csv")
        try Self.write(Self.keyHex, to: folder + "/origination.key")
        let offset = balanced ? #", "bank_accounts": [{ "bank": "071000013", "account": "5550001", "currency": "USD" }]"# : ""
        try Self.write("""
            { "version": 1, "currency": "USD", "ledger": "\(url ?? "ledger.sqlite")", \(url == nil ? "" : #""entity": "east","#) "output": "out", "archive": "archive",
              "customers": "customers.csv", "invoices": "invoices.csv",
              "sources": [ { "format": "nacha", "path": "in/{date}/*.ach", "role": "received" },
                           { "format": "nacha", "path": "returns/{date}/*.ach", "role": "originated" } ],
              "origination": { "enabled": true, "mandates": "mandates.csv", "outbox": "outbox", "key_file": "origination.key",
                               "company_name": "NORTHWIND MFG", "company_id": "1234567890", "odfi": "07100001", "balanced": \(balanced) }\(offset) }
            """, to: folder + "/job.json")
        return folder + "/job.json"
    }

    /// What the bank sends back for entries settle wrote: a return (`R..`) or a notification of change (`C..`, with its
    /// corrected data) per entry, each against the entry's trace, receiving bank and amount.
    static func answers(day: Day, _ items: [(trace: String, routing: String, amount: Int64, code: String, corrected: String)]) -> String {
        let entries = items.enumerated().map { i, item in
            let sequence = String(format: "%07d", i + 1)
            let addenda = NACHAGenerator.answerAddenda(type: item.code.hasPrefix("R") ? "99" : "98", code: item.code, original: item.trace, rdfi: item.routing,
                                                       information: item.code.hasPrefix("R") ? "" : item.corrected, trace: "09100001" + sequence)
            return NACHAWriter.EntrySpec(transactionCode: 26, receivingRouting: "071000013", accountNumber: "5550001", amountCents: item.code.hasPrefix("R") ? item.amount : 0,
                                         identificationNumber: "", receiverName: "NORTHWIND MFG", rawAddenda: [addenda])
        }
        return NACHAWriter().write(file: NACHAWriter.FileSpec(immediateDestination: "071000013", immediateOrigin: " 091000019", creationDay: day, destinationName: "ODFI",
                                                              originName: "FEDERAL RESERVE"),
                                   batches: [NACHAWriter.BatchSpec(serviceClassCode: 200, companyName: "NORTHWIND MFG", companyIdentification: "1234567890",
                                                                   standardEntryClass: .ccd, entryDescription: "AUTOPAY", effectiveEntryDay: day,
                                                                   originatingDFI: "09100001", entries: entries)])
    }

    static func entries(of path: String) throws -> [(batch: BatchHeaderRecord, entry: Entry)] {
        var reader = NACHAReader(source: MemoryByteSource([UInt8](FileManager.default.contents(atPath: path) ?? Data())), fileName: path)
        var out: [(BatchHeaderRecord, Entry)] = []
        while let batch = try reader.nextBatch() { for entry in batch.entries { out.append((batch.header, entry)) } }
        #expect(!reader.diagnostics.hasErrors, "\(path): \(reader.diagnostics.items.prefix(3))")
        return out
    }

    @Test func theNightlyJobPullsWhatIsDueReadsItsFileBackAndClosesTheInvoice() async throws {
        try await Self.loop(url: nil)
    }

    /// The loop on the ledger at `url` (nil: SQLite in the job's folder).
    static func loop(url: String?) async throws {
        let folder = TestPaths.temporaryDirectory("origination-loop")
        let manifest = try Manifest.load(path: try Self.job(in: folder, url: url))
        func openView() throws -> any LedgerReading {
            if let database = manifest.postgreSQL { return try PostgreSQLLedgerReader(address: database.address, entity: database.entity) }
            return try SQLiteLedgerReader(path: folder + "/ledger.sqlite")
        }
        func openStore() throws -> any OriginationStore {
            if let database = manifest.postgreSQL { return try PostgreSQLOriginationStore(address: database.address, entity: database.entity) }
            return try SQLiteOriginationStore(path: folder + "/ledger.sqlite")
        }
        let d = { (m: Int, day: Int) in Day(civilYear: 2026, month: m, day: day) }
        func run(_ day: Day) async -> RunResult { await JobRunner(manifest: manifest).run(RunOptions(days: [day], concurrency: 2)) }

        // 11-02: every mandate is new; the file carries their prenotes, effective 11-03.
        var result = await run(d(11, 2))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        let prenotes = try Self.entries(of: folder + "/outbox/2026-11-02-A.ach")
        #expect(prenotes.map { $0.entry.detail.transactionCode } == [28, 28, 38])
        #expect(prenotes.allSatisfy { $0.entry.detail.amountCents == 0 && $0.batch.effectiveEntryDate == d(11, 3) })
        #expect(result.origination?.leftOut.map(\.invoiceID).sorted() == ["I-4"], "I-1 is pulled on 11-06, not before")
        // Nothing of a mandate's account number is in the ledger but sealed.
        let stored = try openStore().mandates()
        #expect(stored.map(\.accountLastFour) == ["2333", "5666", "8999"])
        #expect(!stored.contains { $0.accountSealed.contains("111222333") || $0.accountSealed.contains("444555666") })
        if url == nil {
            let ledgerBytes = try String(decoding: Data(contentsOf: URL(fileURLWithPath: folder + "/ledger.sqlite")), as: UTF8.self)
            #expect(!ledgerBytes.contains("111222333") && !ledgerBytes.contains("444555666"))
        }

        // 11-03 reads the prenotes back; live debits wait for 11-06 (three banking days after 11-03).
        result = await run(d(11, 3))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        #expect(result.origination?.path == nil)
        result = await run(d(11, 4))
        #expect(result.origination?.path == nil)

        // 11-05: I-1 is due 11-06, pulled in full; I-4's customer has an open credit memo; I-3 waits for its discount day.
        result = await run(d(11, 5))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        let file = folder + "/outbox/2026-11-05-A.ach"
        let debits = try Self.entries(of: file)
        #expect(debits.count == 1)
        #expect(debits[0].entry.detail.transactionCode == 27 && debits[0].entry.detail.amountCents == 1250_00)
        #expect(debits[0].entry.paymentRelatedInformation == "RMR*IV*I-1*PI*1250.00\\")
        #expect(debits[0].entry.detail.traceNumber == "071000010000004", "trace numbers go on from the prenotes' file")
        #expect(result.origination?.leftOut.first { $0.invoiceID == "I-4" }?.reason.contains("credit memo") == true)
        var mode = stat()
        stat(file, &mode)
        #expect(mode.st_mode & 0o777 == 0o600)

        // Asked again for 11-05: nothing new; a lost outbox copy is written again, the same bytes.
        let bytes = FileManager.default.contents(atPath: file)
        var again = try await Originator.originate(manifest: manifest, day: d(11, 5), dryRun: false)
        #expect(again.existed && !again.wrote)
        try FileManager.default.removeItem(atPath: file)
        again = try await Originator.originate(manifest: manifest, day: d(11, 5), dryRun: false)
        #expect(again.existed && again.wrote && FileManager.default.contents(atPath: file) == bytes)

        // 11-06 reads the debits back: the receipt pays I-1 by its remittance.
        result = await run(d(11, 6))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        let view = try openView()
        #expect(try await view.invoice(id: "I-1")?.openAmount.minorUnits == 0)
        #expect(try await view.ingestedFile(sha256: SHA256.hex([UInt8](bytes ?? Data()))) != nil)
        // A file the bank has is not void.
        let store = try openStore()
        await #expect { _ = try await Originator.void(file: file, note: "test", store: store, view: view) } throws: { "\($0)".contains("was sent") }

        // 11-09 (Monday): the outbox's old files are not read again (no DUPLICATE). I-1's debit comes back R01, and a
        // notification of change corrects M-1's account number: the RETURN says when it is presented again.
        try FileManager.default.createDirectory(atPath: folder + "/returns/2026-11-09", withIntermediateDirectories: true)
        try Self.write(Self.answers(day: d(11, 9), [("071000010000004", "071000013", 1250_00, "R01", ""), ("071000010000004", "071000013", 0, "C01", "111222999"),
                                                    ("071000010000002", "071000013", 0, "C09", "CHARLIE-ID")]),
                       to: folder + "/returns/2026-11-09/answers.ach")
        result = await run(d(11, 9))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        #expect(try await view.exceptions(status: nil, day: d(11, 9), type: "DUPLICATE", customer: nil).isEmpty)
        let returned = try await view.exceptions(status: nil, day: d(11, 9), type: "RETURN", customer: nil)
        #expect(returned.count == 1)
        #expect(returned.first?.message.contains("autopay: presented again on or after 2026-11-13 (retry 1 of 2)") == true, "\(returned.first?.message ?? "")")
        #expect(try await view.invoice(id: "I-1")?.openAmount.minorUnits == 1250_00)
        #expect(result.origination?.path == nil, "the retry waits for its day")
        // The corrected account number is kept sealed, not as the bank sent it.
        #expect(try store.answers().changes.map { $0.correctedData.hasPrefix(Originator.sealedPrefix) } == [true, true])

        // 11-10 pulls I-3 on its discount's last day (11-11 is a holiday: the discount runs to 11-12), for 980.00.
        result = await run(d(11, 10))
        let discounted = try Self.entries(of: folder + "/outbox/2026-11-10-A.ach")
        #expect(discounted.map { $0.entry.detail.amountCents } == [980_00])
        #expect(discounted.first?.batch.standardEntryClass == .ppd)
        #expect(discounted.first?.entry.paymentRelatedInformation == "RMR*IV*I-3*PI*980.00*1000.00*20.00\\")

        // A file not sent is void: its invoice may be pulled again, in the day's next file.
        let voided = try await Originator.void(file: folder + "/outbox/2026-11-10-A.ach", note: "never sent", store: store, view: view)
        #expect(voided == folder + "/outbox/2026-11-10-A.ach.void")
        let redo = try await Originator.originate(manifest: manifest, day: d(11, 10), dryRun: false)
        #expect(redo.path == folder + "/outbox/2026-11-10-B.ach" && redo.wrote)
        #expect(redo.entries.map(\.invoiceID) == ["I-3"])

        // 11-12: the retry of I-1, identical (1,250.00, the same invoice), in a batch of its own, to the corrected account.
        result = await run(d(11, 12))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        let retried = try Self.entries(of: folder + "/outbox/2026-11-12-A.ach")
        #expect(retried.map { $0.batch.companyEntryDescription } == ["RETRY PYMT"])
        #expect(retried.map { $0.entry.detail.amountCents } == [1250_00])
        #expect(retried.first?.entry.detail.dfiAccountNumber.trimmingCharacters(in: .whitespaces) == "111222999")
        #expect(retried.first?.entry.paymentRelatedInformation == "RMR*IV*I-1*PI*1250.00\\")
        #expect(result.origination?.entries.map(\.retryOf) == ["071000010000004"])

        // 11-13: I-3's debit (file B) comes back R10: unauthorized, mandate M-2 revoked, never presented again.
        let debitOfI3 = try #require(try store.entries(fileName: "2026-11-10-B.ach").first)
        try FileManager.default.createDirectory(atPath: folder + "/returns/2026-11-13", withIntermediateDirectories: true)
        try Self.write(Self.answers(day: d(11, 13), [(debitOfI3.trace, "021000021", 980_00, "R10", "")]), to: folder + "/returns/2026-11-13/answers.ach")
        result = await run(d(11, 13))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        let revoked = try await view.exceptions(status: nil, day: d(11, 13), type: "RETURN", customer: nil)
        #expect(revoked.first?.message.contains("mandate M-2 is revoked") == true, "\(revoked.first?.message ?? "")")
        #expect(try store.mandates().first { $0.mandateID == "M-2" }?.status == "revoked")
        #expect(result.origination?.entries.contains { $0.invoiceID == "I-3" } != true)
        // Two returns of three debits in 60 days: the unauthorized and overall rates are past 80% of their limits.
        let rateExceptions = try await view.exceptions(status: nil, day: nil, type: "RETURN_RATE", customer: nil)
        #expect(rateExceptions.map(\.message).sorted().map { String($0.prefix(30)) } == ["the overall return rate of com", "the unauthorized return rate o"])
        #expect(rateExceptions.first { $0.message.contains("unauthorized") }?.message.contains("33.33% (1 of 3)") == true)
        // summary.json of 11-13: the pulls by state, the mandates by status, the rates.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/out/2026-11-13/summary.json")))
        func value(_ path: String...) -> String {
            let found = path.reduce(Optional(json)) { ($0 as? [String: Any])?[$1] }
            return found.map { "\($0)" } ?? ""
        }
        #expect(value("origination", "pulls", "settled", "count") == "1", "the retry, read back on its effective day")
        #expect(value("origination", "pulls", "returned", "count") == "1", "I-1's first presentment, retried")
        #expect(value("origination", "pulls", "given-up", "total") == "980.00")
        #expect(value("origination", "mandates", "revoked") == "1")
        let html = String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/out/2026-11-13/summary.html")), as: UTF8.self)
        #expect(html.contains("<h2>Autopay</h2>") && html.contains("33.33%"))

        // The C09 notice settle does not act on is NOC_NOT_APPLIED six banking days after 11-09 (11-18), not before.
        for day in [d(11, 16), d(11, 17)] { _ = await run(day) }
        #expect(try await view.exceptions(status: nil, day: nil, type: "NOC_NOT_APPLIED", customer: nil).isEmpty)
        result = await run(d(11, 18))
        let notApplied = try await view.exceptions(status: nil, day: d(11, 18), type: "NOC_NOT_APPLIED", customer: nil)
        #expect(notApplied.count == 1 && notApplied.first?.message.contains("C09") == true && notApplied.first?.message.contains("M-3") == true)

        // A rerun of a day writes no file.
        result = await JobRunner(manifest: manifest).run(RunOptions(days: [d(11, 9)], concurrency: 2))
        #expect(result.origination == nil)
    }

    @Test func aBalancedFileOffsetsEachBatchAndAnotherKeyIsRefused() async throws {
        let folder = TestPaths.temporaryDirectory("origination-balanced")
        let manifest = try Manifest.load(path: try Self.job(in: folder, balanced: true))
        let result = await JobRunner(manifest: manifest).run(RunOptions(days: [Day(civilYear: 2026, month: 11, day: 2)], concurrency: 2))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        // Prenotes only: nothing to offset. A dry run of 11-05 after prenotes is enough to see the offset of a debit batch.
        let choice = OriginationChoice.Choice(effectiveDay: Day(civilYear: 2026, month: 11, day: 6),
                                              pulls: [.init(mandateID: "M-1", customerID: "C1", invoiceID: "I-1", amount: Money(minorUnits: 1250_00, currency: .usd),
                                                            openAmount: Money(minorUnits: 1250_00, currency: .usd), discount: .zero(.usd),
                                                            effectiveDay: Day(civilYear: 2026, month: 11, day: 6))])
        let made = OriginationFile.make(choice, name: "x.ach", day: Day(civilYear: 2026, month: 11, day: 5), modifier: "A", createdAt: "2026-11-05T22:00:00Z",
                                        nextSequence: 9_999_999, accounts: ["M-1": .init(routing: "071000013", account: "111222333", type: .checking, sec: .ccd)],
                                        names: [:], settings: manifest.origination!.settings, currency: .usd)
        try Self.write(String(decoding: made.bytes, as: UTF8.self), to: folder + "/x.ach")
        let read = try Self.entries(of: folder + "/x.ach")
        #expect(read.map { $0.entry.detail.transactionCode } == [27, 22])
        #expect(read.map { $0.entry.detail.amountCents } == [1250_00, 1250_00])
        #expect(read.map { $0.entry.detail.traceNumber } == ["071000010000001", "071000010000002"], "a file that would pass 9,999,999 starts at 1")
        #expect(read.first?.batch.serviceClassCode == 200)
        // Read back, the offset is no receipt: the batch is its debits; I-1 closes and nothing is left unmatched.
        for day in [3, 5, 6] {
            let r = await JobRunner(manifest: manifest).run(RunOptions(days: [Day(civilYear: 2026, month: 11, day: day)], concurrency: 2))
            #expect(r.exitCode == .ok, "\(r.message ?? "")")
        }
        let written = try Self.entries(of: folder + "/outbox/2026-11-05-A.ach")
        #expect(written.map { $0.entry.detail.transactionCode } == [27, 22])
        let view: any LedgerReading = try SQLiteLedgerReader(path: folder + "/ledger.sqlite")
        #expect(try await view.invoice(id: "I-1")?.openAmount.minorUnits == 0)
        #expect(try await view.exceptions(status: nil, day: Day(civilYear: 2026, month: 11, day: 6), type: nil, customer: nil).isEmpty)
        let pending = try await view.pendingSettlements(before: Day(civilYear: 2026, month: 11, day: 7))
        #expect(pending.map(\.net.minorUnits).contains(1250_00), "the batch waits for 1,250.00, its debits without the offset")
        // The ledger's mandates are sealed with the first key: another key file is refused, naming both.
        try Self.write(String(Self.keyHex.reversed()), to: folder + "/origination.key")
        await #expect { _ = try await Originator.originate(manifest: manifest, day: Day(civilYear: 2026, month: 11, day: 3), dryRun: true) } throws: {
            "\($0)".contains("were sealed with key")
        }
    }
}

/// The origination loop on a PostgreSQL ledger's entity.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLOriginationTests {
    @Test func theNightlyJobPullsWhatIsDueReadsItsFileBackAndClosesTheInvoice() async throws {
        let url: String = try #require(PostgreSQLTestServer.isolatedURL("origination"))
        try await OriginationTests.loop(url: url)
    }
}
