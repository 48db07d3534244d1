import Foundation

/// Paths the tests use, derived from this file's location: the package root, Samples/, and the shared corpus beside the package.
public enum TestPaths {
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        fatalError("cannot find Package.swift above \(#filePath)")
    }()

    public static var samples: String { packageRoot + "/Samples" }
    public static var jobs: String { packageRoot + "/Jobs" }
    /// `../shared/corpus` beside the package root; nil when absent (tests that need it then say they skip).
    public static var corpus: String? {
        let path = URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared/corpus").standardized.path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// A new empty folder for one test, inside this test process's own folder, which goes when the process exits
    /// (a run killed by a signal leaves it; the next process of the same pid clears it first).
    public static func temporaryDirectory(_ name: String = "settle-test") -> String {
        let path = processFolder + "/\(name)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private static let processFolder: String = {
        let path = NSTemporaryDirectory() + "/settle-tests-\(getpid())"
        try? FileManager.default.removeItem(atPath: path)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestPaths.processFolder) }
        return path
    }()
}
