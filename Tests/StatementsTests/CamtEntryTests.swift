import Core
import Statements
import Testing

/// camt balances, entries and their transactions read from small documents written here: what is left out with an
/// error, how an entry is dated, what a referred document's amounts mean, when an entry goes out as its
/// transactions, whose bank reference a line carries, and the bank that keeps the account.
@Suite struct CamtEntryTests {
    /// A camt.053 statement, one element a line so that diagnostics name lines: `body` goes after the account.
    static func statement(_ body: [String], account: [String] = ["<Id><IBAN>NL00TEST0123456789</IBAN></Id>", "<Ccy>EUR</Ccy>"],
                          head: [String] = ["<CreDtTm>2026-11-03T06:00:00</CreDtTm>"], version: String = "08") -> String {
        (["<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.\(version)\">", "<BkToCstmrStmt>", "<Stmt>", "<Id>S1</Id>"]
            + head + ["<Acct>"] + account + ["</Acct>"] + body + ["</Stmt>", "</BkToCstmrStmt>", "</Document>"]).joined(separator: "\n")
    }

    /// The line (1-based) of the first line of `xml` that contains `text`.
    static func line(of text: String, in xml: String) -> Int {
        (xml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) } ?? -1) + 1
    }

    static func read(_ xml: String, _ name: String = "entry.xml") -> CamtFile {
        CamtReader().read(source: MemoryByteSource(xml), fileName: name)
    }

    static func balance(_ code: String, _ amount: String, _ direction: String?, currency: String = "EUR") -> [String] {
        var lines = ["<Bal>", "<Tp><CdOrPrtry><Cd>\(code)</Cd></CdOrPrtry></Tp>", "<Amt Ccy=\"\(currency)\">\(amount)</Amt>"]
        if let direction { lines.append("<CdtDbtInd>\(direction)</CdtDbtInd>") }
        return lines + ["<Dt><Dt>2026-11-02</Dt></Dt>", "</Bal>"]
    }

    static func entry(_ amount: String, _ direction: String = "CRDT", reference: String = "", dates: [String] = ["<BookgDt><Dt>2026-11-02</Dt></BookgDt>"],
                      details: [String] = []) -> [String] {
        var lines = ["<Ntry>", "<Amt Ccy=\"EUR\">\(amount)</Amt>", "<CdtDbtInd>\(direction)</CdtDbtInd>", "<Sts><Cd>BOOK</Cd></Sts>"] + dates
        if !reference.isEmpty { lines.append("<AcctSvcrRef>\(reference)</AcctSvcrRef>") }
        if !details.isEmpty { lines += ["<NtryDtls>"] + details + ["</NtryDtls>"] }
        return lines + ["</Ntry>"]
    }

    static func transaction(_ amount: String?, currency: String = "EUR", reference: String = "", endToEnd: String = "", remittance: [String] = []) -> [String] {
        var refs: [String] = []
        if !reference.isEmpty { refs.append("<AcctSvcrRef>\(reference)</AcctSvcrRef>") }
        if !endToEnd.isEmpty { refs.append("<EndToEndId>\(endToEnd)</EndToEndId>") }
        var lines = ["<TxDtls>"]
        if !refs.isEmpty { lines.append("<Refs>" + refs.joined() + "</Refs>") }
        if let amount { lines.append("<Amt Ccy=\"\(currency)\">\(amount)</Amt>") }
        if !remittance.isEmpty { lines += ["<RmtInf>"] + remittance + ["</RmtInf>"] }
        return lines + ["</TxDtls>"]
    }

    static func eur(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: .eur) }

    // MARK: Balances

    @Test(arguments: [
        ("OPBD", "100.00", nil, "Bal/CdtDbtInd", "has no CdtDbtInd"),
        ("OPBD", "100.00", "CREDIT", "Bal/CdtDbtInd", "is not CRDT or DBIT"),
        ("OPBD", "-100.00", "CRDT", "Bal/Amt", "is negative"),
        ("OPBD", "abc", "CRDT", "Bal/Amt", "is not an amount"),
        ("OPBD", "100.00 DR", "CRDT", "Bal/Amt", "is not an amount"),
        ("OPBD", "(100.00)", "CRDT", "Bal/Amt", "is not an amount"),
    ] as [(String, String, String?, String, String)])
    func aBalanceWithoutADirectionOrWithABadAmountIsAnErrorAndNotUsed(code: String, amount: String, direction: String?, field: String, message: String) {
        let xml = Self.statement(Self.balance(code, amount, direction) + Self.balance("CLBD", "105.00", "CRDT") + Self.entry("5.00"))
        let file = Self.read(xml, "balances.xml")
        let errors = file.diagnostics.items.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(file.diagnostics.items)")
        let error = errors.first
        #expect(error?.field == field)
        #expect(error?.message.contains(message) == true, "\(String(describing: error?.message))")
        #expect(error?.location.file == "balances.xml")
        // The line of the field, or of the Bal when the field is missing.
        let expectedLine = field == "Bal/Amt" ? Self.line(of: ">\(amount)</Amt>", in: xml)
            : direction == nil ? Self.line(of: "<Bal>", in: xml) : Self.line(of: "<CdtDbtInd>\(direction ?? "")", in: xml)
        #expect(error?.location.line == expectedLine)
        // Never kept as if valid: the statement has its closing balance only, and no balance check is made from it.
        #expect(file.statements[0].balances.map(\.code) == ["CLBD"])
        #expect(file.balances.first?.opening == nil)
        #expect(file.balances.first?.closing == Self.eur(10_500))
        #expect(file.lines.map(\.amount) == [Self.eur(500)])
    }

    @Test func balancesCarryTheirOwnCurrencyAndTheStatementItsAccountCurrency() {
        let xml = Self.statement(Self.balance("OPBD", "0", "CRDT", currency: "CHF") + Self.balance("CLBD", "12.50", "DBIT", currency: "CHF")
                                 + Self.entry("12.50", "DBIT").map { $0.replacingOccurrences(of: "EUR", with: "CHF") })
        let file = Self.read(xml)
        #expect(file.diagnostics.items.isEmpty, "\(file.diagnostics.items)")
        #expect(file.statements[0].currency == .eur)
        let chf = Currency.iso("CHF")!
        #expect(file.statements[0].balances.map(\.amount) == [Money(minorUnits: 0, currency: chf), Money(minorUnits: -1_250, currency: chf)])
        #expect(file.lines.map(\.amount) == [Money(minorUnits: -1_250, currency: chf)])
    }

    // MARK: Days

    @Test func anEntryWithNeitherBookingNorValueDayIsAnErrorWhenItsStatementHasNoDayEither() {
        let xml = Self.statement(Self.entry("5.00") + Self.entry("7.00", dates: []), head: [])
        let file = Self.read(xml, "undated.xml")
        #expect(file.lines.map(\.amount) == [Self.eur(500)])
        #expect(!file.lines.contains { $0.bookingDay == Day(daysSinceEpoch: 0) })
        let errors = file.diagnostics.items.filter { $0.severity == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.field == "Ntry/BookgDt")
        #expect(errors.first?.location.file == "undated.xml")
        #expect(errors.first?.location.line == Self.line(of: ">7.00<", in: xml) - 1) // the undated <Ntry>
        #expect(file.statements[0].entryCount == 2)
    }

    @Test func anUndatedEntryIsDatedByItsStatementWithAWarning() throws {
        let created = Self.read(Self.statement(Self.entry("7.00", dates: [])))
        #expect(created.lines.map(\.bookingDay) == [try #require(Day(year: 2026, month: 11, day: 3))])
        #expect(created.diagnostics.items.map(\.severity) == [.warning])
        #expect(created.diagnostics.items.first?.field == "Ntry/BookgDt")
        #expect(created.diagnostics.items.first?.message.contains("CreDtTm") == true)
        // The end of the statement's period comes before its creation day.
        let period = Self.read(Self.statement(Self.entry("7.00", dates: []), head: [
            "<CreDtTm>2026-11-03T06:00:00</CreDtTm>", "<FrToDt><FrDtTm>2026-11-01T00:00:00</FrDtTm><ToDtTm>2026-11-01T23:59:59</ToDtTm></FrToDt>",
        ]))
        #expect(period.lines.map(\.bookingDay) == [try #require(Day(year: 2026, month: 11, day: 1))])
        // A value day alone dates the entry without a word.
        let valued = Self.read(Self.statement(Self.entry("7.00", dates: ["<ValDt><Dt>2026-10-30</Dt></ValDt>"])))
        #expect(valued.lines.map(\.bookingDay) == [try #require(Day(year: 2026, month: 10, day: 30))])
        #expect(valued.diagnostics.items.isEmpty)
    }

    @Test func aBookingDayThatIsNoDayIsAnError() {
        let xml = Self.statement(Self.entry("7.00", dates: ["<BookgDt><Dt>2026-13-45</Dt></BookgDt>", "<ValDt><Dt>2026-11-02</Dt></ValDt>"]))
        let file = Self.read(xml)
        #expect(file.lines.isEmpty)
        #expect(file.diagnostics.items.map(\.field) == ["Ntry/BookgDt"])
        #expect(file.diagnostics.items.first?.severity == .error)
        #expect(file.diagnostics.items.first?.location.line == Self.line(of: "2026-13-45", in: xml))
    }

    // MARK: Referred documents

    static func document(_ type: String?, _ number: String, amounts: [String]) -> [String] {
        ["<Strd>", "<RfrdDocInf>" + (type.map { "<Tp><CdOrPrtry><Cd>\($0)</Cd></CdOrPrtry></Tp>" } ?? "") + "<Nb>\(number)</Nb></RfrdDocInf>"]
            + (amounts.isEmpty ? [] : ["<RfrdDocAmt>" + amounts.joined() + "</RfrdDocAmt>"]) + ["</Strd>"]
    }

    @Test func onlyTheRemittedAmountIsPaidAndEachDocumentKeepsItsType() {
        let remittance = Self.document("CINV", "INV-1", amounts: ["<DuePyblAmt Ccy=\"EUR\">120.00</DuePyblAmt>", "<RmtdAmt Ccy=\"EUR\">100.00</RmtdAmt>"])
            + Self.document("CINV", "INV-2", amounts: ["<DuePyblAmt Ccy=\"EUR\">80.00</DuePyblAmt>"])
            + Self.document("CREN", "CN-3", amounts: ["<CdtNoteAmt Ccy=\"EUR\">20.00</CdtNoteAmt>"])
            + Self.document("PUOR", "PO-4", amounts: ["<RmtdAmt Ccy=\"EUR\">30.00</RmtdAmt>", "<CdtNoteAmt Ccy=\"EUR\">5.00</CdtNoteAmt>"])
            + Self.document("DEBN", "DN-5", amounts: []) + Self.document(nil, "X-6", amounts: []) + Self.document("SOAC", "SOA-7", amounts: [])
        let file = Self.read(Self.statement(Self.entry("130.00", details: Self.transaction(nil, remittance: remittance))))
        #expect(file.diagnostics.items.isEmpty, "\(file.diagnostics.items)")
        let items = file.lines.first?.remittance ?? []
        #expect(items.map(\.reference) == ["INV-1", "INV-2", "CN-3", "PO-4", "DN-5", "X-6", "SOA-7"])
        #expect(items.map(\.referenceQualifier) == ["IV", "IV", "CM", "PO", "DM", "IV", "SOAC"])
        #expect(items.map(\.amountPaid) == [Self.eur(10_000), nil, nil, Self.eur(3_000), nil, nil, nil])
        #expect(items.map(\.invoiceTotal) == [Self.eur(12_000), Self.eur(8_000), nil, nil, nil, nil, nil])
        #expect(items[2].adjustments == [.init(amount: Self.eur(-2_000), reasonCode: "CREN")])
        #expect(items[3].adjustments == [.init(amount: Self.eur(-500), reasonCode: "CREN")])
        #expect(items[0].adjustments.isEmpty)
    }

    @Test func oneAmountForSeveralDocumentsIsNoneOfTheirs() {
        // One Strd naming two invoices and one RfrdDocAmt: the amount is theirs together, so neither is given it
        // (it went to the last one); a following Strd's amount is its own document's.
        let remittance = ["<Strd>", "<RfrdDocInf><Nb>INV-1</Nb></RfrdDocInf>", "<RfrdDocInf><Nb>INV-2</Nb></RfrdDocInf>",
                          "<RfrdDocAmt><RmtdAmt Ccy=\"EUR\">90.00</RmtdAmt></RfrdDocAmt>", "</Strd>"]
            + ["<Strd>", "<RfrdDocAmt><RmtdAmt Ccy=\"EUR\">15.00</RmtdAmt></RfrdDocAmt>", "</Strd>"]
            + Self.document("CINV", "INV-3", amounts: ["<RmtdAmt Ccy=\"EUR\">10.00</RmtdAmt>"])
        let file = Self.read(Self.statement(Self.entry("100.00", details: Self.transaction(nil, remittance: remittance))))
        let items = file.lines.first?.remittance ?? []
        #expect(items.map(\.reference) == ["INV-1", "INV-2", "INV-3"])
        #expect(items.map(\.amountPaid) == [nil, nil, Self.eur(1_000)])
    }

    // MARK: Transactions or the entry whole

    @Test func anEntryIsHandedOverAsItsTransactionsOrWholeNeverBoth() {
        // The third transaction is in another currency: the entry goes whole, and only whole.
        let details = Self.transaction("30.00", reference: "T1") + Self.transaction("20.00", reference: "T2") + Self.transaction("10.00", currency: "USD", reference: "T3")
        let xml = Self.statement(Self.balance("OPBD", "0", "CRDT") + Self.balance("CLBD", "60.00", "CRDT") + Self.entry("60.00", reference: "E1", details: details))
        var handed: [StatementLine] = []
        let file = CamtReader().read(source: MemoryByteSource(xml), fileName: "mixed.xml") { handed.append($0) }
        #expect(handed.map(\.amount) == [Self.eur(6_000)])
        #expect(handed.first?.bankReference == "E1")
        #expect(handed.first?.bankReferenceIsShared == false)
        #expect(file.statements[0].bookedTotals == ["EUR": 6_000])
        #expect(file.diagnostics.items.map(\.code.rawValue) == ["camt.amount"])
        #expect(file.diagnostics.items.first?.severity == .warning)
        #expect(file.diagnostics.items.first?.location.line == Self.line(of: "<Refs><AcctSvcrRef>T3", in: xml) - 1)
    }

    @Test func transactionsThatDoNotAddUpToTheEntryLeaveItWhole() {
        let details = Self.transaction("30.00") + Self.transaction("20.00")
        let file = Self.read(Self.statement(Self.entry("49.50", reference: "E1", details: details)))
        #expect(file.lines.map(\.amount) == [Self.eur(4_950)])
        #expect(file.diagnostics.items.map(\.severity) == [.warning])
        #expect(file.diagnostics.items.first?.message.contains("add up to") == true)
    }

    // MARK: Bank references of a batch

    @Test func aBatchsTransactionsShareTheEntrysReferenceAndSaySo() {
        let details = ["<Btch><NbOfTxs>2</NbOfTxs></Btch>"]
            + Self.transaction("5000.00", endToEnd: "E2E-1", remittance: Self.document("CINV", "INV-1", amounts: ["<RmtdAmt Ccy=\"EUR\">5000.00</RmtdAmt>"]))
            + Self.transaction("1500.00", endToEnd: "E2E-2", remittance: Self.document("CINV", "INV-2", amounts: ["<RmtdAmt Ccy=\"EUR\">1500.00</RmtdAmt>"]))
        let file = Self.read(Self.statement(Self.entry("6500.00", reference: "BATCH-7", details: details)))
        #expect(file.diagnostics.items.isEmpty, "\(file.diagnostics.items)")
        #expect(file.lines.map(\.amount) == [Self.eur(500_000), Self.eur(150_000)])
        #expect(file.lines.map(\.bankReference) == ["BATCH-7", "BATCH-7"])
        #expect(file.lines.map(\.bankReferenceIsShared) == [true, true])
        #expect(file.lines.map(\.customerReference) == ["E2E-1", "E2E-2"])
        #expect(file.lines.map { $0.remittance.map(\.reference) } == [["INV-1"], ["INV-2"]])
    }

    @Test func aTransactionsOwnReferenceIsItsOwnUnlessAnotherCarriesItToo() {
        let own = Self.read(Self.statement(Self.entry("6500.00", reference: "BATCH-7", details: Self.transaction("5000.00", reference: "TX-1") + Self.transaction("1500.00"))))
        #expect(own.lines.map(\.bankReference) == ["TX-1", "BATCH-7"])
        #expect(own.lines.map(\.bankReferenceIsShared) == [false, true])
        // Two transactions under one reference (a Swiss ISR package id, as OCA's test-camt053-txdtls has): shared.
        let package = Self.read(Self.statement(Self.entry("6500.00", reference: "BATCH-7", details: Self.transaction("5000.00", reference: "PKG") + Self.transaction("1500.00", reference: "PKG"))))
        #expect(package.lines.map(\.bankReference) == ["PKG", "PKG"])
        #expect(package.lines.map(\.bankReferenceIsShared) == [true, true])
        // No reference anywhere: nothing shared.
        let none = Self.read(Self.statement(Self.entry("6500.00", details: Self.transaction("5000.00") + Self.transaction("1500.00"))))
        #expect(none.lines.map(\.bankReferenceIsShared) == [false, false])
    }

    @Test func aBatchWithTransactionsWithoutAmountsIsOneLineUnderTheEntrysOwnReference() {
        let details = ["<Btch><NbOfTxs>2</NbOfTxs></Btch>"]
            + Self.transaction("5000.00", reference: "TX-1", remittance: ["<Ustrd>first</Ustrd>"] + Self.document("CINV", "INV-1", amounts: []))
            + Self.transaction(nil, reference: "TX-2", remittance: ["<Ustrd>second</Ustrd>"] + Self.document("CINV", "INV-2", amounts: []))
        let file = Self.read(Self.statement(Self.entry("6500.00", reference: "BATCH-7", details: details)))
        #expect(file.lines.count == 1)
        #expect(file.lines.first?.amount == Self.eur(650_000))
        #expect(file.lines.first?.bankReference == "BATCH-7")
        #expect(file.lines.first?.bankReferenceIsShared == false)
        #expect(file.lines.first?.remittance.map(\.reference) == ["INV-1", "INV-2"])
        #expect(file.lines.first?.description == "first second")
    }

    @Test func aBatchCountWithFewerTransactionsIsTheEntryWhole() {
        let details = ["<Btch><NbOfTxs>20</NbOfTxs></Btch>"] + Self.transaction("6500.00", endToEnd: "E2E-1")
        let file = Self.read(Self.statement(Self.entry("6500.00", reference: "BATCH-7", details: details)))
        #expect(file.lines.map(\.amount) == [Self.eur(650_000)])
        #expect(file.lines.map(\.bankReference) == ["BATCH-7"])
        #expect(file.lines.map(\.bankReferenceIsShared) == [false])
    }

    // MARK: The bank

    @Test(arguments: [("08", "BICFI"), ("02", "BIC")])
    func theAccountServicersBICIsTheBankOfEveryLine(version: String, element: String) {
        let account = ["<Id><IBAN>NL00TEST0123456789</IBAN></Id>", "<Ccy>EUR</Ccy>", "<Svcr><FinInstnId><\(element)>TESTNL2AXXX</\(element)></FinInstnId></Svcr>"]
        // A servicer named elsewhere (the debtor's account in a transaction) is not the statement's bank.
        let details = ["<TxDtls>", "<RltdPties><DbtrAcct><Id><IBAN>DE00</IBAN></Id><Svcr><FinInstnId><\(element)>OTHERDEFF</\(element)></FinInstnId></Svcr></DbtrAcct></RltdPties>", "</TxDtls>"]
        let file = Self.read(Self.statement(Self.entry("5.00", details: details), account: account, version: version))
        #expect(file.statements.map(\.bank) == ["TESTNL2AXXX"])
        #expect(file.lines.map(\.bank) == ["TESTNL2AXXX"])
        #expect(file.lines.map(\.account) == ["NL00TEST0123456789"])
    }

    @Test func aStatementWithoutServicerHasNoBank() {
        let file = Self.read(Self.statement(Self.entry("5.00")))
        #expect(file.statements.map(\.bank) == [""])
        #expect(file.lines.map(\.bank) == [""])
    }
}
