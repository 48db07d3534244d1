import Core

/// A bank-to-customer message in ISO 20022 camt.052 (account report), camt.053 (statement) or camt.054
/// (debit/credit notification), any version from 001.01 to 001.14, read as a stream of elements.
public struct CamtFile: Sendable {
    public struct Balance: Sendable, Hashable {
        public var code: String
        public var amount: Money
        public var day: Day?
    }

    public struct Statement: Sendable {
        public var id = ""
        public var account = ""
        public var currency: Currency?
        public var balances: [Balance] = []
        /// The statement's lines, unless a handler took them as they were read.
        public var lines: [StatementLine] = []
        public var entryCount = 0
        /// Booked amounts per currency code, summed as lines are read (the balance check needs no stored lines).
        public var bookedTotals: [String: Int64] = [:]
        /// Set when the booked amounts of one currency add up past 64 bits: the statement cannot be checked or posted.
        public var totalsOverflowed = false
        public var pendingCount = 0
        public var location: SourceLocation
    }

    public var messageType = ""
    public var version = 0
    public var statements: [Statement] = []
    public var diagnostics = DiagnosticList()
    public var lines: [StatementLine] { statements.flatMap(\.lines) }
    public var entryCount: Int { statements.reduce(0) { $0 + $1.entryCount } }
}

/// Reads camt.052/053/054 by element local name, so every version's namespace reads alike; an unknown namespace is
/// an error, never an empty statement. Only booked entries (`Sts` BOOK) move the balance; others are reported
/// (`isBooked` false). Opening plus booked entries is checked against the closing balance (a warning).
public struct CamtReader {
    public init() {}

    struct EntryBuilder {
        var amount = ""
        var currency = ""
        /// `CdtDbtInd` as written: mandatory, and `CRDT` or `DBIT`.
        var creditDebit: String?
        var credit: Bool { creditDebit == "CRDT" }
        var reversal = false
        var status = ""
        var bookingDay: Day?
        var valueDay: Day?
        var bankReference = ""
        var typeCode: [String] = []
        var proprietaryCode = ""
        var additionalInfo = ""
        var batchCount: Int?
        var transactions: [TxBuilder] = []
        var location: SourceLocation
    }

    struct TxBuilder {
        var endToEndID = ""
        var bankReference = ""
        var instructionID = ""
        var uetr = ""
        var amount = ""
        var currency = ""
        /// `CdtDbtInd` of the transaction as written (optional there).
        var creditDebit: String?
        var credit: Bool? { creditDebit == "CRDT" ? true : creditDebit == "DBIT" ? false : nil }
        var debtorName = ""
        var creditorName = ""
        var unstructured: [String] = []
        var documents: [(number: String, amount: String, currency: String)] = []
        var creditorReference = ""
        var returnReason = ""
        var additionalInfo = ""
    }

    /// The element names the reader acts on, as small numbers: paths compare as integers, not strings.
    enum Tag: UInt8 {
        /// An element whose whole content the reader has no use for (addresses, agents, charges...): skipped unread.
        case skipped
        case other, Document, Stmt, Rpt, Ntfctn, Ntry, TxDtls, Bal, Amt, CdtDbtInd, RvslInd, Sts, Cd, Dt, DtTm, AcctSvcrRef, EndToEndId, InstrId, UETR, Nm, Ustrd, Nb, RmtdAmt, DuePyblAmt, Ref, AddtlTxInf, AddtlNtryInf, NbOfTxs, IBAN, Id, Ccy, SubFmlyCd, Prtry, Refs, AmtDtls, TxAmt, Dbtr, Cdtr, Pty, RmtInf, Strd, RfrdDocInf, RfrdDocAmt, CdtrRefInf, RtrInf, Rsn, BookgDt, ValDt, BkTxCd, Domn, Fmly, Btch, Tp, CdOrPrtry, Acct, Othr, PrtryAcct, BBAN, UPIC, NtryDtls
    }

