// Route solver benchmark: `swift run -c release route-benchmark [--ortools] [--repeat N] [--only a,b]`
// (or Benchmarks/route-benchmark.sh, which also runs OR-Tools).
//
// Per instance: tour length, gap to the known optimum (TSPLIB) or ratio to OR-Tools given the same matrix
// and the same time limit, and solve time (median of --repeat runs). Memory: peak resident set of the process.
import AudiogidRoute
import Foundation

struct Instance {
    var name: String
    var matrix: CostMatrix
    var optimum: Double?
    /// The target this size must meet; OR-Tools gets the same limit.
    var timeLimit: Double
}

let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
let runOrTools = arguments.contains("--ortools")
let repeats = Int(option("--repeat") ?? "") ?? 3
let only = option("--only").map { Set($0.split(separator: ",").map(String.init)) }
let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let tsplibFolder = URL(fileURLWithPath: option("--tsplib") ?? here.appendingPathComponent("tsplib").path)

let optima: [(String, Double)] = [
    ("eil51", 426), ("berlin52", 7542), ("st70", 675), ("eil76", 538), ("gr96", 55209), ("kroA100", 21282),
    ("ch130", 6110), ("gr202", 40160), ("a280", 2579), ("pcb442", 50778), ("pr1002", 259045),
]

/// Uniform random points in a 1,000,000-unit square, EUC_2D-rounded so OR-Tools sees the same integers.
func randomInstance(_ n: Int, seed: UInt64) -> CostMatrix {
    var state = seed
    func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
    let points = (0..<n).map { _ in (next() * 1_000_000, next() * 1_000_000) }
    return CostMatrix(count: n) { i, j in
        let dx = points[i].0 - points[j].0, dy = points[i].1 - points[j].1
        return (dx * dx + dy * dy).squareRoot().rounded()
    }
}

var instances: [(name: String, make: () throws -> Instance)] = []
for size in [10, 16] {
    instances.append(("random\(size)", { Instance(name: "random\(size)", matrix: randomInstance(size, seed: UInt64(size)), optimum: nil, timeLimit: 0.1) }))
}
for (name, optimum) in optima {
    instances.append((name, {
        let text = try String(contentsOf: tsplibFolder.appendingPathComponent("\(name).tsp"), encoding: .utf8)
        let tsp = try TSPLIBInstance(text: text)
        return Instance(name: name, matrix: tsp.matrix, optimum: optimum, timeLimit: tsp.count > 500 ? 2 : 1)
    }))
}
for size in [100, 1000, 5000] {
    instances.append(("random\(size)", {
        Instance(name: "random\(size)", matrix: randomInstance(size, seed: UInt64(size)), optimum: nil,
                 timeLimit: size >= 5000 ? 20 : (size >= 1000 ? 2 : 1))
    }))
}

func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024   // Linux reports KiB
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

struct Row {
    var name: String
    var n: Int
    var length: Double
    var optimum: Double?
    var seconds: Double
    var method: OrderMethod
    var kicks: Int
    var timeLimit: Double
    var orTools: Double? = nil
    var orToolsStatus = ""
}

var rows: [Row] = []
let work = FileManager.default.temporaryDirectory.appendingPathComponent("route-benchmark-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
var jobs: [[String: Any]] = []

func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? text + fill : fill + text
}
func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

print(pad("instance", 11, left: true) + pad("n", 5) + pad("length", 11) + pad("optimum", 10) + pad("gap %", 8)
      + pad("median s", 10) + "  " + pad("method", 13, left: true) + pad("kicks", 7))
