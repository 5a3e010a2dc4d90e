import Hummingbird
import HTTPTypes

/// Refuses cross-site state changes. Every POST, PUT, PATCH and DELETE under `/api/`
/// must send `Content-Type: application/json` (an HTML form on another site cannot, and a
/// cross-site `fetch` with it needs a CORS preflight Foyer never grants) and, when the
/// browser sends an `Origin`, it must be this server's. The session cookie is
/// `SameSite=Lax` on top.
struct CSRFMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch request.method {
        case .post, .put, .patch, .delete:
            guard request.uri.path.hasPrefix("/api/") else { break }
            try SameOrigin.check(request)
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
                throw HTTPError(.unsupportedMediaType, message: "send JSON (Content-Type: application/json)")
            }
        default:
            break
        }
        return try await next(request, context)
    }
}
