import Foundation
import FoyerCore

/// Writes a GeoLite2-City-sized MaxMind DB of made-up places, so the benchmark needs no
/// download: an IPv6 tree with IPv4 under `::/96` (and `::ffff:0:0/96` aliased to it),
/// millions of nodes, records shaped and deduplicated like GeoLite2-City's.
struct SyntheticDatabase {
    var ipv4Networks = 600_000
    var ipv6Networks = 150_000
    var records = 150_000
    var cities = 40_000
    var countries = 250
    var recordSize = 28

    /// Trie children: >= 0 a node, -1 empty, <= -2 record number (-2 - value).
    private var left: [Int32] = [-1]
    private var right: [Int32] = [-1]

    func write(to path: String, seed: UInt64) throws -> (nodeCount: Int, networks: Int) {
        var builder = self
        var random = SplitMix64(seed: seed)
        var inserted = 0
        for _ in 0..<ipv4Networks {
            let length = Int.random(in: 16...28, using: &random)
            let address = UInt64(UInt32.random(in: 0x0100_0000...0xDFFF_FFFF, using: &random))
            let record = Int32(Int.random(in: 0..<records, using: &random))
            if builder.insert(high: 0, low: address, prefixLength: 96 + length, record: record) { inserted += 1 }
        }
        for _ in 0..<ipv6Networks {
            let length = Int.random(in: 32...48, using: &random)
            let high = 0x2000_0000_0000_0000 | UInt64.random(in: 0..<(1 << 61), using: &random)
            let record = Int32(Int.random(in: 0..<records, using: &random))
            if builder.insert(high: high, low: 0, prefixLength: length, record: record) { inserted += 1 }
        }
        // Alias ::ffff:0:0/96 to the IPv4 subtree, as MaxMind's files do.
        var ipv4Node: Int32 = 0
        for _ in 0..<96 { ipv4Node = builder.left[Int(ipv4Node)] }
        builder.link(high: 0, low: 0xFFFF << 32, prefixLength: 96, to: ipv4Node)

        var data = Data()
        let recordOffsets = Self.encodeRecords(
            into: &data, records: records, cities: cities, countries: countries, random: &random)
        let nodeCount = builder.left.count
        var file = Data(capacity: nodeCount * recordSize / 4 + 16 + data.count + 200)
        func value(_ child: Int32) -> UInt32 {
            if child >= 0 { return UInt32(child) }
            if child == -1 { return UInt32(nodeCount) }
            return UInt32(nodeCount + 16 + recordOffsets[Int(-2 - child)])
        }
        for node in 0..<nodeCount {
            let a = value(builder.left[node])
            let b = value(builder.right[node])
            switch recordSize {
            case 24:
                file.append(contentsOf: [UInt8(a >> 16 & 0xFF), UInt8(a >> 8 & 0xFF), UInt8(a & 0xFF),
                                         UInt8(b >> 16 & 0xFF), UInt8(b >> 8 & 0xFF), UInt8(b & 0xFF)])
            case 28:
                file.append(contentsOf: [UInt8(a >> 16 & 0xFF), UInt8(a >> 8 & 0xFF), UInt8(a & 0xFF),
                                         UInt8((a >> 24) << 4 | (b >> 24)),
                                         UInt8(b >> 16 & 0xFF), UInt8(b >> 8 & 0xFF), UInt8(b & 0xFF)])
            default:
                for shift in stride(from: 24, through: 0, by: -8) { file.append(UInt8(a >> UInt32(shift) & 0xFF)) }
                for shift in stride(from: 24, through: 0, by: -8) { file.append(UInt8(b >> UInt32(shift) & 0xFF)) }
            }
        }
        file.append(Data(count: 16))
        file.append(data)
        file.append(contentsOf: [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8))
        var metadata = Data()
        Encoder.map(&metadata, count: 6)
        Encoder.string(&metadata, "binary_format_major_version"); Encoder.unsigned(&metadata, type: 5, 2)
        Encoder.string(&metadata, "binary_format_minor_version"); Encoder.unsigned(&metadata, type: 5, 0)
        Encoder.string(&metadata, "database_type"); Encoder.string(&metadata, "Foyer-Synthetic-City")
        Encoder.string(&metadata, "ip_version"); Encoder.unsigned(&metadata, type: 5, 6)
        Encoder.string(&metadata, "node_count"); Encoder.unsigned(&metadata, type: 6, UInt64(nodeCount))
        Encoder.string(&metadata, "record_size"); Encoder.unsigned(&metadata, type: 5, UInt64(recordSize))
        file.append(metadata)
        try file.write(to: URL(fileURLWithPath: path))
        return (nodeCount, inserted)
    }

