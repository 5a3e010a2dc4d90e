/// Why decoding a section failed; turned into a ``GeoDatabaseError`` naming the file.
struct DecodeFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// The MaxMind DB data-section types, numbered as in the format. A struct rather than
/// an enum so that a control byte's type bits become a type without a lookup.
struct FieldType: Equatable {
    let rawValue: UInt8

    static let pointer = FieldType(rawValue: 1)
    static let string = FieldType(rawValue: 2)
    static let double = FieldType(rawValue: 3)
    static let bytes = FieldType(rawValue: 4)
    static let uint16 = FieldType(rawValue: 5)
    static let uint32 = FieldType(rawValue: 6)
    static let map = FieldType(rawValue: 7)
    static let int32 = FieldType(rawValue: 8)
    static let uint64 = FieldType(rawValue: 9)
    static let uint128 = FieldType(rawValue: 10)
    static let array = FieldType(rawValue: 11)
    static let dataCacheContainer = FieldType(rawValue: 12)
    static let endMarker = FieldType(rawValue: 13)
    static let boolean = FieldType(rawValue: 14)
    static let float = FieldType(rawValue: 15)
}

/// Reads values from one section of a mapped file (the data section, or the metadata).
///
/// Every read is bounds-checked against `count`, pointers resolve against `base`, and
/// decoding is limited in depth and in values so that crafted files cannot crash the
/// reader, exhaust memory, or loop.
struct MaxMindDecoder {
    /// A control byte, decoded.
    struct Header {
        var type: FieldType
        /// Payload length, element count, boolean value, or a pointer's target.
        var size: Int
        /// Offset of the payload (for a pointer: the offset just after it).
        var payload: Int
    }

    /// Real records nest a handful of levels; the limit stops cycles through pointers.
    static let maxDepth = 128
    static let maxValues = 1 << 16
    static let maxPayloadBytes = 1 << 21

    let base: UnsafeRawPointer
    let count: Int

