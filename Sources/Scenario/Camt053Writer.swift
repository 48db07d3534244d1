import Core

/// Writes ISO 20022 camt.053.001.02 bank-to-customer statements (`BkToCstmrStmt`) as a bank delivers them: per account
/// and currency an opening (`OPBD`) and a closing (`CLBD`) booked balance, then the booked entries with their bank
/// transaction codes and transaction details (references, debtor, `Ustrd` and `Strd/RfrdDocInf` remittance). An entry
/// of several transactions is a batch: `NtryDtls/Btch` and a `TxDtls` each with its own amount (`AmtDtls/TxAmt`).
/// One element a line, so that a line of the statement read back (`FILE:LINE`, its entry's `<Ntry>`) is known here.
/// Test data: the statements of generated days.
public enum Camt053Writer {
    /// A referred document of a transaction's structured remittance (`Strd/RfrdDocInf`), with the amount remitted on it.
    public struct Document: Sendable, Hashable {
        public var number: String
        /// `CINV` invoice, `CREN` credit note, `PUOR` purchase order.
        public var typeCode: String
        /// `RfrdDocAmt/RmtdAmt`, in minor units (unsigned); nil: not given.
        public var remittedMinorUnits: Int64?

        public init(number: String, typeCode: String = "CINV", remittedMinorUnits: Int64? = nil) {
            self.number = number
            self.typeCode = typeCode
            self.remittedMinorUnits = remittedMinorUnits
        }
    }

    /// One transaction of an entry (`NtryDtls/TxDtls`).
    public struct Transaction: Sendable, Hashable {
        public var minorUnits: Int64
        /// `Refs/AcctSvcrRef` of the transaction's own; nil: none.
        public var bankReference: String?
        /// `Refs/EndToEndId`; nil: none.
        public var endToEndID: String?
        /// `RltdPties/Dbtr/Nm` of a credit, `RltdPties/Cdtr/Nm` of a debit; empty: none.
        public var counterparty: String
        /// `RmtInf/Ustrd`; empty: none.
        public var unstructured: String
        public var documents: [Document]

        public init(minorUnits: Int64, bankReference: String? = nil, endToEndID: String? = nil, counterparty: String = "", unstructured: String = "",
                    documents: [Document] = []) {
            self.minorUnits = minorUnits
            self.bankReference = bankReference
            self.endToEndID = endToEndID
            self.counterparty = counterparty
            self.unstructured = unstructured
            self.documents = documents
        }
    }

    /// A booked entry (`Ntry`): its amount (unsigned, the direction apart), the bank's reference and transaction code.
    public struct Entry: Sendable, Hashable {
        public var minorUnits: Int64
        public var credit: Bool
        /// `AcctSvcrRef`; nil: the element is left out.
        public var bankReference: String?
        /// `BkTxCd/Domn`: domain, family and sub-family codes (`PMNT`/`RCDT`/`ESCT` an incoming transfer, `ACMT`/`MDOP`/`CHRG` a charge).
        public var domain: String
        public var family: String
        public var subFamily: String
        public var additionalInfo: String
        public var transactions: [Transaction]

        public init(minorUnits: Int64, credit: Bool, bankReference: String?, domain: String = "PMNT", family: String = "RCDT", subFamily: String = "ESCT",
                    additionalInfo: String = "", transactions: [Transaction] = []) {
            self.minorUnits = minorUnits
            self.credit = credit
            self.bankReference = bankReference
            self.domain = domain
            self.family = family
            self.subFamily = subFamily
            self.additionalInfo = additionalInfo
            self.transactions = transactions
        }

        /// An incoming transfer of its transactions, a batch when they are several.
        public static func credit(_ transactions: [Transaction], bankReference: String?) -> Entry {
            Entry(minorUnits: transactions.reduce(0) { $0 + $1.minorUnits }, credit: true, bankReference: bankReference, transactions: transactions)
        }

        /// A charge of the bank.
        public static func charge(_ minorUnits: Int64, bankReference: String, text: String) -> Entry {
            Entry(minorUnits: minorUnits, credit: false, bankReference: bankReference, domain: "ACMT", family: "MDOP", subFamily: "CHRG", additionalInfo: text)
        }
    }

    /// The statement of one account and currency for one day.
    public struct Statement: Sendable, Hashable {
        public var id: String
        public var account: String
        public var currency: Currency
        /// The BIC of the bank that keeps the account (`Acct/Svcr/FinInstnId/BIC`).
        public var bank: String
        public var day: Day
        /// The opening booked balance, signed, in minor units.
        public var opening: Int64
        public var entries: [Entry]

        public init(id: String, account: String, currency: Currency, bank: String, day: Day, opening: Int64, entries: [Entry]) {
            self.id = id
            self.account = account
            self.currency = currency
            self.bank = bank
            self.day = day
            self.opening = opening
            self.entries = entries
        }

        /// The closing booked balance: the opening plus credits less debits.
        public var closing: Int64 { entries.reduce(opening) { $0 + ($1.credit ? $1.minorUnits : -$1.minorUnits) } }
    }

