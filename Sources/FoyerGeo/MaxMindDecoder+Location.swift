/// The fast path: read only the location fields of a record, allocating nothing but the
/// result strings (which Swift keeps inline when they are 15 bytes or fewer).
///
/// Understands the GeoLite2/DB-IP layout (`country.iso_code`, `country.names.en`,
/// `city.names.en`, `location.latitude`) and flat IPinfo-style keys (`country_code`,
/// `country`, `city`, `lat`/`latitude`, `lng`/`longitude`).
extension MaxMindDecoder {
    private enum Key {
        case country, registeredCountry, countryCode, countryName, city, location, latitude, longitude
        case isoCode, names, english
    }

    /// A string's bytes inside the section.
    private struct Text {
        var start: Int
        var length: Int
    }

    func location(at offset: Int) throws(DecodeFailure) -> MaxMindLocation {
        guard try resolvedHeader(at: offset).type == .map else { throw DecodeFailure("record is not a map") }
        var result = MaxMindLocation()
        var registered = MaxMindLocation()
        try forEachEntry(ofMapAt: offset) { (key, value) throws(DecodeFailure) -> Bool in
            switch key {
            case .country: try readCountry(at: value, into: &result)
            case .registeredCountry: try readCountry(at: value, into: &registered)
            case .countryCode: result.countryCode = try string(at: value)
            case .countryName: result.countryName = try string(at: value)
            case .city:
                let header = try resolvedHeader(at: value)
                if header.type == .map {
                    result.city = try englishName(inMapAt: value)
                } else {
                    result.city = try string(at: value)
                }
            case .location:
                try forEachEntry(ofMapAt: value) { (key, value) throws(DecodeFailure) in
                    if key == .latitude { result.latitude = try number(at: value) }
                    if key == .longitude { result.longitude = try number(at: value) }
                    return true
                }
            case .latitude: result.latitude = try number(at: value)
            case .longitude: result.longitude = try number(at: value)
            default: break
            }
            // Stop once everything is known: the rest of a city record is never needed.
            return result.countryCode == nil || result.countryName == nil || result.city == nil
                || result.latitude == nil || result.longitude == nil
        }
        // Anycast and satellite ranges may carry only the registered country.
        if result.countryCode == nil, result.countryName == nil {
            result.countryCode = registered.countryCode
            result.countryName = registered.countryName
        }
        return result
    }

    private func readCountry(at offset: Int, into result: inout MaxMindLocation) throws(DecodeFailure) {
        let header = try resolvedHeader(at: offset)
        guard header.type == .map else {
            result.countryName = try string(at: offset)
            return
        }
        try forEachEntry(ofMapAt: offset) { (key, value) throws(DecodeFailure) in
            if key == .isoCode { result.countryCode = try string(at: value) }
            if key == .names { result.countryName = try english(inNamesAt: value) }
            return true
        }
    }

    private func englishName(inMapAt offset: Int) throws(DecodeFailure) -> String? {
        var name: String?
        try forEachEntry(ofMapAt: offset) { (key, value) throws(DecodeFailure) in
            if key == .names { name = try english(inNamesAt: value) }
            return name == nil
        }
        return name
    }

    private func english(inNamesAt offset: Int) throws(DecodeFailure) -> String? {
        var name: String?
        try forEachEntry(ofMapAt: offset) { (key, value) throws(DecodeFailure) in
            if key == .english { name = try string(at: value) }
            return name == nil
        }
        return name
    }

    /// Calls `body` with each known key of the map at `offset` and the offset of its
    /// value, until it returns false; values of other keys are skipped. A non-map value
    /// is treated as empty.
    @inline(__always)
    private func forEachEntry(
        ofMapAt offset: Int, _ body: (Key, Int) throws(DecodeFailure) -> Bool
    ) throws(DecodeFailure) {
        let header = try resolvedHeader(at: offset)
        guard header.type == .map else { return }
        var position = header.payload
        for _ in 0..<header.size {
            // Keys are strings, often reached through a pointer to one shared copy.
            var keyHeader = try self.header(at: position)
            if keyHeader.type == .pointer {
                position = keyHeader.payload
                keyHeader = try self.header(at: keyHeader.size)
            } else {
                position = keyHeader.payload + keyHeader.size
            }
            guard keyHeader.type == .string else { throw DecodeFailure("map key is not a string") }
            try check(keyHeader.payload, keyHeader.size)
            if let key = key(Text(start: keyHeader.payload, length: keyHeader.size)) {
                guard try body(key, position) else { return }
            }
            position = try skip(at: position)
        }
    }

    @inline(__always)
    private func key(_ text: Text) -> Key? {
        switch text.length {
        case 2: if matches(text, "en") { return .english }
        case 3:
            if matches(text, "lat") { return .latitude }
            if matches(text, "lng") || matches(text, "lon") { return .longitude }
        case 4: if matches(text, "city") { return .city }
        case 5: if matches(text, "names") { return .names }
        case 7: if matches(text, "country") { return .country }
        case 8:
            if matches(text, "iso_code") { return .isoCode }
            if matches(text, "location") { return .location }
            if matches(text, "latitude") { return .latitude }
        case 9: if matches(text, "longitude") { return .longitude }
        case 12:
            if matches(text, "country_code") { return .countryCode }
            if matches(text, "country_name") { return .countryName }
        case 18: if matches(text, "registered_country") { return .registeredCountry }
        default: break
        }
        return nil
    }

    @inline(__always)
    private func matches(_ text: Text, _ expected: StaticString) -> Bool {
        guard text.length == expected.utf8CodeUnitCount else { return false }
        let pointer = expected.utf8Start
        for index in 0..<text.length
        where base.load(fromByteOffset: text.start + index, as: UInt8.self) != pointer[index] {
            return false
        }
        return true
    }

    /// The string at `offset`, or nil when the value is of another type or empty.
    private func string(at offset: Int) throws(DecodeFailure) -> String? {
        let header = try resolvedHeader(at: offset)
        guard header.type == .string, header.size > 0 else { return nil }
        try check(header.payload, header.size)
        return text(start: header.payload, length: header.size)
    }

    /// Text from checked bytes; a typed buffer takes String's fast UTF-8 path.
    @inline(__always)
    private func text(start: Int, length: Int) -> String {
        let bytes = (base + start).assumingMemoryBound(to: UInt8.self)
        return String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
    }

    /// A coordinate stored as a double, float, integer, or decimal text (as IPinfo does).
    private func number(at offset: Int) throws(DecodeFailure) -> Double? {
        let header = try resolvedHeader(at: offset)
        switch header.type {
        case .double where header.size == 8:
            return Double(bitPattern: try unsigned(header.payload, 8))
        case .float where header.size == 4:
            return Double(Float(bitPattern: UInt32(try unsigned(header.payload, 4))))
        case .uint16 where header.size <= 2, .uint32 where header.size <= 4, .uint64 where header.size <= 8:
            return Double(try unsigned(header.payload, header.size))
        case .int32 where header.size <= 4:
            return Double(Int32(bitPattern: UInt32(try unsigned(header.payload, header.size))))
        case .string where header.size > 0 && header.size <= 32:
            try check(header.payload, header.size)
            return Double(text(start: header.payload, length: header.size)).flatMap { $0.isFinite ? $0 : nil }
        default:
            return nil
        }
    }
}
