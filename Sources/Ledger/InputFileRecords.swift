import Accounting
import Core

/// The input files the ledger took in, by content (SHA-256): a file already taken is not processed again, and
/// `settle archive verify` reads each one's archive back. Files are recorded with the day that took them, in the
/// day's transaction (`DayEffects.files`).
public protocol InputFileRecords: Sendable {
    /// The file with this content, if the ledger took it in before.
    func ingestedFile(sha256: String) async throws -> IngestedFile?
    /// The files runs of a day took, with their archives (all days when nil), by name.
    func ingestedFiles(day: Day?) async throws -> [IngestedFile]
}
