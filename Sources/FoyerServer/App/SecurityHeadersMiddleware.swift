import Hummingbird
import HTTPTypes
import Logging

/// Adds the security headers every response carries.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// No inline script or style, nothing from another origin, never framed.
    static var contentSecurityPolicy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = JSONResponse.error(error.status, error.body ?? error.status.reasonPhrase)
        } catch {
            // A store that fails (a full disk, a lost database) must still answer in the
            // API's shape, never a 500 with an empty body.
            context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            response = JSONResponse.error(.internalServerError, "the server could not complete this request; try again later")
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[values: .init("Referrer-Policy")!] = ["same-origin"]
        response.headers[values: .init("X-Frame-Options")!] = ["DENY"]
        return response
    }
}
