import ACH
import Core
import Foundation
import Pipeline
import Statements
import Testing
import TestSupport

/// `settle validate` reads statements without keeping their lines; a run keeps them. Both must report the same.
@Suite struct IngestTests {
    static func camt(entries: Int) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr>
            <Stmt><Id>S1</Id><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>

            """
        for i in 0..<entries {
            let credit = i % 3 != 0
            text += """
                <Ntry><Amt Ccy="EUR">\(10 + i).25</Amt><CdtDbtInd>\(credit ? "CRDT" : "DBIT")</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
                <BookgDt><Dt>2026-11-02</Dt></BookgDt><AcctSvcrRef>R\(i)</AcctSvcrRef>
                <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Customer \(i)</Nm><PstlAdr><TwnNm>Utrecht</TwnNm></PstlAdr></Dbtr></RltdPties>
                <RmtInf><Ustrd>INV-\(i)</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>

                """
        }
        return text + "</Stmt></BkToCstmrStmt></Document>\n"
    }

    @Test func linesHandedOverOrKeptGiveTheSameTotals() throws {
        let folder = TestPaths.temporaryDirectory("ingest-camt")
        let path = folder + "/statement.xml"
        try Self.camt(entries: 30).write(toFile: path, atomically: true, encoding: .utf8)
        let kept = Ingest.read(path: path, format: .camt053, currency: .eur)
        let counted = Ingest.read(path: path, format: .camt053, currency: .eur, keepLines: false)
        #expect(kept.diagnostics.isEmpty, "\(kept.diagnostics)")
        #expect(kept.statementLines.count == 30)
        #expect(counted.statementLines.isEmpty)
        #expect(kept.statementTotals == counted.statementTotals)
        #expect(kept.statementTotals.count == 30)
        // Every third entry is a debit: 10.25, 13.25, ... 37.25 (ten of them).
        var debits: Int64 = 0, credits: Int64 = 0
        for i in 0..<30 {
            let minor = Int64(10 + i) * 100 + 25
            if i % 3 == 0 { debits += minor } else { credits += minor }
        }
        #expect(kept.statementTotals.debits == debits)
        #expect(kept.statementTotals.credits == credits)
        #expect(kept.summaryLine == counted.summaryLine)
        #expect(kept.statementLines.map(\.counterparty).filter { !$0.isEmpty } == (0..<30).filter { $0 % 3 != 0 }.map { "Customer \($0)" })
        #expect(kept.statementLines.map(\.bankReference) == (0..<30).map { "R\($0)" })
    }

    @Test func camtAmountsAddingPast64BitsAreRejectedNotACrash() throws {
        // Two entries of 50,000,000,000,000,000.00 EUR: each fits, their sum does not (this trapped before).
        let folder = TestPaths.temporaryDirectory("ingest-camt-overflow")
        let path = folder + "/statement.xml"
        let text = Self.camt(entries: 2).replacingOccurrences(of: ">10.25<", with: ">50000000000000000.00<")
            .replacingOccurrences(of: ">11.25<", with: ">50000000000000000.00<").replacingOccurrences(of: ">DBIT<", with: ">CRDT<")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        for keep in [true, false] {
            let input = Ingest.read(path: path, format: .camt053, currency: .eur, keepLines: keep)
            let overflow = input.diagnostics.filter { $0.code == "camt.amount-overflow" }
            #expect(overflow.count == 1 && overflow.first?.severity == .fatal, "\(input.diagnostics)")
            #expect(input.summaryLine.contains("rejected") && input.summaryLine.contains("past 64 bits"), "\(input.summaryLine)")
        }
    }

    @Test func bai2TotalsAreTheSameEitherWay() throws {
        let path = TestPaths.samples + "/2026-11-02/bank/20261102.bai"
        let kept = Ingest.read(path: path, format: .bai2)
        let counted = Ingest.read(path: path, format: .bai2, keepLines: false)
        #expect(kept.statementLines.count == kept.statementTotals.count)
        #expect(kept.statementTotals.count > 0)
        #expect(counted.statementLines.isEmpty)
        #expect(kept.summaryLine == counted.summaryLine)
    }
}

/// An RMR amount in an ACH entry's addenda that cannot be read is a diagnostic of the file, naming the addenda's line
/// and the field: `settle validate` lists it as a run reads it.
@Suite struct IngestRemittanceDiagnosticsTests {
    @Test func anUnreadableRemittanceAmountIsAWarningOnTheFileWhateverTheReading() throws {
        let day = Day(year: 2026, month: 11, day: 2)!
        let routing = "091000019"
        let text = NACHAWriter().write(
            file: NACHAWriter.FileSpec(immediateDestination: routing, immediateOrigin: " 011000015", creationDay: day, destinationName: "OUR BANK", originName: "THEIR BANK"),
            batches: [NACHAWriter.BatchSpec(serviceClassCode: 220, companyName: "ACME TOOLS INC", companyIdentification: "1234567890", standardEntryClass: .ccd,
                                            entryDescription: "PAYMENT", effectiveEntryDay: day, originatingDFI: "01100001", entries: [
                                                NACHAWriter.EntrySpec(transactionCode: 22, receivingRouting: routing, accountNumber: "12345678", amountCents: 120_00,
                                                                      receiverName: "NORTHWIND IND", paymentRelatedInformation: ["RMR*IV*INV-1*PI*12O.00\\"]),
                                            ])])
        let path = TestPaths.temporaryDirectory("x12-diagnostics") + "/day.ach"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        for (keep, achDay) in [(false, nil), (true, nil), (true, day)] as [(Bool, Day?)] {
            let input = Ingest.read(path: path, displayPath: "in/day.ach", format: .nacha, keepLines: keep, achDay: achDay)
            let found = input.diagnostics.filter { $0.code == "x12.amount" }
            #expect(found.map(\.location.fileAndLine) == ["in/day.ach:4"], "keep \(keep), run \(achDay.map(\.description) ?? "no"): \(input.diagnostics)")
            #expect(found.first?.field == "RMR04" && found.first?.severity == .warning)
            #expect(input.worst == .warning && !input.isRejected)
            #expect(input.summaryLine.hasSuffix("1 issue (0 errors)"), "\(input.summaryLine)")
        }
    }
}
