import ArgumentParser
import Foundation
import FoyerCore
import FoyerGeo

/// `foyer geo lookup ADDRESS`: shows where Foyer would place a visitor.
struct GeoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geo", abstract: "Check visitor locations.", subcommands: [Lookup.self])

    struct Lookup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the location Foyer would show for an address (and browser timezone).")

        @Argument(help: "The visitor's IP address (IPv4 or IPv6).") var address: String
        @Option(help: "MaxMind-format city database (.mmdb) (env FOYER_GEOIP_DB).") var geoipDb: String?
        @Option(help: "The browser's IANA timezone, used when the address gives nothing (e.g. Europe/Istanbul).")
        var timezone: String?

        func run() async throws {
            guard let parsed = IPAddress(address) else {
                throw GeoCommandFailure("not an IP address: \(address)")
            }
            let path = geoipDb ?? ProcessInfo.processInfo.environment["FOYER_GEOIP_DB"].flatMap { $0.isEmpty ? nil : $0 }
            let resolver: LocationResolver
            do {
                resolver = try LocationResolver(configuration: GeoConfiguration(databasePath: path))
            } catch {
                throw GeoCommandFailure("\(error)")
            }
            let location = resolver.resolve(peer: address, headers: [], timezone: timezone)
            for line in Self.report(address: parsed, database: path, location: location) {
                print(line)
            }
        }

        static func report(address: IPAddress, database: String?, location: VisitorLocation?) -> [String] {
            var lines = ["address   \(address.unmapped) (\(address.scope.rawValue))"]
            lines.append("database  \(database ?? "none")")
            guard let location else {
                lines.append("location  unknown")
                return lines
            }
            let flag = location.countryCode.flatMap { flagEmoji(countryCode: $0) }.map { " \($0)" } ?? ""
            lines.append("country   \(location.countryCode ?? "-") \(location.country ?? "-")\(flag)")
            lines.append("city      \(location.city ?? "-")")
            if let latitude = location.latitude, let longitude = location.longitude {
                lines.append("lat/lon   \(latitude), \(longitude)")
            } else {
                lines.append("lat/lon   -")
            }
            lines.append("source    \(location.source.rawValue)\(location.isApproximate ? " (approximate)" : "")")
            return lines
        }
    }
}

/// A command error printed as is.
private struct GeoCommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
