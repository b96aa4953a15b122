import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program a test started and lets run: a daemon, a client, a simulator. Its output goes to files (a pipe
/// could fill and block it); its exit is an event (`Process.terminationHandler`) a test waits for with a
/// deadline, never a sleep. Async tests wait by suspending, so the cooperative pool's two threads on a
/// two-core machine stay free for other tests' work; plain callers block only their own thread.
public final class RunningProgram: @unchecked Sendable {
    public let process = Process()
    private let folder: URL
    private let outURL: URL
    private let errURL: URL
    private let exit = OneTimeEvent()

    public init(_ program: URL, _ arguments: [String], environment: [String: String] = [:],
                in directory: URL = BuiltTool.packageRoot) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-program-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        outURL = folder.appendingPathComponent("stdout")
        errURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = program
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = Self.neutralEnvironment.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        let exit = exit
        process.terminationHandler = { _ in exit.fire() }
        try process.run()
    }

    /// The runner's environment in a neutral locale: the CLI speaks the staff's language, so a developer's Russian
    /// `LANG` would turn every English expectation false. A test that wants a language sets it.
    static var neutralEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["LANGUAGE", "LC_ALL", "LC_MESSAGES"] { environment[name] = nil }
        environment["LANG"] = "C.UTF-8"
        return environment
    }

    /// The built `audiogid` with `arguments`, from the repository folder.
    public convenience init(audiogid arguments: [String], environment: [String: String] = [:]) throws {
        try self.init(BuiltTool.executable, arguments, environment: environment)
    }

    deinit {
        if !exit.fired { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: folder)
    }

    public var stdout: String { String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self) }
    public var stderr: String { String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self) }
    public var hasExited: Bool { exit.fired }

    /// Waits for the program to exit by itself; its status, or nil if it is still running after `seconds`.
    public func exited(within seconds: Double) async -> Int32? {
        await exit.wait(seconds: seconds) ? process.terminationStatus : nil
    }

    /// `exited(within:)` for a caller on its own thread.
    public func exitedBlocking(within seconds: Double) -> Int32? {
        exit.waitBlocking(seconds: seconds) ? process.terminationStatus : nil
    }

    /// Lets the program end by itself within `seconds`; past that it is sent SIGTERM, then SIGKILL, so a hung
    /// program fails the test that expected it to end instead of hanging it. Returns the exit status.
    @discardableResult
    public func finish(within seconds: Double = 30) async -> Int32 {
        if let status = await exited(within: seconds) { return status }
        return await stop(SIGTERM)
    }

    /// Sends `signal` and waits for the exit (SIGKILL after 10 s if the program ignores it).
    @discardableResult
    public func stop(_ signal: Int32 = SIGTERM) async -> Int32 {
        if !exit.fired { kill(process.processIdentifier, signal) }
        if let status = await exited(within: 10) { return status }
        kill(process.processIdentifier, SIGKILL)
        _ = await exited(within: 10)
        return process.terminationStatus
    }

    /// `stop` for a caller on its own thread.
    @discardableResult
    public func stopBlocking(_ signal: Int32 = SIGTERM) -> Int32 {
        if !exit.fired { kill(process.processIdentifier, signal) }
        if let status = exitedBlocking(within: 10) { return status }
        kill(process.processIdentifier, SIGKILL)
        _ = exitedBlocking(within: 10)
        return process.terminationStatus
    }

    /// Waits until what the program wrote to stderr satisfies `condition`, for at most `seconds`. The file is
    /// read every 20 ms between suspensions; true as soon as it holds, false at the deadline or if the program
    /// exited without ever writing it.
    public func stderr(within seconds: Double = 10, until condition: (String) -> Bool) async -> Bool {
        await Wait.until(seconds) {
            if condition(stderr) { return true }
            return exit.fired ? condition(stderr) : false
        }
    }

    /// Waits until stderr contains `text`.
    public func stderr(within seconds: Double = 10, contains text: String) async -> Bool {
        await stderr(within: seconds) { $0.contains(text) }
    }
}

/// Deadline-bounded waits on a condition another party makes true. The condition is checked between short
/// suspensions (`Task.sleep`), which hold no thread: this is a poll with a deadline, never a fixed sleep.
public enum Wait {
    /// True as soon as `condition` holds; false if it still does not after `seconds`.
    public static func until(_ seconds: Double = 5, every interval: Duration = .milliseconds(20),
                             _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: interval)
        }
        return try await condition()
    }
}

/// A one-shot event: fired once (from any thread), awaited by any number of tasks or threads with a deadline.
public final class OneTimeEvent: @unchecked Sendable {
    private let condition = NSCondition()
    private var isFired = false
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]

    public init() {}

    public var fired: Bool { condition.withLock { isFired } }

    public func fire() {
        let waiting = condition.withLock {
            isFired = true
            condition.broadcast()
            defer { waiters = [:] }
            return Array(waiters.values)
        }
        for waiter in waiting { waiter.resume() }
    }

    /// True once fired; false if `seconds` pass first.
    public func wait(seconds: Double) async -> Bool {
        if fired { return true }
        let id = UUID()
        var timer: Task<Void, Never>?
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let already = condition.withLock {
                if isFired { return true }
                waiters[id] = continuation
                return false
            }
            if already {
                continuation.resume()
            } else {
                // The timer and the event race; whichever comes first resumes the one continuation.
                timer = Task { [self] in
                    try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                    resume(id)
                }
            }
        }
        timer?.cancel()
        return fired
    }

    /// True once fired; false if `seconds` pass first. Blocks the calling thread.
    public func waitBlocking(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        return condition.withLock {
            while !isFired { if !condition.wait(until: deadline) { return isFired } }
            return true
        }
    }

    private func resume(_ id: UUID) {
        let waiter = condition.withLock { waiters.removeValue(forKey: id) }
        waiter?.resume()
    }
}
