#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A MaxMind DB (format 2) file, memory-mapped read-only: GeoLite2-City, DB-IP City Lite,
/// IPinfo and other files in that format.
///
/// The file is never copied. Replace it on disk by renaming a new file over it (as
/// `geoipupdate` does), not by rewriting it in place: the old mapping then stays valid
/// until the last lookup using it finishes.
public final class MaxMindDatabase: @unchecked Sendable {
    // @unchecked: every stored property is immutable and the mapping is read-only.

    /// The path the database was opened from.
    public let path: String
    public let metadata: MaxMindMetadata
    /// Identity of the file when it was opened, to notice a replacement.
    let fileIdentity: FileIdentity

    private let mapping: UnsafeRawPointer
    private let mappingSize: Int
    private let nodeCount: Int
    private let recordSize: Int
    private let ipv4StartNode: Int
    private let data: MaxMindDecoder

    /// Opens and checks the file at `path`.
    /// - Throws: ``GeoDatabaseError`` naming the file when it is missing, truncated or corrupt.
    public init(path: String) throws(GeoDatabaseError) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw GeoDatabaseError.cannotOpen.at(path, "cannot open: \(Self.errorText(errno))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw GeoDatabaseError.cannotOpen.at(path, "cannot read file status: \(Self.errorText(errno))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else { throw GeoDatabaseError.notAFile.at(path, "not a regular file") }
        guard status.st_size > 0 else { throw GeoDatabaseError.notAFile.at(path, "file is empty") }
        let size = Int(status.st_size)
        // MAP_POPULATE maps every page now (from the shared page cache, not a copy), so the
        // first lookups do not pay for page faults.
        guard let mapped = mmap(nil, size, PROT_READ, Self.mapFlags, descriptor, 0), mapped != MAP_FAILED else {
            throw GeoDatabaseError.cannotOpen.at(path, "cannot map file: \(Self.errorText(errno))")
        }
        let base = UnsafeRawPointer(mapped)
        do {
            let parsed = try Self.parse(base: base, size: size)
            self.metadata = parsed.metadata
            self.data = parsed.data
            self.ipv4StartNode = parsed.ipv4StartNode
        } catch {
            munmap(mapped, size)
            throw error.at(path)
        }
        self.mapping = base
        self.mappingSize = size
        self.nodeCount = metadata.nodeCount
        self.recordSize = metadata.recordSize
        self.fileIdentity = FileIdentity(status)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: mapping), mappingSize)
    }

    #if os(Linux)
    private static let mapFlags = MAP_PRIVATE | MAP_POPULATE
    #else
    private static let mapFlags = MAP_PRIVATE
    #endif

    private static let metadataMarker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)

    private static func parse(
        base: UnsafeRawPointer, size: Int
    ) throws(GeoDatabaseError) -> (metadata: MaxMindMetadata, data: MaxMindDecoder, ipv4StartNode: Int) {
        // The metadata follows the last marker within the final 128 KiB.
        let marker = metadataMarker
        var markerStart: Int?
        var candidate = size - marker.count
        let lowest = max(0, size - 128 * 1024)
        while candidate >= lowest {
            if base.load(fromByteOffset: candidate, as: UInt8.self) == marker[0],
               (1..<marker.count).allSatisfy({ base.load(fromByteOffset: candidate + $0, as: UInt8.self) == marker[$0] }) {
                markerStart = candidate
                break
            }
            candidate -= 1
        }
        guard let markerStart else { throw .metadataNotFound }
        let metadataStart = markerStart + marker.count
        let metadataDecoder = MaxMindDecoder(base: base + metadataStart, count: size - metadataStart)
        let metadata: MaxMindMetadata
        do {
            metadata = try MaxMindMetadata(metadataDecoder.decode(at: 0))
        } catch {
            throw GeoDatabaseError.invalidMetadata.at("", "invalid metadata: \(error.reason)")
        }
        guard metadata.binaryFormatMajorVersion == 2 else {
            throw GeoDatabaseError.unsupportedFormat.at("", "unsupported binary format version \(metadata.binaryFormatMajorVersion)")
        }
        guard [24, 28, 32].contains(metadata.recordSize) else {
            throw GeoDatabaseError.unsupportedFormat.at("", "unsupported record size \(metadata.recordSize)")
        }
        guard metadata.ipVersion == 4 || metadata.ipVersion == 6 else {
            throw GeoDatabaseError.unsupportedFormat.at("", "unsupported IP version \(metadata.ipVersion)")
        }
        // The tree and the 16-byte separator must fit before the metadata.
        let (treeSize, overflow) = metadata.nodeCount.multipliedReportingOverflow(by: metadata.recordSize / 4)
        guard !overflow, metadata.nodeCount > 0, treeSize <= markerStart - 16 else {
            throw GeoDatabaseError.corruptSearchTree.at("", "search tree (\(metadata.nodeCount) nodes) larger than the file: truncated?")
        }
        let dataStart = treeSize + 16
        let data = MaxMindDecoder(base: base + dataStart, count: markerStart - dataStart)

        // IPv4 addresses live under ::/96 in IPv6 trees: find that node once.
        var ipv4StartNode = 0
        if metadata.ipVersion == 6 {
            var depth = 0
            while depth < 96, ipv4StartNode < metadata.nodeCount {
                ipv4StartNode = readRecord(base: base, recordSize: metadata.recordSize, node: ipv4StartNode, bit: 0)
                depth += 1
            }
        }
        return (metadata, data, ipv4StartNode)
    }

    @inline(__always)
    private static func readRecord(base: UnsafeRawPointer, recordSize: Int, node: Int, bit: Int) -> Int {
        // Callers keep `node` below the node count, so these reads stay in the tree.
        func byte(_ offset: Int) -> Int { Int(base.load(fromByteOffset: offset, as: UInt8.self)) }
        switch recordSize {
        case 24:
            let offset = node * 6 + bit * 3
            return byte(offset) << 16 | byte(offset + 1) << 8 | byte(offset + 2)
        case 28:
            let offset = node * 7
            if bit == 0 {
                return (byte(offset + 3) & 0xF0) << 20 | byte(offset) << 16 | byte(offset + 1) << 8 | byte(offset + 2)
            }
            return (byte(offset + 3) & 0x0F) << 24 | byte(offset + 4) << 16 | byte(offset + 5) << 8 | byte(offset + 6)
        default:
            let offset = node * 8 + bit * 4
            return Int(UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        }
    }

    /// Walks the search tree: the data offset of the record for `address` (nil when the
    /// address is not in the file) and the prefix length of its network. No allocation.
    @inline(__always)
    func findRecord(_ address: IPAddress) throws(GeoDatabaseError) -> (offset: Int?, prefixLength: Int) {
        let bitCount: Int
        var node: Int
        if address.family == .v4 {
            bitCount = 32
            node = ipv4StartNode
        } else {
            guard metadata.ipVersion == 6 else { throw GeoDatabaseError.ipv6InIPv4Database.at(path) }
            bitCount = 128
            node = 0
        }
        var depth = 0
        // One loop per record size keeps the size switch out of the hot loop.
        switch recordSize {
        case 24:
            while depth < bitCount, node < nodeCount {
                node = Self.readRecord(base: mapping, recordSize: 24, node: node, bit: Int(address.bit(depth)))
                depth += 1
            }
        case 28:
            while depth < bitCount, node < nodeCount {
                node = Self.readRecord(base: mapping, recordSize: 28, node: node, bit: Int(address.bit(depth)))
                depth += 1
            }
        default:
            while depth < bitCount, node < nodeCount {
                node = Self.readRecord(base: mapping, recordSize: 32, node: node, bit: Int(address.bit(depth)))
                depth += 1
            }
        }
        if node == nodeCount { return (nil, depth) }
        guard node > nodeCount else {
            throw GeoDatabaseError.corruptSearchTree.at(path, "search tree has no record for \(bitCount)-bit addresses")
        }
        let offset = node - nodeCount - 16
        guard offset >= 0, offset < data.count else {
            throw GeoDatabaseError.corruptSearchTree.at(path, "search tree points past the data section")
        }
        return (offset, depth)
    }

    /// True when the file has a record for `address`: the tree walk alone, no decoding.
    public func contains(_ address: IPAddress) throws(GeoDatabaseError) -> Bool {
        try findRecord(address).offset != nil
    }

    /// The full record for `address`, or nil when the file has none.
    public func lookup(_ address: IPAddress) throws(GeoDatabaseError) -> MaxMindValue? {
        try lookupWithPrefixLength(address).value
    }

    /// The full record for `address` and the prefix length of the network it belongs to
    /// (counted in the address's own family, as the reference reader does).
    public func lookupWithPrefixLength(
        _ address: IPAddress
    ) throws(GeoDatabaseError) -> (value: MaxMindValue?, prefixLength: Int) {
        let (offset, prefixLength) = try findRecord(address)
        guard let offset else { return (nil, prefixLength) }
        do {
            return (try data.decode(at: offset), prefixLength)
        } catch {
            throw GeoDatabaseError.corruptData.at(path, "corrupt data section: \(error.reason)")
        }
    }

    /// The location fields for `address`, or nil when the file has no record for it.
    /// This is the fast path: only the needed keys are read.
    public func location(for address: IPAddress) throws(GeoDatabaseError) -> MaxMindLocation? {
        guard let offset = try findRecord(address).offset else { return nil }
        do {
            return try data.location(at: offset)
        } catch {
            throw GeoDatabaseError.corruptData.at(path, "corrupt data section: \(error.reason)")
        }
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
