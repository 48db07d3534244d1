import Core
import Foundation
import Ledger
import Pipeline

/// `settle ledger`: the books as they stand, checked and exported.
extension Command {
    static let ledger = Command(
        group: "ledger",
        overview: ["balance|entries|verify|export --ledger PATH | migrate --from FILE --to URL --entity NAME"],
        description: """
            balance: account balances (debit positive) from every posting; entries: the journal in posting order;
            verify: recomputes the trial balance and every invoice's open amount from the postings and checks that every
            entry balances; export: the whole journal as CSV, an hledger journal or a Beancount ledger; migrate: copies a SQLite
            ledger into an entity of a PostgreSQL ledger and checks both sides agree.
            """,
        exitStatuses: [
            .init(0, means: "done (verify: the ledger is consistent; migrate: both sides agree)"),
            .init(1, means: "verify found a difference (migrate: the two sides differ)"),
            .init(2, means: "usage error"), .init(3, means: "the ledger could not be read"),
        ],
        subcommands: [ledgerBalance, ledgerEntries, ledgerVerify, ledgerExport, ledgerMigrate])

    static let ledgerBalance = Command(
        "balance",
        usage: ["--ledger PATH|URL [--entity NAME] [--account CODE] [--customer ID] [--as-of YYYY-MM-DD] [--by-customer] [--json]"],
        description: "Account balances (debit positive) from every posting, one a line: the account, its name, the balance and its currency.",
        options: [
            .ledger,
            .entity,
            .value("account", "CODE", "only this account"),
            .value("customer", "ID", "only this customer's postings (a line per account)"),
            .value("as-of", "DAY", "only postings effective on or before this day"),
            .flag("by-customer", "a line per account and customer"),
            .flag("json", "print the balances as JSON"),
        ]
    ) { settle, args in try settle.ledgerBalance(args) }

    static let ledgerEntries = Command(
        "entries",
        usage: ["--ledger PATH|URL [--entity NAME] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--limit N]"],
        description: "The journal in posting order: each entry (id, effective day, kind, revision, source key, memo) and its postings.",
        options: [
            .ledger,
            .entity,
            .value("from", "DAY", "only entries effective on or after this day"),
            .value("to", "DAY", "only entries effective on or before this day"),
            .value("limit", "N", "at most N entries"),
        ]
    ) { settle, args in try settle.ledgerEntries(args) }

    static let ledgerVerify = Command(
        "verify",
        usage: ["--ledger PATH|URL [--entity NAME]"],
        description: """
            Recomputes the trial balance and every invoice's open amount from the postings and checks that every entry
            balances, that every open amount and account movement agrees with its postings, that every open amount keeps its
            document's sign and that every row names rows that exist; prints each difference found, then a summary.
            """,
        options: [.ledger, .entity]
    ) { settle, args in try settle.ledgerVerify(args) }

    static let ledgerExport = Command(
        "export",
        usage: ["--ledger PATH|URL [--entity NAME] --format csv|hledger|beancount [--output FILE]"],
        description: "The whole journal as CSV, an hledger journal or a Beancount ledger.",
        options: [
            .ledger,
            .entity,
            .value("format", "F", "csv, hledger or beancount"),
            .value("output", "FILE", "write it to FILE (replaced whole, never half-written) instead of standard output"),
        ]
    ) { settle, args in try settle.ledgerExport(args) }

    static let ledgerMigrate = Command(
        "migrate",
        usage: ["--from FILE --to URL --entity NAME"],
        description: """
            Copies every row of a SQLite ledger into one entity of a PostgreSQL ledger (made when missing), in one
            transaction, then verifies both sides and compares their balances per account, customer and currency. Running it
            again copies nothing twice: rows already there stay, kept rows that changed since (open amounts, exceptions'
            statuses) are brought up to date. An entity that has run on PostgreSQL since is refused.
            """,
        options: [
            .value("from", "FILE", "the SQLite ledger to copy", required: true),
            .value("to", "URL", "the PostgreSQL ledger (postgresql://...; no password in it)", required: true),
            .value("entity", "NAME", "the entity the rows go into", required: true),
        ]
    ) { settle, args in try settle.ledgerMigrate(args) }
}

extension Settle {
    func ledgerBalance(_ args: ParsedArguments) throws -> Int32 {
        let (account, customer, asOf) = (args.value("account"), args.value("customer"), try day(args.value("as-of"), option: "as-of"))
        let byCustomer = args.flag("by-customer") || customer != nil
        let rows = if let postgreSQL = try openPostgreSQLReader(args) {
            try postgreSQL.balances(account: account, customer: customer, asOf: asOf, byCustomer: byCustomer)
        } else {
            try openReader(args.ledgerPath).balances(account: account, customer: customer, asOf: asOf, byCustomer: byCustomer)
        }
        if args.flag("json") {
            console.out(JSONValue.array(rows.map { .object([("account", .string($0.account)), ("name", .string($0.accountName)),
                                                             ("customer_id", $0.customerID.map { .string($0) } ?? .null),
                                                             ("currency", .string($0.balance.currency.code)), ("balance", .number($0.balance.description))]) }).rendered())
        } else {
            for r in rows {
                let who = r.customerID.map { "  \($0)" } ?? ""
                console.out("\(r.account.padding(10))\(r.accountName.padding(36))\(MoneyFormat.grouped(r.balance.minorUnits, exponent: r.balance.currency.exponent).leftPadding(18)) \(r.balance.currency.code)\(who)")
            }
        }
        return 0
    }

