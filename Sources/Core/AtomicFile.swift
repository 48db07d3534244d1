import Foundation

/// Writes a file so that a reader sees the old content or the new, never half of either: the bytes go to a temporary
/// file beside it, which is flushed to disk (fsync) and renamed over the target; the folder is flushed too, so the
/// rename itself survives a crash.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    public static func write(_ bytes: [UInt8], to path: String, durable: Bool = true) throws {
        let sink = try FileSink(path: path)
        do {
            try sink.write(bytes)
            try sink.finish(durable: durable)
            try sink.publish()
        } catch {
            sink.discard()
            throw error
        }
        if durable { FileSink.syncFolder((path as NSString).deletingLastPathComponent) }
    }

    public static func write(_ text: String, to path: String, durable: Bool = true) throws {
        try write(Array(text.utf8), to: path, durable: durable)
    }
}

/// A file being written under a temporary name beside its final one: text goes in as it is made (a report of a
/// million rows is never held whole), then it is finished (flushed to disk) and published (renamed into place) — or
/// discarded, leaving nothing. A reader of the final name sees the old file or the new, never part of one. The file is
/// created with `PrivateFiles.fileMode` (0600), which the rename keeps.
public final class FileSink: @unchecked Sendable {
    /// How much text a `TextBuffer` gathers before handing it over.
    public static let chunk = 1 << 20
    /// The final name (`retarget` may change it before the file is published).
    public private(set) var path: String
    public let temporary: String
    private var fd: Int32

    /// `tag` tells two temporary files of one final name apart (`journal.csv.tmp<tag>-<pid>`).
    public init(path: String, tag: String = "") throws {
        self.path = path
        temporary = path + ".tmp\(tag)-\(getpid())"
        FileSink.removeAbandoned(beside: path)
        fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, PrivateFiles.fileMode)
        guard fd >= 0 else { throw AtomicFile.WriteError(path: temporary, reason: String(cString: strerror(errno))) }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Removes the temporary files of `path` that a process no longer running left (`NAME.tmp<tag>-<pid>`, killed
    /// before it could publish or discard them: kill -9, a power cut); those of a live process are its own.
    public static func removeAbandoned(beside path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        let prefix = (path as NSString).lastPathComponent + ".tmp"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let dash = name.lastIndex(of: "-"), let pid = Int32(name[name.index(after: dash)...]), pid > 0, pid != getpid() else { continue }
            // No such process (not merely one we may not signal).
            if kill(pid, 0) != 0 && errno == ESRCH { unlink((folder.isEmpty ? "" : folder + "/") + name) }
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        guard fd >= 0 else { throw AtomicFile.WriteError(path: path, reason: "written after it was finished") }
        var failure: String?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let n = Foundation.write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += n
            }
        }
        if let failure { throw AtomicFile.WriteError(path: temporary, reason: failure) }
    }

    /// Flushes the file to disk and closes it.
    public func finish(durable: Bool = true) throws {
        guard fd >= 0 else { return }
        let failed = durable && fsync(fd) != 0
        let reason = failed ? String(cString: strerror(errno)) : ""
        close(fd)
        fd = -1
        if failed { throw AtomicFile.WriteError(path: temporary, reason: reason) }
    }

    /// Gives the file another final name, known only once it was written (a worklist page made ahead of its number).
    public func retarget(to path: String) {
        self.path = path
    }

    /// Renames the finished file into place.
    public func publish() throws {
        try finish()
        guard rename(temporary, path) == 0 else { throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Removes the temporary file: nothing of it stays.
    public func discard() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        unlink(temporary)
    }

    /// Flushes a folder's entries to disk (after renames into it).
    public static func syncFolder(_ folder: String) {
        let dirfd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
    }
}
