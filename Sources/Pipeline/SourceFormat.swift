/// The input formats a source may declare.
public enum SourceFormat: String, Sendable, CaseIterable {
    case nacha, bai2, camt052, camt053, camt054, csv
}
