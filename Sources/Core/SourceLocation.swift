/// Where in an input something was found: file, 1-based line and column, and byte offset,
/// so a reviewer can open the exact record.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var byteOffset: Int

    public init(file: String, line: Int, column: Int = 1, byteOffset: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
    }

    /// `FILE:LINE:COL`.
    public var description: String { "\(file):\(line):\(column)" }

    /// `FILE:LINE`, the form the exceptions report uses.
    public var fileAndLine: String { "\(file):\(line)" }
}
