import Core

/// A problem in a master-data CSV that stops it from loading.
public struct MasterDataError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Loads the customers and open invoices CSVs of CONTRACT.md.
public enum MasterDataLoader {
    public static let customerColumns = ["customer_id", "name", "aliases", "ach_company_ids", "credit_limit", "terms"]
    public static let invoiceColumns = ["invoice_id", "customer_id", "issue_date", "due_date", "currency", "amount", "open_amount", "terms", "po_number"]

    struct Table {
        var columns: [String: Int]
        var rows: [(line: Int, fields: [String])]
    }

    static func table(bytes: [UInt8], path: String, required: [String]) throws(MasterDataError) -> Table {
        var reader = CSVReader(source: MemoryByteSource(bytes))
        var record = CSVRecord()
        var header: [String]?
        var rows: [(Int, [String])] = []
        var problems: [Diagnostic] = []
        do {
            while try reader.next(into: &record) {
                if record.isBlank { continue }
                if record.hasUnterminatedQuote {
                    problems.append(Diagnostic(code: "csv.unterminated-quote", severity: .error, location: SourceLocation(file: path, line: record.line),
                                               message: "a quoted field is not closed before the end of the file"))
                }
                if header == nil {
                    header = record.fields.map { ByteScanning.trimmed($0).lowercased() }
                } else {
                    rows.append((record.line, record.fields))
                }
            }
        } catch {
            throw MasterDataError(diagnostics: [Diagnostic(code: "input.read", severity: .fatal, location: SourceLocation(file: path, line: 0), message: error.message)])
        }
        guard let header else {
            throw MasterDataError(diagnostics: [Diagnostic(code: "csv.empty", severity: .fatal, location: SourceLocation(file: path, line: 1),
                                                           message: "the file is empty; expected a header row: \(required.joined(separator: ","))")])
        }
        let missing = required.filter { !header.contains($0) }
        if !missing.isEmpty {
            throw MasterDataError(diagnostics: [Diagnostic(code: "csv.missing-column", severity: .fatal, location: SourceLocation(file: path, line: 1),
                                                           message: "the header lacks column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))",
                                                           expected: required.joined(separator: ","), found: header.joined(separator: ","))])
        }
        if !problems.isEmpty { throw MasterDataError(diagnostics: problems) }
        var columns: [String: Int] = [:]
        for (i, name) in header.enumerated() where columns[name] == nil { columns[name] = i }
        return Table(columns: columns, rows: rows)
    }

