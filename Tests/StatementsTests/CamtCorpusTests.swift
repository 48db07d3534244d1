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

    @Test(arguments: [("CREDIT", "is not CRDT or DBIT", "Ntry/CdtDbtInd"), ("", "has no CdtDbtInd", "Ntry/CdtDbtInd"), ("NEGATIVE", "is negative", "Ntry/Amt")])
    func aDirectionOrSignThatIsNotThereIsAnErrorNeverAGuess(indicator: String, message: String, field: String) {
        let amount = indicator == "NEGATIVE" ? "-12.00" : "12.00"
        let direction = indicator == "NEGATIVE" ? "<CdtDbtInd>CRDT</CdtDbtInd>" : indicator.isEmpty ? "" : "<CdtDbtInd>\(indicator)</CdtDbtInd>"
        let xml = "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt><Stmt><Id>S1</Id><Acct><Id><Othr><Id>1</Id></Othr></Id></Acct>"
            + "<Ntry><Amt Ccy=\"USD\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-02</Dt></BookgDt></Ntry>"
            + "<Ntry><Amt Ccy=\"USD\">\(amount)</Amt>\(direction)<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-02</Dt></BookgDt></Ntry>"
            + "</Stmt></BkToCstmrStmt></Document>"
        let file = CamtReader().read(source: MemoryByteSource(xml), fileName: "bad.xml")
        // The good entry is kept; the bad one is left out with an error naming file, line and field.
        #expect(file.lines.map(\.amount.minorUnits) == [500])
        let errors = file.diagnostics.items.filter { $0.severity == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains(message) == true, "\(errors)")
        #expect(errors.first?.field == field)
        #expect(errors.first?.location.file == "bad.xml")
    }

    @Test func achBankTransactionCodesDownToTheSubFamilyAndBalances() {
        func entry(_ amount: String, _ direction: String, _ family: String, _ sub: String) -> String {
            "<Ntry><Amt Ccy=\"USD\">\(amount)</Amt><CdtDbtInd>\(direction)</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-02</Dt></BookgDt>"
                + "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>\(family)</Cd><SubFmlyCd>\(sub)</SubFmlyCd></Fmly></Domn></BkTxCd></Ntry>"
        }
        let xml = "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt><Stmt><Id>S1</Id><Acct><Id><Othr><Id>4471002233</Id></Othr></Id></Acct>"
            + "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"USD\">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-02</Dt></Dt></Bal>"
            + "<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"USD\">129.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-02</Dt></Dt></Bal>"
            + entry("50.00", "CRDT", "RCDT", "ACDT") + entry("5.00", "CRDT", "RCDT", "ASET") + entry("7.00", "DBIT", "RDDT", "ARET")
            + entry("9.00", "DBIT", "IDDT", "AREV") + entry("10.00", "DBIT", "ICDT", "ESCT")
            + "</Stmt></BkToCstmrStmt></Document>"
        let file = CamtReader().read(source: MemoryByteSource(xml), fileName: "codes.xml")
        #expect(file.lines.map(\.kind) == [.achCredit, .achCredit, .achReturn, .achReturn, .wireOut])
        #expect(file.balances == [StatementBalance(account: "4471002233", day: Day(year: 2026, month: 11, day: 2)!, opening: Money(minorUnits: 10_000, currency: .usd),
                                                   closing: Money(minorUnits: 12_900, currency: .usd), isFinal: true, location: file.statements[0].location)])
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
        // Found by scripts/fuzz.sh camt: a root element named only by colons (it trapped once).
        "<??>\n<::\r\u{0}\u{0}\u{0}DtTm>201Subst",
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><a:></a:></Document>",
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

/// What the other projects' tests assert of their camt samples: OCA/bank-statement-import's golden parses
/// (`expected/golden-*.pydata`: currency, account, opening and closing balance, every transaction's amount and day),
/// kedder/ofxstatement-iso20022's assertions and sebastienrousseau/camt053's business-sample checks, as the INDEX
/// quotes them.
@Suite struct CamtOracleTests {
    static var folder: String? { TestPaths.corpus.map { $0 + "/statements/camt" } }

    static func read(_ relative: String) throws -> CamtFile {
        CamtReader().read(source: try FileByteSource(path: folder! + "/" + relative), fileName: relative)
    }

    /// A balance in minor units from a decimal written with a point (`15568.27`, `0.0`, `-754.25`).
    static func minor(_ text: Substring, exponent: Int = 2) -> Int64? {
        try? MoneyFormat.parseMinorUnits(Array(text.utf8), exponent: exponent, style: .point)
    }

    static func matches(_ pattern: String, in text: String) -> [Substring] {
        let regex = try! Regex(pattern)
        return text.matches(of: regex).compactMap { $0.output[1].substring }
    }

    static func opening(_ s: CamtFile.Statement) -> Int64 {
        (s.balances.first { $0.code == "OPBD" } ?? s.balances.first { $0.code == "PRCD" })?.amount.minorUnits ?? 0
    }
    static func closing(_ s: CamtFile.Statement) -> Int64 { s.balances.first { $0.code == "CLBD" }?.amount.minorUnits ?? 0 }

