/// The flag emoji of an ISO 3166-1 alpha-2 code (`TR` → 🇹🇷), built from regional
/// indicator symbols; nil for anything that is not two ASCII letters.
public func flagEmoji(countryCode: String) -> String? {
    let letters = Array(countryCode.utf8)
    guard letters.count == 2 else { return nil }
    var scalars = String.UnicodeScalarView()
    for letter in letters {
        let upper = letter & ~0x20
        guard upper >= UInt8(ascii: "A"), upper <= UInt8(ascii: "Z"),
              let scalar = Unicode.Scalar(0x1F1E6 + UInt32(upper - UInt8(ascii: "A")))
        else { return nil }
        scalars.append(scalar)
    }
    return String(scalars)
}
