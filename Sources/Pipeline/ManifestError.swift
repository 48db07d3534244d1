/// A problem with the manifest or the command line: exit code 2.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
