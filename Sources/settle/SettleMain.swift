import Core
import Dispatch
import Foundation
import Pipeline

@main
struct SettleMain {
    static func main() async {
        // Files and folders settle makes are given 0600 and 0700 where they are made; the umask catches whatever else
        // the process creates (CONTRACT: they hold account numbers and amounts).
        umask(0o077)
        // `settle originate` hands work between its threads in turn: one heap keeps its peak down (before any thread
        // allocates).
        if CommandLine.arguments.dropFirst().first == "originate" { Allocator.shareOneHeap() }
        // SIGINT and SIGTERM cancel the command's task tree: the day in flight rolls back, the message says which days
        // finished, and the exit code is 130 or 143. A second signal ends the process at once.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let received = Signals()
        let work = Task { await Settle(console: Console(echo: true)).run(Array(CommandLine.arguments.dropFirst())) }
        let sources = installStopSignals(received: received) { work.cancel() }
        var code = await work.value
        if let signal = received.first, code == ExitCode.interrupted.rawValue || code == ExitCode.failed.rawValue || work.isCancelled {
            code = signal.rawValue
        }
        withExtendedLifetime(sources) {}
        exit(code)
    }
}

/// Watches SIGINT and SIGTERM on a dispatch queue (not the main actor: the handlers run off it).
nonisolated func installStopSignals(received: Signals, cancel: @escaping @Sendable () -> Void) -> [DispatchSourceSignal] {
    var sources: [DispatchSourceSignal] = []
    for (number, code) in [(SIGINT, ExitCode.interrupted), (SIGTERM, ExitCode.terminated)] {
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { @Sendable in
            if received.record(code) > 1 { exit(code.rawValue) }
            cancel()
        }
        source.resume()
        sources.append(source)
    }
    return sources
}

/// The stop signals received, counted.
final class Signals: @unchecked Sendable {
    private let lock = NSLock()
    private var codes: [ExitCode] = []

    /// Records a signal; how many were received so far.
    func record(_ code: ExitCode) -> Int {
        lock.lock()
        defer { lock.unlock() }
        codes.append(code)
        return codes.count
    }

    var first: ExitCode? {
        lock.lock()
        defer { lock.unlock() }
        return codes.first
    }
}