    static let tags: [String: Tag] = ["Document": .Document, "Stmt": .Stmt, "Rpt": .Rpt, "Ntfctn": .Ntfctn, "Ntry": .Ntry, "TxDtls": .TxDtls, "Bal": .Bal, "Amt": .Amt, "CdtDbtInd": .CdtDbtInd, "RvslInd": .RvslInd, "Sts": .Sts, "Cd": .Cd, "Dt": .Dt, "DtTm": .DtTm, "AcctSvcrRef": .AcctSvcrRef, "EndToEndId": .EndToEndId, "InstrId": .InstrId, "UETR": .UETR, "Nm": .Nm, "Ustrd": .Ustrd, "Nb": .Nb, "RmtdAmt": .RmtdAmt, "DuePyblAmt": .DuePyblAmt, "Ref": .Ref, "AddtlTxInf": .AddtlTxInf, "AddtlNtryInf": .AddtlNtryInf, "NbOfTxs": .NbOfTxs, "IBAN": .IBAN, "Id": .Id, "Ccy": .Ccy, "SubFmlyCd": .SubFmlyCd, "Prtry": .Prtry, "Refs": .Refs, "AmtDtls": .AmtDtls, "TxAmt": .TxAmt, "Dbtr": .Dbtr, "Cdtr": .Cdtr, "Pty": .Pty, "RmtInf": .RmtInf, "Strd": .Strd, "RfrdDocInf": .RfrdDocInf, "RfrdDocAmt": .RfrdDocAmt, "CdtrRefInf": .CdtrRefInf, "RtrInf": .RtrInf, "Rsn": .Rsn, "BookgDt": .BookgDt, "ValDt": .ValDt, "BkTxCd": .BkTxCd, "Domn": .Domn, "Fmly": .Fmly, "Btch": .Btch, "Tp": .Tp, "CdOrPrtry": .CdOrPrtry, "Acct": .Acct, "Othr": .Othr, "PrtryAcct": .PrtryAcct, "BBAN": .BBAN, "UPIC": .UPIC, "NtryDtls": .NtryDtls,
        "PstlAdr": .skipped, "RltdAgts": .skipped, "CtctDtls": .skipped, "Purp": .skipped, "RltdDts": .skipped, "Chrgs": .skipped,
        "Tax": .skipped, "SplmtryData": .skipped, "CardTx": .skipped, "RltdQties": .skipped, "RltdPric": .skipped, "Intrst": .skipped]

    static func namespaceVersion(_ namespace: String?) -> (type: String, version: Int)? {
        guard let namespace, namespace.hasPrefix("urn:iso:std:iso:20022:tech:xsd:camt.") else { return nil }
        let rest = namespace.dropFirst("urn:iso:std:iso:20022:tech:xsd:camt.".count) // 053.001.02
        let parts = rest.split(separator: ".")
        guard parts.count == 3, ["052", "053", "054"].contains(parts[0]), parts[1] == "001", let version = Int(parts[2]), (1...14).contains(version) else { return nil }
        return ("camt." + parts[0], version)
    }

    /// Reads a whole message. With `handler`, each line is handed over as it is read and not kept: memory then
    /// stays flat however many entries the statement holds.
    public func read<S: ByteSource>(source: S, fileName: String, defaultCurrency: Currency = .usd,
                                    handler: ((StatementLine) -> Void)? = nil) -> CamtFile {
        var parser = CamtParser(reader: self, tokenizer: XMLTokenizer(source: source), source: SourceFile(fileName), defaultCurrency: defaultCurrency)
        parser.handler = handler
        return parser.run()
    }

    /// Turns a finished entry into statement lines: one per transaction that carries its own amount, else one for the entry.
    typealias Problem = (code: Diagnostic.Code, severity: Severity, message: String, field: String?)

    func emit(_ line: StatementLine, into statement: inout CamtFile.Statement, handler: ((StatementLine) -> Void)?) {
        if line.isBooked {
            let (sum, overflow) = (statement.bookedTotals[line.amount.currency.code] ?? 0).addingReportingOverflow(line.amount.minorUnits)
            if overflow { statement.totalsOverflowed = true } else { statement.bookedTotals[line.amount.currency.code] = sum }
        }
        if let handler { handler(line) } else { statement.lines.append(line) }
    }

