import ACH
import Core
import Testing
import TestSupport

@Suite struct NACHAReaderTests {
    static let routing = "076401251"
    static let day = Day(year: 2026, month: 11, day: 2)!

    static func file(_ batches: [NACHAWriter.BatchSpec], lineEnding: String = "\n") -> String {
        NACHAWriter(lineEnding: lineEnding).write(file: .init(immediateDestination: routing, immediateOrigin: " 011000015", creationDay: day,
                                                              destinationName: "BANK", originName: "FED"), batches: batches)
    }

    static func batch(_ sec: StandardEntryClass = .ccd, entries: [NACHAWriter.EntrySpec]) -> NACHAWriter.BatchSpec {
        NACHAWriter.BatchSpec(serviceClassCode: 220, companyName: "ACME TOOLS INC", companyIdentification: "1234567890", standardEntryClass: sec,
                              entryDescription: "PAYMENT", effectiveEntryDay: day, originatingDFI: "02100002", entries: entries)
    }

    static func credit(_ cents: Int64, addenda: [String] = []) -> NACHAWriter.EntrySpec {
        .init(transactionCode: 22, receivingRouting: routing, accountNumber: "4471002233", amountCents: cents, identificationNumber: "V1",
              receiverName: "NORTHWIND", paymentRelatedInformation: addenda)
    }

    static func read(_ text: String, strict: Bool = true) throws -> (batches: [Batch], reader: NACHAReader<MemoryByteSource>) {
        var reader = NACHAReader(source: MemoryByteSource(text), fileName: "test.ach", options: NACHAOptions(strict: strict))
        var batches: [Batch] = []
        while let b = try reader.nextBatch() { batches.append(b) }
        return (batches, reader)
    }

    @Test(arguments: ["\n", "\r\n", ""])
    func readsWhatTheWriterWrites(lineEnding: String) throws {
        let text = Self.file([Self.batch(entries: [Self.credit(490_000, addenda: ["RMR*IV*INV-1*PI*4900.00\\"]), Self.credit(1)]),
                              Self.batch(.ctx, entries: [Self.credit(1_825_000, addenda: [String(repeating: "RMR*IV*INV-2*PI*1.00~", count: 12)])])],
                             lineEnding: lineEnding)
        let (batches, reader) = try Self.read(text)
        #expect(reader.diagnostics.items.isEmpty, "\(reader.diagnostics.items)")
        #expect(batches.count == 2)
        #expect(batches[0].entries.map(\.detail.amountCents) == [490_000, 1])
        #expect(batches[0].entries[0].paymentRelatedInformation == "RMR*IV*INV-1*PI*4900.00\\")
        #expect(batches[1].entries[0].addenda.count == 4)
        #expect(batches[1].entries[0].detail.announcedAddendaCount == 4)
        #expect(batches[1].entries[0].paymentRelatedInformation == String(repeating: "RMR*IV*INV-2*PI*1.00~", count: 12))
        #expect(reader.totals.entryCount == 3)
        #expect(reader.totals.totalCreditCents == 490_000 + 1 + 1_825_000)
        #expect(batches.allSatisfy { !$0.isRejected })
    }

    @Test func wrongBatchTotalRejectsTheBatchAndTheFileTotalsAreFatal() throws {
        var lines = Self.file([Self.batch(entries: [Self.credit(100)]), Self.batch(entries: [Self.credit(200)])]).split(separator: "\n").map(String.init)
        // Change the first entry's amount without touching the controls.
        let entry = lines.firstIndex { $0.hasPrefix("6") }!
        lines[entry] = String(lines[entry].prefix(29)) + "0000000150" + String(lines[entry].dropFirst(39))
        let (batches, reader) = try Self.read(lines.joined(separator: "\n"))
        #expect(batches[0].isRejected)
        #expect(!batches[1].isRejected)
        let codes = reader.diagnostics.items.map(\.code.rawValue)
        #expect(codes.contains("nacha.batch-total-credit"))
        #expect(codes.contains("nacha.file-total-credit"))
        let batchTotal = reader.diagnostics.items.first { $0.code.rawValue == "nacha.batch-total-credit" }!
        #expect(batchTotal.expected == "150" && batchTotal.found == "100")
        #expect(batchTotal.location.line == 4 && batchTotal.location.column == 33)
        #expect(reader.diagnostics.worst == .fatal)
    }

    @Test func lenientKeepsTheBatch() throws {
        var lines = Self.file([Self.batch(entries: [Self.credit(100)])]).split(separator: "\n").map(String.init)
        let entry = lines.firstIndex { $0.hasPrefix("6") }!
        lines[entry] = String(lines[entry].prefix(11)) + "9" + String(lines[entry].dropFirst(12)) // wrong check digit
        let strict = try Self.read(lines.joined(separator: "\n"))
        #expect(strict.batches[0].isRejected)
        #expect(strict.reader.diagnostics.items.contains { $0.code.rawValue == "nacha.routing-check-digit" && $0.field == "Check Digit" })
        let lenient = try Self.read(lines.joined(separator: "\n"), strict: false)
        #expect(!lenient.batches[0].isRejected)
        #expect(lenient.reader.diagnostics.worst == .warning)
    }

    @Test(arguments: ["", "hello world", String(repeating: "\u{0}", count: 500), "1", "5220ACME", "9\n9\n9", String(repeating: "6", count: 3000)])
    func garbageNeverCrashesAndIsFatal(text: String) throws {
        let (_, reader) = try Self.read(text)
        #expect(reader.diagnostics.worst == .fatal)
    }

