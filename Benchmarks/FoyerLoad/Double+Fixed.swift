import Foundation

extension Double {
    /// The number with a fixed count of decimals, for tables.
    func fixed(_ digits: Int) -> String { String(format: "%.\(digits)f", self) }
}
