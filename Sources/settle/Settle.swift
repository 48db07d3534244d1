import Accounting
import Core
import Foundation
import Ledger
import Pipeline

/// The `settle` command line (CONTRACT.md): finds the command a command line names in `Settle.commands`, checks its
/// options against that command's table and runs it.
struct Settle {
    static let version = "0.1.0"

    /// Every command, in the order `settle --help` lists them.
    static let commands: [Command] = [.run, .validate, .exceptions, .advice, .archive, .period, .ledger, .originate, .origination]

    static let about = """
        settle — nightly settlement and reconciliation: ACH files and bank statements in, cash applied to invoices,
        a balanced ledger and reports out.
        """

    static let exitStatuses: [Command.ExitStatus] = [
        .init(0, means: "done, every input accepted, the books tie to the bank"), .init(1, means: "done, some input rejected"),
        .init(2, means: "usage or manifest error"), .init(3, means: "the run could not finish"),
        .init(4, means: "done, but the books do not tie to a statement (BANK_DIFFERENCE)"), .init(75, means: "another run holds the lock"),
    ]

    /// `settle --help`.
    static var usage: String { HelpText.overview(commands, about: about, exitStatuses: exitStatuses) }

    let console: Console

    /// Runs the command line (without the program's name); the exit code.
    func run(_ arguments: [String]) async -> Int32 {
        guard let name = arguments.first else {
            console.err(Settle.usage)
            return ExitCode.usage.rawValue
        }
        do {
            switch name {
            case "--help", "-h", "help":
                console.out(Settle.usage)
                return 0
            case "--version":
                console.out("settle \(Settle.version)")
                return 0
            default:
                guard let command = Settle.commands.first(where: { $0.name == name }) else {
                    let names = Settle.commands.map(\.name)
                    throw UsageError(.unknownCommand, "unknown command '\(name)'\(Settle.didYouMean(name, among: names)) (expected \(Settle.list(names)); see settle --help)")
                }
                return try await dispatch(command, Array(arguments.dropFirst()))
            }
        } catch let error as UsageError {
            console.err("settle: \(error.message)")
            return ExitCode.usage.rawValue
        } catch let error as ManifestError {
            console.err("settle: \(error.message)")
            return ExitCode.usage.rawValue
        } catch {
            console.err("settle: \(error)")
            return ExitCode.failed.rawValue
        }
    }

    /// Runs a command, or the subcommand a group's command line names; with `--help`, prints the help of what it names.
    func dispatch(_ command: Command, _ raw: [String]) async throws -> Int32 {
        let help = ParsedArguments.asksForHelp(raw)
        guard command.isGroup else {
            if help { console.out(HelpText.command(command, path: [command.name], exitStatuses: command.exitStatuses)); return 0 }
            return try await perform(command, path: [command.name], raw)
        }
        if raw.isEmpty {
            console.out(HelpText.group(command))
            return ExitCode.usage.rawValue
        }
        let names = command.subcommands.map(\.name)
        let found = ParsedArguments.firstArgumentIndex(raw, valueOptions: command.valueOptionNames)
        guard let index = found, let subcommand = command.subcommand(raw[index]) else {
            if help { console.out(HelpText.group(command)); return 0 }
            guard let index = found else {
                throw UsageError(.unknownCommand, "\(command.name) needs one of \(Settle.list(names))")
            }
            let given = raw[index]
            throw UsageError(.unknownCommand, "\(command.name): unknown subcommand '\(given)'\(Settle.didYouMean(given, among: names)) (expected \(Settle.list(names)))")
        }
        let path = [command.name, subcommand.name]
        if help { console.out(HelpText.command(subcommand, path: path, exitStatuses: command.exitStatuses)); return 0 }
        var rest = raw
        rest.remove(at: index)
        return try await perform(subcommand, path: path, rest)
    }

