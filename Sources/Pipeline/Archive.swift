internal import CZlib
import Core
import Foundation

/// The archive of inputs: after a day commits, each input it took is gzip-compressed (zlib) into
/// `ARCHIVE/<day>/<sha-256 prefix>-<name>.gz`, read back and checked against the SHA-256 and size the day's transaction
/// recorded. `settle archive verify` checks them all again; a rerun reads a day's inputs from here when they are no
/// longer at their paths. Files that cannot be read or trusted go to `ARCHIVE/quarantine/<day>/<sha prefix>-<name>`
/// with a `.reason` beside them.
public enum Archive {
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Compresses `source` into `destination` (through `destination.part`, renamed when whole and synced), then reads
    /// the archive back: its content must have `sha256` and `size` (when given). An archive already there and
    /// correct is kept.
    public static func store(_ source: String, to destination: String, sha256: String, size: Int64?) throws {
        if let staged = try stage(source, to: destination, sha256: sha256, size: size) { try place(staged, at: destination) }
    }

    /// The first half of `store`: compresses `source` into `destination.part` and checks it, returning that path
    /// for `place` (nil when a correct archive is there already). A day stages its inputs while its writer posts
    /// and places them once it commits; a staged file of a day that does not commit is removed.
    public static func stage(_ source: String, to destination: String, sha256: String, size: Int64?) throws -> String? {
        let fm = FileManager.default
        if fm.fileExists(atPath: destination), (try? check(destination, sha256: sha256, size: size)) != nil { return nil }
        try PrivateFiles.makeFolder((destination as NSString).deletingLastPathComponent)
        let temporary = destination + ".part"
        try gzip(source, to: temporary)
        do {
            try check(temporary, sha256: sha256, size: size)
        } catch {
            unlink(temporary)
            throw error
        }
        return temporary
    }

    /// The second half of `store`: a staged archive renamed into place, its folder synced.
    public static func place(_ staged: String, at destination: String) throws {
        guard rename(staged, destination) == 0 else { throw Problem(path: destination, reason: String(cString: strerror(errno))) }
        FileSink.syncFolder((destination as NSString).deletingLastPathComponent)
    }

    /// Reads an archive (gzip or plain) and checks its content's SHA-256 and size.
    public static func check(_ path: String, sha256: String, size: Int64?) throws {
        var print: (sha256: String, sizeBytes: Int64)
        do {
            // An archive is one gzip layer over the input's bytes as they came (a gzip input stays gzip inside); an
            // archive of an older settle is a plain copy.
            let layered = InputOpener.isGzip(path: path) ? try? InputOpener.fingerprint(source: try GzipByteSource(path: path, limitBytes: Int.max / 2)) : nil
            if let layered, layered.sha256 == sha256 { print = layered } else { print = try InputOpener.fingerprint(path: path) }
        } catch { throw Problem(path: path, reason: error.message) }
        guard print.sha256 == sha256 else { throw Problem(path: path, reason: "its content has SHA-256 \(print.sha256.prefix(16))…, the ledger recorded \(sha256.prefix(16))…") }
        if let size, print.sizeBytes != size { throw Problem(path: path, reason: "its content is \(print.sizeBytes) bytes, the ledger recorded \(size)") }
    }

    /// Writes an archive's content back as a file (one gzip layer off), for a rerun whose input left its path.
    public static func restore(_ archive: String, to destination: String) throws {
        var source: GzipByteSource
        do { source = try GzipByteSource(path: archive, limitBytes: Int.max / 2) } catch { throw Problem(path: archive, reason: error.message) }
        try PrivateFiles.makeFolder((destination as NSString).deletingLastPathComponent)
        let sink = try FileSink(path: destination)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        do {
            while true {
                let n: Int
                do { n = try source.read(into: &chunk, upTo: chunk.count) } catch { throw Problem(path: archive, reason: error.message) }
                if n == 0 { break }
                try sink.write(Array(chunk[0..<n]))
            }
            try sink.publish()
        } catch {
            sink.discard()
            throw error
        }
    }

    /// A copy of a file that could not be read or trusted, and why, kept for a person.
    public static func quarantine(_ source: String, to destination: String, reason: String) throws {
        let fm = FileManager.default
        try PrivateFiles.makeFolder((destination as NSString).deletingLastPathComponent)
        if !fm.fileExists(atPath: destination) {
            let temporary = destination + ".part"
            if fm.fileExists(atPath: temporary) { try fm.removeItem(atPath: temporary) }
            if fm.fileExists(atPath: source) {
                try fm.copyItem(atPath: source, toPath: temporary)
                // The copy has the source's mode; the quarantine's is the archive's (in a folder of 0700 meanwhile).
                guard chmod(temporary, PrivateFiles.fileMode) == 0 else { throw Problem(path: temporary, reason: String(cString: strerror(errno))) }
                try fm.moveItem(atPath: temporary, toPath: destination)
            }
        }
        try AtomicFile.write(reason + "\n", to: destination + ".reason")
    }

    /// gzip through zlib, a piece at a time.
    static func gzip(_ source: String, to destination: String) throws {
        var input: FileByteSource
        do { input = try FileByteSource(path: source) } catch { throw Problem(path: source, reason: error.message) }
        let sink = try FileSink(path: destination)
        var z = z_stream()
        guard settle_deflate_init_gzip(&z, 6) == Z_OK else { throw Problem(path: destination, reason: "cannot start gzip compression") }
        defer { deflateEnd(&z) }
        var inBuffer = [UInt8](repeating: 0, count: 1 << 16)
        var outBuffer = [UInt8](repeating: 0, count: 1 << 16)
        var done = false
        do {
            while !done {
                let n: Int
                do { n = try input.read(into: &inBuffer, upTo: inBuffer.count) } catch { throw Problem(path: source, reason: error.message) }
                let flush = n == 0 ? Z_FINISH : Z_NO_FLUSH
                var rc: Int32 = Z_OK
                try inBuffer.withUnsafeMutableBufferPointer { inPtr in
                    z.next_in = inPtr.baseAddress
                    z.avail_in = UInt32(n)
                    repeat {
                        let produced: Int = outBuffer.withUnsafeMutableBufferPointer { outPtr in
                            z.next_out = outPtr.baseAddress
                            z.avail_out = UInt32(outPtr.count)
                            rc = deflate(&z, flush)
                            return outPtr.count - Int(z.avail_out)
                        }
                        if rc == Z_STREAM_ERROR { throw Problem(path: destination, reason: "gzip compression failed") }
                        if produced > 0 { try sink.write(Array(outBuffer[0..<produced])) }
                    } while z.avail_out == 0
                }
                if flush == Z_FINISH { done = rc == Z_STREAM_END }
            }
            try sink.finish()
        } catch {
            sink.discard()
            throw error
        }
        guard rename(sink.temporary, destination) == 0 else { throw Problem(path: destination, reason: String(cString: strerror(errno))) }
    }
}

extension Archive {
    /// Where an archived input is now: `root/<day>/<name>`, under `root` (the manifest's `archive` folder, or one given
    /// for a moved archive), by the name it was archived as. Of the path the ledger recorded only its last part is
    /// used, so a copied or moved job folder reads its own archive, never the original's, and no recorded path leads
    /// outside `root`. nil when none was recorded.
    public static func located(_ recorded: String, day: Day, under root: String) -> String? {
        let name = (recorded as NSString).lastPathComponent
        guard !name.isEmpty, name != ".", name != "..", name != "/" else { return nil }
        return "\(root)/\(day)/\(name)"
    }
}
