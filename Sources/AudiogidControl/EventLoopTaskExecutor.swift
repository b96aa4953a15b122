import AudiogidKiosk
import NIOCore

/// Runs a task's jobs on one event loop: a command a connection hands the kiosk runs, and resumes once
/// its play-log rows are written, on the connection's own loop thread. Not on Swift's cooperative pool,
/// which a front end (or a test) may be holding with blocking calls of its own.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}
