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
/// same day, so the generator's truth holds receipt by receipt.
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
    }

    /// The names of each day's ACH files: the batches are dealt to them in turn (one file by default).
    public var achFileNames = ["received.ach"]

    public init(day: ScenarioGenerator.Day1, days: [Day]) {
        self.day = day
        self.days = days
    }

    /// Writes `customers.csv`, `invoices.csv` and `<day>/ach/received.ach`, `<day>/bank/statement.bai` under `folder`.
    public func write(to folder: String) throws -> Plan {
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try customersCSV.write(toFile: folder + "/customers.csv", atomically: true, encoding: .utf8)
        try invoicesCSV.write(toFile: folder + "/invoices.csv", atomically: true, encoding: .utf8)
        let customerIndex = Dictionary(day.customers.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var plan = Plan(dayOfReceipt: [], sourceRef: Array(repeating: "", count: day.receipts.count), inTransitAfterDay: [], closingAfterDay: [])
        for (i, truth) in day.expected.enumerated() {
            // A customer's receipts arrive together; a payer nobody knows on any day.
            let key = truth.customerID.flatMap { customerIndex[$0] } ?? i
            plan.dayOfReceipt.append(key % days.count)
        }
        var balance = ScenarioFiles.openingBalance
        var lateFromYesterday: (cents: Int64, reference: String, text: String)?
        for (d, runDay) in days.enumerated() {
            let todays = day.receipts.indices.filter { plan.dayOfReceipt[$0] == d }
            // ACH receipts in batches by originator; statement receipts as wires.
            var batches: [(company: String, name: String, entries: [Int])] = []
            var batchOf: [String: Int] = [:]
            var wires: [Int] = []
            for i in todays {
                let r = day.receipts[i]
                if r.source == .nacha {
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
                    if let item = r.remittance.first {
                        let paid = item.amountPaid.map { MoneyFormat.plain($0.minorUnits, exponent: 2) } ?? ""
                        let discount = item.discount.map { "*\(MoneyFormat.plain(($0.minorUnits + (item.amountPaid?.minorUnits ?? 0)), exponent: 2))*\(MoneyFormat.plain($0.minorUnits, exponent: 2))" } ?? ""
                        addenda = ["RMR*IV*\(item.reference)*PI*\(paid)\(discount)\\"]
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
                let r = day.receipts[i]
                let reference = "W\(d)-\(i)"
                plan.sourceRef[i] = reference
                details.append((195, r.amount.minorUnits, reference, "INCOMING WIRE \(r.payerName)"))
            }
            let opening = balance
            balance += details.reduce(0) { $0 + $1.cents }
            plan.closingAfterDay.append(balance)
            plan.inTransitAfterDay.append(lateFromYesterday?.cents ?? 0)
            try bai2(day: runDay, opening: opening, closing: balance, details: details).write(toFile: folderOfDay + "/bank/statement.bai", atomically: true, encoding: .utf8)
        }
        return plan
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
    public static func manifest(name: String, input: String, folder: String) -> String {
        """
        { "version": 1, "name": "\(name)", "currency": "USD", "ledger": "\(folder)/ledger.sqlite", "output": "\(folder)/out", "archive": "\(folder)/archive",
          "customers": "\(input)/customers.csv", "invoices": "\(input)/invoices.csv",
          "sources": [ { "format": "nacha", "path": "\(input)/{date}/ach/*.ach", "role": "received" },
                       { "format": "bai2", "path": "\(input)/{date}/bank/*.bai" } ],
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
        var lines = ["invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number"]
        for i in day.invoices {
            lines.append([i.id, i.customerID, i.issueDay.description, i.dueDay.description, i.amount.currency.code, i.amount.description, i.openAmount.description,
                          i.terms?.description ?? "", i.poNumber].map(ScenarioFiles.csvField).joined(separator: ","))
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
