public import FoyerCore

/// Public site keys: `fk_` and 20 random base-62 characters.
public enum SiteKey {
    public static func make() -> String { Identifier.make(prefix: "fk_", length: 20) }

    /// The tag a site owner pastes into every page.
    public static func snippet(baseURL: String, siteKey: String) -> String {
        #"<script async src="\#(baseURL)/foyer.js" data-site="\#(siteKey)"></script>"#
    }
}
