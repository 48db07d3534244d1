import Accounting
import Core
import Foundation
import Ledger
import Pipeline
import Receivables
import Reports

/// `settle advice`: one customer's remittance advice for a day, from the ledger.
extension Command {
    static let advice = Command(
        "advice",
        usage: ["CUSTOMER --day YYYY-MM-DD --ledger PATH [--entity NAME] [--html]"],
        description: """
            One customer's remittance advice for a day, ready to send: each payment applied that day, the invoices it paid,
            cash applied, discount taken and any deduction with the payer's X12 adjustment reason. CSV (the columns of
            advice.csv) on standard output, or a self-contained HTML page with --html.
            """,
        options: [.value("day", "DAY", "the day the payments were applied (required)"), .ledger, .entity, .flag("html", "an HTML page instead of CSV")],
        exitStatuses: [
            .init(0, means: "done"), .init(1, means: "nothing was applied for the customer that day"), .init(2, means: "usage error, or a customer the ledger does not know (the nearest ids named)"),
            .init(3, means: "the ledger could not be read"),
        ],
        takesArguments: true
    ) { settle, args in try await settle.advice(args) }
}

extension Settle {
    func advice(_ args: ParsedArguments) async throws -> Int32 {
        guard args.positionals.count == 1, let given = args.positionals.first else { throw UsageError(.wrongArguments, "advice needs one CUSTOMER id") }
        guard let day = try day(args.value("day"), option: "day") else { throw UsageError(.missingOption, "advice needs --day YYYY-MM-DD") }
        let (view, ledger) = try openView(args)  // an older SQLite ledger migrated first
        let customer = try await knownCustomer(given, option: "", reader: view, ledger: ledger)
        let (name, rows) = try await adviceRows(customer: customer, day: day, view: view)
        guard !rows.isEmpty else {
            console.err("settle: nothing was applied for \(customer) on \(day) in \(ledger)")
            return 1
        }
        guard args.flag("html") else {
            console.out(ReportWriter.adviceCSV(rows), newline: false)
            return 0
        }
        // The page shows the customer's own purchase-order number beside each invoice.
        var purchaseOrders: [String: String] = [:]
        for invoiceID in Set(rows.map(\.invoiceID)) where !invoiceID.isEmpty {
            if let order = try await view.invoice(id: invoiceID)?.poNumber, !order.isEmpty { purchaseOrders[invoiceID] = order }
        }
        console.out(try HTMLReport.advice(customerID: customer, name: name, day: day, rows: rows, purchaseOrders: purchaseOrders), newline: false)
        return 0
    }

    /// The customer's name and advice rows for the day: what the ledger applied to their invoices that day.
    func adviceRows(customer: String, day: Day, view: any LedgerReading) async throws -> (name: String, rows: [AdviceRow]) {
        // The customer's name from the master data the ledger last ran with (blank when it cannot be read).
        var name = ""
        if let path = try await view.lastManifestPath(), let manifest = try? Manifest.load(path: path),
           let bytes = try? InputOpener.readAll(path: manifest.customers, limitBytes: 1 << 30),
           let customers = try? MasterDataLoader.customers(bytes: bytes, path: manifest.customers, currency: manifest.currency) {
            name = customers.first { $0.id == customer }?.name ?? ""
        }
        let rows = try await view.applications(customer: customer, day: day).filter { $0.invoiceID != nil && $0.rule != "return" }.map { a in
            // The receipt's source, reference and value day as the run stored them (a row kept before schema 13: as the
            // ledger could tell them; one without a receipt of its own: the day).
            AdviceRow(a, name: name, valueDay: day)
        }.sorted { ($0.valueDay, $0.sourceRef, $0.invoiceID) < ($1.valueDay, $1.sourceRef, $1.invoiceID) }  // advice.csv's order
        return (name, rows)
    }
}
