import FoyerBuildInfo

/// What `foyer --version` prints: the release number and the commit built.
enum BuildInfo {
    /// Raised for each release; docs/INSTALL.md's upgrade notes name it.
    static let version = "0.9.0"

    static var commit: String { String(cString: foyer_build_commit()) }

    /// `0.9.0 (commit 1a2b3c4d5e6f)`.
    static var description: String { "\(version) (commit \(commit))" }
}
