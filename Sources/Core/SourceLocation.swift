import Synchronization

/// A file name, interned: a small number that copies without reference counting, so the millions of locations
/// a large input produces cost nothing to carry around.
public struct SourceFile: Hashable, Sendable {
    let id: UInt32

    public init(_ name: String) { id = SourceFile.table.withLock { $0.number(name) } }

    public var name: String { SourceFile.table.withLock { $0[id] } }

    static let table = Mutex(TextTable())
}

/// Texts by number: each distinct text once, numbered in the order first seen (a handful of names repeated a
/// million times cost four bytes each where they are kept).
public struct TextTable: Sendable {
    public private(set) var texts: [String] = []
    private var numbers: [String: UInt32] = [:]

    public init() {}

    /// The number of `text` (added when new).
    public mutating func number(_ text: String) -> UInt32 {
        if let n = numbers[text] { return n }
        let n = UInt32(texts.count)
        texts.append(text)
        numbers[text] = n
        return n
    }

    public subscript(number: UInt32) -> String { texts[Int(number)] }
}

/// Where in an input something was found: file, 1-based line and column, and byte offset,
/// so a reviewer can open the exact record.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var sourceFile: SourceFile
    public var line: Int
    public var column: Int
    public var byteOffset: Int

    public init(file: String, line: Int, column: Int = 1, byteOffset: Int = 0) {
        self.init(sourceFile: SourceFile(file), line: line, column: column, byteOffset: byteOffset)
    }

    public init(sourceFile: SourceFile, line: Int, column: Int = 1, byteOffset: Int = 0) {
        self.sourceFile = sourceFile
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
    }

    public var file: String {
        get { sourceFile.name }
        set { sourceFile = SourceFile(newValue) }
    }

    /// `FILE:LINE:COL`.
    public var description: String { "\(file):\(line):\(column)" }

    /// `FILE:LINE`, the form the exceptions report uses.
    public var fileAndLine: String { "\(file):\(line)" }

    /// A location written as `FILE:LINE` (as reports and the ledger store it); line 0 when there is no number.
    public static func parse(fileAndLine text: String) -> SourceLocation {
        guard let colon = text.lastIndex(of: ":"), let line = Int(text[text.index(after: colon)...]) else { return SourceLocation(file: text, line: 0) }
        return SourceLocation(file: String(text[..<colon]), line: line)
    }
}