for (name, make) in instances {
    if let only, !only.contains(name) { continue }
    let instance = try make()
    let n = instance.matrix.count
    let solver = OrderSolver(timeLimit: .seconds(instance.timeLimit))
    var times: [Double] = []
    var solution: OrderSolution!
    for _ in 0..<(n >= 5000 ? 1 : repeats) {
        let started = ContinuousClock.now
        solution = solver.shortestCycle(instance.matrix)
        times.append((ContinuousClock.now - started).seconds)
    }
    precondition(Set(solution.order) == Set(0..<n) && solution.order.count == n, "not a tour")
    let row = Row(name: instance.name, n: n, length: solution.cost, optimum: instance.optimum, seconds: median(times),
                  method: solution.method, kicks: solution.kicks, timeLimit: instance.timeLimit)
    rows.append(row)
    let gap = row.optimum.map { fixed(100 * (row.length / $0 - 1), 2) } ?? "–"
    print(pad(row.name, 11, left: true) + pad("\(n)", 5) + pad(fixed(row.length, 0), 11)
          + pad(row.optimum.map { fixed($0, 0) } ?? "–", 10) + pad(gap, 8) + pad(fixed(row.seconds, 3), 10) + "  "
          + pad(row.method.rawValue, 13, left: true) + pad("\(row.kicks)", 7))
    if runOrTools && n > 16 {
        let file = work.appendingPathComponent("\(instance.name).f64")
        // Written straight from the matrix's storage: a copy would double the benchmark's memory at 5,000.
        try instance.matrix.values.withUnsafeBytes { bytes in
            try Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress!), count: bytes.count,
                     deallocator: .none).write(to: file)
        }
        jobs.append(["name": instance.name, "n": n, "matrix": file.path, "time_limit_s": instance.timeLimit])
    }
}
// Open paths go through the dummy node: 16 stops with a fixed start and end are 17 places for Held–Karp.
if only == nil || only!.contains("random16-path") {
    let matrix = randomInstance(16, seed: 1616)
    var times: [Double] = []
    var solution: OrderSolution!
    for _ in 0..<max(repeats, 3) {
        let started = ContinuousClock.now
        solution = try OrderSolver().solve(matrix, start: 0, end: 15, loop: false)
        times.append((ContinuousClock.now - started).seconds)
    }
    precondition(solution.order.first == 0 && solution.order.last == 15)
    print(pad("random16-path", 11, left: true) + pad("16", 5) + pad(fixed(solution.cost, 0), 11) + pad("–", 10) + pad("–", 8)
          + pad(fixed(median(times), 3), 10) + "  " + pad(solution.method.rawValue, 13, left: true) + pad("0", 7)
          + "   (open path, fixed start and end)")
}
print(String(format: "peak memory: %.0f MiB", peakMemoryMiB()))

let tsplib = rows.filter { $0.optimum != nil && $0.n <= 442 }
if !tsplib.isEmpty {
    let gaps = tsplib.map { 100 * ($0.length / $0.optimum! - 1) }
    print(String(format: "TSPLIB 51–442: mean gap %.2f %%, max %.2f %%, slowest %.3f s",
                 gaps.reduce(0, +) / Double(gaps.count), gaps.max()!, tsplib.map(\.seconds).max()!))
}

if runOrTools && !jobs.isEmpty {
    let jobsFile = work.appendingPathComponent("jobs.json")
    try JSONSerialization.data(withJSONObject: jobs).write(to: jobsFile)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", here.deletingLastPathComponent().appendingPathComponent("ortools_compare.py").path, jobsFile.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    for line in output.split(separator: UInt8(ascii: "\n")) {
        guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
              let name = object["name"] as? String, let i = rows.firstIndex(where: { $0.name == name }) else { continue }
        rows[i].orTools = object["length"] as? Double
        rows[i].orToolsStatus = object["status"] as? String ?? ""
    }
    print("\nOR-Tools routing (PATH_CHEAPEST_ARC + GUIDED_LOCAL_SEARCH), same matrix, same time limit:")
    print(pad("instance", 11, left: true) + pad("n", 5) + pad("limit s", 9) + pad("ours", 11) + pad("OR-Tools", 11)
          + pad("ours/OR-Tools", 15) + pad("OR-Tools gap %", 16))
    var ratios: [Double] = []
    for row in rows where row.n > 16 {
        guard let other = row.orTools else {
            print(pad(row.name, 11, left: true) + pad("\(row.n)", 5) + pad(fixed(row.timeLimit, 1), 9) + pad(fixed(row.length, 0), 11)
                  + "   OR-Tools: " + row.orToolsStatus)
            continue
        }
        ratios.append(row.length / other)
        let gap = row.optimum.map { fixed(100 * (other / $0 - 1), 2) } ?? "–"
        print(pad(row.name, 11, left: true) + pad("\(row.n)", 5) + pad(fixed(row.timeLimit, 1), 9) + pad(fixed(row.length, 0), 11)
              + pad(fixed(other, 0), 11) + pad(fixed(row.length / other, 4), 15) + pad(gap, 16))
    }
    if !ratios.isEmpty {
        print(String(format: "median ratio ours/OR-Tools: %.4f (below 1 = ours shorter)", median(ratios)))
    }
}
try? FileManager.default.removeItem(at: work)

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
