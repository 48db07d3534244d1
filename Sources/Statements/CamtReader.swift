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
        /// The bank that keeps the account: `Acct/Svcr/FinInstnId/BICFI` (`BIC` before version 4), else empty.
        public var bank = ""
        /// The account's currency (`Acct/Ccy`), where the statement gives it.
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
        /// The statement's own days (`FrToDt/ToDtTm`, `CreDtTm`): an entry that gives neither `BookgDt` nor `ValDt` is dated by them.
        var periodEndDay: Day?
        var createdDay: Day?
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
        /// A `BookgDt` or `ValDt` that is there but is no date: the entry is left out, never dated otherwise.
        var unreadableDay: (field: String, text: String, line: Int)?
        var bankReference = ""
        var typeCode: [String] = []
        var proprietaryCode = ""
        var additionalInfo = ""
        var batchCount: Int?
        var transactions: [TxBuilder] = []
        var location: SourceLocation
        /// Where `Amt` and `CdtDbtInd` were read, so a problem with either names its line.
        var amountLine = 0
        var directionLine = 0
    }

    /// One `RfrdDocInf` of a transaction's structured remittance, with the amounts its `Strd`'s `RfrdDocAmt` gives it.
    struct DocumentBuilder {
        var number = ""
        /// `Tp/CdOrPrtry/Cd`: `CINV`, `CREN`, `DEBN`, `PUOR`...
        var typeCode = ""
        /// `RmtdAmt`: the amount paid, the only one.
        var remitted: (amount: String, currency: String)?
        /// `CdtNoteAmt`: a credit note taken against the document.
        var creditNote: (amount: String, currency: String)?
        /// `DuePyblAmt`: what was due, never what was paid.
        var duePayable: (amount: String, currency: String)?
    }

    /// A balance (`Bal`) as read, checked when it ends.
    struct BalanceBuilder {
        var code = ""
        var amount = ""
        var currency = ""
        var creditDebit: String?
        var day: Day?
        var line: Int
        var amountLine = 0
        var directionLine = 0
    }

    struct TxBuilder {
        /// The line `TxDtls` starts on.
        var line = 0
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
        var documents: [DocumentBuilder] = []
        /// The index in `documents` of the open `Strd`'s first document: its one `RfrdDocAmt` belongs to them.
        var structuredStart = 0
        var creditorReference = ""
        var returnReason = ""
        var additionalInfo = ""
    }

    /// The element names the reader acts on, as small numbers: paths compare as integers, not strings.
    enum Tag: UInt8 {
        /// An element whose whole content the reader has no use for (addresses, agents, charges...): skipped unread.
        case skipped
        case other, Document, Stmt, Rpt, Ntfctn, Ntry, TxDtls, Bal, Amt, CdtDbtInd, RvslInd, Sts, Cd, Dt, DtTm, AcctSvcrRef, EndToEndId, InstrId, UETR, Nm, Ustrd, Nb, RmtdAmt, DuePyblAmt, Ref, AddtlTxInf, AddtlNtryInf, NbOfTxs, IBAN, Id, Ccy, SubFmlyCd, Prtry, Refs, AmtDtls, TxAmt, Dbtr, Cdtr, Pty, RmtInf, Strd, RfrdDocInf, RfrdDocAmt, CdtrRefInf, RtrInf, Rsn, BookgDt, ValDt, BkTxCd, Domn, Fmly, Btch, Tp, CdOrPrtry, Acct, Othr, PrtryAcct, BBAN, UPIC, NtryDtls,
             CdtNoteAmt, CreDtTm, FrToDt, ToDtTm, Svcr, FinInstnId, BICFI, BIC
    }

    static let tags: [String: Tag] = ["Document": .Document, "Stmt": .Stmt, "Rpt": .Rpt, "Ntfctn": .Ntfctn, "Ntry": .Ntry, "TxDtls": .TxDtls, "Bal": .Bal, "Amt": .Amt, "CdtDbtInd": .CdtDbtInd, "RvslInd": .RvslInd, "Sts": .Sts, "Cd": .Cd, "Dt": .Dt, "DtTm": .DtTm, "AcctSvcrRef": .AcctSvcrRef, "EndToEndId": .EndToEndId, "InstrId": .InstrId, "UETR": .UETR, "Nm": .Nm, "Ustrd": .Ustrd, "Nb": .Nb, "RmtdAmt": .RmtdAmt, "DuePyblAmt": .DuePyblAmt, "Ref": .Ref, "AddtlTxInf": .AddtlTxInf, "AddtlNtryInf": .AddtlNtryInf, "NbOfTxs": .NbOfTxs, "IBAN": .IBAN, "Id": .Id, "Ccy": .Ccy, "SubFmlyCd": .SubFmlyCd, "Prtry": .Prtry, "Refs": .Refs, "AmtDtls": .AmtDtls, "TxAmt": .TxAmt, "Dbtr": .Dbtr, "Cdtr": .Cdtr, "Pty": .Pty, "RmtInf": .RmtInf, "Strd": .Strd, "RfrdDocInf": .RfrdDocInf, "RfrdDocAmt": .RfrdDocAmt, "CdtrRefInf": .CdtrRefInf, "RtrInf": .RtrInf, "Rsn": .Rsn, "BookgDt": .BookgDt, "ValDt": .ValDt, "BkTxCd": .BkTxCd, "Domn": .Domn, "Fmly": .Fmly, "Btch": .Btch, "Tp": .Tp, "CdOrPrtry": .CdOrPrtry, "Acct": .Acct, "Othr": .Othr, "PrtryAcct": .PrtryAcct, "BBAN": .BBAN, "UPIC": .UPIC, "NtryDtls": .NtryDtls,
        "CdtNoteAmt": .CdtNoteAmt, "CreDtTm": .CreDtTm, "FrToDt": .FrToDt, "ToDtTm": .ToDtTm, "Svcr": .Svcr, "FinInstnId": .FinInstnId, "BICFI": .BICFI, "BIC": .BIC,
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

    /// A problem found in a statement or an entry, with the line it names (nil: where the reader stands).
    typealias Problem = (code: Diagnostic.Code, severity: Severity, message: String, field: String?, line: Int?)

    /// A camt amount as written: `ActiveOrHistoricCurrencyAndAmount` is an unsigned decimal (digits, at most one
    /// point, a `+` at most), its direction given by `CdtDbtInd`. Read strictly: no minus, symbol, `CR`/`DR` or
    /// group mark is taken for a sign or skipped, as a bank CSV's amount would be.
    enum AmountText {
        case amount(Money)
        case negative
        case invalid
    }

    static func readAmount(_ text: String, currency: Currency) -> AmountText {
        var digits = 0, points = 0, index = 0
        var negative = false
        for byte in text.utf8 {
            defer { index += 1 }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): points += 1
            case UInt8(ascii: "-") where index == 0: negative = true
            case UInt8(ascii: "+") where index == 0: break
            default: return .invalid
            }
        }
        guard digits > 0, points <= 1, let money = try? Money.parse(text, currency: currency) else { return .invalid }
        return negative && !money.isZero ? .negative : .amount(money)
    }

    /// A referred document's type (`RfrdDocInf/Tp/CdOrPrtry/Cd`) as the X12 `RMR01` qualifier that remittance from
    /// ACH addenda carries, so cash application reads both alike: `CINV` (commercial invoice) `IV`, `PUOR` (purchase
    /// order) `PO`, `CREN` (credit note) `CM`, `DEBN` (debit note) `DM`. Any other code is kept as written (`SOAC`,
    /// `CMCN`...); a document without a type is an invoice, `IV`, as an `RMR` without a qualifier is.
    static func referenceQualifier(documentType: String) -> String {
        switch documentType {
        case "", "CINV": return "IV"
        case "PUOR": return "PO"
        case "CREN": return "CM"
        case "DEBN": return "DM"
        default: return documentType
        }
    }

    /// The adjustment reason a credit note amount (`CdtNoteAmt`) is recorded under: the credit note's document type.
    static let creditNoteReasonCode = "CREN"

    func emit(_ line: StatementLine, into statement: inout CamtFile.Statement, handler: ((StatementLine) -> Void)?) {
        if line.isBooked {
            let (sum, overflow) = (statement.bookedTotals[line.amount.currency.code] ?? 0).addingReportingOverflow(line.amount.minorUnits)
            if overflow { statement.totalsOverflowed = true } else { statement.bookedTotals[line.amount.currency.code] = sum }
        }
        if let handler { handler(line) } else { statement.lines.append(line) }
    }

    /// Turns a finished entry into statement lines: one per transaction when it has several and each carries its own
    /// amount, in the entry's currency, adding up to the entry's; else one line for the whole entry. Decided before
    /// anything is handed over, so an entry is never counted both ways.
    func finish(_ entry: EntryBuilder, into statement: inout CamtFile.Statement, format: StatementFormat, defaultCurrency: Currency,
                problems: inout [Problem], handler: ((StatementLine) -> Void)? = nil) {
        func problem(_ code: Diagnostic.Code, _ severity: Severity, _ message: String, _ field: String?, line: Int = 0) {
            problems.append((code, severity, message, field, line > 0 ? line : entry.location.line))
        }
        statement.entryCount += 1
        let booked = entry.status.isEmpty || entry.status == "BOOK"
        if !booked { statement.pendingCount += 1 }
        let currency = Currency.iso(entry.currency) ?? statement.currency ?? defaultCurrency
        // Never read a direction, a sign or a day that is not there: the entry is left out, with the reason.
        let amount: Money
        switch CamtReader.readAmount(entry.amount, currency: currency) {
        case let .amount(money): amount = money
        case .negative:
            problem("camt.amount", .error, "entry amount '\(entry.amount)' is negative; camt amounts are unsigned and CdtDbtInd gives the direction: the entry is left out",
                    "Ntry/Amt", line: entry.amountLine)
            return
        case .invalid:
            problem("camt.amount", .error, "entry amount '\(entry.amount)' is not an amount in \(currency): the entry is left out", "Ntry/Amt", line: entry.amountLine)
            return
        }
        guard let direction = entry.creditDebit else {
            problem("camt.credit-debit", .error, "the entry has no CdtDbtInd (mandatory: CRDT or DBIT): the entry is left out", "Ntry/CdtDbtInd")
            return
        }
        guard direction == "CRDT" || direction == "DBIT" else {
            problem("camt.credit-debit", .error, "CdtDbtInd '\(direction)' is not CRDT or DBIT: the entry is left out", "Ntry/CdtDbtInd", line: entry.directionLine)
            return
        }
        if let bad = entry.unreadableDay {
            problem("camt.date", .error, "\(bad.field) '\(bad.text)' is not a date (YYYY-MM-DD): the entry is left out", "Ntry/\(bad.field)", line: bad.line)
            return
        }
        // An entry may leave out both days (the schemas allow it; banks' notifications do): it is dated by its
        // statement, as a BAI2 detail is by its group's as-of date, and says so. Without any day it is left out.
        guard let bookingDay = entry.bookingDay ?? entry.valueDay ?? statement.periodEndDay ?? statement.createdDay else {
            problem("camt.date", .error, "the entry has neither BookgDt nor ValDt and its statement no FrToDt or CreDtTm: the entry is left out", "Ntry/BookgDt")
            return
        }
        if entry.bookingDay == nil && entry.valueDay == nil {
            let whose = statement.periodEndDay != nil ? "the end of its statement's period (FrToDt/ToDtTm)" : "its statement's creation day (CreDtTm)"
            problem("camt.date", .warning, "the entry has neither BookgDt nor ValDt: it is dated \(bookingDay), \(whose)", "Ntry/BookgDt")
        }
        for tx in entry.transactions {
            if let code = tx.creditDebit, code != "CRDT" && code != "DBIT" {
                problem("camt.credit-debit", .error, "transaction CdtDbtInd '\(code)' is not CRDT or DBIT: the entry's is used", "TxDtls/CdtDbtInd", line: tx.line)
            }
        }
        let kind = CamtReader.kind(entry.typeCode, credit: entry.credit, returned: entry.transactions.contains { !$0.returnReason.isEmpty })
        let typeCode = entry.typeCode.isEmpty ? entry.proprietaryCode : entry.typeCode.joined(separator: "/")
        func documentAmount(_ written: (amount: String, currency: String)?, fallback: Currency, field: String, line: Int) -> Money? {
            guard let written else { return nil }
            let documentCurrency = Currency.iso(written.currency) ?? fallback
            if case let .amount(money) = CamtReader.readAmount(written.amount, currency: documentCurrency) { return money }
            problem("camt.amount", .warning, "\(field) '\(written.amount)' is not an amount in \(documentCurrency): the document is kept without it", field, line: line)
            return nil
        }
        func line(_ money: Money, credit: Bool, tx: TxBuilder?) -> StatementLine {
            let signed = credit ? money : Money(minorUnits: -money.minorUnits, currency: money.currency)
            var remittance: [RemittanceItem] = []
            for doc in tx?.documents ?? [] where !doc.number.isEmpty {
                let at = tx?.line ?? 0
                var item = RemittanceItem(reference: doc.number, referenceQualifier: CamtReader.referenceQualifier(documentType: doc.typeCode),
                                          amountPaid: documentAmount(doc.remitted, fallback: money.currency, field: "RfrdDocAmt/RmtdAmt", line: at),
                                          invoiceTotal: documentAmount(doc.duePayable, fallback: money.currency, field: "RfrdDocAmt/DuePyblAmt", line: at))
                if let credited = documentAmount(doc.creditNote, fallback: money.currency, field: "RfrdDocAmt/CdtNoteAmt", line: at), !credited.isZero {
                    // As an X12 ADX: negative, what the payer took off the document.
                    item.adjustments.append(.init(amount: Money(minorUnits: -credited.minorUnits, currency: credited.currency), reasonCode: CamtReader.creditNoteReasonCode))
                }
                remittance.append(item)
            }
            if let ref = tx?.creditorReference, !ref.isEmpty, remittance.isEmpty { remittance.append(RemittanceItem(reference: ref, referenceQualifier: "SCOR")) }
            let endToEnd = tx?.endToEndID ?? ""
            var description = (tx?.unstructured ?? []).joined(separator: " ")
            for extra in [tx?.additionalInfo ?? "", entry.additionalInfo] where !extra.isEmpty { description += (description.isEmpty ? "" : " ") + extra }
            if let reason = tx?.returnReason, !reason.isEmpty { description += (description.isEmpty ? "" : " ") + "return reason \(reason)" }
            var made = StatementLine(format: format, account: statement.account, bookingDay: bookingDay, valueDay: entry.valueDay, amount: signed,
                                     bankReference: tx.flatMap { $0.bankReference.isEmpty ? nil : $0.bankReference } ?? entry.bankReference,
                                     customerReference: endToEnd == "NOTPROVIDED" ? "" : endToEnd, typeCode: typeCode, kind: kind,
                                     description: description, counterparty: credit ? (tx?.debtorName ?? "") : (tx?.creditorName ?? ""),
                                     remittance: remittance, isBooked: booked, location: entry.location)
            made.bank = statement.bank
            return made
        }
        let parts = transactionAmounts(entry, amount: amount, currency: currency, problem: problem)
        if !parts.isEmpty {
            // A batch's lines: a reference is the line's own only when no other transaction of the entry (nor the
            // entry itself) carries it; else it names the batch and is marked shared, never an identity.
            var referenceCounts: [String: Int] = [:]
            for tx in entry.transactions where !tx.bankReference.isEmpty { referenceCounts[tx.bankReference, default: 0] += 1 }
            for (tx, part) in zip(entry.transactions, parts) {
                var made = line(part, credit: tx.credit ?? entry.credit, tx: tx)
                let own = !tx.bankReference.isEmpty && tx.bankReference != entry.bankReference && referenceCounts[tx.bankReference] == 1
                made.bankReferenceIsShared = !own && !made.bankReference.isEmpty
                emit(made, into: &statement, handler: handler)
            }
        } else {
            var merged = entry.transactions.first
            if entry.transactions.count > 1 {
                merged?.unstructured = entry.transactions.flatMap(\.unstructured)
                merged?.documents = entry.transactions.flatMap(\.documents)
                // The line is the entry: its reference is the entry's, not its first transaction's.
                merged?.bankReference = ""
            }
            emit(line(amount, credit: entry.credit, tx: merged), into: &statement, handler: handler)
        }
    }

    /// The amount of each of an entry's transactions, when it is to be handed over as them: more than one, each with
    /// an amount in the entry's currency, signed by its own `CdtDbtInd` (else the entry's), adding up to the entry's
    /// signed amount. Empty when the entry goes whole: a warning says why where a transaction's amount was unusable.
    func transactionAmounts(_ entry: EntryBuilder, amount: Money, currency: Currency,
                            problem: (Diagnostic.Code, Severity, String, String?, Int) -> Void) -> [Money] {
        guard entry.transactions.count > 1, entry.transactions.allSatisfy({ !$0.amount.isEmpty }) else { return [] }
        var parts: [Money] = []
        parts.reserveCapacity(entry.transactions.count)
        var total: Int64 = 0
        for tx in entry.transactions {
            let txCurrency = Currency.iso(tx.currency) ?? currency
            guard txCurrency == currency, case let .amount(money) = CamtReader.readAmount(tx.amount, currency: txCurrency) else {
                problem("camt.amount", .warning, "transaction amount '\(tx.amount) \(tx.currency)' is not an amount in the entry's currency \(currency): the entry is kept whole",
                        "TxDtls/Amt", tx.line)
                return []
            }
            let (sum, overflow) = total.addingReportingOverflow((tx.credit ?? entry.credit) ? money.minorUnits : -money.minorUnits)
            guard !overflow else { return [] }
            total = sum
            parts.append(money)
        }
        let entrySigned = entry.credit ? amount.minorUnits : -amount.minorUnits
        guard total == entrySigned else {
            problem("camt.amount", .warning, "the entry's transactions add up to \(Money(minorUnits: total, currency: currency)), not its \(Money(minorUnits: entrySigned, currency: currency)): the entry is kept whole",
                    "TxDtls/Amt", entry.location.line)
            return []
        }
        return parts
    }

    /// Opening (OPBD, else PRCD) plus booked entries must equal the closing balance (CLBD).
    func check(_ statement: CamtFile.Statement, problems: inout [Problem]) {
        func problem(_ code: Diagnostic.Code, _ severity: Severity, _ message: String, _ field: String?) { problems.append((code, severity, message, field, nil)) }
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
    var balance: CamtReader.BalanceBuilder?
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

    /// A diagnostic at `line`, else where the reader stands.
    mutating func problem(_ code: Diagnostic.Code, _ severity: Severity, _ message: String, field: String? = nil, line: Int? = nil) {
        let at = line.map { SourceLocation(sourceFile: source, line: $0) } ?? location()
        file.diagnostics.append(Diagnostic(code: code, severity: severity, location: at, field: field, message: message))
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
                    } else if tag == .Amt || tag == .RmtdAmt || tag == .DuePyblAmt || tag == .CdtNoteAmt {
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
                        tx = CamtReader.TxBuilder(line: tokenizer.line)
                        open.tx = true
                    case .Strd where open.tx:
                        let start = tx?.documents.count ?? 0
                        tx?.structuredStart = start
                    case .RfrdDocInf where open.tx:
                        tx?.documents.append(CamtReader.DocumentBuilder())
                    case .Bal where open.statement && !open.entry:
                        balance = CamtReader.BalanceBuilder(line: tokenizer.line)
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
            case .Nb: if ends(.RfrdDocInf, .Nb), let last = tx?.documents.indices.last { tx?.documents[last].number = value }
            case .RmtdAmt, .CdtNoteAmt, .DuePyblAmt:
                // A Strd's one RfrdDocAmt is its document's. Shared by several documents, it is theirs together and
                // no one's: none of them is given it. Only RmtdAmt is what was paid.
                let count = tx?.documents.count ?? 0, start = tx?.structuredStart ?? 0
                if ends(.RfrdDocAmt, name), count - start == 1 {
                    let last = count - 1
                    let written = (amount: value, currency: currencyAttribute)
                    switch name {
                    case .RmtdAmt: tx?.documents[last].remitted = written
                    case .CdtNoteAmt: tx?.documents[last].creditNote = written
                    default: tx?.documents[last].duePayable = written
                    }
                }
            case .Ref: if ends(.CdtrRefInf, .Ref) { tx?.creditorReference = value }
            case .Cd:
                if ends(.RtrInf, .Rsn, .Cd) { tx?.returnReason = value }
                else if ends(.RfrdDocInf, .Tp, .CdOrPrtry, .Cd), let last = tx?.documents.indices.last { tx?.documents[last].typeCode = value }
            case .AddtlTxInf: if ends(.TxDtls, .AddtlTxInf) { tx?.additionalInfo = value }
            case .TxDtls:
                if let done = tx.take() { entry?.transactions.append(done) }
                open.tx = false
            default: break
            }
        } else if open.entry {
            switch name {
            case .Amt: if ends(.Ntry, .Amt) { entry?.amount = value; entry?.currency = currencyAttribute; entry?.amountLine = tokenizer.line }
            case .CdtDbtInd: if ends(.Ntry, .CdtDbtInd) { entry?.creditDebit = value; entry?.directionLine = tokenizer.line }
            case .RvslInd: if ends(.Ntry, .RvslInd) { entry?.reversal = value == "true" }
            case .Sts: if ends(.Ntry, .Sts) { let v = value; if !v.isEmpty { entry?.status = v } }
            case .Dt, .DtTm:
                if ends(.BookgDt, name) || ends(.ValDt, name) {
                    let day = textDay()
                    let booking = path.count >= 2 && path[path.count - 2] == .BookgDt
                    if booking { entry?.bookingDay = day } else { entry?.valueDay = day }
                    if day == nil, entry?.unreadableDay == nil {
                        entry?.unreadableDay = (booking ? "BookgDt" : "ValDt", value, tokenizer.line)
                    }
                }
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
                    for p in problems { problem(p.code, p.severity, p.message, field: p.field, line: p.line) }
                    entry = nil
                    open.entry = false
                }
            default: break
            }
        } else if open.balance {
            switch name {
            case .Cd, .Prtry: if ends(.Tp, .CdOrPrtry, name) { balance?.code = value }
            case .Amt: if ends(.Bal, .Amt) { balance?.amount = value; balance?.currency = currencyAttribute; balance?.amountLine = tokenizer.line }
            case .CdtDbtInd: if ends(.Bal, .CdtDbtInd) { balance?.creditDebit = value; balance?.directionLine = tokenizer.line }
            case .Dt, .DtTm: if ends(.Dt, name) { let d = textDay(); balance?.day = d }
            case .Bal:
                guard let read = balance else { open.balance = false; break }
                let currency = Currency.iso(read.currency) ?? statement?.currency ?? defaultCurrency
                let code = read.code.isEmpty ? "(no type)" : read.code
                // A balance whose sign or amount cannot be read is no balance: left out, never guessed or read as a credit.
                switch (read.creditDebit, CamtReader.readAmount(read.amount, currency: currency)) {
                case (nil, _):
                    problem("camt.credit-debit", .error, "balance \(code) has no CdtDbtInd (mandatory: CRDT or DBIT): the balance is left out",
                            field: "Bal/CdtDbtInd", line: read.line)
                case let (direction?, _) where direction != "CRDT" && direction != "DBIT":
                    problem("camt.credit-debit", .error, "balance \(code) CdtDbtInd '\(direction)' is not CRDT or DBIT: the balance is left out",
                            field: "Bal/CdtDbtInd", line: read.directionLine)
                case (_, .negative):
                    problem("camt.amount", .error, "balance \(code) amount '\(read.amount)' is negative; camt amounts are unsigned and CdtDbtInd gives the sign: the balance is left out",
                            field: "Bal/Amt", line: read.amountLine > 0 ? read.amountLine : read.line)
                case (_, .invalid):
                    problem("camt.amount", .error, "balance \(code) amount '\(read.amount)' is not an amount in \(currency): the balance is left out",
                            field: "Bal/Amt", line: read.amountLine > 0 ? read.amountLine : read.line)
                case let (direction?, .amount(money)):
                    statement?.balances.append(.init(code: read.code, amount: direction == "DBIT" ? Money(minorUnits: -money.minorUnits, currency: currency) : money,
                                                     day: read.day))
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
            case .BICFI, .BIC: if path.count == 7, ends(.Acct, .Svcr, .FinInstnId, name) { statement?.bank = value }
            case .CreDtTm: if path.count == 4 { let day = textDay(); statement?.createdDay = day }
            case .ToDtTm: if path.count == 5, ends(.FrToDt, .ToDtTm) { let day = textDay(); statement?.periodEndDay = day }
            case .Stmt, .Rpt, .Ntfctn:
                if path.count == 3 {
                    var problems: [CamtReader.Problem] = []
                    if let done = statement.take() {
                        reader.check(done, problems: &problems)
                        for p in problems { problem(p.code, p.severity, p.message, field: p.field, line: p.line) }
                        file.statements.append(done)
                    }
                    open.statement = false
                }
            default: break
            }
        }
    }
}