    func finish(_ entry: EntryBuilder, into statement: inout CamtFile.Statement, format: StatementFormat, defaultCurrency: Currency,
                problems: inout [Problem], handler: ((StatementLine) -> Void)? = nil) {
        func problem(_ code: Diagnostic.Code, _ severity: Severity, _ message: String, _ field: String?) { problems.append((code, severity, message, field)) }
        statement.entryCount += 1
        let booked = entry.status.isEmpty || entry.status == "BOOK"
        if !booked { statement.pendingCount += 1 }
        let currency = Currency.iso(entry.currency) ?? statement.currency ?? defaultCurrency
        guard let amount = try? Money.parse(entry.amount, currency: currency) else {
            problem("camt.amount", .error, "entry amount '\(entry.amount)' is not an amount in \(currency)", "Ntry/Amt")
            return
        }
        // Never read a direction or a sign that is not there: the entry is left out, with the reason.
        if amount.isNegative {
            problem("camt.amount", .error, "entry amount '\(entry.amount)' is negative; camt amounts are unsigned and CdtDbtInd gives the direction: the entry is left out", "Ntry/Amt")
            return
        }
        guard let direction = entry.creditDebit else {
            problem("camt.credit-debit", .error, "the entry has no CdtDbtInd (mandatory: CRDT or DBIT): the entry is left out", "Ntry/CdtDbtInd")
            return
        }
        guard direction == "CRDT" || direction == "DBIT" else {
            problem("camt.credit-debit", .error, "CdtDbtInd '\(direction)' is not CRDT or DBIT: the entry is left out", "Ntry/CdtDbtInd")
            return
        }
        for tx in entry.transactions {
            if let code = tx.creditDebit, code != "CRDT" && code != "DBIT" {
                problem("camt.credit-debit", .error, "transaction CdtDbtInd '\(code)' is not CRDT or DBIT: the entry's is used", "TxDtls/CdtDbtInd")
            }
        }
        let kind = CamtReader.kind(entry.typeCode, credit: entry.credit, returned: entry.transactions.contains { !$0.returnReason.isEmpty })
        let typeCode = entry.typeCode.isEmpty ? entry.proprietaryCode : entry.typeCode.joined(separator: "/")
        let bookingDay = entry.bookingDay ?? entry.valueDay ?? Day(daysSinceEpoch: 0)
        func line(_ money: Money, credit: Bool, tx: TxBuilder?) -> StatementLine {
            let signed = credit ? money : Money(minorUnits: -money.minorUnits, currency: money.currency)
            var remittance: [RemittanceItem] = []
            for doc in tx?.documents ?? [] where !doc.number.isEmpty {
                let paid = doc.amount.isEmpty ? nil : try? Money.parse(doc.amount, currency: Currency.iso(doc.currency) ?? money.currency)
                remittance.append(RemittanceItem(reference: doc.number, amountPaid: paid))
            }
            if let ref = tx?.creditorReference, !ref.isEmpty, remittance.isEmpty { remittance.append(RemittanceItem(reference: ref, referenceQualifier: "SCOR")) }
            let endToEnd = tx?.endToEndID ?? ""
            var description = (tx?.unstructured ?? []).joined(separator: " ")
            for extra in [tx?.additionalInfo ?? "", entry.additionalInfo] where !extra.isEmpty { description += (description.isEmpty ? "" : " ") + extra }
            if let reason = tx?.returnReason, !reason.isEmpty { description += (description.isEmpty ? "" : " ") + "return reason \(reason)" }
            return StatementLine(format: format, account: statement.account, bookingDay: bookingDay, valueDay: entry.valueDay, amount: signed,
                                 bankReference: tx.flatMap { $0.bankReference.isEmpty ? nil : $0.bankReference } ?? entry.bankReference,
                                 customerReference: endToEnd == "NOTPROVIDED" ? "" : endToEnd, typeCode: typeCode, kind: kind,
                                 description: description, counterparty: credit ? (tx?.debtorName ?? "") : (tx?.creditorName ?? ""),
                                 remittance: remittance, isBooked: booked, location: entry.location)
        }
        let withAmounts = entry.transactions.filter { !$0.amount.isEmpty }
        if entry.transactions.count > 1, withAmounts.count == entry.transactions.count {
            for tx in entry.transactions {
                let c = Currency.iso(tx.currency) ?? currency
                if let m = try? Money.parse(tx.amount, currency: c), c == currency {
                    emit(line(m, credit: tx.credit ?? entry.credit, tx: tx), into: &statement, handler: handler)
                } else {
                    problem("camt.amount", .warning, "transaction amount '\(tx.amount) \(tx.currency)' is not in the entry's currency; the entry is kept whole", "TxDtls/Amt")
                    emit(line(amount, credit: entry.credit, tx: tx), into: &statement, handler: handler)
                    return
                }
            }
        } else {
            var merged = entry.transactions.first
            if entry.transactions.count > 1 {
                merged?.unstructured = entry.transactions.flatMap(\.unstructured)
                merged?.documents = entry.transactions.flatMap(\.documents)
            }
            emit(line(amount, credit: entry.credit, tx: merged), into: &statement, handler: handler)
        }
    }

