import Foundation

/// The modes of what settle creates (CONTRACT: files 0600 in folders 0700, for they hold account numbers and
/// amounts). Given at creation (open(2), mkdir(2)), not left to the process's umask: a library caller (a test, a
/// scheduler's own program) gets them too. Files and folders that were there already keep theirs.
public enum PrivateFiles {
    public static let fileMode: mode_t = 0o600
    public static let folderMode: mode_t = 0o700

    /// Makes `path` and whichever of its parents are missing, each with `folderMode`; a folder already there is left
    /// as it is.
    public static func makeFolder(_ path: String) throws {
        guard !path.isEmpty else { return }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            if isFolder.boolValue { return }
            throw AtomicFile.WriteError(path: path, reason: "it is a file, not a folder")
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeFolder(parent) }
        // Another process may make it between the look and the mkdir: that is as good.
        if mkdir(path, folderMode) != 0 && errno != EEXIST {
            throw AtomicFile.WriteError(path: path, reason: "cannot create the folder: \(String(cString: strerror(errno)))")
        }
    }

    /// Creates `path` empty with `fileMode` when it does not exist (for a file another library then opens with its own
    /// default mode, such as SQLite's database); an existing file is left as it is.
    public static func createFileIfMissing(_ path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        if fd >= 0 { close(fd) }
    }
}