    @inline(__always)
    func byte(_ offset: Int) throws(DecodeFailure) -> UInt8 {
        guard offset >= 0, offset < count else { throw DecodeFailure("read past the end of the data") }
        return base.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// Checks that `length` bytes from `offset` lie in the section.
    @inline(__always)
    func check(_ offset: Int, _ length: Int) throws(DecodeFailure) {
        guard offset >= 0, length >= 0, length <= count - offset else {
            throw DecodeFailure("value runs past the end of the data")
        }
    }

    /// A big-endian unsigned integer of `length` (≤ 8) bytes.
    @inline(__always)
    func unsigned(_ offset: Int, _ length: Int) throws(DecodeFailure) -> UInt64 {
        try check(offset, length)
        var value: UInt64 = 0
        for index in 0..<length {
            value = value << 8 | UInt64(base.load(fromByteOffset: offset + index, as: UInt8.self))
        }
        return value
    }

    /// The control byte at `offset`. The common case (a non-extended type with a size
    /// under 29) is handled inline; pointers and longer forms out of line.
    @inline(__always)
    func header(at offset: Int) throws(DecodeFailure) -> Header {
        guard offset >= 0, offset < count else { throw DecodeFailure("read past the end of the data") }
        let control = base.load(fromByteOffset: offset, as: UInt8.self)
        let rawType = control >> 5
        let size = control & 0x1F
        if rawType > 1, size < 29 {
            return Header(type: FieldType(rawValue: rawType), size: Int(size), payload: offset + 1)
        }
        if rawType == 1 { return try pointerHeader(at: offset, control: control) }
        return try longHeader(at: offset, control: control)
    }

    @inline(__always)
    private func pointerHeader(at offset: Int, control: UInt8) throws(DecodeFailure) -> Header {
        let length = Int(control >> 3) & 3 + 1
        let position = offset + 1
        try check(position, length)
        func at(_ index: Int) -> Int { Int(base.load(fromByteOffset: position + index, as: UInt8.self)) }
        let high = Int(control & 7)
        let target = switch length {
        case 1: high << 8 | at(0)
        case 2: (high << 16 | at(0) << 8 | at(1)) + 2048
        case 3: (high << 24 | at(0) << 16 | at(1) << 8 | at(2)) + 526_336
        default: at(0) << 24 | at(1) << 16 | at(2) << 8 | at(3)
        }
        return Header(type: .pointer, size: target, payload: position + length)
    }

    /// Extended types and sizes of 29 or more.
    @inline(never)
    private func longHeader(at offset: Int, control: UInt8) throws(DecodeFailure) -> Header {
        var position = offset + 1
        var rawType = control >> 5
        if rawType == 0 {
            let extended = try byte(position)
            position += 1
            guard extended >= 1, extended <= 8 else { throw DecodeFailure("unknown data type \(Int(extended) + 7)") }
            rawType = 7 + extended
        }
        var size = Int(control & 0x1F)
        switch size {
        case 29:
            size = 29 + Int(try unsigned(position, 1))
            position += 1
        case 30:
            size = 285 + Int(try unsigned(position, 2))
            position += 2
        case 31:
            size = 65_821 + Int(try unsigned(position, 3))
            position += 3
        default:
            break
        }
        return Header(type: FieldType(rawValue: rawType), size: size, payload: position)
    }

    /// The header of the value at `offset`, following one pointer. A pointer to a
    /// pointer is invalid in the format, which also rules out pointer-only cycles.
    @inline(__always)
    func resolvedHeader(at offset: Int) throws(DecodeFailure) -> Header {
        let header = try header(at: offset)
        guard header.type == .pointer else { return header }
        let target = try self.header(at: header.size)
        guard target.type != .pointer else { throw DecodeFailure("pointer to a pointer") }
        return target
    }

    /// The offset just after the value at `offset`, without following pointers.
    /// Work is bounded by the section size because every value takes at least one byte.
    @inline(__always)
    func skip(at offset: Int, depth: Int = 0) throws(DecodeFailure) -> Int {
        let header = try header(at: offset)
        switch header.type {
        case .pointer, .boolean:
            return header.payload
        case .map, .array:
            return try skipItems(of: header, depth: depth)
        case .dataCacheContainer, .endMarker:
            throw DecodeFailure("unexpected data type \(header.type.rawValue)")
        default:
            try checkScalarSize(header)
            try check(header.payload, header.size)
            return header.payload + header.size
        }
    }

    @inline(never)
    private func skipItems(of header: Header, depth: Int) throws(DecodeFailure) -> Int {
        guard depth + 1 < Self.maxDepth else { throw DecodeFailure("data nested too deeply") }
        var position = header.payload
        let items = header.type == .map ? header.size * 2 : header.size
        for _ in 0..<items {
            position = try skip(at: position, depth: depth + 1)
        }
        return position
    }

    @inline(__always)
    private func checkScalarSize(_ header: Header) throws(DecodeFailure) {
        let valid = switch header.type {
        case .double: header.size == 8
        case .float: header.size == 4
        case .uint16: header.size <= 2
        case .uint32, .int32: header.size <= 4
        case .uint64: header.size <= 8
        case .uint128: header.size <= 16
        default: true
        }
        guard valid else { throw DecodeFailure("bad size \(header.size) for data type \(header.type.rawValue)") }
    }

    // MARK: - Full decoding

    /// Limits shared by one decode call.
    struct Budget {
        var values = MaxMindDecoder.maxValues
        var payloadBytes = MaxMindDecoder.maxPayloadBytes
    }

    /// Decodes the whole value at `offset`.
    func decode(at offset: Int) throws(DecodeFailure) -> MaxMindValue {
        var budget = Budget()
        return try decode(at: offset, depth: 0, budget: &budget).value
    }

    private func decode(
        at offset: Int, depth: Int, budget: inout Budget
    ) throws(DecodeFailure) -> (value: MaxMindValue, next: Int) {
        guard depth < Self.maxDepth else { throw DecodeFailure("data nested too deeply") }
        budget.values -= 1
        guard budget.values >= 0 else { throw DecodeFailure("too many values in one record") }
        var header = try header(at: offset)
        var next: Int?
        if header.type == .pointer {
            next = header.payload
            header = try self.header(at: header.size)
            guard header.type != .pointer else { throw DecodeFailure("pointer to a pointer") }
        }
        let start = header.payload
        let value: MaxMindValue
        var end: Int
        switch header.type {
        case .map:
            var entries: [String: MaxMindValue] = [:]
            entries.reserveCapacity(min(header.size, 64))
            var position = start
            for _ in 0..<header.size {
                let key = try decode(at: position, depth: depth + 1, budget: &budget)
                guard case .string(let name) = key.value else { throw DecodeFailure("map key is not a string") }
                let item = try decode(at: key.next, depth: depth + 1, budget: &budget)
                entries[name] = item.value
                position = item.next
            }
            value = .map(entries)
            end = position
        case .array:
            var items: [MaxMindValue] = []
            items.reserveCapacity(min(header.size, 64))
            var position = start
            for _ in 0..<header.size {
                let item = try decode(at: position, depth: depth + 1, budget: &budget)
                items.append(item.value)
                position = item.next
            }
            value = .array(items)
            end = position
        case .boolean:
            value = .boolean(header.size != 0)
            end = start
        case .pointer, .dataCacheContainer, .endMarker:
            throw DecodeFailure("unexpected data type \(header.type.rawValue)")
        default:
            try checkScalarSize(header)
            try check(start, header.size)
            end = start + header.size
            switch header.type {
            case .string, .bytes:
                budget.payloadBytes -= header.size
                guard budget.payloadBytes >= 0 else { throw DecodeFailure("record too large") }
                let buffer = UnsafeRawBufferPointer(start: base + start, count: header.size)
                if header.type == .bytes {
                    value = .bytes(Array(buffer))
                } else {
                    guard let text = String(validating: buffer, as: UTF8.self) else {
                        throw DecodeFailure("string is not valid UTF-8")
                    }
                    value = .string(text)
                }
            case .double:
                value = .double(Double(bitPattern: try unsigned(start, 8)))
            case .float:
                value = .float(Float(bitPattern: UInt32(try unsigned(start, 4))))
            case .uint16:
                value = .uint16(UInt16(try unsigned(start, header.size)))
            case .uint32:
                value = .uint32(UInt32(try unsigned(start, header.size)))
            case .int32:
                // Short int32 values are zero-padded on the left, as the reference reader does.
                value = .int32(Int32(bitPattern: UInt32(try unsigned(start, header.size))))
            case .uint64:
                value = .uint64(try unsigned(start, header.size))
            default:
                let highLength = max(0, header.size - 8)
                let high = try unsigned(start, highLength)
                let low = try unsigned(start + highLength, header.size - highLength)
                value = .uint128(UInt128(high) << 64 | UInt128(low))
            }
        }
        return (value, next ?? end)
    }
}
