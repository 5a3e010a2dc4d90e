import FoyerCore

/// The tracker frames of an invitation to chat (docs/PROTOCOL.md section 1):
/// `{"t":"invite","inv":{"id","message","agent"}}` while it is pending, and
/// `{"t":"invite-end","id","state"}` once it stops being pending.
enum InvitationFrames {
    /// Shows the invitation on the tab's page.
    static func invite(_ invitation: Invitation) -> String {
        var json = JSONWriter(capacity: 96 + invitation.message.utf8.count)
        json.raw(#"{"t":"invite","inv":{"id":"#)
        json.string(invitation.id)
        json.raw(#","message":"#)
        json.string(invitation.message)
        json.raw(#","agent":"#)
        json.string(invitation.agent)
        json.raw("}}")
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// Takes the invitation off the tab's page.
    static func ended(_ invitation: Invitation) -> String {
        var json = JSONWriter(capacity: 64)
        json.raw(#"{"t":"invite-end","id":"#)
        json.string(invitation.id)
        json.raw(#","state":"#)
        json.string(invitation.state.rawValue)
        json.raw("}")
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// The frames a change of an entry's invitation calls for: the new one shown, or
    /// the ended one taken off; nothing when its pending-ness did not change.
    static func forChange(from previous: Invitation?, to current: Invitation?) -> String? {
        let wasPending = previous?.isPending == true
        guard let current else { return nil }
        if current.isPending, !wasPending || previous?.id != current.id { return invite(current) }
        if !current.isPending, wasPending, previous?.id == current.id { return ended(current) }
        return nil
    }
}