    @Test(arguments: ["test-camt053", "test-camt053-txdtls", "test-camt054", "test-camt053-no-ntry"])
    func agreesWithOCAGoldens(_ name: String) throws {
        guard let folder = Self.folder else { print("skipped: ../shared/corpus is absent"); return }
        let golden = try String(contentsOfFile: folder + "/OCA__bank-statement-import/expected/golden-\(name.dropFirst(5)).pydata", encoding: .utf8)
        let file = try Self.read("OCA__bank-statement-import/" + name)
        #expect((file.diagnostics.worst ?? .warning) < .error, "\(file.diagnostics.items)")
        let lines = file.lines
        if golden.hasPrefix("(None, None, [])") {
            // OCA drops a statement without entries; we read it and find no lines.
            #expect(lines.isEmpty)
            return
        }
        let currency = try #require(Self.matches(#"^\('([A-Z]{3})'"#, in: golden).first)
        let account = try #require(Self.matches(#"^\('[A-Z]{3}',\s*'([^']*)'"#, in: golden).first)
        let statement = try #require(file.statements.first)
        #expect(statement.account == String(account))
        #expect(lines.allSatisfy { $0.amount.currency.code == String(currency) })
        #expect(Self.opening(statement) == Self.matches(#"'balance_start': (-?[0-9.]+)"#, in: golden).first.flatMap { Self.minor($0) })
        #expect(Self.closing(statement) == Self.matches(#"'balance_end_real': (-?[0-9.]+)"#, in: golden).first.flatMap { Self.minor($0) })
        let amounts = Self.matches(#"'amount': (-?[0-9.]+)"#, in: golden).compactMap { Self.minor($0) }
        let days = Self.matches(#"\s{21}'date': '([0-9-]+)'"#, in: golden).map(String.init)
        #expect(!amounts.isEmpty && !days.isEmpty && days.count == amounts.count)
        #expect(lines.map(\.amount.minorUnits) == amounts, "\(name): transaction amounts in order")
        #expect(lines.map(\.bookingDay.description) == days, "\(name): transaction days")
    }

    struct Kedder: Sendable, CustomTestStringConvertible {
        var file: String, account: String?, currency: String?, start: Int64, end: Int64, lines: Int, first: Int64?, reference: String?, payee: String?
        var testDescription: String { file }
    }

    static let kedder = [
        Kedder(file: "simple.xml", account: "LT000000000000000000", currency: "EUR", start: 30_653, end: 12_552, lines: 4, first: -29, reference: "FC1261858984", payee: nil),
        Kedder(file: "gcamp6.xml", account: "CH2609000000924238861", currency: nil, start: 0, end: 1_000_000, lines: 5, first: 1_000_000,
               reference: "20160423000805545979476000000012", payee: nil),
        Kedder(file: "davider80.xml", account: nil, currency: nil, start: 943_331, end: 575_346, lines: 16, first: -90_530, reference: nil, payee: nil),
        Kedder(file: "camt052.xml", account: nil, currency: "EUR", start: 26_835, end: 1_695, lines: 5, first: nil, reference: "NONREF", payee: "SPARKASSE PFORZHEIM CALW"),
        Kedder(file: "camt053.xml", account: nil, currency: "CHF", start: 83_201, end: 211_631, lines: 1, first: 128_430, reference: "A032-J30K20-03-JF021", payee: nil),
    ]

    @Test(arguments: CamtOracleTests.kedder)
    func agreesWithOfxstatementAssertions(_ k: Kedder) throws {
        guard Self.folder != nil else { print("skipped: ../shared/corpus is absent"); return }
        let file = try Self.read("kedder__ofxstatement-iso20022/" + k.file)
        let statement = try #require(file.statements.first)
        if let account = k.account { #expect(statement.account == account) }
        let lines = file.lines
        if let currency = k.currency { #expect(lines.allSatisfy { $0.amount.currency.code == currency }) }
        #expect(Self.opening(statement) == k.start)
        #expect(Self.closing(statement) == k.end)
        #expect(lines.count == k.lines)
        let first = try #require(lines.first)
        if let amount = k.first { #expect(first.amount.minorUnits == amount) }
        if let reference = k.reference { #expect(first.bankReference == reference || first.customerReference == reference, "\(first)") }
        if let payee = k.payee { #expect(first.counterparty == payee) }
    }

    @Test func businessSampleAsSebastienrousseauChecksIt() throws {
        guard Self.folder != nil else { print("skipped: ../shared/corpus is absent"); return }
        let file = try Self.read("sebastienrousseau__camt053/business_sample_camt.053.001.04.xml")
        #expect(file.messageType == "camt.053" && file.version == 4)
        let statement = try #require(file.statements.first)
        #expect(statement.account == "50000000054910000003")
        #expect(statement.balances.map(\.code) == ["OPBD", "CLBD"])
        #expect(statement.entryCount == 3)
        #expect(Set(file.lines.map(\.isCredit)) == [true, false])
        #expect(file.lines.allSatisfy { $0.isBooked })
        #expect(file.lines.allSatisfy { $0.kind != .achReturn })
        for version in ["052", "054"] {
            let sample = try Self.read("sebastienrousseau__camt053/business_sample_camt.\(version).001.04.xml")
            #expect(sample.messageType == "camt.\(version)")
        }
    }
}
