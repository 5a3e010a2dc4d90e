import FoyerStore
import Hummingbird

/// A member's own "notice first" switches (**Sound**, **Desktop notifications**) for the
/// Visitors and Chats pages, kept on the server so they follow the member between browsers.
struct NoticesController {
    let authenticator: SessionAuthenticator
    let store: any Store

    func add(to router: Router<FoyerRequestContext>) {
        router.get("/api/me/notifications") { request, _ in
            let viewer = try await Viewer.require(request, authenticator: authenticator)
            return try JSONResponse.value(try await store.noticeSettings(userID: viewer.user.id))
        }
        router.put("/api/me/notifications") { request, context in
            let viewer = try await Viewer.require(request, authenticator: authenticator)
            let settings: NoticeSettings
            do {
                settings = try await request.decode(as: NoticeSettings.self, context: context)
            } catch {
                throw HTTPError(.badRequest, message: #"send {"sound": true|false, "desktop": true|false}"#)
            }
            try await store.setNoticeSettings(userID: viewer.user.id, settings)
            return try JSONResponse.value(settings)
        }
    }
}
