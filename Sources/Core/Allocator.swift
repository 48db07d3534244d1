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

    private static let configured: Bool = mallopt(-3, mappedBlockBytes, unlessSetBy: "MALLOC_MMAP_THRESHOLD_") // M_MMAP_THRESHOLD

    /// One heap for every thread (glibc's `M_ARENA_MAX` 1, unless `MALLOC_ARENA_MAX` in the environment chose):
    /// for a process whose threads take turns more than they contend, so that what one thread frees another reuses
    /// instead of each growing a heap of its own (`settle originate` at 100,000 mandates: 262-294 MB at its peak
    /// without it, under 250 MB with it). Not for `settle run`, whose threads work at once. Call it before the second
    /// thread allocates.
    public static func shareOneHeap() { _ = mallopt(-8, 1, unlessSetBy: "MALLOC_ARENA_MAX") } // M_ARENA_MAX

    /// glibc's `mallopt(parameter, value)` (malloc.h's constants, which the Glibc module leaves out), unless the
    /// environment variable that sets the same chose already; whether it took.
    private static func mallopt(_ parameter: Int32, _ value: Int32, unlessSetBy variable: String) -> Bool {
        #if canImport(Glibc)
        guard ProcessInfo.processInfo.environment[variable] == nil,
              let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        return unsafeBitCast(symbol, to: Mallopt.self)(parameter, value) == 1
        #else
        return false
        #endif
    }

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

    /// Starts a thread that hands freed memory back to the system until the returner is stopped (or let go): glibc's
    /// `malloc_trim(0)`, which returns every whole free page of every heap, every `interval` while it finds some to
    /// return, less often (up to eight times `interval`) while it finds none. A day's stages free hundreds of megabytes
    /// of short-lived rows between long-lived ones (receipts, decisions): the pages left partly used stay, the free ones
    /// otherwise stayed too. Measured on a day of a million receipts, three runs each way (9aba8b1): peak RSS
    /// 1.68-1.73 GB without, 1.64-1.65 GB with (about 3%), the time within the noise; every 250 ms gave 1.63 GB but
    /// cost 0.5-1.5 s (a trim holds a heap's lock while it walks it). Asking first how much is free (`mallinfo2`) cost
    /// more than trimming: it walks every free block too, 60 ms a call at the day's peak.
    ///
    /// The runner starts one for a run and stops it when the run ends; a library never does. Nil where glibc's
    /// `malloc_trim` is missing.
    public static func startReturningFreedMemory(every interval: Duration = .milliseconds(500)) -> FreedMemoryReturner? {
        guard let trim = trimFunction else { return nil }
        return FreedMemoryReturner(every: interval, trim: trim)
    }

    /// A share of the process's one returner: started by the first run that takes a share, stopped when the last share
    /// is released. A process running many days at once (the test suite runs dozens side by side) has one returner,
    /// not one a run: each of those trimmed every heap of the process every half second while the other runs faulted
    /// the pages back in, and the suite spent ten times its own CPU in the kernel (a CI run of 2,500 s instead of 400).
    public static func shareFreedMemoryReturner() -> FreedMemoryShare? {
        FreedMemoryShares.process.take()
    }

    /// Returns the free pages of every heap now (after a step that let go of much: cash application's shards, a
    /// stage's inputs), rather than at the returner's next turn, when the next step may have been built beside them.
    public static func returnFreedMemoryNow() {
        _ = trimFunction?(0)
    }

    typealias Trim = @convention(c) (Int) -> Int32
    private static let trimFunction: Trim? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
        #else
        return nil
        #endif
    }()

    /// The process's resident set in bytes (`/proc/self/statm`), nil where there is none.
    public static func residentBytes() -> Int? {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 127) }
        guard count > 0 else { return nil }
        // "size resident shared ...": the second field, in pages.
        let fields = buffer[0..<count].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
