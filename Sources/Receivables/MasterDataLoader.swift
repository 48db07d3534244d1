import Core

/// A problem in a master-data CSV that stops it from loading.
public struct MasterDataError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
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
        var rows: [(line: Int, fields: [String])] = []
        let columns = try forEachRow(bytes: bytes, path: path, required: required) { _, line, fields in rows.append((line, fields)) }
        return Table(columns: columns, rows: rows)
    }

    /// Reads the CSV row by row, handing each row's fields to `body` as it is read (a million invoices are never held
    /// as text), after checking the header; returns the header's column positions.
    @discardableResult
    public static func forEachRow(bytes: [UInt8], path: String, required: [String], _ body: ([String: Int], Int, [String]) -> Void) throws(MasterDataError) -> [String: Int] {
        try forEachRecord(bytes: bytes, path: path, required: required) { columns, record in body(columns, record.line, record.fields) }
    }

    /// `forEachRow` handing out the record itself, so a reader takes only the fields it needs, in place.
    @discardableResult
    public static func forEachRecord(bytes: [UInt8], path: String, required: [String], _ body: ([String: Int], CSVRecord) -> Void) throws(MasterDataError) -> [String: Int] {
        var reader = CSVReader(source: MemoryByteSource(bytes))
        var record = CSVRecord()
        var columns: [String: Int]?
        var problems: [Diagnostic] = []
        do {
            while try reader.next(into: &record) {
                if record.isBlank { continue }
                if record.hasUnterminatedQuote {
                    problems.append(Diagnostic(code: "csv.unterminated-quote", severity: .error, location: SourceLocation(file: path, line: record.line),
                                               message: "a quoted field is not closed before the end of the file"))
                }
                if columns == nil {
                    let header = record.fields.map { ByteScanning.trimmed($0).lowercased() }
                    let missing = required.filter { !header.contains($0) }
                    if !missing.isEmpty {
                        throw MasterDataError(diagnostics: [Diagnostic(code: "csv.missing-column", severity: .fatal, location: SourceLocation(file: path, line: 1),
                                                                       message: "the header lacks column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))",
                                                                       expected: required.joined(separator: ","), found: header.joined(separator: ","))])
                    }
                    var positions: [String: Int] = [:]
                    for (i, name) in header.enumerated() where positions[name] == nil { positions[name] = i }
                    columns = positions
                } else if problems.isEmpty, let columns {
                    body(columns, record)
                }
            }
        } catch let error as MasterDataError {
            throw error
        } catch let error as InputError {
            throw MasterDataError(diagnostics: [Diagnostic(code: "input.read", severity: .fatal, location: SourceLocation(file: path, line: 0), message: error.message)])
        } catch {
            throw MasterDataError(diagnostics: [Diagnostic(code: "input.read", severity: .fatal, location: SourceLocation(file: path, line: 0), message: "\(error)")])
        }
        guard let columns else {
            throw MasterDataError(diagnostics: [Diagnostic(code: "csv.empty", severity: .fatal, location: SourceLocation(file: path, line: 1),
                                                           message: "the file is empty; expected a header row: \(required.joined(separator: ","))")])
        }
        if !problems.isEmpty { throw MasterDataError(diagnostics: problems) }
        return columns
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

    public static func invoices(bytes: [UInt8], path: String, customers: [Customer], defaultCurrency: Currency) async throws(MasterDataError) -> [Invoice] {
        let customerIDs = Set(customers.map(\.id))
        let termsByCustomer = Dictionary(customers.map { ($0.id, $0.terms) }, uniquingKeysWith: { a, _ in a })
        // A large export without quotes (no field spans lines) is read in two halves at once, split at a line end;
        // the second half's rows keep their line numbers, and a later row of an invoice still updates it.
        if bytes.count >= 1 << 22, !bytes.contains(UInt8(ascii: "\"")), let headerEnd = bytes.firstIndex(of: UInt8(ascii: "\n")),
           let split = bytes[(bytes.count / 2)...].firstIndex(of: UInt8(ascii: "\n")).map({ $0 + 1 }), split > headerEnd + 1, split < bytes.count {
            let first = Array(bytes[..<split])
            let second = Array(bytes[...headerEnd]) + bytes[split...]
            let linesBefore = bytes[..<split].reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            // Each half its own result: the first on a child task, the second on this one; joined once both are in.
            async let firstHalf = Result { () throws(MasterDataError) in
                try invoicePart(bytes: first, lineOffset: 0, path: path, customerIDs: customerIDs, termsByCustomer: termsByCustomer, defaultCurrency: defaultCurrency)
            }
            let secondHalf = Result { () throws(MasterDataError) in
                try invoicePart(bytes: second, lineOffset: linesBefore - 1, path: path, customerIDs: customerIDs, termsByCustomer: termsByCustomer,
                                defaultCurrency: defaultCurrency)
            }
            return try joined(await firstHalf, secondHalf, path: path, secondFromLine: linesBefore + 1)
        }
        let part = try invoicePart(bytes: bytes, lineOffset: 0, path: path, customerIDs: customerIDs, termsByCustomer: termsByCustomer, defaultCurrency: defaultCurrency)
        if !part.problems.isEmpty { throw MasterDataError(diagnostics: part.problems) }
        return part.invoices
    }

    /// The invoices of the two halves of one file, as one pass would give them: the second half's rows after the
    /// first's, a later row of an invoice updating it. Both halves' problems are reported, the first half's first; a
    /// half that could not be read at all is an error too (never the other half's invoices alone).
    static func joined(_ first: Result<InvoicePart, MasterDataError>, _ second: Result<InvoicePart, MasterDataError>, path: String,
                       secondFromLine: Int) throws(MasterDataError) -> [Invoice] {
        var problems: [Diagnostic] = []
        func part(_ result: Result<InvoicePart, MasterDataError>, fromLine line: Int) -> InvoicePart? {
            switch result {
            case let .success(half):
                problems += half.problems
                return half
            case let .failure(error):
                problems += error.diagnostics.isEmpty
                    ? [Diagnostic(code: "input.read", severity: .fatal, location: SourceLocation(file: path, line: line),
                                  message: "the invoices from line \(line) could not be read")]
                    : error.diagnostics
                return nil
            }
        }
        let head = part(first, fromLine: 2)
        let tail = part(second, fromLine: secondFromLine)
        guard problems.isEmpty, let head, let tail else { throw MasterDataError(diagnostics: problems) }
        var out = head.invoices
        // Room for both halves at once: grown by doubling, a million invoices held room for two million.
        out.reserveCapacity(out.count + tail.invoices.count)
        var index = head.index
        for invoice in tail.invoices {
            if let existing = index[invoice.id] { out[existing] = invoice } else { index[invoice.id] = out.count; out.append(invoice) }
        }
        return out
    }

    struct InvoicePart: Sendable {
        var invoices: [Invoice]
        var index: [String: Int]
        var problems: [Diagnostic]
    }

    /// The invoices of one CSV text (the whole file, or a half with the header in front), each row's line number
    /// `lineOffset` past the text's own.
    static func invoicePart(bytes: [UInt8], lineOffset: Int, path: String, customerIDs: Set<String>, termsByCustomer: [String: PaymentTerms?],
                            defaultCurrency: Currency) throws(MasterDataError) -> InvoicePart {
        var out: [Invoice] = []
        var index: [String: Int] = [:]
        var problems: [Diagnostic] = []
        // Terms repeat ("NET30", "2/10 NET30"): each text parsed once.
        var parsedTerms: [String: PaymentTerms?] = [:]
        var positions: [Int] = []
        var typeAt = -1
        try forEachRow(bytes: bytes, path: path, required: invoiceColumns) { columns, textLine, fields in
            let line = textLine + lineOffset
            if positions.isEmpty {
                // The header was read before the first row: each field's position looked up once.
                positions = invoiceColumns.map { columns[$0] ?? -1 }
                typeAt = columns["type"] ?? -1
            }
            func value(_ field: Int) -> String {
                let at = positions[field]
                return at >= 0 && at < fields.count ? ByteScanning.trimmed(fields[at]) : ""
            }
            var rowOK = true
            func problem(_ field: Int, _ message: String) {
                rowOK = false
                problems.append(Diagnostic(code: "invoices.field", severity: .error, location: SourceLocation(file: path, line: line, column: positions[field] + 1),
                                           field: invoiceColumns[field], message: message))
            }
            // Fields in the order of `invoiceColumns`.
            let id = value(0)
            if id.isEmpty { problem(0, "is empty"); return }
            let customer = value(1)
            if !customerIDs.contains(customer) { problem(1, "'\(customer)' is not in the customers file") }
            let issueText = value(2)
            let issue = Day.parse(issueText, format: .iso)
            if issue == nil { problem(2, "'\(issueText)' is not a YYYY-MM-DD date") }
            let dueText = value(3)
            let due = Day.parse(dueText, format: .iso)
            if due == nil { problem(3, "'\(dueText)' is not a YYYY-MM-DD date") }
            var currency = defaultCurrency
            let currencyText = value(4)
            if !currencyText.isEmpty {
                if let c = Currency.iso(currencyText) { currency = c } else { problem(4, "'\(currencyText)' is not an ISO 4217 code") }
            }
            var amount: Money?
            var open: Money?
            do throws(MoneyError) { amount = try Money.parse(value(5), currency: currency) } catch { problem(5, error.description) }
            do throws(MoneyError) { open = try Money.parse(value(6), currency: currency) } catch { problem(6, error.description) }
            // The optional `type` column; without it a negative amount is a credit memo.
            var type: Invoice.DocumentType?
            if typeAt >= 0, typeAt < fields.count, !ByteScanning.trimmed(fields[typeAt]).isEmpty {
                let at = typeAt
                let text = ByteScanning.trimmed(fields[at]).lowercased()
                type = Invoice.DocumentType(rawValue: text)
                if type == nil {
                    rowOK = false
                    problems.append(Diagnostic(code: "invoices.field", severity: .error, location: SourceLocation(file: path, line: line, column: at + 1), field: "type",
                                               message: "'\(text)' is not a document type (invoice, credit_memo or debit_memo)"))
                }
            }
            if let amount, let open {
                let memo = (type ?? (amount.minorUnits < 0 ? .creditMemo : .invoice)) == .creditMemo
                if memo, amount.minorUnits > 0 {
                    problem(5, "a credit memo's amount is negative (a credit of the customer): \(amount)")
                } else if !memo, amount.minorUnits < 0 {
                    problem(5, "\(amount) is negative: a credit memo (type credit_memo, or no type), not an invoice")
                } else if !Invoice(id: id, customerID: customer, issueDay: .init(daysSinceEpoch: 0), dueDay: .init(daysSinceEpoch: 0), amount: amount, openAmount: open,
                                   type: type).allows(open: open.minorUnits) {
                    problem(6, memo ? "\(open) is not between the credit memo's amount \(amount) and 0" : "\(open) is not between 0 and the invoice amount \(amount)")
                }
            }
            var terms = termsByCustomer[customer] ?? nil
            let termsText = value(7)
            if !termsText.isEmpty {
                if let known = parsedTerms[termsText] {
                    terms = known
                } else {
                    terms = PaymentTerms.parse(termsText)
                    parsedTerms[termsText] = terms
                }
                if terms == nil { problem(7, "'\(termsText)' is not payment terms (e.g. NET30, 2/10 NET30)") }
            }
            guard rowOK, let issue, let due, let amount, let open else { return }
            let invoice = Invoice(id: id, customerID: customer, issueDay: issue, dueDay: due, amount: amount, openAmount: open, terms: terms, poNumber: value(8),
                                  type: type)
            // The same invoice twice: the later row updates it.
            if let existing = index[id] { out[existing] = invoice } else { index[id] = out.count; out.append(invoice) }
        }
        return InvoicePart(invoices: out, index: index, problems: problems)
    }
}
