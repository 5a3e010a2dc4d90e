import FoyerCore
import Testing

/// One cleaning for every invitation text, typed in the drawer or carried by a trigger.
@Suite("Invitation message")
struct InvitationMessageTests {
    @Test func invisibleAndDirectionChangingCharactersGo() {
        #expect(InvitationMessage.cleaned("  Hi\u{202E}gnp.exe\u{200B}  ") == "Hignp.exe")
        #expect(InvitationMessage.cleaned("Line one\nLine two\t!") == "Line one Line two !")
        #expect(InvitationMessage.cleaned("\u{2066}\u{200F}\n ") == "")
        // A joiner inside an emoji is part of what the visitor sees.
        #expect(InvitationMessage.cleaned("Hello 👩‍💻") == "Hello 👩‍💻")
    }

    @Test func aLongMessageIsMeasuredWholeNeverCut() {
        // 500 characters, a space, then more: cut at 501 and trimmed it would pass as 500.
        let long = String(repeating: "a", count: 500) + " and more"
        #expect(InvitationMessage.cleaned(long).count > InvitationMessage.maxCharacters)
        let exact = String(repeating: "a", count: 500) + "\u{202E}\u{200B}  "
        #expect(InvitationMessage.cleaned(exact).count == InvitationMessage.maxCharacters)
    }
}
