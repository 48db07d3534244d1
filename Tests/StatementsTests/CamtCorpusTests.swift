import Core
import Foundation
import Statements
import Testing
import TestSupport

/// camt files of `../shared/corpus/statements/camt`: every file read as its INDEX says, and where genkgo/camt
/// recorded the expected parse (`expected/*.json`), our entries agree with it: amount in minor units, sign,
/// currency, booking day, status, bank reference and account.
@Suite struct CamtCorpusTests {
    static var folder: String? { TestPaths.corpus.map { $0 + "/statements/camt" } }

    static func files() -> [String] {
        guard let folder else { return [] }
        let names = (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String]) ?? []
        return names.filter { !$0.hasSuffix(".md") && !$0.contains("expected/") && !$0.hasSuffix(".zip") && !$0.hasSuffix("/expected") && $0.contains("/") }
            .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: folder + "/" + $0, isDirectory: &d) && !d.boolValue }.sorted()
    }

    static func read(_ relative: String) throws -> CamtFile {
        CamtReader().read(source: try FileByteSource(path: folder! + "/" + relative), fileName: relative)
    }

    @Test func corpusIsPresentOrSkippedWithAMessage() {
        if Self.folder == nil { print("camt corpus tests skipped: ../shared/corpus is not beside the package root") } else { #expect(Self.files().count >= 35) }
    }

    static let rejected: Set<String> = ["genkgo__camt/camt053.v2.wrong.xml", "kedder__ofxstatement-iso20022/unsupported.xml"]

    @Test(arguments: CamtCorpusTests.files())
    func readsAsTheIndexSays(_ relative: String) throws {
        let file = try Self.read(relative)
        if Self.rejected.contains(relative) {
            #expect(file.diagnostics.worst == .fatal, "\(relative) must be rejected")
        } else {
            #expect((file.diagnostics.worst ?? .warning) < .error, "\(relative): \(file.diagnostics.items.prefix(3))")
            #expect(!file.statements.isEmpty)
        }
    }

    @Test(arguments: CamtCorpusTests.files().filter { $0.hasPrefix("genkgo__camt/") })
    func agreesWithGenkgoExpectations(_ relative: String) throws {
        let name = (relative as NSString).lastPathComponent.replacingOccurrences(of: ".xml", with: ".json")
        let expectedPath = Self.folder! + "/genkgo__camt/expected/" + name
        guard let data = FileManager.default.contents(atPath: expectedPath),
              let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let expectedEntries = root["getEntries"] as? [[String: Any]] else { return }
        let file = try Self.read(relative)
        // genkgo lists the entries of one statement of the message: the one its records name.
        let id = ((expectedEntries.first?["getRecord"] as? [String: Any])?["getId"] as? String) ?? file.statements.first?.id
        let statement = file.statements.first { $0.id == id } ?? file.statements.first
        let lines = statement?.lines ?? []
        #expect(statement?.entryCount == expectedEntries.count, "\(relative): entries")
        guard lines.count == expectedEntries.count else { return }
        for (line, expected) in zip(lines, expectedEntries) {
            let amount = (expected["getAmount"] as? [String: Any])?["getAmount"]
            let minor = (amount as? Int).map(Int64.init) ?? Int64("\(amount ?? "")") ?? .min
            #expect(line.amount.minorUnits == minor, "\(relative): amount")
            let currency = ((expected["getAmount"] as? [String: Any])?["getCurrency"] as? [String: Any])?["getCode"] as? String
            #expect(line.amount.currency.code == currency)
            if let booking = (expected["getBookingDate"] as? [String: Any])?["0"] as? String {
                #expect(line.bookingDay.description == String(booking.prefix(10)), "\(relative): booking day")
            }
            if let status = expected["getStatus"] as? String { #expect(line.isBooked == (status == "BOOK")) }
            if let reference = expected["getAccountServicerReference"] as? String, !reference.isEmpty {
                #expect(line.bankReference == reference || file.lines.contains { $0.bankReference == reference })
            }
            let account = ((expected["getRecord"] as? [String: Any])?["getAccount"] as? [String: Any])?["getIdentification"] as? String
            if let account { #expect(line.account == account, "\(relative): account") }
        }
    }

    @Test func oneMillionEntriesWorthOfStreamingKeepsMemoryFlat() throws {
        // A statement of many entries read through a small source buffer: the tokenizer holds a chunk, not the file.
        var xml = "<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt><Stmt><Id>S1</Id>"
        xml += "<Acct><Id><IBAN>NL00TEST0123456789</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        for i in 0..<2000 {
            xml += "<Ntry><Amt Ccy=\"EUR\">1.0\(i % 10)</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-02</Dt></BookgDt>"
            xml += "<AcctSvcrRef>R\(i)</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>E\(i)</EndToEndId></Refs>"
            xml += "<RmtInf><Strd><RfrdDocInf><Nb>INV-\(i)</Nb></RfrdDocInf><RfrdDocAmt><RmtdAmt Ccy=\"EUR\">1.0\(i % 10)</RmtdAmt></RfrdDocAmt></Strd></RmtInf></TxDtls></NtryDtls></Ntry>"
        }
        xml += "</Stmt></BkToCstmrStmt></Document>"
        let file = CamtReader().read(source: MemoryByteSource(xml), fileName: "big.xml")
        #expect(file.diagnostics.items.isEmpty)
        #expect(file.lines.count == 2000)
        #expect(file.lines[1234].remittance == [RemittanceItem(reference: "INV-1234", amountPaid: Money(minorUnits: 104, currency: .eur))])
        #expect(file.lines[1234].customerReference == "E1234")
        #expect(file.lines[1234].bankReference == "R1234")
        // Handed over as read: nothing kept, the same lines, and the balance check still runs on the running totals.
        var handed: [StatementLine] = []
        let streamed = CamtReader().read(source: MemoryByteSource(xml), fileName: "big.xml") { handed.append($0) }
        #expect(streamed.lines.isEmpty)
        #expect(handed == file.lines)
        #expect(streamed.statements[0].bookedTotals["EUR"] == file.lines.reduce(0) { $0 + $1.amount.minorUnits })
    }

    @Test(arguments: [
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><Stmt></BkToCstmrStmt></Document>",
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"></></Document>",
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><Stmt><Ntry><Amt Ccy=\"EUR\">1.00</Amt>",
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.099.001.02\"/>",
        "<Document><a b=c></a></Document>",
        "not xml at all",
        "",
    ])
    func brokenDocumentsAreFatal(_ xml: String) {
        let file = CamtReader().read(source: MemoryByteSource(xml), fileName: "broken.xml")
        #expect(file.diagnostics.worst == .fatal, "\(file.diagnostics.items)")
    }

    @Test func theBalanceCheckWorksWhetherLinesAreKeptOrHandedOver() throws {
        guard let folder = Self.folder else { return }
        let path = folder + "/genkgo__camt/camt053.v2.five.decimals.xml"
        let kept = CamtReader().read(source: try FileByteSource(path: path), fileName: path)
        let handed = CamtReader().read(source: try FileByteSource(path: path), fileName: path) { _ in }
        for file in [kept, handed] {
            #expect(file.diagnostics.items.map(\.code.rawValue) == ["camt.balance"])
        }
        let reconciles = folder + "/kedder__ofxstatement-iso20022/camt052.xml"
        #expect(CamtReader().read(source: try FileByteSource(path: reconciles), fileName: reconciles) { _ in }.diagnostics.items.isEmpty)
    }
}
