import Pipeline

/// A command line split into positionals and `--name value` / `--flag` options, checked against what a command accepts.
struct Arguments {
    var positionals: [String] = []
    var values: [String: String] = [:]
    /// Every value of an option given more than once (`--apply A=1 --apply B=2`), in order.
    var lists: [String: [String]] = [:]
    var flags: Set<String> = []

    /// `valueOptions` take a value; `flagOptions` do not. Anything else starting with `--` is an error.
    init(_ raw: [String], valueOptions: Set<String>, flagOptions: Set<String>) throws(ManifestError) {
        var i = 0
        while i < raw.count {
            let arg = raw[i]
            if arg == "--" {
                positionals += raw[(i + 1)...]
                break
            }
            if arg.hasPrefix("--") {
                var name = String(arg.dropFirst(2))
                var inline: String?
                if let eq = name.firstIndex(of: "=") {
                    inline = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
                if valueOptions.contains(name) {
                    if let inline {
                        values[name] = inline
                    } else {
                        guard i + 1 < raw.count, !raw[i + 1].hasPrefix("--") else { throw ManifestError("option --\(name) needs a value") }
                        values[name] = raw[i + 1]
                        i += 1
                    }
                    lists[name, default: []].append(values[name] ?? "")
                } else if flagOptions.contains(name) {
                    if inline != nil { throw ManifestError("option --\(name) takes no value") }
                    flags.insert(name)
                } else {
                    let known = (valueOptions.union(flagOptions)).sorted().map { "--\($0)" }.joined(separator: ", ")
                    throw ManifestError("unknown option --\(name)" + (known.isEmpty ? "" : " (this command takes: \(known))"))
                }
            } else if arg.hasPrefix("-") && arg.count > 1 && arg != "-h" {
                throw ManifestError("unknown option \(arg)")
            } else {
                positionals.append(arg)
            }
            i += 1
        }
    }
}
