import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How the C allocator serves a run. A day of a million receipts allocates arrays of many megabytes that live a few
/// seconds each (chunks of rows for the writer, sort keys, shards' decisions); glibc's default serves blocks under a
/// threshold that climbs to 32 MB from its heaps, where freed space is kept and, spread over the heaps of several
/// threads, not reused: the resident set ended 600 MB above what was in use. Blocks from `mappedBlockBytes` up are
/// mapped on their own and go back to the system when freed (measured on a day of a million receipts: peak RSS
/// 2.61 → 2.20 GB, time within the noise).
public enum Allocator {
    public static let mappedBlockBytes: Int32 = 256 * 1024

    /// Sets the threshold once per process, unless `MALLOC_MMAP_THRESHOLD_` in the environment chose one.
    public static func mapLargeBlocks() { _ = configured }

    private static let configured: Bool = {
        #if canImport(Glibc)
        guard ProcessInfo.processInfo.environment["MALLOC_MMAP_THRESHOLD_"] == nil,
              let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mmapThreshold: Int32 = -3 // M_MMAP_THRESHOLD (malloc.h, which the Glibc module leaves out)
        return unsafeBitCast(symbol, to: Mallopt.self)(mmapThreshold, mappedBlockBytes) == 1
        #else
        return false
        #endif
    }()

    /// Bytes the allocator has handed out and not had back (glibc's `mallinfo2`, read on x86-64; nil elsewhere):
    /// what `SETTLE_TRACE=1` prints beside the resident set, which also holds what was freed and not returned.
    public static func bytesInUse() -> Int? {
        #if canImport(Glibc) && arch(x86_64)
        // mallinfo2 returns a struct of ten size_t: on x86-64 through a pointer the caller passes first.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallinfo2") else { return nil }
        typealias Mallinfo2 = @convention(c) (UnsafeMutableRawPointer) -> Void
        var fields = [Int](repeating: 0, count: 10)
        fields.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { unsafeBitCast(symbol, to: Mallinfo2.self)(base) }
        }
        return fields[4] + fields[7] // uordblks (in use in the heaps) + hblkhd (mapped on their own)
        #else
        return nil
        #endif
    }
}
