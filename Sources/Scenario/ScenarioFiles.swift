import ACH
import Core
import Foundation
import Matching
import Receivables
import Statements

/// A generated day written out as a bank would deliver it over several days: the master-data CSVs, each day's
/// received ACH file (a batch per originator: CCD+ with an `RMR` addenda, CTX with an X12 820, plain CCD) and the
/// day's BAI2 statement (a settlement line per batch, wires for the receipts that arrive by wire, balances chained
/// day to day). One batch a day settles a day late, inside its window. Every receipt of a customer arrives on the
/// same day, so the generator's truth holds receipt by receipt. The hazards of real bank data (`Options.bankDataDays`)
/// arrive as their deliveries say, on statements of their own besides: a second account's BAI2 and a camt.053 of an
/// account in USD and EUR, every day.
public struct ScenarioFiles {
    public let day: ScenarioGenerator.Day1
    public let days: [Day]
    public static let ourAccount = ScenarioGenerator.ourAccount
    public static let ourRouting = "076401251"
    public static let openingBalance: Int64 = 10_000_000

    /// What the files should make of the scenario, day by day.
    public struct Plan: Sendable {
        /// For each receipt of `day.receipts`, the index of the day it arrives.
        public var dayOfReceipt: [Int]
        /// The reference each receipt carries in the run's reports (`source_ref`): trace number or bank reference.
        public var sourceRef: [String]
        /// ACH in transit at the end of each day: the batches whose statement line comes the next day.
        public var inTransitAfterDay: [Int64]
        /// Statement closing balance of each day.
        public var closingAfterDay: [Int64]
        /// Every statement of each day, the main account's first: account, currency and closing balance.
        public var statementsOfDay: [[StatementClosing]] = []
    }

    /// A statement's closing balance, as the books of its account and currency must show it at the end of its day.
    public struct StatementClosing: Sendable, Hashable {
        public var account: String
        public var currency: Currency
        public var closing: Int64
    }

    /// Opening balances of the hazards' statements on the first day.
    public static let secondOpeningBalance: Int64 = 2_500_000
    public static let camtOpeningBalances: [Currency: Int64] = [.usd: 1_000_000, .eur: 500_000]

    /// The names of each day's ACH files: the batches are dealt to them in turn (one file by default).
    public var achFileNames = ["received.ach"]

    public init(day: ScenarioGenerator.Day1, days: [Day]) {
        self.day = day
        self.days = days
    }

    /// Whether the day has hazards of real bank data: then every day also has the second account's BAI2 statement
    /// (`<day>/bank/operating.bai`) and the camt account's camt.053 (`<day>/bank/statement.xml`, USD and EUR).
    public var hasBankData: Bool { !day.deliveries.isEmpty || !day.bankCharges.isEmpty }

