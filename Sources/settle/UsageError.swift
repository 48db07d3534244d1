/// A command line settle cannot act on: an unknown command or option, an option without its value, a value that is
/// not what the option takes, a wrong number of arguments. Printed as `settle: MESSAGE` on standard error, exit 2
/// (CONTRACT). A manifest that cannot be used is a `ManifestError` instead: that is the job's file, not the command line.
struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of mistake it is: a code that can grow without breaking a `switch` elsewhere.
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case unknownCommand, unknownOption, missingValue, valueNotTaken, missingOption, invalidValue, conflictingOptions
            case wrongArguments, unreadableFile
        }

        private let kind: Kind

        /// A command or subcommand settle does not have.
        static let unknownCommand = Code(kind: .unknownCommand)
        /// An option the command does not take.
        static let unknownOption = Code(kind: .unknownOption)
        /// An option that takes a value, given none.
        static let missingValue = Code(kind: .missingValue)
        /// A flag given a value (`--json=yes`).
        static let valueNotTaken = Code(kind: .valueNotTaken)
        /// An option the command cannot do without (`--ledger PATH`).
        static let missingOption = Code(kind: .missingOption)
        /// A value the option cannot take (a day that is not a date, a format settle does not read, an unknown type).
        static let invalidValue = Code(kind: .invalidValue)
        /// Options that exclude each other, or that go together and were not given together.
        static let conflictingOptions = Code(kind: .conflictingOptions)
        /// Too many or too few arguments (a MANIFEST, an ID, a FILE).
        static let wrongArguments = Code(kind: .wrongArguments)
        /// A file named on the command line that cannot be read as what the command expects.
        static let unreadableFile = Code(kind: .unreadableFile)

        var description: String { kind.rawValue }
    }

    let code: Code
    /// What is wrong and how to put it right, in one line.
    let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { message }
}
