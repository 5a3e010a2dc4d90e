/// Which edge proxy's location headers to believe. Anyone can send such headers, so
/// they are read only when the operator names the proxy in front of Foyer.
public enum EdgeHeaderProvider: String, Sendable, Hashable, CaseIterable {
    /// `CF-IPCountry`, and with "Add visitor location headers" on, `CF-IPCity`,
    /// `CF-IPLatitude`, `CF-IPLongitude`.
    case cloudflare
    /// `CloudFront-Viewer-Country`, `-Country-Name`, `-City`, `-Latitude`, `-Longitude`.
    case cloudfront
    /// `X-Geo-Country`, `X-Geo-Country-Name`, `X-Geo-City`, `X-Geo-Latitude`, `X-Geo-Longitude`,
    /// for a proxy the operator configures to set them.
    case generic

    /// Header names (lower case) for country code, country name, city, latitude, longitude.
    var headerNames: (country: String, countryName: String?, city: String, latitude: String, longitude: String) {
        switch self {
        case .cloudflare:
            ("cf-ipcountry", nil, "cf-ipcity", "cf-iplatitude", "cf-iplongitude")
        case .cloudfront:
            ("cloudfront-viewer-country", "cloudfront-viewer-country-name", "cloudfront-viewer-city",
             "cloudfront-viewer-latitude", "cloudfront-viewer-longitude")
        case .generic:
            ("x-geo-country", "x-geo-country-name", "x-geo-city", "x-geo-latitude", "x-geo-longitude")
        }
    }
}