    func ledgerEntries(_ args: ParsedArguments) throws -> Int32 {
        var limit: Int?
        if let l = args.value("limit") {
            guard let n = Int(l), n > 0 else { throw UsageError(.invalidValue, "--limit must be a positive number") }
            limit = n
        }
        let (from, to) = (try day(args.value("from"), option: "from"), try day(args.value("to"), option: "to"))
        let entries = if let postgreSQL = try openPostgreSQLReader(args) {
            try postgreSQL.entries(from: from, to: to, limit: limit)
        } else {
            try openReader(args.ledgerPath).entries(from: from, to: to, limit: limit)
        }
        for e in entries {
            console.out("#\(e.entryID) \(e.effectiveDay) \(e.kind.rawValue) r\(e.revision) \(e.sourceKey)  \(e.memo)")
            for p in e.postings {
                let detail = [p.customerID, p.invoiceID].compactMap { $0 }.joined(separator: " ")
                console.out("    \(p.account.padding(10))\(MoneyFormat.grouped(p.amount.minorUnits, exponent: p.amount.currency.exponent).leftPadding(16)) \(p.amount.currency.code)  \(detail)")
            }
        }
        return 0
    }

    func ledgerVerify(_ args: ParsedArguments) throws -> Int32 {
        let report = if let postgreSQL = try openPostgreSQLReader(args) { try postgreSQL.verify() } else { try openReader(args.ledgerPath).verify() }
        printVerification(report)
        return report.isClean ? 0 : 1
    }

    /// What `ledger verify` prints of a report: each difference, then a summary line.
    func printVerification(_ report: VerificationReport, prefix: String = "") {
        let console = PrefixedLines(console: console, prefix: prefix)
        for u in report.unbalancedEntries { console.out("entry \(u.entryID) (\(u.sourceKey)) does not balance in \(u.currency): off by \(u.sum)") }
        for (currency, sum) in report.trialBalance.sorted(by: { $0.key < $1.key }) where sum != 0 { console.out("trial balance in \(currency) is off by \(sum)") }
        for m in report.invoiceMismatches { console.out("invoice \(m.invoiceID): stored open amount \(m.stored) but postings say \(m.recomputed)") }
        for problem in report.integrityProblems { console.out("integrity: \(problem)") }
        for m in report.accountDayMismatches { console.out("account movement of \(m)") }
        for o in report.openAmountsPastTheirSign {
            let exponent = Currency.iso(o.currency)?.exponent ?? 2
            let (amount, open) = (MoneyFormat.plain(o.amount, exponent: exponent), MoneyFormat.plain(o.open, exponent: exponent))
            console.out("invoice \(o.invoiceID): open amount \(open) \(o.currency) is not between \(o.amount < 0 ? "\(amount) and 0" : "0 and \(amount)"), "
                        + "its \(o.amount < 0 ? "credit memo's" : "document's") amount")
        }
        let tb = report.trialBalance.sorted(by: { $0.key < $1.key }).map { "\($0.key) \($0.value == 0 ? "0" : String($0.value))" }.joined(separator: ", ")
        console.out("\(report.entryCount) entries, \(report.postingCount) postings, \(report.invoiceCount) invoices; trial balance \(tb.isEmpty ? "empty" : tb); " +
                    (report.isClean ? "every entry balances, every open amount and account movement agrees with its postings, every open amount keeps its document's sign, every row names rows that exist"
                                    : "DIFFERENCES FOUND"))
    }

    func ledgerExport(_ args: ParsedArguments) throws -> Int32 {
        guard let formatText = args.value("format") else { throw UsageError(.missingOption, "ledger export needs --format csv, hledger or beancount") }
        guard let format = JournalExport.Format(rawValue: formatText) else { throw UsageError(.invalidValue, "--format: '\(formatText)' is not csv, hledger or beancount") }
        let text: String
        if let postgreSQL = try openPostgreSQLReader(args) {
            text = JournalExport.render(try postgreSQL.entries(), accounts: try postgreSQL.accounts(), format: format)
        } else {
            let reader = try openReader(args.ledgerPath)
            text = JournalExport.render(try reader.entries(), accounts: try reader.accounts(), format: format)
        }
        if let output = args.value("output") {
            try AtomicFile.write(text, to: output)
        } else {
            console.out(String(text.dropLast()))
        }
        return 0
    }
}
