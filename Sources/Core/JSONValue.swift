/// A JSON value written with keys in the order given, so output is byte-for-byte reproducible.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    /// A number written exactly as given (decimal money text, for instance).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

    /// The value at a path of object keys (`value["cash", "receipts"]`), nil when a key is missing.
    public subscript(_ path: String...) -> JSONValue? {
        var current: JSONValue = self
        for key in path {
            guard case let .object(fields) = current, let next = fields.first(where: { $0.0 == key })?.1 else { return nil }
            current = next
        }
        return current
    }

    /// The value as text: a string, a number as written, an integer in decimal.
    public var text: String {
        switch self {
        case let .string(s), let .number(s): return s
        case let .integer(i): return String(i)
        case let .bool(b): return b ? "true" : "false"
        case .null: return ""
        case .array, .object: return rendered(pretty: false)
        }
    }

    public func rendered(indent: Int = 0, pretty: Bool = true) -> String {
        var out = ""
        write(into: &out, indent: indent, pretty: pretty)
        return out
    }

    private func write(into out: inout String, indent: Int, pretty: Bool) {
        let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let closePad = pretty ? String(repeating: "  ", count: indent) : ""
        let newline = pretty ? "\n" : ""
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .integer(i): out += String(i)
        case let .number(n): out += n
        case let .string(s): JSONValue.escape(s, into: &out)
        case let .array(items):
            if items.isEmpty { out += "[]"; return }
            out += "[" + newline
            for (i, item) in items.enumerated() {
                out += pad
                item.write(into: &out, indent: indent + 1, pretty: pretty)
                out += (i < items.count - 1 ? "," : "") + newline
            }
            out += closePad + "]"
        case let .object(fields):
            if fields.isEmpty { out += "{}"; return }
            out += "{" + newline
            for (i, (key, value)) in fields.enumerated() {
                out += pad
                JSONValue.escape(key, into: &out)
                out += pretty ? ": " : ":"
                value.write(into: &out, indent: indent + 1, pretty: pretty)
                out += (i < fields.count - 1 ? "," : "") + newline
            }
            out += closePad + "}"
        }
    }

    public static func escape(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

/// RFC 4180 output: a field is quoted when it holds a delimiter, a quote, a line break or edge spaces.
/// Rows end with LF, what the spreadsheet and ERP importers we feed accept.
public enum CSVWriter {
    /// Whether a field must be quoted: it holds a comma, a quote or a line break, or begins or ends with a space.
    /// Decided over UTF-8 bytes (the characters that matter are ASCII): a report has a million fields.
    static func needsQuotes(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last else { return false }
        if first == 0x20 || last == 0x20 { return true }
        for b in utf8 where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 0x0A || b == 0x0D { return true }
        return false
    }

    /// A free-text cell (a name, memo, message, suggestion or note: never an id or an amount) that a spreadsheet
    /// would read as a formula — it begins with `=`, `+`, `-`, `@`, a tab or a carriage return — is neutralized as
    /// OWASP recommends: a single quote before it.
    public static func text(_ value: String) -> String {
        guard let first = value.utf8.first else { return value }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return "'" + value
        default: return value
        }
    }

    public static func field(_ text: String) -> String {
        guard needsQuotes(text) else { return text }
        return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
    }

    /// One record, its line break included, appended to `out` without intermediate strings.
    public static func append(_ fields: [String], to out: inout String) {
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(",") }
            if needsQuotes(f) { out.append(field(f)) } else { out.append(f) }
        }
        out.append("\n")
    }

    public static func row(_ fields: [String]) -> String {
        var out = ""
        append(fields, to: &out)
        return out
    }
}

extension String {
    public func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
