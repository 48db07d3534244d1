import ACH
import Core
import Foundation
import Statements

/// A month of ACH debit origination as a bank would answer it, with its own truth: customers with mandates, invoices
/// falling due over the month, and the bank's answer to every entry the job sends (settled, or returned with a code of
/// each family, or corrected by a notification of change). The bank writes, day by day, the statement that settles the
/// job's batches and debits its returns, and the file of returns and notices; the truth says, from these rules alone
/// (not from settle's code), what each night's debit file must hold, each mandate's status and the return rates.
public struct AutopayMonth: Sendable {
    public struct Options: Sendable {
        public var seed: UInt64
        public var customers: Int
        public var firstDay: Day
        public var businessDays: Int
        public init(seed: UInt64 = 7, customers: Int = 24, firstDay: Day = Day(civilYear: 2026, month: 11, day: 2), businessDays: Int = 22) {
            self.seed = seed
            self.customers = customers
            self.firstDay = firstDay
            self.businessDays = businessDays
        }
    }

    public struct Customer: Sendable {
        public var id: String
        public var name: String
        public var mandateID: String
        public var sec: String
        public var routing: String
        public var account: String
        public var accountType: String
        /// `due` or `due-2`.
        public var pull: String
        public var maxCents: Int64?
    }

    public struct Invoice: Sendable {
        public var id: String
        public var customerID: String
        public var issueDay: Day
        public var dueDay: Day
        public var cents: Int64
    }

    /// What the bank does with one presentment.
    public enum Answer: Sendable, Hashable {
        case settle
        case returned(String)
        case change(String, corrected: String)
    }

    /// An entry of a file the job wrote, as the bank read it.
    public struct Sent: Sendable, Hashable {
        public var trace: String
        public var transactionCode: Int
        public var routing: String
        public var account: String
        public var cents: Int64
        /// The invoice its RMR names (empty for a prenote).
        public var invoiceID: String
        public var customerID: String
        public var retry: Bool

        public init(trace: String, transactionCode: Int, routing: String, account: String, cents: Int64, invoiceID: String, customerID: String, retry: Bool) {
            self.trace = trace
            self.transactionCode = transactionCode
            self.routing = routing
            self.account = account
            self.cents = cents
            self.invoiceID = invoiceID
            self.customerID = customerID
            self.retry = retry
        }
    }

    /// What the truth says a night's file holds: one per entry.
    public struct Expected: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// The invoice, or `prenote:<mandate>`.
        public var what: String
        public var cents: Int64
        public var transactionCode: Int
        public var routing: String
        public var account: String
        public var retry: Bool

        public init(what: String, cents: Int64, transactionCode: Int, routing: String, account: String, retry: Bool) {
            self.what = what
            self.cents = cents
            self.transactionCode = transactionCode
            self.routing = routing
            self.account = account
            self.retry = retry
        }

