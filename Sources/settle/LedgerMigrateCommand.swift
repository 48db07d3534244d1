import Core
import Foundation
import Ledger
import Pipeline

extension Settle {
    /// The reader of a PostgreSQL ledger when `--ledger` is a URL (nil: a file). The entity is `--entity`, or the
    /// ledger's only one; a ledger of several without `--entity` is a usage error naming them.
    func openPostgreSQLReader(_ args: ParsedArguments) throws -> PostgreSQLLedgerReader? {
        guard case let .postgresql(address) = try LedgerLocation.parse(args.ledgerPath) else { return nil }
        do {
            return try PostgreSQLLedgerReader(address: address, entity: try entity(args.value("entity"), of: address))
        } catch let error as PostgreSQLError where error.sqlState.isEmpty {
            throw LedgerError("the ledger \(address.redacted) cannot be reached: \(error.message)")
        }
    }

    private func entity(_ given: String?, of address: LedgerLocation.PostgreSQLAddress) throws -> String {
        if let given { return given }
        let entities = try PostgreSQLLedgerReader.entities(at: address)
        switch entities.count {
        case 1: return entities[0]
        case 0: throw LedgerError("no ledger at \(address.redacted) (it holds no entity)")
        default: throw UsageError(.missingOption, "\(address.redacted) holds \(entities.count) entities (\(entities.joined(separator: ", "))): name one with --entity")
        }
    }

    /// `settle ledger migrate`: the copy, a line per table, then both sides verified and their balances compared.
    func ledgerMigrate(_ args: ParsedArguments) throws -> Int32 {
        let (from, to, entity) = (args.value("from") ?? "", args.value("to") ?? "", args.value("entity") ?? "")
        let location: LedgerLocation
        do {
            location = try LedgerLocation.parse(to)
        } catch {
            throw UsageError(.invalidValue, "--to: \(error.description)")
        }
        guard case let .postgresql(address) = location else {
            throw UsageError(.invalidValue, "--to: '\(to)' is not a PostgreSQL URL (postgresql://HOST/DATABASE or postgresql:///DATABASE?service=NAME)")
        }
        guard !LedgerLocation.isURL(from) else { throw UsageError(.invalidValue, "--from: give the SQLite ledger's file") }
        // The names a manifest's `entity` takes, so the copy is one a job can run.
        if let why = Manifest.entityRefusal(entity) { throw UsageError(.invalidValue, "--entity: \(why)") }
        let copies = try PostgreSQLLedgerCopy.copy(from: from, to: address, entity: entity)
        for copy in copies {
            console.out("\(copy.table.padding(26))\(String(copy.read).leftPadding(10)) read\(String(copy.inserted).leftPadding(10)) new\(String(copy.updated).leftPadding(10)) brought up to date")
        }
        let total = copies.reduce(into: (0, 0, 0)) { $0 = ($0.0 + $1.read, $0.1 + $1.inserted, $0.2 + $1.updated) }
        console.out("\(from) → \(address.redacted) entity \(entity): \(total.0) rows read, \(total.1) new, \(total.2) brought up to date")
        let sqlite = try openReader(from)
        let postgreSQL = try PostgreSQLLedgerReader(address: address, entity: entity)
        let (before, after) = (try sqlite.verify(), try postgreSQL.verify())
        printVerification(before, prefix: "SQLite: ")
        printVerification(after, prefix: "PostgreSQL: ")
        let (left, right) = (try sqlite.balances(byCustomer: true), try postgreSQL.balances(byCustomer: true))
        let differing = Set(left).symmetricDifference(Set(right))
        for balance in differing.sorted(by: { ($0.account, $0.customerID ?? "", $0.balance.currency.code) < ($1.account, $1.customerID ?? "", $1.balance.currency.code) }) {
            let side = Set(left).contains(balance) ? "SQLite" : "PostgreSQL"
            console.out("balance differs: \(side) has \(balance.account) \(balance.customerID ?? "") \(balance.balance)")
        }
        let agree = before.isClean && after.isClean && differing.isEmpty
            && (before.entryCount, before.postingCount, before.invoiceCount) == (after.entryCount, after.postingCount, after.invoiceCount)
        console.out(agree ? "both sides verify and their \(left.count) balances agree" : "THE TWO SIDES DIFFER")
        return agree ? 0 : 1
    }
}

/// The console, each line it is given printed after a prefix.
struct PrefixedLines {
    let console: Console
    let prefix: String

    func out(_ line: String) { console.out(prefix + line) }
}