    /// Opening (OPBD, else PRCD) plus booked entries must equal the closing balance (CLBD).
    func check(_ statement: CamtFile.Statement, problems: inout [Problem]) {
        func problem(_ code: Diagnostic.Code, _ severity: Severity, _ message: String, _ field: String?) { problems.append((code, severity, message, field)) }
        if statement.totalsOverflowed {
            problem("camt.amount-overflow", .fatal, "statement \(statement.id): its booked amounts add up past what 64-bit minor units hold (9,223,372,036,854,775,807)", "Amt")
            return
        }
        guard let opening = statement.balances.first(where: { $0.code == "OPBD" }) ?? statement.balances.first(where: { $0.code == "PRCD" }),
              let closing = statement.balances.first(where: { $0.code == "CLBD" }), opening.amount.currency == closing.amount.currency else { return }
        let (total, overflow) = opening.amount.minorUnits.addingReportingOverflow(statement.bookedTotals[opening.amount.currency.code] ?? 0)
        if overflow {
            problem("camt.amount-overflow", .fatal, "statement \(statement.id): opening \(opening.amount) plus its booked entries add up past what 64-bit minor units hold", "Bal")
            return
        }
        if total != closing.amount.minorUnits {
            problem("camt.balance", .warning,
                    "statement \(statement.id): opening \(opening.amount) plus booked entries gives \(Money(minorUnits: total, currency: opening.amount.currency)), but the closing balance is \(closing.amount)", "Bal")
        }
    }

    /// ISO bank transaction codes (domain/family/sub-family) to what cash application cares about.
    static func kind(_ codes: [String], credit: Bool, returned: Bool) -> TransactionKind {
        if returned { return .achReturn }
        let family = codes.count > 1 ? codes[1] : ""
        let sub = codes.count > 2 ? codes[2] : ""
        if sub == "CHRG" || sub == "FEES" || family == "MCOP" && sub == "CHRG" { return .fee }
        if sub == "INTR" { return .interest }
        // ACH sub-families (ISO external bank transaction codes): credit, debit, settlement, transaction; return, reversal.
        switch sub {
        case "ACDT", "ADBT", "ASET", "ATXN", "ACOR": return credit ? .achCredit : .achDebit
        case "ARET", "AREV": return .achReturn
        default: break
        }
        switch family {
        case "RCDT": return .wireIn
        case "ICDT": return .wireOut
        case "RDDT", "IDDT": return credit ? .achCredit : .achDebit
        case "RCHQ", "CNTR": return credit ? .checkDeposit : .checkPaid
        case "ICHQ": return .checkPaid
        case "LBOX": return .lockbox
        default: return .other
        }
    }
}

/// The state of one camt read. Kept in a struct with methods rather than locals captured by closures, so Swift
/// checks exclusive access statically instead of at every element.
struct CamtParser {
    typealias Tag = CamtReader.Tag
    let reader: CamtReader
    var tokenizer: XMLTokenizer
    let source: SourceFile
    let defaultCurrency: Currency
    var file = CamtFile()
    let path = Stack<Tag>()
    /// The text of the innermost open element, when the reader acts on that element (others are not kept).
    var textBytes: [UInt8] = []
    /// The `Ccy` attribute of the innermost element that had attributes (amounts carry it).
    var currencyAttribute = ""
    var statement: CamtFile.Statement?
    var entry: CamtReader.EntryBuilder?
    var tx: CamtReader.TxBuilder?
    var balance: (code: String, amount: String, currency: String, creditDebit: String?, day: Day?)?
    /// Which of `statement`, `entry`, `tx` and `balance` are under way: tested per element without copying them.
    var open = (statement: false, entry: false, tx: false, balance: false)
    var format = StatementFormat.camt053
    var checkedRoot = false
    var handler: ((StatementLine) -> Void)?
    /// The tag of each name number the tokenizer hands out.
    var tagOf: [Tag] = []
    /// The name numbers of the open elements, to check that each end tag closes the element it should.
    let openIDs = Stack<Int>()

    mutating func tag(_ id: Int) -> Tag {
        while tagOf.count <= id { tagOf.append(CamtReader.tags[tokenizer.name(tagOf.count)] ?? .other) }
        return tagOf[id]
    }

