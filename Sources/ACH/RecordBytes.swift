import Core

/// The 94 bytes of one NACHA record, stored inline (no allocation). Record types keep these and read their fields
/// on demand, so reading a million entries makes strings only for the fields someone asks for.
public struct RecordBytes: Sendable, Hashable {
    var storage: InlineArray<94, UInt8>

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        storage = InlineArray(repeating: 0)
        withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[0..<94])) }
    }

    public static func == (a: RecordBytes, b: RecordBytes) -> Bool {
        withUnsafeBytes(of: a.storage) { x in withUnsafeBytes(of: b.storage) { y in x.elementsEqual(y) } }
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: storage) { hasher.combine(bytes: $0) }
    }

    @inline(__always)
    func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        withUnsafeBytes(of: storage) { body($0.assumingMemoryBound(to: UInt8.self)) }
    }

    func number(_ field: NACHAField) -> Int64? { withBytes { ByteScanning.digits($0, field.range) } }
    func text(_ field: NACHAField) -> String { withBytes { ByteScanning.trimmedText($0, field.range) } }
    func raw(_ field: NACHAField) -> String { withBytes { String(decoding: UnsafeBufferPointer(rebasing: $0[field.range]), as: UTF8.self) } }

    /// The whole record as text (94 characters).
    public var text: String { withBytes { String(decoding: $0, as: UTF8.self) } }
}
