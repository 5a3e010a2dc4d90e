import Hummingbird

/// `GET /api/locations`: where visitor locations come from, and the attribution the
/// Visitors page must show for it (DB-IP's CC BY 4.0 licence requires one). Public: it
/// names a data source, nothing about the account.
struct LocationsController {
    /// Nil when the locations need no credit (timezone table, the operator's own file).
    let attribution: Attribution?

    struct Attribution: Encodable, Sendable {
        let text: String
        let url: String
    }

    struct Body: Encodable {
        let attribution: Attribution?
    }

    func add(to router: Router<FoyerRequestContext>) {
        router.get("/api/locations") { _, _ in
            try JSONResponse.value(Body(attribution: attribution))
        }
    }
}
