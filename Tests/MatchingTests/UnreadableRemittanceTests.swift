import ACH
import Core
import Matching
import Receivables
import Testing

/// A remittance line whose amount could not be read (`RemittanceItem.unreadable`) still names its invoice, but its amount
/// is unknown, not absent: never "pay what is open", never "take the discount in full". The cash it would have taken
/// waits for a person.
@Suite struct UnreadableRemittanceTests {
    typealias T = CashApplicationTests

    func engine(_ invoices: [Invoice]) -> CashApplication {
        CashApplication(customers: T.customers, invoices: invoices, policy: MatchingPolicy(tolerance: T.m(100), ambiguous: .exception))
    }

    @Test func aLineWhoseAmountPaidCannotBeReadIsNotPaidWhatIsOpen() {
        var e = engine([T.invoice("INV-1", "C1", 100_000)])
        let (decision, exceptions) = e.apply(T.receipt(100_000, company: "1234567890",
                                                       remittance: [RemittanceItem(reference: "INV-1", unreadable: .amountPaid)]))
        #expect(decision.applications.allSatisfy { $0.settled == 0 }, "\(decision.applications)")
        #expect(decision.unapplied == T.m(100_000))
        #expect(e.openAmount(of: "INV-1") == T.m(100_000))
        #expect(exceptions.map(\.type) == [.unmatched])
        #expect(exceptions.first?.invoiceIDs == ["INV-1"])
        #expect(exceptions.first?.amount == T.m(100_000))
        #expect(exceptions.first?.message.contains("INV-1") == true && exceptions.first?.message.contains("could not be read") == true, "\(exceptions)")
    }

    /// The lines that say what they pay are paid; the one that cannot be read gets nothing, and what is left of the cash is
    /// kept unapplied naming it: not an over-payment, not a short payment of a guessed amount.
    @Test func theReadableLinesArePaidAndTheRestWaitsNamingTheUnreadableOne() {
        var e = engine([T.invoice("INV-1", "C1", 60_000), T.invoice("INV-2", "C1", 50_000)])
        let (decision, exceptions) = e.apply(T.receipt(100_000, company: "1234567890", remittance: [
            RemittanceItem(reference: "INV-1", amountPaid: T.m(60_000)),
            RemittanceItem(reference: "INV-2", unreadable: .amountPaid),
        ]))
        #expect(decision.applications.filter { $0.settled != 0 }.map(\.invoiceID) == ["INV-1"], "\(decision.applications)")
        #expect(decision.unapplied == T.m(40_000))
        #expect(e.openAmount(of: "INV-1") == T.m(0))
        #expect(e.openAmount(of: "INV-2") == T.m(50_000))
        #expect(exceptions.map(\.type) == [.unmatched], "\(exceptions)")
        #expect(exceptions.first?.invoiceIDs == ["INV-2"])
        #expect(exceptions.first?.amount == T.m(40_000))
        #expect(decision.confidence < 95)
    }

    /// Beside a line whose amount could not be read, a line that gives no amount is not paid what is open either: how
    /// the cash divides between them is not known.
    @Test func aLineWithoutAnAmountBesideAnUnreadableOneIsNotPaidEither() {
        var e = engine([T.invoice("INV-1", "C1", 60_000), T.invoice("INV-2", "C1", 50_000)])
        let (decision, exceptions) = e.apply(T.receipt(100_000, company: "1234567890", remittance: [
            RemittanceItem(reference: "INV-1"),
            RemittanceItem(reference: "INV-2", unreadable: .amountPaid),
        ]))
        #expect(decision.applications.allSatisfy { $0.settled == 0 }, "\(decision.applications)")
        #expect(decision.unapplied == T.m(100_000))
        #expect(exceptions.map(\.type) == [.unmatched])
        #expect(exceptions.first?.invoiceIDs == ["INV-2", "INV-1"])
        #expect(exceptions.first?.message == "the amount the remittance gives for INV-2 could not be read, and it gives none for INV-1; nothing applied to INV-2, INV-1; "
                + "1000.00 kept as unapplied cash until someone applies it", "\(exceptions)")
    }

    /// A cash left within the tolerance is not written off as a gain when a line's amount could not be read: it may be
    /// that line's.
    @Test func aSmallRemainderIsNotWrittenOffBesideAnUnreadableLine() {
        var e = engine([T.invoice("INV-1", "C1", 99_950), T.invoice("INV-2", "C1", 50_000)])
        let (decision, exceptions) = e.apply(T.receipt(100_000, company: "1234567890", remittance: [
            RemittanceItem(reference: "INV-1", amountPaid: T.m(99_950)),
            RemittanceItem(reference: "INV-2", unreadable: .amountPaid),
        ]))
        #expect(decision.applications.allSatisfy { $0.writeOff.isZero }, "\(decision.applications)")
        #expect(decision.unapplied == T.m(50))
        #expect(e.openAmount(of: "INV-2") == T.m(50_000))
        #expect(exceptions.map(\.type) == [.unmatched], "\(exceptions)")
    }

    /// A discount that cannot be read is not taken: the invoice is short by it, and the short payment says why.
    @Test func aDiscountThatCannotBeReadIsNotTaken() {
        var e = engine([T.invoice("INV-1", "C1", 500_000, issued: "2026-10-26", terms: "2/10 NET30")])
        let (decision, exceptions) = e.apply(T.receipt(490_000, company: "1234567890",
                                                       remittance: [RemittanceItem(reference: "INV-1", amountPaid: T.m(490_000), unreadable: .discount)]))
        #expect(decision.applications.map(\.discount) == [T.m(0)])
        #expect(decision.applications.map(\.applied) == [T.m(490_000)])
        #expect(e.openAmount(of: "INV-1") == T.m(10_000))
        #expect(exceptions.map(\.type) == [.shortPay])
        #expect(exceptions.first?.message.contains("discount") == true && exceptions.first?.message.contains("could not be read") == true, "\(exceptions)")
    }
}

