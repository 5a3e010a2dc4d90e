import Foundation
import FoyerStore
import Hummingbird
import HTTPTypes

/// Pages, static assets, the tracker script, and health and metrics endpoints.
struct SiteController {
    let files: StaticFiles
    let authenticator: SessionAuthenticator
    let metrics: FoyerMetrics
    let store: any Store
    let ready: ReadinessFlag
    /// `/metrics` needs `Authorization: Bearer <token>` when set (FoyerConfiguration).
    let metricsToken: String?

    func add(to router: Router<FoyerRequestContext>) {
        router.get("/") { request, _ in
            Response(status: .seeOther, headers: [.location: "/visitors"])
        }
        router.get("/signin") { request, _ in
            try self.file("/signin.html", request: request)
        }
        router.get("/visitors") { request, _ in
            try await self.page("/visitors.html", request: request)
        }
        router.get("/settings") { request, _ in
            try await self.page("/settings.html", request: request)
        }
        router.get("/chats") { request, _ in
            try await self.page("/chats.html", request: request)
        }
        router.get("/chats/:id") { request, _ in
            try await self.page("/chats.html", request: request)
        }
        router.get("/setup/:token") { request, _ in
            // The token is checked when the form is sent; the page itself is public.
            var response = try self.file("/setup.html", request: request)
            response.headers[.cacheControl] = "no-store"
            return response
        }
        router.get("/foyer.js") { request, _ in
            var response = try self.file("/foyer.js", request: request)
            // Short cache: a new version reaches every site within minutes.
            response.headers[.cacheControl] = "public, max-age=300"
            return response
        }
        router.get("/widget.js") { request, _ in
            // The chat widget, loaded only when a visitor opens the chat.
            var response = try self.file("/widget.js", request: request)
            response.headers[.cacheControl] = "public, max-age=300"
            return response
        }
        router.get("/assets/**") { request, context in
            try self.file(request.uri.path, request: request)
        }
        router.get("/track") { _, _ in
            JSONResponse.error(.badRequest, "WebSocket upgrade expected")
        }
        router.get("/feed") { _, _ in
            JSONResponse.error(.badRequest, "WebSocket upgrade expected")
        }
        router.get("/healthz") { _, _ in
            JSONResponse.raw(.ok, #"{"status":"ok"}"#)
        }
        router.get("/readyz") { _, _ in
            guard ready.isReady else { return JSONResponse.error(.serviceUnavailable, "starting or shutting down") }
            do {
                _ = try await store.account(id: "")
                return JSONResponse.raw(.ok, #"{"status":"ready"}"#)
            } catch {
                return JSONResponse.error(.serviceUnavailable, "database unavailable")
            }
        }
        router.get("/metrics") { request, context in
            // Totals across every account are the operator's, not the public's.
            guard MetricsAccess.allows(request, peer: context.remoteAddress?.ipAddress, token: metricsToken) else {
                return JSONResponse.error(.notFound, "not found")
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
    }

    /// A page for signed-in users; others are sent to the sign-in page.
    private func page(_ path: String, request: Request) async throws -> Response {
        guard try await authenticator.user(cookieHeader: request.headers[.cookie]) != nil else {
            return Response(status: .seeOther, headers: [.location: "/signin"])
        }
        var response = try file(path, request: request)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private func file(_ path: String, request: Request) throws -> Response {
        guard !path.contains(".."), let file = files[path] else {
            throw HTTPError(.notFound, message: "not found")
        }
        if request.headers[.ifNoneMatch] == file.etag {
            return Response(status: .notModified, headers: [.eTag: file.etag])
        }
        return Response(
            status: .ok,
            headers: [.contentType: file.contentType, .eTag: file.etag, .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