    public static func customers(bytes: [UInt8], path: String, currency: Currency) throws(MasterDataError) -> [Customer] {
        let t = try table(bytes: bytes, path: path, required: customerColumns)
        var out: [Customer] = []
        var problems: [Diagnostic] = []
        var seen: Set<String> = []
        var lineOf: [String: Int] = [:]
        for row in t.rows {
            func value(_ name: String) -> String { ByteScanning.trimmed(t.columns[name].map { $0 < row.fields.count ? row.fields[$0] : "" } ?? "") }
            func problem(_ field: String, _ message: String) {
                problems.append(Diagnostic(code: "customers.field", severity: .error, location: SourceLocation(file: path, line: row.line, column: (t.columns[field] ?? 0) + 1),
                                           field: field, message: message))
            }
            let id = value("customer_id")
            if id.isEmpty { problem("customer_id", "is empty"); continue }
            if !seen.insert(id).inserted { problem("customer_id", "'\(id)' appears twice") }
            lineOf[id] = row.line
            var limit: Money?
            if !value("credit_limit").isEmpty {
                do { limit = try Money.parse(value("credit_limit"), currency: currency) } catch { problem("credit_limit", error.description) }
            }
            var terms: PaymentTerms?
            if !value("terms").isEmpty {
                terms = PaymentTerms.parse(value("terms"))
                if terms == nil { problem("terms", "'\(value("terms"))' is not payment terms (e.g. NET30, 2/10 NET30)") }
            }
            func list(_ name: String) -> [String] { value(name).split(separator: "|").map { ByteScanning.trimmed(String($0)) }.filter { !$0.isEmpty } }
            out.append(Customer(id: id, name: value("name"), aliases: list("aliases"), achCompanyIDs: list("ach_company_ids"), creditLimit: limit, terms: terms,
                                parentID: value("parent_id").isEmpty ? nil : value("parent_id")))
        }
        // A parent must be a customer, and no customer its own ancestor.
        let known = Dictionary(out.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for customer in out {
            guard let parent = customer.parentID else { continue }
            let column = (t.columns["parent_id"] ?? 0) + 1
            let line = lineOf[customer.id] ?? 0
            if known[parent] == nil {
                problems.append(Diagnostic(code: "customers.field", severity: .error, location: SourceLocation(file: path, line: line, column: column),
                                           field: "parent_id", message: "'\(parent)' is not in the customers file"))
                continue
            }
            var seen: Set<String> = [customer.id]
            var next: String? = parent
            while let p = next {
                if !seen.insert(p).inserted {
                    problems.append(Diagnostic(code: "customers.field", severity: .error, location: SourceLocation(file: path, line: line, column: column),
                                               field: "parent_id", message: "'\(parent)' makes \(customer.id) its own parent"))
                    break
                }
                next = known[p]?.parentID
            }
        }
        if !problems.isEmpty { throw MasterDataError(diagnostics: problems) }
        return out
    }

    public static func invoices(bytes: [UInt8], path: String, customers: [Customer], defaultCurrency: Currency) throws(MasterDataError) -> [Invoice] {
        let t = try table(bytes: bytes, path: path, required: invoiceColumns)
        let customerIDs = Set(customers.map(\.id))
        let termsByCustomer = Dictionary(customers.map { ($0.id, $0.terms) }, uniquingKeysWith: { a, _ in a })
        var out: [Invoice] = []
        var index: [String: Int] = [:]
        var problems: [Diagnostic] = []
        for row in t.rows {
            func value(_ name: String) -> String { ByteScanning.trimmed(t.columns[name].map { $0 < row.fields.count ? row.fields[$0] : "" } ?? "") }
            var rowOK = true
            func problem(_ field: String, _ message: String) {
                rowOK = false
                problems.append(Diagnostic(code: "invoices.field", severity: .error, location: SourceLocation(file: path, line: row.line, column: (t.columns[field] ?? 0) + 1),
                                           field: field, message: message))
            }
            let id = value("invoice_id")
            if id.isEmpty { problem("invoice_id", "is empty"); continue }
            let customer = value("customer_id")
            if !customerIDs.contains(customer) { problem("customer_id", "'\(customer)' is not in the customers file") }
            let issue = Day.parse(value("issue_date"), format: .iso)
            if issue == nil { problem("issue_date", "'\(value("issue_date"))' is not a YYYY-MM-DD date") }
            let due = Day.parse(value("due_date"), format: .iso)
            if due == nil { problem("due_date", "'\(value("due_date"))' is not a YYYY-MM-DD date") }
            var currency = defaultCurrency
            if !value("currency").isEmpty {
                if let c = Currency.iso(value("currency")) { currency = c } else { problem("currency", "'\(value("currency"))' is not an ISO 4217 code") }
            }
            var amount: Money?
            var open: Money?
            do { amount = try Money.parse(value("amount"), currency: currency) } catch { problem("amount", error.description) }
            do { open = try Money.parse(value("open_amount"), currency: currency) } catch { problem("open_amount", error.description) }
            if let amount, let open, open.minorUnits > amount.minorUnits, amount.minorUnits >= 0 {
                problem("open_amount", "\(open) is more than the invoice amount \(amount)")
            }
            var terms = termsByCustomer[customer] ?? nil
            if !value("terms").isEmpty {
                terms = PaymentTerms.parse(value("terms"))
                if terms == nil { problem("terms", "'\(value("terms"))' is not payment terms (e.g. NET30, 2/10 NET30)") }
            }
            guard rowOK, let issue, let due, let amount, let open else { continue }
            let invoice = Invoice(id: id, customerID: customer, issueDay: issue, dueDay: due, amount: amount, openAmount: open, terms: terms, poNumber: value("po_number"))
            // The same invoice twice: the later row updates it.
            if let existing = index[id] { out[existing] = invoice } else { index[id] = out.count; out.append(invoice) }
        }
        if !problems.isEmpty { throw MasterDataError(diagnostics: problems) }
        return out
    }
}
