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

    /// Whether standard error (or output) is a terminal (a captured console is not).
    func isTerminal(error: Bool) -> Bool { echo && isatty(error ? STDERR_FILENO : STDOUT_FILENO) == 1 }

    /// The live progress line on standard error: replaced in place; nil clears it.
    func progress(_ text: String?) {
        guard echo else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + (text ?? "")).utf8))
    }

    var standardOutput: String { captured.withLock { $0.out } }
    var standardError: String { captured.withLock { $0.err } }
}
