import Foundation
import Glibc

/// Records a PulseAudio sink's monitor with `parec` and timestamps every chunk as it arrives, so the moment a
/// sample reached the sink can be told on the same monotonic clock the presses are timed on.
final class Capture: @unchecked Sendable {
    let rate = 48000
    private let process = Process()
    private let lock = NSLock()
    /// Left channel, as floats.
    private var left: [Float] = []
    /// (arrival time ns, frames received by then).
    private var arrivals: [(time: UInt64, frames: Int)] = []

    init(monitor: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/parec")
        process.arguments = ["-d", monitor, "--raw", "--format=s16le", "--rate=\(rate)", "--channels=2",
                             "--latency-msec=1"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let fd = pipe.fileHandleForReading.fileDescriptor
        left.reserveCapacity(rate * 600)
        let thread = Thread { [self] in readLoop(fd) }
        thread.start()
    }

    func stop() { process.terminate() }

    private func readLoop(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var carry: [UInt8] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            let now = nowNanoseconds()
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
            carry.append(contentsOf: buffer[0 ..< n])
            let frames = carry.count / 4
            guard frames > 0 else { continue }
            var values = [Float](repeating: 0, count: frames)
            carry.withUnsafeBytes { raw in
                for f in 0 ..< frames {
                    let v = Int16(littleEndian: raw.loadUnaligned(fromByteOffset: f * 4, as: Int16.self))
                    values[f] = Float(v) / 32768
                }
            }
            carry.removeFirst(frames * 4)
            lock.lock()
            left.append(contentsOf: values)
            arrivals.append((now, left.count))
            lock.unlock()
        }
    }

    /// When the first sample at or above `threshold` after `pressedAt` reached the sink, in ns after the
    /// press; nil if none within `timeout` seconds.
    func onset(after pressedAt: UInt64, threshold: Float, below: Bool = false, timeout: Double = 2) -> UInt64? {
        let deadline = nowNanoseconds() + UInt64(timeout * 1e9)
        var start: Int?
        var scanned = 0
        while nowNanoseconds() < deadline {
            lock.lock()
            if start == nil, let first = arrivals.firstIndex(where: { $0.time >= pressedAt }) {
                let a = arrivals[first]
                let back = Int(Double(a.time - pressedAt) * Double(rate) / 1e9)
                let floor = first > 0 ? arrivals[first - 1].frames : 0
                start = max(floor - 1, a.frames - back, 0)
                scanned = start!
            }
            if let s = start {
                while scanned < left.count {
                    if below ? abs(left[scanned]) < threshold : abs(left[scanned]) >= threshold {
                        let at = scanned
                        let a = arrivals.first(where: { $0.frames > at })!
                        lock.unlock()
                        let t = a.time - UInt64(Double(a.frames - 1 - at) * 1e9 / Double(rate))
                        _ = s
                        return t > pressedAt ? t - pressedAt : 0
                    }
                    scanned += 1
                }
            }
            lock.unlock()
            usleep(1000)
        }
        return nil
    }

    /// Typical spacing of parec's deliveries (ms), which bounds the timing resolution.
    func medianChunkMilliseconds() -> Double {
        lock.lock(); defer { lock.unlock() }
        guard arrivals.count > 2 else { return 0 }
        var d: [Double] = []
        for i in 1 ..< arrivals.count { d.append(Double(arrivals[i].frames - arrivals[i - 1].frames) * 1000 / Double(rate)) }
        d.sort()
        return d[d.count / 2]
    }
}

func nowNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func sleepMilliseconds(_ ms: Double) { usleep(useconds_t(ms * 1000)) }

/// Percentile by nearest rank.
func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let s = values.sorted()
    let rank = Int((p / 100 * Double(s.count)).rounded(.up)) - 1
    return s[min(max(rank, 0), s.count - 1)]
}