    /// Checks the command line against the command's table (its options, the ones it needs, whether it takes
    /// arguments) and runs the command.
    func perform(_ command: Command, path: [String], _ raw: [String]) async throws -> Int32 {
        let args = try ParsedArguments(raw, options: command.options, commandPath: path)
        for option in command.options where option.required && args.value(option.name) == nil {
            throw UsageError(.missingOption, "\(path[0]) needs \(option.label)")
        }
        if !command.takesArguments, let extra = args.positionals.first {
            throw UsageError(.wrongArguments, "\(path.joined(separator: " ")) takes no arguments, got '\(extra)'")
        }
        if command.options.contains(where: { $0.name == "ledger" }), let ledger = args.value("ledger") {
            try Settle.checkLedger(ledger, postgreSQL: command.options.contains { $0.name == "entity" })
        }
        guard let action = command.action else { preconditionFailure("\(path.joined(separator: " ")) has neither an action nor subcommands") }
        return try await action(self, args)
    }

    /// An option's day: nil if not given; not a date is a usage error.
    func day(_ text: String?, option: String) throws(UsageError) -> Day? {
        guard let text else { return nil }
        return try parseDay(text, what: "--\(option)")
    }

    /// A day given on the command line (`what` names where, for the message).
    func parseDay(_ text: String, what: String) throws(UsageError) -> Day {
        guard let day = Day.parse(text, format: .iso) else { throw UsageError(.invalidValue, "\(what): '\(text)' is not a YYYY-MM-DD date") }
        return day
    }

    /// `--ledger`: a file, or for a command that reads PostgreSQL (one taking `--entity`) a URL. Another command does
    /// not open a URL (exit 3, printed redacted); a URL carrying a password is refused outright (exit 2), its text never
    /// repeated.
    static func checkLedger(_ text: String, postgreSQL: Bool = false) throws {
        let location: LedgerLocation
        do {
            location = try LedgerLocation.parse(text)
        } catch {
            throw UsageError(.invalidValue, "--ledger: \(error.description)")
        }
        if case let .postgresql(address) = location, !postgreSQL {
            throw LedgerError("\(address.redacted) is a PostgreSQL database, which this command does not read; give it a SQLite ledger")
        }
    }

    /// The books `--ledger` names (and `--entity` on a PostgreSQL ledger), and the ledger as messages name it (a URL
    /// redacted).
    func openView(_ args: ParsedArguments) throws -> (view: any LedgerReading, display: String) {
        if let postgreSQL = try openPostgreSQLReader(args) {
            return (postgreSQL, postgreSQL.address.redacted + (args.value("entity").map { " (entity \($0))" } ?? ""))
        }
        return (try openReader(args.ledgerPath), args.ledgerPath)
    }

    func openReader(_ path: String) throws -> SQLiteLedgerReader {
        guard FileManager.default.fileExists(atPath: path) else { throw LedgerError("no ledger at \(path)") }
        // A ledger of an older schema is migrated first (in one transaction, every row kept), so reading it works.
        try SQLiteMigrations(path: path).migrateIfOlder()
        return try SQLiteLedgerReader(path: path)
    }

    /// Who is deciding, when --by does not say: the login name, else the account's name.
    static func loginName(environment env: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let user = env["USER"] ?? env["LOGNAME"], !user.isEmpty { return user }
        if let name = getlogin() { return String(cString: name) }
        // The account's own name from the system (no USER, no terminal: a scheduler, a container).
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "unknown"
    }

    /// The ledger's id for a customer given on the command line (case aside); one it does not know is a usage error
    /// naming the nearest ids, never a quiet "nothing".
    func knownCustomer(_ given: String, option: String, reader: any LedgerReading, ledger: String) async throws -> String {
        let known = try await reader.customerIDs()
        if let exact = known.first(where: { $0 == given }) ?? known.first(where: { $0.uppercased() == given.uppercased() }) { return exact }
        let near = ReviewRules.nearest(given, among: known)
        throw UsageError(.invalidValue, "\(option)no customer '\(given)' in \(ledger)" + (near.isEmpty ? "" : " (the nearest: \(near.joined(separator: ", ")))"))
    }

    /// `a, b or c`.
    static func list(_ names: [String]) -> String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }

    /// `: did you mean X?` naming the nearest of `known` (prefixed, as `--` for options), or nothing if none is near.
    /// Only names that begin as the given one does: three edits make a short word into almost any other (`frob`, `show`).
    static func didYouMean(_ given: String, among known: [String], prefix: String = "") -> String {
        let near = ReviewRules.nearest(given, among: known.filter { $0.first?.lowercased() == given.first?.lowercased() })
        return near.isEmpty ? "" : ": did you mean \(near.map { prefix + $0 }.joined(separator: ", "))?"
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
    func leftPadding(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