    private mutating func newNode() -> Int32 {
        left.append(-1)
        right.append(-1)
        return Int32(left.count - 1)
    }

    private func bit(_ high: UInt64, _ low: UInt64, _ index: Int) -> Bool {
        index < 64 ? (high >> UInt64(63 - index)) & 1 == 1 : (low >> UInt64(127 - index)) & 1 == 1
    }

    /// Inserts a network; skips it when it overlaps one already there.
    private mutating func insert(high: UInt64, low: UInt64, prefixLength: Int, record: Int32) -> Bool {
        var node: Int32 = 0
        for index in 0..<prefixLength {
            let goRight = bit(high, low, index)
            let child = goRight ? right[Int(node)] : left[Int(node)]
            if index == prefixLength - 1 {
                guard child == -1 else { return false }
                if goRight { right[Int(node)] = -2 - record } else { left[Int(node)] = -2 - record }
                return true
            }
            if child == -1 {
                let created = newNode()
                if goRight { right[Int(node)] = created } else { left[Int(node)] = created }
                node = created
            } else if child < -1 {
                return false
            } else {
                node = child
            }
        }
        return false
    }

    private mutating func link(high: UInt64, low: UInt64, prefixLength: Int, to target: Int32) {
        var node: Int32 = 0
        for index in 0..<(prefixLength - 1) {
            let goRight = bit(high, low, index)
            var child = goRight ? right[Int(node)] : left[Int(node)]
            if child == -1 {
                child = newNode()
                if goRight { right[Int(node)] = child } else { left[Int(node)] = child }
            }
            node = child
        }
        if bit(high, low, prefixLength - 1) { right[Int(node)] = target } else { left[Int(node)] = target }
    }

