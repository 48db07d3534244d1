/// A command line checked against the options one command takes (its `Command.options`): the arguments in order, and
/// the values and flags given. `--name value`, `--name=value` and `--flag`; everything after `--` is an argument.
struct ParsedArguments: Sendable {
    /// The words naming the command (`["exceptions", "list"]`), for messages.
    let commandPath: [String]
    /// The arguments besides the options, in order (a MANIFEST, an ID, FILEs).
    private(set) var positionals: [String] = []
    /// Every value of each option given, in order (`--apply A=1 --apply B=2`).
    private var valuesByName: [String: [String]] = [:]
    private var flags: Set<String> = []
    private let options: [String: Command.Option]

    init(_ raw: [String], options declared: [Command.Option], commandPath: [String]) throws(UsageError) {
        self.commandPath = commandPath
        options = Dictionary(declared.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var index = 0
        while index < raw.count {
            let argument = raw[index]
            index += 1
            if argument == "--" {
                positionals += raw[index...]
                break
            }
            guard argument.hasPrefix("-") && argument.count > 1 else {
                positionals.append(argument)
                continue
            }
            guard argument.hasPrefix("--") else { throw unknownOption(argument) }
            var name = String(argument.dropFirst(2))
            var inline: String?
            if let equals = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let option = options[name] else { throw unknownOption("--" + name) }
            if !option.takesValue {
                if inline != nil { throw UsageError(.valueNotTaken, "option --\(name) takes no value") }
                flags.insert(name)
            } else if let inline {
                valuesByName[name, default: []].append(inline)
            } else {
                guard index < raw.count, !raw[index].hasPrefix("--") else { throw UsageError(.missingValue, "option --\(name) needs a value") }
                valuesByName[name, default: []].append(raw[index])
                index += 1
            }
        }
    }

    /// The error for an option the command does not take: the nearest names it does take, and all of them.
    private func unknownOption(_ given: String) -> UsageError {
        let names = options.keys.sorted()
        var message = "unknown option \(given)"
        if given.hasPrefix("--") { message += Settle.didYouMean(String(given.dropFirst(2)), among: names, prefix: "--") }
        if !names.isEmpty { message += " (this command takes: \(names.map { "--\($0)" }.joined(separator: ", ")))" }
        return UsageError(.unknownOption, message)
    }

    /// The value of an option (the last one, if given more than once); nil if not given.
    func value(_ name: String) -> String? { values(name).last }

    /// Every value of an option given more than once, in order.
    func values(_ name: String) -> [String] {
        precondition(options[name]?.takesValue == true, "\(commandPath.joined(separator: " ")) reads --\(name), which its table does not give a value")
        return valuesByName[name] ?? []
    }

    /// Whether a flag was given.
    func flag(_ name: String) -> Bool {
        precondition(options[name].map { !$0.takesValue } == true, "\(commandPath.joined(separator: " ")) reads the flag --\(name), which its table does not have")
        return flags.contains(name)
    }

    /// Whether the command line asks for help (`--help` or `-h` anywhere before `--`).
    static func asksForHelp(_ raw: [String]) -> Bool {
        raw.prefix { $0 != "--" }.contains { $0 == "--help" || $0 == "-h" }
    }

    /// Where the first argument is that is neither an option nor an option's value (a group's subcommand), given the
    /// names of the options that take a value; nil if there is none.
    static func firstArgumentIndex(_ raw: [String], valueOptions: Set<String>) -> Int? {
        var index = 0
        while index < raw.count {
            let argument = raw[index]
            if argument == "--" { return index + 1 < raw.count ? index + 1 : nil }
            if argument.hasPrefix("--") {
                let name = String(argument.dropFirst(2))
                if valueOptions.contains(name), index + 1 < raw.count, !raw[index + 1].hasPrefix("--") { index += 1 }
            } else if !(argument.hasPrefix("-") && argument.count > 1) {
                return index
            }
            index += 1
        }
        return nil
    }
}

extension ParsedArguments {
    /// `--ledger PATH` of a command whose table requires it (`Command.Option.ledger`): the dispatcher has checked it is given.
    var ledgerPath: String {
        guard let path = value("ledger") else { preconditionFailure("\(commandPath.joined(separator: " ")) reads --ledger, which its table does not require") }
        return path
    }
}
