// Lookup latency of the MaxMind DB reader.
//
//     swift run -c release FoyerGeoBench [--db PATH] [--lookups N] [--seed N]
//                                        [--ipv4-networks N] [--ipv6-networks N]
//
// Without --db it writes a synthetic file about the size of GeoLite2-City (IPv6 tree,
// 28-bit records, about 4 million nodes) to the temporary directory first; raise the
// network counts for a bigger tree. Each lookup is timed on its own,
// so the figures include the clock read; its cost is printed too.

import FoyerGeo
import Foundation
import FoyerCore
import Histogram

var databasePath: String?
var lookups = 1_000_000
var seed: UInt64 = 42
var synthetic = SyntheticDatabase()
var only: String?
var passes = 1
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--db": databasePath = arguments.next()
    case "--lookups": lookups = arguments.next().flatMap(Int.init) ?? lookups
    case "--seed": seed = arguments.next().flatMap(UInt64.init) ?? seed
    case "--only": only = arguments.next()
    case "--passes": passes = arguments.next().flatMap(Int.init) ?? passes
    case "--ipv4-networks": synthetic.ipv4Networks = arguments.next().flatMap(Int.init) ?? synthetic.ipv4Networks
    case "--ipv6-networks": synthetic.ipv6Networks = arguments.next().flatMap(Int.init) ?? synthetic.ipv6Networks
    default:
        print("usage: FoyerGeoBench [--db PATH] [--lookups N] [--seed N] [--ipv4-networks N] [--ipv6-networks N] [--only NAME] [--passes N]")
        exit(2)
    }
}

if databasePath == nil {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("foyer-geobench-\(seed).mmdb").path
    let started = ContinuousClock.now
    let (nodes, networks) = try synthetic.write(to: path, seed: seed)
    print("synthetic database: \(networks) networks, \(nodes) nodes, written in \(ContinuousClock.now - started)")
    databasePath = path
}

let database: MaxMindDatabase
do {
    database = try MaxMindDatabase(path: databasePath!)
} catch {
    print("\(error)")
    exit(1)
}
let fileSize = (try? FileManager.default.attributesOfItem(atPath: databasePath!)[.size] as? Int) ?? 0
print("database: \(database.metadata.databaseType), \(database.metadata.nodeCount) nodes, \(database.metadata.recordSize)-bit records, \(fileSize / 1_048_576) MiB")

// Random public-looking addresses: 80% IPv4, 20% IPv6 in 2000::/3.
var random = SplitMix64(seed: seed &+ 1)
let addresses: [IPAddress] = (0..<lookups).map { _ in
    if Int.random(in: 0..<5, using: &random) < 4 {
        return IPAddress(ipv4: UInt32.random(in: 0x0100_0000...0xDFFF_FFFF, using: &random))
    }
    return IPAddress(ipv6High: 0x2000_0000_0000_0000 | UInt64.random(in: 0..<(1 << 61), using: &random), low: random.next())
}

/// Times each lookup on its own; found and not-found addresses are reported apart,
/// since a miss usually ends higher in the tree.
@MainActor @inline(never)
func measure(_ name: String, _ body: (IPAddress) throws -> Bool) rethrows {
    if let only, !name.contains(only) { return }
    func histogram() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 100_000_000, numberOfSignificantValueDigits: .three)
    }
    var all = histogram()
    var found = histogram()
    var missing = histogram()
    // Warm up caches and branch predictors.
    for address in addresses.prefix(100_000) { _ = try body(address) }
    let clock = ContinuousClock()
    for _ in 0..<passes {
    for address in addresses {
        let start = clock.now
        let hit = try body(address)
        let elapsed = start.duration(to: clock.now)
        let nanoseconds = UInt64(elapsed.components.attoseconds / 1_000_000_000)
        _ = all.record(nanoseconds)
        _ = hit ? found.record(nanoseconds) : missing.record(nanoseconds)
    }
    }
    func line(_ label: String, _ histogram: Histogram<UInt64>) {
        let title = "\(name) \(label)".padding(toLength: 42, withPad: " ", startingAt: 0)
        print("\(title) median \(histogram.valueAtPercentile(50)) ns  p90 \(histogram.valueAtPercentile(90)) ns  p99 \(histogram.valueAtPercentile(99)) ns  (n=\(histogram.totalCount))")
    }
    line("all", all)
    if found.totalCount > 0 { line("found", found) }
    if missing.totalCount > 0 { line("not found", missing) }
}

// What the clock itself costs per measurement.
measure("clock only") { _ in false }
try measure("tree walk: contains(_:)") { try database.contains($0) }
try measure("fast path: location(for:)") { try database.location(for: $0) != nil }
try measure("full record: lookup(_:)") { try database.lookup($0) != nil }