        public static func < (a: Expected, b: Expected) -> Bool { (a.what, a.retry ? 1 : 0) < (b.what, b.retry ? 1 : 0) }
        public var description: String { "\(what) \(cents) \(transactionCode) \(routing)/\(account)\(retry ? " retry" : "")" }
    }

    public static let sellerRouting = "071000013"
    public static let sellerAccount = "5550001"
    public static let companyID = "1234567890"
    public static let keyHex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
    public static let retryAfterDays = 3

    public let options: Options
    public let calendar = BusinessCalendar.federalReserve
    public private(set) var customers: [Customer] = []
    public private(set) var invoices: [Invoice] = []
    /// The bank's answers to each invoice's presentments, in order (first, retry 1, retry 2); beyond the list: settle.
    public private(set) var answers: [String: [Answer]] = [:]
    /// The bank's answer to each mandate's prenote (beyond: nothing).
    public private(set) var prenoteAnswers: [String: Answer] = [:]
    /// The business days the job runs, in order.
    public let days: [Day]

    // The truth's state as the days go.
    private var presentments: [String: [(day: Day, trace: String)]] = [:]
    private var prenoteDay: [String: Day] = [:]
    private var blocked: [String: String] = [:]
    private var corrections: [String: (routing: String?, account: String?, type: String?)] = [:]
    private var retryDue: [String: Day] = [:]
    private var givenUp: Set<String> = []
    private var settled: Set<String> = []
    /// What the bank delivers, by day: statement lines (type code, cents, text) and answers (the entry and what comes back).
    private var statementLines: [Day: [(code: Int, cents: Int64, text: String)]] = [:]
    private var deliveries: [Day: [(sent: Sent, answer: Answer)]] = [:]
    /// Debits by effective day, and returns by the day they came, for the rates.
    private var debitDays: [Day] = []
    private var returnDays: [(day: Day, code: String)] = []
    private var balance: Int64 = 0

    public init(options: Options = Options()) {
        self.options = options
        var days: [Day] = []
        var d = options.firstDay
        while days.count < options.businessDays {
            if calendar.isBusinessDay(d) { days.append(d) }
            d = d.adding(days: 1)
        }
        self.days = days
        var random = NACHAGenerator.Random(seed: options.seed)
        // The answers a month shows, dealt to customers in turn: every family, and a correction of each kind.
        let plans: [[Answer]] = [
            [.returned("R01"), .settle], [.returned("R01"), .returned("R01"), .returned("R01")], [.returned("R09"), .settle],
            [.returned("R10")], [.returned("R02")], [.returned("R08")], [.returned("R07")], [.change("C01", corrected: "")], [.change("C05", corrected: "37")],
        ]
        for i in 0..<options.customers {
            let id = "A\(String(format: "%03d", i + 1))"
            let ppd = i % 4 == 3
            customers.append(Customer(id: id, name: "Autopay Customer \(i + 1)", mandateID: "MD-\(i + 1)", sec: ppd ? "PPD" : "CCD",
                                      routing: i % 2 == 0 ? "071000013" : "021000021", account: String(300_000_000 + i * 7_919),
                                      accountType: i % 5 == 4 ? "savings" : "checking", pull: i % 3 == 2 ? "due-2" : "due",
                                      maxCents: i == 5 ? 900_00 : nil))
            // Two or three invoices due over the month (from its fourth business day on, after the prenotes' wait).
            for n in 0..<(2 + Int(random.next() % 2)) {
                let due = days[min(days.count - 2, 4 + Int(random.next() % UInt64(days.count - 6)))]
                let invoice = Invoice(id: "\(id)-\(n + 1)", customerID: id, issueDay: due.adding(days: -30), dueDay: due,
                                      cents: Int64(200_00 + Int(random.next() % 180_000)))
                invoices.append(invoice)
            }
            if i < plans.count, let first = invoices.filter({ $0.customerID == id }).min(by: { ($0.dueDay, $0.id) < ($1.dueDay, $1.id) }) {
                var plan = plans[i]
                if case .change("C01", _) = plan[0] { plan[0] = .change("C01", corrected: String(400_000_000 + i)) }
                answers[first.id] = plan
            }
        }
        // One prenote comes back corrected (C02: another routing number).
        if let last = customers.last { prenoteAnswers[last.mandateID] = .change("C02", corrected: "091000019") }
    }

    // MARK: the job's files

    /// customers.csv, invoices.csv, mandates.csv (0600), the key (0600) and job.json in `folder`; the bank's files go to
    /// `folder/bank/<day>/`.
    public func writeJob(in folder: String) throws {
        try PrivateFiles.makeFolder(folder)
        var text = "customer_id,name,aliases,ach_company_ids,credit_limit,terms\n"
        for c in customers { text += "\(c.id),\(c.name),,,,NET30\n" }
        try AtomicFile.write(text, to: folder + "/customers.csv")
        text = "invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number\n"
        for i in invoices {
            let amount = MoneyFormat.plain(i.cents, exponent: 2)
            text += "\(i.id),\(i.customerID),\(i.issueDay),\(i.dueDay),USD,\(amount),\(amount),NET30,\n"
        }
        try AtomicFile.write(text, to: folder + "/invoices.csv")
        text = "mandate_id,customer_id,sec,routing,account,account_type,authorized_on,revoked_on,max_amount,pull\n"
        for c in customers {
            text += "\(c.mandateID),\(c.id),\(c.sec),\(c.routing),\(c.account),\(c.accountType),2026-10-01,,\(c.maxCents.map { MoneyFormat.plain($0, exponent: 2) } ?? ""),\(c.pull)\n"
        }
        try AtomicFile.write(text, to: folder + "/mandates.csv")
        try AtomicFile.write(AutopayMonth.keyHex, to: folder + "/origination.key")
        try AtomicFile.write("""
            { "version": 1, "currency": "USD", "ledger": "ledger.sqlite", "output": "out", "archive": "archive",
              "customers": "customers.csv", "invoices": "invoices.csv",
              "sources": [ { "format": "nacha", "path": "bank/{date}/*.ach", "role": "originated" },
                           { "format": "bai2", "path": "bank/{date}/*.bai" } ],
              "origination": { "enabled": true, "mandates": "mandates.csv", "outbox": "outbox", "key_file": "origination.key",
                               "company_name": "NORTHWIND MFG", "company_id": "\(AutopayMonth.companyID)", "odfi": "07100001",
                               "retry_after_days": \(AutopayMonth.retryAfterDays) } }
            """, to: folder + "/job.json")
    }

    // MARK: the truth

    private func effective(after day: Day) -> Day { calendar.adding(businessDays: 1, to: day) }

    private func account(of customer: Customer) -> (routing: String, account: String, code: Int) {
        let fix = corrections[customer.mandateID]
        let type = fix?.type ?? (customer.accountType == "savings" ? "37" : "27")
        return (fix?.routing ?? customer.routing, fix?.account ?? customer.account, Int(type) ?? 27)
    }

    private func pullDay(_ invoice: Invoice, _ customer: Customer) -> Day {
        var due = invoice.dueDay
        while !calendar.isBusinessDay(due) { due = due.adding(days: -1) }
        return customer.pull == "due-2" ? calendar.adding(businessDays: -2, to: due) : due
    }

    /// What the night of `day` writes, by the month's rules, given what the bank answered through `day`.
    public func expected(runDay day: Day) -> [Expected] {
        let e = effective(after: day)
        var out: [Expected] = []
        for c in customers where blocked[c.mandateID] == nil {
            let (routing, number, code) = account(of: c)
            guard let prenote = prenoteDay[c.mandateID] else {
                out.append(Expected(what: "prenote:\(c.mandateID)", cents: 0, transactionCode: code + 1, routing: routing, account: number, retry: false))
                continue
            }
            for invoice in invoices where invoice.customerID == c.id {
                let made = presentments[invoice.id] ?? []
                if made.isEmpty {
                    guard pullDay(invoice, c) <= e, e >= calendar.adding(businessDays: 3, to: prenote) else { continue }
                    if let max = c.maxCents, invoice.cents > max { continue }
                    out.append(Expected(what: invoice.id, cents: invoice.cents, transactionCode: code, routing: routing, account: number, retry: false))
                } else if let due = retryDue[invoice.id], due <= e, !givenUp.contains(invoice.id) {
                    out.append(Expected(what: invoice.id, cents: invoice.cents, transactionCode: code, routing: routing, account: number, retry: true))
                }
            }
        }
        return out.sorted()
    }

    /// The bank takes the night's file (its entries, as read from it), effective the next business day: settles its
    /// batches that day, and answers each entry as planned (returns two business days on, notices one).
    public mutating func receive(_ sent: [Sent], writtenOn day: Day) {
        let e = effective(after: day)
        var credit: Int64 = 0
        for entry in sent {
            if entry.invoiceID.isEmpty {
                guard let customer = customers.first(where: { $0.id == entry.customerID }) else { continue }
                prenoteDay[customer.mandateID] = e
                if let answer = prenoteAnswers[customer.mandateID] { deliveries[calendar.adding(businessDays: 1, to: e), default: []].append((entry, answer)) }
                continue
            }
            var made = presentments[entry.invoiceID] ?? []
            made.append((e, entry.trace))
            presentments[entry.invoiceID] = made
            retryDue[entry.invoiceID] = nil
            credit += entry.cents
            debitDays.append(e)
            let plan = answers[entry.invoiceID] ?? []
            let answer = made.count <= plan.count ? plan[made.count - 1] : .settle
            switch answer {
            case .settle:
                settled.insert(entry.invoiceID)
            case .returned:
                deliveries[calendar.adding(businessDays: 2, to: e), default: []].append((entry, answer))
            case .change:
                settled.insert(entry.invoiceID)
                deliveries[calendar.adding(businessDays: 1, to: e), default: []].append((entry, answer))
            }
        }
        if credit > 0 { statementLines[e, default: []].append((166, credit, "ACH SETTLEMENT NORTHWIND MFG AUTOPAY")) }
    }

    /// The bank's answers of `day` take effect in the truth (the job reads them that night, before it writes its file).
    public mutating func answer(on day: Day) {
        for (entry, answer) in deliveries[day] ?? [] {
            guard let customer = customers.first(where: { $0.id == entry.customerID }) else { continue }
            switch answer {
            case .settle: break
            case let .returned(code):
                returnDays.append((day, code))
                switch code {
                case "R01", "R09":
                    let made = presentments[entry.invoiceID]?.count ?? 1
                    if made < 3 { retryDue[entry.invoiceID] = calendar.adding(businessDays: AutopayMonth.retryAfterDays, to: day) } else { givenUp.insert(entry.invoiceID) }
                case "R02", "R03", "R04": blocked[customer.mandateID] = "suspended"; givenUp.insert(entry.invoiceID)
                case "R08": blocked[customer.mandateID] = "stopped"; givenUp.insert(entry.invoiceID)
                default: blocked[customer.mandateID] = "revoked"; givenUp.insert(entry.invoiceID)
                }
            case let .change(code, corrected):
                var fix = corrections[customer.mandateID] ?? (nil, nil, nil)
                switch code {
                case "C01": fix.account = corrected
                case "C02": fix.routing = corrected
                case "C05": fix.type = corrected
                default: break
                }
                corrections[customer.mandateID] = fix
            }
        }
    }

    /// Each mandate's status as the truth has it: `active`, `suspended`, `stopped` or `revoked`.
    public var statuses: [String: String] { Dictionary(customers.map { ($0.mandateID, blocked[$0.mandateID] ?? "active") }, uniquingKeysWith: { a, _ in a }) }

    /// Invoices whose last presentment settled (they close without a person), and those given up (they stay open).
    public var settledInvoices: Set<String> { settled }
    public var givenUpInvoices: Set<String> { givenUp }

    /// The company's debits and returns in the 60 days to `day`: (debits, unauthorized, administrative, all returns).
    public func rates(asOf day: Day) -> (debits: Int, unauthorized: Int, administrative: Int, overall: Int) {
        let from = day.adding(days: -59)
        let debits = debitDays.filter { $0 >= from && $0 <= day }.count
        let returns = returnDays.filter { $0.day >= from && $0.day <= day }
        return (debits, returns.filter { ["R05", "R07", "R10", "R11", "R29", "R51"].contains($0.code) }.count,
                returns.filter { ["R02", "R03", "R04"].contains($0.code) }.count, returns.count)
    }

    // MARK: the bank's files

    /// What the bank delivers on `day` into `folder/bank/<day>/`: the day's statement and the file of returns and
    /// notices (when any came).
    public mutating func writeBankFiles(on day: Day, in folder: String) throws {
        let items = deliveries[day] ?? []
        var lines = statementLines[day] ?? []
        let returned = items.filter { if case .returned = $0.answer { return true } else { return false } }
        let returnedCents = returned.reduce(Int64(0)) { $0 + $1.sent.cents }
        if returnedCents > 0 { lines.append((557, returnedCents, "ACH RETURN ITEMS NORTHWIND MFG")) }
        let place = "\(folder)/bank/\(day)"
        // A statement every business day, as a bank sends them (one with nothing on it too).
        do {
            try PrivateFiles.makeFolder(place)
            let details = lines.enumerated().map { i, line in
                BAI2Writer.Detail(typeCode: line.code, cents: line.cents, reference: "S\(day.description.replacingOccurrences(of: "-", with: ""))\(i + 1)", text: line.text)
            }
            try AtomicFile.write(BAI2Writer.statement(routing: AutopayMonth.sellerRouting, account: AutopayMonth.sellerAccount, day: day, opening: balance,
                                                      details: details), to: place + "/statement.bai")
            balance = BAI2Writer.closing(opening: balance, details: details)
        }
        guard !items.isEmpty else { return }
        try PrivateFiles.makeFolder(place)
        var batches: [NACHAWriter.BatchSpec] = []
        func entries(_ list: [(sent: Sent, answer: Answer)], returns: Bool) -> [NACHAWriter.EntrySpec] {
            list.enumerated().map { i, item in
                let sequence = String(format: "%07d", i + 1)
                let addenda: String
                switch item.answer {
                case let .returned(code):
                    addenda = NACHAGenerator.answerAddenda(type: "99", code: code, original: item.sent.trace, rdfi: item.sent.routing, information: "",
                                                           trace: "09100001" + sequence)
                case let .change(code, corrected):
                    addenda = NACHAGenerator.answerAddenda(type: "98", code: code, original: item.sent.trace, rdfi: item.sent.routing, information: corrected,
                                                           trace: "09100001" + sequence)
                case .settle:
                    addenda = ""
                }
                let savings = (30...39).contains(item.sent.transactionCode)
                return NACHAWriter.EntrySpec(transactionCode: savings ? 36 : 26, receivingRouting: AutopayMonth.sellerRouting, accountNumber: AutopayMonth.sellerAccount,
                                             amountCents: returns ? item.sent.cents : 0, identificationNumber: item.sent.customerID,
                                             receiverName: "NORTHWIND MFG", rawAddenda: [addenda])
            }
        }
        if !returned.isEmpty {
            batches.append(NACHAWriter.BatchSpec(serviceClassCode: 200, companyName: "NORTHWIND MFG", companyIdentification: AutopayMonth.companyID,
                                                 standardEntryClass: .ccd, entryDescription: "AUTOPAY", effectiveEntryDay: day, originatingDFI: "09100001",
                                                 entries: entries(returned, returns: true)))
        }
        let changes = items.filter { if case .change = $0.answer { return true } else { return false } }
        if !changes.isEmpty {
            batches.append(NACHAWriter.BatchSpec(serviceClassCode: 200, companyName: "NORTHWIND MFG", companyIdentification: AutopayMonth.companyID,
                                                 standardEntryClass: .cor, entryDescription: "AUTOPAY", effectiveEntryDay: day, originatingDFI: "09100001",
                                                 entries: entries(changes, returns: false)))
        }
        try AtomicFile.write(NACHAWriter().write(file: NACHAWriter.FileSpec(immediateDestination: AutopayMonth.sellerRouting, immediateOrigin: " 091000019",
                                                                             creationDay: day, destinationName: "ODFI", originName: "FEDERAL RESERVE"),
                                                  batches: batches), to: place + "/answers.ach")
    }
}
