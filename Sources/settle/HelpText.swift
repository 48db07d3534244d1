/// The `--help` texts, laid out from the commands' tables (`Command`): usage lines, the options in two aligned
/// columns, the exit codes.
enum HelpText {
    /// Generated lines are wrapped to this many columns.
    static let width = 116

    /// `settle --help`: what settle is, each command's usage line, the exit codes.
    static func overview(_ commands: [Command], about: String, exitStatuses: [Command.ExitStatus]) -> String {
        var lines = [about, "", "Usage:"]
        for command in commands {
            // A group without a line of its own is listed by its subcommands' lines.
            let listed = command.isGroup && command.usage.isEmpty ? command.subcommands.map { ("\(command.name) \($0.name)", $0.usage) } : [(command.name, command.usage)]
            for (words, usage) in listed { lines += usageLines(indent: "  ", words: "settle \(words)", usage: usage) }
        }
        lines += ["", "Run `settle COMMAND --help` for a command's options."]
        lines += exitCodeLines(exitStatuses)
        return lines.joined(separator: "\n")
    }

    /// A group's help (`settle exceptions --help`): every subcommand's usage, the group's description, its exit codes.
    static func group(_ group: Command) -> String {
        let nameWidth = group.subcommands.map(\.name.count).max() ?? 0
        var lines = ["Usage:"]
        for subcommand in group.subcommands {
            let name = subcommand.name + String(repeating: " ", count: nameWidth - subcommand.name.count)
            lines += usageLines(indent: "  ", words: "settle \(group.name) \(name)", usage: subcommand.usage)
        }
        lines += ["", wrapped(group.description), ""]
        lines += exitCodeLines(group.exitStatuses)
        return lines.joined(separator: "\n")
    }

    /// A command's help (`settle run --help`, `settle exceptions list --help`): its usage, description, options and
    /// exit codes (a subcommand's are its group's).
    static func command(_ command: Command, path: [String], exitStatuses: [Command.ExitStatus]) -> String {
        var lines = usageLines(indent: "Usage: ", words: (["settle"] + path).joined(separator: " "), usage: command.usage)
        lines += ["", wrapped(command.description)]
        if !command.options.isEmpty {
            lines += ["", "Options:"] + optionLines(command.options)
        }
        lines += [""] + exitCodeLines(exitStatuses)
        return lines.joined(separator: "\n")
    }

    /// `settle NAME` and the usage after it; continuation lines start under the usage's first column.
    static func usageLines(indent: String, words: String, usage: [String]) -> [String] {
        guard let first = usage.first else { return [indent + words] }
        let hanging = String(repeating: " ", count: indent.count + words.count + 1)
        return ["\(indent)\(words) \(first)"] + usage.dropFirst().map { hanging + $0 }
    }

    /// Each option's label and help line, in two columns; an option without a help line shares the line before it.
    static func optionLines(_ options: [Command.Option]) -> [String] {
        var rows: [(label: String, help: String)] = []
        for option in options {
            if option.help == nil, let last = rows.indices.last {
                rows[last].label += " " + option.label
            } else {
                rows.append((option.label, option.help ?? ""))
            }
        }
        let column = 2 + (rows.map(\.label.count).max() ?? 0) + 2
        return rows.flatMap { row in
            wrap(row.help, width: width - column).enumerated().map { index, text in
                (index == 0 ? "  " + row.label.padding(column - 2) : String(repeating: " ", count: column)) + text
            }
        }
    }

    /// `Exit codes: 0 done; 1 ...; 2 usage error.`, wrapped under its first code.
    static func exitCodeLines(_ statuses: [Command.ExitStatus]) -> [String] {
        let lead = "Exit codes: "
        let text = statuses.map { status in status.codes.map(String.init).joined(separator: " / ") + " " + status.meaning }.joined(separator: "; ") + "."
        return wrap(text, width: width - lead.count).enumerated().map { index, line in
            (index == 0 ? lead : String(repeating: " ", count: lead.count)) + line
        }
    }

    /// The text with each line longer than the help's width wrapped, its continuation lines indented as it is.
    static func wrapped(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line -> [String] in
            guard line.count > width else { return [String(line)] }
            let indent = String(line.prefix { $0 == " " })
            return wrap(String(line.dropFirst(indent.count)), width: width - indent.count).map { indent + $0 }
        }.joined(separator: "\n")
    }

    /// Words into lines of at most `width` characters (a longer word stands alone).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        return lines + (line.isEmpty && !lines.isEmpty ? [] : [line])
    }
}
