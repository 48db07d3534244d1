import Foundation
import Synchronization

/// Where the command writes: standard output and error, or memory (tests).
final class Console: Sendable {
    private let captured = Mutex<(out: String, err: String)>(("", ""))
    let echo: Bool

    init(echo: Bool) { self.echo = echo }

    func out(_ text: String, newline: Bool = true) {
        let line = newline ? text + "\n" : text
        if echo { FileHandle.standardOutput.write(Data(line.utf8)) } else { captured.withLock { $0.out += line } }
    }

    func err(_ text: String) {
        if echo { FileHandle.standardError.write(Data((text + "\n").utf8)) } else { captured.withLock { $0.err += text + "\n" } }
    }

    var standardOutput: String { captured.withLock { $0.out } }
    var standardError: String { captured.withLock { $0.err } }
}
