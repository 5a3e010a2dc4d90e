import Foundation

/// Reads `FOYER_*` environment variables, the fallback for every flag.
enum Environment {
    static func string(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    static func int(_ name: String) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else { throw CommandFailure("\(name) must be a whole number, not \(text)") }
        return value
    }

    static func bool(_ name: String) -> Bool? {
        string(name).map { ["1", "true", "yes", "on"].contains($0.lowercased()) }
    }

    static func list(_ name: String) -> [String] {
        string(name)?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? []
    }
}
