import Accounting

/// A decision as a reviewer gives it (`settle exceptions resolve`, or a row of `import`), before it is checked.
public struct ReviewRequest: Sendable {
    public var exceptionID: String
    public var kind: ReviewDecisionKind
    /// `--apply INVOICE=AMOUNT`, as typed.
    public var applications: [(invoiceID: String, amount: String)]
    public var note: String
    public var by: String
    public var approvedBy: String

    public init(exceptionID: String, kind: ReviewDecisionKind, applications: [(invoiceID: String, amount: String)] = [], note: String, by: String,
                approvedBy: String = "") {
        self.exceptionID = exceptionID
        self.kind = kind
        self.applications = applications
        self.note = note
        self.by = by
        self.approvedBy = approvedBy
    }
}
