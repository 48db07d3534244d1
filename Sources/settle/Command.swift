/// One command of the command line (CONTRACT.md), described once: its `--help` text and what its parser accepts are
/// both made from this value, so the help cannot list an option the command refuses or miss one it takes.
///
/// A command either does the work (`action`) or groups subcommands (`exceptions list`, `ledger verify`); a group's
/// help lists its subcommands' usage, a subcommand's help its own usage and options.
struct Command: Sendable {
    /// An option: `--name VALUE` or a flag `--name`.
    struct Option: Sendable {
        let name: String
        /// The value's placeholder in the help (`DAY`, `PATH`); nil for a flag.
        let value: String?
        /// The help line; nil when the option is described with the one listed before it (`--from DAY --to DAY`).
        let help: String?
        /// Whether the command refuses to run without it.
        let required: Bool

        var takesValue: Bool { value != nil }

        /// How the option is written in the help: `--day DAY`, `--json`.
        var label: String { "--\(name)" + (value.map { " \($0)" } ?? "") }

        static func value(_ name: String, _ placeholder: String, _ help: String?, required: Bool = false) -> Option {
            Option(name: name, value: placeholder, help: help, required: required)
        }

        static func flag(_ name: String, _ help: String?) -> Option {
            Option(name: name, value: nil, help: help, required: false)
        }

        /// The ledger the command reads or writes (every command but `run` and `validate` needs one).
        static let ledger = value("ledger", "PATH", "the ledger: its SQLite file, or a PostgreSQL URL (with --entity when it holds several)", required: true)

        /// The entity of a PostgreSQL ledger the command reads.
        static let entity = value("entity", "NAME", "the entity, on a PostgreSQL ledger (needed when it holds more than one)")

        /// Why a person decides, reopens or closes (the command refuses an empty one itself).
        static let note = value("note", "TEXT", "why (required)")

        /// Who reopens an exception or a period.
        static let reopenedBy = value("by", "NAME", "who reopens it (default: your login name)")
    }

    /// What an exit code means for this command.
    struct ExitStatus: Sendable {
        let codes: [Int32]
        let meaning: String

        init(_ codes: Int32..., means meaning: String) {
            self.codes = codes
            self.meaning = meaning
        }
    }

    /// The work of a command, given its checked arguments; returns the exit code.
    typealias Action = @Sendable (Settle, ParsedArguments) async throws -> Int32

    /// The word that names it after `settle` (or after its group's name).
    let name: String
    /// Its usage after `settle NAME`: the first line, then continuation lines. A group's is its line in
    /// `settle --help` (empty: its subcommands' usage lines there).
    let usage: [String]
    /// What it does, as the help prints it (a line longer than the help's width is wrapped).
    let description: String
    let options: [Option]
    /// Empty for a subcommand: its group's apply.
    let exitStatuses: [ExitStatus]
    /// Whether it takes arguments besides its options (a MANIFEST, an ID, FILEs); if not, one given is a usage error.
    let takesArguments: Bool
    let subcommands: [Command]
    let action: Action?

    /// A command that does the work.
    init(_ name: String, usage: [String], description: String, options: [Option], exitStatuses: [ExitStatus] = [],
         takesArguments: Bool = false, action: @escaping Action) {
        self.name = name
        self.usage = usage
        self.description = description
        self.options = options
        self.exitStatuses = exitStatuses
        self.takesArguments = takesArguments
        self.subcommands = []
        self.action = action
    }

    /// A group of subcommands (`settle exceptions list|show|...`).
    init(group name: String, overview: [String] = [], description: String, exitStatuses: [ExitStatus], subcommands: [Command]) {
        self.name = name
        self.usage = overview
        self.description = description
        self.options = []
        self.exitStatuses = exitStatuses
        self.takesArguments = true
        self.subcommands = subcommands
        self.action = nil
    }

    var isGroup: Bool { !subcommands.isEmpty }

    func subcommand(_ name: String) -> Command? { subcommands.first { $0.name == name } }

    func option(_ name: String) -> Option? { options.first { $0.name == name } }

    /// The names of the options that take a value in any of a group's subcommands (to tell a value from the
    /// subcommand's name before knowing which subcommand it is).
    var valueOptionNames: Set<String> {
        Set((isGroup ? subcommands.flatMap(\.options) : options).filter(\.takesValue).map(\.name))
    }
}