    /// Writes `customers.csv`, `invoices.csv` and `<day>/ach/received.ach`, `<day>/bank/statement.bai` under `folder`
    /// (and the hazards' statements, `hasBankData`).
    public func write(to folder: String) throws -> Plan {
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try customersCSV.write(toFile: folder + "/customers.csv", atomically: true, encoding: .utf8)
        try invoicesCSV.write(toFile: folder + "/invoices.csv", atomically: true, encoding: .utf8)
        let customerIndex = Dictionary(day.customers.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var plan = Plan(dayOfReceipt: [], sourceRef: Array(repeating: "", count: day.receipts.count), inTransitAfterDay: [], closingAfterDay: [])
        for (i, truth) in day.expected.enumerated() {
            if let delivery = day.deliveries[day.receipts[i].sourceKey] {
                plan.dayOfReceipt.append(delivery.dayIndex)
                continue
            }
            // A customer's receipts arrive together; a payer nobody knows on any day.
            let key = truth.customerID.flatMap { customerIndex[$0] } ?? i
            plan.dayOfReceipt.append(key % days.count)
        }
        var balance = ScenarioFiles.openingBalance
        var secondBalance = ScenarioFiles.secondOpeningBalance
        var camtBalances = ScenarioFiles.camtOpeningBalances
        var lateFromYesterday: (cents: Int64, reference: String, text: String)?
        for (d, runDay) in days.enumerated() {
            let todays = day.receipts.indices.filter { plan.dayOfReceipt[$0] == d }
            // ACH receipts in batches by originator; statement receipts as wires.
            var batches: [(company: String, name: String, entries: [Int])] = []
            var batchOf: [String: Int] = [:]
            var wires: [Int] = []
            var secondLines: [Int] = []
            var camtLines: [Int] = []
            for i in todays {
                let r = day.receipts[i]
                let statement = day.deliveries[r.sourceKey]?.statement
                if r.source != .nacha && statement == .second {
                    secondLines.append(i)
                } else if r.source != .nacha && statement == .camt {
                    camtLines.append(i)
                } else if r.source == .nacha {
                    let company = r.payerCompanyID.isEmpty ? "0000000000" : r.payerCompanyID
                    if let b = batchOf[company] { batches[b].entries.append(i) } else {
                        batchOf[company] = batches.count
                        batches.append((company, r.payerName, [i]))
                    }
                } else {
                    wires.append(i)
                }
            }
            var specs: [NACHAWriter.BatchSpec] = []
            var settlement: [(cents: Int64, reference: String, text: String)] = []
            for (b, batch) in batches.enumerated() {
                let odfi = String(10_000_000 + (b * 7_919) % 89_999_999)
                let hasX12 = batch.entries.contains { day.receipts[$0].remittance.count > 1 }
                var entries: [NACHAWriter.EntrySpec] = []
                var total: Int64 = 0
                for (n, i) in batch.entries.enumerated() {
                    let r = day.receipts[i]
                    total += r.amount.minorUnits
                    var addenda: [String] = []
                    // CCD+: the first line as one RMR; CTX: every line, one X12 text over as many addenda as it needs.
                    let items = hasX12 ? r.remittance : Array(r.remittance.prefix(1))
                    if !items.isEmpty {
                        addenda = [items.map { item in
                            let paid = item.amountPaid.map { MoneyFormat.plain($0.minorUnits, exponent: 2) } ?? ""
                            let discount = item.discount.map { "*\(MoneyFormat.plain(($0.minorUnits + (item.amountPaid?.minorUnits ?? 0)), exponent: 2))*\(MoneyFormat.plain($0.minorUnits, exponent: 2))" } ?? ""
                            return "RMR*\(item.referenceQualifier)*\(item.reference)*PI*\(paid)\(discount)\\"
                        }.joined()]
                    }
                    entries.append(NACHAWriter.EntrySpec(transactionCode: 22, receivingRouting: ScenarioFiles.ourRouting, accountNumber: ScenarioFiles.ourAccount,
                                                         amountCents: r.amount.minorUnits, identificationNumber: "INV PAYMENT", receiverName: "NORTHWIND INDUSTRIAL",
                                                         paymentRelatedInformation: addenda))
                    plan.sourceRef[i] = odfi + String(10_000_000 + n + 1).suffix(7)
                }
                specs.append(NACHAWriter.BatchSpec(serviceClassCode: 220, companyName: String(batch.name.prefix(16)), companyIdentification: batch.company,
                                                   standardEntryClass: hasX12 ? .ctx : .ccd, entryDescription: "PAYMENT", effectiveEntryDay: runDay,
                                                   originatingDFI: odfi, entries: entries))
                settlement.append((total, "B\(d)-\(b)", "ACH CREDIT \(String(batch.name.prefix(16)))"))
            }
            let folderOfDay = "\(folder)/\(runDay)"
            try fm.createDirectory(atPath: folderOfDay + "/ach", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: folderOfDay + "/bank", withIntermediateDirectories: true)
            var modifier = 0
            for (f, name) in achFileNames.enumerated() {
                let dealt = specs.indices.filter { $0 % achFileNames.count == f }.map { specs[$0] }
                // A File Control's dollar totals have 12 digits: a day worth more goes out as several files, as a bank
                // would send it (`received.ach`, `received-2.ach`, ...).
                for (part, batchesOfFile) in ScenarioFiles.split(dealt, maximumCents: ScenarioFiles.maximumFileCents).enumerated() {
                    let fileName = part == 0 ? name : (name as NSString).deletingPathExtension + "-\(part + 1)." + (name as NSString).pathExtension
                    let file = NACHAWriter().write(file: NACHAWriter.FileSpec(immediateDestination: " " + ScenarioFiles.ourRouting, immediateOrigin: " 011000015", creationDay: runDay,
                                                                              fileIDModifier: String(UnicodeScalar(UInt8(65 + modifier % 26))),
                                                                              destinationName: "NORTHWIND BANK", originName: "FEDERAL RESERVE BANK"), batches: batchesOfFile)
                    modifier += 1
                    try file.write(toFile: folderOfDay + "/ach/" + fileName, atomically: true, encoding: .utf8)
                }
            }
            // The statement: yesterday's late batch, today's batches but the first (late until tomorrow, except on the last day), wires.
            var details: [(type: Int, cents: Int64, reference: String, text: String)] = []
            if let late = lateFromYesterday { details.append((165, late.cents, late.reference, late.text)) }
            lateFromYesterday = nil
            for (k, s) in settlement.enumerated() {
                if k == 0 && d < days.count - 1 { lateFromYesterday = s } else { details.append((165, s.cents, s.reference, s.text)) }
            }
            for i in wires {
                let line = wireLine(i, day: d)
                // A line with no reference of its own is known by its place: the file and the line of its 16 record.
                plan.sourceRef[i] = line.placeholder ? "statement.bai:\(BAI2Layout.firstDetailLine + details.count)" : line.reference
                details.append((195, day.receipts[i].amount.minorUnits, line.reference, line.text))
            }
            let opening = balance
            balance += details.reduce(0) { $0 + $1.cents }
            plan.closingAfterDay.append(balance)
            plan.inTransitAfterDay.append(lateFromYesterday?.cents ?? 0)
            try bai2(day: runDay, opening: opening, closing: balance, details: details).write(toFile: folderOfDay + "/bank/statement.bai", atomically: true, encoding: .utf8)
            var statements = [StatementClosing(account: ScenarioFiles.ourAccount, currency: .usd, closing: balance)]
            if hasBankData {
                statements.append(try writeSecondStatement(secondLines, day: d, balance: &secondBalance, folder: folderOfDay, plan: &plan))
                statements += try writeCamtStatements(camtLines, day: d, balances: &camtBalances, folder: folderOfDay, plan: &plan)
            }
            plan.statementsOfDay.append(statements)
        }
        return plan
    }

    /// Where a BAI2 statement's lines are: 01, 02 and 03 take the first three, the 16 records follow, one a line.
    enum BAI2Layout {
        static let firstDetailLine = 4
    }

    /// The bank reference and text of a wire on a BAI2 statement: a generated day's (`W<day>-<receipt>`, the payer's
    /// name), or as a hazard's delivery says; `placeholder` when the reference names nothing.
    func wireLine(_ i: Int, day d: Int) -> (reference: String, text: String, placeholder: Bool) {
        let r = day.receipts[i]
        guard let delivery = day.deliveries[r.sourceKey] else { return ("W\(d)-\(i)", "INCOMING WIRE \(r.payerName)", false) }
        let text = r.freeText.isEmpty ? "INCOMING WIRE \(r.payerName)" : r.freeText
        switch delivery.reference {
        case let .own(reference), let .batch(reference): return (reference, text, false)
        case .none: return ("", text, true)
        case let .placeholder(reference): return (reference, text, true)
        }
    }

    /// The second account's BAI2 statement of the day (`operating.bai`): its wires and charges.
    func writeSecondStatement(_ lines: [Int], day d: Int, balance: inout Int64, folder: String, plan: inout Plan) throws -> StatementClosing {
        var details: [BAI2Writer.Detail] = []
        for i in lines {
            let line = wireLine(i, day: d)
            plan.sourceRef[i] = line.placeholder ? "operating.bai:\(BAI2Layout.firstDetailLine + details.count)" : line.reference
            details.append(BAI2Writer.Detail(typeCode: 195, cents: day.receipts[i].amount.minorUnits, reference: line.reference, text: line.text))
        }
        for charge in day.bankCharges where charge.dayIndex == d && charge.statement == .second {
            details.append(BAI2Writer.Detail(typeCode: 698, cents: charge.amount.minorUnits, reference: charge.reference, text: charge.text))
        }
        let opening = balance
        balance = BAI2Writer.closing(opening: opening, details: details)
        try BAI2Writer.statement(routing: ScenarioFiles.ourRouting, account: ScenarioGenerator.secondAccount, day: days[d], opening: opening, details: details)
            .write(toFile: folder + "/bank/operating.bai", atomically: true, encoding: .utf8)
        return StatementClosing(account: ScenarioGenerator.secondAccount, currency: .usd, closing: balance)
    }

    /// The camt account's camt.053 of the day (`statement.xml`): a statement per currency, USD first. A receipt is an
    /// entry of its own, or with the others of its batch one entry of several transactions; charges are debits.
    func writeCamtStatements(_ lines: [Int], day d: Int, balances: inout [Currency: Int64], folder: String, plan: inout Plan) throws -> [StatementClosing] {
        var statements: [Camt053Writer.Statement] = []
        /// Per statement, the receipts of each entry.
        var receiptsOfEntries: [[[Int]]] = []
        for currency in [Currency.usd, .eur] {
            var entries: [Camt053Writer.Entry] = []
            var receiptsOfEntry: [[Int]] = []
            var batchAt: [String: Int] = [:]
            for i in lines where day.receipts[i].amount.currency == currency {
                let r = day.receipts[i]
                let reference = day.deliveries[r.sourceKey]?.reference ?? .none
                let documents = r.remittance.map { item in
                    Camt053Writer.Document(number: item.reference, typeCode: item.referenceQualifier == "PO" ? "PUOR" : item.referenceQualifier == "CM" ? "CREN" : "CINV",
                                           remittedMinorUnits: item.amountPaid.map { abs($0.minorUnits) })
                }
                let endToEnd: String? = reference == .placeholder("NOTPROVIDED") ? "NOTPROVIDED" : nil
                let tx = Camt053Writer.Transaction(minorUnits: r.amount.minorUnits, endToEndID: endToEnd, counterparty: r.payerName, unstructured: r.freeText,
                                                   documents: documents)
                switch reference {
                case let .batch(batch):
                    if let at = batchAt[batch] {
                        entries[at].transactions.append(tx)
                        entries[at].minorUnits += tx.minorUnits
                        receiptsOfEntry[at].append(i)
                        continue
                    }
                    batchAt[batch] = entries.count
                    entries.append(.credit([tx], bankReference: batch))
                case let .own(own): entries.append(.credit([tx], bankReference: own))
                case let .placeholder(placeholder): entries.append(.credit([tx], bankReference: placeholder))
                case .none: entries.append(.credit([tx], bankReference: nil))
                }
                receiptsOfEntry.append([i])
            }
            for charge in day.bankCharges where charge.dayIndex == d && charge.statement == .camt && charge.amount.currency == currency {
                entries.append(.charge(charge.amount.minorUnits, bankReference: charge.reference, text: charge.text))
                receiptsOfEntry.append([])
            }
            statements.append(Camt053Writer.Statement(id: "\(ScenarioGenerator.camtAccount)-\(currency.code)-\(days[d])", account: ScenarioGenerator.camtAccount,
                                                      currency: currency, bank: ScenarioGenerator.camtBank, day: days[d], opening: balances[currency] ?? 0,
                                                      entries: entries))
            receiptsOfEntries.append(receiptsOfEntry)
        }
        let written = Camt053Writer.document(messageID: "CAMT053-\(days[d])", created: days[d], statements: statements)
        try written.text.write(toFile: folder + "/bank/statement.xml", atomically: true, encoding: .utf8)
        var closings: [StatementClosing] = []
        for (s, statement) in statements.enumerated() {
            for (e, entry) in statement.entries.enumerated() {
                for i in receiptsOfEntries[s][e] {
                    // A reference of the line's own only for an entry of one transaction that carries a real one.
                    let own = entry.transactions.count == 1 && entry.bankReference.map { !["NOTPROVIDED", "NONREF", ""].contains($0) } == true
                    plan.sourceRef[i] = own ? entry.bankReference ?? "" : "statement.xml:\(written.entryLines[s][e])"
                }
            }
            balances[statement.currency] = statement.closing
            closings.append(StatementClosing(account: statement.account, currency: statement.currency, closing: statement.closing))
        }
        return closings
    }

    /// The most one generated ACH file carries: under the 12 digits of a File Control total.
    static let maximumFileCents: Int64 = 900_000_000_000

    /// Batches dealt into files in order, a new file before one whose credits would pass `maximumCents`.
    static func split(_ batches: [NACHAWriter.BatchSpec], maximumCents: Int64) -> [[NACHAWriter.BatchSpec]] {
        var files: [[NACHAWriter.BatchSpec]] = []
        var total: Int64 = 0
        for batch in batches {
            let cents = batch.entries.reduce(Int64(0)) { $0 + $1.amountCents }
            if files.isEmpty || (total + cents > maximumCents && !(files.last?.isEmpty ?? true)) {
                files.append([])
                total = 0
            }
            files[files.count - 1].append(batch)
            total += cents
        }
        return files
    }

    /// A job manifest for files written by `write(to: input)`: received ACH files and BAI2 statements, the ledger,
    /// outputs and archive under `folder`.
    /// `camt`: camt.053 statements too (`<day>/bank/*.xml`, what `hasBankData` writes).
    public static func manifest(name: String, input: String, folder: String, camt: Bool = false) -> String {
        """
        { "version": 1, "name": "\(name)", "currency": "USD", "ledger": "\(folder)/ledger.sqlite", "output": "\(folder)/out", "archive": "\(folder)/archive",
          "customers": "\(input)/customers.csv", "invoices": "\(input)/invoices.csv",
          "sources": [ { "format": "nacha", "path": "\(input)/{date}/ach/*.ach", "role": "received" },
                       { "format": "bai2", "path": "\(input)/{date}/bank/*.bai" }\(camt ? ",\n                       { \"format\": \"camt053\", \"path\": \"\(input)/{date}/bank/*.xml\" }" : "") ],
          "matching": { "tolerance": "1.00", "ambiguous": "exception" } }
        """
    }

    var customersCSV: String {
        var lines = ["customer_id,name,aliases,ach_company_ids,credit_limit,terms,parent_id"]
        for c in day.customers {
            lines.append([c.id, c.name, c.aliases.joined(separator: "|"), c.achCompanyIDs.joined(separator: "|"), "", c.terms?.description ?? "", c.parentID ?? ""]
                .map(ScenarioFiles.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    var invoicesCSV: String {
        // The optional type column only where a document is no invoice (credit memos).
        let typed = day.invoices.contains { $0.type != .invoice }
        var lines = ["invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number" + (typed ? ",type" : "")]
        for i in day.invoices {
            lines.append(([i.id, i.customerID, i.issueDay.description, i.dueDay.description, i.amount.currency.code, i.amount.description, i.openAmount.description,
                           i.terms?.description ?? "", i.poNumber] + (typed ? [i.type.rawValue] : [])).map(ScenarioFiles.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    func bai2(day: Day, opening: Int64, closing: Int64, details: [(type: Int, cents: Int64, reference: String, text: String)]) -> String {
        let text = BAI2Writer.statement(routing: ScenarioFiles.ourRouting, account: ScenarioFiles.ourAccount, day: day, opening: opening,
                                        details: details.map { BAI2Writer.Detail(typeCode: $0.type, cents: $0.cents, reference: $0.reference, text: $0.text) })
        precondition(BAI2Writer.closing(opening: opening, details: details.map { BAI2Writer.Detail(typeCode: $0.type, cents: $0.cents, reference: $0.reference, text: $0.text) }) == closing)
        return text
    }
}
