/// How much a problem in an input matters.
public enum Severity: Int, Comparable, Sendable, CustomStringConvertible, Codable {
    /// Recorded, nothing to do (an exception such as a file the bank sent twice, not taken again).
    case info = -1
    /// Recorded; the input is used as it is.
    case warning = 0
    /// This record, entry or batch is rejected; the rest of the file goes on.
    case error = 1
    /// The file can't be trusted (control totals disagree, it is not the format at all); it is rejected whole.
    case fatal = 2

    public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .info: return "info"
        case .warning: return "warning"
        case .error: return "error"
        case .fatal: return "fatal"
        }
    }
}

/// A problem found in an input: a stable code, its severity, where it is, which field, and what was expected.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// A stable identifier such as `nacha.entry-hash`; it can grow without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }
        public var description: String { rawValue }
    }

    public var code: Code
    public var severity: Severity
    public var location: SourceLocation
    public var field: String?
    public var message: String
    public var expected: String?
    public var found: String?

    public init(code: Code, severity: Severity, location: SourceLocation, field: String? = nil, message: String,
                expected: String? = nil, found: String? = nil) {
        self.code = code
        self.severity = severity
        self.location = location
        self.field = field
        self.message = message
        self.expected = expected
        self.found = found
    }

    /// `FILE:LINE:COL: severity: message` — the form `settle validate` prints.
    public var description: String {
        var text = "\(location): \(severity): "
        if let field { text += "\(field): " }
        text += message
        if let expected, let found { text += " (expected \(expected), found \(found))" }
        text += " [\(code)]"
        return text
    }
}

/// A capped list of diagnostics: a parser keeps going after a problem, but a broken file must not fill memory.
public struct DiagnosticList: Sendable {
    public private(set) var items: [Diagnostic] = []
    public private(set) var droppedCount = 0
    public private(set) var worst: Severity?
    public let capacity: Int

    public init(capacity: Int = 1000) { self.capacity = capacity }

    public mutating func append(_ diagnostic: Diagnostic) {
        if worst.map({ diagnostic.severity > $0 }) ?? true { worst = diagnostic.severity }
        if items.count < capacity { items.append(diagnostic) } else { droppedCount += 1 }
    }

    public var hasErrors: Bool { (worst ?? .warning) >= .error }
    public var isFatal: Bool { worst == .fatal }
    public var count: Int { items.count + droppedCount }
}