/// An RMR amount that cannot be read in an entry's addenda: the reading says where (the file, the addenda's line, the
/// field), and the receipt's line keeps its invoice with the amount marked unreadable.
@Suite struct UnreadableAddendaTests {
    static let routing = "091000019"

    static func file(addenda: String) throws -> ACHFile {
        let day = Day(civilYear: 2026, month: 11, day: 2)
        let spec = NACHAWriter.FileSpec(immediateDestination: routing, immediateOrigin: " 011000015", creationDay: day, creationTime: "0615",
                                        fileIDModifier: "A", destinationName: "OUR BANK", originName: "THEIR BANK")
        let batch = NACHAWriter.BatchSpec(serviceClassCode: 220, companyName: "ACME TOOLS INC", companyIdentification: "1234567890", standardEntryClass: .ccd,
                                          entryDescription: "PAYMENT", effectiveEntryDay: day, originatingDFI: "01100001", entries: [
                                              NACHAWriter.EntrySpec(transactionCode: 22, receivingRouting: routing, accountNumber: "12345678", amountCents: 120_00,
                                                                    receiverName: "NORTHWIND IND", paymentRelatedInformation: [addenda]),
                                          ])
        var reader = NACHAReader(source: MemoryByteSource(NACHAWriter().write(file: spec, batches: [batch])), fileName: "in/day.ach")
        var batches: [Batch] = []
        while let b = try reader.nextBatch() { batches.append(b) }
        return ACHFile(name: "day.ach", sha256: "aa", role: .received, account: nil, batches: batches, creationDay: day)
    }

    @Test func theReadingNamesTheAddendaAndTheFieldThatCouldNotBeRead() throws {
        let reading = ACHReading(files: [try Self.file(addenda: "RMR*IV*INV-1*PI*12O.00\\")], currency: .usd, day: Day(civilYear: 2026, month: 11, day: 2))
        // Records: file header (1), batch header (2), entry (3), its addenda (4).
        #expect(reading.diagnostics.items.map(\.location.fileAndLine) == ["in/day.ach:4"], "\(reading.diagnostics)")
        #expect(reading.diagnostics.items.first?.field == "RMR04")
        #expect(reading.diagnostics.items.first?.severity == .warning)
        let receipts = reading.receipts(day: Day(civilYear: 2026, month: 11, day: 2), seenBefore: [:], legacyPosted: []).receipts
        #expect(receipts.first?.remittance.map(\.reference) == ["INV-1"])
        #expect(receipts.first?.remittance.first?.unreadable == .amountPaid)
        // Appended to another file's facts, they stay.
        var day = ACHReading(files: [try Self.file(addenda: "RMR*IV*INV-2*PI*5.00\\")], currency: .usd, day: Day(civilYear: 2026, month: 11, day: 2))
        day.append(reading)
        #expect(day.diagnostics.count == 1)
        // A line that reads has none.
        #expect(ACHReading(files: [try Self.file(addenda: "RMR*IV*INV-1*PI*120.00\\")], currency: .usd, day: Day(civilYear: 2026, month: 11, day: 2)).diagnostics.items.isEmpty)
    }
}