    /// The message: its text, and for each statement the line (1-based) of each of its entries' `<Ntry>`.
    public static func document(messageID: String, created: Day, statements: [Statement]) -> (text: String, entryLines: [[Int]]) {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">", "<BkToCstmrStmt>",
                     "<GrpHdr>", "<MsgId>\(Markup.escaped(messageID))</MsgId>", "<CreDtTm>\(created)T20:00:00</CreDtTm>", "</GrpHdr>"]
        var entryLines: [[Int]] = []
        for statement in statements {
            let code = statement.currency.code
            func amount(_ minorUnits: Int64) -> String { MoneyFormat.plain(minorUnits, exponent: statement.currency.exponent) }
            func balance(_ type: String, _ minorUnits: Int64) -> [String] {
                ["<Bal>", "<Tp>", "<CdOrPrtry>", "<Cd>\(type)</Cd>", "</CdOrPrtry>", "</Tp>", "<Amt Ccy=\"\(code)\">\(amount(abs(minorUnits)))</Amt>",
                 "<CdtDbtInd>\(minorUnits < 0 ? "DBIT" : "CRDT")</CdtDbtInd>", "<Dt>", "<Dt>\(statement.day)</Dt>", "</Dt>", "</Bal>"]
            }
            lines += ["<Stmt>", "<Id>\(Markup.escaped(statement.id))</Id>", "<CreDtTm>\(created)T20:00:00</CreDtTm>",
                      "<FrToDt>", "<FrDtTm>\(statement.day)T00:00:00</FrDtTm>", "<ToDtTm>\(statement.day)T23:59:59</ToDtTm>", "</FrToDt>",
                      "<Acct>", "<Id>", "<Othr>", "<Id>\(Markup.escaped(statement.account))</Id>", "</Othr>", "</Id>", "<Ccy>\(code)</Ccy>",
                      "<Svcr>", "<FinInstnId>", "<BIC>\(Markup.escaped(statement.bank))</BIC>", "</FinInstnId>", "</Svcr>", "</Acct>"]
            lines += balance("OPBD", statement.opening) + balance("CLBD", statement.closing)
            var entryLinesOfStatement: [Int] = []
            for entry in statement.entries {
                entryLinesOfStatement.append(lines.count + 1)
                lines += ["<Ntry>", "<Amt Ccy=\"\(code)\">\(amount(entry.minorUnits))</Amt>", "<CdtDbtInd>\(entry.credit ? "CRDT" : "DBIT")</CdtDbtInd>",
                          "<Sts>BOOK</Sts>", "<BookgDt>", "<Dt>\(statement.day)</Dt>", "</BookgDt>", "<ValDt>", "<Dt>\(statement.day)</Dt>", "</ValDt>"]
                if let reference = entry.bankReference { lines.append("<AcctSvcrRef>\(Markup.escaped(reference))</AcctSvcrRef>") }
                lines += ["<BkTxCd>", "<Domn>", "<Cd>\(entry.domain)</Cd>", "<Fmly>", "<Cd>\(entry.family)</Cd>", "<SubFmlyCd>\(entry.subFamily)</SubFmlyCd>",
                          "</Fmly>", "</Domn>", "</BkTxCd>"]
                if !entry.transactions.isEmpty {
                    lines.append("<NtryDtls>")
                    if entry.transactions.count > 1 { lines += ["<Btch>", "<NbOfTxs>\(entry.transactions.count)</NbOfTxs>", "</Btch>"] }
                    for tx in entry.transactions {
                        lines.append("<TxDtls>")
                        if tx.bankReference != nil || tx.endToEndID != nil {
                            lines.append("<Refs>")
                            if let reference = tx.bankReference { lines.append("<AcctSvcrRef>\(Markup.escaped(reference))</AcctSvcrRef>") }
                            if let endToEnd = tx.endToEndID { lines.append("<EndToEndId>\(Markup.escaped(endToEnd))</EndToEndId>") }
                            lines.append("</Refs>")
                        }
                        lines += ["<AmtDtls>", "<TxAmt>", "<Amt Ccy=\"\(code)\">\(amount(tx.minorUnits))</Amt>", "</TxAmt>", "</AmtDtls>"]
                        if !tx.counterparty.isEmpty {
                            let party = entry.credit ? "Dbtr" : "Cdtr"
                            lines += ["<RltdPties>", "<\(party)>", "<Nm>\(Markup.escaped(tx.counterparty))</Nm>", "</\(party)>", "</RltdPties>"]
                        }
                        if !tx.unstructured.isEmpty || !tx.documents.isEmpty {
                            lines.append("<RmtInf>")
                            if !tx.unstructured.isEmpty { lines.append("<Ustrd>\(Markup.escaped(tx.unstructured))</Ustrd>") }
                            // A Strd per document: its one RfrdDocAmt is then that document's.
                            for document in tx.documents {
                                lines += ["<Strd>", "<RfrdDocInf>", "<Tp>", "<CdOrPrtry>", "<Cd>\(document.typeCode)</Cd>", "</CdOrPrtry>", "</Tp>",
                                          "<Nb>\(Markup.escaped(document.number))</Nb>", "</RfrdDocInf>"]
                                if let remitted = document.remittedMinorUnits {
                                    lines += ["<RfrdDocAmt>", "<RmtdAmt Ccy=\"\(code)\">\(amount(remitted))</RmtdAmt>", "</RfrdDocAmt>"]
                                }
                                lines.append("</Strd>")
                            }
                            lines.append("</RmtInf>")
                        }
                        lines.append("</TxDtls>")
                    }
                    lines.append("</NtryDtls>")
                }
                if !entry.additionalInfo.isEmpty { lines.append("<AddtlNtryInf>\(Markup.escaped(entry.additionalInfo))</AddtlNtryInf>") }
                lines.append("</Ntry>")
            }
            entryLines.append(entryLinesOfStatement)
            lines.append("</Stmt>")
        }
        lines += ["</BkToCstmrStmt>", "</Document>"]
        return (lines.joined(separator: "\n") + "\n", entryLines)
    }
}
