import FoyerCore
import Testing

@Suite("JSON writer")
struct JSONWriterTests {
    func written(_ write: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        write(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func integersAreWrittenAsSwiftPrintsThem() {
        let values: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, 1_764_000_000_000, -1_764_000_000_000, .max, .min, .max - 1, .min + 1]
        for value in values { #expect(written { $0.integer(value) } == String(value)) }
        var random = SplitMix64(seed: 18)
        for _ in 0..<1_000 {
            let value = Int64(bitPattern: random.next()) >> (random.next() % 64)
            #expect(written { $0.integer(value) } == String(value))
        }
        // Other integer types, and those beyond Int64.
        #expect(written { $0.integer(UInt8(255)) } == "255")
        #expect(written { $0.integer(Int32.min) } == "-2147483648")
        #expect(written { $0.integer(UInt64.max) } == "18446744073709551615")
        #expect(written { $0.raw("["); $0.integer(12); $0.raw(","); $0.integer(-3); $0.raw("]") } == "[12,-3]")
    }
}