    @Test func sampleFilesReadClean() throws {
        for path in ["2026-11-02/ach/20261102-ccd.ach", "2026-11-02/ach/20261102-ctx.ach", "2026-11-03/ach/20261103-ccd.ach"] {
            var source = try FileByteSource(path: TestPaths.samples + "/" + path)
            let bytes = try source.readAll()
            let (batches, reader) = try Self.read(String(decoding: bytes, as: UTF8.self))
            #expect(reader.diagnostics.items.isEmpty, "\(path): \(reader.diagnostics.items)")
            #expect(!batches.isEmpty)
        }
    }
}

@Suite struct X12RemittanceTests {
    @Test func ccdPlusSegment() {
        let x = X12Remittance.parse("RMR*IV*INV-10001*PI*4900.00*5000.00*100.00\\")
        #expect(x.items == [RemittanceItem(reference: "INV-10001", amountPaid: Money(minorUnits: 490_000, currency: .usd),
                                           invoiceTotal: Money(minorUnits: 500_000, currency: .usd), discount: Money(minorUnits: 10_000, currency: .usd))])
    }

    @Test func envelopeDelimitersComeFromISA() {
        let isa = "ISA|00|          |00|          |ZZ|PAYER          |ZZ|PAYEE          |261101|1200|U|00401|000000101|0|P|>!"
        let x = X12Remittance.parse(isa + "ST|820|1!BPR|C|150.00!N1|PR|BIG CO!RMR|IV|A-1|PI|100.00!ADX|-5.00|01!RMR|IV|A-2|PI|50.00!SE|5|1!")
        #expect(x.paymentAmount == Money(minorUnits: 15_000, currency: .usd))
        #expect(x.payerName == "BIG CO")
        #expect(x.items.map(\.reference) == ["A-1", "A-2"])
        #expect(x.items[0].adjustments == [.init(amount: Money(minorUnits: -500, currency: .usd), reasonCode: "01")])
    }

    /// An RMR amount that cannot be read is a diagnostic naming the segment and field, and the item keeps its
    /// reference with the amount marked unreadable: it is not "pay what is open" (an RMR04 left empty).
    @Test func anUnreadableAmountIsADiagnosticAndMarksTheItem() {
        let at = SourceLocation(file: "in.ach", line: 7)
        let x = X12Remittance.parse("ST*820*1~RMR*IV*INV-1*PI*12,5X*100.00~RMR*IV*INV-2*PI~SE*4*1~", location: at)
        #expect(x.items.map(\.reference) == ["INV-1", "INV-2"])
        #expect(x.items[0].amountPaid == nil)
        #expect(x.items[0].unreadable == [.amountPaid])
        #expect(x.items[0].invoiceTotal == Money(minorUnits: 10_000, currency: .usd))
        // Left empty, the payer said nothing about the amount: nothing unreadable.
        #expect(x.items[1].amountPaid == nil && x.items[1].unreadable.isEmpty)
        #expect(x.diagnostics.count == 1)
        let d = x.diagnostics.first
        #expect(d?.severity == .warning)
        #expect(d?.field == "RMR04")
        #expect(d?.location == at)
        #expect(d?.message.contains("segment 2 (RMR, document INV-1)") == true, "\(d?.message ?? "")")
        #expect(d?.message.contains("'12,5X'") == true, "\(d?.message ?? "")")
    }

    /// A discount too large for the amounts settle keeps is an error, never a discount of zero.
    @Test func aDiscountThatOverflowsIsAnError() {
        let x = X12Remittance.parse("RMR*IV*INV-3*PI*4900.00*5000.00*99999999999999999999.00\\")
        #expect(x.items.map(\.reference) == ["INV-3"])
        #expect(x.items[0].discount == nil)
        #expect(x.items[0].unreadable == [.discount])
        #expect(x.items[0].amountPaid == Money(minorUnits: 490_000, currency: .usd))
        #expect(x.diagnostics.map(\.severity) == [.error])
        #expect(x.diagnostics.map(\.field) == ["RMR06"])
        #expect(x.diagnostics.first?.message.contains("too large") == true)
    }

    /// The payment's and an adjustment's amounts too: a diagnostic each, not a silent nil.
    @Test func unreadablePaymentAndAdjustmentAmountsAreDiagnostics() {
        let x = X12Remittance.parse("ST*820*1~BPR*C*1OO.00~RMR*IV*A-1*PI*100.00~ADX*-5.0O*01~SE*4*1~")
        #expect(x.paymentAmount == nil)
        #expect(x.items[0].adjustments.isEmpty)
        #expect(x.items[0].unreadable == [.adjustment])
        #expect(x.diagnostics.map { $0.field ?? "" } == ["BPR02", "ADX01"])
    }

    @Test func freeTextIsKeptAsText() {
        let x = X12Remittance.parse("INV 10023, 10024 THANK YOU")
        #expect(x.items.isEmpty)
        #expect(x.freeText == "INV 10023, 10024 THANK YOU")
    }
}

@Suite struct X12SegmentsTests {
    @Test func referencesDatesAndNotes() {
        let x = X12Remittance.parse("ST*820*1~BPR*C*100.00~TRN*1*T1~REF*VV*V-9~DTM*097*20261101~RMR*IV**PI*100.00~REF*IV*INV-77~NTE*ZZZ*paid late~SE*8*1~")
        #expect(x.traceReference == "T1")
        #expect(x.references.contains(.init(qualifier: "VV", value: "V-9")))
        #expect(x.dates == [.init(qualifier: "097", day: Day(year: 2026, month: 11, day: 1))])
        #expect(x.notes == ["paid late"])
        #expect(x.items.map(\.reference) == ["INV-77"])
    }
}