    init(reader: CamtReader, tokenizer: XMLTokenizer, source: SourceFile, defaultCurrency: Currency) {
        self.reader = reader
        self.tokenizer = tokenizer
        self.source = source
        self.defaultCurrency = defaultCurrency
    }

    func location() -> SourceLocation { SourceLocation(sourceFile: source, line: tokenizer.line) }

    mutating func problem(_ code: Diagnostic.Code, _ severity: Severity, _ message: String, field: String? = nil) {
        file.diagnostics.append(Diagnostic(code: code, severity: severity, location: location(), field: field, message: message))
    }

    // The element being closed is path.last; these compare its ancestors without building arrays.
    func ends(_ a: Tag, _ b: Tag) -> Bool {
        let n = path.count
        return n >= 2 && path[n - 1] == b && path[n - 2] == a
    }
    func ends(_ a: Tag, _ b: Tag, _ c: Tag) -> Bool {
        let n = path.count
        return n >= 3 && path[n - 1] == c && path[n - 2] == b && path[n - 3] == a
    }
    func ends(_ a: Tag, _ b: Tag, _ c: Tag, _ d: Tag) -> Bool {
        let n = path.count
        return n >= 4 && path[n - 1] == d && path[n - 2] == c && path[n - 3] == b && path[n - 4] == a
    }

    /// The day at the start of the element's text (`2026-11-02` or `2026-11-02T06:00:00`), read from its bytes.
    func textDay() -> Day? {
        var start = 0
        while start < textBytes.count, XMLTokenizer.isSpace(textBytes[start]) { start += 1 }
        var end = min(start + 10, textBytes.count)
        while end > start, XMLTokenizer.isSpace(textBytes[end - 1]) { end -= 1 }
        return Day.parse(bytes: textBytes[start..<end], format: .iso)
    }

