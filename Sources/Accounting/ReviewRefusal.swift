/// Why a reviewer's decision was refused (exit 2): what is wrong, named.
public struct ReviewRefusal: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
