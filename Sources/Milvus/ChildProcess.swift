import CVitKitSystem
import Foundation
import Glibc
import Synchronization

/// A child process that cannot outlive this one.
///
/// It is started (``CVitKitSystem/csystem_spawn_tied``) from a thread of its own, which then
/// waits for it: the kernel sends the child SIGTERM when that thread ends, and the thread
/// ends only after the child has exited or when this process dies, however it dies.
final class ChildProcess: Sendable {
    enum State: Sendable, Equatable {
        case starting
        case running(pid_t)
        case failed(errno: Int32)
        case exited(String)  // "status 1", "signal 9"
    }

    private let state = Mutex(State.starting)

    /// Starts `executable` with `arguments`, its stdout and stderr written to the open file
    /// `output` (which the caller keeps and closes).
    init(executable: String, arguments: [String], output: Int32) throws {
        let started = DispatchSemaphore(value: 0)
        let argv = [executable] + arguments
        let thread = Thread { [self] in
            var cStrings = argv.map { strdup($0) } + [nil]
            let pid = csystem_spawn_tied(executable, &cStrings, output, SIGTERM)
            let spawnErrno = errno
            for pointer in cStrings { free(pointer) }
            self.state.withLock { $0 = pid > 0 ? .running(pid) : .failed(errno: spawnErrno) }
            started.signal()
            guard pid > 0 else { return }
            // Wait without reaping, mark exited, then reap: kill() never reaches a reused pid.
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
            var status: Int32 = 0
            self.state.withLock { current in
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                let signal = status & 0x7f
                current = .exited(signal == 0 ? "status \((status >> 8) & 0xff)" : "signal \(signal)")
            }
        }
        thread.name = "vitkit-child-\(URL(fileURLWithPath: executable).lastPathComponent)"
        thread.start()
        started.wait()
        if case .failed(let code) = state.withLock({ $0 }) {
            throw MilvusError.milvusLiteFailed(reason: "could not be started: \(String(cString: strerror(code)))", log: "")
        }
    }

    /// The pid while the child runs.
    var pid: pid_t? {
        if case .running(let pid) = state.withLock({ $0 }) { return pid }
        return nil
    }

    /// How the child ended ("status 0", "signal 9"); nil while it runs.
    var exitDescription: String? {
        if case .exited(let how) = state.withLock({ $0 }) { return how }
        return nil
    }

    /// Sends `signal` to the child's process group if it still runs.
    func send(_ signal: Int32) {
        state.withLock { current in
            if case .running(let pid) = current { _ = kill(-pid, signal) }
        }
    }

    /// Waits until the child has exited or `limit` has passed; true if it exited.
    func waitForExit(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while pid != nil {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Sends `signal`, then SIGKILL if the child has not exited after `grace`; waits for the exit.
    func stop(signal: Int32, grace: Duration) async {
        send(signal)
        if await waitForExit(within: grace) { return }
        send(SIGKILL)
        _ = await waitForExit(within: .seconds(10))
    }
}