    /// The text without surrounding XML white space.
    static func trimmedText(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { b in
            var start = 0, end = b.count
            while start < end, XMLTokenizer.isSpace(b[start]) { start += 1 }
            while end > start, XMLTokenizer.isSpace(b[end - 1]) { end -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
        }
    }

    mutating func run() -> CamtFile {
        do {
            while let event = try tokenizer.next() {
                if !(try handle(event)) { return file }
            }
            if let last = path.last {
                problem("camt.truncated", .fatal, "the document ends inside <\(last)>: it is incomplete")
            } else if !checkedRoot {
                problem("camt.empty", .fatal, "the file holds no XML document")
            } else if file.statements.isEmpty {
                // The schemas require at least one Stmt (053), Rpt (052) or Ntfctn (054); an empty one is fine.
                let block = file.messageType == "camt.052" ? "Rpt" : file.messageType == "camt.054" ? "Ntfctn" : "Stmt"
                problem("camt.no-statement", .fatal, "the \(file.messageType) message holds no <\(block)>: it is not a statement")
            }
        } catch let error as XMLTokenizer.SyntaxError {
            file.diagnostics.append(Diagnostic(code: "camt.xml", severity: .fatal, location: SourceLocation(sourceFile: source, line: error.line), message: "not well-formed XML: \(error.message)"))
        } catch {
            file.diagnostics.append(Diagnostic(code: "input.read", severity: .fatal, location: SourceLocation(sourceFile: source, line: 0), message: "\(error)"))
        }
        return file
    }


    /// One event; false when reading must stop.
    mutating func handle(_ event: XMLTokenizer.Event) throws -> Bool {
                switch event {
                case let .start(nameID):
                    if !checkedRoot {
                        checkedRoot = true
                        let name = tokenizer.name(nameID)
                        guard name == "Document", let kind = CamtReader.namespaceVersion(tokenizer.rootNamespace) else {
                            problem("camt.namespace", .fatal, "not an ISO 20022 camt.052/053/054 document (root \(name), namespace \(tokenizer.rootNamespace ?? "none")); expected urn:iso:std:iso:20022:tech:xsd:camt.05x.001.01-14")
                            return false
                        }
                        file.messageType = kind.type
                        file.version = kind.version
                        format = kind.type == "camt.052" ? .camt052 : kind.type == "camt.054" ? .camt054 : .camt053
                    }
                    let tag = self.tag(nameID)
                    path.append(tag)
                    openIDs.append(nameID)
                    if !textBytes.isEmpty { textBytes.removeAll(keepingCapacity: true) }
                    if !tokenizer.attributes.isEmpty {
                        currencyAttribute = tokenizer.attributes.first { $0.name == "Ccy" }?.value ?? ""
                    } else if tag == .Amt || tag == .RmtdAmt || tag == .DuePyblAmt {
                        currencyAttribute = ""
                    }
                    switch tag {
                    case .skipped:
                        try tokenizer.skipElement()
                    case .Stmt where path.count == 3, .Rpt where path.count == 3, .Ntfctn where path.count == 3:
                        statement = CamtFile.Statement(location: location())
                        open.statement = true
                    case .Ntry where open.statement:
                        entry = CamtReader.EntryBuilder(location: location())
                        open.entry = true
                    case .TxDtls where open.entry:
                        tx = CamtReader.TxBuilder()
                        open.tx = true
                    case .Bal where open.statement && !open.entry:
                        balance = ("", "", "", nil, nil)
                        open.balance = true
                    default: break
                    }
                case .text:
                    if let last = path.last, last != .other {
                        var bytes = textBytes
                        textBytes = []
                        tokenizer.withText { bytes.append(contentsOf: $0) }
                        textBytes = bytes
                    }
                case let .end(endID):
                    guard let opened = openIDs.popLast(), opened == endID else {
                        let closing = tokenizer.name(endID)
                        problem("camt.xml", .fatal, "not well-formed XML: </\(closing)> " + (openIDs.isEmpty && path.isEmpty ? "closes nothing" : "does not close the open element"))
                        return false
                    }
                    let name = path.last ?? .other
                    defer {
                        if !path.isEmpty { path.removeLast() }
                        if !textBytes.isEmpty { textBytes.removeAll(keepingCapacity: true) }
                    }
                    if name == .other || name == .skipped { return true }
                    endElement(name)
                }
        return true
    }
    /// The element `name` (innermost of `path`) ends: its text goes where its context says. One switch on the
    /// element's tag, then its ancestors: the text becomes a String only where it is kept.
    mutating func endElement(_ name: Tag) {
        var value: String { CamtParser.trimmedText(textBytes) }
        if open.tx {
            switch name {
            case .EndToEndId: if ends(.Refs, .EndToEndId) { tx?.endToEndID = value }
            case .AcctSvcrRef: if ends(.Refs, .AcctSvcrRef) { tx?.bankReference = value }
            case .InstrId: if ends(.Refs, .InstrId) { tx?.instructionID = value }
            case .UETR: if ends(.Refs, .UETR) { tx?.uetr = value }
            case .Amt:
                if ends(.TxDtls, .Amt) || ends(.AmtDtls, .TxAmt, .Amt) {
                    if tx?.amount.isEmpty == true || ends(.TxDtls, .Amt) { tx?.amount = value; tx?.currency = currencyAttribute }
                }
            case .CdtDbtInd: if ends(.TxDtls, .CdtDbtInd) { tx?.creditDebit = value }
            case .Nm:
                if ends(.Dbtr, .Nm) || ends(.Dbtr, .Pty, .Nm) { tx?.debtorName = value }
                else if ends(.Cdtr, .Nm) || ends(.Cdtr, .Pty, .Nm) { tx?.creditorName = value }
            case .Ustrd: if ends(.RmtInf, .Ustrd) { tx?.unstructured.append(value) }
            case .Nb: if ends(.RfrdDocInf, .Nb) { tx?.documents.append((value, "", "")) }
            case .RmtdAmt, .DuePyblAmt:
                if ends(.RfrdDocAmt, name), let last = tx?.documents.indices.last, tx?.documents[last].amount.isEmpty == true {
                    tx?.documents[last].amount = value
                    tx?.documents[last].currency = currencyAttribute
                }
            case .Ref: if ends(.CdtrRefInf, .Ref) { tx?.creditorReference = value }
            case .Cd: if ends(.RtrInf, .Rsn, .Cd) { tx?.returnReason = value }
            case .AddtlTxInf: if ends(.TxDtls, .AddtlTxInf) { tx?.additionalInfo = value }
            case .TxDtls:
                if let done = tx.take() { entry?.transactions.append(done) }
                open.tx = false
            default: break
            }
        } else if open.entry {
            switch name {
            case .Amt: if ends(.Ntry, .Amt) { entry?.amount = value; entry?.currency = currencyAttribute }
            case .CdtDbtInd: if ends(.Ntry, .CdtDbtInd) { entry?.creditDebit = value }
            case .RvslInd: if ends(.Ntry, .RvslInd) { entry?.reversal = value == "true" }
            case .Sts: if ends(.Ntry, .Sts) { let v = value; if !v.isEmpty { entry?.status = v } }
            case .Dt, .DtTm:
                if ends(.BookgDt, name) { let d = textDay(); entry?.bookingDay = d }
                else if ends(.ValDt, name) { let d = textDay(); entry?.valueDay = d }
            case .AcctSvcrRef: if ends(.Ntry, .AcctSvcrRef) { entry?.bankReference = value }
            case .Cd:
                if ends(.Ntry, .Sts, .Cd) { let v = value; if !v.isEmpty { entry?.status = v } }
                else if ends(.BkTxCd, .Domn, .Cd) || ends(.Domn, .Fmly, .Cd) { entry?.typeCode.append(value) }
                else if ends(.BkTxCd, .Prtry, .Cd) { entry?.proprietaryCode = value }
            case .SubFmlyCd: if ends(.Fmly, .SubFmlyCd) { entry?.typeCode.append(value) }
            case .AddtlNtryInf: if ends(.Ntry, .AddtlNtryInf) { entry?.additionalInfo = value }
            case .NbOfTxs: if ends(.Btch, .NbOfTxs) { entry?.batchCount = Int(value) }
            case .Ntry:
                if open.statement {
                    // In place: a copy of the statement per entry would make a long statement quadratic.
                    var problems: [CamtReader.Problem] = []
                    // Taken out and put back, not copied: the statement stays uniquely referenced.
                    if let done = entry, var current = statement.take() {
                        reader.finish(done, into: &current, format: format, defaultCurrency: defaultCurrency, problems: &problems, handler: handler)
                        statement = current
                    }
                    for p in problems { problem(p.code, p.severity, p.message, field: p.field) }
                    entry = nil
                    open.entry = false
                }
            default: break
            }
        } else if open.balance {
            switch name {
            case .Cd, .Prtry: if ends(.Tp, .CdOrPrtry, name) { balance?.code = value }
            case .Amt: if ends(.Bal, .Amt) { balance?.amount = value; balance?.currency = currencyAttribute }
            case .CdtDbtInd: if ends(.Bal, .CdtDbtInd) { balance?.creditDebit = value }
            case .Dt, .DtTm: if ends(.Dt, name) { let d = textDay(); balance?.day = d }
            case .Bal:
                guard let read = balance else { open.balance = false; break }
                let currency = Currency.iso(read.currency) ?? statement?.currency ?? defaultCurrency
                let direction = read.creditDebit
                if direction != nil && direction != "CRDT" && direction != "DBIT" {
                    // A balance whose sign cannot be read is no balance: left out, never guessed.
                    problem("camt.credit-debit", .error, "balance \(read.code) CdtDbtInd '\(direction ?? "")' is not CRDT or DBIT: the balance is left out", field: "Bal/CdtDbtInd")
                } else if let money = try? Money.parse(read.amount, currency: currency) {
                    statement?.balances.append(.init(code: read.code, amount: direction == "DBIT" ? Money(minorUnits: -money.minorUnits, currency: currency) : money,
                                                     day: read.day))
                } else {
                    problem("camt.amount", .error, "balance amount '\(read.amount)' is not an amount in \(currency)", field: "Bal/Amt")
                }
                balance = nil
                open.balance = false
            default: break
            }
        } else if open.statement {
            switch name {
            case .IBAN: if ends(.Acct, .Id, .IBAN) { statement?.account = value }
            case .BBAN, .UPIC: if ends(.Acct, .Id, name), statement?.account.isEmpty == true { statement?.account = value }
            case .Id:
                if ends(.Acct, .Id, .Othr, .Id) || ends(.Acct, .Id, .PrtryAcct, .Id) {
                    if statement?.account.isEmpty == true { statement?.account = value }
                } else if path.count == 4 { statement?.id = value }
            case .Ccy: if ends(.Acct, .Ccy) { statement?.currency = Currency.iso(value) }
            case .Stmt, .Rpt, .Ntfctn:
                if path.count == 3 {
                    var problems: [CamtReader.Problem] = []
                    if let done = statement.take() {
                        reader.check(done, problems: &problems)
                        for p in problems { problem(p.code, p.severity, p.message, field: p.field) }
                        file.statements.append(done)
                    }
                    open.statement = false
                }
            default: break
            }
        }
    }
}