    /// Records shaped like GeoLite2-City and laid out as its writer does: key strings,
    /// continents, countries and cities are stored once and reached through pointers;
    /// each network's record is a small map of pointers plus its own location.
    /// Returns each record's data offset.
    private static func encodeRecords(
        into data: inout Data, records: Int, cities: Int, countries: Int, random: inout SplitMix64
    ) -> [Int] {
        var keys: [String: Int] = [:]
        func key(_ data: inout Data, _ text: String) {
            if let offset = keys[text] {
                Encoder.pointer(&data, offset)
            } else {
                keys[text] = data.count
                Encoder.string(&data, text)
            }
        }
        let languages = ["de", "en", "es", "fr", "ja", "pt-BR", "ru", "zh-CN"]
        func names(_ data: inout Data, _ base: String) {
            Encoder.map(&data, count: languages.count)
            for language in languages {
                key(&data, language)
                Encoder.string(&data, language == "en" ? base : "\(base) (\(language))")
            }
        }
        var continentOffsets: [Int] = []
        for index in 0..<7 {
            continentOffsets.append(data.count)
            Encoder.map(&data, count: 3)
            key(&data, "code"); Encoder.string(&data, "C\(index)")
            key(&data, "geoname_id"); Encoder.unsigned(&data, type: 6, UInt64(6_255_146 + index))
            key(&data, "names"); names(&data, "Continent \(index)")
        }
        var countryOffsets: [Int] = []
        for index in 0..<countries {
            countryOffsets.append(data.count)
            let letters: [UInt8] = [UInt8(65 + index / 26), UInt8(65 + index % 26)]
            Encoder.map(&data, count: 3)
            key(&data, "geoname_id"); Encoder.unsigned(&data, type: 6, UInt64(100_000 + index))
            key(&data, "iso_code"); Encoder.string(&data, String(decoding: letters, as: UTF8.self))
            key(&data, "names"); names(&data, "Country \(index)")
        }
        var cityOffsets: [(city: Int, country: Int, continent: Int, subdivisions: Int)] = []
        for index in 0..<cities {
            let city = data.count
            Encoder.map(&data, count: 2)
            key(&data, "geoname_id"); Encoder.unsigned(&data, type: 6, UInt64(2_000_000 + index))
            key(&data, "names"); names(&data, "City \(index)")
            let subdivisions = data.count
            data.append(contentsOf: [0x01, 0x04])  // an array of one map
            Encoder.map(&data, count: 3)
            key(&data, "geoname_id"); Encoder.unsigned(&data, type: 6, UInt64(3_000_000 + index))
            key(&data, "iso_code"); Encoder.string(&data, "\(index % 90 + 10)")
            key(&data, "names"); names(&data, "Region \(index)")
            let country = Int.random(in: 0..<countries, using: &random)
            cityOffsets.append((city, countryOffsets[country], continentOffsets[country % 7], subdivisions))
        }
        var offsets: [Int] = []
        for _ in 0..<records {
            offsets.append(data.count)
            let place = cityOffsets[Int.random(in: 0..<cities, using: &random)]
            Encoder.map(&data, count: 7)
            key(&data, "city"); Encoder.pointer(&data, place.city)
            key(&data, "continent"); Encoder.pointer(&data, place.continent)
            key(&data, "country"); Encoder.pointer(&data, place.country)
            key(&data, "location")
            Encoder.map(&data, count: 4)
            key(&data, "accuracy_radius"); Encoder.unsigned(&data, type: 5, 50)
            key(&data, "latitude"); Encoder.double(&data, Double.random(in: -60...70, using: &random))
            key(&data, "longitude"); Encoder.double(&data, Double.random(in: -180...180, using: &random))
            key(&data, "time_zone"); Encoder.string(&data, "Europe/Istanbul")
            key(&data, "postal")
            Encoder.map(&data, count: 1)
            key(&data, "code"); Encoder.string(&data, "\(Int.random(in: 10000...99999, using: &random))")
            key(&data, "registered_country"); Encoder.pointer(&data, place.country)
            key(&data, "subdivisions"); Encoder.pointer(&data, place.subdivisions)
        }
        return offsets
    }

    /// Just enough of the MaxMind DB encoding for the synthetic file.
    enum Encoder {
        static func control(_ data: inout Data, type: UInt8, size: Int) {
            precondition(size < 285)
            let sizeBits = UInt8(min(size, 29))
            if type <= 7 {
                data.append(type << 5 | sizeBits)
            } else {
                data.append(sizeBits)
                data.append(type - 7)
            }
            if size >= 29 { data.append(UInt8(size - 29)) }
        }

        static func string(_ data: inout Data, _ text: String) {
            control(&data, type: 2, size: text.utf8.count)
            data.append(contentsOf: Array(text.utf8))
        }

        static func map(_ data: inout Data, count: Int) { control(&data, type: 7, size: count) }

        static func unsigned(_ data: inout Data, type: UInt8, _ value: UInt64) {
            var bytes: [UInt8] = []
            var rest = value
            while rest > 0 {
                bytes.insert(UInt8(rest & 0xFF), at: 0)
                rest >>= 8
            }
            control(&data, type: type, size: bytes.count)
            data.append(contentsOf: bytes)
        }

        static func double(_ data: inout Data, _ value: Double) {
            control(&data, type: 3, size: 8)
            let bits = value.bitPattern
            for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(bits >> UInt64(shift) & 0xFF)) }
        }

        /// A pointer in its shortest form, as MaxMind's writer emits them.
        static func pointer(_ data: inout Data, _ target: Int) {
            switch target {
            case ..<2048:
                data.append(contentsOf: [UInt8(0x20 | target >> 8), UInt8(target & 0xFF)])
            case ..<526_336:
                let value = target - 2048
                data.append(contentsOf: [UInt8(0x28 | value >> 16), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
            case ..<134_744_064:
                let value = target - 526_336
                data.append(contentsOf: [UInt8(0x30 | value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
            default:
                data.append(0x38)
                for shift in stride(from: 24, through: 0, by: -8) { data.append(UInt8(target >> shift & 0xFF)) }
            }
        }
    }
}
